"""Sending broadcast messages, after the commit that made them, once per recipient.

Senders are pluggable (``SMS_SENDER``):
  record  (default) keep the message as sent where staff and tests read it; nothing leaves
  http    POST {"to", "text", "reference"} as JSON to ``SMS_GATEWAY_URL`` (an SMS gateway);
          ``reference`` (``minzi-sms-<message id>``) is the same on every attempt, so a gateway
          can drop a repeat, and comes back in its delivery reports

A message is claimed (pending -> sending) in its own commit before it is sent, so two copies of
the service never both send it; a send that fails is tried again up to ``SMS_MAX_ATTEMPTS`` times.
"""
import logging
from collections.abc import Callable
from datetime import datetime

import requests
from nameko.extensions import DependencyProvider
from sqlalchemy.orm import sessionmaker

from minzi.envelope import utcnow
from minzi.logs import mask_phone
from minzi.relay import WakeableLoop

from .domain import sending
from .models import Broadcast, Message

_log = logging.getLogger(__name__)


class RecordSender:
    name = "record"

    def send(self, to: str, text: str, reference: str) -> str | None:
        return None


class HttpSmsSender:
    name = "http"

    def __init__(self, url: str, timeout: float = 10):
        self.url = url
        self.timeout = timeout

    def send(self, to: str, text: str, reference: str) -> str | None:
        response = requests.post(self.url, timeout=self.timeout,
                                 json={"to": to, "text": text, "reference": reference})
        response.raise_for_status()
        try:
            body = response.json()
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        return str(body.get("id") or body.get("message_id") or "")[:100] or None


def make_sender(config: dict) -> RecordSender | HttpSmsSender:
    kind = config.get("SMS_SENDER") or "record"
    if kind == "http":
        if not config.get("SMS_GATEWAY_URL"):
            raise ValueError("SMS_SENDER=http needs SMS_GATEWAY_URL")
        return HttpSmsSender(config["SMS_GATEWAY_URL"])
    if kind != "record":
        raise ValueError(f"SMS_SENDER must be record or http, not {kind!r}")
    return RecordSender()


def outgoing_text(text: str, hint: str) -> str:
    """The notice as the resident reads it: with how to stop them, as the rules ask."""
    return f"{text} {hint}" if hint and hint not in text else text


class SmsRelay(WakeableLoop):
    name = "sms relay"

    def __init__(self, sessions: sessionmaker, sender: RecordSender | HttpSmsSender, *,
                 sweep_seconds: float = 5.0, max_attempts: int = 3, hint: str = "",
                 clock: Callable[[], datetime] = utcnow):
        super().__init__(sweep_seconds)
        self.sessions = sessions
        self.clock = clock
        self.sender = sender
        self.max_attempts = max_attempts
        self.hint = hint

    def work(self) -> bool:
        return bool(self.send_pending())

    def send_pending(self, limit: int = 100) -> int:
        """Send what is pending; returns how many messages were tried."""
        with self.sessions() as session:
            now = self.clock()
            if sending.expire_claims(session, now):
                session.commit()
            ids = session.scalars(sending.due_messages(now).limit(limit)).all()
            session.rollback()
            tried = 0
            for message_id in ids:
                if not sending.claim(session, message_id, self.clock()):
                    session.rollback()
                    continue
                session.commit()
                message = session.get(Message, message_id, populate_existing=True)
                text = outgoing_text(session.get(Broadcast, message.broadcast_id).text,
                                     self.hint)
                tried += 1
                try:
                    ref = self.sender.send(message.phone, text, sending.reference(message.id))
                except Exception as exc:
                    sending.send_failed(message, exc, self.clock(), self.max_attempts)
                    _log.warning("sms %s to %s failed (attempt %d): %s", message.id,
                                 mask_phone(message.phone), message.attempts, exc)
                else:
                    sending.sent(message, self.sender.name, ref, self.clock())
                    _log.info("sms %s of broadcast %s to %s: sent (%s)", message.id,
                              message.broadcast_id, mask_phone(message.phone), self.sender.name)
                session.commit()
            return tried


class SmsSending(DependencyProvider):
    """Runs the relay beside the service; ``self.sms.wake()`` after a commit sends at once."""

    def __init__(self, store_attr="store"):
        self.store_attr = store_attr

    def setup(self):
        config = self.container.config
        self.sender = make_sender(config)

    def start(self):
        config = self.container.config
        # the Store provider made the engine in its setup, which runs before any start
        store = next(d for d in self.container.dependencies if d.attr_name == self.store_attr)
        self.relay = SmsRelay(
            sessionmaker(store.engine, expire_on_commit=False), self.sender,
            sweep_seconds=float(config.get("SMS_SWEEP_SECONDS", 5)),
            max_attempts=int(config.get("SMS_MAX_ATTEMPTS", 3)),
            hint=config.get("SMS_OPT_OUT_HINT", "回复TD退订"))
        self.container.spawn_managed_thread(self.relay.run, identifier="sms-relay")
        self.relay.wake()

    def stop(self):
        self.relay.stop()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.relay
