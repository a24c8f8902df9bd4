"""What the gateway holds back before it troubles intake: bodies too large, and too many tries.

Logging in is limited per username and per address, counting failed attempts (a username locked
out this way waits out the window, whoever is typing); an Open311 request, which texts the
resident a receipt, is limited per phone and per api_key (not per address). The address is the
client's as ``forwarded.client_address`` finds it behind the station's own proxies (the
console). The counts use the ``limits`` library's
moving windows, kept in this gateway's memory: each copy of the gateway counts on its own.
"""
import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
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


class Guard:
    def __init__(self, config: dict):
        self.max_body_bytes = int(config.get("MAX_BODY_BYTES") or DEFAULT_MAX_BODY_BYTES)
        self.limits = {name: parse(str(config.get(key) or default))
                       for name, (key, default) in LIMITS.items()}
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.trusted_proxies = parse_networks(config.get("TRUSTED_PROXIES"))

    def client(self, request: Request) -> str:
        """The address a request came from, believing ``X-Forwarded-For`` only from a trusted
        proxy."""
        return client_address(request.remote_addr, request.headers.getlist("X-Forwarded-For"),
                              self.trusted_proxies)

    def wait_seconds(self, name: str, key: str) -> int | None:
        """Seconds until ``key`` may try again, or ``None`` when it may now."""
        item = self.limits[name]
        if self.limiter.test(item, name, key):
            return None
        reset = self.limiter.get_window_stats(item, name, key).reset_time
        return max(1, math.ceil(reset - time.time()))

    def count(self, name: str, key: str) -> None:
        self.limiter.hit(self.limits[name], name, key)

    def take(self, name: str, key: str) -> int | None:
        """Counts one try and says how long to wait if it was one too many."""
        if self.limiter.hit(self.limits[name], name, key):
            return None
        return self.wait_seconds(name, key) or 1
