from minzi.migrations import run

from agency.models import Base

run(Base.metadata)
