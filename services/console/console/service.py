"""The console under nameko: HTTP entrypoints served by werkzeug (as the gateway's are, on a
server that closes idle connections: ``minzi.http_server``), each handing the request to the
console's werkzeug application (``console.app.Console``). Past ``MAX_WAITING_REQUESTS`` waiting
for a worker, a page is refused at once (``minzi.door``); ``/health`` always waits its turn."""
from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Request, Response

from minzi.door import BoundedHttp

from .app import Console


class Pages(DependencyProvider):
    """One console for the service's life, made from its config."""

    def setup(self) -> None:
        self.console = Console(self.container.config)

    def get_dependency(self, worker_ctx) -> Console:
        return self.console


class ConsoleHttp(BoundedHttp):
    def refuse(self, request: Request) -> Response:
        pages = next(d for d in self.container.dependencies if isinstance(d, Pages))
        return pages.console.busy(request)


http = ConsoleHttp.decorator


class ConsoleService:
    name = "console"

    pages = Pages()

    @http("GET", "/health", bounded=False)
    def health(self, request: Request) -> Response:
        return self.pages.handle(request)

    @http("GET", "/")
    def home(self, request: Request) -> Response:
        return self.pages.handle(request)

    @http("GET,POST", "/<path:rest>")
    def page(self, request: Request, rest: str) -> Response:
        return self.pages.handle(request)
