"""The job fair's own database. Money (pay ranges) is kept in integer fen."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
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
    """A case intake handed to the job fair, with what the fair's staff did about it."""
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]


class Employer(Base):
    """A local employer, with its business licence (unified social credit code, validity) as
    staff checked it. Only a verified employer whose licence is still valid may post."""
    __tablename__ = "employers"
    __table_args__ = (UniqueConstraint("community", "credit_code", name="uq_employers_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18))
    # the last day the licence is valid; None: long-term (长期)
    licence_valid_until: Mapped[date | None] = mapped_column(Date)
    contact_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))     # pending / verified / rejected
    reason: Mapped[str | None] = mapped_column(Text)    # why rejected
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Fair(Base):
    __tablename__ = "fairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)      # applicants the place holds
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Invitation(Base):
    """A verified employer invited to a fair."""
    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("fair_id", "employer_id", name="uq_invitations"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    invited_by: Mapped[str] = mapped_column(String(100))


class Position(Base):
    """An opening an employer posts for a fair. Pay in fen per month."""
    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    count: Mapped[int] = mapped_column(Integer)         # people wanted
    skills: Mapped[list] = mapped_column(JSON)          # required skills
    education: Mapped[str | None] = mapped_column(String(20))   # the least schooling
    area: Mapped[str | None] = mapped_column(String(100))       # the district it is in
    work_place: Mapped[str] = mapped_column(String(200))
    pay_min_fen: Mapped[int] = mapped_column(Integer)
    pay_max_fen: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))     # open / withdrawn
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Applicant(Base):
    """A job seeker (a local resident, a graduate, an unemployed person), registered with their
    consent to keep their data."""
    __tablename__ = "applicants"
    __table_args__ = (UniqueConstraint("community", "id_number", name="uq_applicants_id"),
                      UniqueConstraint("registration_code", name="uq_applicants_code"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))       # resident / graduate / unemployed
    education: Mapped[str | None] = mapped_column(String(20))
    skills: Mapped[list] = mapped_column(JSON)
    preferred_area: Mapped[str | None] = mapped_column(String(100))
    expected_pay_fen: Mapped[int | None] = mapped_column(Integer)
    cv: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registration_code: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class CheckIn(Base):
    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("fair_id", "applicant_id", name="uq_check_ins"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(100))


class Application(Base):
    """An applicant applying to a position: once per position, ever."""
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("position_id", "applicant_id", name="uq_applications"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    # applied / interviewed / hired / not_hired / withdrawn
    status: Mapped[str] = mapped_column(String(20))
    withdrawn_by: Mapped[str | None] = mapped_column(String(20))   # applicant / employer
    note: Mapped[str | None] = mapped_column(Text)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())
    interviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))


class Activity(Base):
    """Who did what, when; ``on_behalf_of`` names the employer staff acted for."""
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    on_behalf_of: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict] = mapped_column(JSON)
