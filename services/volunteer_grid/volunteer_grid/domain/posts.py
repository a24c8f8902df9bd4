"""The posts of the grid and who holds them (层层抓、层层管、层层负责): the commander and deputy
commanders of the community, each zone's head and deputy heads, each building's head, each
door's head.

* The commander, a zone head, a building head and a door head are one volunteer at a time;
  deputies may be several.
* Only an active volunteer holds a post, and a zone's, building's or door's head lives there.
* Appointing someone to a post another holds replaces them: the old holding ends (``replaced``)
  and stays on the record with the new one; a holder may also step down.
* Every appointment, replacement and stepping down is published through the outbox
  (``volunteer_grid.head_appointed`` / ``volunteer_grid.head_vacated``), and so is a head's new
  name or phone: the SMS broadcasts keep the heads they text from these, never typed twice."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, Staff, actor_name
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.store import Transaction

from ..models import Building, Door, Post, Volunteer, Zone
from .activity import record
from .codes import LEVELS, PLACE_OF_LEVEL, SINGLE_HOLDER
from .grid import get_place

HEAD_APPOINTED = "volunteer_grid.head_appointed"
HEAD_VACATED = "volunteer_grid.head_vacated"
MODELS = {"zone": Zone, "building": Building, "door": Door}
PLACE_ZH = {"zone": "小区", "building": "楼", "door": "楼门"}


def place_of(session: Session, post: Post) -> Zone | Building | Door | None:
    kind = PLACE_OF_LEVEL[post.level]
    return session.get(MODELS[kind], post.place_id) if kind else None


def path_of(session: Session, place: Zone | Building | Door | None) -> dict:
    """The zone, building and door a place is (or is in), each with its id and name."""
    door = place if isinstance(place, Door) else None
    building = session.get(Building, door.building_id) if door else \
        place if isinstance(place, Building) else None
    zone = session.get(Zone, building.zone_id) if building else \
        place if isinstance(place, Zone) else None
    return {key: ({"id": row.id, "name": row.name} if row is not None else None)
            for key, row in (("zone", zone), ("building", building), ("door", door))}


def post_title(session: Session, post: Post, lang: str = "zh") -> str:
    """``一区区长``, ``5号楼楼长``, ``5号楼2单元楼门长``, ``总指挥``."""
    place = place_of(session, post)
    where = ""
    if isinstance(place, Door):
        where = session.get(Building, place.building_id).name + place.name
    elif place is not None:
        where = place.name
    level = label(LEVELS, post.level, lang)
    return f"{where}{level}" if lang == "zh" else (f"{level}, {where}" if where else level)


def current_posts(session: Session, community: str, *, level: str | None = None,
                  place_id: int | None = None, volunteer_id: int | None = None) -> list[Post]:
    query = select(Post).where(Post.community == community, Post.ended_at.is_(None))
    if level is not None:
        query = query.where(Post.level == level, Post.place_id == place_id)
    if volunteer_id is not None:
        query = query.where(Post.volunteer_id == volunteer_id)
    return list(session.scalars(query.order_by(Post.id)))


def history(session: Session, community: str, level: str, place_id: int | None) -> list[Post]:
    """Everyone who held a post, the earliest first, those holding it now among them."""
    return list(session.scalars(select(Post).where(
        Post.community == community, Post.level == level, Post.place_id == place_id)
        .order_by(Post.started_at, Post.id)))


def lives_at(volunteer: Volunteer, level: str, place_id: int | None) -> bool:
    kind = PLACE_OF_LEVEL[level]
    home = {None: None, "zone": volunteer.zone_id, "building": volunteer.building_id,
            "door": volunteer.door_id}[kind]
    return kind is None or home == place_id


def _place(session: Session, community: str, level: str, place_id: int | None):
    kind = PLACE_OF_LEVEL[level]
    if kind is None:
        if place_id is not None:
            raise DomainError("no_place_for_level",
                              f"{label(LEVELS, level)}是全社区的，不属于某个地方",
                              f"A {label(LEVELS, level, 'en')} is the whole community's: "
                              "give no place", field="place_id", status=422)
        return None
    if place_id is None:
        raise DomainError("place_required", f"请写明是哪个{PLACE_ZH[kind]}的{label(LEVELS, level)}",
                          f"Say which {kind}", field="place_id", status=422)
    return get_place(session, MODELS[kind], community, place_id, field="place_id")


def _person(volunteer: Volunteer | None) -> dict | None:
    if volunteer is None:
        return None
    return {"volunteer_id": volunteer.id, "name": volunteer.name, "phone": volunteer.phone}


def _publish(tx: Transaction, post: Post, holder: Volunteer | None, previous: Volunteer | None,
             reason: str, now: datetime) -> None:
    place = place_of(tx.session, post)
    data = {"post_id": post.id, "level": post.level, "reason": reason,
            **path_of(tx.session, place), "head": _person(holder),
            "previous": _person(previous), "at": isoformat(now)}
    tx.publish(HEAD_APPOINTED if holder is not None else HEAD_VACATED, data,
               community=post.community)


def appoint(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
            now: datetime) -> Post:
    """``data``: level, place_id (none for the commanders), volunteer_id, note. A single-holder
    post held by another is handed over: their holding ends, replaced."""
    from .volunteers import get_volunteer  # volunteers use posts too

    level, place_id = data["level"], data.get("place_id")
    place = _place(tx.session, community, level, place_id)
    volunteer = get_volunteer(tx.session, community, data["volunteer_id"], field="volunteer_id")
    if not volunteer.active:
        raise Conflict("volunteer_inactive", f"{volunteer.name}已不在岗，不能任职",
                       f"{volunteer.name} is not an active volunteer", field="volunteer_id")
    if not lives_at(volunteer, level, place_id):
        raise DomainError("lives_elsewhere", f"{volunteer.name}不住在{place.name}，"
                          f"不能担任这里的{label(LEVELS, level)}",
                          f"{volunteer.name} does not live in {place.name}",
                          field="volunteer_id", status=422)
    held = current_posts(tx.session, community, level=level, place_id=place_id)
    if any(post.volunteer_id == volunteer.id for post in held):
        raise Conflict("already_holds", f"{volunteer.name}已经担任这个职务",
                       f"{volunteer.name} already holds this post", field="volunteer_id")
    by = actor_name(who)
    previous = None
    if level in SINGLE_HOLDER and held:
        old = held[0]
        old.ended_at, old.ended_by, old.end_reason = now, by, "replaced"
        old.end_note = data.get("note")
        previous = tx.session.get(Volunteer, old.volunteer_id)
        record(tx, community, "post", old.id, "replaced", who, now, by_volunteer=volunteer.id)
    post = Post(community=community, level=level, place_id=place_id, volunteer_id=volunteer.id,
                started_at=now, started_by=by, note=data.get("note"))
    tx.session.add(post)
    tx.session.flush()
    record(tx, community, "post", post.id, "appointed", who, now, level=level,
           place_id=place_id, volunteer_id=volunteer.id,
           previous=previous.id if previous else None)
    _publish(tx, post, volunteer, previous, "replaced" if previous else "appointed", now)
    return post


def step_down(tx: Transaction, community: str, post_id: int, data: dict[str, Any], who: Staff,
              now: datetime) -> Post:
    """The holder leaves the post, no one taking it yet: the place has no head for now."""
    post = tx.session.get(Post, post_id)
    if post is None or post.community != community:
        raise DomainError("post_not_found", f"没有编号为 {post_id} 的任职记录",
                          f"No post {post_id}", field="post_id", status=404)
    if post.ended_at is not None:
        raise Conflict("post_ended", "这项任职已经结束了", "The post has already ended",
                       field="post_id")
    post.ended_at, post.ended_by, post.end_reason = now, actor_name(who), "stepped_down"
    post.end_note = data.get("note")
    record(tx, community, "post", post.id, "stepped_down", who, now, note=data.get("note"))
    _publish(tx, post, None, tx.session.get(Volunteer, post.volunteer_id), "stepped_down", now)
    return post


def require_still_living_there(session: Session, volunteer: Volunteer, zone_id: int,
                               building_id: int | None, door_id: int | None) -> None:
    """A head who moves away from the place they head must be replaced first."""
    moved = Volunteer(zone_id=zone_id, building_id=building_id, door_id=door_id)
    for post in current_posts(session, volunteer.community, volunteer_id=volunteer.id):
        if not lives_at(moved, post.level, post.place_id):
            raise Conflict("head_moving_away",
                           f"{volunteer.name}还担任{post_title(session, post)}，"
                           "搬走前请先任命接任者",
                           "The volunteer heads the place they would leave: appoint a "
                           "successor first", field="zone_id")


def tell_heads_details(tx: Transaction, volunteer: Volunteer, now: datetime) -> None:
    """A head's new name or phone, sent on for each post they hold."""
    for post in current_posts(tx.session, volunteer.community, volunteer_id=volunteer.id):
        _publish(tx, post, volunteer, None, "details_changed", now)
