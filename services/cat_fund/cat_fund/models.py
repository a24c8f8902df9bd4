"""The stray-cat fund's own database.

The ledger's tables (``funds``, ``number_series``, ``entries``) are ``minzi.ledger``'s, declared
here on the fund's own ``Base``: money is integer fen, entries are insert-only and a mistake is
undone by a reversal entry pointing at the entry it reverses.
"""
from datetime import date, datetime

from sqlalchemy import (
    JSON,
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
from minzi.ledger import EntryMixin, FundMixin, NumberSeriesMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class Fund(FundMixin, Base):
    pass


class NumberSeries(NumberSeriesMixin, Base):
    pass


class Entry(EntryMixin, Base):
    """A money movement (``minzi.ledger``), and the cat a payment was for: a reversal of a
    payment repeats its cat, so a cat's costs net out."""
    cat_id: Mapped[int | None] = mapped_column(ForeignKey("cats.id"), nullable=True, index=True)

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
