"""__PROGRAM_ID__'s own database."""
from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from minzi.db import InboxMixin, OutboxMixin, UTCDateTime
from minzi.envelope import utcnow


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class ProgramCase(Base):
    """A case intake handed to this program, with what the program did about it."""
    __tablename__ = "program_cases"
    case_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(16))
    community: Mapped[str] = mapped_column(String(41), index=True)
    service_code: Mapped[str] = mapped_column(String(61))
    state: Mapped[str] = mapped_column(String(20))          # received / resolved / returned / recalled
    description: Mapped[str] = mapped_column(Text)
    resident: Mapped[dict] = mapped_column(JSON)
    attributes: Mapped[dict] = mapped_column(JSON)
    chases: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str | None] = mapped_column(Text)
    handled_by: Mapped[str | None] = mapped_column(String(100))
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
