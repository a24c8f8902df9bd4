"""The association's officers: a president (会长) and two vice-presidents (副会长), elected from
its members on a day, each until they step down. At most one president and two vice-presidents
hold office at once, and a member holds one office at a time."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Officer
from .activity import record
from .codes import OFFICES, SEATS
from .members import get_member, require_active


def serving(session: Session, community: str) -> list[Officer]:
    return list(session.scalars(select(Officer).where(
        Officer.community == community, Officer.ended_on.is_(None)).order_by(Officer.id)))


def elect(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
          now: datetime) -> Officer:
    member = get_member(tx.session, data["member_id"], community, field="member_id")
    require_active(member)
    if data["elected_on"] > local_date(now):
        raise DomainError("elected_in_future", "当选日期不能晚于今天",
                          "The election date cannot be in the future", field="elected_on",
                          status=422)
    role, now_serving = data["role"], serving(tx.session, community)
    if any(o.member_id == member.id for o in now_serving):
        raise Conflict("already_an_officer", f"{member.name}已担任协会职务",
                       f"{member.name} already holds an office", field="member_id")
    seats = SEATS[role]
    if sum(o.role == role for o in now_serving) >= seats:
        zh, en = OFFICES[role]
        raise Conflict("office_full", f"协会设{zh}{seats}人，现任已满，请先登记现任卸任",
                       f"The association has {seats} {en.lower()}(s) and the seats are "
                       "taken: record a stepping down first", field="role")
    officer = Officer(community=community, member_id=member.id, role=role,
                      elected_on=data["elected_on"], note=data.get("note"), created_at=now,
                      created_by=actor_name(who))
    tx.session.add(officer)
    tx.session.flush()
    record(tx, community, "officer", officer.id, "elected", who, now, member_id=member.id,
           role=role, elected_on=officer.elected_on.isoformat())
    return officer


def officer_not_found(officer_id: int) -> NotFound:
    return NotFound("officer_not_found", f"没有编号为 {officer_id} 的任职记录",
                    f"No officer {officer_id}", field="officer_id")


def step_down(tx: Transaction, community: str, officer_id: int, data: dict[str, Any],
              who: Staff, now: datetime) -> Officer:
    officer = tx.session.get(Officer, officer_id)
    if officer is None or officer.community != community:
        raise officer_not_found(officer_id)
    if officer.ended_on is not None:
        raise Conflict("officer_ended", "该任职已经结束", "This term of office has already ended",
                       field="officer_id")
    ended_on = data.get("ended_on") or local_date(now)
    if ended_on > local_date(now) or ended_on < officer.elected_on:
        raise DomainError("ended_on_out_of_term", "卸任日期应在当选日期和今天之间",
                          "The day of stepping down must be between the election and today",
                          field="ended_on", status=422)
    officer.ended_on, officer.note = ended_on, data.get("note") or officer.note
    record(tx, community, "officer", officer.id, "stepped_down", who, now,
           ended_on=ended_on.isoformat())
    return officer


def list_officers(session: Session, community: str) -> list[Officer]:
    return list(session.scalars(select(Officer).where(Officer.community == community)
                                .order_by(Officer.ended_on.is_not(None), Officer.id)))
