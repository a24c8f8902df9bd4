"""What the volunteer grid's staff API shows. A volunteer's or a resident's phone is shown in
full only to the grid's own staff; an admin sees it masked; the public page of heads shows
names alone."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.logs import mask_phone

from ..models import (
    Activity,
    Assignment,
    Building,
    Door,
    Duty,
    Post,
    ProgramCase,
    Volunteer,
    Zone,
)
from . import duties as duty_rules
from . import grid, posts
from .codes import CASE_ACTIONS, CASE_STATES, DUTY_KINDS, END_REASONS, LEVELS, SKILLS
from .figures import hours_text

FULL, MASKED = "full", "masked"        # how much of a phone a reader sees


def phone(value: str | None, level: str) -> str | None:
    return value if level == FULL else mask_phone(value)


def _holders(session: Session, community: str, level: str, place_id: int | None,
             seen: str) -> list[dict]:
    found = []
    for post in posts.current_posts(session, community, level=level, place_id=place_id):
        volunteer = session.get(Volunteer, post.volunteer_id)
        found.append({"post_id": post.id, "volunteer_id": volunteer.id, "name": volunteer.name,
                      "phone": phone(volunteer.phone, seen),
                      "since": isoformat(post.started_at)})
    return found


def _head(holders: list[dict]) -> dict:
    first = holders[0] if holders else {}
    return {"head_name": first.get("name"), "head_phone": first.get("phone"),
            "head_volunteer_id": first.get("volunteer_id"), "head_post_id": first.get("post_id")}


def zone_view(session: Session, zone: Zone, seen: str) -> dict:
    deputies = _holders(session, zone.community, "deputy_zone_head", zone.id, seen)
    return {"id": zone.id, "name": zone.name,
            **_head(_holders(session, zone.community, "zone_head", zone.id, seen)),
            "deputies": deputies, "deputy_names": "、".join(d["name"] for d in deputies),
            "buildings": len(grid.buildings(session, zone.community, zone.id)),
            "created_by": zone.created_by}


def building_view(session: Session, building: Building, seen: str) -> dict:
    zone = session.get(Zone, building.zone_id)
    return {"id": building.id, "name": building.name, "zone_id": zone.id, "zone": zone.name,
            **_head(_holders(session, building.community, "building_head", building.id, seen)),
            "doors": len(grid.doors(session, building.community, building.id)),
            "created_by": building.created_by}


def door_view(session: Session, door: Door, seen: str) -> dict:
    building = session.get(Building, door.building_id)
    return {"id": door.id, "name": door.name, "building_id": building.id,
            "building": building.name, "zone_id": building.zone_id,
            **_head(_holders(session, door.community, "door_head", door.id, seen)),
            "created_by": door.created_by}


def command_view(session: Session, community: str, seen: str) -> dict:
    return {"commander": _holders(session, community, "commander", None, seen),
            "deputy_commanders": _holders(session, community, "deputy_commander", None, seen)}


def grid_view(session: Session, community: str, seen: str) -> dict:
    """The whole grid, from the command down: zones, their buildings, their doors, with heads."""
    return {**command_view(session, community, seen), "zones": [
        {**zone_view(session, zone, seen), "buildings_list": [
            {**building_view(session, building, seen), "doors_list": [
                door_view(session, door, seen)
                for door in grid.doors(session, community, building.id)]}
            for building in grid.buildings(session, community, zone.id)]}
        for zone in grid.zones(session, community)]}


def post_view(session: Session, post: Post, lang: str, seen: str) -> dict:
    volunteer = session.get(Volunteer, post.volunteer_id)
    return {"id": post.id, "level": post.level, "level_name": label(LEVELS, post.level, lang),
            "place_id": post.place_id, "title": posts.post_title(session, post, lang),
            "volunteer_id": volunteer.id, "name": volunteer.name,
            "phone": phone(volunteer.phone, seen), "started_at": isoformat(post.started_at),
            "started_by": post.started_by, "note": post.note,
            "ended_at": isoformat(post.ended_at), "ended_by": post.ended_by,
            "end_reason": post.end_reason,
            "end_reason_name": label(END_REASONS, post.end_reason, lang),
            "end_note": post.end_note, "current": post.ended_at is None}


def volunteer_view(session: Session, volunteer: Volunteer, lang: str, seen: str, *,
                   full: bool = False) -> dict:
    zone = session.get(Zone, volunteer.zone_id)
    building = session.get(Building, volunteer.building_id) if volunteer.building_id else None
    door = session.get(Door, volunteer.door_id) if volunteer.door_id else None
    view = {"id": volunteer.id, "name": volunteer.name, "phone": phone(volunteer.phone, seen),
            "zone_id": zone.id, "zone": zone.name, "building_id": volunteer.building_id,
            "building": building.name if building else None, "door_id": volunteer.door_id,
            "door": door.name if door else None, "skills": volunteer.skills,
            "skill_names": "、".join(label(SKILLS, s, lang) for s in volunteer.skills),
            "joined_on": volunteer.joined_on.isoformat(), "active": volunteer.active,
            "left_on": volunteer.left_on.isoformat() if volunteer.left_on else None,
            "case_id": volunteer.case_id, "created_by": volunteer.created_by}
    if full:
        held = session.scalars(select(Post).where(Post.volunteer_id == volunteer.id)
                               .order_by(Post.started_at, Post.id))
        view["posts"] = [post_view(session, post, lang, seen) for post in held]
        rows = session.execute(select(Duty, Assignment).join(
            Assignment, Assignment.duty_id == Duty.id).where(
            Assignment.volunteer_id == volunteer.id).order_by(Duty.day, Duty.id))
        view["duties"] = [{"duty_id": duty.id, "title": duty.title, "day": duty.day.isoformat(),
                           "kind_name": label(DUTY_KINDS, duty.kind, lang),
                           "minutes": a.minutes,
                           "hours": hours_text(a.minutes) if a.minutes is not None else None}
                          for duty, a in rows]
        served = sum(d["minutes"] or 0 for d in view["duties"])
        view["minutes"], view["hours"] = served, hours_text(served)
    return view


def duty_view(session: Session, duty: Duty, lang: str, *, full: bool = False) -> dict:
    zone = session.get(Zone, duty.zone_id) if duty.zone_id else None
    assigned = duty_rules.assignments(session, duty)
    view = {"id": duty.id, "kind": duty.kind, "kind_name": label(DUTY_KINDS, duty.kind, lang),
            "title": duty.title, "zone_id": duty.zone_id,
            "zone": zone.name if zone else ("全社区" if lang == "zh" else "Whole community"),
            "day": duty.day.isoformat(), "note": duty.note, "assigned": len(assigned),
            "minutes": sum(a.minutes or 0 for a in assigned), "created_by": duty.created_by}
    view["hours"] = hours_text(view["minutes"])
    if full:
        view["volunteers"] = [
            {"volunteer_id": a.volunteer_id, "name": session.get(Volunteer, a.volunteer_id).name,
             "minutes": a.minutes,
             "hours": hours_text(a.minutes) if a.minutes is not None else None,
             "recorded_by": a.recorded_by, "recorded_at": isoformat(a.recorded_at)}
            for a in assigned]
    return view


def _masked_name(name: str | None) -> str | None:
    return name[0] + "*" * (len(name) - 1) if name else name


def case_view(case: ProgramCase, lang: str, seen: str) -> dict:
    resident = case.resident or {}
    who = {**resident, "address": case.address} if seen == FULL else {
        "name": _masked_name(resident.get("name")), "phone": mask_phone(resident.get("phone")),
        "address": None}
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code,
            "state": case.state, "state_name": label(CASE_STATES, case.state, lang),
            "description": case.description, "resident": who, "attributes": case.attributes,
            "chases": case.chases, "building_id": case.building_id,
            "forwarded_to": case.forwarded_to, "result": case.result,
            "handled_by": case.handled_by,
            "history": [{**entry, "action_name": label(CASE_ACTIONS, entry["action"], lang)}
                        for entry in case.history or []]}


def list_cases(session: Session, community: str, state: str | None = None
               ) -> list[ProgramCase]:
    query = select(ProgramCase).where(ProgramCase.community == community)
    if state is not None:
        query = query.where(ProgramCase.state == state)
    return list(session.scalars(query.order_by(ProgramCase.case_id)))


def public_heads(session: Session, community: str) -> dict:
    """For residents: who heads their zone and building, names only."""
    def names(level: str, place_id: int | None) -> list[str]:
        return [session.get(Volunteer, p.volunteer_id).name for p in
                posts.current_posts(session, community, level=level, place_id=place_id)]
    return {"community": community,
            "commander": names("commander", None),
            "deputy_commanders": names("deputy_commander", None),
            "zones": [{"zone": zone.name, "zone_head": names("zone_head", zone.id),
                       "deputy_zone_heads": names("deputy_zone_head", zone.id),
                       "buildings": [{"building": b.name,
                                      "building_head": names("building_head", b.id)}
                                     for b in grid.buildings(session, community, zone.id)]}
                      for zone in grid.zones(session, community)],
            "items": [{"zone": zone.name, "building": b.name,
                       "zone_head": "、".join(names("zone_head", zone.id)),
                       "building_head": "、".join(names("building_head", b.id))}
                      for zone in grid.zones(session, community)
                      for b in grid.buildings(session, community, zone.id)]}


def history(session: Session, community: str, entity: str, entity_id: int) -> list[dict]:
    return [{"action": a.action, "by": a.actor, "at": isoformat(a.at), "detail": a.detail}
            for a in session.scalars(select(Activity).where(
                Activity.community == community, Activity.entity == entity,
                Activity.entity_id == entity_id).order_by(Activity.id))]
