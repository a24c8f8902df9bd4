"""Consultation days (法律接待咨询日): a day at a place, with each volunteer lawyer's slots."""
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Booking, ConsultationDay, Lawyer, Slot
from .lawyers import active_lawyer
from .records import get_or_404, new, record, touch

Span = tuple[datetime, datetime]


def get_day(session: Session, day_id: int, community: str, *,
            lock: bool = False) -> ConsultationDay:
    return get_or_404(session, ConsultationDay, day_id, community, "day_not_found",
                      "没有这个咨询日", "No such consultation day", lock=lock)


def open_day(tx: Transaction, community: str, data: dict[str, Any], actor: Staff,
             now: datetime) -> ConsultationDay:
    """Open a consultation day (one a date per community), with its slots if given."""
    if data["day"] < local_date(now):
        raise DomainError("day_in_past", "咨询日的日期已经过去", "That date is in the past",
                          field="day", status=422)
    exists = tx.session.scalar(select(ConsultationDay.id).where(
        ConsultationDay.community == community, ConsultationDay.day == data["day"]))
    if exists:
        raise Conflict("day_exists", "这一天已经有咨询日了", "There is already a consultation "
                       "day on that date", field="day")
    day = new(ConsultationDay, actor, now, community=community, day=data["day"],
              place=data["place"], note=data.get("note"))
    tx.session.add(day)
    tx.session.flush()
    record(tx, community, "consultation_day", day.id, "opened", actor, now,
           day=day.day.isoformat(), place=day.place)
    if data.get("slots"):
        add_slots(tx, community, day.id, data["slots"], actor, now)
    return day


def _expand(spec: dict[str, Any]) -> list[Span]:
    """One slot, or a range cut into ``minutes``-long slots."""
    starts_at, ends_at = spec["starts_at"], spec["ends_at"]
    minutes = spec.get("minutes")
    if not minutes:
        return [(starts_at, ends_at)]
    step = timedelta(minutes=minutes)
    out, cursor = [], starts_at
    while cursor + step <= ends_at:
        out.append((cursor, cursor + step))
        cursor += step
    return out


def _pieces(session: Session, community: str, day: ConsultationDay, spec: dict[str, Any],
            field: str | None, now: datetime,
            planned: list[tuple[Lawyer, datetime, datetime]]) -> list[Span]:
    """The slots one line of a request adds, checked against the day, the clock and every slot
    the lawyer has (already, or earlier in the same request)."""
    def fail(code: str, zh: str, en: str, key: str, status: int = 422) -> None:
        raise DomainError(code, zh, en, field=f"{field}.{key}" if field else key, status=status)

    try:
        lawyer = active_lawyer(session, community, spec["lawyer_id"], lock=True)
    except DomainError as exc:
        exc.field = f"{field}.lawyer_id" if field else exc.field
        raise
    starts_at, ends_at = spec["starts_at"], spec["ends_at"]
    if ends_at <= starts_at:
        fail("ends_before_start", "结束时间应晚于开始时间", "The end must be after the start",
             "ends_at")
    if starts_at <= now:
        fail("slot_in_past", "时段的开始时间已经过去", "The slot starts in the past", "starts_at")
    if local_date(starts_at) != day.day or local_date(ends_at - timedelta(seconds=1)) != day.day:
        fail("slot_not_on_day", f"时段应在咨询日当天（{day.day.isoformat()}）",
             f"The slot must fall on the consultation day ({day.day.isoformat()})", "starts_at")
    pieces = _expand(spec)
    if not pieces:
        fail("slot_too_short", "时间段比每个时段的长度还短", "The range is shorter than one slot",
             "minutes")
    for piece_start, piece_end in pieces:
        clash = session.scalar(select(Slot).where(
            Slot.lawyer_id == lawyer.id, Slot.starts_at < piece_end,
            Slot.ends_at > piece_start).limit(1))
        clash_new = any(other.id == lawyer.id and s < piece_end and e > piece_start
                        for other, s, e in planned)
        if clash is not None or clash_new:
            fail("slot_overlap", f"{lawyer.name}律师在这段时间已经有时段了",
                 f"{lawyer.name} already has a slot at that time", "starts_at", status=409)
        planned.append((lawyer, piece_start, piece_end))
    return pieces


def add_slots(tx: Transaction, community: str, day_id: int, specs: list[dict[str, Any]],
              actor: Staff, now: datetime) -> list[Slot]:
    """Add each volunteer lawyer's slots to a day; all of them or none."""
    session = tx.session
    day = get_day(session, day_id, community, lock=True)
    planned: list[tuple[Lawyer, datetime, datetime]] = []
    for index, spec in enumerate(specs):
        _pieces(session, community, day, spec, f"slots.{index}" if len(specs) > 1 else None,
                now, planned)
    slots = []
    for lawyer, starts_at, ends_at in planned:
        slot = Slot(consultation_day=day, lawyer_id=lawyer.id, starts_at=starts_at,
                    ends_at=ends_at, created_at=now, created_by=actor_name(actor))
        session.add(slot)
        slots.append(slot)
    session.flush()
    touch(day, actor, now)
    record(tx, community, "consultation_day", day.id, "slots_added", actor, now,
           slots=[s.id for s in slots])
    return slots


def remove_slot(tx: Transaction, community: str, day_id: int, slot_id: int, actor: Staff,
                now: datetime) -> None:
    """Remove a slot nobody ever booked (a booking, even cancelled, keeps it on the record)."""
    day = get_day(tx.session, day_id, community, lock=True)
    slot = tx.session.get(Slot, slot_id)
    if slot is None or slot.day_id != day.id:
        raise NotFound("slot_not_found", "这个咨询日没有这个时段", "No such slot on this day")
    if tx.session.scalar(select(Booking.id).where(Booking.slot_id == slot.id).limit(1)):
        raise Conflict("slot_has_bookings", "这个时段有过预约，不能删除；请先取消预约",
                       "The slot has bookings and cannot be removed")
    tx.session.delete(slot)
    touch(day, actor, now)
    record(tx, community, "consultation_day", day.id, "slot_removed", actor, now,
           slot_id=slot_id)
