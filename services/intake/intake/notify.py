"""The notification outbox: replies to residents, sent after the commit that decided them.

Senders are pluggable (``NOTIFY_SENDER``):
  record  (default) keep the message where staff, the resident's tracking page and tests read it
          (the desk writes it kept in the transaction that decided it: nothing is left to send)
  http    POST {"to", "text", "reference"} as JSON to ``SMS_GATEWAY_URL`` (an SMS gateway)

Each message is sent in a transaction of its own that holds its row (``SKIP LOCKED`` on
PostgreSQL): copies of intake side by side each take different messages, and a copy that dies
while sending leaves its message pending for another. A failed send waits by the clock before the
next try (``RETRY_AFTER_SECONDS``: ten seconds, then a minute, five, half an hour, two hours), so
an SMS gateway away for a while delays replies rather than losing them; after the last try the
message is marked failed, for staff to call the resident instead. The gateway is given the
message's ``reference`` to recognise a message sent again after a crash.
"""
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

import requests
from nameko.extensions import DependencyProvider
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from minzi.envelope import utcnow
from minzi.logs import mask_phone
from minzi.relay import WakeableLoop

from .models import Notification

_log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = (10, 60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_AFTER_SECONDS) + 1
BATCH = 100


class Sender(Protocol):
    name: str

    def send(self, notification: Notification) -> str:
        """Send it; returns the status it ends in ("sent", "recorded"), or raises."""


class RecordSender:
    name = "record"
    batch = True   # nothing leaves the station: a batch is marked in one commit

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

    @property
    def only_keeps(self) -> bool:
        """The sender sends nothing out of the station: the desk writes its messages as kept."""
        return isinstance(self.sender, RecordSender)

    def wake(self) -> None:
        # with nothing to send, nothing new is left pending: the sweep takes what an earlier
        # sender left
        if not self.only_keeps:
            super().wake()

    def work(self) -> bool:
        # a full batch handled: there may be more now; what failed waits for its time
        return self.send_pending() == BATCH

    def send_pending(self, now: datetime | None = None) -> int:
        """Send up to a batch of the messages due by ``now``; returns how many were tried. A
        sender that sends nothing out of the station (``batch``) has the whole batch marked in
        one commit; one that texts commits after each message, so that a crash sends at most
        that one again."""
        if getattr(self.sender, "batch", False):
            return self.send_some(now or utcnow(), BATCH)
        tried = 0
        while tried < BATCH and self.send_one(now or utcnow()):
            tried += 1
        return tried

    def send_one(self, now: datetime) -> bool:
        """Take one due message no other copy holds, and send it; False when none is left."""
        return self.send_some(now, 1) == 1

    def send_some(self, now: datetime, limit: int) -> int:
        """Take up to ``limit`` due messages no other copy holds, send them, commit once;
        returns how many were taken."""
        with self.sessions() as session:
            query = select(Notification).where(
                Notification.status == "pending",
                or_(Notification.next_attempt_at.is_(None),
                    Notification.next_attempt_at <= now)).order_by(Notification.id).limit(limit)
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = session.scalars(query).all()
            for row in rows:
                self._send(row, now)
            if rows:
                session.commit()
            return len(rows)

    def _send(self, row: Notification, now: datetime) -> None:
        try:
            row.status = self.sender.send(row)
            row.sent_at = utcnow()
            _log.info("notification %s to %s: %s", row.id, mask_phone(row.recipient),
                      row.status)
        except Exception as exc:
            row.attempts += 1
            row.error = str(exc)[:1000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"  # listed for staff, who call the resident instead
                _log.error("notification %s failed %d times: %s", row.id, row.attempts,
                           row.error)
            else:
                row.next_attempt_at = now + timedelta(
                    seconds=RETRY_AFTER_SECONDS[row.attempts - 1])


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
