from intake.models import Base
from minzi.migrations import run

run(Base.metadata)
