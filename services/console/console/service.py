"""The console under nameko: HTTP entrypoints served by werkzeug (as the gateway's are), each
handing the request to the console's werkzeug application (``console.app.Console``)."""
from nameko.extensions import DependencyProvider
from nameko.web.handlers import http
from werkzeug.wrappers import Request, Response

from .app import Console


class Pages(DependencyProvider):
    """One console for the service's life, made from its config."""

    def setup(self) -> None:
        self.console = Console(self.container.config)

    def get_dependency(self, worker_ctx) -> Console:
        return self.console


class ConsoleService:
    name = "console"

    pages = Pages()

    @http("GET", "/")
    def home(self, request: Request) -> Response:
        return self.pages.handle(request)

    @http("GET,POST", "/<path:rest>")
    def page(self, request: Request, rest: str) -> Response:
        return self.pages.handle(request)
