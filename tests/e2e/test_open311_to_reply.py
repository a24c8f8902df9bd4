"""The suite as a user meets it: services as OS processes, driven through HTTP."""
import json

import pytest
import requests

from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, tracking_code

pytestmark = pytest.mark.e2e


@pytest.fixture
def running(suite):
    suite.start_intake()
    suite.start("gateway")
    suite.start("sample_program")
    suite.wait_until_up()
    suite.wait_for_service("water_repair")
    return suite


def post_request(suite, **fields):
    form = {"api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
            "service_code": "water_repair", "description": "3号楼2单元水管漏水，楼下已经渗水",
            "address_string": "彩虹城3号楼2单元", "phone": "13800001111", "first_name": "三",
            "last_name": "张", "attribute[floor]": "5", "attribute[urgency]": "urgent", **fields}
    return requests.post(suite.url("/open311/v2/requests.json"), data=form, timeout=20)


def test_an_open311_request_reaches_the_program_and_the_resident_reads_the_reply(running):
    suite = running
    posted = post_request(suite)
    assert posted.status_code == 201, posted.text
    code, public_id = tracking_code(posted), posted.json()[0]["service_request_id"]

    # the program received it and accepted it
    def accepted():
        return requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()["status"] == \
            "accepted"
    wait_for(accepted, message="the program to accept the case")

    staff = suite.login()
    received = requests.get(suite.url("/api/v1/programs/sample_program/cases"), headers=staff,
                            timeout=10).json()
    case_id = received[0]["case_id"]
    resolved = requests.post(
        suite.url(f"/api/v1/programs/sample_program/cases/{case_id}/resolve"), headers=staff,
        json={"result": "更换了2单元5层的水管接头", "reply": "您好，水管接头已更换，漏水已止住。"},
        timeout=10)
    assert resolved.status_code == 200, resolved.text

    def replied():
        view = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return view if view["status"] == "replied" else None
    view = wait_for(replied, message="the reply to reach the resident")
    assert view["reply"] == "您好，水管接头已更换，漏水已止住。"
    assert view["status_label"] == "已答复"
    assert [h["action"] for h in view["history"]][:3] == ["受理登记", "转交承办", "承办人接收"]

    # Open311's public list sees it closed, under its public id, without the answer (nor the
    # exact address), in JSON and XML
    one = requests.get(suite.url(f"/open311/v2/requests/{public_id}.json?jurisdiction_id="
                                 "rainbow-city"), timeout=10).json()[0]
    assert (one["status"], one["status_notes"], one["address"]) == ("closed", "已答复", None)
    assert public_id != code
    xml = requests.get(suite.url(f"/open311/v2/requests/{public_id}.xml"), timeout=10)
    assert xml.headers["Content-Type"].startswith("text/xml")
    assert f"<service_request_id>{public_id}</service_request_id>" in xml.text
    assert code not in xml.text and code not in json.dumps(one)
    assert requests.get(suite.url(f"/open311/v2/requests/{code}.json"), timeout=10
                        ).status_code == 404

    # the reply went out on the resident's channel (recorded by the default sender)
    notes = requests.get(suite.url(f"/api/v1/cases/{case_id}/notifications"), headers=staff,
                         timeout=10).json()
    assert [n["purpose"] for n in notes] == ["receipt", "reply"]
    assert "漏水已止住" in notes[-1]["body"] and notes[-1]["status"] == "recorded"

    # the resident rates it; the figures count it
    rated = requests.post(suite.url(f"/api/v1/track/{code}/feedback"),
                          json={"resolved": True, "satisfied": True}, timeout=10)
    assert rated.json()["status"] == "closed"
    figures = requests.get(suite.url("/api/v1/figures?group_by=program"), headers=staff,
                           timeout=10).json()["rows"]
    row = next(r for r in figures if r["program"] == "sample_program")
    assert (row["received"], row["response_rate"], row["satisfaction_rate"],
            row["on_time_rate"]) == (1, 1.0, 1.0, 1.0)


def test_garbage_gets_named_errors_and_leaves_nothing_behind(running):
    suite = running
    staff = suite.login()
    bad = post_request(suite, **{"attribute[floor]": "五楼", "attribute[urgency]": "very"})
    assert bad.status_code == 400
    description = bad.json()[0]["description"]
    assert "floor" in description and "urgency" in description

    missing = post_request(suite, description="", address_string="")
    assert missing.status_code == 400
    assert "description" in missing.json()[0]["description"]

    forbidden = post_request(suite, api_key="wrong")
    assert forbidden.status_code == 403

    unknown = post_request(suite, service_code="no_such_service")
    assert unknown.status_code == 404

    staff_bad = requests.post(suite.url("/api/v1/cases"), headers=staff, timeout=10,
                              json={"channel": "fax", "description": "", "resident_phone": "abc"})
    assert staff_bad.status_code == 422
    assert set(staff_bad.json()["error"]["fields"]) == {"channel", "description", "resident_phone"}

    not_json = requests.post(suite.url("/api/v1/cases"), headers=staff, data="{oops", timeout=10)
    assert not_json.status_code == 400

    assert requests.get(suite.url("/open311/v2/requests.json"), timeout=10).json() == []
    assert requests.get(suite.url("/api/v1/cases"), headers=staff, timeout=10).json() == []


def test_an_overdue_case_is_chased_then_escalated_on_the_record(running):
    suite = running
    staff = suite.login()
    # quick_check's time limit is 1.8 seconds: reminder when it passes, escalation 0.9 s later
    created = requests.post(suite.url("/api/v1/cases"), headers=staff, timeout=10, json={
        "channel": "visit", "description": "请核查5号楼门禁", "service_code": "quick_check",
        "resident_name": "李四", "resident_phone": "13900002222"})
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    assert created.json()["owner"] == "管理员"   # the first person who received it owns it

    def escalated():
        case = requests.get(suite.url(f"/api/v1/cases/{case_id}"), headers=staff,
                            timeout=10).json()
        return case if case["escalated"] else None
    case = wait_for(escalated, message="the case to be escalated")
    actions = [h["action"] for h in case["history"]]
    assert actions.index("chased") < actions.index("escalated")
    assert case["overdue"] is True
    chase = next(h for h in case["history"] if h["action"] == "chased")
    assert chase["actor"] == "系统" and "超过办理时限" in chase["note"]

    listed = requests.get(suite.url("/api/v1/cases?queue=escalated"), headers=staff,
                          timeout=10).json()
    assert [c["id"] for c in listed] == [case_id]

    # the program heard the reminder too
    def program_chased():
        cases = requests.get(suite.url("/api/v1/programs/sample_program/cases"),
                             headers=staff, timeout=10).json()
        return any(c["case_id"] == case_id and c["chases"] >= 2 for c in cases)
    wait_for(program_chased, message="the program to receive the chase and the escalation")


def test_a_program_that_goes_away_stops_getting_cases_and_the_resident_is_told(suite):
    suite.start_intake()
    suite.start("gateway")
    suite.start("sample_program", SAMPLE_AUTO_ACCEPT="false")   # its handler has not accepted yet
    suite.wait_until_up()
    suite.wait_for_service("water_repair")
    staff = suite.login()
    waiting = tracking_code(post_request(suite))

    suite.process("sample_program").stop()
    suite.wait_for_service("water_repair", present=False)

    def told():
        view = requests.get(suite.url(f"/api/v1/track/{waiting}"), timeout=5).json()
        return view if view["status"] == "awaiting_assignment" else None
    view = wait_for(told, message="the waiting case to go back to the station head")
    assert view["history"][-1]["action"] == "承办项目停止服务"
    cases = requests.get(suite.url("/api/v1/cases?queue=unassigned"), headers=staff,
                         timeout=10).json()
    notes = requests.get(suite.url(f"/api/v1/cases/{cases[0]['id']}/notifications"),
                         headers=staff, timeout=10).json()
    assert "暂停服务" in notes[-1]["body"]

    assert post_request(suite).status_code == 404          # no longer offered
    # a staff registration still lands, with the station head, not lost
    created = requests.post(suite.url("/api/v1/cases"), headers=staff, timeout=10, json={
        "channel": "phone", "description": "楼道水管漏水", "resident_phone": "13700003333"})
    assert created.json()["status"] == "awaiting_assignment"
