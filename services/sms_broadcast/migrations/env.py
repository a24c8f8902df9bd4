from minzi.migrations import run

from sms_broadcast.models import Base

run(Base.metadata)
