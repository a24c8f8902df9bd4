"""Co-building (共驻共建) as a resident, its staff and a member unit meet it: intake, the gateway
and the program as separate processes, driven through HTTP — from an Open311 complaint about the
night trucks' noise, through sorting it as needing coordination, the responsible unit's contact
working on it, a six-party joint meeting and the unit's investment, to the reply the resident
reads by the tracking code."""
from datetime import timedelta

import pytest
import requests

from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, ProgramClient, tracking_code

pytestmark = pytest.mark.e2e

SIX_PARTIES = {"npc_deputies": ["张代表"], "residents": ["居民代表李阿姨"],
               "street": ["街道工委王书记"], "committees": ["社区党委书记"],
               "property": ["和泓物业经理"], "units": ["禽蛋公司党委书记"]}


@pytest.fixture
def running(suite):
    return suite.start_with("co_building", "night_noise")


def test_a_noise_complaint_goes_to_a_joint_meeting_and_the_resident_reads_the_outcome(running):
    suite = running
    staff = ProgramClient(suite, "co_building", suite.add_staff(
        "cobuild", "王书记", "program_staff", "co_building"))
    egg = staff.ok("POST", "/units", {
        "name": "禽蛋公司", "kind": "enterprise", "party_branch": "禽蛋公司党委",
        "contact_name": "刘主任", "contact_phone": "13800000100",
        "contact_username": "egg-contact"})
    contact = ProgramClient(suite, "co_building", suite.add_staff(
        "egg-contact", "刘主任", "member_unit", "co_building"))

    # the resident complains online
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city", "service_code": "night_noise",
        "attribute[noise_source]": "trucks", "phone": "13900001111",
        "description": "冷库的运输货车每天夜里两三点进出，吵得睡不着",
        "address_string": "彩虹城5号楼"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5)
             .json()["status"] == "accepted", message="co-building to accept the case")
    (issue,) = staff.get("/issues")["items"]
    assert (issue["tracking_code"], issue["attributes"], issue["state"]) == (
        code, {"noise_source": "trucks"}, "unsorted")
    case = issue["case_id"]

    # sorted as needing coordination, given to the egg company with a deadline
    deadline = (local_date(utcnow()) + timedelta(days=30)).isoformat()
    staff.ok("POST", f"/issues/{case}/sorting", {"kind": "coordination"}, status=200)
    staff.ok("POST", f"/issues/{case}/assignment", {"unit_id": egg["id"], "deadline": deadline},
             status=200)
    # the unit's contact sees it (without the resident's details) and reports progress
    (mine,) = contact.get("/my")["items"]
    assert [(i["case_id"], i["resident"]) for i in mine["issues"]] == [(case, None)]
    contact.ok("POST", f"/issues/{case}/progress", {"note": "已要求车队夜间绕行北门"},
               status=200)

    # the six parties meet on it, and the unit invests in rebuilding the cold store
    staff.ok("POST", "/meetings", {
        "day": local_date(utcnow()).isoformat(), "place": "社区会议室",
        "topic": "冷库货车夜间噪音", "attendees": SIX_PARTIES, "case_ids": [case],
        "decisions": "禽蛋公司投资改造冷库，改造期间夜间货车改走北门"})
    reply = "您好，禽蛋公司已投资700万元改造冷库，夜间货车不再从5号楼旁经过。谢谢您的反映。"
    done = staff.ok("POST", f"/issues/{case}/outcome", {
        "result": "禽蛋公司投资700万元改造冷库，噪音问题解决", "investment": "7000000",
        "investment_unit_id": egg["id"], "reply": reply}, status=200)
    assert [h["action"] for h in done["history"]] == [
        "received", "sorted", "assigned", "progress", "meeting", "resolved"]

    def replied():
        view = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return view if view["status"] == "replied" else None
    assert wait_for(replied, message="the reply to reach the resident")["reply"] == reply
    figures = staff.get("/figures")["issues"]
    assert (figures["taken_to_meetings"], figures["invested_by_units"]) == (1, "7000000.00")
