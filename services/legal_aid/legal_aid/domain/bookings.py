"""Residents booked into a consultation day's slots, walk-ins, and cancellations. A slot holds one
active booking; a resident holds one booking a day."""
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.db import as_utc
from minzi.logs import mask_phone
from minzi.store import Transaction

from ..models import Booking, ConsultationDay, LegalCase, Slot
from .consultations import get_day
from .records import record

Kind = Literal["booked", "walk_in"]


def active_bookings(session: Session, day_id: int) -> list[Booking]:
    return list(session.scalars(select(Booking).where(Booking.day_id == day_id,
                                                      Booking.status == "active")
                                .order_by(Booking.id)))


def _choose_slot(session: Session, day: ConsultationDay, slot_id: int | None, kind: Kind,
                 taken: set[int], now: datetime) -> Slot | None:
    """The slot named, if it is free (and, for a booking, still to come); else a booking takes
    the first free slot still to come and a walk-in none."""
    if slot_id is not None:
        slot = session.get(Slot, slot_id)
        if slot is None or slot.day_id != day.id:
            raise DomainError("unknown_slot", "这个咨询日没有这个时段",
                              "No such slot on this day", field="slot_id", status=422)
        if kind == "booked" and as_utc(slot.starts_at) <= now:
            raise DomainError("slot_in_past", "这个时段已经过去了", "That slot is in the past",
                              field="slot_id", status=422)
        if slot.id in taken:
            raise Conflict("slot_taken", "这个时段已经被预约了", "That slot is already booked",
                           field="slot_id")
        return slot
    if kind != "booked":
        return None
    free = [s for s in day.slots if s.id not in taken]
    if not free:
        raise Conflict("day_full", "这个咨询日已经约满了", "This consultation day is fully booked")
    upcoming = [s for s in free if as_utc(s.starts_at) > now]
    if not upcoming:
        raise Conflict("day_over", "这个咨询日剩下的时段都已过去",
                       "Every free slot of this day is in the past")
    return upcoming[0]


def take(tx: Transaction, day: ConsultationDay, data: dict[str, Any], kind: Kind, actor: Staff,
         now: datetime, *, case: LegalCase | None = None) -> Booking:
    """A booking (or walk-in) of ``data["name"]`` / ``data["phone"]`` on ``day``."""
    session = tx.session
    bookings = active_bookings(session, day.id)
    taken = {b.active_slot_id for b in bookings if b.active_slot_id}
    phone = data.get("phone") or None
    if phone and any(b.active_key == f"{day.id}:{phone}" for b in bookings):
        raise Conflict("already_booked_that_day", "这位居民这一天已经有预约了",
                       "This resident already has a booking that day", field="phone")
    slot = _choose_slot(session, day, data.get("slot_id"), kind, taken, now)
    booking = Booking(day_id=day.id, slot_id=slot.id if slot else None,
                      active_slot_id=slot.id if slot else None,
                      active_key=f"{day.id}:{phone}" if phone else None, kind=kind,
                      name=data["name"], phone=phone, case_id=case.id if case else None,
                      note=data.get("note"), status="active", created_at=now,
                      created_by=actor_name(actor))
    booking.slot = slot
    booking.consultation_day = day
    session.add(booking)
    session.flush()
    record(tx, day.community, "booking", booking.id, kind, actor, now, day_id=day.id,
           slot_id=booking.slot_id, phone=mask_phone(phone), case_id=booking.case_id)
    return booking


def book(tx: Transaction, community: str, day_id: int, data: dict[str, Any], actor: Staff,
         now: datetime) -> Booking:
    """Book a resident into a slot (the first free one if none is named)."""
    day = get_day(tx.session, day_id, community, lock=True)
    return take(tx, day, data, "booked", actor, now)


def record_walk_in(tx: Transaction, community: str, day_id: int, data: dict[str, Any],
                   actor: Staff, now: datetime) -> Booking:
    """A resident who came without booking; they take a free slot if one is named."""
    day = get_day(tx.session, day_id, community, lock=True)
    return take(tx, day, data, "walk_in", actor, now)


def get_booking(session: Session, booking_id: int, community: str) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or booking.consultation_day.community != community:
        raise NotFound("booking_not_found", "没有这条预约", "No such booking")
    return booking


def cancel_booking(tx: Transaction, community: str, booking_id: int, reason: str | None,
                   actor: Staff, now: datetime, *, quiet: bool = False) -> Booking:
    """Cancel a booking and free its slot. A case booked through it goes back to "accepted",
    unless ``quiet`` (the case itself is being rebooked or closed)."""
    booking = get_booking(tx.session, booking_id, community)
    get_day(tx.session, booking.day_id, community, lock=True)
    if booking.status != "active":
        raise Conflict("booking_cancelled", "这条预约已经取消了",
                       "This booking is already cancelled")
    booking.status = "cancelled"
    booking.active_slot_id = None
    booking.active_key = None
    booking.cancelled_at = now
    booking.cancelled_by = actor_name(actor)
    record(tx, community, "booking", booking.id, "cancelled", actor, now, reason=reason)
    if booking.case_id and not quiet:
        case = tx.session.get(LegalCase, booking.case_id)
        if case.status == "booked":
            case.status = "accepted"
            case.updated_at, case.updated_by = now, actor_name(actor)
            record(tx, community, "case", case.id, "booking_cancelled", actor, now,
                   booking_id=booking.id)
    return booking


def cancel_case_bookings(tx: Transaction, case: LegalCase, reason: str, actor: Staff,
                         now: datetime) -> None:
    """Free every slot a case holds (it is rebooked, returned or recalled)."""
    for booking in tx.session.scalars(select(Booking).where(Booking.case_id == case.id,
                                                            Booking.status == "active")).all():
        cancel_booking(tx, case.community, booking.id, reason, actor, now, quiet=True)
