"""What happened in a period: broadcasts, messages by outcome, replies, consent, cases raised."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.envelope import isoformat

from ..models import Broadcast, Consent, Inbound, Message


def figures(session: Session, community: str, start: datetime, end: datetime) -> dict:
    """The community's figures for ``[start, end)``."""
    def count(model, moment, *where) -> int:
        return session.scalar(select(func.count()).select_from(model).where(
            model.community == community, moment >= start, moment < end, *where)) or 0

    states = dict(session.execute(select(Message.state, func.count()).where(
        Message.community == community, Message.created_at >= start, Message.created_at < end)
        .group_by(Message.state)).all())
    return {
        "community": community, "from": isoformat(start), "to": isoformat(end),
        "broadcasts": count(Broadcast, Broadcast.released_at, Broadcast.state == "released"),
        "scheduled": count(Broadcast, Broadcast.created_at, Broadcast.state == "scheduled"),
        "messages": sum(states.values()),
        "messages_sent": states.get("sent", 0) + states.get("delivered", 0),
        "messages_delivered": states.get("delivered", 0),
        "messages_failed": states.get("failed", 0),
        "messages_skipped": states.get("skipped", 0),
        "messages_pending": states.get("pending", 0) + states.get("sending", 0),
        "replies": count(Inbound, Inbound.received_at),
        "opt_outs": count(Consent, Consent.at, Consent.action == "opt_out"),
        "opt_ins": count(Consent, Consent.at, Consent.action == "opt_in"),
        "cases_raised": count(Inbound, Inbound.received_at, Inbound.kind == "case"),
    }
