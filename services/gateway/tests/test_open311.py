"""Open311 GeoReport v2 over HTTP, piece by piece (https://wiki.open311.org/GeoReport_v2): URL
formats, ``attribute[code]`` form fields, the ``[{code, description}]`` error shape, discovery,
and which intake operation each resource asks for."""
import json

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import open311

from .conftest import open311_error, read


class FakeIntake:
    """Intake's ``open311`` RPC: remembers what it was asked and gives one answer."""

    def __init__(self, answer: dict):
        self.answer = answer
        self.calls: list[tuple] = []

    def open311(self, operation: str, jurisdiction_id: str | None = None, **kwargs) -> dict:
        self.calls.append((operation, jurisdiction_id, kwargs))
        return self.answer


def request(method: str, url: str, **kwargs) -> Request:
    return Request(EnvironBuilder(method=method, path=url, base_url="http://station.example",
                                  **kwargs).get_environ())


@pytest.mark.parametrize(("rest", "expected"), [
    ("services.json", (["services"], "json")),
    ("services/legal_consultation.XML", (["services", "legal_consultation"], "xml")),
    ("requests/RC000123.json", (["requests", "RC000123"], "json")),
    ("discovery.html", (["discovery"], "html")),
    ("discovery", (None, None)),
    ("v2.1/requests", (None, None)),
])
def test_the_format_is_the_last_path_segments_extension(rest, expected):
    assert open311.split_format(rest) == expected


def test_attributes_come_from_attribute_fields_and_lists_from_the_bracket_form():
    form = MultiDict([("service_code", "water_repair"), ("attribute[floor]", "2"),
                      ("attribute[tools][]", "wrench"), ("attribute[tools][]", "tape"),
                      ("attributes[x]", "not one"), ("attribute", "nor this"),
                      ("attribute[open", "nor this")])
    assert open311.attributes_from_form(form) == {"floor": "2", "tools": ["wrench", "tape"]}


def test_errors_are_a_list_of_code_and_description_in_either_format():
    response = open311.errors_response(403, "api_key is missing")
    assert response.status_code == 403
    assert response.content_type == "application/json; charset=utf-8"
    assert json.loads(response.get_data()) == [{"code": 403, "description": "api_key is missing"}]

    response = open311.errors_response(404, "没有", "xml")
    assert response.status_code == 404
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.get_data(as_text=True) == (
        '<?xml version="1.0" encoding="utf-8"?>'
        "<errors><error><code>404</code><description>没有</description></error></errors>")


def test_an_intake_error_becomes_one_description_with_every_field_problem():
    result = {"status": 400, "body": {"error": {
        "code": "validation_failed", "message": "输入有误",
        "fields": {"lat": ["Not a valid number."], "attribute": {"floor": ["必填", "整数"]}}}}}
    response = open311.from_intake(result, "service_requests", "json")
    assert response.status_code == 400
    assert json.loads(response.get_data()) == [{
        "code": 400,
        "description": "输入有误; lat: Not a valid number.; attribute: floor: 必填, 整数"}]

    result = {"status": 404, "body": {"error": {"code": "not_found", "message": "no such request"}}}
    response = open311.from_intake(result, "service_requests", "xml")
    assert response.status_code == 404
    assert response.get_data(as_text=True).endswith(
        "<errors><error><code>404</code><description>no such request</description></error>"
        "</errors>")


def test_an_intake_answer_keeps_its_status_and_body():
    result = {"status": 201, "body": [{"service_request_id": "RC000123", "account_id": None}]}
    response = open311.from_intake(result, "service_requests", "json")
    assert response.status_code == 201
    assert json.loads(response.get_data()) == [{"service_request_id": "RC000123",
                                               "account_id": None}]


def test_discovery_names_the_v2_endpoint_and_both_formats():
    assert open311.discovery("http://station.example") == {
        "changeset": "2026-11-27T00:00:00Z",
        "contact": "彩虹城社区服务站 Rainbow City service station",
        "key_service": "POST /api/v1/api-keys (admin) issues an api_key per jurisdiction",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2",
                       "url": "http://station.example/open311/v2",
                       "changeset": "2026-11-27T00:00:00Z", "type": "production",
                       "formats": ["application/json", "text/xml"]}]}


OK = {"status": 200, "body": []}


@pytest.mark.parametrize(("method", "url", "operation", "jurisdiction", "kwargs"), [
    ("GET", "/open311/v2/services.json?jurisdiction_id=rainbow-city", "services",
     "rainbow-city", {"lang": "zh"}),
    ("GET", "/open311/v2/services/water_repair.xml", "definition", None,
     {"args": {"service_code": "water_repair"}, "lang": "zh"}),
    ("GET", "/open311/v2/requests.json?status=open&service_code=water_repair", "requests", None,
     {"args": {"status": "open", "service_code": "water_repair"}, "lang": "zh"}),
    ("GET", "/open311/v2/requests/RC000123.json", "request", None,
     {"args": {"service_request_id": "RC000123"}, "lang": "zh"}),
])
def test_each_read_asks_intake_for_its_operation(method, url, operation, jurisdiction, kwargs):
    intake = FakeIntake(OK)
    path, _, query = url.partition("?")
    response = open311.handle(request(method, path, query_string=query),
                              path.removeprefix("/open311/v2/"), intake, "zh")
    assert response.status_code == 200
    assert intake.calls == [(operation, jurisdiction, kwargs)]


def test_a_post_sends_the_form_its_attributes_and_the_idempotency_key():
    intake = FakeIntake({"status": 201, "body": [{"service_request_id": "RC000123"}]})
    form = MultiDict([("api_key", "k"), ("jurisdiction_id", "maple-court"),
                      ("service_code", "water_repair"), ("attribute[floor]", "2"),
                      ("attribute[tools][]", "wrench"), ("attribute[tools][]", "tape")])
    response = open311.handle(request("POST", "/open311/v2/requests.xml", data=form,
                                      headers={"Idempotency-Key": "retry-7"}),
                              "requests.xml", intake, "en")
    assert response.status_code == 201
    assert response.get_data(as_text=True).endswith(
        "<service_requests><request><service_request_id>RC000123</service_request_id>"
        "</request></service_requests>")
    assert intake.calls == [("create", "maple-court", {
        "form": {"api_key": "k", "jurisdiction_id": "maple-court", "service_code": "water_repair",
                 "attribute[floor]": "2", "attribute[tools][]": "wrench"},
        "attributes": {"floor": "2", "tools": ["wrench", "tape"]},
        "request_key": "retry-7", "lang": "en"})]


def test_a_post_without_a_key_gets_one_of_its_own():
    intake = FakeIntake({"status": 201, "body": []})
    open311.handle(request("POST", "/open311/v2/requests.json", data={"service_code": "x"}),
                   "requests.json", intake, "zh")
    open311.handle(request("POST", "/open311/v2/requests.json", data={"service_code": "x"}),
                   "requests.json", intake, "zh")
    keys = [kwargs["request_key"] for _, _, kwargs in intake.calls]
    assert all(key.startswith("open311-") for key in keys) and keys[0] != keys[1]


def test_a_token_answers_the_request_id_it_stands_for():
    intake = FakeIntake({"status": 200, "body": [
        {"service_request_id": "RC000123", "status": "open", "description": "漏水"}]})
    response = open311.handle(request("GET", "/open311/v2/tokens/RC000123.json"),
                              "tokens/RC000123.json", intake, "zh")
    assert json.loads(response.get_data()) == [{"service_request_id": "RC000123",
                                               "token": "RC000123"}]
    assert intake.calls == [("request", None, {"args": {"service_request_id": "RC000123"},
                                               "lang": "zh"})]


def test_a_token_not_found_is_an_open311_error():
    intake = FakeIntake({"status": 404, "body": {"error": {"message": "not found"}}})
    response = open311.handle(request("GET", "/open311/v2/tokens/NOPE.xml"),
                              "tokens/NOPE.xml", intake, "zh")
    assert response.status_code == 404
    assert "<errors><error><code>404</code><description>not found</description>" \
        in response.get_data(as_text=True)


def test_discovery_is_answered_without_intake():
    intake = FakeIntake(OK)
    response = open311.handle(request("GET", "/open311/v2/discovery.json"), "discovery.json",
                              intake, "zh")
    assert json.loads(response.get_data())["endpoints"][0]["url"] == \
        "http://station.example/open311/v2"
    assert intake.calls == []


NO_FORMAT = "请使用以 .json 或 .xml 结尾的地址"


@pytest.mark.parametrize(("method", "rest", "status", "description", "fmt"), [
    ("GET", "services.html", 404, NO_FORMAT, "json"),
    ("GET", "services", 404, NO_FORMAT, "json"),
    ("GET", "cases.xml", 404, "没有这个 Open311 路径：GET /open311/v2/cases.xml", "xml"),
    ("POST", "services.json", 404, "没有这个 Open311 路径：POST /open311/v2/services.json",
     "json"),
    ("GET", "requests/a/b.json", 404, "没有这个 Open311 路径：GET /open311/v2/requests/a/b.json",
     "json"),
])
def test_anything_else_is_a_404_in_open311s_error_shape(method, rest, status, description, fmt):
    intake = FakeIntake(OK)
    response = open311.handle(request(method, f"/open311/v2/{rest}"), rest, intake, "zh")
    assert response.status_code == status
    assert response.content_type.startswith("text/xml" if fmt == "xml" else "application/json")
    assert read(fmt, response.get_data(as_text=True)) == open311_error(fmt, status, description)
    assert intake.calls == []


@pytest.mark.parametrize(("rest", "description"), [
    ("services", "Use a URL ending in .json or .xml"),
    ("cases.xml", "No such Open311 path: GET /open311/v2/cases.xml"),
    ("requests/RC%00.json", "No such Open311 path"),
])
def test_an_english_reader_is_told_what_is_not_there_in_english(rest, description):
    wanted = request("GET", f"/open311/v2/{rest}")
    response = open311.handle(wanted, wanted.path.split("/open311/v2/", 1)[1], FakeIntake(OK),
                              "en")
    assert response.status_code == 404
    fmt = "xml" if rest.endswith(".xml") else "json"
    assert read(fmt, response.get_data(as_text=True)) == open311_error(fmt, 404, description)


def test_a_value_no_database_keeps_is_named_in_the_readers_language():
    for lang, said in (("zh", "description: 含有无法保存的字符（如 \\x00）"),
                       ("en", "description: Contains a character that cannot be stored "
                              "(such as \\x00).")):
        wanted = request("POST", "/open311/v2/requests.json", data={"description": "漏水\x00"})
        response = open311.handle(wanted, "requests.json", FakeIntake(OK), lang)
        assert json.loads(response.get_data()) == [{"code": 400, "description": said}]


def test_a_refusal_that_names_its_field_is_said_once():
    """Intake names the field a refusal is about (``fields``); Open311's one description says
    the message once, not again under the field's name."""
    for message in ("没有「oak-park」这个辖区（jurisdiction_id）", "No jurisdiction 'oak-park'"):
        result = {"status": 404, "body": {"error": {
            "code": "jurisdiction_id", "message": message,
            "fields": {"jurisdiction_id": [message]}}}}
        response = open311.from_intake(result, "services", "json")
        assert json.loads(response.get_data()) == [{"code": 404, "description": message}]
