"""The door's bound (``minzi.door``) read from the config, what counts as waiting, and how a
request is refused or let in; over HTTP with a service running: the gateway's and the
console's ``test_door_http.py``."""
from types import SimpleNamespace

import pytest
from nameko.web.handlers import HttpRequestHandler
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from minzi.door import DEFAULT_MAX_WAITING_REQUESTS, BoundedHttp, DoorCount


def door(workers: int, config: dict) -> DoorCount:
    count = DoorCount()
    count.container = SimpleNamespace(config=config, max_workers=workers)
    count.setup()
    return count


def test_without_a_setting_fifty_may_wait():
    assert door(20, {}).most_waiting == DEFAULT_MAX_WAITING_REQUESTS == 50
    assert door(20, {}).refused == 0
    assert door(20, {}).inside == 0
    assert door(20, {"MAX_WAITING_REQUESTS": "7"}).most_waiting == 7


def test_at_zero_a_request_is_refused_only_when_every_worker_is_busy():
    count = door(1, {"MAX_WAITING_REQUESTS": 0})
    assert not count.full()
    count.inside = 1
    assert count.full()


def test_a_free_worker_is_lent_whatever_the_bound():
    count = door(2, {"MAX_WAITING_REQUESTS": 0})
    count.inside = 1
    assert not count.full()   # one of two busy
    assert count.waiting() == 0


def test_the_requests_past_the_workers_are_the_ones_waiting():
    count = door(2, {"MAX_WAITING_REQUESTS": 3})
    count.inside = 4
    assert count.waiting() == 2 and not count.full()
    count.inside = 5
    assert count.waiting() == 3 and count.full()


class Door(BoundedHttp):
    def refuse(self, request):
        return Response(f"busy: {request.path}", status=503)


@pytest.fixture
def served(monkeypatch):
    """nameko's own handling, replaced: what the door let in, and how many were inside then."""
    seen = []

    def handle_request(entrypoint, request):
        seen.append(entrypoint.door.inside)
        if request.path == "/fails":
            raise RuntimeError("the handler failed")
        return Response("served")
    monkeypatch.setattr(HttpRequestHandler, "handle_request", handle_request)
    return seen


def entrypoint(bounded: bool, workers: int, most_waiting: int, inside: int) -> Door:
    route = Door("GET", "/", bounded=bounded)
    route.door = door(workers, {"MAX_WAITING_REQUESTS": most_waiting})
    route.door.inside = inside
    return route


def request(path: str = "/") -> Request:
    return Request(EnvironBuilder(path=path).get_environ())


def test_a_route_is_bounded_unless_it_says_otherwise_and_keeps_what_nameko_is_given():
    route = Door("POST", "/cases/<int:case_id>", expected_exceptions=(ValueError,))
    assert route.bounded is True
    assert (route.method, route.url, route.expected_exceptions) == (
        "POST", "/cases/<int:case_id>", (ValueError,))
    assert Door("GET", "/health", bounded=False).bounded is False


def test_a_full_door_refuses_at_once_asks_to_retry_and_counts_it(served):
    route = entrypoint(True, workers=1, most_waiting=1, inside=2)
    answer = route.handle_request(request("/cases"))
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "2")
    assert answer.get_data() == b"busy: /cases"     # the service's own refusal, of this request
    assert route.door.refused == 1 and served == []
    route.handle_request(request())
    assert route.door.refused == 2 and route.door.inside == 2


def test_below_the_bound_a_request_is_served_and_counted_while_inside(served):
    route = entrypoint(True, workers=1, most_waiting=1, inside=1)
    assert route.handle_request(request()).get_data() == b"served"
    assert served == [2] and route.door.inside == 1 and route.door.refused == 0
    with pytest.raises(RuntimeError):   # a failed request leaves all the same
        route.handle_request(request("/fails"))
    assert route.door.inside == 1


def test_an_unbounded_route_waits_its_turn_even_at_a_full_door(served):
    route = entrypoint(False, workers=1, most_waiting=0, inside=5)
    assert route.handle_request(request()).get_data() == b"served"
    assert served == [6] and route.door.refused == 0 and route.door.inside == 5
