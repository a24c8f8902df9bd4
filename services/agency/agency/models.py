"""agency's own database: the matters intake hands the program, with who owns each, the
documents received, the steps done and the resident's phone (to find their earlier matters)."""
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from minzi.db import InboxMixin, OutboxMixin, UTCDateTime
from minzi.program_cases import ProgramCaseMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class ProgramCase(ProgramCaseMixin, Base):
    """A matter: a case intake handed to the program (``service_code`` is its agency item)."""
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note, …}]
    # the resident's phone from case.dispatched, to list the same phone's earlier matters
    phone: Mapped[str | None] = mapped_column(String(30), index=True)
    # the agent who owns the matter to the end (intake's username and name)
    owner_username: Mapped[str | None] = mapped_column(String(60), index=True)
    owner_name: Mapped[str | None] = mapped_column(String(100))
    documents: Mapped[dict] = mapped_column(JSON, default=dict)   # {code: {at, by, note}}
    steps_done: Mapped[list] = mapped_column(JSON, default=list)  # [{code, at, by, note}]
    # the applicant's ID number, where an item's rule needs it (the old-age card's age)
    id_number: Mapped[str | None] = mapped_column(String(18))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())   # the item's own limit
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
