"""Law lectures: planned, changed, cancelled; residents register (a full lecture keeps a waiting
list that moves up when a seat is freed); attendance is taken once the lecture has begun, and a
lecture held before can be recorded from its sign-in sheet (补录)."""
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, Forbidden, NotFound, Staff, actor_name
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.logs import mask_phone
from minzi.store import Transaction

from ..models import Lecture, Registration
from .records import get_or_404, new, record, touch


def check_times(starts_at: datetime, ends_at: datetime | None, now: datetime | None, *,
                code: str = "lecture_in_past") -> None:
    """A start still to come (not checked when ``now`` is None), and an end after the start."""
    if now is not None and as_utc(starts_at) <= now:
        raise DomainError(code, "开始时间已经过去", "The start time is in the past",
                          field="starts_at", status=422)
    if ends_at is not None and as_utc(ends_at) <= as_utc(starts_at):
        raise DomainError("ends_before_start", "结束时间应晚于开始时间",
                          "The end must be after the start", field="ends_at", status=422)


def plan_lecture(tx: Transaction, community: str, data: dict[str, Any], actor: Staff,
                 now: datetime) -> Lecture:
    """Plan a lecture; one already held (``already_held``, 补录 from the paper records) may
    start in the past, and its attendance is then recorded with walk-ins."""
    if data.get("already_held") and as_utc(data["starts_at"]) > now:
        raise DomainError("not_yet_held", "补录的讲座应已开始", "A lecture recorded as held "
                          "must have started", field="starts_at", status=422)
    check_times(data["starts_at"], data.get("ends_at"),
                None if data.get("already_held") else now)
    lecture = new(Lecture, actor, now, community=community, topic=data["topic"],
                  speaker=data["speaker"], starts_at=data["starts_at"],
                  ends_at=data.get("ends_at"), place=data["place"],
                  capacity=data["capacity"], description=data.get("description"),
                  status="planned")
    tx.session.add(lecture)
    tx.session.flush()
    record(tx, community, "lecture", lecture.id, "planned", actor, now, topic=lecture.topic,
           starts_at=isoformat(lecture.starts_at), capacity=lecture.capacity)
    return lecture


def get_lecture(session: Session, lecture_id: int, community: str | None = None, *,
                lock: bool = False) -> Lecture:
    return get_or_404(session, Lecture, lecture_id, community, "lecture_not_found",
                      "没有这场讲座", "No such lecture", lock=lock)


def registered_count(lecture: Lecture) -> int:
    """How many seats are taken."""
    return sum(1 for r in lecture.registrations if r.status == "registered")


def _open_lecture(lecture: Lecture, now: datetime) -> None:
    if lecture.status == "cancelled":
        raise Conflict("lecture_cancelled", "这场讲座已取消", "This lecture was cancelled")
    if lecture.status == "held" or as_utc(lecture.starts_at) <= now:
        raise Conflict("registration_closed", "讲座已经开始，不能再报名或改动",
                       "The lecture has started; registration is closed")


def _promote(tx: Transaction, lecture: Lecture, actor: Staff,
             now: datetime) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served."""
    waiting = sorted((r for r in lecture.registrations if r.status == "waitlisted"),
                     key=lambda r: r.id)
    promoted = []
    for registration in waiting[:max(lecture.capacity - registered_count(lecture), 0)]:
        registration.status = "registered"
        registration.promoted_at = now
        promoted.append(registration)
        record(tx, lecture.community, "registration", registration.id, "promoted", actor, now,
               lecture_id=lecture.id)
    return promoted


def update_lecture(tx: Transaction, community: str, lecture_id: int, data: dict[str, Any],
                   actor: Staff, now: datetime) -> Lecture:
    """Change a lecture still to come; more seats move the waiting list up, fewer seats than
    are taken are refused."""
    lecture = get_lecture(tx.session, lecture_id, community, lock=True)
    _open_lecture(lecture, now)
    check_times(data.get("starts_at", lecture.starts_at), data.get("ends_at", lecture.ends_at),
                now)
    registered = registered_count(lecture)
    if "capacity" in data and data["capacity"] < registered:
        raise DomainError("capacity_below_registered",
                          f"已有 {registered} 人报名，名额不能少于此数",
                          f"{registered} people are registered; capacity cannot be lower",
                          field="capacity", status=422)
    changed = {}
    for key, value in data.items():
        current = getattr(lecture, key)
        if isinstance(value, datetime):
            current = as_utc(current)
        if current != value:
            changed[key] = isoformat(value) if isinstance(value, datetime) else value
            setattr(lecture, key, value)
    if changed:
        touch(lecture, actor, now)
        record(tx, community, "lecture", lecture.id, "updated", actor, now, **changed)
        _promote(tx, lecture, actor, now)
    return lecture


def cancel_lecture(tx: Transaction, community: str, lecture_id: int, reason: str | None,
                   actor: Staff, now: datetime) -> Lecture:
    lecture = get_lecture(tx.session, lecture_id, community, lock=True)
    if lecture.status != "planned":
        raise Conflict("lecture_not_planned", "只能取消尚未举办的讲座",
                       "Only a planned lecture can be cancelled")
    lecture.status = "cancelled"
    touch(lecture, actor, now)
    record(tx, community, "lecture", lecture.id, "cancelled", actor, now, reason=reason)
    return lecture


def register(tx: Transaction, lecture_id: int, name: str, phone: str, actor: Staff,
             now: datetime, *, community: str | None = None) -> Registration:
    """A resident registers (or is registered by staff); a full lecture puts them on the waiting
    list."""
    lecture = get_lecture(tx.session, lecture_id, community, lock=True)
    _open_lecture(lecture, now)
    key = f"{lecture.id}:{phone}"
    if any(r.active_key == key for r in lecture.registrations):
        raise Conflict("already_registered", "这个电话号码已经报名了这场讲座",
                       "This phone number is already registered for this lecture",
                       field="phone")
    status = "registered" if registered_count(lecture) < lecture.capacity else "waitlisted"
    registration = Registration(lecture=lecture, name=name, phone=phone, status=status,
                                active_key=key, cancel_code=secrets.token_urlsafe(12),
                                created_at=now, created_by=actor_name(actor))
    tx.session.add(registration)
    tx.session.flush()
    record(tx, lecture.community, "registration", registration.id, status, actor, now,
           lecture_id=lecture.id, phone=mask_phone(phone))
    return registration


def cancel_registration(tx: Transaction, lecture_id: int, registration_id: int, actor: Staff,
                        now: datetime, *, community: str | None = None,
                        code: str | None = None) -> tuple[Registration, list[Registration]]:
    """Staff cancel any registration; a resident cancels their own with its cancel code. A seat
    freed goes to the first on the waiting list; returns the registration and who moved up."""
    lecture = get_lecture(tx.session, lecture_id, community, lock=True)
    registration = tx.session.get(Registration, registration_id)
    if registration is None or registration.lecture_id != lecture.id:
        raise NotFound("registration_not_found", "没有这条报名", "No such registration")
    if code is not None and not secrets.compare_digest(code, registration.cancel_code):
        raise Forbidden("wrong_cancel_code", "取消码不对", "Wrong cancellation code",
                        field="code")
    if registration.status == "cancelled":
        raise Conflict("registration_cancelled", "这条报名已经取消了",
                       "This registration is already cancelled")
    if lecture.status != "planned":
        raise Conflict("lecture_not_planned", "讲座已举办或已取消，不能再改报名",
                       "The lecture was held or cancelled")
    was = registration.status
    registration.status = "cancelled"
    registration.active_key = None
    registration.cancelled_at = now
    registration.cancelled_by = actor_name(actor)
    record(tx, lecture.community, "registration", registration.id, "cancelled", actor, now,
           lecture_id=lecture.id, was=was)
    promoted = _promote(tx, lecture, actor, now) if was == "registered" else []
    return registration, promoted


def _check_attendance(lecture: Lecture, present: list[int], absent: list[int],
                      walk_ins: list[dict[str, Any]], now: datetime) -> None:
    """Refuse, before anything is marked: a lecture cancelled or not begun, someone not on the
    list, someone both present and absent, a walk-in whose phone number is on the list (or given
    twice)."""
    if lecture.status == "cancelled":
        raise Conflict("lecture_cancelled", "这场讲座已取消", "This lecture was cancelled")
    if as_utc(lecture.starts_at) > now:
        raise Conflict("lecture_not_started", "讲座还没开始，不能记录出席",
                       "The lecture has not started: attendance comes after")
    registered = {r.id for r in lecture.registrations if r.status == "registered"}
    for field, ids in (("present", present), ("absent", absent)):
        for reg_id in ids:
            if reg_id not in registered:
                raise DomainError("not_registered",
                                  f"报名 {reg_id} 不在这场讲座的报名名单上",
                                  f"Registration {reg_id} is not on this lecture's list",
                                  field=field, status=422)
    if set(present) & set(absent):
        raise DomainError("present_and_absent", "同一人不能既出席又缺席",
                          "Nobody can be both present and absent", field="absent", status=422)
    keys = {r.active_key for r in lecture.registrations if r.active_key}
    for walk_in in walk_ins:
        if not walk_in.get("phone"):
            continue
        key = f"{lecture.id}:{walk_in['phone']}"
        if key in keys:
            raise Conflict("already_registered", "这个电话号码已经报名了，请在名单上勾选出席",
                           "This phone number is registered: mark it present instead",
                           field="walk_ins")
        keys.add(key)


def record_attendance(tx: Transaction, community: str, lecture_id: int, data: dict[str, Any],
                      actor: Staff, now: datetime) -> Lecture:
    """Mark who came (and who did not); walk-ins come in as registrations already attended.
    Recording attendance makes the lecture "held"."""
    lecture = get_lecture(tx.session, lecture_id, community, lock=True)
    present, absent = data.get("present", []), data.get("absent", [])
    walk_ins = data.get("walk_ins", [])
    _check_attendance(lecture, present, absent, walk_ins, now)
    by_id = {r.id: r for r in lecture.registrations}
    name = actor_name(actor)
    for reg_id, attended in [(i, True) for i in present] + [(i, False) for i in absent]:
        registration = by_id[reg_id]
        registration.attended = attended
        registration.attendance_recorded_at = now
        registration.attendance_recorded_by = name
    for walk_in in walk_ins:
        key = f"{lecture.id}:{walk_in['phone']}" if walk_in.get("phone") else None
        tx.session.add(Registration(
            lecture=lecture, name=walk_in["name"], phone=walk_in.get("phone") or "",
            status="registered", active_key=key, cancel_code=secrets.token_urlsafe(12),
            attended=True, attendance_recorded_at=now, attendance_recorded_by=name,
            created_at=now, created_by=name))
    if lecture.status != "held":
        lecture.status = "held"
        lecture.held_at = now
        lecture.held_by = name
    touch(lecture, actor, now)
    tx.session.flush()
    record(tx, community, "lecture", lecture.id, "attendance_recorded", actor, now,
           present=present, absent=absent, walk_ins=len(walk_ins))
    return lecture
