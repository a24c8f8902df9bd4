from minzi.migrations import run

from intake.models import Base

run(Base.metadata)
