from minzi.migrations import run

from doctor.models import Base

run(Base.metadata)
