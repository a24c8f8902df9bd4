"""The console under nameko, over real TCP: it serves its pages through ``minzi.http_server``,
so a connection kept alive after its answer is closed once idle (here for a second,
``HTTP_IDLE_SECONDS``), and so is one that never sends a request."""
import socket

import pytest

from minzi.testing import read_until_closed

from console.service import ConsoleService


@pytest.fixture
def console_port(container_factory, web_config, web_config_port) -> int:
    container = container_factory(ConsoleService, {
        **web_config, "HTTP_IDLE_SECONDS": 1, "GATEWAY_URL": "http://127.0.0.1:9"})
    container.start()
    return web_config_port


def test_an_idle_connection_to_the_console_is_closed(console_port):
    with socket.create_connection(("127.0.0.1", console_port), timeout=10) as connection:
        assert read_until_closed(connection) == b""
    with socket.create_connection(("127.0.0.1", console_port), timeout=10) as connection:
        connection.sendall(b"GET /assets/console.css HTTP/1.1\r\nHost: console\r\n\r\n")
        answer = read_until_closed(connection)   # kept alive, then closed when idle
        assert answer.startswith(b"HTTP/1.1 200 OK")
        assert b"text/css" in answer
