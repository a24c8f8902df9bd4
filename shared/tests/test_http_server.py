"""The idle connections' timeout of Minzi's web server (``minzi.http_server``), as the server
it makes is given it; the gateway's tests close real idle connections with it over TCP."""
from types import SimpleNamespace

import eventlet

from minzi.http_server import DEFAULT_HTTP_IDLE_SECONDS, IdleClosingServer


def idle_seconds_of(config: dict) -> tuple[float, float]:
    """The socket timeout and keep-alive wait of the server a service would make."""
    server = IdleClosingServer()
    server.container = SimpleNamespace(config=config)
    with eventlet.listen(("127.0.0.1", 0)) as sock:
        made = server.get_wsgi_server(sock, lambda environ, start_response: [])
    return made.socket_timeout, made.keepalive


def test_a_connection_idle_for_a_minute_is_closed_unless_told_otherwise():
    assert idle_seconds_of({}) == (DEFAULT_HTTP_IDLE_SECONDS, DEFAULT_HTTP_IDLE_SECONDS) == (60, 60)
    assert idle_seconds_of({"HTTP_IDLE_SECONDS": "7.5"}) == (7.5, 7.5)
