"""A message's way out: the SMS relay claims it (pending -> sending, its own commit, so two copies
of the service never both send it), sends it and records sent or the error; a failure is tried
again after a pause until the attempts run out. The gateway's delivery report comes last.
One message per call; the caller commits."""
import re
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from minzi.api import NotFound

from ..models import Message
from .checks import aware

INTERRUPTED = "发送中断，结果未知，未自动重发 / interrupted mid-send; not resent"


def reference(message_id: int) -> str:
    """What the gateway is given with a message, the same on every attempt, and reports back."""
    return f"minzi-sms-{message_id}"


def claim(session: Session, message_id: int, now: datetime) -> bool:
    """Take a pending message for sending; False when another sender took it first."""
    result = session.execute(update(Message).where(
        Message.id == message_id, Message.state == "pending").values(
        state="sending", claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def sent(message: Message, sender: str, gateway_ref: str | None, now: datetime) -> None:
    message.state, message.sender, message.gateway_ref = "sent", sender, gateway_ref
    message.attempts += 1
    message.sent_at = message.updated_at = now
    message.error = None


def retry_delay(attempts: int) -> timedelta:
    """5 s after the first failure, then 20 s, 80 s, … at most 10 minutes."""
    return timedelta(seconds=min(5 * 4 ** (attempts - 1), 600))


def send_failed(message: Message, error: object, now: datetime, max_attempts: int) -> None:
    """A failure the gateway told us about: tried again after a pause, until the attempts run
    out; then it is failed, with its error, for staff to see and retry."""
    message.attempts += 1
    message.error = str(error)[:1000]
    message.state = "failed" if message.attempts >= max_attempts else "pending"
    message.retry_at = now + retry_delay(message.attempts) if message.state == "pending" else None
    message.updated_at = now


def due_messages(now: datetime) -> Select:
    """The ids of the messages to send now: pending, and past the pause after a failure."""
    return select(Message.id).where(
        Message.state == "pending",
        (Message.retry_at.is_(None)) | (Message.retry_at <= now)).order_by(Message.id)


def expire_claims(session: Session, now: datetime,
                  older_than: timedelta = timedelta(minutes=5)) -> int:
    """A message claimed and never finished (the sender died mid-send) may or may not have gone
    out. It is not sent again, which could text the resident twice; staff see it as failed and
    may retry it."""
    stale = session.scalars(select(Message).where(
        Message.state == "sending", Message.claimed_at < now - older_than)).all()
    for message in stale:
        message.state = "failed"
        message.error = INTERRUPTED
        message.updated_at = now
    return len(stale)


def delivery_report(session: Session, data: dict, now: datetime) -> Message:
    """The SMS gateway says a message was delivered (or was not)."""
    match = re.fullmatch(r"minzi-sms-(\d+)", str(data.get("reference") or ""))
    message = session.get(Message, int(match.group(1))) if match else None
    if message is None:
        raise NotFound("message_not_found", "没有这条短信", "No such message", field="reference")
    status = data.get("status")
    if status == "delivered" and message.state in ("sent", "sending"):
        message.state, message.delivered_at = "delivered", aware(data.get("at")) or now
    elif status == "failed" and message.state in ("sent", "sending"):
        message.state, message.error = "failed", (data.get("error") or "运营商报告未送达")[:1000]
    message.updated_at = now
    return message
