"""Open311's XML, written by hand from the GeoReport v2 examples
(https://wiki.open311.org/GeoReport_v2): a list's items are named after the list, ``true``/
``false`` for booleans, an empty element for a missing value."""
from gateway.xml import to_xml

from .conftest import XML_DECLARATION


def xml(text: str) -> bytes:
    return (XML_DECLARATION + text).encode("utf-8")


def test_a_service_list_has_one_service_element_per_service():
    services = [
        {"service_code": "water_repair", "service_name": "水管维修", "description": "漏水、堵塞",
         "metadata": True, "type": "realtime", "keywords": "水管,漏水", "group": "维修"},
        {"service_code": "quick_check", "service_name": "Quick check", "description": "x",
         "metadata": False, "type": "batch", "keywords": "", "group": "other"},
    ]
    assert to_xml("services", services) == xml(
        "<services>"
        "<service><service_code>water_repair</service_code><service_name>水管维修</service_name>"
        "<description>漏水、堵塞</description><metadata>true</metadata><type>realtime</type>"
        "<keywords>水管,漏水</keywords><group>维修</group></service>"
        "<service><service_code>quick_check</service_code><service_name>Quick check"
        "</service_name><description>x</description><metadata>false</metadata>"
        "<type>batch</type><keywords /><group>other</group></service>"
        "</services>")


def test_a_service_definition_nests_attributes_and_their_values():
    definition = {"service_code": "water_repair", "attributes": [
        {"variable": True, "code": "floor", "datatype": "singlevaluelist", "required": False,
         "datatype_description": None, "order": 1, "description": "哪一层？",
         "values": [{"key": "1", "name": "一层"}, {"key": "2", "name": "二层"}]}]}
    assert to_xml("service_definition", definition) == xml(
        "<service_definition><service_code>water_repair</service_code><attributes>"
        "<attribute><variable>true</variable><code>floor</code>"
        "<datatype>singlevaluelist</datatype><required>false</required>"
        "<datatype_description /><order>1</order><description>哪一层？</description>"
        "<values><value><key>1</key><name>一层</name></value>"
        "<value><key>2</key><name>二层</name></value></values>"
        "</attribute></attributes></service_definition>")


def test_requests_and_tokens_are_request_elements_and_missing_values_are_empty():
    created = [{"service_request_id": "RC000123", "service_notice": "已受理", "account_id": None}]
    assert to_xml("service_requests", created) == xml(
        "<service_requests><request><service_request_id>RC000123</service_request_id>"
        "<service_notice>已受理</service_notice><account_id /></request></service_requests>")
    assert to_xml("service_requests", []) == xml("<service_requests />")


def test_errors_are_a_list_of_error_elements():
    assert to_xml("errors", [{"code": 403, "description": "api_key is missing"}]) == xml(
        "<errors><error><code>403</code><description>api_key is missing</description></error>"
        "</errors>")


def test_discovery_lists_endpoints_and_their_formats():
    discovery = {"changeset": "2026-11-27T00:00:00Z", "endpoints": [
        {"url": "http://x/open311/v2", "formats": ["application/json", "text/xml"]}]}
    assert to_xml("discovery", discovery) == xml(
        "<discovery><changeset>2026-11-27T00:00:00Z</changeset><endpoints><endpoint>"
        "<url>http://x/open311/v2</url><formats><format>application/json</format>"
        "<format>text/xml</format></formats></endpoint></endpoints></discovery>")


def test_text_is_escaped_and_unknown_lists_hold_items():
    assert to_xml("service_requests", [{"description": "a < b & \"c\"", "media": ["u", 2.5]}]) \
        == xml("<service_requests><request><description>a &lt; b &amp; \"c\"</description>"
               "<media><item>u</item><item>2.5</item></media></request></service_requests>")
