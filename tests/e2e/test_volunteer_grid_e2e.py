"""The volunteer grid (区长负责制) as residents and its staff meet it: intake, the gateway and
the program as separate processes, driven through HTTP — a resident signs up online to
volunteer and is enrolled on the roster and answered; a building head is appointed; another
resident's matter goes to that building head and is answered; residents read who heads their
building, without phone numbers. Each resident reads the reply by the tracking code."""
import pytest
import requests

from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, ProgramClient, tracking_code

pytestmark = pytest.mark.e2e


@pytest.fixture
def running(suite):
    return suite.start_with("volunteer_grid", "volunteer_signup")


def submit(suite, service_code, description, phone, **extra):
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
        "service_code": service_code, "description": description, "phone": phone, **extra})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5)
             .json()["status"] == "accepted", message="the volunteer grid to accept the case")
    return code


def reply_to(suite, code):
    def replied():
        view = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return view if view["status"] == "replied" else None
    return wait_for(replied, message="the reply to reach the resident")["reply"]


def test_a_resident_signs_up_and_another_reaches_the_building_head(running):
    suite = running
    staff = ProgramClient(suite, "volunteer_grid", suite.add_staff(
        "grid", "刘主任", "program_staff", "volunteer_grid"))
    zone = staff.ok("POST", "/zones", {"name": "一区"})
    building = staff.ok("POST", "/buildings", {"zone_id": zone["id"], "name": "5号楼"})
    door = staff.ok("POST", "/doors", {"building_id": building["id"], "name": "2单元"})

    # a resident signs up online; staff enrol her where she lives, which answers her
    code = submit(suite, "volunteer_signup", "我想报名当志愿者，会急救", "13800002222",
                  first_name="静", last_name="吴", address_string="彩虹城5号楼2单元",
                  **{"attribute[skills]": "first_aid"})
    (case,) = staff.get("/cases")["items"]
    assert (case["tracking_code"], case["service_code"], case["resident"]["phone"]) == (
        code, "volunteer_signup", "13800002222")
    enrolled = staff.ok("POST", f"/cases/{case['case_id']}/enrolment",
                        {"name": "吴静", "door_id": door["id"], "skills": ["first_aid"]},
                        status=200)
    assert [h["action"] for h in enrolled["history"]] == ["received", "enrolled", "resolved"]
    assert reply_to(suite, code) == ("吴静您好，您已登记为彩虹城社区志愿者，编入一区。"
                                     "区长、楼长会与您联系安排值勤，感谢您的奉献！")
    (wu,) = staff.get("/volunteers")["items"]
    assert (wu["name"], wu["building"], wu["door"], wu["skills"]) == (
        "吴静", "5号楼", "2单元", ["first_aid"])

    # she becomes the building head; the next matter for the building goes to her
    staff.ok("POST", "/posts", {"level": "building_head", "place_id": building["id"],
                                "volunteer_id": wu["id"]})
    code = submit(suite, "building_head_report", "5号楼楼道堆满杂物，请楼长协调清理",
                  "13900001111", address_string="彩虹城5号楼")
    report = next(c for c in staff.get("/cases")["items"] if c["tracking_code"] == code)
    forwarded = staff.ok("POST", f"/cases/{report['case_id']}/forwarding",
                         {"building_id": building["id"]}, status=200)
    assert forwarded["forwarded_to"] == "吴静"
    staff.ok("POST", f"/cases/{report['case_id']}/resolve", {
        "result": "楼长吴静组织清理了楼道杂物",
        "reply": "您好，5号楼楼长已组织清理楼道杂物，谢谢您的反映。"}, status=200)
    assert reply_to(suite, code) == "您好，5号楼楼长已组织清理楼道杂物，谢谢您的反映。"

    # residents read who heads their building, by name only
    public = ProgramClient(suite, "volunteer_grid").get("/public/heads",
                                                        community="rainbow-city")
    assert public["items"] == [{"zone": "一区", "building": "5号楼", "zone_head": "",
                                "building_head": "吴静"}]
    assert "13800002222" not in str(public)
    figures = staff.get("/figures")
    assert (figures["volunteers"]["active"], figures["heads"]["by_level"][4]) == (
        1, {"level": "building_head", "label": "楼长", "count": 1})
