"""The record of who did what, when: one ``Activity`` row per change. When staff act for an
employer (post a position, record an interview or a hire), the row names the employer too."""
from datetime import datetime
from typing import Any

from minzi.api import Staff, actor_name
from minzi.store import Transaction

from ..models import Activity


def record(tx: Transaction, community: str, entity: str, entity_id: int, action: str,
           who: Staff, now: datetime, *, on_behalf_of: str | None = None,
           **detail: Any) -> None:
    tx.session.add(Activity(community=community, entity=entity, entity_id=entity_id,
                            action=action, actor=actor_name(who), on_behalf_of=on_behalf_of,
                            at=now, detail=detail))
