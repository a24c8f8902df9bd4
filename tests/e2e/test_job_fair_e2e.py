"""The community job fair (社区招聘会) as a resident and the fair's staff meet it: intake, the
gateway and the program as separate processes, driven through HTTP — from an Open311 request,
through registering and matching the job seeker, to the reply the resident reads."""
from datetime import timedelta

import pytest
import requests

from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, tracking_code

pytestmark = pytest.mark.e2e

PREFIX = "/api/v1/programs/job_fair"
# the example of GB 32100-2015: 91350100M000100Y43 (services/job_fair/tests/conftest.py works its
# check characters out by hand)
CREDIT_CODE = "91350100M000100Y43"
# 张伟, born 12 May 1994: 7+9+0+5+0+20+2+9+54+12+0+45+10+10+16+4+6 = 209 = 19*11 + 0 -> 1
ZHANG_WEI_ID = "110105199405122131"


@pytest.fixture
def running(suite):
    suite.start_intake()
    suite.start("gateway")
    suite.start("job_fair")
    suite.wait_until_up()
    suite.wait_for_service("job_seeking")
    return suite


def test_a_job_seeker_asks_online_is_matched_and_reads_the_reply(running):
    suite = running
    admin = suite.login()
    made = requests.post(suite.url("/api/v1/staff"), headers=admin, timeout=10, json={
        "username": "jobfair", "name": "李干事", "role": "program_staff",
        "program_id": "job_fair", "password": "secret-pass-1"})
    assert made.status_code == 201, made.text
    staff = suite.login("jobfair", "secret-pass-1")

    def call(method, path, headers=staff, **kwargs):
        answer = requests.request(method, suite.url(PREFIX + path), headers=headers,
                                  timeout=20, **kwargs)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    # a fair a week ahead with one verified employer's position
    employer = call("POST", "/employers", json={
        "name": "彩虹城物业公司", "credit_code": CREDIT_CODE, "licence_valid_until": "2030-12-31",
        "contact_name": "王经理", "phone": "13800000100"})
    call("POST", f"/employers/{employer['id']}/verification", json={"result": "verified"})
    day = (local_date(utcnow()) + timedelta(days=7)).isoformat()
    fair = call("POST", "/fairs", json={"title": "彩虹城冬季招聘会", "day": day,
                                        "place": "社区活动室", "capacity": 300})
    call("POST", f"/fairs/{fair['id']}/invitations", json={"employer_id": employer["id"]})
    position = call("POST", f"/fairs/{fair['id']}/positions", json={
        "employer_id": employer["id"], "title": "物业电工", "count": 2, "skills": ["电工"],
        "area": "丰台", "work_place": "彩虹城小区", "pay_min": "4500", "pay_max": "6000"})

    # the resident asks online
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city", "service_code": "job_seeking",
        "attribute[seeker_kind]": "unemployed", "phone": "13800000001",
        "description": "厂子关了，我会电工，想在丰台找份工作", "address_string": "彩虹城6号楼"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5)
             .json()["status"] == "accepted", message="the job fair to accept the case")
    (case,) = call("GET", "/cases")
    assert (case["tracking_code"], case["attributes"]) == (code, {"seeker_kind": "unemployed"})

    # the staff register him (he consents on the phone), match him, and apply for him
    applicant = call("POST", "/applicants", json={
        "name": "张伟", "id_number": ZHANG_WEI_ID, "phone": case["resident"]["phone"],
        "kind": "unemployed", "skills": ["电工"], "preferred_area": "丰台",
        "expected_pay": "5000", "consent": True})
    (best,) = call("GET", f"/applicants/{applicant['id']}/matches/{fair['id']}")["items"]
    assert (best["position_id"], best["reasons"]) == (position["id"], [
        "技能符合：电工", "工作区域丰台与意向相同", "月薪 4500.00–6000.00 元达到期望的 5000.00 元"])
    call("POST", "/applications", json={"applicant_id": applicant["id"],
                                        "position_id": position["id"]})
    reply = (f"您好，已为您报名彩虹城物业公司的物业电工岗位（月薪4500–6000元）。{day}请带身份证到"
             f"社区活动室参加招聘会，登记码 {applicant['registration_code']}。")
    call("POST", f"/cases/{case['case_id']}/resolve",
         json={"result": "已登记求职并报名物业电工岗位", "reply": reply})

    def replied():
        view = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return view if view["status"] == "replied" else None
    assert wait_for(replied, message="the reply to reach the resident")["reply"] == reply
    figures = requests.get(suite.url(f"{PREFIX}/fairs/{fair['id']}/figures"), timeout=10).json()
    assert figures["totals"]["applications"] == 1 and figures["totals"]["applicants"] == 1
