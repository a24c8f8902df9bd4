"""The roster: every volunteer of the community, where they live on the grid, their skills, when
they joined, whether they are active. A phone is one volunteer's in a community. A volunteer who
holds a post cannot be made inactive until someone replaces them or they step down."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Volunteer
from . import posts
from .activity import record
from .grid import where_on_grid


def get_volunteer(session: Session, community: str, volunteer_id: int | None, *,
                  field: str | None = None) -> Volunteer:
    """A volunteer of ``community``; named in a body (``field``), one not there is a 422 on that
    field, in a path a 404."""
    volunteer = session.get(Volunteer, volunteer_id) if volunteer_id is not None else None
    if volunteer is None or volunteer.community != community:
        if field:
            raise DomainError("unknown_volunteer", f"没有编号为 {volunteer_id} 的志愿者",
                              f"No volunteer {volunteer_id}", field=field, status=422)
        raise NotFound("volunteer_not_found", f"没有编号为 {volunteer_id} 的志愿者",
                       f"No volunteer {volunteer_id}", field="volunteer_id")
    return volunteer


def _phone_free(session: Session, community: str, phone: str, volunteer_id: int | None = None
                ) -> None:
    same = session.scalars(select(Volunteer).where(Volunteer.community == community,
                                                   Volunteer.phone == phone)).first()
    if same is not None and same.id != volunteer_id:
        raise Conflict("volunteer_exists", f"手机号 {phone} 已经登记为志愿者（编号 {same.id}）",
                       f"Phone {phone} is already a volunteer's (number {same.id})",
                       field="phone")


def _joined_by_today(data: dict, now: datetime) -> None:
    if data.get("joined_on") is not None and data["joined_on"] > local_date(now):
        raise DomainError("joined_in_future", "加入日期不能晚于今天",
                          "The date joined cannot be in the future", field="joined_on",
                          status=422)


def add_volunteer(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
                  now: datetime, *, case_id: int | None = None) -> Volunteer:
    """A new volunteer, active; joined today unless a date is given."""
    zone_id, building_id, door_id = where_on_grid(tx.session, community, data)
    _phone_free(tx.session, community, data["phone"])
    _joined_by_today(data, now)
    volunteer = Volunteer(community=community, name=data["name"], phone=data["phone"],
                          zone_id=zone_id, building_id=building_id, door_id=door_id,
                          skills=sorted(set(data.get("skills") or [])),
                          joined_on=data.get("joined_on") or local_date(now), active=True,
                          case_id=case_id, created_at=now, created_by=actor_name(who))
    tx.session.add(volunteer)
    tx.session.flush()
    record(tx, community, "volunteer", volunteer.id, "added", who, now, name=volunteer.name)
    return volunteer


def update_volunteer(tx: Transaction, community: str, volunteer_id: int, data: dict[str, Any],
                     who: Staff, now: datetime) -> Volunteer:
    """A change of name, phone, skills or home. A head's new name or phone is sent on (the SMS
    broadcasts text heads at the number the grid has); a head cannot move away from the place
    they head."""
    volunteer = get_volunteer(tx.session, community, volunteer_id)
    before = {"name": volunteer.name, "phone": volunteer.phone}
    if "phone" in data:
        _phone_free(tx.session, community, data["phone"], volunteer.id)
    _joined_by_today(data, now)
    if {"zone_id", "building_id", "door_id"} & set(data):
        zone_id, building_id, door_id = where_on_grid(tx.session, community, data)
        posts.require_still_living_there(tx.session, volunteer, zone_id, building_id, door_id)
        volunteer.zone_id, volunteer.building_id, volunteer.door_id = zone_id, building_id, \
            door_id
    for key in ("name", "phone", "joined_on"):
        if key in data:
            setattr(volunteer, key, data[key])
    if "skills" in data:
        volunteer.skills = sorted(set(data["skills"]))
    record(tx, community, "volunteer", volunteer.id, "changed", who, now,
           fields=sorted(data))
    if before != {"name": volunteer.name, "phone": volunteer.phone}:
        posts.tell_heads_details(tx, volunteer, now)
    return volunteer


def set_active(tx: Transaction, community: str, volunteer_id: int, active: bool,
               note: str | None, who: Staff, now: datetime) -> Volunteer:
    """A volunteer leaves (inactive, from today) or comes back. One who holds a post must be
    replaced, or step down, first."""
    volunteer = get_volunteer(tx.session, community, volunteer_id)
    if volunteer.active == active:
        raise Conflict("already_active" if active else "already_inactive",
                       "这位志愿者已经是在岗状态" if active else "这位志愿者已经不在岗了",
                       "The volunteer is already active" if active
                       else "The volunteer is already inactive", field="active")
    held = posts.current_posts(tx.session, community, volunteer_id=volunteer.id)
    if not active and held:
        names = "、".join(posts.post_title(tx.session, post, "zh") for post in held)
        raise Conflict("holds_a_post", f"这位志愿者还担任{names}，请先任命接任者或让其卸任",
                       "The volunteer still holds a post: appoint a successor or let them "
                       "step down first", field="active")
    volunteer.active = active
    volunteer.left_on = None if active else local_date(now)
    record(tx, community, "volunteer", volunteer.id, "activated" if active else "deactivated",
           who, now, note=note)
    return volunteer


def list_volunteers(session: Session, community: str, *, zone_id: int | None = None,
                    building_id: int | None = None, active: bool | None = None,
                    skill: str | None = None) -> list[Volunteer]:
    query = select(Volunteer).where(Volunteer.community == community)
    if zone_id is not None:
        query = query.where(Volunteer.zone_id == zone_id)
    if building_id is not None:
        query = query.where(Volunteer.building_id == building_id)
    if active is not None:
        query = query.where(Volunteer.active == active)
    found = list(session.scalars(query.order_by(Volunteer.id)))
    return [v for v in found if skill in v.skills] if skill else found
