from minzi.migrations import run

from hotline.models import Base

run(Base.metadata)
