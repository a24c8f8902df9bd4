"""Duties and the minutes served: a duty (a patrol, stewarding an event, delivering notices …)
on a Beijing day, in a zone or for the community, with the active volunteers assigned to it;
once the day has come, the minutes each assigned volunteer served (whole minutes, 1 to 1440),
recorded once per volunteer and duty."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Assignment, Duty, Zone
from .activity import record
from .grid import get_place
from .volunteers import get_volunteer


def get_duty(session: Session, community: str, duty_id: int) -> Duty:
    duty = session.get(Duty, duty_id)
    if duty is None or duty.community != community:
        raise NotFound("duty_not_found", f"没有编号为 {duty_id} 的值勤任务", f"No duty {duty_id}",
                       field="duty_id")
    return duty


def add_duty(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
             now: datetime) -> Duty:
    zone_id = data.get("zone_id")
    if zone_id is not None:
        get_place(tx.session, Zone, community, zone_id, field="zone_id")
    duty = Duty(community=community, kind=data["kind"], title=data["title"], zone_id=zone_id,
                day=data["day"], note=data.get("note"), created_at=now,
                created_by=actor_name(who))
    tx.session.add(duty)
    tx.session.flush()
    record(tx, community, "duty", duty.id, "added", who, now, title=duty.title)
    return duty


def assignments(session: Session, duty: Duty) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.duty_id == duty.id)
                                .order_by(Assignment.id)))


def assign(tx: Transaction, community: str, duty_id: int, data: dict[str, Any], who: Staff,
           now: datetime) -> list[Assignment]:
    """Active volunteers onto a duty, each once; all of them or none."""
    duty = get_duty(tx.session, community, duty_id)
    taken = {a.volunteer_id for a in assignments(tx.session, duty)}
    added = []
    for volunteer_id in data["volunteer_ids"]:
        volunteer = get_volunteer(tx.session, community, volunteer_id, field="volunteer_ids")
        if not volunteer.active:
            raise Conflict("volunteer_inactive", f"{volunteer.name}已不在岗，不能安排值勤",
                           f"{volunteer.name} is not an active volunteer",
                           field="volunteer_ids")
        if volunteer.id in taken:
            raise Conflict("already_assigned", f"{volunteer.name}已经安排在这项任务里了",
                           f"{volunteer.name} is already on this duty", field="volunteer_ids")
        taken.add(volunteer.id)
        added.append(Assignment(duty_id=duty.id, volunteer_id=volunteer.id, assigned_at=now,
                                assigned_by=actor_name(who)))
    tx.session.add_all(added)
    tx.session.flush()
    record(tx, community, "duty", duty.id, "assigned", who, now,
           volunteer_ids=[a.volunteer_id for a in added])
    return added


def record_minutes(tx: Transaction, community: str, duty_id: int, data: dict[str, Any],
                   who: Staff, now: datetime) -> Assignment:
    """The minutes one assigned volunteer served on the duty, once the duty's day has come."""
    duty = get_duty(tx.session, community, duty_id)
    if duty.day > local_date(now):
        raise Conflict("duty_not_yet", f"这项任务在 {duty.day.isoformat()}，还没到，不能登记时长",
                       f"The duty is on {duty.day.isoformat()}: too early to record time",
                       field="duty_id")
    volunteer = get_volunteer(tx.session, community, data["volunteer_id"], field="volunteer_id")
    assignment = tx.session.scalars(select(Assignment).where(
        Assignment.duty_id == duty.id, Assignment.volunteer_id == volunteer.id)).first()
    if assignment is None:
        raise DomainError("not_assigned", f"{volunteer.name}没有安排在这项任务里",
                          f"{volunteer.name} is not on this duty", field="volunteer_id",
                          status=422)
    if assignment.minutes is not None:
        raise Conflict("minutes_recorded", f"{volunteer.name}这次的服务时长已经登记过了",
                       f"{volunteer.name}'s time on this duty is already recorded",
                       field="volunteer_id")
    assignment.minutes = data["minutes"]
    assignment.recorded_at, assignment.recorded_by = now, actor_name(who)
    record(tx, community, "duty", duty.id, "minutes_recorded", who, now,
           volunteer_id=volunteer.id, minutes=assignment.minutes)
    return assignment


def list_duties(session: Session, community: str, *, zone_id: int | None = None,
                month: str | None = None) -> list[Duty]:
    query = select(Duty).where(Duty.community == community)
    if zone_id is not None:
        query = query.where(Duty.zone_id == zone_id)
    found = list(session.scalars(query.order_by(Duty.day, Duty.id)))
    return [d for d in found if d.day.isoformat()[:7] == month] if month else found
