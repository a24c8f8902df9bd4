"""What the gateway holds back before it troubles intake: bodies too large, and too many tries.

Logging in is limited per username and per address, counting failed attempts (a username locked
out this way waits out the window, whoever is typing); an Open311 request, which texts the
resident a receipt, is limited per phone and per api_key (not per address). The address is the
client's as ``forwarded.client_address`` finds it behind the station's own proxies (the
console). Each limit is a moving window (``MovingWindow``), written in ``limits``' notation
("5/hour") and kept in this gateway's memory: each copy of the gateway counts on its own.
"""
import math
import time
from collections import deque
from collections.abc import Callable

from cachetools import TTLCache
from limits import parse
from werkzeug.wrappers import Request

from .forwarded import client_address, parse_networks

LIMITS = {
    # name: (config key, default)
    "login_user": ("LOGIN_FAILURES_PER_USER", "10/15minutes"),
    "login_address": ("LOGIN_FAILURES_PER_ADDRESS", "50/15minutes"),
    "open311_phone": ("OPEN311_REQUESTS_PER_PHONE", "5/hour"),
    "open311_key": ("OPEN311_REQUESTS_PER_KEY", "600/minute"),
}
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


MOST_KEYS = 1_000_000   # per limit: far more phones than a district's residents in an hour


class MovingWindow:
    """At most ``amount`` tries per key in any ``seconds``. A key keeps only its last ``amount``
    tries (the oldest of them says when the next may come) and is forgotten a window after its
    last one: the cache drops such keys a few at a time as others are written, so a try costs
    the same whether a hundred residents or a district's tried within the hour. (``limits``'
    own in-memory storage walked every key a hundred times a second while tries came in.)"""

    def __init__(self, amount: int, seconds: float, clock: Callable[[], float] = time.monotonic,
                 most_keys: int = MOST_KEYS):
        self.amount, self.seconds, self.clock = amount, seconds, clock
        self.tries: TTLCache = TTLCache(most_keys, ttl=seconds, timer=clock)

    def wait_seconds(self, key: str) -> float | None:
        """Seconds until ``key`` may try again, or ``None`` when it may now."""
        if self.amount < 1:          # "0/hour": nobody, ever
            return self.seconds
        tries = self.tries.get(key)
        if tries is None or len(tries) < self.amount:
            return None
        wait = tries[0] + self.seconds - self.clock()
        return wait if wait > 0 else None

    def count(self, key: str) -> None:
        """One try, whether or not it was allowed (a failed login)."""
        tries = self.tries.get(key) or deque(maxlen=self.amount)
        tries.append(self.clock())
        self.tries[key] = tries    # written again: forgotten a whole window after this try

    def take(self, key: str) -> float | None:
        """One try if the window has room for it (then ``None``), else the seconds to wait."""
        wait = self.wait_seconds(key)
        if wait is None:
            self.count(key)
        return wait


class Guard:
    def __init__(self, config: dict, clock: Callable[[], float] = time.monotonic):
        self.max_body_bytes = int(config.get("MAX_BODY_BYTES") or DEFAULT_MAX_BODY_BYTES)
        self.windows = {}
        for name, (key, default) in LIMITS.items():
            item = parse(str(config.get(key) or default))
            self.windows[name] = MovingWindow(item.amount, item.get_expiry(), clock)
        self.trusted_proxies = parse_networks(config.get("TRUSTED_PROXIES"))

    def client(self, request: Request) -> str:
        """The address a request came from, believing ``X-Forwarded-For`` only from a trusted
        proxy."""
        return client_address(request.remote_addr, request.headers.getlist("X-Forwarded-For"),
                              self.trusted_proxies)

    def wait_seconds(self, name: str, key: str) -> int | None:
        """Whole seconds until ``key`` may try again, or ``None`` when it may now."""
        return _whole(self.windows[name].wait_seconds(key))

    def count(self, name: str, key: str) -> None:
        self.windows[name].count(key)

    def take(self, name: str, key: str) -> int | None:
        """Counts one try and says how long to wait if it was one too many."""
        return _whole(self.windows[name].take(key))


def _whole(seconds: float | None) -> int | None:
    return None if seconds is None else max(1, math.ceil(seconds))
