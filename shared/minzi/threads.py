"""Slow CPU work kept off the event loop.

A nameko service runs every worker on one eventlet hub: a password hash that takes 50 ms there
holds up every other request of the service for those 50 ms. ``off_the_loop`` runs such work
in eventlet's pool of real threads (hashlib's scrypt lets go of the GIL while it works), and
simply calls it where eventlet is not in use (plain tests, scripts).
"""
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def off_the_loop(work: Callable[..., T], *args) -> T:
    try:
        from eventlet import patcher, tpool
    except ImportError:   # pragma: no cover (eventlet is a dependency of every service)
        return work(*args)
    if patcher.is_monkey_patched("thread"):
        return tpool.execute(work, *args)
    return work(*args)
