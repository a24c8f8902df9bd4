"""The record of who did what, when: one ``Activity`` row per change."""
from datetime import datetime, timedelta
from typing import Any

from minzi.api import DomainError, Staff, actor_name
from minzi.db import as_utc
from minzi.store import Transaction

from ..models import Activity

# how far ahead of the server's clock a time typed by staff may be (clocks differ a little)
CLOCK_SLACK = timedelta(minutes=5)


def actor_id(who: Staff) -> str | None:
    return None if who.get("id") is None else str(who["id"])


def record(tx: Transaction, community: str, entity: str, entity_id: int, action: str,
           who: Staff, now: datetime, **detail: Any) -> None:
    tx.session.add(Activity(community=community, entity=entity, entity_id=entity_id,
                            action=action, actor=actor_name(who), actor_id=actor_id(who),
                            at=now, detail=detail))


def not_in_future(moment: datetime, now: datetime, field: str) -> datetime:
    """``moment`` (as UTC) unless it is later than ``now``."""
    if as_utc(moment) > now + CLOCK_SLACK:
        raise DomainError("in_future", "时间不能在将来", "This time cannot be in the future",
                          field=field, status=422)
    return as_utc(moment)
