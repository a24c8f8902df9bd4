"""A background loop that works at once when woken and every ``sweep_seconds`` anyway.

The outbox relay, intake's notification sender and the SMS sender are all this: a commit wakes
the loop so what it wrote leaves within milliseconds, and the sweep picks up what a crash or an
outage left behind.
"""
import logging
import threading
import time

_log = logging.getLogger(__name__)


class WakeableLoop:
    name = "relay"

    def __init__(self, sweep_seconds: float = 5.0, max_backoff_seconds: float | None = None):
        self.sweep_seconds = sweep_seconds
        self.max_backoff_seconds = max_backoff_seconds or sweep_seconds
        self._wake = threading.Event()
        self._running = False

    def work(self) -> bool:
        """Do one batch; return True while there is more to do at once."""
        raise NotImplementedError

    def wake(self) -> None:
        self._wake.set()

    def run(self) -> None:
        self._running = True
        backoff = 0.5
        while self._running:
            self._wake.wait(self.sweep_seconds)
            self._wake.clear()
            if not self._running:
                break
            try:
                while self._running and self.work():
                    pass
                backoff = 0.5
            except Exception as exc:  # broker, database or gateway away: try again shortly
                _log.warning("%s: %s; retrying in %.1fs", self.name, exc, backoff)
                time.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff_seconds)
                self._wake.set()

    def stop(self) -> None:
        self._running = False
        self._wake.set()
