"""Fairs: a day, a place, how many applicants the place holds; verified employers invited."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Fair, Invitation
from .activity import record
from .employers import get_employer, require_may_publish


def get_fair(session: Session, fair_id: int, community: str, *,
             field: str | None = None) -> Fair:
    fair = session.get(Fair, fair_id)
    if fair is None or fair.community != community:
        if field:
            raise DomainError("unknown_fair", f"没有编号为 {fair_id} 的招聘会",
                              f"No job fair {fair_id}", field=field, status=422)
        raise NotFound("fair_not_found", f"没有编号为 {fair_id} 的招聘会", f"No job fair {fair_id}")
    return fair


def require_not_over(fair: Fair, now: datetime, field: str = "fair_id") -> None:
    if fair.day < local_date(now):
        raise Conflict("fair_over", f"招聘会「{fair.title}」已经结束",
                       f"The job fair {fair.title} is over", field=field)


def plan_fair(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
              now: datetime) -> Fair:
    if data["day"] < local_date(now):
        raise DomainError("fair_in_past", "招聘会日期不能早于今天",
                          "A job fair cannot be planned for a day in the past", field="day",
                          status=422)
    fair = Fair(community=community, title=data["title"], day=data["day"], place=data["place"],
                capacity=data["capacity"], created_at=now, created_by=actor_name(who))
    tx.session.add(fair)
    tx.session.flush()
    record(tx, community, "fair", fair.id, "planned", who, now)
    return fair


def invite(tx: Transaction, community: str, fair_id: int, employer_id: int, who: Staff,
           now: datetime) -> Invitation:
    """Invite a verified employer (licence valid) to a fair that is not over."""
    fair = get_fair(tx.session, fair_id, community)
    require_not_over(fair, now)
    employer = get_employer(tx.session, employer_id, community, field="employer_id")
    require_may_publish(employer, now)
    if invitation_of(tx.session, fair.id, employer.id) is not None:
        raise Conflict("already_invited", f"「{employer.name}」已经受邀参加这场招聘会",
                       f"{employer.name} is already invited to this fair", field="employer_id")
    invitation = Invitation(fair_id=fair.id, employer_id=employer.id, invited_at=now,
                            invited_by=actor_name(who))
    tx.session.add(invitation)
    tx.session.flush()
    record(tx, community, "fair", fair.id, "invited", who, now, employer_id=employer.id)
    return invitation


def invitation_of(session: Session, fair_id: int, employer_id: int) -> Invitation | None:
    return session.scalars(select(Invitation).where(Invitation.fair_id == fair_id,
                                                    Invitation.employer_id == employer_id)).first()
