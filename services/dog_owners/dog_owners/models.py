"""dog_owners's own database."""
from sqlalchemy import JSON
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from minzi.db import InboxMixin, OutboxMixin
from minzi.program_cases import ProgramCaseMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class ProgramCase(ProgramCaseMixin, Base):
    """A case intake handed to this program, with what the program did about it (the columns
    every such case has come from ``ProgramCaseMixin``; add the program's own here)."""
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]
