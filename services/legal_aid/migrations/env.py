from legal_aid.models import Base
from minzi.migrations import run

run(Base.metadata)
