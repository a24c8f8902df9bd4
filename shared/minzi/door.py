"""How many requests may wait at a service's HTTP door (the gateway's, the console's).

nameko lends each request one of the service's ``max_workers``; a request that finds them all
busy waits for one, and nothing bounds how many wait. When requests come faster than the
station can take them, the wait grows with every second of the overload (seconds, then tens of
seconds) and every caller meets it. Past ``MAX_WAITING_REQUESTS`` waiting, a request is answered
at once instead: 503 with ``Retry-After``, in the caller's language, by the service's own
``refuse``; nothing behind the door is asked, so nothing was taken. The requests already
waiting are served as before. A route declared ``bounded=False`` (``/health``, ``/metrics``)
waits in line as it always did: it is how ops see the overload.
"""
from nameko.extensions import SharedExtension
from werkzeug.wrappers import Request, Response

from .http_server import HttpEntrypoint

DEFAULT_MAX_WAITING_REQUESTS = 50   # about a second of requests on a 2-core station
BUSY_RETRY_SECONDS = 2


class DoorCount(SharedExtension):
    """What every route of one service shares: the bound, the requests in the service now, and
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
        """The requests in the service that no worker has taken yet."""
        return max(0, self.inside - self.workers)

    def full(self) -> bool:
        """Every worker busy and ``most_waiting`` requests already waiting for one."""
        return self.inside >= self.workers + self.most_waiting


class BoundedHttp(HttpEntrypoint):
    """The HTTP entrypoint with the door's bound (``bounded=False``: without it, though the
    request is counted among those inside). A service says how it refuses (``refuse``)."""
    door = DoorCount()

    def __init__(self, method: str, url: str, bounded: bool = True, **kwargs) -> None:
        self.bounded = bounded
        super().__init__(method, url, **kwargs)

    def handle_request(self, request: Request) -> Response:
        if self.bounded and self.door.full():
            self.door.refused += 1
            response = self.refuse(request)
            response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
            return response
        self.door.inside += 1
        try:   # nameko's handling waits here for a free worker, then for the answer
            return super().handle_request(request)
        finally:
            self.door.inside -= 1

    def refuse(self, request: Request) -> Response:
        """The 503 a caller reads when too many are waiting."""
        raise NotImplementedError
