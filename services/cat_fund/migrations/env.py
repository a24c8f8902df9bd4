from minzi.migrations import run

from cat_fund.models import Base

run(Base.metadata)
