"""The stray-cat fund's own database.

Money is integer fen (1 yuan = 100 fen) everywhere: ``BigInteger`` columns, no floats, no
Decimals in storage. Ledger entries are insert-only: a mistake is undone by a reversal entry
that points at the entry it reverses (``reverses_id`` is unique, so an entry is reversed once).
"""
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from minzi.db import InboxMixin, OutboxMixin, UTCDateTime
from minzi.envelope import utcnow


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class Fund(Base):
    """One fund per community: the row every money movement locks, and its running balance."""
    __tablename__ = "funds"
    __table_args__ = (CheckConstraint("balance_fen >= 0", name="ck_funds_balance_not_negative"),)

    community: Mapped[str] = mapped_column(String(50), primary_key=True)
    balance_fen: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    entry_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class NumberSeries(Base):
    """The fund's numbering of entries (``CF-2026-000123``): one series per year, no gaps."""
    __tablename__ = "number_series"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Entry(Base):
    """A money movement. ``delta_fen`` is signed: donations +, expenses -, reversals the opposite
    of what they reverse. ``amount_fen`` is always positive."""
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("community", "idempotency_key", name="uq_entries_idempotency"),
        CheckConstraint("amount_fen > 0", name="ck_entries_amount_positive"),
        CheckConstraint("kind IN ('donation', 'expense', 'reversal')", name="ck_entries_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    community: Mapped[str] = mapped_column(String(50), ForeignKey("funds.community"),
                                           nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    amount_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    delta_fen: Mapped[int] = mapped_column(BigInteger, nullable=False)
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # donations
    donor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    donor_contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    may_publish_name: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    channel: Mapped[str | None] = mapped_column(String(30), nullable=True)
    # expenses (a reversal of an expense repeats its category and cat, so reports net out)
    category: Mapped[str | None] = mapped_column(String(30), nullable=True, index=True)
    cat_id: Mapped[int | None] = mapped_column(ForeignKey("cats.id"), nullable=True, index=True)
    invoice_ref: Mapped[str | None] = mapped_column(String(100), nullable=True)
    payee: Mapped[str | None] = mapped_column(String(200), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # reversals
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"), unique=True,
                                                    nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # who and when
    idempotency_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_by: Mapped[dict] = mapped_column(JSON, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    reverses: Mapped["Entry | None"] = relationship(remote_side=[id], foreign_keys=[reverses_id])
    cat: Mapped["Cat | None"] = relationship()


class Cat(Base):
    __tablename__ = "cats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    sex: Mapped[str] = mapped_column(String(10), nullable=False, default="unknown")
    colour: Mapped[str | None] = mapped_column(String(100), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    found_at: Mapped[str] = mapped_column(String(300), nullable=False)
    found_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="in_shelter")
    sterilised_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    sterilised_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_by: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_by: Mapped[dict] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    vaccinations: Mapped[list["Vaccination"]] = relationship(
        back_populates="cat", order_by="Vaccination.given_on")
    vet_visits: Mapped[list["VetVisit"]] = relationship(
        back_populates="cat", order_by="VetVisit.visited_on")
    history: Mapped[list["CatEvent"]] = relationship(order_by="CatEvent.id")


class Vaccination(Base):
    __tablename__ = "vaccinations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cat_id: Mapped[int] = mapped_column(ForeignKey("cats.id"), nullable=False, index=True)
    vaccine: Mapped[str] = mapped_column(String(100), nullable=False)
    given_on: Mapped[date] = mapped_column(Date, nullable=False)
    next_due_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    vet: Mapped[str | None] = mapped_column(String(200), nullable=True)
    recorded_by: Mapped[dict] = mapped_column(JSON, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    cat: Mapped[Cat] = relationship(back_populates="vaccinations")


class VetVisit(Base):
    __tablename__ = "vet_visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cat_id: Mapped[int] = mapped_column(ForeignKey("cats.id"), nullable=False, index=True)
    visited_on: Mapped[date] = mapped_column(Date, nullable=False)
    vet: Mapped[str] = mapped_column(String(200), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    diagnosis: Mapped[str | None] = mapped_column(Text, nullable=True)
    treatment: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[dict] = mapped_column(JSON, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    cat: Mapped[Cat] = relationship(back_populates="vet_visits")


class CatEvent(Base):
    """Every change to a cat's record: who, when, what."""
    __tablename__ = "cat_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cat_id: Mapped[int] = mapped_column(ForeignKey("cats.id"), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    detail: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    by: Mapped[dict] = mapped_column(JSON, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class Case(Base):
    """A stray-cat case intake dispatched here. Holds the resident's contact: staff only."""
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("community", "case_id", name="uq_cases_case"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False)
    tracking_code: Mapped[str] = mapped_column(String(40), nullable=False)
    service_code: Mapped[str] = mapped_column(String(80), nullable=False)
    channel: Mapped[str | None] = mapped_column(String(40), nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    attributes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    resident: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    dispatch_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="accepted")
    chase_level: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    history: Mapped[list["CaseEvent"]] = relationship(order_by="CaseEvent.id")
    cats: Mapped[list[Cat]] = relationship(secondary="case_cats", order_by="Cat.id")


class CaseCat(Base):
    __tablename__ = "case_cats"

    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    cat_id: Mapped[int] = mapped_column(ForeignKey("cats.id"), primary_key=True)


class CaseEvent(Base):
    """What happened to a case here: received, chased, recalled, cat linked, reported."""
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    by: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
