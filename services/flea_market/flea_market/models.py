"""flea_market's own database: the market days, the stall sign-ups, the cases intake hands the
program, and the charity sales' money on ``minzi.ledger``'s tables (integer fen)."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
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
    """The charity-sale money (义卖善款) a community's markets hold until it is handed over."""


class NumberSeries(NumberSeriesMixin, Base):
    pass


class Entry(EntryMixin, Base):
    """A movement of the charity-sale money: a sale's proceeds in (a donation, its number the
    receipt number), the money handed to the beneficiary out (an expense), or a reversal;
    ``market_id`` is the market it belongs to (repeated on its reversal), ``signup_id`` the
    stall that sold, where one did."""
    market_id: Mapped[int | None] = mapped_column(ForeignKey("markets.id"), index=True)
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("signups.id"))


class Market(Base):
    """A market day: when, where, its theme, whether it is a charity sale (义卖) and for whom,
    how many stalls it has, its state (planned / held / cancelled) and the head count staff
    recorded at the day. ``history`` is who did what to it, when."""
    __tablename__ = "markets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(200))
    charity: Mapped[bool] = mapped_column(Boolean, default=False)
    beneficiary: Mapped[str | None] = mapped_column(String(200))
    stall_count: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))          # planned / held / cancelled
    participants: Mapped[int | None] = mapped_column(Integer)
    counted_by: Mapped[str | None] = mapped_column(String(100))
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Signup(Base):
    """A resident's stall at a market: their stall number, what they bring, and whether the
    sign-up still stands. ``resident_key`` is the phone's digits: one stall per market per
    resident. ``case_id`` is the intake case it came from, if any."""
    __tablename__ = "signups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    stall_no: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30))
    resident_key: Mapped[str] = mapped_column(String(30), index=True)
    goods: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))          # signed_up / cancelled
    case_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by: Mapped[str | None] = mapped_column(String(100))
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class ProgramCase(ProgramCaseMixin, Base):
    """A case intake handed to the flea market: a resident asking for a stall, or a question
    about swapping or giving things; ``signup_id`` is the stall it was answered with."""
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("signups.id"))
