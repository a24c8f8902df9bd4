"""The matchmaking studio's own database."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from minzi.db import InboxMixin, OutboxMixin, UTCDateTime
from minzi.envelope import utcnow
from minzi.program_cases import ProgramCaseMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class ProgramCase(ProgramCaseMixin, Base):
    """A case intake handed to this program, with what the program did about it."""


class Member(Base):
    """A single resident registered with the studio. Nobody else sees them (in searches or
    introductions) until their identity is verified with the police station."""
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("community", "id_number", name="uq_members_id_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(10))            # male / female
    birth_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(30), index=True)
    id_number: Mapped[str] = mapped_column(String(18))
    education: Mapped[str | None] = mapped_column(String(20))
    occupation: Mapped[str | None] = mapped_column(String(100))
    introduction: Mapped[str | None] = mapped_column(Text)      # a short self-introduction
    looking_for: Mapped[str | None] = mapped_column(Text)
    # pending (not yet verified) / verified / rejected / withdrawn
    status: Mapped[str] = mapped_column(String(20), index=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))

    verifications: Mapped[list["Verification"]] = relationship(
        back_populates="member", order_by="Verification.id")


class Verification(Base):
    """One check of a member's identity with the police station, as the staff recorded it."""
    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    result: Mapped[str] = mapped_column(String(20))              # verified / rejected
    police_station: Mapped[str] = mapped_column(String(200))
    officer: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when the police checked
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_by_id: Mapped[str | None] = mapped_column(String(40))

    member: Mapped[Member] = relationship(back_populates="verifications")


class Consultation(Base):
    """A phone consultation: who called, about what, who took it, when."""
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    caller_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    topic: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    staff_name: Mapped[str] = mapped_column(String(100))        # who took the call
    called_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Introduction(Base):
    """Two verified members introduced to each other, and how it went."""
    __tablename__ = "introductions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    first_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    second_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    # "<lower id>:<higher id>" while the introduction is open, else NULL: one open introduction
    # per pair, kept by the database even when two staff try at the same moment
    open_pair: Mapped[str | None] = mapped_column(String(40), unique=True)
    introduced_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    introduced_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))   # pending / met / dating / married / ended
    outcome_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))

    first_member: Mapped[Member] = relationship(foreign_keys=[first_member_id])
    second_member: Mapped[Member] = relationship(foreign_keys=[second_member_id])
    steps: Mapped[list["OutcomeStep"]] = relationship(
        back_populates="introduction", order_by="OutcomeStep.id")


class OutcomeStep(Base):
    """One change of an introduction's outcome: the history staff and the figures read."""
    __tablename__ = "introduction_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    introduction_id: Mapped[int] = mapped_column(ForeignKey("introductions.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(100))

    introduction: Mapped[Introduction] = relationship(back_populates="steps")


class Activity(Base):
    """Who changed what, when: one row per state change."""
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str | None] = mapped_column(String(41), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(String(100))
    actor_id: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
