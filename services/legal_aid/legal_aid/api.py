"""The legal-aid home's staff API (forwarded by the gateway as /api/v1/programs/legal_aid/...).

Who may do what:
* the public (no token): lecture listings, self-registration for a lecture (name + phone) and
  cancelling it with the code they were given, consultation days' free slots, the figures;
* the service station's front desk (receptionist, station_head): book a resident into a
  consultation day, cancel a booking;
* the program's operators (program_staff / handler of ``legal_aid``, and admin): everything,
  including residents' personal data.

Staff only ever see their own community's records.
"""
from sqlalchemy.exc import IntegrityError

from minzi.api import Conflict, DomainError, Forbidden, NotFound, Router
from minzi.db import as_utc
from minzi.envelope import isoformat, utcnow
from minzi.logs import mask_phone

from . import domain, schemas
from .domain import AREAS_OF_LAW, CASE_STATUSES, OUTCOMES, label

router = Router()

OPERATOR_ROLES = ("program_staff", "handler", "admin")
DESK_ROLES = OPERATOR_ROLES + ("receptionist", "station_head")
RESIDENT = {"id": None, "name": "居民本人"}


# -- who is asking --------------------------------------------------------------------------------

def is_operator(ctx):
    staff = ctx.staff or {}
    role = staff.get("role")
    return role == "admin" or (role in ("program_staff", "handler")
                               and staff.get("program_id") == domain.PROGRAM_ID)


def is_desk(ctx):
    return is_operator(ctx) or (ctx.staff or {}).get("role") in ("receptionist", "station_head")


def require_operator(ctx):
    ctx.require(*OPERATOR_ROLES)
    if not is_operator(ctx):
        raise Forbidden("not_program_staff", "只有普法互助家园的工作人员可以这样做",
                        "Only the legal-aid home's staff may do this")


def community_of(ctx):
    """Staff work in their own community; the public (and an admin) name one, or get the first
    community the program serves."""
    staff = ctx.staff or {}
    community = staff.get("community") or ctx.query.get("community")
    if not community:
        program = getattr(ctx.service, "program", None)
        communities = getattr(program, "manifest", {}).get("communities") or []
        community = communities[0] if communities else None
    if not community:
        raise DomainError("community_required", "请指定社区", "Say which community",
                          field="community", status=422)
    return community


def actor(ctx):
    staff = ctx.staff
    if not staff:
        return RESIDENT
    return {"id": staff.get("id"), "name": staff.get("username") or staff.get("name")
            or str(staff.get("id"))}


def int_param(ctx, name):
    try:
        return int(ctx.params[name])
    except (KeyError, ValueError):
        raise NotFound("not_found", "没有这条记录", "No such record") from None


def write(ctx, work):
    """Run ``work(tx)`` in one transaction (with its outbox); all of it commits, or none."""
    try:
        with ctx.service.store.transaction(community=(ctx.staff or {}).get("community")) as tx:
            return work(tx)
    except IntegrityError:
        raise Conflict("conflict", "刚刚有人同时修改了同一记录（例如同一时段被预约），请刷新后重试",
                       "Someone changed the same record at the same moment (e.g. booked the "
                       "same slot); refresh and try again") from None


def read(ctx, work):
    with ctx.service.store.session() as session:
        return work(session)


def staff_route(method, path, *, desk=False, **kwargs):
    """A route for the program's operators (or, with ``desk``, also the station's front desk)."""
    def decorator(handler):
        def guarded(ctx, *args):
            if desk:
                ctx.require(*DESK_ROLES)
            else:
                require_operator(ctx)
            return handler(ctx, *args)
        guarded.__name__ = handler.__name__
        router.route(method, path, roles=DESK_ROLES if desk else OPERATOR_ROLES,
                     **kwargs)(guarded)
        return handler
    return decorator


# -- views ----------------------------------------------------------------------------------------

def _ts(moment):
    return isoformat(as_utc(moment)) if moment else None


def _stamp(row):
    return {"created_at": _ts(row.created_at), "created_by": row.created_by,
            "updated_at": _ts(getattr(row, "updated_at", None)),
            "updated_by": getattr(row, "updated_by", None)}


def lawyer_view(lawyer, *, full=True):
    view = {"id": lawyer.id, "name": lawyer.name, "firm": lawyer.firm}
    if full:
        view.update(phone=lawyer.phone, active=lawyer.active, **_stamp(lawyer))
    return view


def lecture_view(lecture, lang):
    return {"id": lecture.id, "community": lecture.community, "topic": lecture.topic,
            "speaker": lecture.speaker, "starts_at": _ts(lecture.starts_at),
            "ends_at": _ts(lecture.ends_at), "place": lecture.place,
            "capacity": lecture.capacity, "description": lecture.description,
            "status": lecture.status,
            "status_name": label({"planned": ("计划中", "Planned"), "held": ("已举办", "Held"),
                                  "cancelled": ("已取消", "Cancelled")}, lecture.status, lang),
            **domain.lecture_counts(lecture),
            "held_at": _ts(lecture.held_at), "held_by": lecture.held_by, **_stamp(lecture)}


def registration_view(registration, *, full=True, code=False):
    view = {"id": registration.id, "lecture_id": registration.lecture_id,
            "name": registration.name,
            "phone": registration.phone if full else mask_phone(registration.phone),
            "status": registration.status,
            "waitlist_position": domain.waitlist_position(registration),
            "attended": registration.attended,
            "created_at": _ts(registration.created_at), "created_by": registration.created_by}
    if full:
        view.update(attendance_recorded_at=_ts(registration.attendance_recorded_at),
                    attendance_recorded_by=registration.attendance_recorded_by,
                    promoted_at=_ts(registration.promoted_at),
                    cancelled_at=_ts(registration.cancelled_at),
                    cancelled_by=registration.cancelled_by)
    if code:
        view["cancel_code"] = registration.cancel_code
    return view


def slot_view(slot, booking=None, *, level="public"):
    view = {"id": slot.id, "starts_at": _ts(slot.starts_at), "ends_at": _ts(slot.ends_at),
            "lawyer": lawyer_view(slot.lawyer, full=False), "free": booking is None}
    if booking is not None and level != "public":
        view["booking"] = booking_view(booking, full=level == "operator")
    return view


def booking_view(booking, *, full=True):
    slot = booking.slot
    return {"id": booking.id, "day_id": booking.day_id, "day": booking.consultation_day.day.isoformat(),
            "slot_id": booking.slot_id, "starts_at": _ts(slot.starts_at) if slot else None,
            "lawyer": lawyer_view(slot.lawyer, full=False) if slot else None,
            "kind": booking.kind, "name": booking.name,
            "phone": booking.phone if full else mask_phone(booking.phone),
            "case_id": booking.case_id if full else None, "note": booking.note if full else None,
            "status": booking.status, "created_at": _ts(booking.created_at),
            "created_by": booking.created_by, "cancelled_at": _ts(booking.cancelled_at),
            "cancelled_by": booking.cancelled_by}


def day_view(session, day, *, level="public"):
    bookings = domain.active_bookings(session, day.id)
    by_slot = {b.active_slot_id: b for b in bookings if b.active_slot_id}
    view = {"id": day.id, "community": day.community, "day": day.day.isoformat(),
            "place": day.place, "note": day.note,
            "slots": [slot_view(s, by_slot.get(s.id), level=level) for s in day.slots],
            "free_slots": sum(1 for s in day.slots if s.id not in by_slot),
            "booked_slots": len(by_slot)}
    if level != "public":
        view["walk_ins"] = [booking_view(b, full=level == "operator") for b in bookings
                            if b.kind == "walk_in" and not b.active_slot_id]
        view.update(_stamp(day))
    return view


def visitor_view(visitor, *, visits=None, lang="zh"):
    view = {"id": visitor.id, "name": visitor.name, "phone": visitor.phone,
            "migrant": visitor.migrant, **_stamp(visitor)}
    if visits is not None:
        view["visits"] = [reception_view(r, lang, with_visitor=False) for r in visits]
    return view


def reception_view(reception, lang, *, with_visitor=True):
    view = {"id": reception.id, "received_at": _ts(reception.received_at),
            "area_of_law": reception.area_of_law,
            "area_of_law_name": label(AREAS_OF_LAW, reception.area_of_law, lang),
            "problem": reception.problem, "outcome": reception.outcome,
            "outcome_name": label(OUTCOMES, reception.outcome, lang),
            "outcome_note": reception.outcome_note, "channel": reception.channel,
            "lawyer": lawyer_view(reception.lawyer, full=False) if reception.lawyer else None,
            "booking_id": reception.booking_id, "case_id": reception.case_id,
            **_stamp(reception)}
    if with_visitor:
        view["visitor"] = {"id": reception.visitor.id, "name": reception.visitor.name,
                           "phone": reception.visitor.phone}
    return view


def case_view(case, lang, *, session=None):
    view = {"id": case.id, "intake_case_id": case.intake_case_id,
            "tracking_code": case.tracking_code, "community": case.community,
            "service_code": case.service_code, "channel": case.channel,
            "description": case.description, "attributes": case.attributes,
            "area_of_law": case.area_of_law,
            "area_of_law_name": label(AREAS_OF_LAW, case.area_of_law, lang)
            if case.area_of_law else None,
            "address": case.address,
            "resident": {"name": case.resident_name, "phone": case.resident_phone,
                         "contact": case.resident_contact},
            "due_at": _ts(case.due_at), "dispatch_note": case.dispatch_note,
            "status": case.status, "status_name": label(CASE_STATUSES, case.status, lang),
            "chase_level": case.chase_level, "last_chased_at": _ts(case.last_chased_at),
            "result": case.result, "reply": case.reply, "note": case.note,
            "handler": case.handler, "received_at": _ts(case.received_at),
            "updated_at": _ts(case.updated_at), "updated_by": case.updated_by}
    if session is not None:
        view["history"] = [activity_view(a) for a in
                           domain.history(session, case.community, "case", case.id)]
    return view


def activity_view(row):
    return {"at": _ts(row.at), "actor": row.actor, "actor_id": row.actor_id,
            "entity": row.entity, "entity_id": row.entity_id, "action": row.action,
            "detail": row.detail}


def _codes(table, lang):
    return [{"code": code, "name": label(table, code, lang)} for code in table]


# -- reference lists ------------------------------------------------------------------------------

@router.route("GET", "/areas-of-law", public=True, summary="法律领域 / Areas of law")
def areas_of_law(ctx):
    return 200, {"items": _codes(AREAS_OF_LAW, ctx.lang)}


@router.route("GET", "/outcomes", public=True, summary="接待结果代码 / Outcome codes")
def outcomes(ctx):
    return 200, {"items": _codes(OUTCOMES, ctx.lang)}


# -- lawyers --------------------------------------------------------------------------------------

@staff_route("GET", "/lawyers", query=schemas.Query, summary="志愿律师 / Volunteer lawyers")
def lawyers(ctx):
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [
        lawyer_view(l) for l in domain.list_lawyers(s, community, include_inactive=True)]})


@staff_route("POST", "/lawyers", body=schemas.LawyerIn, summary="登记志愿律师 / Add a lawyer")
def add_lawyer(ctx, body):
    community = community_of(ctx)
    return 201, write(ctx, lambda tx: lawyer_view(
        domain.add_lawyer(tx, community, body, actor(ctx), utcnow())))


@staff_route("PATCH", "/lawyers/{lawyer_id}", body=schemas.LawyerPatch,
             summary="修改律师信息 / Update a lawyer")
def update_lawyer(ctx, body):
    community, lawyer_id = community_of(ctx), int_param(ctx, "lawyer_id")
    return 200, write(ctx, lambda tx: lawyer_view(
        domain.update_lawyer(tx, community, lawyer_id, body, actor(ctx), utcnow())))


# -- lectures -------------------------------------------------------------------------------------

@router.route("GET", "/lectures", public=True, query=schemas.LectureQuery,
              summary="普法讲座 / Law lectures")
def lectures(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        lecture_view(l, ctx.lang) for l in domain.list_lectures(
            s, community, day_from=q["date_from"], day_to=q["date_to"], status=q["status"])]})


@router.route("GET", "/lectures/{lecture_id}", public=True, summary="讲座详情 / A lecture")
def lecture(ctx):
    community, lecture_id = community_of(ctx), int_param(ctx, "lecture_id")

    def work(session):
        item = domain.get_lecture(session, lecture_id, community)
        view = lecture_view(item, ctx.lang)
        if is_operator(ctx):
            view["registrations"] = [registration_view(r) for r in item.registrations]
        return view
    return 200, read(ctx, work)


@staff_route("POST", "/lectures", body=schemas.LectureIn, summary="安排讲座 / Plan a lecture")
def plan_lecture(ctx, body):
    community = community_of(ctx)
    return 201, write(ctx, lambda tx: lecture_view(
        domain.plan_lecture(tx, community, body, actor(ctx), utcnow()), ctx.lang))


@staff_route("PATCH", "/lectures/{lecture_id}", body=schemas.LecturePatch,
             summary="修改讲座 / Change a lecture")
def update_lecture(ctx, body):
    community, lecture_id = community_of(ctx), int_param(ctx, "lecture_id")
    return 200, write(ctx, lambda tx: lecture_view(
        domain.update_lecture(tx, community, lecture_id, body, actor(ctx), utcnow()), ctx.lang))


@staff_route("POST", "/lectures/{lecture_id}/cancel", body=schemas.Reason,
             summary="取消讲座 / Cancel a lecture")
def cancel_lecture(ctx, body):
    community, lecture_id = community_of(ctx), int_param(ctx, "lecture_id")
    return 200, write(ctx, lambda tx: lecture_view(domain.cancel_lecture(
        tx, community, lecture_id, body["reason"], actor(ctx), utcnow()), ctx.lang))


@staff_route("GET", "/lectures/{lecture_id}/registrations",
             summary="报名名单 / Who registered")
def registrations(ctx):
    community, lecture_id = community_of(ctx), int_param(ctx, "lecture_id")
    return 200, read(ctx, lambda s: {"items": [
        registration_view(r) for r in domain.get_lecture(s, lecture_id, community).registrations]})


@router.route("POST", "/lectures/{lecture_id}/registrations", public=True,
              body=schemas.RegistrationIn, summary="报名参加讲座 / Register for a lecture")
def register(ctx, body):
    lecture_id = int_param(ctx, "lecture_id")
    community = community_of(ctx) if ctx.staff else None

    def work(tx):
        registration = domain.register(tx, lecture_id, body["name"], body["phone"], actor(ctx),
                                       utcnow(), community=community)
        return registration_view(registration, full=ctx.staff is not None, code=True)
    return 201, write(ctx, work)


@router.route("POST", "/lectures/{lecture_id}/registrations/{registration_id}/cancel",
              public=True, body=schemas.RegistrationCancel,
              summary="取消报名（候补自动递补）/ Cancel a registration (the waiting list moves up)")
def cancel_registration(ctx, body):
    lecture_id = int_param(ctx, "lecture_id")
    registration_id = int_param(ctx, "registration_id")
    staff = is_desk(ctx)
    if not staff and not body.get("code"):
        raise DomainError("code_required", "请填写报名时得到的取消码",
                          "Give the cancellation code you got when registering",
                          field="code", status=422)

    def work(tx):
        registration, promoted = domain.cancel_registration(
            tx, lecture_id, registration_id, actor(ctx), utcnow(),
            community=community_of(ctx) if staff else None,
            code=None if staff else body["code"])
        return {"registration": registration_view(registration, full=staff),
                "promoted": [registration_view(r, full=False) for r in promoted]}
    return 200, write(ctx, work)


@staff_route("POST", "/lectures/{lecture_id}/attendance", body=schemas.AttendanceIn,
             summary="登记出席 / Record attendance")
def attendance(ctx, body):
    community, lecture_id = community_of(ctx), int_param(ctx, "lecture_id")

    def work(tx):
        item = domain.record_attendance(tx, community, lecture_id, body, actor(ctx), utcnow())
        view = lecture_view(item, ctx.lang)
        view["registrations"] = [registration_view(r) for r in item.registrations]
        return view
    return 200, write(ctx, work)


# -- consultation days ----------------------------------------------------------------------------

def _level(ctx):
    return "operator" if is_operator(ctx) else ("desk" if is_desk(ctx) else "public")


@router.route("GET", "/consultation-days", public=True, query=schemas.PeriodQuery,
              summary="法律接待咨询日 / Consultation days")
def days(ctx):
    community, q, level = community_of(ctx), ctx.query, _level(ctx)
    return 200, read(ctx, lambda s: {"items": [
        day_view(s, d, level=level) for d in domain.list_days(
            s, community, day_from=q["date_from"], day_to=q["date_to"])]})


@router.route("GET", "/consultation-days/{day_id}", public=True,
              summary="咨询日与时段 / A consultation day and its slots")
def day(ctx):
    community, day_id, level = community_of(ctx), int_param(ctx, "day_id"), _level(ctx)
    return 200, read(ctx, lambda s: day_view(s, domain.get_day(s, day_id, community),
                                             level=level))


@staff_route("POST", "/consultation-days", body=schemas.DayIn,
             summary="开设咨询日（可同时排时段）/ Open a consultation day")
def open_day(ctx, body):
    community = community_of(ctx)
    return 201, write(ctx, lambda tx: day_view(
        tx.session, domain.open_day(tx, community, body, actor(ctx), utcnow()), level="operator"))


@staff_route("POST", "/consultation-days/{day_id}/slots", body=schemas.SlotsIn,
             summary="为律师排时段 / Add lawyers' slots")
def add_slots(ctx, body):
    community, day_id = community_of(ctx), int_param(ctx, "day_id")

    def work(tx):
        domain.add_slots(tx, community, day_id, body["slots"], actor(ctx), utcnow())
        return day_view(tx.session, domain.get_day(tx.session, day_id, community),
                        level="operator")
    return 201, write(ctx, work)


@staff_route("DELETE", "/consultation-days/{day_id}/slots/{slot_id}",
             summary="删除未被预约过的时段 / Remove an unbooked slot")
def remove_slot(ctx):
    community, day_id, slot_id = (community_of(ctx), int_param(ctx, "day_id"),
                                  int_param(ctx, "slot_id"))

    def work(tx):
        domain.remove_slot(tx, community, day_id, slot_id, actor(ctx), utcnow())
        tx.session.flush()
        tx.session.expire_all()
        return day_view(tx.session, domain.get_day(tx.session, day_id, community),
                        level="operator")
    return 200, write(ctx, work)


@staff_route("POST", "/consultation-days/{day_id}/bookings", desk=True, body=schemas.BookingIn,
             summary="预约咨询时段 / Book a slot for a resident")
def book(ctx, body):
    community, day_id = community_of(ctx), int_param(ctx, "day_id")
    return 201, write(ctx, lambda tx: booking_view(
        domain.book(tx, community, day_id, body, actor(ctx), utcnow()), full=is_operator(ctx)))


@staff_route("POST", "/consultation-days/{day_id}/walk-ins", body=schemas.WalkInIn,
             summary="登记现场来访 / Record a walk-in")
def walk_in(ctx, body):
    community, day_id = community_of(ctx), int_param(ctx, "day_id")
    return 201, write(ctx, lambda tx: booking_view(
        domain.record_walk_in(tx, community, day_id, body, actor(ctx), utcnow())))


@staff_route("POST", "/bookings/{booking_id}/cancel", desk=True, body=schemas.Reason,
             summary="取消预约（释放时段）/ Cancel a booking (frees the slot)")
def cancel_booking(ctx, body):
    community, booking_id = community_of(ctx), int_param(ctx, "booking_id")
    return 200, write(ctx, lambda tx: booking_view(domain.cancel_booking(
        tx, community, booking_id, body["reason"], actor(ctx), utcnow()), full=is_operator(ctx)))


# -- receptions and visitors ----------------------------------------------------------------------

@staff_route("GET", "/receptions", query=schemas.ReceptionQuery,
             summary="接待记录 / Reception records")
def receptions(ctx):
    community, q = community_of(ctx), ctx.query

    def work(session):
        total, rows = domain.list_receptions(
            session, community, day_from=q["date_from"], day_to=q["date_to"],
            area_of_law=q["area_of_law"], outcome=q["outcome"], limit=q["limit"],
            offset=q["offset"])
        return {"total": total, "items": [reception_view(r, ctx.lang) for r in rows]}
    return 200, read(ctx, work)


@staff_route("POST", "/receptions", body=schemas.ReceptionIn,
             summary="登记一次接待 / Record a reception")
def record_reception(ctx, body):
    community = community_of(ctx)

    def work(tx):
        reception = domain.record_reception(tx, community, body, actor(ctx), utcnow())
        view = reception_view(reception, ctx.lang)
        view["earlier_visits"] = [reception_view(r, ctx.lang, with_visitor=False)
                                  for r in domain.earlier_visits(tx.session, reception)]
        return view
    return 201, write(ctx, work)


@staff_route("GET", "/receptions/{reception_id}", summary="一条接待记录 / A reception record")
def reception(ctx):
    community, reception_id = community_of(ctx), int_param(ctx, "reception_id")

    def work(session):
        row = domain.get_reception(session, reception_id, community)
        view = reception_view(row, ctx.lang)
        view["earlier_visits"] = [reception_view(r, ctx.lang, with_visitor=False)
                                  for r in domain.earlier_visits(session, row)]
        view["history"] = [activity_view(a) for a in
                           domain.history(session, community, "reception", row.id)]
        return view
    return 200, read(ctx, work)


@staff_route("PATCH", "/receptions/{reception_id}", body=schemas.ReceptionPatch,
             summary="更新接待结果 / Update a reception (e.g. pending -> solved)")
def update_reception(ctx, body):
    community, reception_id = community_of(ctx), int_param(ctx, "reception_id")
    return 200, write(ctx, lambda tx: reception_view(domain.update_reception(
        tx, community, reception_id, body, actor(ctx), utcnow()), ctx.lang))


@staff_route("GET", "/visitors", query=schemas.VisitorQuery, summary="来访者 / Visitors")
def visitors(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        visitor_view(v) for v in domain.search_visitors(s, community, phone=q["phone"],
                                                        name=q["name"])]})


@staff_route("GET", "/visitors/{visitor_id}",
             summary="来访者及其历次来访 / A visitor and all their visits")
def visitor(ctx):
    community, visitor_id = community_of(ctx), int_param(ctx, "visitor_id")

    def work(session):
        row = domain.get_visitor(session, visitor_id, community)
        return visitor_view(row, visits=sorted(row.receptions, key=lambda r: (
            as_utc(r.received_at), r.id), reverse=True), lang=ctx.lang)
    return 200, read(ctx, work)


# -- cases from intake ----------------------------------------------------------------------------

@staff_route("GET", "/cases", query=schemas.CaseQuery, summary="转来的案件 / Cases from intake")
def cases(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        case_view(c, ctx.lang) for c in domain.list_cases(s, community, status=q["status"])]})


@staff_route("GET", "/cases/{case_id}", summary="案件详情与经过 / A case and its history")
def case(ctx):
    community, case_id = community_of(ctx), int_param(ctx, "case_id")
    return 200, read(ctx, lambda s: case_view(domain.get_case(s, case_id, community), ctx.lang,
                                              session=s))


@staff_route("POST", "/cases/{case_id}/book", body=schemas.CaseBookIn,
             summary="为案件预约咨询日 / Book the case into a consultation day")
def book_case(ctx, body):
    community, case_id = community_of(ctx), int_param(ctx, "case_id")

    def work(tx):
        item, booking = domain.book_case(tx, community, case_id, body, actor(ctx), utcnow())
        return {"case": case_view(item, ctx.lang), "booking": booking_view(booking)}
    return 201, write(ctx, work)


@staff_route("POST", "/cases/{case_id}/notes", body=schemas.CaseNoteIn,
             summary="进展说明（告知受理窗口）/ A progress note (sent to intake)")
def note_case(ctx, body):
    community, case_id = community_of(ctx), int_param(ctx, "case_id")
    return 200, write(ctx, lambda tx: case_view(domain.note_case(
        tx, community, case_id, body["note"], actor(ctx), utcnow()), ctx.lang))


@staff_route("POST", "/cases/{case_id}/resolve", body=schemas.CaseResolveIn,
             summary="办结并回复 / Resolve the case and report the result")
def resolve_case(ctx, body):
    community, case_id = community_of(ctx), int_param(ctx, "case_id")
    return 200, write(ctx, lambda tx: case_view(domain.resolve_case(
        tx, community, case_id, body, actor(ctx), utcnow()), ctx.lang))


@staff_route("POST", "/cases/{case_id}/return", body=schemas.CaseNoteIn,
             summary="退回案件（说明原因与去处）/ Return the case with a note")
def return_case(ctx, body):
    community, case_id = community_of(ctx), int_param(ctx, "case_id")
    return 200, write(ctx, lambda tx: case_view(domain.return_case(
        tx, community, case_id, body["note"], actor(ctx), utcnow()), ctx.lang))


@staff_route("GET", "/activity", query=schemas.ActivityQuery,
             summary="操作记录 / Who changed what, when")
def activity(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        activity_view(a) for a in domain.history(s, community, q["entity"], q["entity_id"])]})


# -- figures --------------------------------------------------------------------------------------

@router.route("GET", "/figures", public=True, query=schemas.PeriodQuery,
              summary="工作数据（按法律领域、按月）/ The program's figures")
def figures(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: domain.figures(s, community, q["date_from"], q["date_to"],
                                                   lang=ctx.lang))
