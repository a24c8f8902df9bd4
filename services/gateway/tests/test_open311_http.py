"""Open311 GeoReport v2 through the real gateway over HTTP, in JSON and XML, as its clients
(https://wiki.open311.org/GeoReport_v2) expect it: lists of services and requests, form POSTs,
errors as ``[{code, description}]`` whatever went wrong, intake away included."""
import pytest
from kombu import Connection, Queue

from .conftest import XML_DECLARATION, open311_error, read

SERVICES = [{"service_code": "water_repair", "service_name": "Water pipe repair",
             "description": "Leaks", "metadata": True, "type": "realtime", "keywords": "water",
             "group": "Repairs"}]


def test_the_service_list_in_json_and_in_xml(gateway, web_session):
    gateway.stage.answers[("intake", "open311")] = lambda *a, **kw: {"status": 200,
                                                                     "body": SERVICES}
    response = web_session.get("/open311/v2/services.json?jurisdiction_id=rainbow-city&lang=en")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == SERVICES

    response = web_session.get("/open311/v2/services.xml?jurisdiction_id=rainbow-city",
                               headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.text == (
        XML_DECLARATION + "<services><service><service_code>water_repair</service_code>"
        "<service_name>Water pipe repair</service_name><description>Leaks</description>"
        "<metadata>true</metadata><type>realtime</type><keywords>water</keywords>"
        "<group>Repairs</group></service></services>")
    assert gateway.stage.asked("intake", "open311") == [
        (("services", "rainbow-city"), {"lang": "en"})] * 2


def test_a_request_posted_as_a_form_is_created_by_intake(gateway, web_session):
    created = [{"service_request_id": "RC000123", "service_notice": "已受理",
                "account_id": None}]
    gateway.stage.answers[("intake", "open311")] = lambda *a, **kw: {"status": 201,
                                                                     "body": created}
    response = web_session.post("/open311/v2/requests.xml", headers={"Idempotency-Key": "r-1"},
                                data={"api_key": "key-1", "jurisdiction_id": "rainbow-city",
                                      "service_code": "water_repair", "description": "水管漏水",
                                      "lat": "39.85", "long": "116.29", "attribute[floor]": "2",
                                      "attribute[rooms][]": ["kitchen", "bath"]})
    assert response.status_code == 201
    assert response.text == (
        XML_DECLARATION + "<service_requests><request><service_request_id>RC000123"
        "</service_request_id><service_notice>已受理</service_notice><account_id /></request>"
        "</service_requests>")
    assert gateway.stage.asked("intake", "open311") == [(("create", "rainbow-city"), {
        "form": {"api_key": "key-1", "jurisdiction_id": "rainbow-city",
                 "service_code": "water_repair", "description": "水管漏水", "lat": "39.85",
                 "long": "116.29", "attribute[floor]": "2", "attribute[rooms][]": "kitchen"},
        "attributes": {"floor": "2", "rooms": ["kitchen", "bath"]},
        "request_key": "r-1", "lang": "zh"})]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_intakes_refusal_is_an_open311_error(gateway, web_session, fmt):
    gateway.stage.answers[("intake", "open311")] = lambda *a, **kw: {"status": 403, "body": {
        "error": {"code": "api_key", "message": "api_key is missing, invalid or not for this "
                                                "jurisdiction"}}}
    response = web_session.post(f"/open311/v2/requests.{fmt}", data={"service_code": "x"})
    assert response.status_code == 403
    assert read(fmt, response.text) == open311_error(
        fmt, 403, "api_key is missing, invalid or not for this jurisdiction")


def test_a_token_is_looked_up_as_a_request_id(gateway, web_session):
    gateway.stage.answers[("intake", "open311")] = lambda *a, **kw: {"status": 200, "body": [
        {"service_request_id": "RC000123", "status": "open"}]}
    response = web_session.get("/open311/v2/tokens/RC000123.json")
    assert response.json() == [{"service_request_id": "RC000123", "token": "RC000123"}]
    assert gateway.stage.asked("intake", "open311") == [
        (("request", None), {"args": {"service_request_id": "RC000123"}, "lang": "zh"})]


def test_discovery_names_the_gateways_own_address(gateway, web_session, web_config_port):
    discovery = web_session.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["url"] == f"http://127.0.0.1:{web_config_port}/open311/v2"
    assert gateway.stage.asked("intake", "open311") == []


def test_a_url_without_a_format_is_an_open311_404(gateway, web_session):
    response = web_session.get("/open311/v2/services")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "请使用以 .json 或 .xml 结尾的地址"}]
    response = web_session.get("/open311/v2/services?lang=en")
    assert response.json() == [{"code": 404, "description": "Use a URL ending in .json or .xml"}]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_intake_away_is_a_503_in_the_asked_format(gateway, web_session, fmt):
    gateway.stop("intake")
    response = web_session.get(f"/open311/v2/services.{fmt}")
    assert response.status_code == 503
    assert read(fmt, response.text) == open311_error(fmt, 503, "服务暂时无响应，请稍后重试")
    response = web_session.get(f"/open311/v2/services.{fmt}",
                               headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert read(fmt, response.text) == open311_error(
        fmt, 503, "The service is not answering; try again shortly")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_error_inside_intake_is_an_open311_500_that_tells_nothing_inside(gateway, web_session,
                                                                           fmt):
    def broken(*args, **kwargs):
        raise ValueError("secret detail from deep inside")
    gateway.stage.answers[("intake", "open311")] = broken
    response = web_session.get(f"/open311/v2/services.{fmt}")
    assert response.status_code == 500
    assert read(fmt, response.text) == open311_error(fmt, 500, "服务内部出错，已记录")
    response = web_session.get(f"/open311/v2/services.{fmt}?lang=en")
    assert read(fmt, response.text) == open311_error(fmt, 500, "Internal error, logged")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_intake_without_its_database_is_an_open311_503_to_try_again(gateway, web_session, fmt):
    from sqlalchemy.exc import OperationalError

    def away(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("could not connect to server"))
    gateway.stage.answers[("intake", "open311")] = away
    response = web_session.post(f"/open311/v2/requests.{fmt}", data={
        "api_key": "k", "service_code": "legal_consultation", "description": "欠薪"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert read(fmt, response.text) == open311_error(
        fmt, 503, "服务暂时无法保存数据，本次请求未被受理，请稍后重试")


def test_intake_not_on_the_bus_at_all_is_a_503(gateway, web_session):
    gateway.stop("intake")
    with Connection(gateway.amqp_uri) as connection:   # as if intake had never run here
        Queue("rpc-intake")(connection.channel()).delete()
    response = web_session.post("/open311/v2/requests.xml", data={"service_code": "x"})
    assert response.status_code == 503
    assert read("xml", response.text) == open311_error("xml", 503, "服务暂时无响应，请稍后重试")
