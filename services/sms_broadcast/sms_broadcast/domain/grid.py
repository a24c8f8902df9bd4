"""The grid the broadcasts are sent along (区长负责制): zones (片区), buildings (楼) in a
zone and doors (门、单元) in a building, each with its head (区长、楼长、门长). Names are
unique: a zone's and a building's in the community, a door's in its building. The heads come
from the volunteer grid (``apply_head``), where they are appointed: staff do not type them
here."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.db import as_utc
from minzi.store import Transaction

from ..models import Base, Building, Door, Zone
from .changes import record
from .checks import check_name, check_phone

Place = Zone | Building | Door


_UNKNOWN = {Zone: ("unknown_zone", "片区", "zone"),
            Building: ("unknown_building", "楼", "building"),
            Door: ("unknown_door", "门（单元）", "door")}


def _get(session: Session, model: type[Place], community: str, row_id: int | None,
         field: str) -> Place:
    """A zone, building or door of the community; any other id is a named 422 on ``field``."""
    row = session.get(model, row_id) if row_id is not None else None
    if row is None or row.community != community:
        code, zh, en = _UNKNOWN[model]
        raise DomainError(code, f"没有编号为 {row_id} 的{zh}", f"No {en} {row_id}",
                          field=field, status=422)
    return row


def get_zone(session: Session, community: str, zone_id: int | None,
             field: str = "zone_id") -> Zone:
    return _get(session, Zone, community, zone_id, field)


def get_building(session: Session, community: str, building_id: int | None,
                 field: str = "building_id") -> Building:
    return _get(session, Building, community, building_id, field)


def get_door(session: Session, community: str, door_id: int | None,
             field: str = "door_id") -> Door:
    return _get(session, Door, community, door_id, field)


def _unique(session: Session, model: type[Base], field: str, label_zh: str, label_en: str,
            **where: object) -> None:
    query = select(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    if session.scalar(query) is not None:
        raise Conflict(f"{model.__tablename__[:-1]}_exists", f"{label_zh}已存在",
                       f"{label_en} already exists", field=field)


def create_zone(tx: Transaction, staff: Staff, data: dict, now: datetime) -> Zone:
    community = staff["community"]
    name = check_name(data.get("name"))
    _unique(tx.session, Zone, "name", f"片区「{name}」", f"Zone '{name}'",
            community=community, name=name)
    zone = Zone(community=community, name=name, head_name=data.get("head_name"),
                head_phone=check_phone(data.get("head_phone"), "head_phone", required=False),
                created_by=actor_name(staff), created_at=now)
    tx.session.add(zone)
    tx.session.flush()
    record(tx.session, community, actor_name(staff), "zone_created", "zone", zone.id, name, now)
    return zone


def create_building(tx: Transaction, staff: Staff, data: dict, now: datetime) -> Building:
    community = staff["community"]
    zone = get_zone(tx.session, community, data.get("zone_id"))
    name = check_name(data.get("name"))
    _unique(tx.session, Building, "name", f"楼「{name}」", f"Building '{name}'",
            community=community, name=name)
    building = Building(community=community, zone_id=zone.id, zone=zone, name=name,
                        head_name=data.get("head_name"),
                        head_phone=check_phone(data.get("head_phone"), "head_phone",
                                               required=False),
                        created_by=actor_name(staff), created_at=now)
    tx.session.add(building)
    tx.session.flush()
    record(tx.session, community, actor_name(staff), "building_created", "building",
           building.id, f"{zone.name} {name}", now)
    return building


def create_door(tx: Transaction, staff: Staff, data: dict, now: datetime) -> Door:
    community = staff["community"]
    building = get_building(tx.session, community, data.get("building_id"))
    name = check_name(data.get("name"))
    _unique(tx.session, Door, "name", f"「{building.name}{name}」", f"Door '{name}'",
            building_id=building.id, name=name)
    door = Door(community=community, building_id=building.id, building=building, name=name,
                head_name=data.get("head_name"),
                head_phone=check_phone(data.get("head_phone"), "head_phone", required=False),
                created_by=actor_name(staff), created_at=now)
    tx.session.add(door)
    tx.session.flush()
    record(tx.session, community, actor_name(staff), "door_created", "door", door.id,
           f"{building.name}{name}", now)
    return door


def update_head(tx: Transaction, staff: Staff, model: type[Place], entity_id: int, data: dict,
                now: datetime) -> Place:
    """A new zone / building / door head (or a change of their phone). The place is the one the
    path names: one of another community is not found, as one that never was."""
    row = tx.session.get(model, entity_id)
    if row is None or row.community != staff["community"]:
        _, zh, en = _UNKNOWN[model]
        raise NotFound(f"{en}_not_found", f"没有编号为 {entity_id} 的{zh}", f"No {en} {entity_id}",
                       field="id")
    if "head_phone" in data:
        row.head_phone = check_phone(data["head_phone"], "head_phone", required=False)
    if "head_name" in data:
        row.head_name = data["head_name"]
    row.updated_by, row.updated_at = actor_name(staff), now
    record(tx.session, row.community, actor_name(staff), "head_changed",
           model.__tablename__[:-1], row.id, row.head_name, now)
    return row


# -- heads appointed in the volunteer grid -------------------------------------------------------
# The volunteer grid (program volunteer_grid) is the one place heads are appointed; it publishes
# every appointment, replacement and stepping down (volunteer_grid.head_appointed /
# volunteer_grid.head_vacated), and these set the heads texted here. Staff cannot type a head.

GRID = "志愿者网格"        # how the record names the volunteer grid's changes
HEAD_LEVELS = {"zone_head": Zone, "building_head": Building, "door_head": Door}


def head_typed_by_hand(field: str = "head_name") -> DomainError:
    return DomainError(
        "head_from_volunteer_grid",
        "区长、楼长、门长由志愿者网格（区长负责制）任命，这里不能手填：请在志愿者网格的"
        "「网格与负责人」页任命或更换，短信群发会自动收到",
        "Zone, building and door heads are appointed in the volunteer grid, not typed here: "
        "appoint or replace them on the volunteer grid's page of the grid and its heads, and "
        "SMS broadcasts receive them", field=field, status=422)


def _named(session: Session, model: type[Place], community: str, name: str,
           **where: object) -> Place | None:
    query = select(model).where(model.community == community, model.name == name)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return session.scalars(query).first()


def _place_for(session: Session, community: str, data: dict, now: datetime) -> Place:
    """The zone, building or door the volunteer grid names, found by name (made here when the
    grid has it and this program not yet)."""
    def made(row: Place, what: str) -> Place:
        session.add(row)
        session.flush()
        record(session, community, GRID, f"{what}_created", what, row.id, row.name, now)
        return row

    zone = _named(session, Zone, community, data["zone"]["name"]) or made(
        Zone(community=community, name=data["zone"]["name"], created_by=GRID, created_at=now),
        "zone")
    if not data.get("building"):
        return zone
    building = _named(session, Building, community, data["building"]["name"]) or made(
        Building(community=community, zone_id=zone.id, zone=zone,
                 name=data["building"]["name"], created_by=GRID, created_at=now), "building")
    if not data.get("door"):
        return building
    return _named(session, Door, community, data["door"]["name"], building_id=building.id) \
        or made(Door(community=community, building_id=building.id, building=building,
                     name=data["door"]["name"], created_by=GRID, created_at=now), "door")


def apply_head(session: Session, community: str, data: dict, now: datetime) -> Place | None:
    """A head appointed, replaced or gone in the volunteer grid, set on the place here. The
    commanders and deputies are not texted as heads here (None). An older event than the
    grid's change already applied to the place changes nothing."""
    model = HEAD_LEVELS.get(data.get("level"))
    if model is None:
        return None
    at = datetime.fromisoformat(data["at"].replace("Z", "+00:00"))
    row = _place_for(session, community, data, now)
    if row.updated_by == GRID and row.updated_at is not None and as_utc(row.updated_at) > at:
        return row
    head = data.get("head") or {}
    row.head_name = head.get("name")
    row.head_phone = check_phone(head.get("phone"), "head_phone", required=False)
    row.updated_by, row.updated_at = GRID, at
    record(session, community, GRID, "head_appointed" if head else "head_vacated",
           model.__tablename__[:-1], row.id, row.head_name, now)
    return row
