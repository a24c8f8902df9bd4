"""The job fair's staff API, served by the gateway at /api/v1/programs/job_fair/…

Who may do what (``domain/access.py``):
* the public (no token): the fairs, each fair's open positions of verified employers, its figures;
* the fair's own staff (program_staff / handler of ``job_fair``): everything, applicants'
  personal data in full; they act for employers (positions, interviews, hires), on the record;
* an admin of the community: reads what the staff read, applicants' personal data masked.
Every other caller gets 403; another community's records are not found (404).

Each route checks who is asking, reads the clock once and hands the rules ``now``.
"""
import base64
from collections.abc import Callable
from typing import Any

from minzi.api import Context, Response, Router, community_of, read, write
from minzi.envelope import utcnow
from minzi.store import Transaction

from . import schemas
from .domain import applicants, applications, cases, employers, fairs, matching, positions, views
from .domain.access import (
    OPERATOR_ROLES,
    READER_ROLES,
    is_operator,
    require_operator,
    require_reader,
)
from .domain.export import fair_workbook
from .domain.figures import figures as fair_figures

router = Router()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def staff_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A route that changes something: the fair's own staff only."""
    def decorator(handler: Callable) -> Callable:
        def guarded(ctx: Context, *args: Any) -> Response:
            require_operator(ctx.staff)
            return handler(ctx, *args)
        guarded.__name__ = handler.__name__
        router.route(method, path, roles=OPERATOR_ROLES, **kwargs)(guarded)
        return handler
    return decorator


def reader_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A read for the fair's staff and admins (admins see personal data masked)."""
    def decorator(handler: Callable) -> Callable:
        def guarded(ctx: Context, *args: Any) -> Response:
            require_reader(ctx.staff)
            return handler(ctx, *args)
        guarded.__name__ = handler.__name__
        router.route(method, path, roles=READER_ROLES, **kwargs)(guarded)
        return handler
    return decorator


# -- employers -------------------------------------------------------------------------------------

@reader_route("GET", "/employers", query=schemas.EmployerQuery, summary="用人单位 / Employers")
def list_employers(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: {"items": [
        views.employer_view(e, ctx.lang, now)
        for e in views.list_employers(s, community, ctx.query["status"])]})


@staff_route("POST", "/employers", body=schemas.EmployerIn,
             summary="登记用人单位（待审核营业执照）/ Register an employer (to be verified)")
def register_employer(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.employer_view(
        employers.register_employer(tx, community, body, ctx.actor, now), ctx.lang, now))


@reader_route("GET", "/employers/{employer_id:int}", summary="一家用人单位 / An employer")
def employer(ctx: Context) -> Response:
    community, employer_id, now = community_of(ctx), ctx.params["employer_id"], utcnow()
    return 200, read(ctx, lambda s: {
        **views.employer_view(employers.get_employer(s, employer_id, community), ctx.lang, now),
        "history": views.history(s, community, "employer", employer_id)})


@staff_route("POST", "/employers/{employer_id:int}/verification", body=schemas.VerificationIn,
             summary="审核营业执照（通过，或写明原因不通过）/ Verify or reject an employer")
def verify_employer(ctx: Context, body: dict) -> Response:
    community, employer_id, now = community_of(ctx), ctx.params["employer_id"], utcnow()
    return 200, write(ctx, lambda tx: views.employer_view(employers.verify_employer(
        tx, community, employer_id, body, ctx.actor, now), ctx.lang, now))


@staff_route("GET", "/employers/{employer_id:int}/applications",
             summary="交给用人单位的求职申请（含完整信息）/ Applications for the employer")
def employer_applications(ctx: Context) -> Response:
    community, employer_id = community_of(ctx), ctx.params["employer_id"]
    return 200, read(ctx, lambda s: {"items": views.employer_applications(
        s, employers.get_employer(s, employer_id, community), ctx.lang)})


# -- fairs and positions ---------------------------------------------------------------------------

@router.route("GET", "/fairs", public=True, summary="招聘会 / Job fairs")
def list_fairs(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [views.fair_view(f)
                                               for f in views.list_fairs(s, community)]})


@staff_route("POST", "/fairs", body=schemas.FairIn,
             summary="筹办一场招聘会 / Plan a job fair")
def plan_fair(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.fair_view(
        fairs.plan_fair(tx, community, body, ctx.actor, now)))


@router.route("GET", "/fairs/{fair_id:int}", public=True, summary="一场招聘会 / A job fair")
def fair(ctx: Context) -> Response:
    community, fair_id = community_of(ctx), ctx.params["fair_id"]
    return 200, read(ctx, lambda s: views.fair_view(fairs.get_fair(s, fair_id, community)))


@staff_route("POST", "/fairs/{fair_id:int}/invitations", body=schemas.InvitationIn,
             summary="邀请已审核的用人单位参会 / Invite a verified employer")
def invite(ctx: Context, body: dict) -> Response:
    community, fair_id, now = community_of(ctx), ctx.params["fair_id"], utcnow()

    def work(tx: Transaction) -> dict:
        invitation = fairs.invite(tx, community, fair_id, body["employer_id"], ctx.actor, now)
        return {"fair_id": invitation.fair_id, "employer_id": invitation.employer_id,
                "invited_by": invitation.invited_by}
    return 201, write(ctx, work)


@router.route("GET", "/fairs/{fair_id:int}/positions", public=True,
              summary="招聘会的岗位 / A fair's positions")
def list_positions(ctx: Context) -> Response:
    community, fair_id, now = community_of(ctx), ctx.params["fair_id"], utcnow()
    public = not (is_operator(ctx.staff) and ctx.staff.get("community") == community)
    return 200, read(ctx, lambda s: {"items": [
        views.position_view(p, e, ctx.lang) for p, e in views.list_positions(
            s, fairs.get_fair(s, fair_id, community), now, public=public)]})


@staff_route("POST", "/fairs/{fair_id:int}/positions", body=schemas.PositionIn,
             summary="代用人单位发布岗位 / Post a position for an employer")
def post_position(ctx: Context, body: dict) -> Response:
    community, fair_id, now = community_of(ctx), ctx.params["fair_id"], utcnow()

    def work(tx: Transaction) -> dict:
        position = positions.post_position(tx, community, fair_id, body, ctx.actor, now)
        return views.position_view(position, employers.get_employer(
            tx.session, position.employer_id, community), ctx.lang)
    return 201, write(ctx, work)


@staff_route("POST", "/fairs/{fair_id:int}/check-ins", body=schemas.CheckInIn,
             summary="凭登记码签到 / Check an applicant in by registration code")
def check_in(ctx: Context, body: dict) -> Response:
    community, fair_id, now = community_of(ctx), ctx.params["fair_id"], utcnow()

    def work(tx: Transaction) -> dict:
        entry = applications.check_in(tx, community, fair_id, body["registration_code"].upper(),
                                      ctx.actor, now)
        return views.check_in_view(entry, applicants.get_applicant(
            tx.session, entry.applicant_id, community))
    return 201, write(ctx, work)


@router.route("GET", "/fairs/{fair_id:int}/figures", public=True,
              summary="招聘会数据 / A fair's figures")
def figures(ctx: Context) -> Response:
    community, fair_id = community_of(ctx), ctx.params["fair_id"]
    return 200, read(ctx, lambda s: fair_figures(s, fairs.get_fair(s, fair_id, community),
                                                 ctx.lang))


@reader_route("GET", "/fairs/{fair_id:int}/applicants",
              summary="招聘会求职者名单 / A fair's applicant list")
def fair_applicants(ctx: Context) -> Response:
    community, fair_id, full = community_of(ctx), ctx.params["fair_id"], is_operator(ctx.staff)
    return 200, read(ctx, lambda s: {"items": [
        {**views.applicant_view(a, ctx.lang, full=full), "checked_in": arrived,
         "applications": [{**views.application_view(app, ctx.lang), "position": p.title,
                           "employer": e.name} for app, p, e in applied]}
        for a, applied, arrived in views.fair_applicants(
            s, fairs.get_fair(s, fair_id, community))]})


@reader_route("GET", "/fairs/{fair_id:int}/export",
              summary="导出数据和求职者名单（xlsx，base64）/ Export figures and applicants (xlsx)")
def export(ctx: Context) -> Response:
    community, fair_id, full = community_of(ctx), ctx.params["fair_id"], is_operator(ctx.staff)

    def work(s) -> dict:
        found = fairs.get_fair(s, fair_id, community)
        content = fair_workbook(s, found, ctx.lang, full=full)
        return {"filename": f"job-fair-{found.id}-{found.day.isoformat()}.xlsx",
                "content_type": XLSX, "content_base64": base64.b64encode(content).decode()}
    return 200, read(ctx, work)


# -- applicants and applications ------------------------------------------------------------------

@reader_route("GET", "/applicants", summary="求职者 / Applicants")
def list_applicants(ctx: Context) -> Response:
    community, full = community_of(ctx), is_operator(ctx.staff)
    return 200, read(ctx, lambda s: {"items": [views.applicant_view(a, ctx.lang, full=full)
                                               for a in views.list_applicants(s, community)]})


@staff_route("POST", "/applicants", body=schemas.ApplicantIn,
             summary="登记求职者（须本人同意保存信息）/ Register an applicant (with consent)")
def register_applicant(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.applicant_view(
        applicants.register_applicant(tx, community, body, ctx.actor, now), ctx.lang,
        full=True))


@reader_route("GET", "/applicants/{applicant_id:int}", summary="一位求职者 / An applicant")
def applicant(ctx: Context) -> Response:
    community, applicant_id, full = community_of(ctx), ctx.params["applicant_id"], \
        is_operator(ctx.staff)
    return 200, read(ctx, lambda s: views.applicant_view(
        applicants.get_applicant(s, applicant_id, community), ctx.lang, full=full))


@reader_route("GET", "/applicants/{applicant_id:int}/matches/{fair_id:int}",
              summary="为求职者匹配岗位（附理由）/ Positions matched to an applicant, with reasons")
def matches(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    applicant_id, fair_id = ctx.params["applicant_id"], ctx.params["fair_id"]

    def work(s) -> dict:
        found = applicants.get_applicant(s, applicant_id, community)
        fairs.get_fair(s, fair_id, community)
        return {"applicant_id": found.id, "fair_id": fair_id,
                "items": matching.match(s, found, fair_id, now, ctx.lang)}
    return 200, read(ctx, work)


@staff_route("POST", "/applications", body=schemas.ApplicationIn,
             summary="求职者申请岗位（每个岗位一次）/ Apply to a position (once)")
def apply(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.application_view(applications.apply(
        tx, community, body["applicant_id"], body["position_id"], ctx.actor, now), ctx.lang))


@staff_route("POST", "/applications/{application_id:int}/withdraw", body=schemas.WithdrawIn,
             summary="撤回申请（求职者或用人单位）/ Withdraw an application")
def withdraw(ctx: Context, body: dict) -> Response:
    community, application_id, now = community_of(ctx), ctx.params["application_id"], utcnow()
    return 200, write(ctx, lambda tx: views.application_view(applications.withdraw(
        tx, community, application_id, body["by"], body["note"], ctx.actor, now), ctx.lang))


@staff_route("POST", "/applications/{application_id:int}/interview", body=schemas.NoteIn,
             summary="代用人单位记录面试 / Record an interview for the employer")
def interview(ctx: Context, body: dict) -> Response:
    community, application_id, now = community_of(ctx), ctx.params["application_id"], utcnow()
    return 200, write(ctx, lambda tx: views.application_view(applications.record_interview(
        tx, community, application_id, body["note"], ctx.actor, now), ctx.lang))


@staff_route("POST", "/applications/{application_id:int}/decision", body=schemas.DecisionIn,
             summary="代用人单位记录是否录用 / Record the employer's hiring decision")
def decision(ctx: Context, body: dict) -> Response:
    community, application_id, now = community_of(ctx), ctx.params["application_id"], utcnow()
    return 200, write(ctx, lambda tx: views.application_view(applications.decide(
        tx, community, application_id, body["hired"], body["note"], ctx.actor, now), ctx.lang))


@reader_route("GET", "/activity", query=schemas.ActivityQuery,
              summary="操作记录 / Who changed what, when")
def activity(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": views.history(s, community, q["entity"],
                                                            q["entity_id"])})


# -- cases from intake -----------------------------------------------------------------------------

@staff_route("GET", "/cases", summary="收到的诉求 / Cases received")
def list_cases(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: views.list_cases(s, community))


@staff_route("GET", "/cases/{case_id:int}", summary="一件诉求 / One case")
def get_case(ctx: Context) -> Response:
    return 200, read(ctx, lambda s: views.case_view(
        cases.get_case(s, ctx.params["case_id"], ctx.staff)))


def _finish(ctx: Context, resolved: bool, text: str, reply: str | None = None) -> Response:
    now = utcnow()

    def work(tx: Transaction) -> dict:
        case = cases.get_case(tx.session, ctx.params["case_id"], ctx.staff)
        report = cases.finish(case, ctx.staff, now, resolved=resolved, text=text, reply=reply)
        tx.publish("case.reported", report, community=case.community)
        return views.case_view(case)
    return 200, write(ctx, work)


@staff_route("POST", "/cases/{case_id:int}/resolve", body=schemas.ResolveIn,
             summary="办结并答复 / Resolve, with the answer for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    return _finish(ctx, True, body["result"], body.get("reply"))


@staff_route("POST", "/cases/{case_id:int}/return", body=schemas.ReturnIn,
             summary="退回（说明原因）/ Return, saying why")
def return_case(ctx: Context, body: dict) -> Response:
    return _finish(ctx, False, body["note"])
