from minzi.migrations import run

from volunteer_grid.models import Base

run(Base.metadata)
