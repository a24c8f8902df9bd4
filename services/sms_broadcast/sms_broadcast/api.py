"""sms_broadcast's staff API, served by the gateway at /api/v1/programs/sms_broadcast/…

Two routes are public, for the SMS gateway rather than staff: ``POST /inbound`` (a resident's
reply) and ``POST /delivery`` (a delivery report). Both carry the shared secret
(``INBOUND_SECRET``) as ``secret`` in the body or the query string.
"""
import hmac
from datetime import datetime, time, timedelta

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate
from sqlalchemy import select

from minzi.api import DomainError, Forbidden, Router
from minzi.envelope import utcnow

from . import domain
from .models import (
    Broadcast,
    Building,
    Change,
    Consent,
    Contact,
    Door,
    Inbound,
    Message,
    ProgramCase,
    Zone,
)

router = Router()


class Strict(Schema):
    class Meta:
        unknown = RAISE


class PlaceSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(max=100))
    head_name = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=100))
    head_phone = fields.String(load_default=None, allow_none=True)


class ZoneSchema(PlaceSchema):
    pass


class BuildingSchema(PlaceSchema):
    zone_id = fields.Integer(required=True)


class DoorSchema(PlaceSchema):
    building_id = fields.Integer(required=True)


class HeadSchema(Strict):
    head_name = fields.String(allow_none=True, validate=validate.Length(max=100))
    head_phone = fields.String(allow_none=True)


class ContactSchema(Strict):
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    phone = fields.String(required=True)
    zone_id = fields.Integer(load_default=None, allow_none=True)
    building_id = fields.Integer(load_default=None, allow_none=True)
    door_id = fields.Integer(load_default=None, allow_none=True)


class ContactChangeSchema(Strict):
    name = fields.String(allow_none=True, validate=validate.Length(max=100))
    phone = fields.String()
    zone_id = fields.Integer(allow_none=True)
    building_id = fields.Integer(allow_none=True)
    door_id = fields.Integer(allow_none=True)


class ConsentSchema(Strict):
    note = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class BroadcastSchema(Strict):
    text = fields.String(required=True)
    target = fields.String(load_default="community")
    zone_id = fields.Integer(load_default=None, allow_none=True)
    building_id = fields.Integer(load_default=None, allow_none=True)
    scheduled_at = fields.DateTime(load_default=None, allow_none=True)


class InboundSchema(Schema):
    """What the SMS gateway posts; fields it adds are ignored."""
    class Meta:
        unknown = EXCLUDE

    from_ = fields.String(data_key="from", required=True, validate=validate.Length(min=1, max=30))
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    message_id = fields.String(required=True, validate=validate.Length(min=1, max=80))
    received_at = fields.DateTime(load_default=None, allow_none=True)


class DeliverySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    reference = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("delivered", "failed")))
    error = fields.String(load_default=None, allow_none=True)
    at = fields.DateTime(load_default=None, allow_none=True)


class ListQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    zone_id = fields.Integer(load_default=None)
    building_id = fields.Integer(load_default=None)
    state = fields.String(load_default=None)
    opted_out = fields.Boolean(load_default=None)
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class PeriodQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)


class ResolveSchema(Strict):
    result = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    reply = fields.String(load_default=None, validate=validate.Length(min=1, max=4000))


class ReturnSchema(Strict):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))


def _id(ctx, name="id"):
    try:
        return int(ctx.params[name])
    except ValueError:
        raise DomainError("bad_id", "编号应为整数", "The id must be a whole number", field=name,
                          status=404)


def _page(query, q):
    return query.offset(q["offset"]).limit(q["limit"])


# -- the grid ------------------------------------------------------------------------------------

def _create(ctx, body, make, view):
    domain.require_operator(ctx.staff)
    with ctx.service.store.transaction() as tx:
        row = make(tx, ctx.staff, body, utcnow())
        return 201, view(row, ctx.staff)


@router.route("POST", "/zones", body=ZoneSchema, summary="新建片区 / Add a zone")
def create_zone(ctx, body):
    return _create(ctx, body, domain.create_zone, domain.zone_view)


@router.route("POST", "/buildings", body=BuildingSchema, summary="新建楼 / Add a building")
def create_building(ctx, body):
    return _create(ctx, body, domain.create_building, domain.building_view)


@router.route("POST", "/doors", body=DoorSchema, summary="新建门（单元）/ Add a door")
def create_door(ctx, body):
    return _create(ctx, body, domain.create_door, domain.door_view)


def _heads(model, view):
    def change(ctx, body):
        domain.require_operator(ctx.staff)
        with ctx.service.store.transaction() as tx:
            row = domain.update_head(tx, ctx.staff, model, _id(ctx), body, utcnow())
            return 200, view(row, ctx.staff)
    return change


router.route("PATCH", "/zones/{id}", body=HeadSchema,
             summary="更换区长 / Change the zone head")(_heads(Zone, domain.zone_view))
router.route("PATCH", "/buildings/{id}", body=HeadSchema,
             summary="更换楼长 / Change the building head")(_heads(Building, domain.building_view))
router.route("PATCH", "/doors/{id}", body=HeadSchema,
             summary="更换门长 / Change the door head")(_heads(Door, domain.door_view))


@router.route("GET", "/zones", summary="片区与区长 / Zones and their heads")
def list_zones(ctx):
    domain.require_staff(ctx.staff)
    with ctx.service.store.session() as session:
        rows = session.scalars(select(Zone).where(Zone.community == ctx.staff["community"])
                               .order_by(Zone.id))
        return 200, [domain.zone_view(z, ctx.staff) for z in rows]


@router.route("GET", "/buildings", query=ListQuery, summary="楼与楼长 / Buildings and heads")
def list_buildings(ctx):
    domain.require_staff(ctx.staff)
    query = select(Building).where(Building.community == ctx.staff["community"])
    if ctx.query["zone_id"] is not None:
        query = query.where(Building.zone_id == ctx.query["zone_id"])
    with ctx.service.store.session() as session:
        rows = session.scalars(_page(query.order_by(Building.id), ctx.query)).unique()
        return 200, [domain.building_view(b, ctx.staff) for b in rows]


@router.route("GET", "/doors", query=ListQuery, summary="门（单元）与门长 / Doors and heads")
def list_doors(ctx):
    domain.require_staff(ctx.staff)
    query = select(Door).where(Door.community == ctx.staff["community"])
    if ctx.query["building_id"] is not None:
        query = query.where(Door.building_id == ctx.query["building_id"])
    with ctx.service.store.session() as session:
        rows = session.scalars(_page(query.order_by(Door.id), ctx.query)).unique()
        return 200, [domain.door_view(d, ctx.staff) for d in rows]


# -- residents -----------------------------------------------------------------------------------

@router.route("POST", "/contacts", body=ContactSchema,
              summary="登记居民联系方式 / Register a resident's contact")
def create_contact(ctx, body):
    return _create(ctx, body, domain.create_contact, domain.contact_view)


@router.route("PATCH", "/contacts/{id}", body=ContactChangeSchema,
              summary="修改居民信息 / Change a resident's details")
def update_contact(ctx, body):
    domain.require_operator(ctx.staff)
    with ctx.service.store.transaction() as tx:
        contact = domain.update_contact(tx, ctx.staff, _id(ctx), body, utcnow())
        return 200, domain.contact_view(contact, ctx.staff)


@router.route("GET", "/contacts", query=ListQuery, summary="居民联系方式 / Residents' contacts")
def list_contacts(ctx):
    domain.require_operator(ctx.staff)
    q = ctx.query
    query = select(Contact).where(Contact.community == ctx.staff["community"])
    if q["zone_id"] is not None:
        query = query.where(Contact.zone_id == q["zone_id"])
    if q["building_id"] is not None:
        query = query.where(Contact.building_id == q["building_id"])
    if q["opted_out"] is not None:
        query = query.where(Contact.opted_out.is_(q["opted_out"]))
    with ctx.service.store.session() as session:
        rows = session.scalars(_page(query.order_by(Contact.id), q)).unique()
        return 200, [domain.contact_view(c, ctx.staff) for c in rows]


@router.route("GET", "/contacts/{id}", summary="一位居民 / One resident")
def get_contact(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        contact = domain.get_contact(session, ctx.staff["community"], _id(ctx))
        view = domain.contact_view(contact, ctx.staff)
        view["consents"] = [domain.consent_view(c, ctx.staff) for c in session.scalars(
            select(Consent).where(Consent.contact_id == contact.id).order_by(Consent.id))]
        return 200, view


def _consent(opt_out):
    def change(ctx, body):
        domain.require_operator(ctx.staff)
        with ctx.service.store.transaction() as tx:
            contact = domain.staff_consent(tx, ctx.staff, _id(ctx), opt_out, body["note"],
                                           utcnow())
            return 200, domain.contact_view(contact, ctx.staff)
    return change


router.route("POST", "/contacts/{id}/opt-out", body=ConsentSchema,
             summary="登记居民退订（当面或电话）/ Record an opt-out given in person")(_consent(True))
router.route("POST", "/contacts/{id}/opt-in", body=ConsentSchema,
             summary="登记居民恢复订阅 / Record an opt-in given in person")(_consent(False))


@router.route("GET", "/consents", query=ListQuery, summary="退订与恢复记录 / Consent records")
def list_consents(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        rows = session.scalars(_page(select(Consent).where(
            Consent.community == ctx.staff["community"]).order_by(Consent.id.desc()), ctx.query))
        return 200, [domain.consent_view(c, ctx.staff) for c in rows]


# -- broadcasts ----------------------------------------------------------------------------------

@router.route("POST", "/broadcasts", body=BroadcastSchema,
              summary="群发通知（立即或预约）/ Send a notice, now or at a set time")
def create_broadcast(ctx, body):
    domain.require_operator(ctx.staff)
    with ctx.service.store.transaction() as tx:
        broadcast = domain.create_broadcast(tx, ctx.staff, body, utcnow())
    ctx.service.sms.wake()  # committed: its messages go now
    with ctx.service.store.session() as session:
        broadcast = session.get(Broadcast, broadcast.id)
        return 201, domain.broadcast_view(session, broadcast, ctx.staff)


@router.route("GET", "/broadcasts", query=ListQuery, summary="群发记录 / Broadcasts")
def list_broadcasts(ctx):
    domain.require_staff(ctx.staff)
    query = select(Broadcast).where(Broadcast.community == ctx.staff["community"])
    if ctx.query["state"]:
        query = query.where(Broadcast.state == ctx.query["state"])
    with ctx.service.store.session() as session:
        rows = session.scalars(_page(query.order_by(Broadcast.id.desc()), ctx.query)).all()
        return 200, [domain.broadcast_view(session, b, ctx.staff) for b in rows]


@router.route("GET", "/broadcasts/{id}", summary="一次群发 / One broadcast")
def get_broadcast(ctx):
    domain.require_staff(ctx.staff)
    with ctx.service.store.session() as session:
        broadcast = domain.get_broadcast(session, ctx.staff["community"], _id(ctx))
        return 200, domain.broadcast_view(session, broadcast, ctx.staff)


@router.route("GET", "/broadcasts/{id}/messages", query=ListQuery,
              summary="每位居民的发送状态 / Each recipient's message state")
def list_messages(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        broadcast = domain.get_broadcast(session, ctx.staff["community"], _id(ctx))
        query = select(Message).where(Message.broadcast_id == broadcast.id)
        if ctx.query["state"]:
            query = query.where(Message.state == ctx.query["state"])
        rows = session.scalars(_page(query.order_by(Message.id), ctx.query)).unique()
        return 200, [domain.message_view(m, ctx.staff) for m in rows]


@router.route("POST", "/broadcasts/{id}/cancel",
              summary="取消预约群发 / Cancel a scheduled broadcast")
def cancel_broadcast(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.transaction() as tx:
        broadcast = domain.cancel_broadcast(tx, ctx.staff, _id(ctx), utcnow())
        return 200, domain.broadcast_view(tx.session, broadcast, ctx.staff)


@router.route("POST", "/broadcasts/{id}/retry",
              summary="重发失败的短信 / Send the failed messages again")
def retry_broadcast(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.transaction() as tx:
        count = domain.retry_failed(tx, ctx.staff, _id(ctx), utcnow())
        broadcast_id = _id(ctx)
    ctx.service.sms.wake()
    with ctx.service.store.session() as session:
        broadcast = session.get(Broadcast, broadcast_id)
        return 200, {**domain.broadcast_view(session, broadcast, ctx.staff), "retried": count}


# -- from the SMS gateway ------------------------------------------------------------------------

def _check_secret(ctx):
    expected = str(ctx.service.config.get("INBOUND_SECRET") or "")
    body = ctx.body_raw if isinstance(ctx.body_raw, dict) else {}
    given = str(body.get("secret") or ctx.query.get("secret") or "")
    if not expected:
        raise Forbidden("inbound_not_configured", "未配置短信网关密钥（INBOUND_SECRET），不接收回复",
                        "INBOUND_SECRET is not set: replies are not accepted", status=403)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("bad_inbound_secret", "短信网关密钥不正确", "The gateway secret is wrong",
                        field="secret", status=401)
    return body


@router.route("POST", "/inbound", public=True,
              summary="短信网关推送居民回复（需密钥）/ A resident's reply, from the SMS gateway")
def inbound(ctx):
    body = _check_secret(ctx)
    data = InboundSchema().load({k: v for k, v in body.items() if k != "secret"})
    data["from"] = data.pop("from_")
    communities = list(ctx.service.program.manifest["communities"])
    with ctx.service.store.transaction() as tx:
        row, created = domain.receive_reply(tx, data, utcnow(), communities)
        view = domain.inbound_view(row, None)
    return (201 if created else 200), {**view, "duplicate": not created}


@router.route("POST", "/delivery", public=True,
              summary="短信网关的送达回执（需密钥）/ A delivery report from the SMS gateway")
def delivery(ctx):
    body = _check_secret(ctx)
    data = DeliverySchema().load({k: v for k, v in body.items() if k != "secret"})
    with ctx.service.store.transaction() as tx:
        message = domain.delivery_report(tx.session, data, utcnow())
        return 200, {"reference": f"minzi-sms-{message.id}", "state": message.state}


@router.route("GET", "/inbound", query=ListQuery, summary="居民回复 / Residents' replies")
def list_inbound(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        rows = session.scalars(_page(select(Inbound).where(
            Inbound.community == ctx.staff["community"]).order_by(Inbound.id.desc()), ctx.query))
        return 200, [domain.inbound_view(i, ctx.staff) for i in rows]


# -- figures and the record ----------------------------------------------------------------------

@router.route("GET", "/figures", query=PeriodQuery,
              summary="统计（按时段）/ Figures for a period")
def figures(ctx):
    domain.require_staff(ctx.staff)
    today = datetime.now(domain.BEIJING).date()
    start = ctx.query.get("from_") or today.replace(day=1)
    end = ctx.query.get("to") or today
    if end < start:
        raise DomainError("bad_period", "结束日期应不早于开始日期", "The end is before the start",
                          field="to", status=422)
    begin = datetime.combine(start, time.min, domain.BEIJING)
    finish = datetime.combine(end + timedelta(days=1), time.min, domain.BEIJING)
    with ctx.service.store.session() as session:
        result = domain.figures(session, ctx.staff["community"], begin, finish)
        return 200, {**result, "from_date": start.isoformat(), "to_date": end.isoformat()}


@router.route("GET", "/changes", query=ListQuery, summary="操作记录 / Who changed what, when")
def list_changes(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        rows = session.scalars(_page(select(Change).where(
            Change.community == ctx.staff["community"]).order_by(Change.id.desc()), ctx.query))
        return 200, [domain.change_view(c) for c in rows]


# -- cases from intake ---------------------------------------------------------------------------

@router.route("GET", "/cases", summary="收到的诉求 / Cases received")
def list_cases(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        cases = session.scalars(select(ProgramCase).where(
            ProgramCase.community == ctx.staff["community"]).order_by(ProgramCase.case_id))
        return 200, [domain.case_view(c, ctx.staff) for c in cases]


@router.route("GET", "/cases/{case_id}", summary="一件诉求 / One case")
def get_case(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        return 200, domain.case_view(domain.get_case(session, _id(ctx, "case_id"), ctx.staff),
                                     ctx.staff)


def _finish(ctx, resolved, text, reply=None):
    domain.require_operator(ctx.staff)
    with ctx.service.store.transaction() as tx:
        case = domain.get_case(tx.session, _id(ctx, "case_id"), ctx.staff)
        report = domain.finish(case, ctx.staff, resolved=resolved, text=text, reply=reply)
        tx.publish("case.reported", report, community=case.community)
        domain.record(tx.session, case.community, domain.actor_name(ctx.staff),
                      "case_resolved" if resolved else "case_returned", "case", case.case_id,
                      text, utcnow())
        return 200, domain.case_view(case, ctx.staff)


@router.route("POST", "/cases/{case_id}/resolve", body=ResolveSchema,
              summary="办结并答复 / Resolve, with the answer for the resident")
def resolve(ctx, body):
    return _finish(ctx, True, body["result"], body.get("reply"))


@router.route("POST", "/cases/{case_id}/return", body=ReturnSchema,
              summary="退回（说明原因）/ Return, saying why")
def return_case(ctx, body):
    return _finish(ctx, False, body["note"])

