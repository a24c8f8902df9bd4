"""片儿医's own database: the doctors of the program, residents' health records (opened only with
consent), their readings and visit notes, free clinic days with their sign-ups, and the house
calls intake hands the program.

Medical data (conditions, allergies, readings, visit notes) lives only in ``health_records``,
``readings``, ``visit_notes`` and a house call's ``visit_note``; only a registered doctor reads
it (``domain/access.py``)."""
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from minzi.db import InboxMixin, OutboxMixin, UTCDateTime
from minzi.program_cases import ProgramCaseMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class Doctor(Base):
    """A staff account (``username``) registered as a doctor of the program in a community, with
    what the notice board shows: name, mobile number, service pledge."""
    __tablename__ = "doctors"
    __table_args__ = (UniqueConstraint("community", "username", name="uq_doctors_username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    username: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30))
    pledge: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))


class HealthRecord(Base):
    """A resident's health record (健康档案), opened with their recorded consent: who gave it,
    when, how (a signed form with its reference, or verbally before a named witness). Consent
    withdrawn closes the record: kept until ``retain_until``, read by nobody, added to never."""
    __tablename__ = "health_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(30), index=True)
    address: Mapped[str] = mapped_column(String(200))
    conditions: Mapped[list] = mapped_column(JSON, default=list)
    allergies: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20))              # open / withdrawn
    consent_by: Mapped[str] = mapped_column(String(100))        # who consented (the resident
    consent_method: Mapped[str] = mapped_column(String(20))     # or their guardian)
    consent_on: Mapped[date] = mapped_column(Date)
    consent_form_ref: Mapped[str | None] = mapped_column(String(100))
    consent_witness: Mapped[str | None] = mapped_column(String(100))
    consent_recorded_by: Mapped[str] = mapped_column(String(100))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_recorded_by: Mapped[str | None] = mapped_column(String(100))
    withdrawal_note: Mapped[str | None] = mapped_column(Text)
    retain_until: Mapped[date | None] = mapped_column(Date)
    last_entry_on: Mapped[date] = mapped_column(Date)           # the last visit or reading
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action}], no values
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reading(Base):
    """A blood-pressure (mmHg) or glucose (mmol/L, kept in tenths) reading, with when it was
    measured and where (a visit, a free clinic, a house call)."""
    __tablename__ = "readings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("health_records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))               # blood_pressure / glucose
    systolic: Mapped[int | None] = mapped_column(Integer)
    diastolic: Mapped[int | None] = mapped_column(Integer)
    glucose_tenths: Mapped[int | None] = mapped_column(Integer)
    fasting: Mapped[bool | None] = mapped_column(Boolean)
    measured_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))             # visit / clinic / house_call
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"))
    case_id: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VisitNote(Base):
    """What the doctor noted at a visit, a clinic or a house call."""
    __tablename__ = "visit_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("health_records.id"), index=True)
    seen_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Clinic(Base):
    """A free clinic day (义诊): when, where, how many places, what is offered."""
    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    day: Mapped[date] = mapped_column(Date)
    hours: Mapped[str] = mapped_column(String(50))
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    offers: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class SignUp(Base):
    """A resident signed up for a clinic (once per clinic: by their phone), and whether they
    came."""
    __tablename__ = "sign_ups"
    __table_args__ = (UniqueConstraint("clinic_id", "phone", name="uq_sign_ups_phone"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30))
    signed_up_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_up_by: Mapped[str] = mapped_column(String(100))
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    attendance_by: Mapped[str | None] = mapped_column(String(100))
    attendance_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProgramCase(ProgramCaseMixin, Base):
    """A house call or a health consultation intake handed the program: accepted by a doctor,
    visited (the note, and into the resident's record when they consented), then resolved with a
    reply or returned with why (an emergency: call 120)."""
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]
    address: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by: Mapped[str | None] = mapped_column(String(100))
    visited_on: Mapped[date | None] = mapped_column(Date)
    visit_note: Mapped[str | None] = mapped_column(Text)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("health_records.id"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
