"""doctor running for real (RabbitMQ, PostgreSQL): a case in, a report out, once."""
from minzi.contract import load_manifest
from minzi.testing import call_api, dispatched_case, make_staff

from doctor.service import MANIFEST, DoctorService

OPERATOR = make_staff("program_staff", program_id="doctor", name="值班员", username="op")


def test_the_manifest_is_valid():
    manifest = load_manifest(MANIFEST)
    assert manifest["program_id"] == "doctor" and manifest["service_types"]


def test_a_case_delivered_twice_is_accepted_once_and_resolved_through_the_api(
        program_container, bus):
    container = program_container(DoctorService, max_workers=1)
    dispatched = bus.publish("case.dispatched.doctor",
                             dispatched_case("doctor", "doctor_request"))
    bus.send(dispatched, "case.dispatched.doctor")          # delivered again
    bus.publish("case.dispatched.doctor",
                dispatched_case("doctor", "doctor_request", case_id=2))
    # one worker takes messages in order: once the marker's (case 2's) report is out, the
    # duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [m["data"]["case_id"] for m in bus.seen] == [1]

    resolved = call_api(container, "POST", "/cases/1/resolve", {
        "result": "已办结", "reply": "您好，已经办好了。"}, staff=OPERATOR)
    assert resolved["status"] == 200 and resolved["body"]["state"] == "resolved"
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")
    assert report["data"]["reply"] == "您好，已经办好了。"
    again = call_api(container, "POST", "/cases/1/resolve", {"result": "再办一次"},
                     staff=OPERATOR)
    assert again["status"] == 409


def test_a_case_of_a_type_the_program_does_not_offer_is_returned_with_a_note(
        program_container, bus):
    program_container(DoctorService)
    bus.publish("case.dispatched.doctor",
                dispatched_case("doctor", "stray_cat_sick"))
    report = bus.wait("case.reported")["data"]
    assert report["status"] == "returned" and "stray_cat_sick" in report["note"]


def test_who_may_not_use_the_staff_api(program_container):
    container = program_container(DoctorService)
    assert call_api(container, "GET", "/cases", staff=None)["status"] == 401
    receptionist = make_staff("receptionist")
    assert call_api(container, "GET", "/cases", staff=receptionist)["status"] == 403
    other_program = make_staff(program_id="cat_fund")
    assert call_api(container, "GET", "/cases", staff=other_program)["status"] == 403
    assert call_api(container, "GET", "/cases/abc", staff=OPERATOR)["status"] == 404
