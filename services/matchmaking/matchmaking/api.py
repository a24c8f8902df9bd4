"""The matchmaking studio's staff API, served by the gateway at /api/v1/programs/matchmaking/…

Who may do what:
* the public (no token): the reference lists and the figures (counts only, no one's data);
* the studio's staff (program_staff / handler of ``matchmaking``) and admins: everything else,
  members' data included, always of their own community. Other staff get 403.

ID numbers are masked everywhere except on a member's own record.
"""
from sqlalchemy.exc import IntegrityError

from minzi.api import Conflict, DomainError, NotFound, Router
from minzi.db import as_utc
from minzi.envelope import isoformat, utcnow

from . import domain, schemas
from .domain import (
    EDUCATION,
    GENDERS,
    MEMBER_STATUSES,
    OUTCOMES,
    TOPICS,
    VERIFICATION_RESULTS,
    label,
)

router = Router()

OPERATOR_ROLES = ("program_staff", "handler", "admin")


# -- who is asking ---------------------------------------------------------------------------------

def community_of(ctx):
    """Staff work in their own community; the public names one, or gets the first community the
    program serves."""
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
    staff = ctx.staff or {}
    return {"id": staff.get("id"),
            "name": staff.get("name") or staff.get("username") or str(staff.get("id"))}


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
        raise Conflict("conflict", "刚刚有人同时修改了同一记录，请刷新后重试",
                       "Someone changed the same record at the same moment; refresh and try "
                       "again") from None


def read(ctx, work):
    with ctx.service.store.session() as session:
        return work(session)


def staff_route(method, path, **kwargs):
    """A route for the studio's staff only."""
    def decorator(handler):
        def guarded(ctx, *args):
            domain.require_operator(ctx.staff)
            return handler(ctx, *args)
        guarded.__name__ = handler.__name__
        router.route(method, path, roles=OPERATOR_ROLES, **kwargs)(guarded)
        return handler
    return decorator


# -- views -----------------------------------------------------------------------------------------

def _ts(moment):
    return isoformat(as_utc(moment)) if moment else None


def member_view(member, lang, *, full_id=False):
    today = domain.local_date(utcnow())
    return {"id": member.id, "community": member.community, "name": member.name,
            "gender": member.gender, "gender_name": label(GENDERS, member.gender, lang),
            "birth_date": member.birth_date.isoformat(),
            "age": domain.age_on(member.birth_date, today), "phone": member.phone,
            "id_number": member.id_number if full_id else domain.mask_id_number(member.id_number),
            "education": member.education,
            "education_name": label(EDUCATION, member.education, lang)
            if member.education else None,
            "occupation": member.occupation, "introduction": member.introduction,
            "looking_for": member.looking_for, "status": member.status,
            "status_name": label(MEMBER_STATUSES, member.status, lang),
            "visible_to_others": member.status == "verified",
            "verified_at": _ts(member.verified_at), "withdrawn_reason": member.withdrawn_reason,
            "registered_at": _ts(member.registered_at), "created_at": _ts(member.created_at),
            "created_by": member.created_by, "updated_at": _ts(member.updated_at),
            "updated_by": member.updated_by}


def profile_view(member, lang):
    """What the studio may show one member about another: no phone, no ID number, no birth date."""
    today = domain.local_date(utcnow())
    return {"id": member.id, "name": member.name, "gender": member.gender,
            "gender_name": label(GENDERS, member.gender, lang),
            "age": domain.age_on(member.birth_date, today),
            "education": member.education,
            "education_name": label(EDUCATION, member.education, lang)
            if member.education else None,
            "occupation": member.occupation, "introduction": member.introduction,
            "looking_for": member.looking_for}


def verification_view(verification, lang):
    return {"id": verification.id, "member_id": verification.member_id,
            "result": verification.result,
            "result_name": label(VERIFICATION_RESULTS, verification.result, lang),
            "police_station": verification.police_station, "officer": verification.officer,
            "reason": verification.reason, "checked_at": _ts(verification.checked_at),
            "recorded_at": _ts(verification.recorded_at),
            "recorded_by": verification.recorded_by}


def consultation_view(consultation, lang):
    return {"id": consultation.id, "community": consultation.community,
            "caller_name": consultation.caller_name, "phone": consultation.phone,
            "member_id": consultation.member_id, "topic": consultation.topic,
            "topic_name": label(TOPICS, consultation.topic, lang), "notes": consultation.notes,
            "staff_name": consultation.staff_name, "called_at": _ts(consultation.called_at),
            "created_at": _ts(consultation.created_at), "created_by": consultation.created_by}


def _side(member):
    return {"id": member.id, "name": member.name, "gender": member.gender}


def introduction_view(intro, lang):
    return {"id": intro.id, "community": intro.community,
            "first_member": _side(intro.first_member),
            "second_member": _side(intro.second_member),
            "introduced_at": _ts(intro.introduced_at), "introduced_by": intro.introduced_by,
            "note": intro.note, "outcome": intro.outcome,
            "outcome_name": label(OUTCOMES, intro.outcome, lang),
            "outcome_at": _ts(intro.outcome_at), "open": intro.open_pair is not None,
            "history": [{"outcome": step.outcome, "outcome_name": label(OUTCOMES, step.outcome,
                                                                        lang),
                         "at": _ts(step.at), "note": step.note,
                         "recorded_at": _ts(step.recorded_at),
                         "recorded_by": step.recorded_by} for step in intro.steps],
            "updated_at": _ts(intro.updated_at), "updated_by": intro.updated_by}


def case_view(case, lang):
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code, "state": case.state,
            "description": case.description, "resident": case.resident,
            "attributes": case.attributes, "chases": case.chases, "result": case.result,
            "handled_by": case.handled_by, "received_at": _ts(case.received_at),
            "updated_at": _ts(case.updated_at)}


def activity_view(row):
    return {"at": _ts(row.at), "actor": row.actor, "actor_id": row.actor_id,
            "entity": row.entity, "entity_id": row.entity_id, "action": row.action,
            "detail": row.detail}


def _codes(table, lang):
    return [{"code": code, "name": label(table, code, lang)} for code in table]


# -- reference lists -------------------------------------------------------------------------------

@router.route("GET", "/codes", public=True, summary="代码表 / Code lists")
def codes(ctx):
    return 200, {"genders": _codes(GENDERS, ctx.lang), "education": _codes(EDUCATION, ctx.lang),
                 "member_statuses": _codes(MEMBER_STATUSES, ctx.lang),
                 "topics": _codes(TOPICS, ctx.lang), "outcomes": _codes(OUTCOMES, ctx.lang),
                 "verification_results": _codes(VERIFICATION_RESULTS, ctx.lang)}


# -- members ---------------------------------------------------------------------------------------

@staff_route("GET", "/members", query=schemas.MemberQuery, summary="会员名单 / Members")
def members(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        member_view(m, ctx.lang) for m in domain.list_members(
            s, community, status=q["status"], gender=q["gender"], search=q["q"])]})


@staff_route("POST", "/members", body=schemas.MemberIn,
             summary="会员登记（待派出所核实）/ Register a member (to be verified)")
def register_member(ctx, body):
    community = community_of(ctx)
    named = body.pop("community", None)
    if named and named != community:
        raise DomainError("other_community", "只能登记本社区的会员",
                          "Staff register members of their own community",
                          field="community", status=422)
    return 201, write(ctx, lambda tx: member_view(
        domain.register_member(tx, community, body, actor(ctx), utcnow()), ctx.lang,
        full_id=True))


@staff_route("GET", "/members/{member_id}",
             summary="会员档案（含核实、介绍、咨询、操作记录）/ A member's record")
def member(ctx):
    community, member_id = community_of(ctx), int_param(ctx, "member_id")

    def work(session):
        item = domain.get_member(session, member_id, community)
        view = member_view(item, ctx.lang, full_id=True)
        view["verifications"] = [verification_view(v, ctx.lang) for v in item.verifications]
        view["introductions"] = [introduction_view(i, ctx.lang) for i in
                                 domain.list_introductions(session, community,
                                                           member_id=item.id)]
        view["consultations"] = [consultation_view(c, ctx.lang) for c in
                                 domain.list_consultations(session, community,
                                                           member_id=item.id)]
        view["history"] = [activity_view(a) for a in
                           domain.history(session, community, "member", item.id)]
        return view
    return 200, read(ctx, work)


@staff_route("PATCH", "/members/{member_id}", body=schemas.MemberPatch,
             summary="修改会员资料（改身份信息须重新核实）/ Update a member")
def update_member(ctx, body):
    community, member_id = community_of(ctx), int_param(ctx, "member_id")
    return 200, write(ctx, lambda tx: member_view(domain.update_member(
        tx, community, member_id, body, actor(ctx), utcnow()), ctx.lang, full_id=True))


@staff_route("POST", "/members/{member_id}/verifications", body=schemas.VerificationIn,
             summary="登记派出所核实结果 / Record the police station's verification")
def verify_member(ctx, body):
    community, member_id = community_of(ctx), int_param(ctx, "member_id")

    def work(tx):
        item, verification = domain.record_verification(tx, community, member_id, body,
                                                        actor(ctx), utcnow())
        return {"member": member_view(item, ctx.lang),
                "verification": verification_view(verification, ctx.lang)}
    return 201, write(ctx, work)


@staff_route("POST", "/members/{member_id}/withdraw", body=schemas.Reason,
             summary="会员退出 / A member withdraws")
def withdraw_member(ctx, body):
    community, member_id = community_of(ctx), int_param(ctx, "member_id")
    return 200, write(ctx, lambda tx: member_view(domain.withdraw_member(
        tx, community, member_id, body["reason"], actor(ctx), utcnow()), ctx.lang))


@staff_route("GET", "/members/{member_id}/candidates", query=schemas.CandidateQuery,
             summary="可介绍的对象（仅已核实会员）/ Whom a member could be introduced to")
def candidates(ctx):
    community, member_id, q = community_of(ctx), int_param(ctx, "member_id"), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        profile_view(m, ctx.lang) for m in domain.candidates(
            s, community, member_id, utcnow(), age_from=q["age_from"], age_to=q["age_to"])]})


# -- phone consultations ---------------------------------------------------------------------------

@staff_route("GET", "/consultations", query=schemas.ConsultationQuery,
             summary="电话咨询记录 / Phone consultations")
def consultations(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        consultation_view(c, ctx.lang) for c in domain.list_consultations(
            s, community, day_from=q["date_from"], day_to=q["date_to"],
            member_id=q["member_id"])]})


@staff_route("POST", "/consultations", body=schemas.ConsultationIn,
             summary="记录一次电话咨询 / Log a phone consultation")
def log_consultation(ctx, body):
    community = community_of(ctx)
    return 201, write(ctx, lambda tx: consultation_view(
        domain.log_consultation(tx, community, body, actor(ctx), utcnow()), ctx.lang))


# -- introductions ---------------------------------------------------------------------------------

@staff_route("GET", "/introductions", query=schemas.IntroductionQuery,
             summary="牵线介绍 / Introductions")
def introductions(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        introduction_view(i, ctx.lang) for i in domain.list_introductions(
            s, community, outcome=q["outcome"], member_id=q["member_id"])]})


@staff_route("POST", "/introductions", body=schemas.IntroductionIn,
             summary="介绍两位已核实的会员认识 / Introduce two verified members")
def introduce(ctx, body):
    community = community_of(ctx)
    return 201, write(ctx, lambda tx: introduction_view(
        domain.introduce(tx, community, body, actor(ctx), utcnow()), ctx.lang))


@staff_route("GET", "/introductions/{introduction_id}", summary="一次介绍 / An introduction")
def introduction(ctx):
    community, intro_id = community_of(ctx), int_param(ctx, "introduction_id")
    return 200, read(ctx, lambda s: introduction_view(
        domain.get_introduction(s, intro_id, community), ctx.lang))


@staff_route("POST", "/introductions/{introduction_id}/outcome", body=schemas.OutcomeIn,
             summary="记录介绍的进展（见面、交往、结婚、结束）/ Record how it went")
def set_outcome(ctx, body):
    community, intro_id = community_of(ctx), int_param(ctx, "introduction_id")
    return 200, write(ctx, lambda tx: introduction_view(domain.set_outcome(
        tx, community, intro_id, body, actor(ctx), utcnow()), ctx.lang))


# -- figures and the record ------------------------------------------------------------------------

@router.route("GET", "/figures", public=True, query=schemas.PeriodQuery,
              summary="工作数据（按月）/ The studio's figures, by month")
def figures(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: domain.figures(s, community, q["date_from"], q["date_to"],
                                                   lang=ctx.lang))


@staff_route("GET", "/activity", query=schemas.ActivityQuery,
             summary="操作记录 / Who changed what, when")
def activity(ctx):
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        activity_view(a) for a in domain.history(s, community, q["entity"], q["entity_id"])]})


# -- cases from intake -----------------------------------------------------------------------------

@staff_route("GET", "/cases", query=schemas.CaseQuery, summary="收到的诉求 / Cases received")
def list_cases(ctx):
    community = community_of(ctx)
    return 200, read(ctx, lambda s: [case_view(c, ctx.lang) for c in
                                     domain.list_cases(s, community, state=ctx.query["state"])])


@staff_route("GET", "/cases/{case_id}", summary="一件诉求 / One case")
def get_case(ctx):
    community, case_id = community_of(ctx), int_param(ctx, "case_id")

    def work(session):
        view = case_view(domain.get_case(session, case_id, community), ctx.lang)
        view["history"] = [activity_view(a) for a in
                           domain.history(session, community, "case", case_id)]
        return view
    return 200, read(ctx, work)


@staff_route("POST", "/cases/{case_id}/resolve", body=schemas.ResolveIn,
             summary="办结并答复 / Resolve, with the answer for the resident")
def resolve(ctx, body):
    community, case_id = community_of(ctx), int_param(ctx, "case_id")
    return 200, write(ctx, lambda tx: case_view(domain.finish(
        tx, community, case_id, actor(ctx), utcnow(), resolved=True, text=body["result"],
        reply=body.get("reply")), ctx.lang))


@staff_route("POST", "/cases/{case_id}/return", body=schemas.ReturnIn,
             summary="退回（说明原因）/ Return, saying why")
def return_case(ctx, body):
    community, case_id = community_of(ctx), int_param(ctx, "case_id")
    return 200, write(ctx, lambda tx: case_view(domain.finish(
        tx, community, case_id, actor(ctx), utcnow(), resolved=False, text=body["note"]),
        ctx.lang))
