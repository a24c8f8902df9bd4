"""How long intake has been watching without a break: a program is declared gone only once
intake has watched long enough to have heard its heartbeats.

After intake starts, or after its database was away, the heartbeats of that time were not
recorded (they wait in the queue and arrive as the backlog drains): every program would look
silent. So declaring programs gone waits until intake has watched without a break for
``PROGRAM_GRACE_SECONDS`` (90 s by default: longer than three missed heartbeats plus the longest
wait of a message held back by an outage)."""
from datetime import datetime, timedelta

from nameko.extensions import DependencyProvider

DEFAULT_GRACE_SECONDS = 90


class Vigil:
    def __init__(self, grace: timedelta):
        self.grace = grace
        self.since: datetime | None = None   # watching without a break since

    def settled(self, now: datetime) -> bool:
        """Long enough watching to tell a silent program from a backlog."""
        return self.since is not None and now - self.since >= self.grace

    def kept(self, now: datetime) -> None:
        """A watch went through."""
        if self.since is None:
            self.since = now

    def broken(self) -> None:
        """A watch could not reach the database: begin again when it can."""
        self.since = None


class Watchfulness(DependencyProvider):
    """One ``Vigil`` per running intake (a container), kept across its workers."""

    def setup(self) -> None:
        seconds = float(self.container.config.get("PROGRAM_GRACE_SECONDS",
                                                  DEFAULT_GRACE_SECONDS))
        self.vigil = Vigil(timedelta(seconds=seconds))

    def get_dependency(self, worker_ctx: object) -> Vigil:
        return self.vigil
