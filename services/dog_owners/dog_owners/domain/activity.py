"""The record of who did what, when: one ``Activity`` row per change to the settings, a pledge,
a member, a dog, an officer or a reminder (a complaint keeps its own record,
``ProgramCase.history``)."""
from datetime import datetime
from typing import Any

from minzi.api import Staff, actor_name
from minzi.store import Transaction

from ..models import Activity


def record(tx: Transaction, community: str, entity: str, entity_id: int, action: str,
           who: Staff, now: datetime, **detail: Any) -> None:
    tx.session.add(Activity(community=community, entity=entity, entity_id=entity_id,
                            action=action, actor=actor_name(who), at=now, detail=detail))
