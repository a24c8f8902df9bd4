"""What sms_broadcast's staff API shows: every read for a page or a list is here. Residents' and
heads' phones are shown in full to the program's operators only. A list takes the loaded query
string (``limit``, ``offset`` and its filters)."""
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from minzi.api import Staff
from minzi.envelope import isoformat

from ..models import (
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
from .access import shown_phone
from .broadcasts import get_broadcast
from .contacts import address_of, get_contact
from .sending import reference

MESSAGE_STATES = ("pending", "sending", "sent", "delivered", "failed", "skipped")


def _page(query: Select, q: dict) -> Select:
    return query.offset(q["offset"]).limit(q["limit"])


# -- one of each ----------------------------------------------------------------------------------

def zone_view(zone: Zone | Building | Door, staff: Staff | None) -> dict:
    return {"id": zone.id, "community": zone.community, "name": zone.name,
            "head_name": zone.head_name, "head_phone": shown_phone(zone.head_phone, staff),
            "created_by": zone.created_by, "created_at": isoformat(zone.created_at),
            "updated_by": zone.updated_by, "updated_at": isoformat(zone.updated_at)}


def building_view(building: Building, staff: Staff | None) -> dict:
    return {**zone_view(building, staff), "zone_id": building.zone_id,
            "zone": building.zone.name}


def door_view(door: Door, staff: Staff | None) -> dict:
    return {**zone_view(door, staff), "building_id": door.building_id,
            "building": door.building.name}


def contact_view(contact: Contact, staff: Staff | None) -> dict:
    return {"id": contact.id, "community": contact.community, "name": contact.name,
            "phone": shown_phone(contact.phone, staff), "zone_id": contact.zone_id,
            "building_id": contact.building_id, "door_id": contact.door_id,
            "address": address_of(contact), "opted_out": contact.opted_out,
            "opted_out_at": isoformat(contact.opted_out_at),
            "created_by": contact.created_by, "created_at": isoformat(contact.created_at),
            "updated_by": contact.updated_by, "updated_at": isoformat(contact.updated_at)}


def broadcast_view(session: Session, broadcast: Broadcast, staff: Staff | None = None) -> dict:
    states = dict(session.execute(select(Message.state, func.count()).where(
        Message.broadcast_id == broadcast.id).group_by(Message.state)).all())
    return {"id": broadcast.id, "community": broadcast.community, "text": broadcast.text,
            "target": broadcast.target, "zone_id": broadcast.zone_id,
            "building_id": broadcast.building_id, "target_label": broadcast.target_label,
            "state": broadcast.state, "scheduled_at": isoformat(broadcast.scheduled_at),
            "released_at": isoformat(broadcast.released_at),
            "created_by": broadcast.created_by, "created_at": isoformat(broadcast.created_at),
            "updated_by": broadcast.updated_by, "updated_at": isoformat(broadcast.updated_at),
            "messages": {s: states.get(s, 0) for s in MESSAGE_STATES}}


def message_view(message: Message, staff: Staff | None) -> dict:
    return {"id": message.id, "broadcast_id": message.broadcast_id,
            "contact_id": message.contact_id, "name": message.contact.name,
            "phone": shown_phone(message.phone, staff), "address": address_of(message.contact),
            "state": message.state, "attempts": message.attempts, "error": message.error,
            "sender": message.sender, "reference": reference(message.id),
            "sent_at": isoformat(message.sent_at), "delivered_at": isoformat(message.delivered_at),
            "updated_at": isoformat(message.updated_at)}


def inbound_view(inbound: Inbound, staff: Staff | None) -> dict:
    return {"id": inbound.id, "message_id": inbound.gateway_message_id,
            "phone": shown_phone(inbound.phone, staff), "text": inbound.text,
            "kind": inbound.kind, "community": inbound.community,
            "contact_id": inbound.contact_id, "broadcast_id": inbound.broadcast_id,
            "request_key": inbound.request_key, "received_at": isoformat(inbound.received_at),
            "recorded_at": isoformat(inbound.recorded_at)}


def consent_view(consent: Consent, staff: Staff | None) -> dict:
    return {"id": consent.id, "contact_id": consent.contact_id,
            "phone": shown_phone(consent.phone, staff), "action": consent.action,
            "text": consent.text, "source": consent.source, "inbound_id": consent.inbound_id,
            "message_id": consent.message_id, "recorded_by": consent.recorded_by,
            "at": isoformat(consent.at)}


def change_view(change: Change) -> dict:
    return {"id": change.id, "at": isoformat(change.at), "actor": change.actor,
            "action": change.action, "entity": change.entity, "entity_id": change.entity_id,
            "note": change.note}


def case_view(case: ProgramCase, staff: Staff | None = None) -> dict:
    resident = dict(case.resident or {})
    if resident.get("phone"):
        resident["phone"] = shown_phone(resident["phone"], staff)
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code, "state": case.state,
            "description": case.description, "resident": resident,
            "attributes": case.attributes, "chases": case.chases, "result": case.result,
            "handled_by": case.handled_by}


# -- the grid and its residents -------------------------------------------------------------------

def list_zones(session: Session, staff: Staff) -> list[dict]:
    rows = session.scalars(select(Zone).where(Zone.community == staff["community"])
                           .order_by(Zone.id))
    return [zone_view(z, staff) for z in rows]


def list_buildings(session: Session, staff: Staff, q: dict) -> list[dict]:
    query = select(Building).where(Building.community == staff["community"])
    if q["zone_id"] is not None:
        query = query.where(Building.zone_id == q["zone_id"])
    rows = session.scalars(_page(query.order_by(Building.id), q)).unique()
    return [building_view(b, staff) for b in rows]


def list_doors(session: Session, staff: Staff, q: dict) -> list[dict]:
    query = select(Door).where(Door.community == staff["community"])
    if q["building_id"] is not None:
        query = query.where(Door.building_id == q["building_id"])
    rows = session.scalars(_page(query.order_by(Door.id), q)).unique()
    return [door_view(d, staff) for d in rows]


def list_contacts(session: Session, staff: Staff, q: dict) -> list[dict]:
    query = select(Contact).where(Contact.community == staff["community"])
    if q["zone_id"] is not None:
        query = query.where(Contact.zone_id == q["zone_id"])
    if q["building_id"] is not None:
        query = query.where(Contact.building_id == q["building_id"])
    if q["opted_out"] is not None:
        query = query.where(Contact.opted_out.is_(q["opted_out"]))
    rows = session.scalars(_page(query.order_by(Contact.id), q)).unique()
    return [contact_view(c, staff) for c in rows]


def contact_with_consents(session: Session, staff: Staff, contact_id: int) -> dict:
    """One resident, with every consent record of theirs, oldest first."""
    contact = get_contact(session, staff["community"], contact_id)
    consents = session.scalars(select(Consent).where(Consent.contact_id == contact.id)
                               .order_by(Consent.id))
    return {**contact_view(contact, staff), "consents": [consent_view(c, staff)
                                                         for c in consents]}


def list_consents(session: Session, staff: Staff, q: dict) -> list[dict]:
    rows = session.scalars(_page(select(Consent).where(
        Consent.community == staff["community"]).order_by(Consent.id.desc()), q))
    return [consent_view(c, staff) for c in rows]


# -- broadcasts and replies -----------------------------------------------------------------------

def list_broadcasts(session: Session, staff: Staff, q: dict) -> list[dict]:
    query = select(Broadcast).where(Broadcast.community == staff["community"])
    if q["state"]:
        query = query.where(Broadcast.state == q["state"])
    rows = session.scalars(_page(query.order_by(Broadcast.id.desc()), q)).all()
    return [broadcast_view(session, b, staff) for b in rows]


def one_broadcast(session: Session, staff: Staff, broadcast_id: int) -> dict:
    return broadcast_view(session, get_broadcast(session, staff["community"], broadcast_id),
                          staff)


def list_messages(session: Session, staff: Staff, broadcast_id: int, q: dict) -> list[dict]:
    broadcast = get_broadcast(session, staff["community"], broadcast_id)
    query = select(Message).where(Message.broadcast_id == broadcast.id)
    if q["state"]:
        query = query.where(Message.state == q["state"])
    rows = session.scalars(_page(query.order_by(Message.id), q)).unique()
    return [message_view(m, staff) for m in rows]


def list_inbound(session: Session, staff: Staff, q: dict) -> list[dict]:
    rows = session.scalars(_page(select(Inbound).where(
        Inbound.community == staff["community"]).order_by(Inbound.id.desc()), q))
    return [inbound_view(i, staff) for i in rows]


# -- the record and the cases ---------------------------------------------------------------------

def list_changes(session: Session, staff: Staff, q: dict) -> list[dict]:
    rows = session.scalars(_page(select(Change).where(
        Change.community == staff["community"]).order_by(Change.id.desc()), q))
    return [change_view(c) for c in rows]


def list_cases(session: Session, staff: Staff) -> list[dict]:
    cases = session.scalars(select(ProgramCase).where(
        ProgramCase.community == staff["community"]).order_by(ProgramCase.case_id))
    return [case_view(c, staff) for c in cases]
