"""Open311 survives any character: a request list with a control character or an unpaired
surrogate in a description is still XML a parser reads, and text no database can keep (NUL) is
refused at the door, naming where it came."""
import json
from xml.etree.ElementTree import fromstring

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import open311
from gateway.xml import to_xml

REPLACED = "\ufffd"


def test_a_description_with_characters_xml_cannot_hold_still_parses_with_them_replaced():
    controls = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")
    bad = controls + "\ud800\udfff\ufffe\uffff"
    description = f"3号楼{bad}漏水\t第二行\n第三行 🐱"
    body = to_xml("service_requests", [{"service_request_id": "RC1", "description": description}])
    parsed = fromstring(body)
    text = parsed.find("request/description").text
    assert text == "3号楼" + REPLACED * len(bad) + "漏水\t第二行\n第三行 🐱"
    assert parsed.find("request/service_request_id").text == "RC1"


def test_each_single_character_a_resident_may_send_leaves_the_xml_readable():
    for code in (0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1F, 0x7F, 0x85, 0xD800, 0xDFFF, 0xFFFE):
        body = to_xml("service_requests", [{"description": f"a{chr(code)}b"}])
        assert fromstring(body).find("request/description").text in (
            f"a{chr(code)}b", f"a{REPLACED}b"), hex(code)


class Refusing:
    """Intake, which a refused request never reaches."""

    def open311(self, *args, **kwargs):
        raise AssertionError("a refused request reached intake")


def get(url: str, **kwargs):
    request = Request(EnvironBuilder(url, base_url="http://station.example",
                                     **kwargs).get_environ())
    rest = request.path.split("/open311/v2/", 1)[1]   # decoded, as the gateway's route gives it
    return open311.handle(request, rest, Refusing(), "zh")


def test_a_nul_in_an_open311_path_or_value_is_refused_before_intake():
    in_path = get("/open311/v2/requests/RC%00.json")
    assert in_path.status_code == 404
    in_query = get("/open311/v2/requests.xml?jurisdiction_id=rainbow-city&service_code=a%00b")
    assert in_query.status_code == 400
    error = fromstring(in_query.get_data()).find("error")
    assert (error.find("code").text, error.find("description").text.split(":")[0]) == \
        ("400", "service_code")
    in_form = Request(EnvironBuilder("/open311/v2/requests.json", method="POST",
                                     base_url="http://station.example",
                                     data={"description": "漏水\x00", "api_key": "k"})
                      .get_environ())
    answer = open311.handle(in_form, "requests.json", Refusing(), "zh")
    assert answer.status_code == 400
    assert json.loads(answer.get_data())[0]["description"].startswith("description:")


def test_a_path_part_longer_than_any_code_is_not_found():
    assert get("/open311/v2/services/" + "a" * 201 + ".json").status_code == 404
