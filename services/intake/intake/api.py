"""Intake's staff API, served through the gateway under /api/v1: thin routes that check who is
asking, open a session or a transaction, read the clock once and call the rules."""
import base64
import secrets
from collections.abc import Callable
from typing import TypeVar

from minzi.api import STATION_ROLES, Context, Response, Router, read, write
from minzi.envelope import utcnow
from minzi.i18n import label

from . import schemas
from .domain import (
    accounts,
    answers,
    assignment,
    chasing,
    duplicates,
    preview,
    registration,
    registrations,
    views,
)
from .domain.access import MANAGERS, Actor
from .domain.desk import Desk, by_tracking_code, get_case
from .domain.figures_export import figures_filename, figures_workbook
from .domain.labels import ROLE_LABELS
from .models import Case

router = Router()
T = TypeVar("T")
# one's own account: ops's too, and a program's member unit contact's
EVERY_ACCOUNT = (*STATION_ROLES, "ops", "member_unit")


def at_desk(ctx: Context, work: Callable[[Desk], T]) -> T:
    """``work`` at the case desk over one transaction (``minzi.api.write``: done once more if a
    request at the same moment wrote the same unique row first), at one moment read from the
    clock; events go out after the commit."""
    return write(ctx, lambda tx: work(ctx.service.desk(tx, utcnow())))


# -- accounts --------------------------------------------------------------------------------------

@router.route("POST", "/auth/token", body=schemas.LoginSchema, public=True,
              summary="登录，取得令牌 / Log in for a token")
def login(ctx: Context, body: dict) -> Response:
    def work(tx) -> Response:
        token, expires, staff = accounts.log_in(tx.session, body["username"], body["password"],
                                                utcnow())
        return 201, {"token": token, "expires_at": expires.isoformat(),
                     "staff": views.staff_view(staff, ctx.lang)}
    return write(ctx, work)


@router.route("POST", "/auth/password", body=schemas.PasswordChangeSchema, roles=EVERY_ACCOUNT,
              summary="修改密码（首次登录须修改），旧令牌全部作废 / Change your password (required "
                      "at the first login); every earlier token stops working")
def change_password(ctx: Context, body: dict) -> Response:
    def work(tx) -> Response:
        token, expires, staff = accounts.change_password(
            tx.session, ctx.staff, body["old_password"], body["new_password"], utcnow())
        return 200, {"token": token, "expires_at": expires.isoformat(),
                     "staff": views.staff_view(staff, ctx.lang)}
    return write(ctx, work)


@router.route("GET", "/me", roles=EVERY_ACCOUNT,
              summary="当前登录的工作人员 / The logged-in staff member")
def me(ctx: Context) -> Response:
    return 200, {**ctx.staff, "role_label": label(ROLE_LABELS, ctx.staff.get("role"), ctx.lang)}


@router.route("POST", "/staff", body=schemas.StaffCreateSchema, roles=("admin",),
              summary="新建工作人员账号 / Create a staff account")
def create_staff(ctx: Context, body: dict) -> Response:
    return 201, write(ctx, lambda tx: views.staff_view(
        accounts.create_staff(tx.session, ctx.staff, body, utcnow()), ctx.lang))


@router.route("POST", "/staff/{staff_id:int}/deactivate", roles=("admin",),
              summary="停用账号，其令牌全部作废 / Deactivate an account and its tokens")
def deactivate_staff(ctx: Context) -> Response:
    return 200, write(ctx, lambda tx: views.staff_view(
        accounts.deactivate(tx.session, ctx.staff, ctx.params["staff_id"], utcnow()), ctx.lang))


@router.route("GET", "/account-events", roles=("admin",),
              summary="账号与密钥的操作记录 / The record of accounts and keys")
def account_events(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: accounts.account_record(session,
                                                                  ctx.staff["community"]))


@router.route("GET", "/staff", roles=MANAGERS, summary="本社区工作人员 / Staff of my community")
def list_staff(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: views.list_staff(session, ctx.staff["community"],
                                                           ctx.lang))


@router.route("POST", "/api-keys", body=schemas.ApiKeyCreateSchema, roles=("admin",),
              summary="新建 Open311 接入密钥 / Create an Open311 api_key")
def create_api_key(ctx: Context, body: dict) -> Response:
    community = ctx.staff["community"]
    key = write(ctx, lambda tx: accounts.create_api_key(tx.session, community, body["name"],
                                                        utcnow(), ctx.staff))
    return 201, {"api_key": key, "name": body["name"], "jurisdiction_id": community}


@router.route("GET", "/api-keys", roles=("admin",),
              summary="本社区的 Open311 接入密钥 / The community's Open311 api_keys")
def list_api_keys(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: accounts.list_api_keys(session, ctx.staff["community"]))


@router.route("DELETE", "/api-keys/{key_id}", roles=("admin",),
              summary="作废 Open311 接入密钥 / Revoke an Open311 api_key")
def revoke_api_key(ctx: Context) -> Response:
    return 200, write(ctx, lambda tx: accounts.revoke_api_key(
        tx.session, ctx.staff, ctx.params["key_id"], utcnow()))


@router.route("GET", "/communities", public=True, summary="社区 / Communities")
def list_communities(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: views.list_communities(session, ctx.lang))


# -- programs and services -------------------------------------------------------------------------

@router.route("POST", "/program-registrations", body=schemas.ProgramRegistrationSchema,
              roles=("admin",), summary="登记本社区的项目，取得其总线账号 / Register a program "
              "of your community and get its bus account")
def register_program(ctx: Context, body: dict) -> Response:
    """The program's RabbitMQ user is made in the same step; its password is shown only here."""
    password = secrets.token_urlsafe(24)

    def work(tx) -> dict:
        registration = registrations.register(tx.session, ctx.staff, body, utcnow())
        ctx.service.bus_accounts.grant(registration.bus_user, password)
        return registrations.registration_view(registration)
    return 201, {**write(ctx, work), "bus_password": password,
                 "vhost": ctx.service.bus_accounts.vhost}


@router.route("GET", "/program-registrations", roles=("admin",),
              summary="本社区登记的项目 / Programs registered for your community")
def list_program_registrations(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: registrations.list_registrations(session, ctx.staff))


@router.route("DELETE", "/program-registrations/{program_id}", roles=("admin",),
              summary="注销项目，收回其总线账号 / Unregister a program and revoke its bus account")
def unregister_program(ctx: Context) -> Response:
    def work(tx) -> dict:
        registration = registrations.unregister(tx.session, ctx.staff,
                                                ctx.params["program_id"])
        ctx.service.bus_accounts.revoke(registration.bus_user)
        return registrations.registration_view(registration)
    return 200, write(ctx, work)


@router.route("GET", "/programs", public=True,
              summary="已接入的项目及其服务 / Programs on the bus and their services")
def list_programs(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: views.list_programs(session, ctx.lang))


@router.route("GET", "/services", public=True,
              summary="本社区可办理的服务 / Services offered in a community")
def list_services(ctx: Context) -> Response:
    # not minzi.api.community_of: here ?community= comes first (the public page names one), and
    # intake, which serves every community, falls back to its configured default one
    community = ctx.query.get("community") or (ctx.staff or {}).get("community") or \
        ctx.service.default_community
    return 200, read(ctx, lambda session: views.list_services(session, community, ctx.lang))


# -- cases -----------------------------------------------------------------------------------------

@router.route("POST", "/cases", body=schemas.CaseCreateSchema,
              summary="受理登记一件诉求 / Register a case")
def register_case(ctx: Context, body: dict) -> Response:
    """The same ``request_key`` again (also at the same moment: the copy that loses the race is
    done once more and finds the case) answers with the case already registered."""
    body["community"] = body.get("community") or ctx.staff["community"]

    def work(d: Desk) -> Response:
        case, created = registration.register(d, body, Actor.of_staff(ctx.staff),
                                              ctx.extra.get("request_key"))
        d.session.flush()
        return (201 if created else 200), views.case_view(
            case, ctx.staff, ctx.lang, d.now, with_history=True,
            history=d.lines_recorded(case) if created else None)
    return at_desk(ctx, work)


@router.route("POST", "/cases/preview", body=schemas.CaseCreateSchema, roles=STATION_ROLES,
              summary="登记前预览：分类、去向与可能重复的在办诉求（不保存）/ Before registering: "
                      "the service type, where it would go, open cases it may repeat (nothing "
                      "is saved)")
def preview_case(ctx: Context, body: dict) -> Response:
    return 200, read(ctx, lambda session: preview.preview(session, body, ctx.staff, ctx.lang,
                                                          utcnow()))


@router.route("GET", "/cases", query=schemas.CaseSearchQuery, roles=STATION_ROLES,
              summary="我的待办、超时、升级等队列，及按查询码、电话、姓名、地址、内容、"
                      "登记日期查找 / "
                      "My queue, overdue, escalated …, and a search by tracking code, phone, "
                      "name, address, text or registration date")
def list_cases(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: views.list_cases(session, ctx.staff, ctx.query,
                                                           ctx.lang, utcnow()))


@router.route("GET", "/cases/{case_id:int}", summary="一件诉求及其全过程 / A case with its history")
def get_one_case(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: views.case_view(
        get_case(session, ctx.params["case_id"], ctx.staff), ctx.staff, ctx.lang, utcnow(),
        with_history=True))


@router.route("GET", "/cases/{case_id:int}/history",
              summary="谁在何时做了什么 / Who did what, when")
def case_history(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: [
        views.event_view(e, ctx.lang)
        for e in get_case(session, ctx.params["case_id"], ctx.staff).events])


@router.route("GET", "/cases/{case_id:int}/notifications",
              summary="发给居民的消息 / Messages sent to the resident")
def case_notifications(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: views.case_notifications(
        session, get_case(session, ctx.params["case_id"], ctx.staff)))


CaseAction = Callable[[Desk, Case, Actor, dict], None]


def _case_action(name: str, schema: type, summary: str, call: CaseAction) -> Callable:
    @router.route("POST", f"/cases/{{case_id:int}}/{name}", body=schema, summary=summary)
    def action(ctx: Context, body: dict) -> Response:
        def work(d: Desk) -> Response:
            case = get_case(d.session, ctx.params["case_id"], ctx.staff, lock=True)
            call(d, case, Actor.of_staff(ctx.staff), body)
            d.session.flush()
            return 200, views.case_view(case, ctx.staff, ctx.lang, d.now, with_history=True)
        return at_desk(ctx, work)
    action.__name__ = f"case_{name.replace('-', '_')}"
    return action


_case_action("assign", schemas.AssignSchema, "站长分派 / Assign to a program",
             lambda d, c, a, b: assignment.assign(d, c, a, b["service_code"], b.get("note")))
_case_action("accept", schemas.AcceptSchema, "接收，或代承办人接收 / Accept, or accept on behalf",
             lambda d, c, a, b: assignment.accept(d, c, a, b.get("handler"),
                                                  b.get("on_behalf_of"), b.get("note")))
_case_action("transfer", schemas.TransferSchema, "转办 / Transfer to another program",
             lambda d, c, a, b: assignment.transfer(d, c, a, b["service_code"], b["note"]))
_case_action("chase", schemas.ChaseSchema, "催办 / Chase",
             lambda d, c, a, b: chasing.chase(d, c, a, b.get("note") or "请尽快办理"))
_case_action("resolve", schemas.ResolveSchema, "办结 / Record the result",
             lambda d, c, a, b: answers.resolve(d, c, a, b["result"]))
_case_action("reply", schemas.ReplySchema, "答复居民 / Reply to the resident",
             lambda d, c, a, b: answers.reply(d, c, a, b["text"]))
_case_action("follow-up", schemas.FollowUpSchema, "回访 / Record the follow-up",
             lambda d, c, a, b: answers.follow_up(d, c, a, b["resolved"], b["satisfied"],
                                                  b.get("note")))
_case_action("reopen", schemas.ReopenSchema, "重新办理 / Reopen",
             lambda d, c, a, b: answers.reopen(d, c, a, b["note"]))
_case_action("duplicate", schemas.DuplicateSchema, "并入重复诉求 / Link as a duplicate",
             lambda d, c, a, b: duplicates.mark_duplicate(
                 d, c, a, get_case(d.session, b["duplicate_of"], a.staff)))
_case_action("out-of-scope", schemas.OutOfScopeSchema,
             "说明并转介后结案 / Close as out of scope, with an explanation and a referral",
             lambda d, c, a, b: answers.close_out_of_scope(d, c, a, b["explanation"],
                                                           b["referral"]))


@router.route("GET", "/figures", query=schemas.FiguresQuery,
              summary="响应率、解决率、满意率、按时办结率 / "
                      "Response, resolution, satisfaction, on-time rates")
def get_figures(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: views.community_figures(
        session, ctx.staff["community"], ctx.query))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.route("GET", "/figures/export", query=schemas.FiguresQuery,
              summary="导出三率统计（xlsx，base64）/ Export the figures (xlsx, base64)")
def export_figures(ctx: Context) -> Response:
    community = ctx.staff["community"]

    def work(session) -> dict:
        content = figures_workbook(session, community, ctx.query, ctx.lang)
        return {"filename": figures_filename(community, ctx.query), "content_type": XLSX,
                "content_base64": base64.b64encode(content).decode()}
    return 200, read(ctx, work)


# -- residents -------------------------------------------------------------------------------------

@router.route("GET", "/track/{code}", public=True,
              summary="居民凭查询码查看诉求 / A resident's view by tracking code")
def track(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: views.tracking_view(
        by_tracking_code(session, ctx.params["code"]), session, ctx.lang))


@router.route("POST", "/track/{code}/feedback", body=schemas.FeedbackSchema, public=True,
              summary="居民评价答复，不满意可要求重办 / The resident rates the reply")
def feedback(ctx: Context, body: dict) -> Response:
    def work(d: Desk) -> Response:
        case = get_case(d.session, by_tracking_code(d.session, ctx.params["code"]).id, lock=True)
        answers.resident_feedback(d, case, body["resolved"], body["satisfied"],
                                  body.get("comment"), body["reopen"])
        d.session.flush()
        return 200, views.tracking_view(case, d.session, ctx.lang)
    return at_desk(ctx, work)


@router.route("GET", "/notifications", roles=MANAGERS, query=schemas.CaseListQuery,
              summary="发给居民的全部消息 / All messages to residents")
def list_notifications(ctx: Context) -> Response:
    return 200, read(ctx, lambda session: views.community_notifications(
        session, ctx.staff["community"], ctx.query["limit"]))
