"""Intake's staff API, served through the gateway under /api/v1."""
import secrets
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from minzi.api import DomainError, NotFound, Router
from minzi.envelope import isoformat

from . import schemas
from .domain import (
    OPEN_STATUSES,
    RESIDENT,
    ROLE_LABELS,
    Actor,
    CaseDesk,
    Registry,
    case_view,
    check_password,
    event_view,
    figures,
    hash_password,
    hash_secret,
    tracking_view,
)
from .models import ApiKey, Case, Community, Notification, Staff, StaffToken

router = Router()
TOKEN_HOURS = 12
ANY_STAFF = ()
MANAGERS = ("station_head", "admin")


@contextmanager
def desk(ctx):
    """A unit of work: the case desk over one transaction; events go out after the commit."""
    with ctx.service.store.transaction() as tx:
        yield ctx.service.desk(tx)


def staff_view(staff):
    return {"id": staff.id, "username": staff.username, "name": staff.name, "role": staff.role,
            "role_label": ROLE_LABELS[staff.role][0], "community": staff.community_id,
            "program_id": staff.program_id, "active": staff.active}


# -- accounts ---------------------------------------------------------------------------------------

@router.route("POST", "/auth/token", body=schemas.LoginSchema, public=True,
              summary="登录，取得令牌 / Log in for a token")
def login(ctx, body):
    with ctx.service.store.transaction() as tx:
        staff = tx.session.scalar(select(Staff).where(Staff.username == body["username"]))
        if staff is None or not staff.active or not check_password(body["password"],
                                                                   staff.password_hash):
            raise DomainError("bad_credentials", "用户名或密码不对", "Wrong username or password",
                              status=401)
        token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(hours=TOKEN_HOURS)
        tx.session.add(StaffToken(token_hash=hash_secret(token), staff_id=staff.id,
                                  expires_at=expires))
        return 201, {"token": token, "expires_at": expires.isoformat(), "staff": staff_view(staff)}


@router.route("GET", "/me", summary="当前登录的工作人员 / The logged-in staff member")
def me(ctx):
    return 200, ctx.staff


@router.route("POST", "/staff", body=schemas.StaffCreateSchema, roles=("admin",),
              summary="新建工作人员账号 / Create a staff account")
def create_staff(ctx, body):
    community = body.get("community") or ctx.staff["community"]
    if community != ctx.staff["community"]:
        raise DomainError("other_community", "只能为本社区建账号",
                          "Admins create accounts in their own community", field="community")
    with ctx.service.store.transaction() as tx:
        if tx.session.scalar(select(Staff).where(Staff.username == body["username"])):
            raise DomainError("username_taken", "用户名已被使用", "That username is taken",
                              field="username", status=409)
        staff = Staff(username=body["username"], name=body["name"], role=body["role"],
                      community_id=community, program_id=body.get("program_id"),
                      phone=body.get("phone"), password_hash=hash_password(body["password"]))
        tx.session.add(staff)
        tx.session.flush()
        return 201, staff_view(staff)


@router.route("GET", "/staff", roles=MANAGERS, summary="本社区工作人员 / Staff of my community")
def list_staff(ctx):
    with ctx.service.store.session() as session:
        rows = session.scalars(select(Staff).where(
            Staff.community_id == ctx.staff["community"]).order_by(Staff.id))
        return 200, [staff_view(s) for s in rows]


@router.route("POST", "/api-keys", body=schemas.ApiKeyCreateSchema, roles=("admin",),
              summary="新建 Open311 接入密钥 / Create an Open311 api_key")
def create_api_key(ctx, body):
    key = secrets.token_urlsafe(24)
    with ctx.service.store.transaction() as tx:
        tx.session.add(ApiKey(key_hash=hash_secret(key), community_id=ctx.staff["community"],
                              name=body["name"]))
    return 201, {"api_key": key, "name": body["name"], "jurisdiction_id": ctx.staff["community"]}


@router.route("GET", "/communities", public=True, summary="社区 / Communities")
def list_communities(ctx):
    with ctx.service.store.session() as session:
        return 200, [{"id": c.id, "name": c.name_zh if ctx.lang == "zh" else c.name_en or c.name_zh}
                     for c in session.scalars(select(Community).order_by(Community.id))]


# -- programs and services -------------------------------------------------------------------------

@router.route("GET", "/programs", public=True,
              summary="已接入的项目及其服务 / Programs on the bus and their services")
def list_programs(ctx):
    with ctx.service.store.session() as session:
        return 200, [{
            "program_id": p.program_id, "name": p.name_zh if ctx.lang == "zh" else
            p.name_en or p.name_zh, "live": p.live, "rpc_service": p.rpc_service,
            "communities": p.manifest.get("communities", []),
            "service_types": [t["code"] for t in p.manifest.get("service_types", [])],
            "last_seen": isoformat(p.last_seen)} for p in Registry(session).programs()]


@router.route("GET", "/services", public=True,
              summary="本社区可办理的服务 / Services offered in a community")
def list_services(ctx):
    community = ctx.query.get("community") or (ctx.staff or {}).get("community") or \
        ctx.service.default_community
    with ctx.service.store.session() as session:
        return 200, [{"service_code": o.code, "name": o.name_zh if ctx.lang == "zh" else
                      o.name_en or o.name_zh, "program_id": p.program_id,
                      "program": p.name_zh, "time_limit_hours": o.time_limit_hours,
                      "keywords": o.keywords, "attributes": o.attributes}
                     for o, p in Registry(session).live_offers(community)]


# -- cases ------------------------------------------------------------------------------------------

@router.route("POST", "/cases", body=schemas.CaseCreateSchema,
              summary="受理登记一件诉求 / Register a case")
def register_case(ctx, body):
    body["community"] = body.get("community") or ctx.staff["community"]
    request_key = ctx.extra.get("request_key")
    try:
        with desk(ctx) as d:
            case, created = d.register(body, Actor.of_staff(ctx.staff), request_key)
            d.session.flush()
            view = case_view(case, ctx.staff, ctx.lang, with_history=True)
        return (201 if created else 200), view
    except IntegrityError:
        # the same request arrived twice at once: the other copy made the case
        with ctx.service.store.session() as session:
            case = session.scalar(select(Case).where(Case.request_key == request_key)) \
                if request_key else None
            if case is None:
                raise
            return 200, case_view(case, ctx.staff, ctx.lang, with_history=True)


@router.route("GET", "/cases", query=schemas.CaseListQuery,
              summary="我的待办、超时、升级等队列 / My queue, overdue, escalated …")
def list_cases(ctx):
    q, staff = ctx.query, ctx.staff
    query = select(Case).where(Case.community_id == staff["community"])
    if q["queue"] == "mine":
        query = query.where(Case.owner_id == staff["id"], Case.status.in_(OPEN_STATUSES))
    elif q["queue"] == "overdue":
        query = query.where(Case.status.in_(("awaiting_assignment", "dispatched", "accepted")),
                            Case.due_at < datetime.now(UTC))
    elif q["queue"] == "escalated":
        query = query.where(Case.escalated.is_(True), Case.status.in_(OPEN_STATUSES))
    elif q["queue"] == "unassigned":
        query = query.where(Case.status == "awaiting_assignment")
    elif q["queue"] == "program":
        query = query.where(Case.program_id == (q["program_id"] or staff.get("program_id")),
                            Case.status.in_(OPEN_STATUSES))
    if q["status"]:
        query = query.where(Case.status == q["status"])
    if q["program_id"] and q["queue"] != "program":
        query = query.where(Case.program_id == q["program_id"])
    query = query.order_by(Case.due_at.is_(None), Case.due_at, Case.id)
    with ctx.service.store.session() as session:
        cases = session.scalars(query.offset(q["offset"]).limit(q["limit"])).unique().all()
        return 200, [case_view(c, staff, ctx.lang) for c in cases]


def _case_id(ctx):
    try:
        return int(ctx.params["case_id"])
    except ValueError:
        raise NotFound("case_not_found", "诉求编号应为数字", "Case ids are numbers", field="case_id")


@router.route("GET", "/cases/{case_id}", summary="一件诉求及其全过程 / A case with its history")
def get_case(ctx):
    with ctx.service.store.session() as session:
        case = CaseDesk(session, None).get(_case_id(ctx), Actor.of_staff(ctx.staff))
        return 200, case_view(case, ctx.staff, ctx.lang, with_history=True)


@router.route("GET", "/cases/{case_id}/history", summary="谁在何时做了什么 / Who did what, when")
def case_history(ctx):
    with ctx.service.store.session() as session:
        case = CaseDesk(session, None).get(_case_id(ctx), Actor.of_staff(ctx.staff))
        return 200, [event_view(e, ctx.lang) for e in case.events]


@router.route("GET", "/cases/{case_id}/notifications",
              summary="发给居民的消息 / Messages sent to the resident")
def case_notifications(ctx):
    with ctx.service.store.session() as session:
        case = CaseDesk(session, None).get(_case_id(ctx), Actor.of_staff(ctx.staff))
        rows = session.scalars(select(Notification).where(Notification.case_id == case.id)
                               .order_by(Notification.id))
        return 200, [notification_view(n) for n in rows]


def notification_view(n):
    return {"id": n.id, "purpose": n.purpose, "channel": n.channel, "status": n.status,
            "body": n.body, "created_at": isoformat(n.created_at),
            "sent_at": isoformat(n.sent_at), "error": n.error}


def _case_action(name, schema, summary, call):
    @router.route("POST", f"/cases/{{case_id}}/{name}", body=schema, summary=summary)
    def action(ctx, body):
        with desk(ctx) as d:
            actor = Actor.of_staff(ctx.staff)
            case = d.get(_case_id(ctx), actor, lock=True)
            call(d, case, actor, body)
            d.session.flush()
            return 200, case_view(case, ctx.staff, ctx.lang, with_history=True)
    action.__name__ = f"case_{name.replace('-', '_')}"
    return action


_case_action("assign", schemas.AssignSchema, "站长分派 / Assign to a program",
             lambda d, c, a, b: d.assign(c, a, b["service_code"], b.get("note")))
_case_action("accept", schemas.AcceptSchema, "接收，或代承办人接收 / Accept, or accept on behalf",
             lambda d, c, a, b: d.accept(c, a, b.get("handler"), b.get("on_behalf_of"),
                                         b.get("note")))
_case_action("transfer", schemas.TransferSchema, "转办 / Transfer to another program",
             lambda d, c, a, b: d.transfer(c, a, b["service_code"], b["note"]))
_case_action("chase", schemas.ChaseSchema, "催办 / Chase",
             lambda d, c, a, b: d.chase(c, a, b.get("note") or "请尽快办理"))
_case_action("resolve", schemas.ResolveSchema, "办结 / Record the result",
             lambda d, c, a, b: d.resolve(c, a, b["result"]))
_case_action("reply", schemas.ReplySchema, "答复居民 / Reply to the resident",
             lambda d, c, a, b: d.reply(c, a, b["text"]))
_case_action("follow-up", schemas.FollowUpSchema, "回访 / Record the follow-up",
             lambda d, c, a, b: d.follow_up(c, a, b["resolved"], b["satisfied"], b.get("note")))
_case_action("reopen", schemas.ReopenSchema, "重新办理 / Reopen",
             lambda d, c, a, b: d.reopen(c, a, b["note"]))
_case_action("duplicate", schemas.DuplicateSchema, "并入重复诉求 / Link as a duplicate",
             lambda d, c, a, b: d.mark_duplicate(c, a, d.get(b["duplicate_of"], a)))
_case_action("out-of-scope", schemas.OutOfScopeSchema,
             "说明并转介后结案 / Close as out of scope, with an explanation and a referral",
             lambda d, c, a, b: d.close_out_of_scope(c, a, b["explanation"], b["referral"]))


@router.route("GET", "/figures", query=schemas.FiguresQuery,
              summary="响应率、解决率、满意率、按时办结率 / Response, resolution, satisfaction, on-time rates")
def get_figures(ctx):
    q = ctx.query
    query = select(Case).where(Case.community_id == ctx.staff["community"])
    beijing = timezone(timedelta(hours=8))
    if q.get("start"):
        query = query.where(Case.created_at >= datetime.combine(q["start"], time.min, beijing))
    if q.get("end"):
        query = query.where(Case.created_at < datetime.combine(
            q["end"] + timedelta(days=1), time.min, beijing))
    if q.get("program_id"):
        query = query.where(Case.program_id == q["program_id"])
    groups = tuple(g.strip() for g in q["group_by"].split(",") if g.strip())
    with ctx.service.store.session() as session:
        return 200, {"group_by": list(groups),
                     "rows": figures(session.scalars(query).unique().all(), groups)}


# -- residents --------------------------------------------------------------------------------------

@router.route("GET", "/track/{code}", public=True,
              summary="居民凭查询码查看诉求 / A resident's view by tracking code")
def track(ctx):
    with ctx.service.store.session() as session:
        case = CaseDesk(session, None).by_tracking_code(ctx.params["code"])
        return 200, tracking_view(case, session, ctx.lang)


@router.route("POST", "/track/{code}/feedback", body=schemas.FeedbackSchema, public=True,
              summary="居民评价答复，不满意可要求重办 / The resident rates the reply")
def feedback(ctx, body):
    with desk(ctx) as d:
        case = d.get(d.by_tracking_code(ctx.params["code"]).id, lock=True)
        d.follow_up(case, RESIDENT, body["resolved"], body["satisfied"], body.get("comment"))
        if body["reopen"] and not body["satisfied"]:
            d.reopen(case, RESIDENT, body.get("comment") or "居民不满意，要求重新办理")
        d.session.flush()
        return 200, tracking_view(case, d.session, ctx.lang)


@router.route("GET", "/notifications", roles=MANAGERS, query=schemas.CaseListQuery,
              summary="发给居民的全部消息 / All messages to residents")
def list_notifications(ctx):
    with ctx.service.store.session() as session:
        rows = session.scalars(select(Notification).join(Case).where(
            Case.community_id == ctx.staff["community"]).order_by(Notification.id.desc())
            .limit(ctx.query["limit"]))
        return 200, [notification_view(n) for n in rows]


def authenticate(session, token):
    row = session.get(StaffToken, hash_secret(token or ""))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(
        tzinfo=UTC)
    if expires < datetime.now(UTC):
        return None
    staff = session.get(Staff, row.staff_id)
    return staff_view(staff) if staff and staff.active else None


