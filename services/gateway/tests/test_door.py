"""What a caller refused at the gateway's door reads (the bound itself: ``minzi.door``, and
``shared/tests/test_door.py``)."""
import json

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway.door import busy


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

