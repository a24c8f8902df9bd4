"""What every change shares: who made a row and who changed it last, one activity row per change
(who, when, what), and finding a row of the right community."""
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from minzi.api import NotFound, Staff, actor_name
from minzi.store import Transaction

from ..models import Activity

Row = TypeVar("Row")


def record(tx: Transaction, community: str | None, entity: str, entity_id: int, action: str,
           actor: Staff, now: datetime, **detail: Any) -> None:
    """One row of the activity record: ``actor`` did ``action`` to ``entity`` at ``now``."""
    tx.session.add(Activity(community=community, entity=entity, entity_id=entity_id,
                            action=action, actor=actor_name(actor),
                            actor_id=None if actor.get("id") is None else str(actor["id"]),
                            at=now, detail=detail))


def touch(row: Any, actor: Staff, now: datetime) -> None:
    """Stamp a row as changed by ``actor`` at ``now``."""
    row.updated_at = now
    row.updated_by = actor_name(actor)


def new(model: type[Row], actor: Staff, now: datetime, **values: Any) -> Row:
    """A new audited row, created (and so last changed) by ``actor`` at ``now``."""
    name = actor_name(actor)
    return model(created_at=now, created_by=name, updated_at=now, updated_by=name, **values)


def get_or_404(session: Session, model: type[Row], id_: int, community: str | None,
               code: str, zh: str, en: str, *, lock: bool = False) -> Row:
    """The row ``id_`` of ``model`` (every model asked for belongs to a community); another
    community's (when ``community`` is given) is not found."""
    row = session.get(model, id_, with_for_update=lock)
    if row is None or (community is not None and row.community != community):
        raise NotFound(code, zh, en)
    return row
