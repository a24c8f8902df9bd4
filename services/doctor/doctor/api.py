"""片儿医's staff API, served by the gateway at /api/v1/programs/doctor/…

Who may do what (``domain/access.py``, and the route matrix in tests/test_route_matrix.py):
* the public (no login): the doctor's card — name, phone, pledge, clinic days to come;
* a registered doctor (a ``program_staff`` / ``handler`` account of ``doctor`` on the program's
  list of doctors): health records (consent, readings, notes, withdrawal), the readings taken at
  a clinic, and the house calls' medical work (accept, visit, resolve, return);
* the program's other staff (a clerk): clinic days, sign-ups and attendance, the house calls'
  list and requests — names and sign-ups, never conditions, readings or notes;
* an admin of the community, and the program's staff: the list of doctors, the figures;
* every other role: 403; another community's records are not found (404).

Each route checks who is asking, reads the clock once and hands the rules ``now``. Nothing here
logs: medical data never reaches a log.
"""
from collections.abc import Callable
from typing import Any

from minzi.api import Context, Response, Router, community_of, read, write
from minzi.envelope import utcnow

from . import schemas
from .domain import cases, clinics, doctors, records, views
from .domain.access import (
    MANAGER_ROLES,
    OPERATOR_ROLES,
    is_doctor,
    require_admin,
    require_doctor,
    require_manager,
    require_program_staff,
)
from .domain.figures import figures as doctor_figures

router = Router()


def _guarded(method: str, path: str, check: Callable, roles: tuple, **kwargs: Any) -> Callable:
    def decorator(handler: Callable) -> Callable:
        def guarded(ctx: Context, *args: Any) -> Response:
            check(ctx.staff)
            return handler(ctx, *args)
        guarded.__name__ = handler.__name__
        router.route(method, path, roles=roles, **kwargs)(guarded)
        return handler
    return decorator


def staff_route(method: str, path: str, **kwargs: Any) -> Callable:
    """The program's own staff: doctors and clerks. A doctor's route checks the list of
    doctors inside its session as well (``require_doctor``)."""
    return _guarded(method, path, require_program_staff, OPERATOR_ROLES, **kwargs)


def manager_route(method: str, path: str, **kwargs: Any) -> Callable:
    """The program's staff or an admin of the community."""
    return _guarded(method, path, require_manager, MANAGER_ROLES, **kwargs)


def admin_route(method: str, path: str, **kwargs: Any) -> Callable:
    """An admin of the community only."""
    return _guarded(method, path, require_admin, ("admin",), **kwargs)


def doctor_read(ctx: Context, work: Callable) -> Any:
    """``work(session)`` for a registered doctor only."""
    def checked(session):
        require_doctor(session, ctx.staff)
        return work(session)
    return read(ctx, checked)


def doctor_write(ctx: Context, work: Callable) -> Any:
    """``work(tx)`` for a registered doctor only, in one transaction."""
    def checked(tx):
        require_doctor(tx.session, ctx.staff)
        return work(tx)
    return write(ctx, checked)


# -- the list of doctors, and the public card ---------------------------------------------------

@manager_route("GET", "/doctors", summary="片儿医名单 / The doctors")
def list_doctors(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [views.doctor_view(d)
                                               for d in doctors.list_doctors(s, community)]})


@admin_route("POST", "/doctors", body=schemas.DoctorIn,
               summary="登记片儿医（工作人员账号、电话、服务承诺）/ Register a doctor")
def register_doctor(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.doctor_view(
        doctors.register(tx, community, body, ctx.staff, now)))


@admin_route("POST", "/doctors/{doctor_id:int}", body=schemas.DoctorUpdate,
               summary="修改公示信息或停用 / Change the card, or take off the list")
def update_doctor(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, write(ctx, lambda tx: views.doctor_view(
        doctors.update(tx, community, ctx.params["doctor_id"], body, ctx.staff, now)))


@router.route("GET", "/card", public=True,
              summary="片儿医公示卡：姓名、电话、服务承诺、近期义诊 / The doctor's card")
def card(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: views.card(s, community, ctx.lang, now))


# -- health records (a registered doctor only) --------------------------------------------------

@staff_route("GET", "/records", query=schemas.RecordQuery,
             summary="健康档案（仅医生）/ Health records (doctors only)")
def list_records(ctx: Context) -> Response:
    community, now, q = community_of(ctx), utcnow(), ctx.query
    return 200, doctor_read(ctx, lambda s: {"items": [
        views.record_summary(r, ctx.lang, now)
        for r in records.list_records(s, community, name=q["name"], state=q["state"])]})


@staff_route("POST", "/records", body=schemas.RecordIn,
             summary="经居民同意建立健康档案 / Open a record, with the resident's consent")
def open_record(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, doctor_write(ctx, lambda tx: views.record_view(
        tx.session, records.open_record(tx, community, body, ctx.staff, now), ctx.lang, now))


@staff_route("GET", "/records/{record_id:int}", summary="一份健康档案（仅医生）/ A record")
def record(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, doctor_read(ctx, lambda s: views.record_view(
        s, records.get_record(s, ctx.params["record_id"], community), ctx.lang, now))


def _record_write(ctx: Context, rule: Callable) -> Response:
    """``rule(tx, record, now)`` on an open record of the community; answers the record."""
    community, now = community_of(ctx), utcnow()

    def work(tx):
        health = records.get_record(tx.session, ctx.params["record_id"], community)
        rule(tx, health, now)
        return views.record_view(tx.session, health, ctx.lang, now)
    return doctor_write(ctx, work)


@staff_route("POST", "/records/{record_id:int}/details", body=schemas.RecordUpdate,
             summary="修改电话、住址、慢性病、过敏史 / Update details, conditions, allergies")
def update_record(ctx: Context, body: dict) -> Response:
    return 200, _record_write(ctx, lambda tx, health, now: records.update_details(
        tx, health.community, health.id, body, ctx.staff, now))


@staff_route("POST", "/records/{record_id:int}/readings", body=schemas.ReadingIn,
             summary="记录血压或血糖 / Record a blood-pressure or glucose reading")
def add_reading(ctx: Context, body: dict) -> Response:
    return 201, _record_write(ctx, lambda tx, health, now: records.add_reading(
        tx.session, health, body, ctx.staff, now))


@staff_route("POST", "/records/{record_id:int}/notes", body=schemas.NoteIn,
             summary="记录诊疗情况 / Record a visit note")
def add_note(ctx: Context, body: dict) -> Response:
    return 201, _record_write(ctx, lambda tx, health, now: records.add_note(
        tx.session, health, body, ctx.staff, now))


@staff_route("POST", "/records/{record_id:int}/withdrawal", body=schemas.WithdrawalIn,
             summary="居民撤回同意：档案封存 / Consent withdrawn: the record is closed")
def withdraw(ctx: Context, body: dict) -> Response:
    return 200, _record_write(ctx, lambda tx, health, now: records.withdraw(
        tx, health.community, health.id, body, ctx.staff, now))


# -- free clinic days -----------------------------------------------------------------------------

@staff_route("GET", "/clinics", summary="义诊 / Free clinic days")
def list_clinics(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: {"items": [views.clinic_view(s, c, ctx.lang, now)
                                               for c in clinics.list_clinics(s, community)]})


@staff_route("POST", "/clinics", body=schemas.ClinicIn,
             summary="安排义诊（日期、地点、名额、项目）/ Plan a free clinic day")
def plan_clinic(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.clinic_view(
        tx.session, clinics.plan(tx, community, body, ctx.staff, now), ctx.lang, now,
        with_sign_ups=True))


@staff_route("GET", "/clinics/{clinic_id:int}", summary="一次义诊：报名和到场 / A clinic")
def clinic(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: views.clinic_view(
        s, clinics.get_clinic(s, ctx.params["clinic_id"], community), ctx.lang, now,
        with_sign_ups=True))


@staff_route("POST", "/clinics/{clinic_id:int}/sign-ups", body=schemas.SignUpIn,
             summary="居民报名（每次一人一次，名额有限）/ Sign a resident up")
def sign_up(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.sign_up_view(
        clinics.sign_up(tx, community, ctx.params["clinic_id"], body, ctx.staff, now)))


@staff_route("POST", "/clinics/{clinic_id:int}/sign-ups/{sign_up_id:int}/attendance",
             body=schemas.AttendanceIn, summary="登记到场 / Record attendance")
def attendance(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, write(ctx, lambda tx: views.sign_up_view(clinics.record_attendance(
        tx, community, ctx.params["clinic_id"], ctx.params["sign_up_id"], body, ctx.staff,
        now)))


@staff_route("POST", "/clinics/{clinic_id:int}/readings", body=schemas.ClinicReadingIn,
             summary="义诊测量结果记入健康档案（仅医生）/ A clinic's reading into a record")
def clinic_reading(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()

    def work(tx):
        health, reading = clinics.take_reading(tx, community, ctx.params["clinic_id"], body,
                                               ctx.staff, now)
        return {"record_id": health.id, "reading": views.reading_view(reading, ctx.lang)}
    return 201, doctor_write(ctx, work)


# -- house calls and consultations from intake -------------------------------------------------

def _case(ctx: Context, session, case) -> dict:
    return views.case_view(case, ctx.lang, medical=is_doctor(session, ctx.staff))


@staff_route("GET", "/cases", query=schemas.CaseQuery,
             summary="上门出诊和健康咨询 / House calls and consultations")
def list_cases(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [
        _case(ctx, s, c) for c in cases.list_cases(s, community, state=ctx.query["state"])]})


@staff_route("GET", "/cases/{case_id:int}", summary="一件诉求 / One case")
def get_case(ctx: Context) -> Response:
    return 200, read(ctx, lambda s: _case(ctx, s, cases.get_case(s, ctx.params["case_id"],
                                                                 ctx.staff)))


@staff_route("POST", "/cases/{case_id:int}/acceptance", body=schemas.EmptyIn,
             summary="医生接诊 / A doctor accepts the case")
def accept(ctx: Context, body: dict) -> Response:
    now = utcnow()
    return 200, doctor_write(ctx, lambda tx: _case(ctx, tx.session, cases.accept(
        tx.session, ctx.params["case_id"], ctx.staff, now)))


@staff_route("POST", "/cases/{case_id:int}/visit", body=schemas.VisitIn,
             summary="出诊/咨询记录（居民同意时记入档案）/ The visit, into the record")
def visit(ctx: Context, body: dict) -> Response:
    now = utcnow()
    return 200, doctor_write(ctx, lambda tx: _case(ctx, tx.session, cases.visit(
        tx.session, ctx.params["case_id"], body, ctx.staff, now)))


def _finish(ctx: Context, body: dict, resolved: bool) -> Response:
    now = utcnow()

    def work(tx) -> dict:
        report = cases.finish(tx.session, ctx.params["case_id"], body, ctx.staff, now,
                              resolved=resolved)
        case = cases.get_case(tx.session, ctx.params["case_id"], ctx.staff)
        tx.publish("case.reported", report, community=case.community)
        return _case(ctx, tx.session, case)
    return 200, doctor_write(ctx, work)


@staff_route("POST", "/cases/{case_id:int}/resolve", body=schemas.ResolveIn,
             summary="办结并答复居民 / Resolve, with the reply for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    return _finish(ctx, body, True)


@staff_route("POST", "/cases/{case_id:int}/return", body=schemas.ReturnIn,
             summary="退回（说明原因和去处，如急症请拨120）/ Return, saying why and where")
def return_case(ctx: Context, body: dict) -> Response:
    return _finish(ctx, body, False)


# -- figures --------------------------------------------------------------------------------------

@manager_route("GET", "/figures",
               summary="数据：档案、义诊、上门出诊 / Figures: records, clinics, house calls")
def figures(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: doctor_figures(s, community, now))
