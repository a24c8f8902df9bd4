from minzi.migrations import run

from dog_owners.models import Base

run(Base.metadata)
