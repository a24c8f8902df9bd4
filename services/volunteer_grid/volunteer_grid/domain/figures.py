"""The grid's figures, counted from its records: volunteers (active, by zone), the heads by
level and the places still without one, the duties, and the minutes served by zone, by month,
by zone and month, and by volunteer. Time is kept in whole minutes and shown as ``h:mm`` too,
so no figure is rounded. A month is the Beijing month of the duty's day; a volunteer's minutes
count for the zone they live in."""
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.i18n import label

from ..models import Assignment, Building, Door, Duty, Volunteer, Zone
from .codes import DUTY_KINDS, LEVELS
from .posts import current_posts


def hours_text(minutes: int) -> str:
    """``125`` minutes is ``"2:05"``."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def _time(minutes: int) -> dict:
    return {"minutes": minutes, "hours": hours_text(minutes)}


def served(session: Session, community: str, *, month: str | None = None
           ) -> list[tuple[Assignment, Duty, Volunteer]]:
    """Every recorded stretch of service of the community (of one month, ``2026-11``)."""
    rows = session.execute(select(Assignment, Duty, Volunteer).join(
        Duty, Assignment.duty_id == Duty.id).join(
        Volunteer, Assignment.volunteer_id == Volunteer.id).where(
        Duty.community == community, Assignment.minutes.is_not(None))
        .order_by(Duty.day, Assignment.id)).all()
    return [tuple(row) for row in rows if month is None or row[1].day.isoformat()[:7] == month]


def hours_by_volunteer(session: Session, community: str, month: str | None = None) -> list[dict]:
    zones = {z.id: z.name for z in session.scalars(select(Zone).where(
        Zone.community == community))}
    minutes, duties, people = Counter(), Counter(), {}
    for assignment, _, volunteer in served(session, community, month=month):
        minutes[volunteer.id] += assignment.minutes
        duties[volunteer.id] += 1
        people[volunteer.id] = volunteer
    return [{"volunteer_id": vid, "name": people[vid].name,
             "zone": zones[people[vid].zone_id], "duties": duties[vid], **_time(minutes[vid])}
            for vid in sorted(people, key=lambda v: (-minutes[v], v))]


def figures(session: Session, community: str, lang: str = "zh", month: str | None = None
            ) -> dict:
    zones = list(session.scalars(select(Zone).where(Zone.community == community)
                                 .order_by(Zone.id)))
    names = {z.id: z.name for z in zones}
    volunteers = list(session.scalars(select(Volunteer).where(
        Volunteer.community == community)))
    active = [v for v in volunteers if v.active]
    held = current_posts(session, community)
    levels = Counter(post.level for post in held)
    headed = {(post.level, post.place_id) for post in held}
    buildings = session.scalars(select(Building.id).where(Building.community == community)).all()
    doors = session.scalars(select(Door.id).where(Door.community == community)).all()

    by_zone, by_month, by_zone_month = Counter(), Counter(), Counter()
    stretches = served(session, community, month=month)
    for assignment, duty, volunteer in stretches:
        when = duty.day.isoformat()[:7]
        by_zone[volunteer.zone_id] += assignment.minutes
        by_month[when] += assignment.minutes
        by_zone_month[(volunteer.zone_id, when)] += assignment.minutes
    duties = list(session.scalars(select(Duty).where(Duty.community == community)))
    kinds = Counter(d.kind for d in duties if month is None or d.day.isoformat()[:7] == month)
    return {
        "community": community, "month": month,
        "volunteers": {
            "total": len(volunteers), "active": len(active),
            "inactive": len(volunteers) - len(active),
            "by_zone": [{"zone_id": z.id, "zone": z.name,
                         "active": sum(v.zone_id == z.id for v in active),
                         "total": sum(v.zone_id == z.id for v in volunteers)} for z in zones]},
        "heads": {
            "by_level": [{"level": level, "label": label(LEVELS, level, lang),
                          "count": levels[level]} for level in LEVELS],
            "zones_without_head": sum(("zone_head", z.id) not in headed for z in zones),
            "buildings_without_head": sum(("building_head", b) not in headed
                                          for b in buildings),
            "doors_without_head": sum(("door_head", d) not in headed for d in doors)},
        "duties": {"total": sum(kinds.values()),
                   "by_kind": [{"kind": kind, "label": label(DUTY_KINDS, kind, lang),
                                "count": kinds[kind]} for kind in DUTY_KINDS if kinds[kind]]},
        "hours": {
            **_time(sum(a.minutes for a, _, _ in stretches)),
            "by_zone": [{"zone_id": z.id, "zone": z.name, **_time(by_zone[z.id])}
                        for z in zones],
            "by_month": [{"month": when, **_time(by_month[when])} for when in sorted(by_month)],
            "by_zone_month": [{"zone": names[zone_id], "month": when,
                               **_time(by_zone_month[(zone_id, when)])}
                              for zone_id, when in sorted(by_zone_month)]},
    }
