from minzi.migrations import run

from matchmaking.models import Base

run(Base.metadata)
