"""co_building's own database. Money (a unit's investment) is kept in integer fen; the
co-building fund's ledger tables come from ``minzi.ledger``."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from minzi.db import InboxMixin, OutboxMixin, UTCDateTime
from minzi.ledger import EntryMixin, FundMixin, NumberSeriesMixin
from minzi.program_cases import ProgramCaseMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class Fund(FundMixin, Base):
    """The co-building fund (共建基金) of a community: its balance, locked by every movement."""


class NumberSeries(NumberSeriesMixin, Base):
    pass


class Entry(EntryMixin, Base):
    """A movement of the co-building fund; ``unit_id`` is the member unit a contribution came
    from (repeated on its reversal)."""
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)


class Unit(Base):
    """A member unit of the co-building committee (共建单位). ``contact_username`` is the intake
    account of the unit's own contact (role ``member_unit``), who sees and updates the unit's
    commitments and the issues assigned to it."""
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("community", "name", name="uq_units_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    party_branch: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    contact_username: Mapped[str | None] = mapped_column(String(60), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Agreement(Base):
    """A signed responsibility agreement (共驻共建责任书): its dates, terms and where the signed
    document is kept."""
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    signed_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    terms: Mapped[str] = mapped_column(Text)
    document_ref: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Commitment(Base):
    """One of a year's dual commitments (双向承诺): the community's to the units
    (``direction = community``; ``unit_id`` None: to every unit) or a deed a unit's party branch
    commits to the community (``direction = unit``), each with a due date, its evidence and who
    verified it."""
    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    year: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(20))      # community / unit
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))         # committed / reported / verified
    evidence: Mapped[str | None] = mapped_column(Text)
    evidence_ref: Mapped[str | None] = mapped_column(String(200))
    evidence_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evidence_by: Mapped[str | None] = mapped_column(String(100))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Meeting(Base):
    """A six-party joint meeting (六方联席会): who of each party was there, the issues it took up
    and what it decided."""
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    day: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[dict] = mapped_column(JSON)           # {party: [names]}
    case_ids: Mapped[list] = mapped_column(JSON)
    decisions: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class ProgramCase(ProgramCaseMixin, Base):
    """A resident's issue intake handed to co-building: sorted (solvable / needs coordination),
    assigned to a responsible unit with a deadline, supervised until done, perhaps taken to a
    joint meeting, and finished with its outcome (a unit's investment among it)."""
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]
    address: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(20))        # solvable / coordination
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    deadline: Mapped[date | None] = mapped_column(Date)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_on: Mapped[date | None] = mapped_column(Date)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    investment_fen: Mapped[int | None] = mapped_column(BigInteger)
    investment_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))


class Activity(Base):
    """Who did what, when, to units, agreements, commitments, meetings and the fund."""
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict] = mapped_column(JSON)
