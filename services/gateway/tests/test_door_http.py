"""The bound on requests waiting at the door (gateway/door.py), over real HTTP: the test
gateway has 2 workers and lets 1 request wait for one. While intake holds the first two, a
third waits; the next are answered 503 with Retry-After at once, in the caller's language and,
on Open311's routes, in Open311's error shape, and intake is not asked. Those that waited are
served; /health waits in line and is never refused; /metrics counts the refused."""
import eventlet
import pytest
import requests
from eventlet.event import Event

from minzi.testing import wait_for

from gateway.door import DoorCount

from .conftest import XML_DECLARATION

PROMETHEUS = {"Authorization": "Bearer prometheus-secret"}
BUSY_ZH = "当前请求过多，本次请求未被受理，请稍后重试"


@pytest.fixture
def gateway_settings() -> dict:
    return {"max_workers": 2, "MAX_WAITING_REQUESTS": 1}


@pytest.fixture
def held(gateway):
    """Intake answers its staff API only once ``release`` is sent."""
    release = Event()

    def answer(request, request_key=None):
        release.wait()
        return {"status": 200, "body": {"from": "intake", "path": request["path"]}}
    gateway.stage.answers[("intake", "api")] = answer
    return release


def in_background(port: int, path: str) -> eventlet.greenthread.GreenThread:
    return eventlet.spawn(requests.get, f"http://127.0.0.1:{port}{path}", timeout=20)


def test_past_the_bound_a_request_is_refused_at_once_and_nothing_is_asked(
        gateway, held, web_session, web_config_port):
    pool = gateway.containers["gateway"]._worker_pool
    first = [in_background(web_config_port, f"/api/v1/cases/{n}") for n in (1, 2)]
    wait_for(lambda: len(gateway.stage.asked("intake", "api")) == 2)
    waiting = in_background(web_config_port, "/api/v1/cases/3")
    wait_for(lambda: pool.waiting() == 1)
    # the door's own count of those waiting is nameko's
    door = next(e for e in gateway.containers["gateway"].extensions if isinstance(e, DoorCount))
    assert (door.inside, door.waiting()) == (3, 1)

    refused = web_session.get("/api/v1/cases/4?lang=en")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "2"
    assert refused.json() == {"error": {"code": "busy", "message": (
        "Too many requests are waiting just now: this one was not taken; try again shortly")}}
    assert web_session.get("/api/v1/cases/5").json()["error"]["message"] == BUSY_ZH

    report = {"service_code": "legal_aid.consult", "phone": "13800000001",
              "description": "邻居装修噪音"}
    as_json = web_session.post("/open311/v2/requests.json", data=report)
    assert as_json.status_code == 503
    assert as_json.headers["Retry-After"] == "2"
    assert as_json.json() == [{"code": 503, "description": BUSY_ZH}]
    as_xml = web_session.post("/open311/v2/requests.xml?lang=en", data=report)
    assert as_xml.status_code == 503
    assert as_xml.text == (
        f"{XML_DECLARATION}<errors><error><code>503</code><description>Too many requests are "
        "waiting just now: this one was not taken; try again shortly</description></error>"
        "</errors>")
    # intake heard of none of the refused: only the two it holds
    assert sorted(args[0]["path"] for args, _ in gateway.stage.asked("intake", "api")) == \
        ["/cases/1", "/cases/2"]
    assert gateway.stage.asked("intake", "open311") == []

    health = in_background(web_config_port, "/health")   # waits in line, never refused
    eventlet.sleep(0.2)
    held.send()
    answers = [thread.wait() for thread in [*first, waiting, health]]
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert [a.json().get("path") for a in answers[:3]] == ["/cases/1", "/cases/2", "/cases/3"]
    assert answers[3].json() == {"status": "ok"}

    lines = web_session.get("/metrics", headers=PROMETHEUS).text.splitlines()
    assert "minzi_gateway_requests_refused_busy_total 4.0" in lines
    assert "minzi_gateway_requests_waiting 0.0" in lines


def test_up_to_the_bound_every_request_waits_its_turn(gateway, held, web_session,
                                                      web_config_port):
    """Two held and one waiting: none refused, all answered once intake answers."""
    threads = [in_background(web_config_port, f"/api/v1/cases/{n}") for n in (1, 2, 3)]
    wait_for(lambda: gateway.containers["gateway"]._worker_pool.waiting() == 1)
    held.send()
    assert [t.wait().status_code for t in threads] == [200, 200, 200]
    lines = web_session.get("/metrics", headers=PROMETHEUS).text.splitlines()
    assert "minzi_gateway_requests_refused_busy_total 0.0" in lines
