from minzi.migrations import run

from __PROGRAM_ID__.models import Base

run(Base.metadata)
