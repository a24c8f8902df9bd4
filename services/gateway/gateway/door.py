"""How many requests may wait at the gateway's door.

nameko lends each request one of the gateway's ``max_workers``; a request that finds them all
busy waits for one, and nothing bounds how many wait. When requests come faster than the
station can take them, the wait grows with every second of the overload (seconds, then tens of
seconds) and every caller meets it. Past ``MAX_WAITING_REQUESTS`` waiting, a request is answered
at once instead: 503 with ``Retry-After``, in the caller's language (in Open311's error shape
on its routes), and nothing behind the gateway is asked, so nothing was taken. The requests
already waiting are served as before. ``/health`` and ``/metrics`` wait in line as they always
did: they are how ops see the overload.

The routes are served by ``minzi.http_server``, which closes idle connections.
"""
from nameko.extensions import SharedExtension
from werkzeug.wrappers import Request, Response

from minzi.http_server import HttpEntrypoint
from minzi.i18n import pick

from . import open311
from .answers import error, language

DEFAULT_MAX_WAITING_REQUESTS = 50   # about a second of requests on a 2-core station
BUSY_RETRY_SECONDS = 2
BUSY_WORDS = ("当前请求过多，本次请求未被受理，请稍后重试",
              "Too many requests are waiting just now: this one was not taken; try again "
              "shortly")


class DoorCount(SharedExtension):
    """What every route of one gateway shares: the bound, the requests in the gateway now, and
    how many it has refused. The door counts its own requests: each holds one of the
    container's ``max_workers`` or waits for one, from the moment nameko is handed it until it
    is answered."""

    def setup(self) -> None:
        self.most_waiting = int(self.container.config.get("MAX_WAITING_REQUESTS",
                                                          DEFAULT_MAX_WAITING_REQUESTS))
        self.workers = self.container.max_workers
        self.inside = 0
        self.refused = 0

    def waiting(self) -> int:
        """The requests in the gateway that no worker has taken yet."""
        return max(0, self.inside - self.workers)

    def full(self) -> bool:
        """Every worker busy and ``most_waiting`` requests already waiting for one."""
        return self.inside >= self.workers + self.most_waiting


class BoundedHttp(HttpEntrypoint):
    """Minzi's HTTP entrypoint with the door's bound (``bounded=False``: without it, though the
    request is counted among those inside)."""
    door = DoorCount()

    def __init__(self, method: str, url: str, bounded: bool = True, **kwargs) -> None:
        self.bounded = bounded
        super().__init__(method, url, **kwargs)

    def handle_request(self, request: Request) -> Response:
        if self.bounded and self.door.full():
            self.door.refused += 1
            return busy(request)
        self.door.inside += 1
        try:   # nameko's handling waits here for a free worker, then for the answer
            return super().handle_request(request)
        finally:
            self.door.inside -= 1


http = BoundedHttp.decorator


def busy(request: Request) -> Response:
    lang = language(request)
    zh, en = BUSY_WORDS
    if request.path.startswith(open311.PREFIX + "/"):
        # the format the route would have answered in: its extension's (JSON unless XML)
        fmt = "xml" if request.path.lower().endswith(".xml") else "json"
        response = open311.errors_response(503, pick(lang, zh, en), fmt)
    else:
        response = error(503, "busy", zh, en, lang)
    response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response
