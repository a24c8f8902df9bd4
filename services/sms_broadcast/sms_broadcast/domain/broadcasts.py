"""Broadcasts: a notice to a whole community, a zone or a building, sent now or at a set time.
Released, a broadcast gets one message per recipient, at most one ever (unique on broadcast and
contact); a resident who opted out gets a ``skipped`` one, never texted."""
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.store import Transaction

from ..models import Broadcast, Contact, Message
from .changes import SYSTEM, record
from .checks import aware, check_text
from .consent import OPTED_OUT
from .grid import get_building, get_zone

TARGETS = ("community", "zone", "building")


def recipients_query(broadcast: Broadcast) -> Select:
    query = select(Contact).where(Contact.community == broadcast.community)
    if broadcast.target == "zone":
        query = query.where(Contact.zone_id == broadcast.zone_id)
    elif broadcast.target == "building":
        query = query.where(Contact.building_id == broadcast.building_id)
    return query.order_by(Contact.id)


def create_broadcast(tx: Transaction, staff: Staff, data: dict, now: datetime) -> Broadcast:
    """A notice now (its messages are made at once, sent after the commit) or at a set time
    (``scheduled_at``; without a zone it is Beijing time)."""
    community = staff["community"]
    text = check_text(data.get("text"))
    target = data.get("target") or "community"
    if target not in TARGETS:
        raise DomainError("unknown_target", "发送范围应为 community / zone / building",
                          "The target is community, zone or building", field="target",
                          status=422)
    zone = building = None
    if target == "zone":
        zone = get_zone(tx.session, community, data.get("zone_id"))
        label = zone.name
    elif target == "building":
        building = get_building(tx.session, community, data.get("building_id"))
        zone = building.zone
        label = f"{zone.name} {building.name}"
    else:
        label = "全社区"
    scheduled_at = aware(data.get("scheduled_at"))
    if scheduled_at is not None and scheduled_at <= now:
        raise DomainError("schedule_in_past", "预约发送时间已经过去",
                          "The scheduled time is in the past", field="scheduled_at", status=422)
    broadcast = Broadcast(community=community, text=text, target=target,
                          zone_id=zone.id if zone else None,
                          building_id=building.id if building else None, target_label=label,
                          scheduled_at=scheduled_at, state="scheduled",
                          created_by=actor_name(staff), created_at=now)
    contacts = tx.session.scalars(recipients_query(broadcast)).unique().all()
    if not [c for c in contacts if not c.opted_out]:
        raise DomainError("no_recipients", f"「{label}」没有可以接收短信的居民",
                          f"Nobody in '{label}' can receive the message", field="target",
                          status=422)
    tx.session.add(broadcast)
    tx.session.flush()
    record(tx.session, community, actor_name(staff),
           "broadcast_scheduled" if scheduled_at else "broadcast_created", "broadcast",
           broadcast.id, f"{label}：{text[:50]}", now)
    if scheduled_at is None:
        release(tx.session, broadcast, now)
    return broadcast


def release(session: Session, broadcast: Broadcast, now: datetime) -> list[Message]:
    """Make the broadcast's messages: one row per recipient (a second release adds none)."""
    result = session.execute(update(Broadcast).where(
        Broadcast.id == broadcast.id, Broadcast.state == "scheduled").values(
        state="released", released_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # another copy of the service released it first, or it was cancelled
        return []
    broadcast.state, broadcast.released_at = "released", now
    existing = set(session.scalars(select(Message.contact_id).where(
        Message.broadcast_id == broadcast.id)))
    made = []
    for contact in session.scalars(recipients_query(broadcast)).unique():
        if contact.id in existing:
            continue
        message = Message(broadcast_id=broadcast.id, contact_id=contact.id, contact=contact,
                          community=broadcast.community, phone=contact.phone, attempts=0,
                          created_at=now, updated_at=now)
        if contact.opted_out:
            message.state, message.error = "skipped", OPTED_OUT
        else:
            message.state = "pending"
        session.add(message)
        made.append(message)
    session.flush()
    record(session, broadcast.community, SYSTEM, "broadcast_released", "broadcast",
           broadcast.id, f"{len(made)} recipients", now)
    return made


def release_due(session: Session, now: datetime) -> list[int]:
    """Scheduled broadcasts whose time has come; returns the ids released."""
    due = session.scalars(select(Broadcast).where(
        Broadcast.state == "scheduled", Broadcast.scheduled_at <= now)
        .order_by(Broadcast.scheduled_at, Broadcast.id)).all()
    released = []
    for broadcast in due:
        if release(session, broadcast, now) or broadcast.state == "released":
            released.append(broadcast.id)
    return released


def get_broadcast(session: Session, community: str, broadcast_id: int) -> Broadcast:
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.community != community:
        raise NotFound("broadcast_not_found", f"没有编号为 {broadcast_id} 的群发",
                       f"No broadcast {broadcast_id}", field="broadcast_id")
    return broadcast


def cancel_broadcast(tx: Transaction, staff: Staff, broadcast_id: int,
                     now: datetime) -> Broadcast:
    """A scheduled broadcast not yet released is never sent."""
    broadcast = get_broadcast(tx.session, staff["community"], broadcast_id)
    result = tx.session.execute(update(Broadcast).where(
        Broadcast.id == broadcast.id, Broadcast.state == "scheduled").values(
        state="cancelled", updated_by=actor_name(staff), updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("not_scheduled", "只能取消尚未发送的预约群发",
                       "Only a scheduled broadcast not yet sent can be cancelled",
                       field="broadcast_id")
    broadcast.state, broadcast.updated_by, broadcast.updated_at = \
        "cancelled", actor_name(staff), now
    record(tx.session, broadcast.community, actor_name(staff), "broadcast_cancelled",
           "broadcast", broadcast.id, None, now)
    return broadcast


def retry_failed(tx: Transaction, staff: Staff, broadcast_id: int, now: datetime) -> int:
    """Failed messages of a broadcast go back to pending (their attempts start again); one to a
    resident who has opted out since is skipped instead. Returns how many were failed."""
    broadcast = get_broadcast(tx.session, staff["community"], broadcast_id)
    messages = tx.session.scalars(select(Message).where(
        Message.broadcast_id == broadcast.id, Message.state == "failed")).all()
    for message in messages:
        if message.contact.opted_out:
            message.state, message.error = "skipped", OPTED_OUT
        else:
            message.state, message.attempts, message.retry_at = "pending", 0, None
        message.updated_at = now
    record(tx.session, broadcast.community, actor_name(staff), "broadcast_retried",
           "broadcast", broadcast.id, f"{len(messages)} failed messages", now)
    return len(messages)
