"""The volunteer lawyers who give their time to the legal-aid home."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from minzi.api import DomainError, Staff
from minzi.logs import mask_phone
from minzi.store import Transaction

from ..models import Lawyer
from .records import get_or_404, new, record, touch


def active_lawyer(session: Session, community: str, lawyer_id: int, *,
                  lock: bool = False) -> Lawyer:
    """A lawyer of the community who still volunteers; input naming another is refused."""
    lawyer = session.get(Lawyer, lawyer_id, with_for_update=lock)
    if lawyer is None or lawyer.community != community or not lawyer.active:
        raise DomainError("unknown_lawyer", "没有这位律师（或已停用）",
                          "No such lawyer (or no longer active)", field="lawyer_id", status=422)
    return lawyer


def add_lawyer(tx: Transaction, community: str, data: dict[str, Any], actor: Staff,
               now: datetime) -> Lawyer:
    lawyer = new(Lawyer, actor, now, community=community, name=data["name"],
                 firm=data.get("firm"), phone=data.get("phone"), active=True)
    tx.session.add(lawyer)
    tx.session.flush()
    record(tx, community, "lawyer", lawyer.id, "added", actor, now, name=lawyer.name)
    return lawyer


def update_lawyer(tx: Transaction, community: str, lawyer_id: int, data: dict[str, Any],
                  actor: Staff, now: datetime) -> Lawyer:
    lawyer = get_or_404(tx.session, Lawyer, lawyer_id, community, "lawyer_not_found",
                        "没有这位律师", "No such lawyer")
    changed = {}
    for key in ("name", "firm", "phone", "active"):
        if key in data and getattr(lawyer, key) != data[key]:
            changed[key] = data[key] if key != "phone" else mask_phone(data[key])
            setattr(lawyer, key, data[key])
    if changed:
        touch(lawyer, actor, now)
        record(tx, community, "lawyer", lawyer.id, "updated", actor, now, **changed)
    return lawyer
