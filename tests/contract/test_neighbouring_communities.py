"""Neighbouring communities on one bus: Maple Court adds its own staff and its own program (a
program written from docs/contract.md alone) without touching Rainbow City's; staff see only
their own community's residents; a program can serve both, and gets each case tagged."""
import pytest
import requests

from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, tracking_code

pytestmark = pytest.mark.e2e

RAINBOW, MAPLE = "rainbow-city", "maple-court"


@pytest.fixture
def station(suite):
    suite.start_intake()
    suite.start("gateway")
    suite.wait_until_up()
    return suite


def api(suite, method, path, headers=None, **kwargs):
    return requests.request(method, suite.url(f"/api/v1{path}"), headers=headers, timeout=20,
                            **kwargs)


def register(suite, headers, **fields):
    body = {"channel": "visit", "description": "楼道灯不亮，晚上看不见台阶",
            "resident_name": "赵六", "resident_phone": "13600005555", **fields}
    return api(suite, "POST", "/cases", headers, json=body)


def post_open311(suite, api_key, jurisdiction, service_code, **fields):
    form = {"api_key": api_key, "jurisdiction_id": jurisdiction, "service_code": service_code,
            "description": "小区东门的路灯坏了", "address_string": "东门", "phone": "13500006666",
            **fields}
    return requests.post(suite.url("/open311/v2/requests.json"), data=form, timeout=20)


def replied(suite, code):
    def check():
        view = api(suite, "GET", f"/track/{code}").json()
        return view if view["status"] == "replied" else None
    return wait_for(check, timeout=30, message=f"the reply to {code}")


def answer_as_owner(suite, headers, case, program_id):
    """A case registered at the desk has an owner (the first person who received it): the
    program's reply waits as a draft, and the owner sends it to the resident."""
    def resolved():
        view = api(suite, "GET", f"/cases/{case['id']}", headers).json()
        return view if view["status"] == "resolved" else None
    view = wait_for(resolved, timeout=30, message=f"{program_id} to resolve case {case['id']}")
    draft = f"您好，{program_id} 已为您办好（查询码 {case['tracking_code']}）。"
    assert (view["result"], view["reply"]) == (f"已按诉求办结（{case['tracking_code']}）", draft)
    sent = api(suite, "POST", f"/cases/{case['id']}/reply", headers, json={"text": view["reply"]})
    assert sent.status_code == 200, sent.text


def open311_codes(suite, jurisdiction=None):
    query = f"?jurisdiction_id={jurisdiction}" if jurisdiction else ""
    listed = requests.get(suite.url(f"/open311/v2/requests.json{query}"), timeout=10)
    assert listed.status_code == 200, listed.text
    return {r["service_request_id"] for r in listed.json()}


def test_a_neighbouring_community_adds_its_own_staff_and_program_and_keeps_its_residents(
        station, doc_programs):
    suite = station
    maple_admin = suite.login("admin-maple-court")
    rainbow_admin = suite.login("admin")
    assert api(suite, "GET", "/me", maple_admin).json()["community"] == MAPLE

    # Maple Court's admin makes its own staff, in its own community only
    made = api(suite, "POST", "/staff", maple_admin, json={
        "username": "maple-desk", "name": "枫林接待员", "role": "receptionist",
        "password": "maple-desk-pass"})
    assert made.status_code == 201, made.text
    assert made.json()["community"] == MAPLE
    elsewhere = api(suite, "POST", "/staff", maple_admin, json={
        "username": "maple-into-rainbow", "name": "越界", "role": "receptionist",
        "community": RAINBOW, "password": "maple-desk-pass"})
    assert 400 <= elsewhere.status_code < 500
    assert elsewhere.json()["error"]["code"] == "other_community"
    maple_desk = suite.login("maple-desk", "maple-desk-pass")

    # ... and its own program, which only Maple Court is offered
    program = doc_programs("maple_repairs", [MAPLE], "maple_repair")
    suite.wait_for_service("maple_repair", community=MAPLE)
    rainbow_services = requests.get(suite.url("/open311/v2/services.json?jurisdiction_id="
                                              f"{RAINBOW}"), timeout=10).json()
    assert "maple_repair" not in [s["service_code"] for s in rainbow_services]

    # a Maple Court resident at the desk, and one through Open311 with Maple Court's own api_key
    at_desk = register(suite, maple_desk, community=MAPLE, service_code="maple_repair")
    assert at_desk.status_code == 201, at_desk.text
    assert (at_desk.json()["community"], at_desk.json()["program_id"]) == (MAPLE, "maple_repairs")
    key = api(suite, "POST", "/api-keys", maple_admin, json={"name": "枫林社区小程序"})
    assert key.status_code == 201, key.text
    assert key.json()["jurisdiction_id"] == MAPLE
    assert post_open311(suite, OPEN311_KEY, MAPLE, "maple_repair").status_code == 403
    assert post_open311(suite, key.json()["api_key"], RAINBOW, "maple_repair").status_code == 403
    online = post_open311(suite, key.json()["api_key"], MAPLE, "maple_repair")
    assert online.status_code == 201, online.text
    maple_codes = {at_desk.json()["tracking_code"], tracking_code(online)}
    online_id = online.json()[0]["service_request_id"]

    # both went to Maple Court's program, tagged with Maple Court, and were answered
    wait_for(lambda: len(program.records()) == 2, timeout=30,
             message="maple's program to receive both cases")
    assert {(r["tracking_code"], r["community"], r["envelope_community"])
            for r in program.records()} == {(code, MAPLE, MAPLE) for code in maple_codes}
    answer_as_owner(suite, maple_desk, at_desk.json(), "maple_repairs")
    for code in maple_codes:
        assert replied(suite, code)["reply"] == f"您好，maple_repairs 已为您办好（查询码 {code}）。"

    # Rainbow City's staff cannot see Maple Court's residents ...
    rainbow_case = register(suite, rainbow_admin, description="3号楼电梯异响")
    assert rainbow_case.status_code == 201, rainbow_case.text
    assert rainbow_case.json()["community"] == RAINBOW
    maple_id = at_desk.json()["id"]
    hidden = api(suite, "GET", f"/cases/{maple_id}", rainbow_admin)
    assert hidden.status_code == 404, hidden.text
    assert api(suite, "GET", f"/cases/{maple_id}/history", rainbow_admin).status_code == 404
    assert [c["id"] for c in api(suite, "GET", "/cases", rainbow_admin).json()] == \
        [rainbow_case.json()["id"]]
    assert {c["tracking_code"] for c in api(suite, "GET", "/cases", maple_desk).json()} == \
        maple_codes
    assert api(suite, "GET", f"/cases/{rainbow_case.json()['id']}", maple_desk).status_code == 404
    # (the station's ops account lives in the first community)
    assert {s["username"] for s in api(suite, "GET", "/staff", rainbow_admin).json()} == \
        {"admin", "ops"}

    # ... nor does Rainbow City's Open311 list them; Maple Court's lists its online request
    # (a visit to the desk is no one else's business)
    assert open311_codes(suite, MAPLE) == {online_id}
    for rainbow_listing in (open311_codes(suite, RAINBOW), open311_codes(suite)):
        assert rainbow_listing == set()
    one = requests.get(suite.url(f"/open311/v2/requests/{online_id}.json?jurisdiction_id="
                                 f"{RAINBOW}"), timeout=10)
    assert one.status_code == 404, one.text


def test_a_program_serving_both_communities_gets_each_case_tagged_with_its_community(
        station, doc_programs):
    suite = station
    rainbow_admin, maple_admin = suite.login("admin"), suite.login("admin-maple-court")
    program = doc_programs("shared_helpers", [RAINBOW, MAPLE], "shared_help")
    suite.wait_for_service("shared_help", community=RAINBOW)
    suite.wait_for_service("shared_help", community=MAPLE)

    rainbow = register(suite, rainbow_admin, service_code="shared_help")
    maple = register(suite, maple_admin, community=MAPLE, service_code="shared_help")
    assert rainbow.status_code == 201 and maple.status_code == 201, (rainbow.text, maple.text)
    expected = {rainbow.json()["tracking_code"]: RAINBOW, maple.json()["tracking_code"]: MAPLE}

    wait_for(lambda: len(program.records()) == 2, timeout=30,
             message="the shared program to receive a case from each community")
    received = program.records()
    # tagged in the case.dispatched data and in the envelope
    assert {r["tracking_code"]: r["community"] for r in received} == expected
    assert {r["tracking_code"]: r["envelope_community"] for r in received} == expected
    assert {r["case_id"] for r in received} == {rainbow.json()["id"], maple.json()["id"]}
    answer_as_owner(suite, rainbow_admin, rainbow.json(), "shared_helpers")
    answer_as_owner(suite, maple_admin, maple.json(), "shared_helpers")
    for code in expected:
        assert replied(suite, code)["reply"] == \
            f"您好，shared_helpers 已为您办好（查询码 {code}）。"

    # each community's staff still see only their own
    assert [c["id"] for c in api(suite, "GET", "/cases", rainbow_admin).json()] == \
        [rainbow.json()["id"]]
    assert [c["id"] for c in api(suite, "GET", "/cases", maple_admin).json()] == \
        [maple.json()["id"]]


def test_staff_cannot_register_a_case_for_another_community(station):
    suite = station
    rainbow_admin, maple_admin = suite.login("admin"), suite.login("admin-maple-court")
    refused = register(suite, rainbow_admin, community=MAPLE)
    assert 400 <= refused.status_code < 500, refused.text
    error = refused.json()["error"]
    assert error["code"] == "other_community" and error["message"]
    unknown = register(suite, rainbow_admin, community="no-such-place")
    assert 400 <= unknown.status_code < 500, unknown.text
    assert unknown.json()["error"]["code"] == "unknown_community"
    assert api(suite, "GET", "/cases", maple_admin).json() == []
    assert api(suite, "GET", "/cases", rainbow_admin).json() == []
