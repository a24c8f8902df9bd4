"""sms_broadcast's staff API, served by the gateway at /api/v1/programs/sms_broadcast/…

Each route checks who is asking, reads (``minzi.api.read``) or writes (``minzi.api.write``: one
transaction; a write that loses a race to the same unique row is done once more and answers as
the rules say), reads the clock once and calls the rules in ``domain/``. Two routes are public,
for the SMS gateway rather than staff: ``POST /inbound`` (a resident's reply) and
``POST /delivery`` (a delivery report).
Both carry the shared secret (``INBOUND_SECRET``) as ``secret`` in the body or the query string.
"""
import hmac
from collections.abc import Callable

from minzi.api import (
    Context,
    DomainError,
    Forbidden,
    PeriodQuery,
    Response,
    Router,
    read,
    write,
)
from minzi.envelope import utcnow
from minzi.localtime import local_date, local_range
from minzi.store import Transaction

from .domain import broadcasts, cases, consent, contacts, grid, replies, sending, views
from .domain.access import require_operator, require_staff
from .domain.figures import figures as period_figures
from .schemas import (
    BroadcastSchema,
    BuildingSchema,
    ConsentSchema,
    ContactChangeSchema,
    ContactSchema,
    DeliverySchema,
    DoorSchema,
    InboundSchema,
    ListQuery,
    ResolveSchema,
    ReturnSchema,
    ZoneSchema,
)

router = Router()


# -- the grid ------------------------------------------------------------------------------------

def _create(ctx: Context, body: dict, make: Callable, view: Callable) -> Response:
    require_operator(ctx.staff)
    for field in ("head_name", "head_phone"):
        if body.get(field):
            raise grid.head_typed_by_hand(field)
    now = utcnow()
    return 201, write(ctx, lambda tx: view(make(tx, ctx.staff, body, now), ctx.staff))


@router.route("POST", "/zones", body=ZoneSchema, summary="新建片区 / Add a zone")
def create_zone(ctx: Context, body: dict) -> Response:
    return _create(ctx, body, grid.create_zone, views.zone_view)


@router.route("POST", "/buildings", body=BuildingSchema, summary="新建楼 / Add a building")
def create_building(ctx: Context, body: dict) -> Response:
    return _create(ctx, body, grid.create_building, views.building_view)


@router.route("POST", "/doors", body=DoorSchema, summary="新建门（单元）/ Add a door")
def create_door(ctx: Context, body: dict) -> Response:
    return _create(ctx, body, grid.create_door, views.door_view)


# The heads are not typed here: they come from the volunteer grid, where they are appointed
# (``grid.apply_head``, on its events). A new place with a head typed in is refused, by name.


@router.route("GET", "/zones", summary="片区与区长 / Zones and their heads")
def list_zones(ctx: Context) -> Response:
    require_staff(ctx.staff)
    return 200, read(ctx, lambda session: views.list_zones(session, ctx.staff))


@router.route("GET", "/buildings", query=ListQuery, summary="楼与楼长 / Buildings and heads")
def list_buildings(ctx: Context) -> Response:
    require_staff(ctx.staff)
    return 200, read(ctx, lambda session: views.list_buildings(session, ctx.staff, ctx.query))


@router.route("GET", "/doors", query=ListQuery, summary="门（单元）与门长 / Doors and heads")
def list_doors(ctx: Context) -> Response:
    require_staff(ctx.staff)
    return 200, read(ctx, lambda session: views.list_doors(session, ctx.staff, ctx.query))


# -- residents -----------------------------------------------------------------------------------

@router.route("POST", "/contacts", body=ContactSchema,
              summary="登记居民联系方式 / Register a resident's contact")
def create_contact(ctx: Context, body: dict) -> Response:
    return _create(ctx, body, contacts.create_contact, views.contact_view)


@router.route("PATCH", "/contacts/{id:int}", body=ContactChangeSchema,
              summary="修改居民信息 / Change a resident's details")
def update_contact(ctx: Context, body: dict) -> Response:
    require_operator(ctx.staff)
    now = utcnow()
    return 200, write(ctx, lambda tx: views.contact_view(contacts.update_contact(
        tx, ctx.staff, ctx.params["id"], body, now), ctx.staff))


@router.route("GET", "/contacts", query=ListQuery, summary="居民联系方式 / Residents' contacts")
def list_contacts(ctx: Context) -> Response:
    require_operator(ctx.staff)
    return 200, read(ctx, lambda session: views.list_contacts(session, ctx.staff, ctx.query))


@router.route("GET", "/contacts/{id:int}", summary="一位居民 / One resident")
def get_contact(ctx: Context) -> Response:
    require_operator(ctx.staff)
    return 200, read(ctx, lambda session: views.contact_with_consents(
        session, ctx.staff, ctx.params["id"]))


def _consent(opt_out: bool) -> Callable:
    def change(ctx: Context, body: dict) -> Response:
        require_operator(ctx.staff)
        now = utcnow()

        def work(tx: Transaction) -> dict:
            contact = contacts.get_contact(tx.session, ctx.staff["community"], ctx.params["id"])
            consent.staff_consent(tx, ctx.staff, contact, opt_out, body["note"], now)
            return views.contact_view(contact, ctx.staff)
        return 200, write(ctx, work)
    return change


router.route("POST", "/contacts/{id:int}/opt-out", body=ConsentSchema,
             summary="登记居民退订（当面或电话）/ Record an opt-out given in person")(
    _consent(True))
router.route("POST", "/contacts/{id:int}/opt-in", body=ConsentSchema,
             summary="登记居民恢复订阅 / Record an opt-in given in person")(_consent(False))


@router.route("GET", "/consents", query=ListQuery, summary="退订与恢复记录 / Consent records")
def list_consents(ctx: Context) -> Response:
    require_operator(ctx.staff)
    return 200, read(ctx, lambda session: views.list_consents(session, ctx.staff, ctx.query))


# -- broadcasts ----------------------------------------------------------------------------------

@router.route("POST", "/broadcasts", body=BroadcastSchema,
              summary="群发通知（立即或预约）/ Send a notice, now or at a set time")
def create_broadcast(ctx: Context, body: dict) -> Response:
    require_operator(ctx.staff)
    now = utcnow()
    broadcast_id = write(
        ctx, lambda tx: broadcasts.create_broadcast(tx, ctx.staff, body, now).id)
    ctx.service.sms.wake()  # committed: its messages go now
    return 201, read(ctx, lambda session: views.one_broadcast(session, ctx.staff, broadcast_id))


@router.route("GET", "/broadcasts", query=ListQuery, summary="群发记录 / Broadcasts")
def list_broadcasts(ctx: Context) -> Response:
    require_staff(ctx.staff)
    return 200, read(ctx, lambda session: views.list_broadcasts(session, ctx.staff, ctx.query))


@router.route("GET", "/broadcasts/{id:int}", summary="一次群发 / One broadcast")
def get_broadcast(ctx: Context) -> Response:
    require_staff(ctx.staff)
    return 200, read(ctx, lambda session: views.one_broadcast(
        session, ctx.staff, ctx.params["id"]))


@router.route("GET", "/broadcasts/{id:int}/messages", query=ListQuery,
              summary="每位居民的发送状态 / Each recipient's message state")
def list_messages(ctx: Context) -> Response:
    require_operator(ctx.staff)
    return 200, read(ctx, lambda session: views.list_messages(
        session, ctx.staff, ctx.params["id"], ctx.query))


@router.route("POST", "/broadcasts/{id:int}/cancel",
              summary="取消预约群发 / Cancel a scheduled broadcast")
def cancel_broadcast(ctx: Context) -> Response:
    require_operator(ctx.staff)
    now = utcnow()
    return 200, write(ctx, lambda tx: views.broadcast_view(
        tx.session, broadcasts.cancel_broadcast(tx, ctx.staff, ctx.params["id"], now),
        ctx.staff))


@router.route("POST", "/broadcasts/{id:int}/retry",
              summary="重发失败的短信 / Send the failed messages again")
def retry_broadcast(ctx: Context) -> Response:
    require_operator(ctx.staff)
    now = utcnow()
    count = write(ctx, lambda tx: broadcasts.retry_failed(tx, ctx.staff, ctx.params["id"], now))
    ctx.service.sms.wake()
    return 200, read(ctx, lambda session: {
        **views.one_broadcast(session, ctx.staff, ctx.params["id"]), "retried": count})


# -- from the SMS gateway ------------------------------------------------------------------------

def _gateway_body(ctx: Context) -> dict:
    """The body the SMS gateway posted, once its shared secret is checked (and taken out)."""
    expected = str(ctx.service.config.get("INBOUND_SECRET") or "")
    body = ctx.body_raw if isinstance(ctx.body_raw, dict) else {}
    given = str(body.get("secret") or ctx.query.get("secret") or "")
    if not expected:
        raise Forbidden("inbound_not_configured",
                        "未配置短信网关密钥（INBOUND_SECRET），不接收回复",
                        "INBOUND_SECRET is not set: replies are not accepted", status=403)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("bad_inbound_secret", "短信网关密钥不正确", "The gateway secret is wrong",
                        field="secret", status=401)
    return {k: v for k, v in body.items() if k != "secret"}


@router.route("POST", "/inbound", public=True,
              summary="短信网关推送居民回复（需密钥）/ A resident's reply, from the SMS gateway")
def inbound(ctx: Context) -> Response:
    data = InboundSchema().load(_gateway_body(ctx))
    data["from"] = data.pop("from_")
    communities = list(ctx.service.program.manifest["communities"])
    now = utcnow()

    def work(tx: Transaction) -> tuple[dict, bool]:
        row, created = replies.receive_reply(tx, data, now, communities)
        return views.inbound_view(row, None), created
    view, created = write(ctx, work)
    return (201 if created else 200), {**view, "duplicate": not created}


@router.route("POST", "/delivery", public=True,
              summary="短信网关的送达回执（需密钥）/ A delivery report from the SMS gateway")
def delivery(ctx: Context) -> Response:
    data = DeliverySchema().load(_gateway_body(ctx))
    now = utcnow()

    def work(tx: Transaction) -> dict:
        message = sending.delivery_report(tx.session, data, now)
        return {"reference": sending.reference(message.id), "state": message.state}
    return 200, write(ctx, work)


@router.route("GET", "/inbound", query=ListQuery, summary="居民回复 / Residents' replies")
def list_inbound(ctx: Context) -> Response:
    require_operator(ctx.staff)
    return 200, read(ctx, lambda session: views.list_inbound(session, ctx.staff, ctx.query))


# -- figures and the record ----------------------------------------------------------------------

@router.route("GET", "/figures", query=PeriodQuery,
              summary="统计（按时段）/ Figures for a period")
def figures(ctx: Context) -> Response:
    """``?from=&to=``: Beijing dates; from the first of this month to today unless given."""
    require_staff(ctx.staff)
    today = local_date(utcnow())
    start = ctx.query["date_from"] or today.replace(day=1)
    end = ctx.query["date_to"] or today
    if end < start:
        raise DomainError("bad_period", "结束日期应不早于开始日期", "The end is before the start",
                          field="to", status=422)
    begin, finish = local_range(start, end)
    result = read(ctx, lambda session: period_figures(
        session, ctx.staff["community"], begin, finish))
    return 200, {**result, "from_date": start.isoformat(), "to_date": end.isoformat()}


@router.route("GET", "/changes", query=ListQuery, summary="操作记录 / Who changed what, when")
def list_changes(ctx: Context) -> Response:
    require_operator(ctx.staff)
    return 200, read(ctx, lambda session: views.list_changes(session, ctx.staff, ctx.query))


# -- cases from intake ---------------------------------------------------------------------------

@router.route("GET", "/cases", summary="收到的诉求 / Cases received")
def list_cases(ctx: Context) -> Response:
    require_operator(ctx.staff)
    return 200, read(ctx, lambda session: views.list_cases(session, ctx.staff))


@router.route("GET", "/cases/{case_id:int}", summary="一件诉求 / One case")
def get_case(ctx: Context) -> Response:
    require_operator(ctx.staff)
    return 200, read(ctx, lambda session: views.case_view(
        cases.get_case(session, ctx.params["case_id"], ctx.staff), ctx.staff))


def _finish(ctx: Context, resolved: bool, text: str, reply: str | None = None) -> Response:
    require_operator(ctx.staff)
    now = utcnow()
    return 200, write(ctx, lambda tx: views.case_view(cases.finish(
        tx, ctx.staff, ctx.params["case_id"], now, resolved=resolved, text=text, reply=reply),
        ctx.staff))


@router.route("POST", "/cases/{case_id:int}/resolve", body=ResolveSchema,
              summary="办结并答复 / Resolve, with the answer for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    return _finish(ctx, True, body["result"], body.get("reply"))


@router.route("POST", "/cases/{case_id:int}/return", body=ReturnSchema,
              summary="退回（说明原因）/ Return, saying why")
def return_case(ctx: Context, body: dict) -> Response:
    return _finish(ctx, False, body["note"])
