"""The convenience hotline (便民服务热线) as a resident, its staff and the public meet it:
intake, the gateway and the program as separate processes, driven through HTTP — two water
stations vetted and signed, the guide card posted at a building door and read by anyone, a
resident's request for water through the public door (Open311), routed by the rule, declined by
the first station and taken by the second, done and rated, and the reply the resident reads by
the tracking code."""
import pytest
import requests

from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, ProgramClient, tracking_code

pytestmark = pytest.mark.e2e

# published credit codes (worked out by hand in services/hotline/tests/test_credit_code.py)
STATIONS = (("清泉水站", "914403001922038216"), ("甘露水站", "91110000802100433B"))


@pytest.fixture
def running(suite):
    return suite.start_with("hotline", "water_delivery")


def test_a_call_for_water_is_routed_declined_rerouted_done_and_answered(running):
    suite = running
    today = local_date(utcnow()).isoformat()
    staff = ProgramClient(suite, "hotline", suite.add_staff(
        "hotline-wang", "王站长", "program_staff", "hotline"))
    public = ProgramClient(suite, "hotline")

    # the station vets and signs two water stations, and posts the card at a door
    ids = []
    for name, code in STATIONS:
        merchant = staff.ok("POST", "/merchants", {
            "name": name, "credit_code": code, "categories": ["water_delivery"],
            "contact_name": "刘经理", "phone": "010-67890001"})
        staff.ok("POST", f"/merchants/{merchant['id']}/licence-check", {"note": "执照原件已核"},
                 status=200)
        staff.ok("POST", f"/merchants/{merchant['id']}/agreement",
                 {"signed_on": today, "agreement_ref": f"BM-{merchant['id']}"}, status=200)
        ids.append(merchant["id"])
    staff.refused("POST", "/merchants", {
        "name": "假水站", "credit_code": "91110000802100433C", "categories": ["water_delivery"],
        "contact_name": "某人", "phone": "13800000000"}, 422, "validation_failed")
    staff.ok("POST", "/doors", {"building": "5号楼", "door": "2单元", "posted_on": today})
    card = public.get("/card")
    assert card["doors_posted"] == 1
    assert [(line["label"], line["name"]) for line in card["lines"]] == [
        ("送水（水站）", "清泉水站"), ("送水（水站）", "甘露水站")]

    # the resident asks online
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
        "service_code": "water_delivery", "phone": "13900001111",
        "description": "家里没水了，想订两桶桶装水", "address_string": "彩虹城5号楼2单元"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5)
             .json()["status"] == "accepted", message="the hotline to accept the case")
    (call,) = staff.get("/cases")["items"]
    assert (call["tracking_code"], call["category_name"], call["resident"]["phone"]) == (
        code, "送水（水站）", "13900001111")
    case = call["case_id"]

    # the rule picks the first station (both have no open job); it declines
    first = staff.ok("POST", f"/cases/{case}/routing", {})
    assert (first["merchant_id"], first["picked_by"]) == (ids[0], "rule")
    staff.ok("POST", f"/jobs/{first['id']}/response",
             {"response": "declined", "note": "送水工今天请假"}, status=200)
    staff.refused("POST", f"/cases/{case}/resolve", {"result": "办好了"}, 409, "job_declined")
    # routed again, the rule passes over the station that declined
    second = staff.ok("POST", f"/cases/{case}/routing", {})
    assert second["merchant_id"] == ids[1]
    for answer in ("accepted", "came", "done"):
        staff.ok("POST", f"/jobs/{second['id']}/response", {"response": answer}, status=200)
    staff.ok("POST", f"/jobs/{second['id']}/rating", {"rating": 5, "comment": "半小时就送到了"},
             status=200)
    reply = "您好，甘露水站已把两桶水送到5号楼2单元。以后也可直接拨打楼门导向牌上的电话。"
    done = staff.ok("POST", f"/cases/{case}/resolve", {
        "result": "甘露水站送水两桶", "reply": reply}, status=200)
    assert [h["action"] for h in done["history"]] == [
        "received", "routed", "declined", "routed", "accepted", "came", "done", "rated",
        "resolved"]

    def replied():
        view = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return view if view["status"] == "replied" else None
    assert wait_for(replied, message="the reply to reach the resident")["reply"] == reply
    figures = staff.get("/figures")
    assert (figures["calls"]["total"], figures["jobs"]["routed"], figures["jobs"]["declined"],
            figures["ratings"]) == (1, 2, 1, [{"merchant_id": ids[1], "merchant": "甘露水站",
                                               "count": 1, "average": "5.0"}])
