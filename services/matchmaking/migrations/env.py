from matchmaking.models import Base
from minzi.migrations import run

run(Base.metadata)
