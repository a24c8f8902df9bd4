"""nameko's HTTP entrypoint on a server that closes idle connections.

nameko's web server keeps a connection open for as long as its caller likes, each with a green
thread and its buffers, and lends it no worker until its request's headers have come: a
caller could hold thousands open for nothing. Here a connection that sends nothing for
``HTTP_IDLE_SECONDS`` (60 unless the service's config says), between requests or in the middle
of one, is closed. The gateway and the console, Minzi's two doors, serve through it.
"""
from eventlet import wsgi
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer

DEFAULT_HTTP_IDLE_SECONDS = 60


class IdleClosingServer(WebServer):
    """nameko's web server, closing a connection idle for ``HTTP_IDLE_SECONDS``."""

    def get_wsgi_server(self, sock, wsgi_app, **kwargs) -> wsgi.Server:
        server = super().get_wsgi_server(sock, wsgi_app, **kwargs)
        idle = float(self.container.config.get("HTTP_IDLE_SECONDS", DEFAULT_HTTP_IDLE_SECONDS))
        # every read and write of a connection (nameko's accept loop sets it), and the wait
        # for the next request on a kept-alive one (eventlet's own)
        server.socket_timeout = server.keepalive = idle
        return server


class HttpEntrypoint(HttpRequestHandler):
    server = IdleClosingServer()


http = HttpEntrypoint.decorator
