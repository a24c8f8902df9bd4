"""dog_owners' own database: the pledge's versions and who signed which, members and their dogs
with their rabies vaccinations, the association's officers, the reminders of dogs falling due,
the station's settings, the complaints intake hands the association, and the record of who
did what."""
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


class Settings(Base):
    """What the station applies in its community: how many dogs one household may keep (1, as
    the 《北京市养犬管理规定》 allows in a key management area), whether the community is in a key
    area (large and fierce breeds banned there), and how many days ahead a due date is
    reminded."""
    __tablename__ = "settings"

    community: Mapped[str] = mapped_column(String(41), primary_key=True)
    dogs_per_household: Mapped[int] = mapped_column(Integer)
    key_area: Mapped[bool] = mapped_column(Boolean)
    reminder_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))


class Pledge(Base):
    """One version of the 《彩虹城社区养犬人文明公约》: the text as members sign it."""
    __tablename__ = "pledges"
    __table_args__ = (UniqueConstraint("community", "version", name="uq_pledges_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Member(Base):
    """A dog owner who joined the association by signing the pledge. ``household`` is the home
    (building, unit, room) the one-dog rule counts by; ``warnings`` counts the association's
    warnings after complaints."""
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30))
    household: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(20))            # active / left
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Signature(Base):
    """A member signed a version of the pledge on a day (joining, or signing a new version)."""
    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("member_id", "pledge_id", name="uq_signatures_pledge"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"))
    signed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(100))


class Dog(Base):
    """A member's dog: its 养犬登记证 (number and expiry) and, from its vaccinations, the day its
    rabies vaccination runs out (``vaccinated_until``)."""
    __tablename__ = "dogs"
    __table_args__ = (UniqueConstraint("community", "registration_no",
                                       name="uq_dogs_registration"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    breed: Mapped[str] = mapped_column(String(60))
    size_class: Mapped[str] = mapped_column(String(20))       # small / medium / large
    shoulder_height_cm: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(10))              # male / female
    colour: Mapped[str | None] = mapped_column(String(60))
    registration_no: Mapped[str] = mapped_column(String(60))
    registration_expires_on: Mapped[date] = mapped_column(Date)
    vaccinated_until: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))            # active / gone
    gone_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Vaccination(Base):
    """A rabies vaccination given to a dog, valid for a year unless the certificate says
    otherwise."""
    __tablename__ = "vaccinations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dog_id: Mapped[int] = mapped_column(ForeignKey("dogs.id"), index=True)
    given_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    clinic: Mapped[str | None] = mapped_column(String(200))
    certificate_no: Mapped[str | None] = mapped_column(String(60))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(100))


class Officer(Base):
    """A member elected president (会长) or vice-president (副会长) on a day, until they step
    down (``ended_on``)."""
    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))             # president / vice_president
    elected_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Reminder(Base):
    """A dog whose rabies vaccination or registration falls due: one row per dog, kind and due
    date (the unique key is what keeps two copies of the service from reminding twice), for
    the association's staff to call the owner, and what came of the call."""
    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("dog_id", "kind", "due_on", name="uq_reminders_due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    dog_id: Mapped[int] = mapped_column(ForeignKey("dogs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))             # vaccination / registration
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))            # to_call / called
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    called_by: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(Text)


class ProgramCase(ProgramCaseMixin, Base):
    """A complaint about a dog intake handed the association: linked to a member (and dog) when
    known, the talks with the owner and the warnings given, then answered or returned with
    where to go."""
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]
    address: Mapped[str | None] = mapped_column(String(200))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    dog_id: Mapped[int | None] = mapped_column(ForeignKey("dogs.id"))
    talks: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    referral: Mapped[str | None] = mapped_column(String(30))


class Activity(Base):
    """Who did what, when, to the settings, pledges, members, dogs, officers and reminders."""
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict] = mapped_column(JSON)
