"""The door's bound read from the config, its meaning at 0 (no request waits at all), and
what a refused caller reads."""
import json
from types import SimpleNamespace

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway.door import DEFAULT_MAX_WAITING_REQUESTS, DoorCount, busy


def door(workers: int, config: dict) -> DoorCount:
    count = DoorCount()
    count.container = SimpleNamespace(config=config, max_workers=workers)
    count.setup()
    return count


def test_without_a_setting_fifty_may_wait():
    assert door(20, {}).most_waiting == DEFAULT_MAX_WAITING_REQUESTS == 50
    assert door(20, {}).refused == 0
    assert door(20, {"MAX_WAITING_REQUESTS": "7"}).most_waiting == 7


def test_at_zero_a_request_is_refused_only_when_every_worker_is_busy():
    count = door(1, {"MAX_WAITING_REQUESTS": 0})
    assert not count.full()
    count.inside = 1
    assert count.full()
    count.inside = 0
    assert not count.full()


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


def refusal(path: str, lang: str | None = None) -> Response:
    return busy(Request(EnvironBuilder(path=path, method="POST",
                                       query_string=f"lang={lang}" if lang else "")
                        .get_environ()))


def test_a_refusal_says_try_again_in_the_callers_language():
    answer = refusal("/api/v1/cases", "en")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert json.loads(answer.get_data()) == {"error": {"code": "busy", "message": (
        "Too many requests are waiting just now: this one was not taken; try again shortly")}}
    assert json.loads(refusal("/api/v1/cases").get_data())["error"]["message"] == (
        "当前请求过多，本次请求未被受理，请稍后重试")


def test_on_open311s_routes_a_refusal_is_in_its_error_shape_and_format():
    as_json = refusal("/open311/v2/requests.json")
    assert as_json.status_code == 503
    assert as_json.headers["Retry-After"] == "2"
    assert json.loads(as_json.get_data()) == [
        {"code": 503, "description": "当前请求过多，本次请求未被受理，请稍后重试"}]
    as_xml = refusal("/open311/v2/requests.XML", "en")
    assert as_xml.status_code == 503
    assert as_xml.mimetype == "text/xml"
    assert "<code>503</code><description>Too many requests are waiting" in \
        as_xml.get_data(as_text=True)
    # a route of another shape: Open311's JSON
    assert json.loads(refusal("/open311/v2/discovery").get_data())[0]["code"] == 503

