"""sms_broadcast's rules, as plain Python: no nameko here.

Functions that change something take a unit of work ``uow`` (``uow.session`` and
``uow.publish(routing_key, data, community=...)`` writing to the outbox in the same transaction),
the acting staff member ``staff`` and the time ``now`` (UTC, aware). A rule that says no raises a
``DomainError`` before anything is flushed, and the caller's transaction is rolled back: bad input
changes nothing.
"""
import re
from datetime import UTC, timedelta, timezone

from sqlalchemy import func, select, update

from minzi.api import Conflict, DomainError, Forbidden, NotFound
from minzi.envelope import isoformat, utcnow
from minzi.logs import mask_phone

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

PROGRAM_ID = "sms_broadcast"
OPERATOR_ROLES = ("program_staff", "handler")
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
MAX_TEXT = 500
TARGETS = ("community", "zone", "building")
OPT_OUT_WORDS = {"TD", "退订", "UNSUBSCRIBE"}
OPT_IN_WORDS = {"订阅", "恢复", "SUBSCRIBE"}
# what a keyword may be wrapped in: spaces (also full-width), quotes, and final punctuation
_NOISE = re.compile(r"[\s\u3000\"'“”‘’。．.！!，,？?~～]+")
_PHONE = re.compile(r"^1[3-9]\d{9}$")


# -- who may do what -----------------------------------------------------------------------------

def is_operator(staff):
    return bool(staff) and (staff.get("role") == "admin" or (
        staff.get("role") in OPERATOR_ROLES and staff.get("program_id") == PROGRAM_ID))


def require_operator(staff):
    """The program's own staff, or an admin, of the community in question."""
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有本项目工作人员可以操作",
                        "Only this program's staff may do this")


def require_staff(staff):
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def actor_name(staff):
    return f"{staff.get('name') or staff.get('username')}#{staff.get('id')}"


def record(session, community, actor, action, entity, entity_id=None, note=None, now=None):
    session.add(Change(community=community, at=now or utcnow(), actor=actor, action=action,
                       entity=entity, entity_id=entity_id, note=note))


# -- input checks --------------------------------------------------------------------------------

def normalise_phone(raw):
    """``+86 138-0000-1111`` -> ``13800001111``; None when it is not a mainland mobile number."""
    if raw is None:
        return None
    digits = re.sub(r"[\s\-()（）]", "", str(raw))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _PHONE.match(digits) else None


def check_phone(raw, field="phone", required=True):
    if raw in (None, "") and not required:
        return None
    phone = normalise_phone(raw)
    if phone is None:
        raise DomainError("bad_phone", "手机号应为 11 位大陆手机号码",
                          "A phone must be an 11-digit mainland mobile number",
                          field=field, status=422)
    return phone


def check_text(text):
    text = (text or "").strip()
    if not text:
        raise DomainError("text_empty", "短信内容不能为空", "The text must not be empty",
                          field="text", status=422)
    if len(text) > MAX_TEXT:
        raise DomainError("text_too_long", f"短信内容不能超过 {MAX_TEXT} 字（现有 {len(text)} 字）",
                          f"The text may have at most {MAX_TEXT} characters ({len(text)} given)",
                          field="text", status=422)
    return text


def check_name(name, field="name"):
    name = (name or "").strip()
    if not name:
        raise DomainError("name_empty", "名称不能为空", "The name must not be empty",
                          field=field, status=422)
    return name


def keyword(text):
    """``"  td。"`` -> ``"TD"``: what a reply says once spacing, case and punctuation are gone."""
    return _NOISE.sub("", text or "").upper()


# -- the grid ------------------------------------------------------------------------------------

def get_zone(session, community, zone_id, field="zone_id"):
    zone = session.get(Zone, zone_id) if zone_id is not None else None
    if zone is None or zone.community != community:
        raise DomainError("unknown_zone", f"没有编号为 {zone_id} 的片区",
                          f"No zone {zone_id}", field=field, status=422)
    return zone


def get_building(session, community, building_id, field="building_id"):
    building = session.get(Building, building_id) if building_id is not None else None
    if building is None or building.community != community:
        raise DomainError("unknown_building", f"没有编号为 {building_id} 的楼",
                          f"No building {building_id}", field=field, status=422)
    return building


def get_door(session, community, door_id, field="door_id"):
    door = session.get(Door, door_id) if door_id is not None else None
    if door is None or door.community != community:
        raise DomainError("unknown_door", f"没有编号为 {door_id} 的门（单元）",
                          f"No door {door_id}", field=field, status=422)
    return door


def _unique(session, model, field, label_zh, label_en, **where):
    query = select(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    if session.scalar(query) is not None:
        raise Conflict(f"{model.__tablename__[:-1]}_exists", f"{label_zh}已存在",
                       f"{label_en} already exists", field=field)


def create_zone(uow, staff, data, now):
    community = staff["community"]
    name = check_name(data.get("name"))
    _unique(uow.session, Zone, "name", f"片区「{name}」", f"Zone '{name}'",
            community=community, name=name)
    zone = Zone(community=community, name=name, head_name=data.get("head_name"),
                head_phone=check_phone(data.get("head_phone"), "head_phone", required=False),
                created_by=actor_name(staff), created_at=now)
    uow.session.add(zone)
    uow.session.flush()
    record(uow.session, community, actor_name(staff), "zone_created", "zone", zone.id, name, now)
    return zone


def create_building(uow, staff, data, now):
    community = staff["community"]
    zone = get_zone(uow.session, community, data.get("zone_id"))
    name = check_name(data.get("name"))
    _unique(uow.session, Building, "name", f"楼「{name}」", f"Building '{name}'",
            community=community, name=name)
    building = Building(community=community, zone_id=zone.id, zone=zone, name=name,
                        head_name=data.get("head_name"),
                        head_phone=check_phone(data.get("head_phone"), "head_phone",
                                               required=False),
                        created_by=actor_name(staff), created_at=now)
    uow.session.add(building)
    uow.session.flush()
    record(uow.session, community, actor_name(staff), "building_created", "building",
           building.id, f"{zone.name} {name}", now)
    return building


def create_door(uow, staff, data, now):
    community = staff["community"]
    building = get_building(uow.session, community, data.get("building_id"))
    name = check_name(data.get("name"))
    _unique(uow.session, Door, "name", f"「{building.name}{name}」", f"Door '{name}'",
            building_id=building.id, name=name)
    door = Door(community=community, building_id=building.id, building=building, name=name,
                head_name=data.get("head_name"),
                head_phone=check_phone(data.get("head_phone"), "head_phone", required=False),
                created_by=actor_name(staff), created_at=now)
    uow.session.add(door)
    uow.session.flush()
    record(uow.session, community, actor_name(staff), "door_created", "door", door.id,
           f"{building.name}{name}", now)
    return door


def update_head(uow, staff, model, entity_id, data, now):
    """A new zone / building / door head (or a change of their phone)."""
    getter = {Zone: get_zone, Building: get_building, Door: get_door}[model]
    row = getter(uow.session, staff["community"], entity_id, field="id")
    if "head_name" in data:
        row.head_name = data["head_name"]
    if "head_phone" in data:
        row.head_phone = check_phone(data["head_phone"], "head_phone", required=False)
    row.updated_by, row.updated_at = actor_name(staff), now
    record(uow.session, row.community, actor_name(staff), "head_changed",
           model.__tablename__[:-1], row.id, row.head_name, now)
    return row


def _place(session, community, data):
    """The zone, building and door a contact lives at; the narrower ones imply the wider."""
    door = building = zone = None
    if data.get("door_id") is not None:
        door = get_door(session, community, data["door_id"])
        building = door.building
    if data.get("building_id") is not None:
        given = get_building(session, community, data["building_id"])
        if building is not None and given.id != building.id:
            raise DomainError("door_not_in_building", "该门（单元）不在所填的楼",
                              "The door is not in that building", field="door_id", status=422)
        building = given
    if building is not None:
        zone = building.zone
    if data.get("zone_id") is not None:
        given = get_zone(session, community, data["zone_id"])
        if zone is not None and given.id != zone.id:
            raise DomainError("building_not_in_zone", "该楼不在所填的片区",
                              "The building is not in that zone", field="building_id",
                              status=422)
        zone = given
    if zone is None:
        raise DomainError("place_required", "请填写居民所在的片区、楼或门（单元）",
                          "Give the resident's zone, building or door", field="zone_id",
                          status=422)
    return zone, building, door


def create_contact(uow, staff, data, now):
    community = staff["community"]
    phone = check_phone(data.get("phone"))
    zone, building, door = _place(uow.session, community, data)
    if uow.session.scalar(select(Contact).where(Contact.community == community,
                                                Contact.phone == phone)) is not None:
        raise Conflict("contact_exists", f"手机号 {mask_phone(phone)} 已登记",
                       f"Phone {mask_phone(phone)} is already registered", field="phone")
    contact = Contact(community=community, name=(data.get("name") or "").strip() or None,
                      phone=phone, zone_id=zone.id, zone=zone,
                      building_id=building.id if building else None, building=building,
                      door_id=door.id if door else None, door=door, opted_out=False,
                      created_by=actor_name(staff), created_at=now)
    uow.session.add(contact)
    uow.session.flush()
    said = uow.session.scalar(select(Inbound).where(
        Inbound.phone == phone, Inbound.kind.in_(("opt_out", "opt_in")))
        .order_by(Inbound.received_at.desc(), Inbound.id.desc()).limit(1))
    if said is not None and said.kind == "opt_out":  # they texted TD before they were registered
        set_consent(uow.session, contact, True, now, text=said.text, source="sms",
                    inbound=said, actor=f"居民 {mask_phone(phone)}")
    record(uow.session, community, actor_name(staff), "contact_created", "contact", contact.id,
           address_of(contact), now)
    return contact


def get_contact(session, community, contact_id):
    contact = session.get(Contact, contact_id)
    if contact is None or contact.community != community:
        raise NotFound("contact_not_found", f"没有编号为 {contact_id} 的居民",
                       f"No resident {contact_id}", field="contact_id")
    return contact


def update_contact(uow, staff, contact_id, data, now):
    contact = get_contact(uow.session, staff["community"], contact_id)
    if "name" in data:
        contact.name = (data["name"] or "").strip() or None
    if "phone" in data:
        phone = check_phone(data["phone"])
        if phone != contact.phone and uow.session.scalar(select(Contact).where(
                Contact.community == contact.community, Contact.phone == phone)) is not None:
            raise Conflict("contact_exists", f"手机号 {mask_phone(phone)} 已登记",
                           f"Phone {mask_phone(phone)} is already registered", field="phone")
        contact.phone = phone
    if any(k in data for k in ("zone_id", "building_id", "door_id")):
        zone, building, door = _place(uow.session, contact.community, data)
        contact.zone_id, contact.zone = zone.id, zone
        contact.building_id, contact.building = (building.id if building else None), building
        contact.door_id, contact.door = (door.id if door else None), door
    contact.updated_by, contact.updated_at = actor_name(staff), now
    record(uow.session, contact.community, actor_name(staff), "contact_changed", "contact",
           contact.id, address_of(contact), now)
    return contact


def address_of(contact):
    """The resident's place on the grid, e.g. ``一片区 5号楼 2单元``."""
    parts = [contact.zone.name if contact.zone else None,
             contact.building.name if contact.building else None,
             contact.door.name if contact.door else None]
    return " ".join(p for p in parts if p)


# -- broadcasts ----------------------------------------------------------------------------------

def _aware(moment):
    if moment is None:
        return None
    if moment.tzinfo is None:  # a time without a zone is Beijing wall-clock time
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(UTC)


def recipients_query(broadcast):
    query = select(Contact).where(Contact.community == broadcast.community)
    if broadcast.target == "zone":
        query = query.where(Contact.zone_id == broadcast.zone_id)
    elif broadcast.target == "building":
        query = query.where(Contact.building_id == broadcast.building_id)
    return query.order_by(Contact.id)


def create_broadcast(uow, staff, data, now):
    """A notice now (its messages are made at once, sent after the commit) or at a set time."""
    community = staff["community"]
    text = check_text(data.get("text"))
    target = data.get("target") or "community"
    if target not in TARGETS:
        raise DomainError("unknown_target", "发送范围应为 community / zone / building",
                          "The target is community, zone or building", field="target",
                          status=422)
    zone = building = None
    if target == "zone":
        zone = get_zone(uow.session, community, data.get("zone_id"))
        label = zone.name
    elif target == "building":
        building = get_building(uow.session, community, data.get("building_id"))
        zone = building.zone
        label = f"{zone.name} {building.name}"
    else:
        label = "全社区"
    scheduled_at = _aware(data.get("scheduled_at"))
    if scheduled_at is not None and scheduled_at <= now:
        raise DomainError("schedule_in_past", "预约发送时间已经过去",
                          "The scheduled time is in the past", field="scheduled_at", status=422)
    broadcast = Broadcast(community=community, text=text, target=target,
                          zone_id=zone.id if zone else None,
                          building_id=building.id if building else None, target_label=label,
                          scheduled_at=scheduled_at, state="scheduled",
                          created_by=actor_name(staff), created_at=now)
    contacts = uow.session.scalars(recipients_query(broadcast)).unique().all()
    if not [c for c in contacts if not c.opted_out]:
        raise DomainError("no_recipients", f"「{label}」没有可以接收短信的居民",
                          f"Nobody in '{label}' can receive the message", field="target",
                          status=422)
    uow.session.add(broadcast)
    uow.session.flush()
    record(uow.session, community, actor_name(staff),
           "broadcast_scheduled" if scheduled_at else "broadcast_created", "broadcast",
           broadcast.id, f"{label}：{text[:50]}", now)
    if scheduled_at is None:
        release(uow.session, broadcast, now)
    return broadcast


def release(session, broadcast, now):
    """Make the broadcast's messages: one row per recipient (a second release adds none)."""
    result = session.execute(update(Broadcast).where(
        Broadcast.id == broadcast.id, Broadcast.state == "scheduled").values(
        state="released", released_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # another copy of the service released it first, or it was cancelled
        return []
    broadcast.state, broadcast.released_at = "released", now
    existing = set(session.scalars(select(Message.contact_id).where(
        Message.broadcast_id == broadcast.id)))
    made = []
    for contact in session.scalars(recipients_query(broadcast)).unique():
        if contact.id in existing:
            continue
        message = Message(broadcast_id=broadcast.id, contact_id=contact.id, contact=contact,
                          community=broadcast.community, phone=contact.phone, attempts=0,
                          created_at=now, updated_at=now)
        if contact.opted_out:
            message.state, message.error = "skipped", "居民已退订 / opted out"
        else:
            message.state = "pending"
        session.add(message)
        made.append(message)
    session.flush()
    record(session, broadcast.community, "system", "broadcast_released", "broadcast",
           broadcast.id, f"{len(made)} recipients", now)
    return made


def release_due(session, now):
    """Scheduled broadcasts whose time has come; returns the ids released."""
    due = session.scalars(select(Broadcast).where(
        Broadcast.state == "scheduled", Broadcast.scheduled_at <= now)
        .order_by(Broadcast.scheduled_at, Broadcast.id)).all()
    released = []
    for broadcast in due:
        if release(session, broadcast, now) or broadcast.state == "released":
            released.append(broadcast.id)
    return released


def get_broadcast(session, community, broadcast_id):
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.community != community:
        raise NotFound("broadcast_not_found", f"没有编号为 {broadcast_id} 的群发",
                       f"No broadcast {broadcast_id}", field="broadcast_id")
    return broadcast


def cancel_broadcast(uow, staff, broadcast_id, now):
    broadcast = get_broadcast(uow.session, staff["community"], broadcast_id)
    result = uow.session.execute(update(Broadcast).where(
        Broadcast.id == broadcast.id, Broadcast.state == "scheduled").values(
        state="cancelled", updated_by=actor_name(staff), updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("not_scheduled", "只能取消尚未发送的预约群发",
                       "Only a scheduled broadcast not yet sent can be cancelled",
                       field="broadcast_id")
    broadcast.state, broadcast.updated_by, broadcast.updated_at = \
        "cancelled", actor_name(staff), now
    record(uow.session, broadcast.community, actor_name(staff), "broadcast_cancelled",
           "broadcast", broadcast.id, None, now)
    return broadcast


def retry_failed(uow, staff, broadcast_id, now):
    """Failed messages of a broadcast go back to pending (their attempts start again)."""
    broadcast = get_broadcast(uow.session, staff["community"], broadcast_id)
    messages = uow.session.scalars(select(Message).where(
        Message.broadcast_id == broadcast.id, Message.state == "failed")).all()
    for message in messages:
        contact = message.contact
        if contact.opted_out:
            message.state, message.error = "skipped", "居民已退订 / opted out"
        else:
            message.state, message.attempts, message.retry_at = "pending", 0, None
        message.updated_at = now
    record(uow.session, broadcast.community, actor_name(staff), "broadcast_retried",
           "broadcast", broadcast.id, f"{len(messages)} failed messages", now)
    return len(messages)


# -- sending (the relay calls these; one message per call, committed by the caller) ---------------

def claim(session, message_id, now):
    """Take a pending message for sending; False when another sender took it first."""
    result = session.execute(update(Message).where(
        Message.id == message_id, Message.state == "pending").values(
        state="sending", claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def sent(message, sender, gateway_ref, now):
    message.state, message.sender, message.gateway_ref = "sent", sender, gateway_ref
    message.attempts += 1
    message.sent_at = message.updated_at = now
    message.error = None


def retry_delay(attempts):
    """5 s after the first failure, then 20 s, 80 s, … at most 10 minutes."""
    return timedelta(seconds=min(5 * 4 ** (attempts - 1), 600))


def send_failed(message, error, now, max_attempts):
    """A failure the gateway told us about: tried again after a pause, until the attempts run
    out; then it is failed, with its error, for staff to see and retry."""
    message.attempts += 1
    message.error = str(error)[:1000]
    message.state = "failed" if message.attempts >= max_attempts else "pending"
    message.retry_at = now + retry_delay(message.attempts) if message.state == "pending" else None
    message.updated_at = now


def due_messages(now):
    return select(Message.id).where(
        Message.state == "pending",
        (Message.retry_at.is_(None)) | (Message.retry_at <= now)).order_by(Message.id)


def expire_claims(session, now, older_than=timedelta(minutes=5)):
    """A message claimed and never finished (the sender died mid-send) may or may not have gone
    out. It is not sent again, which could text the resident twice; staff see it as failed and
    may retry it."""
    stale = session.scalars(select(Message).where(
        Message.state == "sending", Message.claimed_at < now - older_than)).all()
    for message in stale:
        message.state = "failed"
        message.error = "发送中断，结果未知，未自动重发 / interrupted mid-send; not resent"
        message.updated_at = now
    return len(stale)


def delivery_report(session, data, now):
    """The SMS gateway says a message was delivered (or was not)."""
    reference = str(data.get("reference") or "")
    match = re.fullmatch(r"minzi-sms-(\d+)", reference)
    message = session.get(Message, int(match.group(1))) if match else None
    if message is None:
        raise NotFound("message_not_found", "没有这条短信", "No such message", field="reference")
    status = data.get("status")
    if status == "delivered" and message.state in ("sent", "sending"):
        message.state, message.delivered_at = "delivered", _aware(data.get("at")) or now
    elif status == "failed" and message.state in ("sent", "sending"):
        message.state, message.error = "failed", (data.get("error") or "运营商报告未送达")[:1000]
    message.updated_at = now
    return message


# -- replies -------------------------------------------------------------------------------------

def last_message(session, contact_ids):
    if not contact_ids:
        return None
    return session.scalars(select(Message).where(
        Message.contact_id.in_(contact_ids), Message.state.in_(("sent", "delivered")))
        .order_by(Message.sent_at.desc(), Message.id.desc()).limit(1)).first()


def receive_reply(uow, data, now, communities):
    """An SMS from a resident. TD / 退订 opts them out, 订阅 / 恢复 back in (each a consent
    record); anything else becomes a new intake case (``case.submitted``) linked to the broadcast
    they last received. Returns (inbound, created): the same gateway message id again is found,
    not applied again."""
    session = uow.session
    gateway_id = str(data["message_id"]).strip()
    existing = session.scalar(select(Inbound).where(Inbound.gateway_message_id == gateway_id))
    if existing is not None:
        return existing, False
    phone = normalise_phone(data["from"]) or str(data["from"]).strip()[:20]
    text = data["text"].strip()
    contacts = session.scalars(select(Contact).where(Contact.phone == phone)
                               .order_by(Contact.id)).unique().all()
    last = last_message(session, [c.id for c in contacts])
    contact = (last.contact if last else None) or (contacts[0] if contacts else None)
    community = contact.community if contact else (
        communities[0] if len(communities) == 1 else None)
    inbound = Inbound(gateway_message_id=gateway_id, phone=phone, text=text,
                      received_at=_aware(data.get("received_at")) or now, recorded_at=now,
                      community=community, contact_id=contact.id if contact else None,
                      broadcast_id=last.broadcast_id if last else None,
                      message_id=last.id if last else None, kind="unmatched")
    session.add(inbound)
    session.flush()
    word = keyword(text)
    if word in OPT_OUT_WORDS or word in OPT_IN_WORDS:
        opt_out = word in OPT_OUT_WORDS
        inbound.kind = "opt_out" if opt_out else "opt_in"
        for each in contacts:  # a number that says stop is not texted in any community
            set_consent(session, each, opt_out, now, text=text, source="sms",
                        inbound=inbound, message=last, actor=f"居民 {mask_phone(phone)}")
    elif community is not None:
        inbound.kind = "case"
        inbound.request_key = f"sms-inbound-{gateway_id}"
        reference = ({"program_id": PROGRAM_ID, "kind": "broadcast", "id": str(last.broadcast_id)}
                     if last else None)
        uow.publish("case.submitted", {
            "request_key": inbound.request_key, "community": community, "channel": "sms",
            "description": text[:4000],
            "resident": {"name": contact.name if contact else None, "phone": phone},
            "address": address_of(contact) if contact else None,
            "service_code": None, "attributes": {}, "reference": reference,
        }, community=community)
    record(session, community, f"居民 {mask_phone(phone)}", f"reply_{inbound.kind}", "inbound",
           inbound.id, None, now)
    return inbound, True


def set_consent(session, contact, opt_out, now, *, text, source, actor, inbound=None,
                message=None):
    contact.opted_out = opt_out
    contact.opted_out_at = now if opt_out else None
    contact.updated_by, contact.updated_at = actor, now
    session.add(Consent(community=contact.community, contact_id=contact.id, phone=contact.phone,
                        action="opt_out" if opt_out else "opt_in", text=text, source=source,
                        inbound_id=inbound.id if inbound else None,
                        message_id=message.id if message else None, recorded_by=actor, at=now))
    if opt_out:  # what was waiting to go to them is not sent
        for waiting in session.scalars(select(Message).where(
                Message.contact_id == contact.id, Message.state == "pending")):
            waiting.state, waiting.error = "skipped", "居民已退订 / opted out"
            waiting.updated_at = now
    record(session, contact.community, actor, "opted_out" if opt_out else "opted_in", "contact",
           contact.id, text, now)


def staff_consent(uow, staff, contact_id, opt_out, note, now):
    """Staff record a resident's wish given in person or by phone."""
    contact = get_contact(uow.session, staff["community"], contact_id)
    set_consent(uow.session, contact, opt_out, now, text=note, source="staff",
                actor=actor_name(staff))
    return contact


# -- figures -------------------------------------------------------------------------------------

def figures(session, community, start, end):
    """What happened in [start, end): broadcasts, messages by outcome, replies, consent, cases."""
    def count(model, moment, *where):
        return session.scalar(select(func.count()).select_from(model).where(
            model.community == community, moment >= start, moment < end, *where)) or 0

    states = dict(session.execute(select(Message.state, func.count()).where(
        Message.community == community, Message.created_at >= start, Message.created_at < end)
        .group_by(Message.state)).all())
    return {
        "community": community, "from": isoformat(start), "to": isoformat(end),
        "broadcasts": count(Broadcast, Broadcast.released_at, Broadcast.state == "released"),
        "scheduled": count(Broadcast, Broadcast.created_at, Broadcast.state == "scheduled"),
        "messages": sum(states.values()),
        "messages_sent": states.get("sent", 0) + states.get("delivered", 0),
        "messages_delivered": states.get("delivered", 0),
        "messages_failed": states.get("failed", 0),
        "messages_skipped": states.get("skipped", 0),
        "messages_pending": states.get("pending", 0) + states.get("sending", 0),
        "replies": count(Inbound, Inbound.received_at),
        "opt_outs": count(Consent, Consent.at, Consent.action == "opt_out"),
        "opt_ins": count(Consent, Consent.at, Consent.action == "opt_in"),
        "cases_raised": count(Inbound, Inbound.received_at, Inbound.kind == "case"),
    }


# -- views ---------------------------------------------------------------------------------------

def _phone(phone, staff):
    return phone if is_operator(staff) else mask_phone(phone)


def zone_view(zone, staff):
    return {"id": zone.id, "community": zone.community, "name": zone.name,
            "head_name": zone.head_name, "head_phone": _phone(zone.head_phone, staff),
            "created_by": zone.created_by, "created_at": isoformat(zone.created_at),
            "updated_by": zone.updated_by, "updated_at": isoformat(zone.updated_at)}


def building_view(building, staff):
    return {**zone_view(building, staff), "zone_id": building.zone_id,
            "zone": building.zone.name}


def door_view(door, staff):
    return {**zone_view(door, staff), "building_id": door.building_id,
            "building": door.building.name}


def contact_view(contact, staff):
    return {"id": contact.id, "community": contact.community, "name": contact.name,
            "phone": _phone(contact.phone, staff), "zone_id": contact.zone_id,
            "building_id": contact.building_id, "door_id": contact.door_id,
            "address": address_of(contact), "opted_out": contact.opted_out,
            "opted_out_at": isoformat(contact.opted_out_at),
            "created_by": contact.created_by, "created_at": isoformat(contact.created_at),
            "updated_by": contact.updated_by, "updated_at": isoformat(contact.updated_at)}


def broadcast_view(session, broadcast, staff=None):
    states = dict(session.execute(select(Message.state, func.count()).where(
        Message.broadcast_id == broadcast.id).group_by(Message.state)).all())
    return {"id": broadcast.id, "community": broadcast.community, "text": broadcast.text,
            "target": broadcast.target, "zone_id": broadcast.zone_id,
            "building_id": broadcast.building_id, "target_label": broadcast.target_label,
            "state": broadcast.state, "scheduled_at": isoformat(broadcast.scheduled_at),
            "released_at": isoformat(broadcast.released_at),
            "created_by": broadcast.created_by, "created_at": isoformat(broadcast.created_at),
            "updated_by": broadcast.updated_by, "updated_at": isoformat(broadcast.updated_at),
            "messages": {s: states.get(s, 0) for s in
                         ("pending", "sending", "sent", "delivered", "failed", "skipped")}}


def message_view(message, staff):
    return {"id": message.id, "broadcast_id": message.broadcast_id,
            "contact_id": message.contact_id, "name": message.contact.name,
            "phone": _phone(message.phone, staff), "address": address_of(message.contact),
            "state": message.state, "attempts": message.attempts, "error": message.error,
            "sender": message.sender, "reference": f"minzi-sms-{message.id}",
            "sent_at": isoformat(message.sent_at), "delivered_at": isoformat(message.delivered_at),
            "updated_at": isoformat(message.updated_at)}


def inbound_view(inbound, staff):
    return {"id": inbound.id, "message_id": inbound.gateway_message_id,
            "phone": _phone(inbound.phone, staff), "text": inbound.text, "kind": inbound.kind,
            "community": inbound.community, "contact_id": inbound.contact_id,
            "broadcast_id": inbound.broadcast_id, "request_key": inbound.request_key,
            "received_at": isoformat(inbound.received_at),
            "recorded_at": isoformat(inbound.recorded_at)}


def consent_view(consent, staff):
    return {"id": consent.id, "contact_id": consent.contact_id,
            "phone": _phone(consent.phone, staff), "action": consent.action,
            "text": consent.text, "source": consent.source, "inbound_id": consent.inbound_id,
            "message_id": consent.message_id, "recorded_by": consent.recorded_by,
            "at": isoformat(consent.at)}


def change_view(change):
    return {"id": change.id, "at": isoformat(change.at), "actor": change.actor,
            "action": change.action, "entity": change.entity, "entity_id": change.entity_id,
            "note": change.note}


# -- cases from intake (the template's handling, kept) -------------------------------------------

def receive(session, data):
    """A case from intake (``case.dispatched``); returns the report to send back."""
    case = session.get(ProgramCase, data["case_id"])
    if case is None:
        case = ProgramCase(case_id=data["case_id"], chases=0)
        session.add(case)
    case.tracking_code = data["tracking_code"]
    case.community = data["community"]
    case.service_code = data["service_code"]
    case.description = data["description"]
    case.resident = data.get("resident") or {}
    case.attributes = data.get("attributes") or {}
    case.state = "received"
    case.updated_at = utcnow()
    return {"case_id": case.case_id, "program_id": PROGRAM_ID, "status": "accepted",
            "note": "已收到，正在办理"}


def chased(session, data):
    case = session.get(ProgramCase, data["case_id"])
    if case is not None:
        case.chases += 1


def recalled(session, data):
    case = session.get(ProgramCase, data["case_id"])
    if case is not None and case.state == "received":
        case.state = "recalled"


def get_case(session, case_id, staff):
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != staff["community"]:
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的诉求", f"No case {case_id}",
                       field="case_id")
    return case


def finish(case, staff, *, resolved, text, reply=None):
    """Resolve (with a result) or return (with why) a case; returns the report for intake."""
    if case.state != "received":
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")
    case.state = "resolved" if resolved else "returned"
    case.result = text
    case.handled_by = staff["name"]
    case.updated_at = utcnow()
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": staff["name"]}
    if resolved:
        return {**report, "status": "resolved", "result": text, "reply": reply}
    return {**report, "status": "returned", "note": text}


def case_view(case, staff=None):
    resident = dict(case.resident or {})
    if resident.get("phone") and not is_operator(staff):
        resident["phone"] = mask_phone(resident["phone"])
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code, "state": case.state,
            "description": case.description, "resident": resident,
            "attributes": case.attributes, "chases": case.chases, "result": case.result,
            "handled_by": case.handled_by}

