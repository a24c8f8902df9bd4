"""The record of who did what, when: one ``Activity`` row per change to a merchant, a
complaint or a door's card (a case keeps its own record, ``ProgramCase.history``)."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Staff, actor_name
from minzi.envelope import isoformat
from minzi.store import Transaction

from ..models import Activity


def record(tx: Transaction, community: str, entity: str, entity_id: int, action: str,
           who: Staff, now: datetime, **detail: Any) -> None:
    tx.session.add(Activity(community=community, entity=entity, entity_id=entity_id,
                            action=action, actor=actor_name(who), at=now, detail=detail))


def history(session: Session, community: str, entity: str, entity_id: int) -> list[dict]:
    return [{"action": a.action, "by": a.actor, "at": isoformat(a.at), "detail": a.detail}
            for a in session.scalars(select(Activity).where(
                Activity.community == community, Activity.entity == entity,
                Activity.entity_id == entity_id).order_by(Activity.id))]
