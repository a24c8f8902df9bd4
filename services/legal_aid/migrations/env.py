from minzi.migrations import run

from legal_aid.models import Base

run(Base.metadata)
