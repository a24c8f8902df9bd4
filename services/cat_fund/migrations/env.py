from cat_fund.models import Base
from minzi.migrations import run

run(Base.metadata)
