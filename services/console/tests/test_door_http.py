"""The bound on requests waiting at the console's door (``minzi.door``), over real HTTP: the test
console has 1 worker and lets 1 request wait for one. While the first page waits for a gateway
that does not answer, a second waits its turn; the next are answered 503 with Retry-After at
once, as a page in the reader's language, and the gateway is not asked. /health waits in line
and is never refused."""
import socket

import eventlet
import pytest
import requests
from eventlet.event import Event

from minzi.door import DoorCount
from minzi.testing import wait_for

from console.service import ConsoleService

BUSY_EN = "Too many requests are waiting just now: this page was not opened; try again shortly"
BUSY_ZH = "当前请求过多，本页暂未打开，请稍后刷新重试"


@pytest.fixture
def silent_gateway():
    """A gateway that takes connections and answers none until ``release`` is sent."""
    release, taken = Event(), []
    listener = eventlet.listen(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def hold(connection: socket.socket) -> None:
        taken.append(connection)
        release.wait()
        connection.close()

    def serve() -> None:
        while True:
            connection, _ = listener.accept()
            eventlet.spawn(hold, connection)

    server = eventlet.spawn(serve)
    yield f"http://127.0.0.1:{port}", release, taken
    if not release.ready():
        release.send()
    server.kill()
    listener.close()


@pytest.fixture
def console(container_factory, web_config, silent_gateway):
    container = container_factory(ConsoleService, {
        **web_config, "GATEWAY_URL": silent_gateway[0], "GATEWAY_TIMEOUT_SECONDS": 20,
        "max_workers": 1, "MAX_WAITING_REQUESTS": 1})
    container.start()
    return container


def test_past_the_bound_a_page_is_refused_at_once_and_the_gateway_is_not_asked(
        console, silent_gateway, web_config_port):
    _, release, taken = silent_gateway
    base = f"http://127.0.0.1:{web_config_port}"
    door = next(e for e in console.extensions if isinstance(e, DoorCount))
    first = eventlet.spawn(requests.get, f"{base}/", timeout=30)
    wait_for(lambda: len(taken) == 1)          # its page waits for the gateway
    waiting = eventlet.spawn(requests.get, f"{base}/track", timeout=30)
    wait_for(lambda: door.waiting() == 1)

    refused = requests.get(f"{base}/cases?lang=en", timeout=5)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "2"
    assert refused.headers["Content-Type"].startswith("text/html")
    assert BUSY_EN in refused.text
    assert BUSY_ZH in requests.get(f"{base}/", timeout=5).text
    assert door.refused == 2
    assert len(taken) == 1                     # the refused pages asked the gateway nothing

    health = eventlet.spawn(requests.get, f"{base}/health", timeout=30)
    eventlet.sleep(0.2)
    release.send()
    answers = [thread.wait() for thread in (first, waiting, health)]
    assert all(BUSY_EN not in a.text and BUSY_ZH not in a.text for a in answers)
    assert answers[2].json() == {"status": "ok"}
    assert door.inside == 0
