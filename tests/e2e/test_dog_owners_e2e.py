"""The dog-owners' association (养犬自律协会) as a resident and its staff meet it: intake, the
gateway and the program as separate processes, driven through HTTP — the pledge published and
read by anyone, an owner joining with their dog, a resident's complaint about a dog off its
leash through the public door (Open311), the owner identified, talked with and warned, and the
reply the resident reads by the tracking code."""
from datetime import timedelta

import pytest
import requests

from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, ProgramClient, tracking_code

pytestmark = pytest.mark.e2e


@pytest.fixture
def running(suite):
    """Intake, the gateway and the association, its reminder timer every half second."""
    suite.start_intake()
    suite.start("gateway")
    suite.start("dog_owners", REMIND_INTERVAL_SECONDS="0.5")
    suite.wait_until_up()
    suite.wait_for_service("dog_unleashed")
    return suite


def test_an_unleashed_dog_complaint_is_taken_up_with_its_owner_and_answered(running):
    suite = running
    staff = ProgramClient(suite, "dog_owners", suite.add_staff(
        "dogs", "王会长", "program_staff", "dog_owners"))
    today = local_date(utcnow())
    staff.ok("POST", "/pledges", {
        "version": "2026版", "title": "彩虹城社区养犬人文明公约",
        "text": "出户遛犬束犬链，及时清理犬便，每户只养一只犬。",
        "effective_on": (today - timedelta(days=30)).isoformat()})
    # the pledge is public: anyone reads it
    public = ProgramClient(suite, "dog_owners").get("/pledge", community="rainbow-city")
    assert (public["version"], public["title"]) == ("2026版", "彩虹城社区养犬人文明公约")

    owner = staff.ok("POST", "/members", {"name": "李阿姨", "phone": "13900000001",
                                          "household": "5号楼2单元301",
                                          "pledge_version": "2026版"})
    dog = staff.ok("POST", f"/members/{owner['id']}/dogs", {
        "name": "豆豆", "breed": "泰迪", "size_class": "small", "sex": "male",
        "registration_no": "京犬2026-0001",
        "registration_expires_on": (today + timedelta(days=20)).isoformat(),
        "vaccinated_on": (today - timedelta(days=100)).isoformat()})
    # a second dog in the same household is refused, naming the rule
    staff.refused("POST", f"/members/{owner['id']}/dogs", {
        "name": "球球", "breed": "柯基", "size_class": "small", "sex": "female",
        "registration_no": "京犬2026-0002",
        "registration_expires_on": (today + timedelta(days=300)).isoformat()},
        409, "household_dog_limit")
    # its registration runs out in 20 days: the timer keeps a reminder for staff to call
    due = (today + timedelta(days=20)).isoformat()

    def reminded():
        return staff.get("/reminders", state="to_call")["items"]
    (reminder,) = wait_for(reminded, message="the timer's reminder")
    assert (reminder["dog"], reminder["kind"], reminder["due_on"], reminder["owner_phone"]) == (
        "豆豆", "registration", due, "13900000001")
    staff.ok("POST", f"/reminders/{reminder['id']}/call", {"outcome": "犬主说月底前去年检"},
             status=200)

    # a resident complains online
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
        "service_code": "dog_unleashed", "attribute[place]": "5号楼南侧草坪",
        "phone": "13900001111", "description": "5号楼的泰迪天天不拴绳，追着小孩跑",
        "address_string": "彩虹城5号楼"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5)
             .json()["status"] == "accepted", message="the association to accept the case")
    (case,) = staff.get("/cases")["items"]
    assert (case["tracking_code"], case["attributes"], case["kind_name"]) == (
        code, {"place": "5号楼南侧草坪"}, "遛狗不拴绳")

    number = case["case_id"]
    staff.ok("POST", f"/cases/{number}/link", {"member_id": owner["id"], "dog_id": dog["id"]},
             status=200)
    staff.ok("POST", f"/cases/{number}/talks",
             {"note": "上门约谈，犬主承诺出户一律拴绳", "warning": True}, status=200)
    reply = "您好，协会已约谈犬主李阿姨并给予警告，她承诺遛狗一律拴绳。谢谢您的监督。"
    done = staff.ok("POST", f"/cases/{number}/resolve",
                    {"result": "约谈犬主并警告一次", "reply": reply}, status=200)
    assert [h["action"] for h in done["history"]] == ["received", "linked", "warned",
                                                      "resolved"]

    def replied():
        view = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return view if view["status"] == "replied" else None
    assert wait_for(replied, message="the reply to reach the resident")["reply"] == reply
    assert staff.get(f"/members/{owner['id']}")["warnings"] == 1
    figures = staff.get("/figures")
    assert (figures["members"]["active"], figures["dogs"]["kept"],
            figures["dogs"]["vaccination_current_percent"],
            figures["complaints"]["resolved"]) == (1, 1, "100.0", 1)


def test_a_bitten_resident_reads_the_advice_on_rabies_shots_by_tracking_code(running):
    suite = running
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city", "service_code": "dog_bite",
        "attribute[injured]": "bitten", "phone": "13900002222",
        "description": "在6号楼门口被一只黑色的狗咬了小腿，流血了",
        "address_string": "彩虹城6号楼"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)

    def advised():
        view = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return view if view.get("progress") else None
    view = wait_for(advised, message="the association's advice to reach the resident")
    assert "24小时内到狂犬病免疫预防门诊接种狂犬疫苗" in view["progress"]["note"]
    # within the emergency class's 2 hours of the request
    assert view["expected_at"] is not None
    staff = ProgramClient(suite, "dog_owners", suite.add_staff(
        "dogs", "王会长", "program_staff", "dog_owners"))
    (case,) = staff.get("/cases", service_code="dog_bite")["items"]
    assert (case["urgent"], case["tracking_code"]) == (True, code)
    returned = staff.ok("POST", f"/cases/{case['case_id']}/return",
                        {"note": "犬主不明，伤人需公安处理", "referral": "police"}, status=200)
    assert returned["result"] == \
        "犬主不明，伤人需公安处理（请联系：社区民警 / 派出所（报警电话110））"
