"""Residents reachable by SMS, placed on the grid: by door, building or zone (a narrower place
implies the wider ones). A phone is registered once in a community."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.logs import mask_phone
from minzi.store import Transaction

from ..models import Building, Contact, Door, Inbound, Zone
from .changes import record
from .checks import check_phone
from .consent import resident_actor, set_consent
from .grid import get_building, get_door, get_zone


def address_of(contact: Contact) -> str:
    """The resident's place on the grid, e.g. ``一片区 5号楼 2单元``."""
    parts = [contact.zone.name if contact.zone else None,
             contact.building.name if contact.building else None,
             contact.door.name if contact.door else None]
    return " ".join(p for p in parts if p)


def _place(session: Session, community: str,
           data: dict) -> tuple[Zone, Building | None, Door | None]:
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


def _phone_free(session: Session, community: str, phone: str) -> None:
    if session.scalar(select(Contact).where(Contact.community == community,
                                            Contact.phone == phone)) is not None:
        raise Conflict("contact_exists", f"手机号 {mask_phone(phone)} 已登记",
                       f"Phone {mask_phone(phone)} is already registered", field="phone")


def _keep_earlier_opt_out(session: Session, contact: Contact, now: datetime) -> None:
    """A number whose last word by SMS was TD (texted before it was registered here, or under
    another registration) stays opted out when a contact takes it."""
    said = session.scalar(select(Inbound).where(
        Inbound.phone == contact.phone, Inbound.kind.in_(("opt_out", "opt_in")))
        .order_by(Inbound.received_at.desc(), Inbound.id.desc()).limit(1))
    if said is not None and said.kind == "opt_out" and not contact.opted_out:
        set_consent(session, contact, True, now, text=said.text, source="sms",
                    inbound=said, actor=resident_actor(contact.phone))


def create_contact(tx: Transaction, staff: Staff, data: dict, now: datetime) -> Contact:
    """A resident registered by staff. A number that texted TD before it was registered stays
    opted out."""
    community = staff["community"]
    phone = check_phone(data.get("phone"))
    zone, building, door = _place(tx.session, community, data)
    _phone_free(tx.session, community, phone)
    contact = Contact(community=community, name=(data.get("name") or "").strip() or None,
                      phone=phone, zone_id=zone.id, zone=zone,
                      building_id=building.id if building else None, building=building,
                      door_id=door.id if door else None, door=door, opted_out=False,
                      created_by=actor_name(staff), created_at=now)
    tx.session.add(contact)
    tx.session.flush()
    _keep_earlier_opt_out(tx.session, contact, now)
    record(tx.session, community, actor_name(staff), "contact_created", "contact", contact.id,
           address_of(contact), now)
    return contact


def get_contact(session: Session, community: str, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None or contact.community != community:
        raise NotFound("contact_not_found", f"没有编号为 {contact_id} 的居民",
                       f"No resident {contact_id}", field="contact_id")
    return contact


def update_contact(tx: Transaction, staff: Staff, contact_id: int, data: dict,
                   now: datetime) -> Contact:
    """New details for a resident, all checked before any is changed. Moved to a number that
    texted TD, they stay opted out."""
    contact = get_contact(tx.session, staff["community"], contact_id)
    phone = check_phone(data["phone"]) if "phone" in data else contact.phone
    if phone != contact.phone:
        _phone_free(tx.session, contact.community, phone)
    place = None
    if any(k in data for k in ("zone_id", "building_id", "door_id")):
        place = _place(tx.session, contact.community, data)
    if "name" in data:
        contact.name = (data["name"] or "").strip() or None
    moved = phone != contact.phone
    contact.phone = phone
    if place is not None:
        zone, building, door = place
        contact.zone_id, contact.zone = zone.id, zone
        contact.building_id, contact.building = (building.id if building else None), building
        contact.door_id, contact.door = (door.id if door else None), door
    contact.updated_by, contact.updated_at = actor_name(staff), now
    if moved:
        _keep_earlier_opt_out(tx.session, contact, now)
    record(tx.session, contact.community, actor_name(staff), "contact_changed", "contact",
           contact.id, address_of(contact), now)
    return contact
