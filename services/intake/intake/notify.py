"""The notification outbox: replies to residents, sent after the commit that decided them.

Senders are pluggable (``NOTIFY_SENDER``):
  record  (default) keep the message where staff, the resident's tracking page and tests read it
  http    POST {"to", "text", "reference"} as JSON to ``SMS_GATEWAY_URL`` (an SMS gateway)
"""
import logging
from collections.abc import Callable
from typing import Protocol

import requests
from nameko.extensions import DependencyProvider
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from minzi.envelope import utcnow
from minzi.logs import mask_phone
from minzi.relay import WakeableLoop

from .models import Notification

_log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 100


class Sender(Protocol):
    name: str

    def send(self, notification: Notification) -> str:
        """Send it; returns the status it ends in ("sent", "recorded"), or raises."""


class RecordSender:
    name = "record"

    def send(self, notification: Notification) -> str:
        return "recorded"


class HttpSmsSender:
    name = "http"

    def __init__(self, url: str, timeout: float = 10) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, notification: Notification) -> str:
        if notification.channel != "sms" or not notification.recipient:
            return "recorded"  # nothing to text: the resident reads it by tracking code
        response = requests.post(self.url, timeout=self.timeout, json={
            "to": notification.recipient, "text": notification.body,
            "reference": f"minzi-notification-{notification.id}"})
        response.raise_for_status()
        return "sent"


def make_sender(config: dict) -> Sender:
    kind = config.get("NOTIFY_SENDER") or "record"
    if kind == "http":
        return HttpSmsSender(config["SMS_GATEWAY_URL"])
    return RecordSender()


class NotificationRelay(WakeableLoop):
    name = "notification relay"

    def __init__(self, sessions: Callable[[], Session], sender: Sender,
                 sweep_seconds: float = 5.0) -> None:
        super().__init__(sweep_seconds)
        self.sessions = sessions
        self.sender = sender

    def work(self) -> bool:
        # a full batch all sent: there may be more now; a failure waits for the next sweep
        return self.send_pending() == BATCH

    def send_pending(self) -> int:
        """Send up to a batch of pending messages; returns how many left."""
        sent = 0
        with self.sessions() as session:
            rows = session.scalars(select(Notification).where(Notification.status == "pending")
                                   .order_by(Notification.id).limit(BATCH)).all()
            for row in rows:
                try:
                    row.status = self.sender.send(row)
                    row.sent_at = utcnow()
                    sent += 1
                    _log.info("notification %s to %s: %s", row.id, mask_phone(row.recipient),
                              row.status)
                except Exception as exc:
                    row.attempts += 1
                    row.error = str(exc)[:1000]
                    if row.attempts >= MAX_ATTEMPTS:
                        row.status = "failed"  # listed for staff, who call the resident instead
                session.commit()
        return sent


class Notifier(DependencyProvider):
    """Runs the relay beside the service; ``self.notifier.wake()`` after a commit sends at once."""

    def __init__(self, store_attr: str = "store") -> None:
        self.store_attr = store_attr

    def start(self) -> None:
        config = self.container.config
        # the service's Store provider owns the engine (made in its setup, which runs before any
        # start); notifications live in the same database
        store = next(d for d in self.container.dependencies if d.attr_name == self.store_attr)
        self.relay = NotificationRelay(
            sessionmaker(store.engine, expire_on_commit=False), make_sender(config),
            sweep_seconds=float(config.get("NOTIFY_SWEEP_SECONDS", 5)))
        self.container.spawn_managed_thread(self.relay.run, identifier="notification-relay")
        self.relay.wake()

    def stop(self) -> None:
        self.relay.stop()

    kill = stop

    def get_dependency(self, worker_ctx: object) -> NotificationRelay:
        return self.relay
