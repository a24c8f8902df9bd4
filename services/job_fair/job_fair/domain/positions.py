"""Positions an employer posts for a fair (staff post them on its behalf): title, how many
people, requirements (skills, schooling, area), pay range in yuan (kept in fen), working place.
Only a verified employer with a valid licence, invited to the fair, may post."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.store import Transaction

from ..models import Position
from .activity import record
from .employers import get_employer, require_may_publish
from .fairs import get_fair, invitation_of, require_not_over


def get_position(session: Session, position_id: int, community: str, *,
                 field: str | None = None) -> Position:
    position = session.get(Position, position_id)
    if position is None or position.community != community:
        if field:
            raise DomainError("unknown_position", f"没有编号为 {position_id} 的岗位",
                              f"No position {position_id}", field=field, status=422)
        raise NotFound("position_not_found", f"没有编号为 {position_id} 的岗位",
                       f"No position {position_id}")
    return position


def post_position(tx: Transaction, community: str, fair_id: int, data: dict[str, Any],
                  who: Staff, now: datetime) -> Position:
    fair = get_fair(tx.session, fair_id, community)
    require_not_over(fair, now)
    employer = get_employer(tx.session, data["employer_id"], community, field="employer_id")
    require_may_publish(employer, now)
    if invitation_of(tx.session, fair.id, employer.id) is None:
        raise Conflict("employer_not_invited",
                       f"「{employer.name}」没有受邀参加这场招聘会，请先邀请",
                       f"{employer.name} is not invited to this fair: invite it first",
                       field="employer_id")
    if data["pay_min_fen"] > data["pay_max_fen"]:
        raise DomainError("pay_range", "最低工资不能高于最高工资",
                          "The lowest pay cannot be above the highest", field="pay_min",
                          status=422)
    position = Position(community=community, fair_id=fair.id, employer_id=employer.id,
                        title=data["title"], count=data["count"], skills=data.get("skills") or [],
                        education=data.get("education"), area=data.get("area"),
                        work_place=data["work_place"], pay_min_fen=data["pay_min_fen"],
                        pay_max_fen=data["pay_max_fen"], status="open", created_at=now,
                        created_by=actor_name(who))
    tx.session.add(position)
    tx.session.flush()
    record(tx, community, "position", position.id, "posted", who, now,
           on_behalf_of=employer.name, fair_id=fair.id)
    return position
