"""Phone consultations: who called (a member or anyone), about what, who took the call, when."""
from datetime import datetime
from typing import Any

from minzi.api import Staff, actor_name
from minzi.store import Transaction

from ..models import Consultation
from .activity import not_in_future, record
from .members import get_member


def log_consultation(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
                     now: datetime) -> Consultation:
    member = None
    if data.get("member_id") is not None:
        member = get_member(tx.session, data["member_id"], community, field="member_id")
    called_at = not_in_future(data.get("called_at") or now, now, "called_at")
    name = actor_name(who)
    consultation = Consultation(
        community=community, caller_name=data.get("caller_name") or (member and member.name),
        phone=data["phone"], member_id=member.id if member else None, topic=data["topic"],
        notes=data.get("notes"), staff_name=data.get("staff_name") or name, called_at=called_at,
        created_at=now, created_by=name)
    tx.session.add(consultation)
    tx.session.flush()
    record(tx, community, "consultation", consultation.id, "logged", who, now)
    return consultation
