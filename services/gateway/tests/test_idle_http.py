"""Connections that send nothing are closed (gateway/door.py), over real TCP: the test gateway
closes one idle for a second (``HTTP_IDLE_SECONDS``), whether it never sent a request, stopped
in the middle of one, or was kept alive after its answer; one in use is answered as before."""
import socket

import pytest

from minzi.testing import read_until_closed

IDLE_SECONDS = 1


@pytest.fixture
def gateway_settings() -> dict:
    return {"HTTP_IDLE_SECONDS": IDLE_SECONDS}


def connect(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port))
    connection.settimeout(10 * IDLE_SECONDS)   # the test's own bound, far past the gateway's
    return connection


HEALTH = b"GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n"


def test_a_connection_that_sends_nothing_is_closed(gateway, web_config_port):
    with connect(web_config_port) as connection:
        assert read_until_closed(connection) == b""


def test_a_request_left_half_sent_is_closed(gateway, web_config_port):
    with connect(web_config_port) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: gat")
        assert read_until_closed(connection) == b""
    assert gateway.stage.calls == []


def test_a_kept_alive_connection_is_answered_then_closed_when_idle(gateway, web_config_port):
    with connect(web_config_port) as connection:
        connection.sendall(HEALTH)
        first = connection.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 OK")
        connection.sendall(HEALTH)      # the same connection, kept alive
        second = read_until_closed(connection)
        assert second.startswith(b"HTTP/1.1 200 OK")
        assert second.endswith(b'{"status": "ok"}')
