"""The neighbourhood doctor (片儿医) as a resident, the doctor and the program's clerk meet it:
intake, the gateway and the program as separate processes, driven through HTTP — from a
resident's Open311 request for a house call, through the registered doctor accepting it, visiting
and putting the blood pressure into the resident's consented health record, to the reply the
resident reads by the tracking code; the clerk, who is not a doctor, sees the case but never the
record; the doctor's card is public."""
import pytest
import requests

from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.testing import values_in, wait_for

from ..conftest import OPEN311_KEY, ProgramClient, tracking_code

pytestmark = pytest.mark.e2e


@pytest.fixture
def running(suite):
    return suite.start_with("doctor", "house_call")


def test_a_house_call_goes_into_the_consented_record_and_the_resident_reads_the_reply(running):
    suite = running
    today = local_date(utcnow()).isoformat()
    admin = ProgramClient(suite, "doctor", suite.login())
    doctor = ProgramClient(suite, "doctor", suite.add_staff(
        "dr-liu", "刘大夫", "program_staff", "doctor"))
    clerk = ProgramClient(suite, "doctor", suite.add_staff(
        "clerk-sun", "孙干事", "handler", "doctor"))
    # the admin puts the doctor's account on the program's list of doctors, with the card
    admin.ok("POST", "/doctors", {"username": "dr-liu", "name": "刘大夫",
                                  "phone": "13911112222", "pledge": "随叫随到，小病不出社区门"})
    # Grandma Wang signed the consent form: the doctor opens her record
    record = doctor.ok("POST", "/records", {
        "name": "王奶奶", "sex": "female", "birth_date": "1946-03-08", "phone": "13700001111",
        "address": "彩虹城3区2号楼", "conditions": "高血压", "allergies": "青霉素",
        "consent_method": "signed_form", "consent_on": today, "consent_form_ref": "TY-001"})
    # the clerk is not a doctor: the record is closed to them
    refused = clerk.call("GET", f"/records/{record['id']}")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_doctor")

    # Grandma Wang asks online for the doctor to come
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city", "service_code": "house_call",
        "attribute[mobility]": "elderly", "phone": "13700001111",
        "description": "我腿脚不便，最近头晕，想请片儿医上门量量血压",
        "address_string": "彩虹城3区2号楼"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5)
             .json()["status"] == "accepted", message="the doctor to accept the case")
    (case,) = clerk.get("/cases")["items"]
    assert (case["tracking_code"], case["state"], case["attributes"]) == (
        code, "received", {"mobility": "elderly"})
    assert "medical" not in case
    case_id = case["case_id"]

    doctor.ok("POST", f"/cases/{case_id}/acceptance", {}, status=200)
    visited = doctor.ok("POST", f"/cases/{case_id}/visit", {
        "visited_on": today, "note": "血压168/96，头晕与血压高有关，调整降压药",
        "record_id": record["id"], "systolic": 168, "diastolic": 96}, status=200)
    assert visited["medical"]["record_id"] == record["id"]
    reply = "王奶奶您好，刘大夫已上门为您量了血压并调整了用药，请按时服药，三天后再量一次。"
    doctor.ok("POST", f"/cases/{case_id}/resolve", {"result": "上门出诊，调整降压药",
                                                      "reply": reply}, status=200)

    def replied():
        view = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return view if view["status"] == "replied" else None
    assert wait_for(replied, message="the reply to reach the resident")["reply"] == reply

    health = doctor.get(f"/records/{record['id']}")
    assert [(r["value"], r["source"]) for r in health["readings"]] == [
        ("168/96 mmHg", "house_call")]
    assert (health["conditions"], health["allergies"]) == (["高血压"], ["青霉素"])
    # the clerk still sees the case, never what the doctor found
    seen = clerk.get(f"/cases/{case_id}")
    assert seen["state"] == "resolved"
    assert not {168, 96, "168", "96", "168/96 mmHg"} & set(values_in(seen))
    # the card on the notice board: anyone reads it, no resident in it
    card = requests.get(suite.url("/api/v1/programs/doctor/card"), timeout=10,
                        params={"community": "rainbow-city"}).json()
    assert card["doctors"] == [{"name": "刘大夫", "phone": "13911112222",
                                "pledge": "随叫随到，小病不出社区门"}]
    assert "王奶奶" not in str(card)
    figures = admin.get("/figures")
    assert (figures["records"]["open"], figures["house_calls"]["on_time"]) == (1, 1)
