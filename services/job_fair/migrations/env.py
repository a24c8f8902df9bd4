from minzi.migrations import run

from job_fair.models import Base

run(Base.metadata)
