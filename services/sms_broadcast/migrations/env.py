from sms_broadcast.models import Base
from minzi.migrations import run

run(Base.metadata)
