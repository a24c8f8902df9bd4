from minzi.migrations import run

from co_building.models import Base

run(Base.metadata)
