"""The matchmaking studio (红娘工作室) as its staff and residents meet it: intake, the gateway and
the program as separate processes, driven through HTTP."""
from datetime import date

import pytest
import requests

from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, tracking_code

pytestmark = pytest.mark.e2e

PREFIX = "/api/v1/programs/matchmaking"
POLICE = {"police_station": "朝阳分局彩虹城派出所", "officer": "刘警官"}
# Resident ID numbers (GB 11643-1999) with the check character worked out by hand: each of the
# first 17 digits times its weight 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, summed; the sum mod 11
# (0 1 2 ... 10) gives 1 0 X 9 8 7 6 5 4 3 2. Digits 7-14 are the birth date, the 17th is odd
# for a man, even for a woman; 110105 is Chaoyang, Beijing.
# 张伟, a man born 5 April 1992:
# 7+9+0+5+0+20+2+9+54+6+0+36+0+25+0+8+6 = 187 = 17*11 + 0 -> 1
ZHANG_WEI_ID = "110105199204050231"
# 李娜, a woman born 20 August 1995:
# 7+9+0+5+0+20+2+9+54+15+0+72+20+0+0+8+8 = 229 = 20*11 + 9 -> 3
LI_NA_ID = "110105199508200243"
# 王五, a man born 1 January 1990:
# 7+9+0+5+0+20+2+9+54+0+0+9+0+5+0+8+14 = 142 = 12*11 + 10 -> 2
WANG_WU_ID = "110105199001010272"


def member(name, gender, birth, phone, id_number):
    return {"name": name, "gender": gender, "birth_date": birth.isoformat(), "phone": phone,
            "id_number": id_number, "education": "bachelor", "occupation": "教师",
            "introduction": "性格温和，喜欢旅行", "looking_for": "真诚、有责任心"}


@pytest.fixture
def running(suite):
    suite.start_intake()
    suite.start("gateway")
    suite.start("matchmaking")
    suite.wait_until_up()
    suite.wait_for_service("matchmaking_registration")
    suite.wait_for_service("matchmaking_consultation")
    return suite


def make_staff(suite, admin, username, role, program_id=None):
    body = {"username": username, "name": username, "role": role, "password": "secret-pass-1"}
    if program_id:
        body["program_id"] = program_id
    made = requests.post(suite.url("/api/v1/staff"), headers=admin, json=body, timeout=10)
    assert made.status_code == 201, made.text
    return suite.login(username, "secret-pass-1")


def test_the_studio_registers_verifies_introduces_and_counts(running):
    suite = running
    admin = suite.login()
    studio = make_staff(suite, admin, "hongniang", "program_staff", "matchmaking")
    desk = make_staff(suite, admin, "qiantai", "receptionist")

    def call(method, path, headers=studio, **kwargs):
        return requests.request(method, suite.url(PREFIX + path), headers=headers, timeout=20,
                                **kwargs)

    # a receptionist without the program sees no member's data
    assert call("GET", "/members", headers=desk).status_code == 403
    assert call("GET", "/members", headers={}).status_code == 401

    he = call("POST", "/members",
              json=member("张伟", "male", date(1992, 4, 5), "13800000011", ZHANG_WEI_ID))
    assert he.status_code == 201, he.text
    she = call("POST", "/members",
               json=member("李娜", "female", date(1995, 8, 20), "13900000022", LI_NA_ID))
    assert she.status_code == 201, she.text
    he, she = he.json(), she.json()
    assert she["status"] == "pending" and "********" not in she["id_number"]

    # bad input is named, and changes nothing
    bad = call("POST", "/members", json={**member("王五", "male", date(1990, 1, 1),
                                                  "13800000033", WANG_WU_ID), "phone": "电话"})
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"phone"}
    twice = call("POST", "/members",
                 json=member("张伟", "male", date(1992, 4, 5), "13800000099", ZHANG_WEI_ID))
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "member_exists"

    # verified with the police station: him now, her not yet
    checked = call("POST", f"/members/{he['id']}/verifications",
                   json={"result": "verified", **POLICE})
    assert checked.status_code == 201, checked.text
    refused = call("POST", "/introductions",
                   json={"first_member_id": he["id"], "second_member_id": she["id"]})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "member_not_verified"
    assert call("GET", f"/members/{he['id']}/candidates").json()["items"] == []

    assert call("POST", f"/members/{she['id']}/verifications",
                json={"result": "verified", **POLICE}).status_code == 201
    assert [c["id"] for c in call("GET", f"/members/{he['id']}/candidates").json()["items"]] \
        == [she["id"]]
    intro = call("POST", "/introductions", json={"first_member_id": he["id"],
                                                 "second_member_id": she["id"],
                                                 "note": "都喜欢旅行"})
    assert intro.status_code == 201, intro.text
    intro_id = intro.json()["id"]
    for outcome in ("met", "dating"):
        moved = call("POST", f"/introductions/{intro_id}/outcome", json={"outcome": outcome})
        assert moved.status_code == 200, moved.text
    history = moved.json()["history"]
    assert [h["outcome"] for h in history] == ["pending", "met", "dating"]
    assert all(h["recorded_by"] == "hongniang" for h in history)

    call_log = call("POST", "/consultations",
                    json={"phone": "13700000044", "topic": "registration",
                          "caller_name": "孙阿姨", "notes": "替女儿问登记"})
    assert call_log.status_code == 201, call_log.text

    # the member's record: who did what, when
    record = call("GET", f"/members/{she['id']}").json()
    assert [h["action"] for h in record["history"]] == ["registered", "verified"]
    assert record["verifications"][0]["officer"] == "刘警官"

    figures = requests.get(suite.url(PREFIX + "/figures"), headers=studio, timeout=20).json()
    assert figures["totals"] == {"registered": 2, "verified": 2, "rejected": 0,
                                 "consultations": 1, "introductions": 1, "met": 1,
                                 "dating": 1, "married": 0, "ended": 0}
    assert sum(m["registered"] for m in figures["by_month"]) == 2

    # an admin of the community sees the members; the OpenAPI document lists the routes
    assert len(call("GET", "/members", headers=admin).json()["items"]) == 2
    paths = requests.get(suite.url("/api/v1/openapi.json"), timeout=20).json()["paths"]
    assert PREFIX + "/introductions/{introduction_id}/outcome" in paths


def test_an_open311_request_reaches_the_studio_and_the_resident_reads_the_reply(running):
    suite = running
    definition = requests.get(suite.url("/open311/v2/services/matchmaking_registration.json"),
                              timeout=10).json()
    assert [a["code"] for a in definition["attributes"]] == ["gender", "age", "contact_time"]
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
        "service_code": "matchmaking_registration",
        "description": "想给女儿在红娘工作室登记，需要带什么材料？", "phone": "13600001234",
        "address_string": "彩虹城8号楼",
        "first_name": "阿姨", "last_name": "孙", "attribute[gender]": "female",
        "attribute[age]": "29"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5)
             .json()["status"] == "accepted", message="the studio to accept the case")

    staff = suite.login()
    cases = requests.get(suite.url(PREFIX + "/cases"), headers=staff, timeout=10).json()
    assert [c["tracking_code"] for c in cases] == [code]
    assert cases[0]["attributes"]["gender"] == "female"
    reply = "您好，请本人携带身份证和户口本到服务站红娘工作室登记，我们会到派出所核实身份。"
    resolved = requests.post(suite.url(f"{PREFIX}/cases/{cases[0]['case_id']}/resolve"),
                             headers=staff, timeout=10,
                             json={"result": "已电话告知登记材料", "reply": reply})
    assert resolved.status_code == 200, resolved.text

    def replied():
        view = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return view if view["status"] == "replied" else None
    assert wait_for(replied, message="the reply to reach the resident")["reply"] == reply
