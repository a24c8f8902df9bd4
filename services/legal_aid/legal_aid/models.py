"""The legal-aid home's own database.

Every row that staff change carries who created it and when, and who changed it last and when;
``Activity`` keeps the whole story (one row per state change).

"Active" keys (``active_slot_id``, ``active_key``) are set while a booking or registration holds a
place and cleared when it is cancelled; a unique constraint on them makes double booking
impossible even when two requests race.
"""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from minzi.db import InboxMixin, OutboxMixin, UTCDateTime
from minzi.envelope import utcnow


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class Audited:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(100), nullable=False)


class Lawyer(Audited, Base):
    __tablename__ = "lawyer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    firm: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)


class Lecture(Audited, Base):
    __tablename__ = "lecture"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    topic: Mapped[str] = mapped_column(String(200), nullable=False)
    speaker: Mapped[str] = mapped_column(String(100), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    place: Mapped[str] = mapped_column(String(200), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # planned -> held (attendance recorded) | cancelled
    status: Mapped[str] = mapped_column(String(20), default="planned", nullable=False)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    held_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="lecture", order_by="Registration.id")


class Registration(Base):
    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("active_key", name="uq_registration_active_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lecture_id: Mapped[int] = mapped_column(ForeignKey("lecture.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str] = mapped_column(String(40), nullable=False)
    # registered | waitlisted | cancelled
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    # "<lecture_id>:<phone>" while registered or waitlisted; NULL once cancelled
    active_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    attended: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attendance_recorded_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    cancel_code: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    lecture: Mapped[Lecture] = relationship(back_populates="registrations")


class ConsultationDay(Audited, Base):
    __tablename__ = "consultation_day"
    __table_args__ = (UniqueConstraint("community", "day", name="uq_consultation_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    place: Mapped[str] = mapped_column(String(200), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    slots: Mapped[list["Slot"]] = relationship(back_populates="consultation_day",
                                               order_by="Slot.starts_at")


class Slot(Base):
    __tablename__ = "slot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("consultation_day.id"), nullable=False,
                                        index=True)
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("lawyer.id"), nullable=False, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)

    consultation_day: Mapped[ConsultationDay] = relationship(back_populates="slots")
    lawyer: Mapped[Lawyer] = relationship()


class Booking(Base):
    __tablename__ = "booking"
    __table_args__ = (
        UniqueConstraint("active_slot_id", name="uq_booking_active_slot"),
        UniqueConstraint("active_key", name="uq_booking_active_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("consultation_day.id"), nullable=False,
                                        index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slot.id"), nullable=True)
    # the slot while the booking holds it; NULL once cancelled
    active_slot_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # "<day_id>:<phone>" while active: one booking per resident per day
    active_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # booked | walk_in
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("legal_case.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # active | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    slot: Mapped[Slot | None] = relationship()
    consultation_day: Mapped[ConsultationDay] = relationship()


class Visitor(Audited, Base):
    __tablename__ = "visitor"
    __table_args__ = (UniqueConstraint("community", "phone", name="uq_visitor_phone"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    migrant: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    receptions: Mapped[list["Reception"]] = relationship(
        back_populates="visitor", order_by="Reception.received_at")


class Reception(Audited, Base):
    __tablename__ = "reception"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id"), nullable=False, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    area_of_law: Mapped[str] = mapped_column(String(40), nullable=False)
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)
    # solved | advised | referred | pending
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    outcome_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("lawyer.id"), nullable=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id"), nullable=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("legal_case.id"), nullable=True)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)  # walk_in | booked | case

    visitor: Mapped[Visitor] = relationship(back_populates="receptions")
    lawyer: Mapped[Lawyer | None] = relationship()


class LegalCase(Base):
    """A case intake routed here, with the resident's data (shown only to the program's staff)."""
    __tablename__ = "legal_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    intake_case_id: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    tracking_code: Mapped[str] = mapped_column(String(40), nullable=False)
    community: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    service_code: Mapped[str] = mapped_column(String(80), nullable=False)
    channel: Mapped[str | None] = mapped_column(String(40), nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    attributes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    area_of_law: Mapped[str | None] = mapped_column(String(40), nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    resident_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    resident_phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    resident_contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    dispatch_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # accepted -> booked -> resolved | returned; recalled by intake at any time
    status: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    chase_level: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_chased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    handler: Mapped[str | None] = mapped_column(String(100), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(100), nullable=False)


class Activity(Base):
    """Who changed what, when: one row per state change."""
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str | None] = mapped_column(String(50), nullable=True, index=True)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    actor: Mapped[str] = mapped_column(String(100), nullable=False)
    actor_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
    detail: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
