"""The matchmaking studio's staff API, served by the gateway at /api/v1/programs/matchmaking/…

Who may do what:
* the public (no token): the reference lists and the figures (counts only, no one's data);
* the studio's staff (program_staff / handler of ``matchmaking``) and admins: everything else,
  members' data included, always of their own community. Other staff get 403.

ID numbers are masked everywhere except on a member's own record. Each route checks who is
asking, opens a session or a transaction, reads the clock once and hands the rules ``now``.
"""
from collections.abc import Callable
from typing import Any

from minzi.api import Context, DomainError, Response, Router, community_of, read, write
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.store import Transaction

from . import schemas
from .domain import cases, consultations, introductions, members, views
from .domain.access import STAFF_ROLES, require_operator
from .domain.figures import figures as studio_figures

router = Router()


# -- who is asking ---------------------------------------------------------------------------------

def staff_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A route for the studio's staff only."""
    def decorator(handler: Callable) -> Callable:
        def guarded(ctx: Context, *args: Any) -> Response:
            require_operator(ctx.staff)
            return handler(ctx, *args)
        guarded.__name__ = handler.__name__
        router.route(method, path, roles=STAFF_ROLES, **kwargs)(guarded)
        return handler
    return decorator


# -- reference lists -------------------------------------------------------------------------------

@router.route("GET", "/codes", public=True, summary="代码表 / Code lists")
def codes(ctx: Context) -> Response:
    return 200, views.codes(ctx.lang)


# -- members ---------------------------------------------------------------------------------------

@staff_route("GET", "/members", query=schemas.MemberQuery, summary="会员名单 / Members")
def list_members(ctx: Context) -> Response:
    community, q, today = community_of(ctx), ctx.query, local_date(utcnow())
    return 200, read(ctx, lambda s: {"items": [
        views.member_view(m, ctx.lang, today) for m in views.list_members(
            s, community, status=q["status"], gender=q["gender"], search=q["q"])]})


@staff_route("POST", "/members", body=schemas.MemberIn,
             summary="会员登记（待派出所核实）/ Register a member (to be verified)")
def register_member(ctx: Context, body: dict) -> Response:
    community = community_of(ctx)
    named = body.pop("community", None)
    if named and named != community:
        raise DomainError("other_community", "只能登记本社区的会员",
                          "Staff register members of their own community",
                          field="community", status=422)
    now = utcnow()
    return 201, write(ctx, lambda tx: views.member_view(
        members.register_member(tx, community, body, ctx.actor, now), ctx.lang,
        local_date(now), full_id=True))


@staff_route("GET", "/members/{member_id:int}",
             summary="会员档案（含核实、介绍、咨询、操作记录）/ A member's record")
def member(ctx: Context) -> Response:
    community, member_id, today = community_of(ctx), ctx.params["member_id"], local_date(utcnow())
    return 200, read(ctx, lambda s: views.member_record(s, community, member_id, ctx.lang, today))


@staff_route("PATCH", "/members/{member_id:int}", body=schemas.MemberPatch,
             summary="修改会员资料（改身份信息须重新核实）/ Update a member")
def update_member(ctx: Context, body: dict) -> Response:
    community, member_id, now = community_of(ctx), ctx.params["member_id"], utcnow()
    return 200, write(ctx, lambda tx: views.member_view(members.update_member(
        tx, community, member_id, body, ctx.actor, now), ctx.lang, local_date(now),
        full_id=True))


@staff_route("POST", "/members/{member_id:int}/verifications", body=schemas.VerificationIn,
             summary="登记派出所核实结果 / Record the police station's verification")
def verify_member(ctx: Context, body: dict) -> Response:
    community, member_id, now = community_of(ctx), ctx.params["member_id"], utcnow()

    def work(tx: Transaction) -> dict:
        item, verification = members.record_verification(tx, community, member_id, body,
                                                         ctx.actor, now)
        return {"member": views.member_view(item, ctx.lang, local_date(now)),
                "verification": views.verification_view(verification, ctx.lang)}
    return 201, write(ctx, work)


@staff_route("POST", "/members/{member_id:int}/withdraw", body=schemas.Reason,
             summary="会员退出 / A member withdraws")
def withdraw_member(ctx: Context, body: dict) -> Response:
    community, member_id, now = community_of(ctx), ctx.params["member_id"], utcnow()
    return 200, write(ctx, lambda tx: views.member_view(members.withdraw_member(
        tx, community, member_id, body["reason"], ctx.actor, now), ctx.lang, local_date(now)))


@staff_route("GET", "/members/{member_id:int}/candidates", query=schemas.CandidateQuery,
             summary="可介绍的对象（仅已核实会员）/ Whom a member could be introduced to")
def candidates(ctx: Context) -> Response:
    community, member_id, q, now = community_of(ctx), ctx.params["member_id"], ctx.query, utcnow()
    return 200, read(ctx, lambda s: {"items": [
        views.profile_view(m, ctx.lang, local_date(now)) for m in views.candidates(
            s, community, member_id, now, age_from=q["age_from"], age_to=q["age_to"])]})


# -- phone consultations ---------------------------------------------------------------------------

@staff_route("GET", "/consultations", query=schemas.ConsultationQuery,
             summary="电话咨询记录 / Phone consultations")
def list_consultations(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.consultation_view(c, ctx.lang) for c in views.list_consultations(
            s, community, day_from=q["date_from"], day_to=q["date_to"],
            member_id=q["member_id"])]})


@staff_route("POST", "/consultations", body=schemas.ConsultationIn,
             summary="记录一次电话咨询 / Log a phone consultation")
def log_consultation(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.consultation_view(
        consultations.log_consultation(tx, community, body, ctx.actor, now), ctx.lang))


# -- introductions ---------------------------------------------------------------------------------

@staff_route("GET", "/introductions", query=schemas.IntroductionQuery,
             summary="牵线介绍 / Introductions")
def list_introductions(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.introduction_view(i, ctx.lang) for i in views.list_introductions(
            s, community, outcome=q["outcome"], member_id=q["member_id"])]})


@staff_route("POST", "/introductions", body=schemas.IntroductionIn,
             summary="介绍两位已核实的会员认识 / Introduce two verified members")
def introduce(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.introduction_view(
        introductions.introduce(tx, community, body, ctx.actor, now), ctx.lang))


@staff_route("GET", "/introductions/{introduction_id:int}", summary="一次介绍 / An introduction")
def introduction(ctx: Context) -> Response:
    community, intro_id = community_of(ctx), ctx.params["introduction_id"]
    return 200, read(ctx, lambda s: views.introduction_view(
        introductions.get_introduction(s, intro_id, community), ctx.lang))


@staff_route("POST", "/introductions/{introduction_id:int}/outcome", body=schemas.OutcomeIn,
             summary="记录介绍的进展（见面、交往、结婚、结束）/ Record how it went")
def set_outcome(ctx: Context, body: dict) -> Response:
    community, intro_id, now = community_of(ctx), ctx.params["introduction_id"], utcnow()
    return 200, write(ctx, lambda tx: views.introduction_view(introductions.set_outcome(
        tx, community, intro_id, body, ctx.actor, now), ctx.lang))


# -- figures and the record ------------------------------------------------------------------------

@router.route("GET", "/figures", public=True, query=schemas.PeriodQuery,
              summary="工作数据（按月）/ The studio's figures, by month")
def figures(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: studio_figures(s, community, q["date_from"], q["date_to"],
                                                   lang=ctx.lang))


@staff_route("GET", "/activity", query=schemas.ActivityQuery,
             summary="操作记录 / Who changed what, when")
def activity(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.activity_view(a) for a in views.history(s, community, q["entity"],
                                                      q["entity_id"])]})


# -- cases from intake -----------------------------------------------------------------------------

@staff_route("GET", "/cases", query=schemas.CaseQuery, summary="收到的诉求 / Cases received")
def list_cases(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: [views.case_view(c) for c in
                                     views.list_cases(s, community, state=ctx.query["state"])])


@staff_route("GET", "/cases/{case_id:int}", summary="一件诉求 / One case")
def get_case(ctx: Context) -> Response:
    community, case_id = community_of(ctx), ctx.params["case_id"]
    return 200, read(ctx, lambda s: views.case_record(s, community, case_id))


def _finish(ctx: Context, resolved: bool, text: str, reply: str | None = None) -> Response:
    community, case_id, now = community_of(ctx), ctx.params["case_id"], utcnow()
    return 200, write(ctx, lambda tx: views.case_view(cases.finish(
        tx, community, case_id, ctx.actor, now, resolved=resolved, text=text, reply=reply)))


@staff_route("POST", "/cases/{case_id:int}/resolve", body=schemas.ResolveIn,
             summary="办结并答复 / Resolve, with the answer for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    return _finish(ctx, True, body["result"], body.get("reply"))


@staff_route("POST", "/cases/{case_id:int}/return", body=schemas.ReturnIn,
             summary="退回（说明原因）/ Return, saying why")
def return_case(ctx: Context, body: dict) -> Response:
    return _finish(ctx, False, body["note"])
