"""The grid's places: zones (小区), buildings (楼) in a zone, doors (楼门、单元) in a building.
A zone's and a building's name is unique in the community, a door's in its building. A place of
another community is not there: named in a body it is a 422 on that field, in a path a 404."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.store import Transaction

from ..models import Building, Door, Zone
from .activity import record

Place = Zone | Building | Door
NAMES = {Zone: ("zone", "小区"), Building: ("building", "楼"), Door: ("door", "楼门")}


def get_place(session: Session, model: type[Place], community: str, place_id: int | None, *,
              field: str | None = None) -> Place:
    """A zone, building or door of ``community``. Named in a body (``field``), one not there
    is a 422 naming that field; in a path, a 404."""
    row = session.get(model, place_id) if place_id is not None else None
    if row is None or row.community != community:
        en, zh = NAMES[model]
        if field:
            raise DomainError(f"unknown_{en}", f"没有编号为 {place_id} 的{zh}",
                              f"No {en} {place_id}", field=field, status=422)
        raise NotFound(f"{en}_not_found", f"没有编号为 {place_id} 的{zh}",
                       f"No {en} {place_id}", field=f"{en}_id")
    return row


def _name_free(session: Session, model: type[Place], name: str, **where: Any) -> None:
    query = select(model).where(model.name == name)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    if session.scalars(query).first() is not None:
        en, zh = NAMES[model]
        raise Conflict(f"{en}_exists", f"{zh}「{name}」已经有了", f"{en.title()} {name} exists",
                       field="name")


def add_zone(tx: Transaction, community: str, data: dict, who: Staff, now: datetime) -> Zone:
    _name_free(tx.session, Zone, data["name"], community=community)
    zone = Zone(community=community, name=data["name"], created_at=now,
                created_by=actor_name(who))
    tx.session.add(zone)
    tx.session.flush()
    record(tx, community, "zone", zone.id, "added", who, now, name=zone.name)
    return zone


def add_building(tx: Transaction, community: str, data: dict, who: Staff,
                 now: datetime) -> Building:
    zone = get_place(tx.session, Zone, community, data["zone_id"], field="zone_id")
    _name_free(tx.session, Building, data["name"], community=community)
    building = Building(community=community, zone_id=zone.id, name=data["name"], created_at=now,
                        created_by=actor_name(who))
    tx.session.add(building)
    tx.session.flush()
    record(tx, community, "building", building.id, "added", who, now, name=building.name,
           zone=zone.name)
    return building


def add_door(tx: Transaction, community: str, data: dict, who: Staff, now: datetime) -> Door:
    building = get_place(tx.session, Building, community, data["building_id"],
                         field="building_id")
    _name_free(tx.session, Door, data["name"], building_id=building.id)
    door = Door(community=community, building_id=building.id, name=data["name"],
                created_at=now, created_by=actor_name(who))
    tx.session.add(door)
    tx.session.flush()
    record(tx, community, "door", door.id, "added", who, now, name=door.name,
           building=building.name)
    return door


def zones(session: Session, community: str) -> list[Zone]:
    return list(session.scalars(select(Zone).where(Zone.community == community)
                                .order_by(Zone.id)))


def buildings(session: Session, community: str, zone_id: int | None = None) -> list[Building]:
    query = select(Building).where(Building.community == community)
    if zone_id is not None:
        query = query.where(Building.zone_id == zone_id)
    return list(session.scalars(query.order_by(Building.id)))


def doors(session: Session, community: str, building_id: int | None = None) -> list[Door]:
    query = select(Door).where(Door.community == community)
    if building_id is not None:
        query = query.where(Door.building_id == building_id)
    return list(session.scalars(query.order_by(Door.id)))


def where_on_grid(session: Session, community: str, data: dict) -> tuple[int, int | None,
                                                                         int | None]:
    """Where a volunteer lives, from the most precise place given: a door gives its building
    and zone; a building its zone. A building or door that is not in the zone (or building)
    also given is refused, naming it."""
    zone_id, building_id, door_id = (data.get("zone_id"), data.get("building_id"),
                                     data.get("door_id"))
    if door_id is not None:
        door = get_place(session, Door, community, door_id, field="door_id")
        if building_id is not None and building_id != door.building_id:
            raise DomainError("not_in_building", "这个楼门不在所填的楼里",
                              "That door is not in the building given", field="door_id",
                              status=422)
        building_id = door.building_id
    if building_id is not None:
        building = get_place(session, Building, community, building_id, field="building_id")
        if zone_id is not None and zone_id != building.zone_id:
            raise DomainError("not_in_zone", "这座楼不在所填的小区里",
                              "That building is not in the zone given", field="building_id",
                              status=422)
        zone_id = building.zone_id
    if zone_id is None:
        raise DomainError("place_required", "请写明住在哪个小区（或楼、楼门）",
                          "Say which zone (or building, or door) they live in",
                          field="zone_id", status=422)
    get_place(session, Zone, community, zone_id, field="zone_id")
    return zone_id, building_id, door_id
