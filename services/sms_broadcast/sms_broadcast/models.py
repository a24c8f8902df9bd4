"""sms_broadcast's own database: the volunteer grid, broadcasts and their messages, replies,
consent records, the cases intake sends here, and a record of every change."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
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


class Stamped:
    """Who made a row and when, and who changed it last and when."""
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Zone(Stamped, Base):
    """A 片区 of the volunteer grid, with its zone head (区长)."""
    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("community", "name", name="uq_zone_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str] = mapped_column(String(100))
    head_name: Mapped[str | None] = mapped_column(String(100))
    head_phone: Mapped[str | None] = mapped_column(String(20))


class Building(Stamped, Base):
    """A building (楼) in a zone, with its building head (楼长)."""
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("community", "name", name="uq_building_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    head_name: Mapped[str | None] = mapped_column(String(100))
    head_phone: Mapped[str | None] = mapped_column(String(20))
    zone: Mapped[Zone] = relationship(lazy="joined")


class Door(Stamped, Base):
    """A door / stairwell (门、单元) of a building, with its door head (门长)."""
    __tablename__ = "doors"
    __table_args__ = (UniqueConstraint("building_id", "name", name="uq_door_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    head_name: Mapped[str | None] = mapped_column(String(100))
    head_phone: Mapped[str | None] = mapped_column(String(20))
    building: Mapped[Building] = relationship(lazy="joined")


class Contact(Stamped, Base):
    """A resident reachable by SMS, placed on the grid."""
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("community", "phone", name="uq_contact_phone"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    door_id: Mapped[int | None] = mapped_column(ForeignKey("doors.id"), index=True)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    zone: Mapped[Zone] = relationship(lazy="joined")
    building: Mapped[Building | None] = relationship(lazy="joined")
    door: Mapped[Door | None] = relationship(lazy="joined")


class Broadcast(Stamped, Base):
    """A notice to the residents of a community, a zone or a building; now or at a set time."""
    __tablename__ = "broadcasts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    text: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(String(20))          # community / zone / building
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    target_label: Mapped[str] = mapped_column(String(300))
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)  # scheduled / released / cancelled
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Message(Base):
    """One broadcast to one resident: at most one per (broadcast, recipient), ever."""
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("broadcast_id", "contact_id", name="uq_message_recipient"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    # pending -> sending -> sent (-> delivered) / failed; skipped (opted out) never leaves
    state: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(20))
    gateway_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())   # after a failed attempt
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact: Mapped[Contact] = relationship(lazy="joined")


class Inbound(Base):
    """An SMS a resident sent to the station's number, once per gateway message id."""
    __tablename__ = "inbound"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    gateway_message_id: Mapped[str] = mapped_column(String(80), unique=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    community: Mapped[str | None] = mapped_column(String(41), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    kind: Mapped[str] = mapped_column(String(20))          # opt_out / opt_in / case / unmatched
    request_key: Mapped[str | None] = mapped_column(String(100))


class Consent(Base):
    """Evidence of a resident's choice: who, when, in reply to which message, in what words."""
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(41), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(10))        # opt_out / opt_in
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))        # sms / staff
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    recorded_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Change(Base):
    """Every change, with who made it and when."""
    __tablename__ = "changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str | None] = mapped_column(String(41), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class ProgramCase(ProgramCaseMixin, Base):
    """A case intake handed to this program, with what the program did about it."""
