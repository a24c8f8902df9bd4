"""What existing Open311 GeoReport v2 clients rely on: discovery, formats, filters, tokens,
errors as [{code, description}] lists; and the OpenAPI document of the staff API."""
import xml.etree.ElementTree as ET

import pytest
import requests
from openapi_spec_validator import validate

from ..conftest import OPEN311_KEY

pytestmark = pytest.mark.e2e
V2 = "/open311/v2"


@pytest.fixture(scope="module")
def running(vhost_module, tmp_path_factory):
    yield from _running(vhost_module, tmp_path_factory)


def _running(vhost, tmp_path_factory):
    from contextlib import ExitStack

    from ..conftest import Suite
    with ExitStack() as stack:
        suite = Suite(vhost, str(tmp_path_factory.mktemp("open311")), stack)
        try:
            suite.start_intake()
            suite.start("gateway")
            suite.start("sample_program", SAMPLE_AUTO_ACCEPT="false")
            suite.wait_until_up()
            suite.wait_for_service("water_repair")
            yield suite
        finally:
            suite.stop_all()


def post(suite, **fields):
    form = {"api_key": OPEN311_KEY, "service_code": "water_repair", "description": "水管漏水",
            "lat": "39.85", "long": "116.29", "attribute[floor]": "2", **fields}
    return requests.post(suite.url(f"{V2}/requests.json"), data=form, timeout=20)


def test_discovery_lists_the_endpoint_in_both_formats(running):
    discovery = requests.get(running.url(f"{V2}/discovery.json"), timeout=10).json()
    assert discovery["endpoints"][0]["url"].endswith(V2)
    assert set(discovery["endpoints"][0]["formats"]) == {"application/json", "text/xml"}
    root = ET.fromstring(requests.get(running.url(f"{V2}/discovery.xml"), timeout=10).content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/url").text.endswith(V2)


def test_service_list_and_definition_in_xml(running):
    root = ET.fromstring(requests.get(running.url(f"{V2}/services.xml"), timeout=10).content)
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert codes == ["quick_check", "water_repair"]
    assert root.find("service[service_code='water_repair']/service_name").text == "水管维修"
    english = requests.get(running.url(f"{V2}/services.json?lang=en"), timeout=10).json()
    assert {s["service_name"] for s in english} == {"Water pipe repair", "Quick check"}
    definition = ET.fromstring(requests.get(running.url(f"{V2}/services/water_repair.xml"),
                                            timeout=10).content)
    assert [v.findtext("key") for v in definition.findall(
        "attributes/attribute[code='urgency']/values/value")] == ["normal", "urgent"]


def test_requests_filters_and_tokens(running):
    first = post(running).json()[0]["service_request_id"]
    second = post(running, service_code="quick_check", description="核查门禁",
                  **{"attribute[floor]": ""}).json()   # an empty unknown attribute is ignored
    second = second[0]["service_request_id"]
    listed = requests.get(running.url(f"{V2}/requests.json"), timeout=10).json()
    assert {first, second} <= {r["service_request_id"] for r in listed}
    only = requests.get(running.url(f"{V2}/requests.json?service_code=quick_check"),
                        timeout=10).json()
    assert [r["service_request_id"] for r in only] == [second]
    both = requests.get(running.url(f"{V2}/requests.json?service_request_id={first},{second}"),
                        timeout=10).json()
    assert {r["service_request_id"] for r in both} == {first, second}
    assert requests.get(running.url(f"{V2}/requests.json?status=closed"), timeout=10).json() == []
    future = requests.get(running.url(f"{V2}/requests.json?start_date=2099-01-01T00:00:00Z"),
                          timeout=10).json()
    assert future == []
    token = requests.get(running.url(f"{V2}/tokens/{first}.json"), timeout=10).json()
    assert token == [{"service_request_id": first, "token": first}]
    one = requests.get(running.url(f"{V2}/requests/{first}.json"), timeout=10).json()[0]
    assert one["status"] == "open" and one["lat"] == 39.85 and one["expected_datetime"]


def test_errors_are_code_description_lists_with_the_right_status(running):
    cases = [
        (post(running, api_key="nope"), 403),
        (post(running, service_code="unknown"), 404),
        (post(running, description=""), 400),
        (requests.get(running.url(f"{V2}/requests/NOSUCHCODE.json"), timeout=10), 404),
        (requests.get(running.url(f"{V2}/services.json?jurisdiction_id=atlantis"),
                      timeout=10), 404),
        (requests.get(running.url(f"{V2}/requests.json?start_date=yesterday"), timeout=10), 400),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        body = response.json()
        assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"]
    xml = requests.post(running.url(f"{V2}/requests.xml"), timeout=10,
                        data={"api_key": OPEN311_KEY, "service_code": "water_repair"})
    root = ET.fromstring(xml.content)
    assert xml.status_code == 400 and root.tag == "errors"
    assert "description" in root.findtext("error/description")


def test_the_openapi_document_is_valid_and_covers_the_staff_api(running):
    document = requests.get(running.url("/api/v1/openapi.json"), timeout=20).json()
    validate(document)
    for path in ("/api/v1/cases", "/api/v1/cases/{case_id}/assign", "/api/v1/figures",
                 "/api/v1/track/{code}", "/api/v1/auth/token", f"{V2}/requests.{{format}}"):
        assert path in document["paths"], path
    register = document["paths"]["/api/v1/cases"]["post"]
    schema = register["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("CaseCreate")
    assert "channel" in document["components"]["schemas"]["CaseCreate"]["properties"]


def test_staff_tokens_are_checked(running):
    assert requests.get(running.url("/api/v1/cases"), timeout=10).status_code == 401
    bad = requests.get(running.url("/api/v1/cases"), headers={"Authorization": "Bearer x"},
                       timeout=10)
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "bad_token"
    wrong = requests.post(running.url("/api/v1/auth/token"), timeout=10,
                          json={"username": "admin", "password": "wrong"})
    assert wrong.status_code == 401
