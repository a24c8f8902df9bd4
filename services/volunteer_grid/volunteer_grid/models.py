"""volunteer_grid's own database: the grid (zones, buildings, doors), the volunteers living on
it, the posts they hold (with every holder kept), duties with the volunteers assigned, the
minutes they served, the cases intake hands the program, and who changed what."""
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


class Zone(Base):
    """A 小区 (zone) of the community; its name is unique in the community."""
    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("community", "name", name="uq_zone_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Building(Base):
    """A building (楼) of a zone; its name is unique in the community."""
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("community", "name", name="uq_building_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Door(Base):
    """A door (楼门、单元) of a building; its name is unique in the building."""
    __tablename__ = "doors"
    __table_args__ = (UniqueConstraint("building_id", "name", name="uq_door_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Volunteer(Base):
    """A volunteer of the community: where they live on the grid (a zone, and a building and door
    in it when known), their skills, when they joined, whether they are active."""
    __tablename__ = "volunteers"
    __table_args__ = (UniqueConstraint("community", "phone", name="uq_volunteer_phone"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    door_id: Mapped[int | None] = mapped_column(ForeignKey("doors.id"), index=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    joined_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    left_on: Mapped[date | None] = mapped_column(Date)
    case_id: Mapped[int | None] = mapped_column(Integer)       # signed up through a case
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Post(Base):
    """One volunteer holding one post of the grid for a while: the commander or a deputy
    (``place_id`` None), a zone's head or deputy head (a zone), a building head (a building), a
    door head (a door). A post ended (replaced or stepped down) stays, with when and why."""
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    level: Mapped[str] = mapped_column(String(30), index=True)
    place_id: Mapped[int | None] = mapped_column(Integer, index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    ended_by: Mapped[str | None] = mapped_column(String(100))
    end_reason: Mapped[str | None] = mapped_column(String(20))   # replaced / stepped_down
    end_note: Mapped[str | None] = mapped_column(Text)


class Duty(Base):
    """A duty (a patrol, stewarding an event, delivering notices …) on a day, in a zone or for
    the whole community, with the volunteers assigned to it."""
    __tablename__ = "duties"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))


class Assignment(Base):
    """A volunteer assigned to a duty, once."""
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("duty_id", "volunteer_id", name="uq_assignment"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("duties.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assigned_by: Mapped[str] = mapped_column(String(100))
    minutes: Mapped[int | None] = mapped_column(Integer)       # served, once recorded
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class Activity(Base):
    """Who did what, when, to the grid, a volunteer, a post or a duty."""
    __tablename__ = "activity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict] = mapped_column(JSON)


class ProgramCase(ProgramCaseMixin, Base):
    """A case intake handed to the volunteer grid: a resident signing up as a volunteer, or a
    matter for their building head, with what was done (``history``)."""
    history: Mapped[list] = mapped_column(JSON, default=list)   # [{at, by, action, note}]
    address: Mapped[str | None] = mapped_column(String(200))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    forwarded_to: Mapped[str | None] = mapped_column(String(100))   # the head's name
