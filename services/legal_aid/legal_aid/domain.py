"""The legal-aid home's rules, as plain Python: no nameko, no transport.

Every function that changes something takes a unit of work ``uow`` (``uow.session`` and
``uow.publish(routing_key, data, community=...)`` writing to the outbox in the same transaction),
the acting person ``actor`` ({"id", "name"}) and the current time ``now`` (UTC, aware). A rule that
says no raises ``DomainError`` before anything is flushed, or the caller's transaction is rolled
back: bad input changes nothing.
"""
import secrets
from collections import Counter, defaultdict
from datetime import UTC, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from minzi.api import Conflict, DomainError, Forbidden, NotFound
from minzi.contract import CaseDispatched
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.logs import mask_phone

from .models import (
    Activity,
    Booking,
    ConsultationDay,
    Lawyer,
    Lecture,
    LegalCase,
    Reception,
    Registration,
    Slot,
    Visitor,
)

PROGRAM_ID = "legal_aid"
PROGRAM_NAME = {"zh": "普法互助家园", "en": "Legal-aid home"}
# Beijing has one offset all year round; the consultation day's date and "by month" are local.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

AREAS_OF_LAW = {
    "labour": ("劳动争议", "Labour dispute"),
    "tenancy": ("房屋租赁", "Tenancy"),
    "family": ("婚姻家庭", "Marriage and family"),
    "inheritance": ("继承", "Inheritance"),
    "contract": ("合同纠纷", "Contract dispute"),
    "consumer": ("消费维权", "Consumer rights"),
    "neighbour": ("邻里纠纷", "Neighbour dispute"),
    "property_management": ("物业纠纷", "Property management"),
    "personal_injury": ("人身损害", "Personal injury"),
    "traffic": ("交通事故", "Traffic accident"),
    "social_security": ("社会保险", "Social insurance"),
    "migrant": ("流动人口权益", "Migrants' rights"),
    "administrative": ("行政事务", "Administrative matters"),
    "criminal": ("刑事", "Criminal"),
    "other": ("其他", "Other"),
}
OUTCOMES = {
    "solved": ("已解决", "Solved"),
    "advised": ("已提供法律意见", "Advised"),
    "referred": ("已转介", "Referred"),
    "pending": ("待跟进", "Pending"),
}
# the area of law a case's service type implies, when its attributes do not say
SERVICE_AREAS = {
    "labour_dispute": "labour",
    "tenancy_dispute": "tenancy",
    "family_dispute": "family",
    "migrant_legal_help": "migrant",
}
OPEN_CASE = ("accepted", "booked")
CASE_STATUSES = {
    "accepted": ("已受理", "Accepted"),
    "booked": ("已预约咨询", "Consultation booked"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已撤回", "Recalled by intake"),
}
BUS_ACTOR = {"id": None, "name": "intake"}


def label(table, code, lang="zh"):
    names = table.get(code)
    if names is None:
        return code
    return names[0] if lang == "zh" else names[1]


def local_date(moment):
    return as_utc(moment).astimezone(BEIJING).date()


def local_range(day_from=None, day_to=None):
    """UTC bounds [start, end) of the Beijing dates ``day_from`` .. ``day_to`` (inclusive)."""
    start = (datetime.combine(day_from, time(), BEIJING).astimezone(UTC)
             if day_from else None)
    end = (datetime.combine(day_to + timedelta(days=1), time(), BEIJING).astimezone(UTC)
           if day_to else None)
    return start, end


def _record(uow, community, entity, entity_id, action, actor, now, **detail):
    uow.session.add(Activity(community=community, entity=entity, entity_id=entity_id,
                             action=action, actor=actor_name(actor),
                             actor_id=None if actor.get("id") is None else str(actor["id"]),
                             at=now, detail=detail))


def actor_name(actor):
    return str(actor.get("name") or actor.get("id") or "?")[:100]


def _touch(row, actor, now):
    row.updated_at = now
    row.updated_by = actor_name(actor)


def _new(model, actor, now, **values):
    name = actor_name(actor)
    return model(created_at=now, created_by=name, updated_at=now, updated_by=name, **values)


def _get(session, model, id_, community, code, zh, en, *, lock=False):
    row = session.get(model, id_, with_for_update=lock) if id_ is not None else None
    if row is None or (community is not None and getattr(row, "community", community) != community):
        raise NotFound(code, zh, en)
    return row


# -- lawyers --------------------------------------------------------------------------------------

def _lawyer(session, community, lawyer_id, *, lock=False):
    lawyer = session.get(Lawyer, lawyer_id, with_for_update=lock) if lawyer_id else None
    if lawyer is None or lawyer.community != community or not lawyer.active:
        raise DomainError("unknown_lawyer", "没有这位律师（或已停用）",
                          "No such lawyer (or no longer active)", field="lawyer_id", status=422)
    return lawyer


def add_lawyer(uow, community, data, actor, now):
    lawyer = _new(Lawyer, actor, now, community=community, name=data["name"],
                  firm=data.get("firm"), phone=data.get("phone"), active=True)
    uow.session.add(lawyer)
    uow.session.flush()
    _record(uow, community, "lawyer", lawyer.id, "added", actor, now, name=lawyer.name)
    return lawyer


def update_lawyer(uow, community, lawyer_id, data, actor, now):
    lawyer = _get(uow.session, Lawyer, lawyer_id, community, "lawyer_not_found",
                  "没有这位律师", "No such lawyer")
    changed = {}
    for key in ("name", "firm", "phone", "active"):
        if key in data and getattr(lawyer, key) != data[key]:
            changed[key] = data[key] if key != "phone" else mask_phone(data[key])
            setattr(lawyer, key, data[key])
    if changed:
        _touch(lawyer, actor, now)
        _record(uow, community, "lawyer", lawyer.id, "updated", actor, now, **changed)
    return lawyer


def list_lawyers(session, community, *, include_inactive=False):
    query = select(Lawyer).where(Lawyer.community == community).order_by(Lawyer.id)
    if not include_inactive:
        query = query.where(Lawyer.active.is_(True))
    return session.scalars(query).all()


# -- lectures -------------------------------------------------------------------------------------

def _check_times(starts_at, ends_at, now, *, code="lecture_in_past"):
    """A start still to come (skipped when ``now`` is None), and an end after the start."""
    if now is not None and as_utc(starts_at) <= now:
        raise DomainError(code, "开始时间已经过去", "The start time is in the past",
                          field="starts_at", status=422)
    if ends_at is not None and as_utc(ends_at) <= as_utc(starts_at):
        raise DomainError("ends_before_start", "结束时间应晚于开始时间",
                          "The end must be after the start", field="ends_at", status=422)


def plan_lecture(uow, community, data, actor, now):
    """Plan a lecture; one already held (``already_held``, 补录 from the paper records) may
    start in the past, and its attendance is then recorded with walk-ins."""
    if data.get("already_held") and as_utc(data["starts_at"]) > now:
        raise DomainError("not_yet_held", "补录的讲座应已开始", "A lecture recorded as held "
                          "must have started", field="starts_at", status=422)
    _check_times(data["starts_at"], data.get("ends_at"),
                 None if data.get("already_held") else now)
    lecture = _new(Lecture, actor, now, community=community, topic=data["topic"],
                   speaker=data["speaker"], starts_at=data["starts_at"],
                   ends_at=data.get("ends_at"), place=data["place"],
                   capacity=data["capacity"], description=data.get("description"),
                   status="planned")
    uow.session.add(lecture)
    uow.session.flush()
    _record(uow, community, "lecture", lecture.id, "planned", actor, now, topic=lecture.topic,
            starts_at=isoformat(lecture.starts_at), capacity=lecture.capacity)
    return lecture


def get_lecture(session, lecture_id, community=None, *, lock=False):
    return _get(session, Lecture, lecture_id, community, "lecture_not_found",
                "没有这场讲座", "No such lecture", lock=lock)


def lecture_counts(lecture):
    counts = Counter(r.status for r in lecture.registrations)
    attended = sum(1 for r in lecture.registrations if r.attended and r.status == "registered")
    return {"registered": counts["registered"], "waitlisted": counts["waitlisted"],
            "attended": attended,
            "seats_left": max(lecture.capacity - counts["registered"], 0)}


def _open_lecture(lecture, now):
    if lecture.status == "cancelled":
        raise Conflict("lecture_cancelled", "这场讲座已取消", "This lecture was cancelled")
    if lecture.status == "held" or as_utc(lecture.starts_at) <= now:
        raise Conflict("registration_closed", "讲座已经开始，不能再报名或改动",
                       "The lecture has started; registration is closed")


def _promote(uow, lecture, actor, now):
    """Fill free seats from the waiting list, first come first served."""
    registered = sum(1 for r in lecture.registrations if r.status == "registered")
    waiting = [r for r in lecture.registrations if r.status == "waitlisted"]
    waiting.sort(key=lambda r: r.id)
    promoted = []
    for registration in waiting[:max(lecture.capacity - registered, 0)]:
        registration.status = "registered"
        registration.promoted_at = now
        promoted.append(registration)
        _record(uow, lecture.community, "registration", registration.id, "promoted", actor, now,
                lecture_id=lecture.id)
    return promoted


def update_lecture(uow, community, lecture_id, data, actor, now):
    lecture = get_lecture(uow.session, lecture_id, community, lock=True)
    _open_lecture(lecture, now)
    starts_at = data.get("starts_at", lecture.starts_at)
    ends_at = data.get("ends_at", lecture.ends_at)
    _check_times(starts_at, ends_at, now)
    if "capacity" in data:
        registered = sum(1 for r in lecture.registrations if r.status == "registered")
        if data["capacity"] < registered:
            raise DomainError("capacity_below_registered",
                              f"已有 {registered} 人报名，名额不能少于此数",
                              f"{registered} people are registered; capacity cannot be lower",
                              field="capacity", status=422)
    changed = {}
    for key, value in data.items():
        if getattr(lecture, key) != value:
            changed[key] = isoformat(value) if isinstance(value, datetime) else value
            setattr(lecture, key, value)
    if changed:
        _touch(lecture, actor, now)
        _record(uow, community, "lecture", lecture.id, "updated", actor, now, **changed)
        _promote(uow, lecture, actor, now)
    return lecture


def cancel_lecture(uow, community, lecture_id, reason, actor, now):
    lecture = get_lecture(uow.session, lecture_id, community, lock=True)
    if lecture.status != "planned":
        raise Conflict("lecture_not_planned", "只能取消尚未举办的讲座",
                       "Only a planned lecture can be cancelled")
    lecture.status = "cancelled"
    _touch(lecture, actor, now)
    _record(uow, community, "lecture", lecture.id, "cancelled", actor, now, reason=reason)
    return lecture


def register(uow, lecture_id, name, phone, actor, now, *, community=None):
    """A resident registers (or is registered by staff); a full lecture puts them on the waiting
    list."""
    lecture = get_lecture(uow.session, lecture_id, community, lock=True)
    _open_lecture(lecture, now)
    key = f"{lecture.id}:{phone}"
    if any(r.active_key == key for r in lecture.registrations):
        raise Conflict("already_registered", "这个电话号码已经报名了这场讲座",
                       "This phone number is already registered for this lecture",
                       field="phone")
    registered = sum(1 for r in lecture.registrations if r.status == "registered")
    status = "registered" if registered < lecture.capacity else "waitlisted"
    registration = Registration(lecture=lecture, name=name, phone=phone, status=status,
                                active_key=key, cancel_code=secrets.token_urlsafe(12),
                                created_at=now, created_by=actor_name(actor))
    uow.session.add(registration)
    uow.session.flush()
    _record(uow, lecture.community, "registration", registration.id, status, actor, now,
            lecture_id=lecture.id, phone=mask_phone(phone))
    return registration


def waitlist_position(registration):
    if registration.status != "waitlisted":
        return None
    waiting = sorted(r.id for r in registration.lecture.registrations if r.status == "waitlisted")
    return waiting.index(registration.id) + 1


def cancel_registration(uow, lecture_id, registration_id, actor, now, *, community=None,
                        code=None):
    """Staff cancel any registration; a resident cancels their own with its cancel code."""
    lecture = get_lecture(uow.session, lecture_id, community, lock=True)
    registration = uow.session.get(Registration, registration_id)
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
    _record(uow, lecture.community, "registration", registration.id, "cancelled", actor, now,
            lecture_id=lecture.id, was=was)
    promoted = _promote(uow, lecture, actor, now) if was == "registered" else []
    return registration, promoted


def record_attendance(uow, community, lecture_id, data, actor, now):
    """Mark who came (and who did not); walk-ins come in as registrations already attended.
    Recording attendance makes the lecture "held"."""
    lecture = get_lecture(uow.session, lecture_id, community, lock=True)
    if lecture.status == "cancelled":
        raise Conflict("lecture_cancelled", "这场讲座已取消", "This lecture was cancelled")
    if as_utc(lecture.starts_at) > now:
        raise Conflict("lecture_not_started", "讲座还没开始，不能记录出席",
                       "The lecture has not started: attendance comes after")
    by_id = {r.id: r for r in lecture.registrations}
    present, absent = data.get("present", []), data.get("absent", [])
    for field, ids in (("present", present), ("absent", absent)):
        for reg_id in ids:
            registration = by_id.get(reg_id)
            if registration is None or registration.status != "registered":
                raise DomainError("not_registered",
                                  f"报名 {reg_id} 不在这场讲座的报名名单上",
                                  f"Registration {reg_id} is not on this lecture's list",
                                  field=field, status=422)
    if set(present) & set(absent):
        raise DomainError("present_and_absent", "同一人不能既出席又缺席",
                          "Nobody can be both present and absent", field="absent", status=422)
    name = actor_name(actor)
    for reg_id, attended in [(i, True) for i in present] + [(i, False) for i in absent]:
        registration = by_id[reg_id]
        registration.attended = attended
        registration.attendance_recorded_at = now
        registration.attendance_recorded_by = name
    for walk_in in data.get("walk_ins", []):
        key = f"{lecture.id}:{walk_in['phone']}" if walk_in.get("phone") else None
        if key and any(r.active_key == key for r in lecture.registrations):
            raise Conflict("already_registered", "这个电话号码已经报名了，请在名单上勾选出席",
                           "This phone number is registered: mark it present instead",
                           field="walk_ins")
        registration = Registration(
            lecture=lecture, name=walk_in["name"], phone=walk_in.get("phone") or "",
            status="registered", active_key=key, cancel_code=secrets.token_urlsafe(12),
            attended=True, attendance_recorded_at=now, attendance_recorded_by=name,
            created_at=now, created_by=name)
        uow.session.add(registration)
    if lecture.status != "held":
        lecture.status = "held"
        lecture.held_at = now
        lecture.held_by = name
    _touch(lecture, actor, now)
    uow.session.flush()
    _record(uow, community, "lecture", lecture.id, "attendance_recorded", actor, now,
            present=present, absent=absent, walk_ins=len(data.get("walk_ins", [])))
    return lecture


def list_lectures(session, community, *, day_from=None, day_to=None, status=None):
    query = select(Lecture).where(Lecture.community == community)
    start, end = local_range(day_from, day_to)
    if start:
        query = query.where(Lecture.starts_at >= start)
    if end:
        query = query.where(Lecture.starts_at < end)
    if status:
        query = query.where(Lecture.status == status)
    return session.scalars(query.order_by(Lecture.starts_at, Lecture.id)).all()


# -- consultation days ----------------------------------------------------------------------------

def get_day(session, day_id, community, *, lock=False):
    return _get(session, ConsultationDay, day_id, community, "day_not_found",
                "没有这个咨询日", "No such consultation day", lock=lock)


def open_day(uow, community, data, actor, now):
    if data["day"] < local_date(now):
        raise DomainError("day_in_past", "咨询日的日期已经过去", "That date is in the past",
                          field="day", status=422)
    exists = uow.session.scalar(select(ConsultationDay.id).where(
        ConsultationDay.community == community, ConsultationDay.day == data["day"]))
    if exists:
        raise Conflict("day_exists", "这一天已经有咨询日了", "There is already a consultation "
                       "day on that date", field="day")
    day = _new(ConsultationDay, actor, now, community=community, day=data["day"],
               place=data["place"], note=data.get("note"))
    uow.session.add(day)
    uow.session.flush()
    _record(uow, community, "consultation_day", day.id, "opened", actor, now,
            day=day.day.isoformat(), place=day.place)
    if data.get("slots"):
        add_slots(uow, community, day.id, data["slots"], actor, now)
    return day


def _expand(spec):
    """One slot, or a range cut into ``minutes``-long slots."""
    starts_at, ends_at = as_utc(spec["starts_at"]), as_utc(spec["ends_at"])
    minutes = spec.get("minutes")
    if not minutes:
        return [(starts_at, ends_at)]
    step = timedelta(minutes=minutes)
    out, cursor = [], starts_at
    while cursor + step <= ends_at:
        out.append((cursor, cursor + step))
        cursor += step
    return out


def add_slots(uow, community, day_id, specs, actor, now):
    """Add each volunteer lawyer's slots to a day; all of them or none."""
    session = uow.session
    day = get_day(session, day_id, community, lock=True)
    new = []
    for index, spec in enumerate(specs):
        field = f"slots.{index}" if len(specs) > 1 else None

        def fail(code, zh, en, status=422, key=None):
            raise DomainError(code, zh, en, field=(f"{field}.{key}" if field else key),
                              status=status)

        try:
            lawyer = _lawyer(session, community, spec["lawyer_id"], lock=True)
        except DomainError as exc:
            exc.field = f"{field}.lawyer_id" if field else exc.field
            raise
        starts_at, ends_at = as_utc(spec["starts_at"]), as_utc(spec["ends_at"])
        if ends_at <= starts_at:
            fail("ends_before_start", "结束时间应晚于开始时间", "The end must be after the start",
                 key="ends_at")
        if starts_at <= now:
            fail("slot_in_past", "时段的开始时间已经过去", "The slot starts in the past",
                 key="starts_at")
        if local_date(starts_at) != day.day or local_date(ends_at - timedelta(seconds=1)) != day.day:
            fail("slot_not_on_day", f"时段应在咨询日当天（{day.day.isoformat()}）",
                 f"The slot must fall on the consultation day ({day.day.isoformat()})",
                 key="starts_at")
        pieces = _expand(spec)
        if not pieces:
            fail("slot_too_short", "时间段比每个时段的长度还短",
                 "The range is shorter than one slot", key="minutes")
        for piece_start, piece_end in pieces:
            clash = session.scalar(select(Slot).where(
                Slot.lawyer_id == lawyer.id, Slot.starts_at < piece_end,
                Slot.ends_at > piece_start).limit(1))
            clash_new = any(l.id == lawyer.id and s < piece_end and e > piece_start
                            for l, s, e in new)
            if clash is not None or clash_new:
                fail("slot_overlap", f"{lawyer.name}律师在这段时间已经有时段了",
                     f"{lawyer.name} already has a slot at that time", status=409,
                     key="starts_at")
            new.append((lawyer, piece_start, piece_end))
    slots = []
    for lawyer, starts_at, ends_at in new:
        slot = Slot(consultation_day=day, lawyer_id=lawyer.id, starts_at=starts_at,
                    ends_at=ends_at, created_at=now, created_by=actor_name(actor))
        session.add(slot)
        slots.append(slot)
    session.flush()
    _touch(day, actor, now)
    _record(uow, community, "consultation_day", day.id, "slots_added", actor, now,
            slots=[s.id for s in slots])
    return slots


def remove_slot(uow, community, day_id, slot_id, actor, now):
    day = get_day(uow.session, day_id, community, lock=True)
    slot = uow.session.get(Slot, slot_id)
    if slot is None or slot.day_id != day.id:
        raise NotFound("slot_not_found", "这个咨询日没有这个时段", "No such slot on this day")
    if uow.session.scalar(select(Booking.id).where(Booking.slot_id == slot.id).limit(1)):
        raise Conflict("slot_has_bookings", "这个时段有过预约，不能删除；请先取消预约",
                       "The slot has bookings and cannot be removed")
    uow.session.delete(slot)
    _touch(day, actor, now)
    _record(uow, community, "consultation_day", day.id, "slot_removed", actor, now,
            slot_id=slot_id)


def active_bookings(session, day_id):
    return session.scalars(select(Booking).where(Booking.day_id == day_id,
                                                 Booking.status == "active")
                           .order_by(Booking.id)).all()


def list_days(session, community, *, day_from=None, day_to=None):
    query = select(ConsultationDay).where(ConsultationDay.community == community)
    if day_from:
        query = query.where(ConsultationDay.day >= day_from)
    if day_to:
        query = query.where(ConsultationDay.day <= day_to)
    return session.scalars(query.order_by(ConsultationDay.day)).all()


def _take(uow, day, data, kind, actor, now, *, case=None):
    session = uow.session
    bookings = active_bookings(session, day.id)
    taken = {b.active_slot_id for b in bookings if b.active_slot_id}
    phone = data.get("phone") or None
    if phone and any(b.active_key == f"{day.id}:{phone}" for b in bookings):
        raise Conflict("already_booked_that_day", "这位居民这一天已经有预约了",
                       "This resident already has a booking that day", field="phone")
    slot = None
    if data.get("slot_id") is not None:
        slot = session.get(Slot, data["slot_id"])
        if slot is None or slot.day_id != day.id:
            raise DomainError("unknown_slot", "这个咨询日没有这个时段",
                              "No such slot on this day", field="slot_id", status=422)
        if kind == "booked" and as_utc(slot.starts_at) <= now:
            raise DomainError("slot_in_past", "这个时段已经过去了", "That slot is in the past",
                              field="slot_id", status=422)
        if slot.id in taken:
            raise Conflict("slot_taken", "这个时段已经被预约了", "That slot is already booked",
                           field="slot_id")
    elif kind == "booked":
        free = [s for s in day.slots if s.id not in taken]
        if not free:
            raise Conflict("day_full", "这个咨询日已经约满了", "This consultation day is fully booked")
        upcoming = [s for s in free if as_utc(s.starts_at) > now]
        if not upcoming:
            raise Conflict("day_over", "这个咨询日剩下的时段都已过去",
                           "Every free slot of this day is in the past")
        slot = upcoming[0]
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
    _record(uow, day.community, "booking", booking.id, kind, actor, now, day_id=day.id,
            slot_id=booking.slot_id, phone=mask_phone(phone), case_id=booking.case_id)
    return booking


def book(uow, community, day_id, data, actor, now):
    """Book a resident into a slot (the first free one if none is named)."""
    day = get_day(uow.session, day_id, community, lock=True)
    return _take(uow, day, data, "booked", actor, now)


def record_walk_in(uow, community, day_id, data, actor, now):
    """A resident who came without booking; they take a free slot if one is named."""
    day = get_day(uow.session, day_id, community, lock=True)
    return _take(uow, day, data, "walk_in", actor, now)


def get_booking(session, booking_id, community):
    booking = session.get(Booking, booking_id)
    if booking is None or booking.consultation_day.community != community:
        raise NotFound("booking_not_found", "没有这条预约", "No such booking")
    return booking


def cancel_booking(uow, community, booking_id, reason, actor, now, *, quiet=False):
    booking = get_booking(uow.session, booking_id, community)
    get_day(uow.session, booking.day_id, community, lock=True)
    if booking.status != "active":
        raise Conflict("booking_cancelled", "这条预约已经取消了", "This booking is already cancelled")
    booking.status = "cancelled"
    booking.active_slot_id = None
    booking.active_key = None
    booking.cancelled_at = now
    booking.cancelled_by = actor_name(actor)
    _record(uow, community, "booking", booking.id, "cancelled", actor, now, reason=reason)
    if booking.case_id and not quiet:
        case = uow.session.get(LegalCase, booking.case_id)
        if case.status == "booked":
            case.status = "accepted"
            case.updated_at, case.updated_by = now, actor_name(actor)
            _record(uow, community, "case", case.id, "booking_cancelled", actor, now,
                    booking_id=booking.id)
    return booking


# -- visitors and receptions ----------------------------------------------------------------------

def _area(code):
    if code not in AREAS_OF_LAW:
        raise DomainError("unknown_area_of_law", f"没有这个法律领域：{code}",
                          f"Unknown area of law: {code}", field="area_of_law", status=422)
    return code


def find_or_add_visitor(uow, community, data, actor, now):
    session = uow.session
    phone = data.get("phone") or None
    visitor = None
    if phone:
        visitor = session.scalar(select(Visitor).where(Visitor.community == community,
                                                       Visitor.phone == phone))
    if visitor is None:
        visitor = _new(Visitor, actor, now, community=community, name=data["name"], phone=phone,
                       migrant=data.get("migrant"))
        session.add(visitor)
        session.flush()
        _record(uow, community, "visitor", visitor.id, "added", actor, now)
    else:
        changed = False
        if data.get("name") and data["name"] != visitor.name:
            visitor.name, changed = data["name"], True
        if data.get("migrant") is not None and data["migrant"] != visitor.migrant:
            visitor.migrant, changed = data["migrant"], True
        if changed:
            _touch(visitor, actor, now)
            _record(uow, community, "visitor", visitor.id, "updated", actor, now)
    return visitor


def get_visitor(session, visitor_id, community):
    return _get(session, Visitor, visitor_id, community, "visitor_not_found",
                "没有这位来访者", "No such visitor")


def record_reception(uow, community, data, actor, now):
    """One visit: who came, the area of law, what came of it, which lawyer received them."""
    session = uow.session
    _area(data["area_of_law"])
    if data["outcome"] not in OUTCOMES:
        raise DomainError("unknown_outcome", "没有这个结果代码", "Unknown outcome code",
                          field="outcome", status=422)
    received_at = as_utc(data.get("received_at") or now)
    if received_at > now + timedelta(minutes=5):
        raise DomainError("received_in_future", "接待时间不能在将来",
                          "The reception cannot be in the future", field="received_at",
                          status=422)
    lawyer = _lawyer(session, community, data["lawyer_id"]) if data.get("lawyer_id") else None
    booking = case = None
    if data.get("booking_id"):
        booking = session.get(Booking, data["booking_id"])
        if booking is None or booking.consultation_day.community != community:
            raise DomainError("unknown_booking", "没有这条预约", "No such booking",
                              field="booking_id", status=422)
    if data.get("case_id"):
        case = session.get(LegalCase, data["case_id"])
        if case is None or case.community != community:
            raise DomainError("unknown_case", "没有这个案件", "No such case", field="case_id",
                              status=422)
    if data.get("visitor_id"):
        visitor = get_visitor(session, data["visitor_id"], community)
    elif data.get("visitor"):
        visitor = find_or_add_visitor(uow, community, data["visitor"], actor, now)
    elif booking is not None:
        visitor = find_or_add_visitor(uow, community, {"name": booking.name,
                                                       "phone": booking.phone}, actor, now)
    elif case is not None:
        visitor = find_or_add_visitor(uow, community, {"name": case.resident_name or "居民",
                                                       "phone": case.resident_phone}, actor, now)
    else:
        raise DomainError("visitor_required", "请填写来访者（或选择已有来访者）",
                          "Say who the visitor is", field="visitor", status=422)
    if lawyer is None and booking is not None and booking.slot is not None:
        lawyer = booking.slot.lawyer
    channel = "case" if case else ("booked" if booking and booking.kind == "booked" else "walk_in")
    reception = _new(Reception, actor, now, community=community, visitor_id=visitor.id,
                     received_at=received_at, area_of_law=data["area_of_law"],
                     problem=data.get("problem"), outcome=data["outcome"],
                     outcome_note=data.get("outcome_note"),
                     lawyer_id=lawyer.id if lawyer else None,
                     booking_id=booking.id if booking else None,
                     case_id=case.id if case else None, channel=channel)
    session.add(reception)
    session.flush()
    _record(uow, community, "reception", reception.id, "recorded", actor, now,
            visitor_id=visitor.id, area_of_law=reception.area_of_law, outcome=reception.outcome)
    return reception


def get_reception(session, reception_id, community):
    return _get(session, Reception, reception_id, community, "reception_not_found",
                "没有这条接待记录", "No such reception record")


def update_reception(uow, community, reception_id, data, actor, now):
    reception = get_reception(uow.session, reception_id, community)
    if "area_of_law" in data:
        _area(data["area_of_law"])
    if data.get("lawyer_id"):
        _lawyer(uow.session, community, data["lawyer_id"])
    changed = {}
    for key in ("area_of_law", "outcome", "outcome_note", "problem", "lawyer_id"):
        if key in data and getattr(reception, key) != data[key]:
            changed[key] = {"from": getattr(reception, key), "to": data[key]}
            setattr(reception, key, data[key])
    if changed:
        _touch(reception, actor, now)
        _record(uow, community, "reception", reception.id, "updated", actor, now, **changed)
    return reception


def earlier_visits(session, reception):
    return session.scalars(select(Reception).where(
        Reception.visitor_id == reception.visitor_id, Reception.id != reception.id,
        Reception.received_at <= reception.received_at)
        .order_by(Reception.received_at.desc(), Reception.id.desc())).all()


def list_receptions(session, community, *, day_from=None, day_to=None, area_of_law=None,
                    outcome=None, limit=200, offset=0):
    query = select(Reception).where(Reception.community == community)
    start, end = local_range(day_from, day_to)
    if start:
        query = query.where(Reception.received_at >= start)
    if end:
        query = query.where(Reception.received_at < end)
    if area_of_law:
        query = query.where(Reception.area_of_law == area_of_law)
    if outcome:
        query = query.where(Reception.outcome == outcome)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Reception.received_at.desc(), Reception.id.desc())
                           .limit(limit).offset(offset)).all()
    return total, rows


def search_visitors(session, community, *, phone=None, name=None):
    query = select(Visitor).where(Visitor.community == community)
    if phone:
        query = query.where(Visitor.phone == phone)
    if name:
        query = query.where(Visitor.name.contains(name))
    return session.scalars(query.order_by(Visitor.id).limit(200)).all()


# -- cases routed by intake -----------------------------------------------------------------------

def _report(uow, case, status, actor, **fields):
    data = {"case_id": case.intake_case_id, "program_id": PROGRAM_ID, "status": status,
            "handler": actor_name(actor) if actor is not BUS_ACTOR else PROGRAM_NAME["zh"]}
    data.update({k: v for k, v in fields.items() if v is not None})
    uow.publish("case.reported", data, community=case.community)


def on_case_message(uow, envelope, now):
    """case.dispatched / case.chased / case.recalled, addressed to this program."""
    kind = envelope["type"]
    data = envelope["data"]
    if kind == "case.dispatched":
        return receive_case(uow, CaseDispatched().load(data), now,
                            community=envelope.get("community"))
    case = uow.session.scalar(select(LegalCase).where(
        LegalCase.intake_case_id == int(data["case_id"])))
    if case is None:  # never got it (or a test message): nothing to chase or recall
        return None
    if kind == "case.chased":
        if case.status in OPEN_CASE:
            case.chase_level = max(case.chase_level, int(data.get("level") or 1))
            case.last_chased_at = now
            case.updated_at, case.updated_by = now, "intake"
            _record(uow, case.community, "case", case.id, "chased", BUS_ACTOR, now,
                    level=data.get("level") or 1, note=data.get("note"))
        return case
    if kind == "case.recalled":
        if case.status in OPEN_CASE:
            for booking in uow.session.scalars(select(Booking).where(
                    Booking.case_id == case.id, Booking.status == "active")):
                cancel_booking(uow, case.community, booking.id, "案件已被撤回", BUS_ACTOR, now,
                               quiet=True)
            case.status = "recalled"
            case.note = data.get("note")
            case.updated_at, case.updated_by = now, "intake"
            _record(uow, case.community, "case", case.id, "recalled", BUS_ACTOR, now,
                    note=data.get("note"))
        return case
    return None  # a kind this version does not know: nothing to do


def receive_case(uow, data, now, *, community=None):
    """Keep the case and its resident's data, accept it and tell intake so."""
    session = uow.session
    attributes = data.get("attributes") or {}
    area = attributes.get("area_of_law") or SERVICE_AREAS.get(data["service_code"])
    if area not in AREAS_OF_LAW:
        area = None
    resident = data.get("resident") or {}
    case = session.scalar(select(LegalCase).where(LegalCase.intake_case_id == data["case_id"]))
    values = dict(tracking_code=data["tracking_code"],
                  community=data.get("community") or community,
                  service_code=data["service_code"], channel=data.get("channel"),
                  description=data["description"], attributes=attributes, area_of_law=area,
                  address=data.get("address"), resident_name=resident.get("name"),
                  resident_phone=resident.get("phone"), resident_contact=resident.get("contact"),
                  due_at=data.get("due_at"), dispatch_note=data.get("note"))
    if case is None:
        case = LegalCase(intake_case_id=data["case_id"], status="accepted", received_at=now,
                         updated_at=now, updated_by="intake", **values)
        session.add(case)
        session.flush()
        action = "received"
    else:  # dispatched again (after a recall, or reopened): it is ours again
        for key, value in values.items():
            setattr(case, key, value)
        if case.status not in OPEN_CASE:
            case.status = "accepted"
            case.result = case.reply = None
            case.chase_level = 0
        case.updated_at, case.updated_by = now, "intake"
        action = "received_again"
    _record(uow, case.community, "case", case.id, action, BUS_ACTOR, now,
            tracking_code=case.tracking_code, service_code=case.service_code)
    _report(uow, case, "accepted", BUS_ACTOR,
            note="普法互助家园已受理，将安排志愿律师与您联系")
    return case


def get_case(session, case_id, community):
    return _get(session, LegalCase, case_id, community, "case_not_found", "没有这个案件",
                "No such case")


def _open_case(case):
    if case.status not in OPEN_CASE:
        raise Conflict("case_closed", f"案件当前状态为「{label(CASE_STATUSES, case.status)}」，不能再办理",
                       f"The case is {case.status}; it can no longer be worked")


def book_case(uow, community, case_id, data, actor, now):
    """Book the case's resident into a consultation day and tell intake when and with whom."""
    case = get_case(uow.session, case_id, community)
    _open_case(case)
    day = get_day(uow.session, data["day_id"], community, lock=True)
    for old in uow.session.scalars(select(Booking).where(Booking.case_id == case.id,
                                                         Booking.status == "active")):
        cancel_booking(uow, community, old.id, "改约", actor, now, quiet=True)
    uow.session.flush()
    booking = _take(uow, day, {"slot_id": data.get("slot_id"),
                               "name": case.resident_name or "居民",
                               "phone": case.resident_phone,
                               "note": f"案件 {case.tracking_code}"}, "booked", actor, now,
                    case=case)
    case.status = "booked"
    case.updated_at, case.updated_by = now, actor_name(actor)
    when = as_utc(booking.slot.starts_at).astimezone(BEIJING)
    note = (f"已为您预约 {when:%Y-%m-%d %H:%M} 法律咨询（{booking.slot.lawyer.name}律师），"
            f"地点：{day.place}")
    if data.get("note"):
        note += f"。{data['note']}"
    _record(uow, community, "case", case.id, "booked", actor, now, booking_id=booking.id)
    _report(uow, case, "in_progress", actor, note=note)
    return case, booking


def note_case(uow, community, case_id, note, actor, now):
    case = get_case(uow.session, case_id, community)
    _open_case(case)
    case.note = note
    case.handler = actor_name(actor)
    case.updated_at, case.updated_by = now, actor_name(actor)
    _record(uow, community, "case", case.id, "noted", actor, now, note=note)
    _report(uow, case, "in_progress", actor, note=note)
    return case


def resolve_case(uow, community, case_id, data, actor, now):
    case = get_case(uow.session, case_id, community)
    _open_case(case)
    case.status = "resolved"
    case.result = data["result"]
    case.reply = data.get("reply")
    case.handler = actor_name(actor)
    case.updated_at, case.updated_by = now, actor_name(actor)
    _record(uow, community, "case", case.id, "resolved", actor, now, result=case.result)
    _report(uow, case, "resolved", actor, result=case.result, reply=case.reply,
            note=data.get("note"))
    return case


def return_case(uow, community, case_id, note, actor, now):
    case = get_case(uow.session, case_id, community)
    _open_case(case)
    for booking in uow.session.scalars(select(Booking).where(Booking.case_id == case.id,
                                                             Booking.status == "active")):
        cancel_booking(uow, community, booking.id, "案件退回", actor, now, quiet=True)
    case.status = "returned"
    case.note = note
    case.handler = actor_name(actor)
    case.updated_at, case.updated_by = now, actor_name(actor)
    _record(uow, community, "case", case.id, "returned", actor, now, note=note)
    _report(uow, case, "returned", actor, note=note)
    return case


def list_cases(session, community, *, status=None):
    query = select(LegalCase).where(LegalCase.community == community)
    if status:
        query = query.where(LegalCase.status == status)
    return session.scalars(query.order_by(LegalCase.received_at.desc(), LegalCase.id.desc())
                           .limit(500)).all()


def history(session, community, entity, entity_id):
    return session.scalars(select(Activity).where(
        Activity.community == community, Activity.entity == entity,
        Activity.entity_id == entity_id).order_by(Activity.at, Activity.id)).all()


# -- figures --------------------------------------------------------------------------------------

def _month(moment):
    return f"{as_utc(moment).astimezone(BEIJING):%Y-%m}"


def figures(session, community, day_from=None, day_to=None, lang="zh"):
    """The program's figures for a period (Beijing dates, both ends included), counted from the
    records: lectures held and their attendance, visitors received, problems solved."""
    start, end = local_range(day_from, day_to)

    def within(column, query):
        if start:
            query = query.where(column >= start)
        if end:
            query = query.where(column < end)
        return query

    months = defaultdict(lambda: {"lectures_held": 0, "attendance": 0, "received": 0,
                                  "solved": 0})
    lectures = session.execute(within(Lecture.starts_at, select(
        Lecture.id, Lecture.starts_at, Lecture.status).where(
            Lecture.community == community))).all()
    held_ids = {row.id for row in lectures if row.status == "held"}
    attendance = Counter()
    if held_ids:
        for lecture_id, count in session.execute(
                select(Registration.lecture_id, func.count()).where(
                    Registration.lecture_id.in_(held_ids), Registration.attended.is_(True),
                    Registration.status == "registered")
                .group_by(Registration.lecture_id)).all():
            attendance[lecture_id] = count
    for row in lectures:
        if row.status == "held":
            months[_month(row.starts_at)]["lectures_held"] += 1
            months[_month(row.starts_at)]["attendance"] += attendance[row.id]

    receptions = session.execute(within(Reception.received_at, select(
        Reception.received_at, Reception.area_of_law, Reception.outcome, Reception.visitor_id)
        .where(Reception.community == community))).all()
    by_area = defaultdict(lambda: {"received": 0, "solved": 0})
    by_outcome = Counter()
    for row in receptions:
        months[_month(row.received_at)]["received"] += 1
        by_area[row.area_of_law]["received"] += 1
        by_outcome[row.outcome] += 1
        if row.outcome == "solved":
            months[_month(row.received_at)]["solved"] += 1
            by_area[row.area_of_law]["solved"] += 1

    days = session.execute(select(ConsultationDay.id).where(
        ConsultationDay.community == community,
        *([ConsultationDay.day >= day_from] if day_from else []),
        *([ConsultationDay.day <= day_to] if day_to else []))).scalars().all()
    slot_count = booking_kinds = None
    if days:
        slot_count = session.scalar(select(func.count()).select_from(Slot)
                                    .where(Slot.day_id.in_(days)))
        booking_kinds = dict(session.execute(select(Booking.kind, func.count()).where(
            Booking.day_id.in_(days), Booking.status == "active")
            .group_by(Booking.kind)).all())

    cases = Counter(dict(session.execute(within(LegalCase.received_at, select(
        LegalCase.status, func.count()).where(LegalCase.community == community)
        .group_by(LegalCase.status))).all()))

    return {
        "community": community,
        "from": day_from.isoformat() if day_from else None,
        "to": day_to.isoformat() if day_to else None,
        "lectures": {"planned": sum(1 for r in lectures if r.status == "planned"),
                     "held": len(held_ids),
                     "cancelled": sum(1 for r in lectures if r.status == "cancelled"),
                     "attendance": sum(attendance.values())},
        "receptions": {"received": len(receptions),
                       "visitors": len({r.visitor_id for r in receptions}),
                       "solved": by_outcome["solved"],
                       "by_outcome": [{"code": code, "name": label(OUTCOMES, code, lang),
                                       "count": by_outcome[code]} for code in OUTCOMES]},
        "consultation_days": {"days": len(days), "slots": slot_count or 0,
                              "booked": (booking_kinds or {}).get("booked", 0),
                              "walk_ins": (booking_kinds or {}).get("walk_in", 0)},
        "cases": {"received": sum(cases.values()),
                  "open": cases["accepted"] + cases["booked"],
                  "resolved": cases["resolved"], "returned": cases["returned"],
                  "recalled": cases["recalled"]},
        "by_area_of_law": [{"code": code, "name": label(AREAS_OF_LAW, code, lang),
                            **by_area[code]} for code in AREAS_OF_LAW if code in by_area],
        "by_month": [{"month": month, **months[month]} for month in sorted(months)],
    }
