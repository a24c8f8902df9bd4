"""hotline's own database: the vetted merchants, the doors the guide card is posted at, the
cases intake hands the hotline and the jobs each case is routed as, complaints against
merchants, and the record of who did what."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from minzi.db import InboxMixin, OutboxMixin, UTCDateTime
from minzi.program_cases import ProgramCaseMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class Merchant(Base):
    """A merchant offering convenience services (便民服务商户): registered with its business
    licence's unified social credit code and its categories; offered to residents only once
    staff have checked the licence (``licence_checked_at``) and an agreement is signed
    (``agreement_signed_on``), and while it is not suspended."""
    __tablename__ = "merchants"
    __table_args__ = (UniqueConstraint("community", "credit_code", name="uq_merchants_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18))
    categories: Mapped[list] = mapped_column(JSON)            # [domestic_help, water_delivery…]
    contact_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(200))
    licence_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    licence_checked_by: Mapped[str | None] = mapped_column(String(100))
    agreement_signed_on: Mapped[date | None] = mapped_column(Date)
    agreement_ref: Mapped[str | None] = mapped_column(String(200))
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class DoorPosting(Base):
    """The guide card (便民服务导向牌) posted at one building door (楼门)."""
    __tablename__ = "door_postings"
    __table_args__ = (UniqueConstraint("community", "building", "door", name="uq_door"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    building: Mapped[str] = mapped_column(String(60))         # 5号楼
    door: Mapped[str] = mapped_column(String(60))             # 2单元
    posted_on: Mapped[date] = mapped_column(Date)
    posted_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProgramCase(ProgramCaseMixin, Base):
    """A resident's call intake handed to the hotline: routed as jobs to merchants, then
    resolved with a reply for the resident or returned with where else to turn."""
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]
    address: Mapped[str | None] = mapped_column(String(200))


class Job(Base):
    """A case routed to one merchant, and the merchant's response as staff record it:
    ``routed`` → ``accepted`` → ``came`` → ``done``, or ``declined`` (before coming). The
    resident's rating (1–5) and comment come after it is done."""
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("program_cases.case_id"), index=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    picked_by: Mapped[str] = mapped_column(String(10))        # staff / rule
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    routed_by: Mapped[str] = mapped_column(String(100))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    came_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Complaint(Base):
    """A complaint against a merchant (perhaps about one of its jobs), upheld or not once
    staff have looked into it (``upheld`` None until then)."""
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    received_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    upheld: Mapped[bool | None] = mapped_column(Boolean)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Activity(Base):
    """Who did what, when, to a merchant, a complaint or a door's card."""
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict] = mapped_column(JSON)
