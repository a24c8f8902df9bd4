from minzi.migrations import run

from flea_market.models import Base

run(Base.metadata)
