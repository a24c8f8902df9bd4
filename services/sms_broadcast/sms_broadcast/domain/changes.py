"""The record of every change: who made it, when, to what."""
from datetime import datetime

from sqlalchemy.orm import Session

from ..models import Change

SYSTEM = "system"   # the service itself (a scheduled broadcast released by the timer)


def record(session: Session, community: str | None, actor: str, action: str, entity: str,
           entity_id: int | None, note: str | None, now: datetime) -> None:
    session.add(Change(community=community, at=now, actor=actor, action=action,
                       entity=entity, entity_id=entity_id, note=note))
