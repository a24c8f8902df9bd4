from __PROGRAM_ID__.models import Base
from minzi.migrations import run

run(Base.metadata)
