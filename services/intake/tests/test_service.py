"""Intake running in a nameko container against the real RabbitMQ (a throwaway vhost) and a real
PostgreSQL database migrated by its own migrations: what programs say on the bus changes what
intake does."""
import pytest
from kombu import Connection
from sqlalchemy import create_engine, text

from minzi.consumer import parked_queue
from minzi.contract import program_cases_queue
from minzi.db import normalise_url
from minzi.testing import call_api, take_one, wait_for

from intake.service import IntakeService

MANIFEST = {"program_id": "legal_aid", "name": {"zh": "普法互助家园"},
            "communities": ["rainbow-city"], "heartbeat_seconds": 30, "instance_id": "la-1",
            "some_future_field": {"x": 1},
            "service_types": [{"code": "legal_consultation", "name": {"zh": "法律咨询"},
                               "keywords": ["法律"], "time_limit_hours": 168}]}
ADMIN_PASSWORD = "pw-12345678"


@pytest.fixture
def intake(program_container):
    """``intake(**config)``: intake started with an admin for Rainbow City."""
    def start(**config):
        return program_container(IntakeService, BOOTSTRAP_ADMIN_PASSWORD=ADMIN_PASSWORD,
                                 COMMUNITIES="rainbow-city:彩虹城社区:Rainbow City", **config)
    return start


def log_in(container):
    login = call_api(container, "POST", "/auth/token",
                     {"username": "admin", "password": ADMIN_PASSWORD}, staff=None)
    return login["body"]["staff"]


def announce(bus, manifest=MANIFEST):
    bus.publish("program.announced", manifest, source=manifest["program_id"])


def test_an_announced_program_is_offered_and_receives_its_cases(intake, bus, rabbit_config):
    container = intake()
    announce(bus)
    wait_for(lambda: call_api(container, "GET", "/services", staff=None)["body"],
             message="the service to be offered")

    with Connection(rabbit_config["AMQP_URI"]) as connection:
        cases = program_cases_queue("legal_aid")(connection.channel())
        cases.declare()
        staff = log_in(container)
        created = call_api(container, "POST", "/cases", {
            "channel": "visit", "description": "想咨询法律问题：租房合同",
            "resident_phone": "13800001111"}, staff=staff)
        assert created["status"] == 201 and created["body"]["status"] == "dispatched"
        message = wait_for(lambda: cases.get(no_ack=True),
                           message="the case on the program's queue")
        assert message.payload["type"] == "case.dispatched"
        assert message.payload["data"]["case_id"] == created["body"]["id"]

        # the program accepts; the same report delivered twice has one effect
        report = bus.publish("case.reported", {"case_id": created["body"]["id"],
                                               "program_id": "legal_aid", "status": "accepted",
                                               "handler": "李律师"}, source="legal_aid")
        bus.send(report, "case.reported")

        def accepted():
            case = call_api(container, "GET", f"/cases/{created['body']['id']}",
                            staff=staff)["body"]
            return case if case["status"] == "accepted" else None
        case = wait_for(accepted, message="the acceptance to be recorded")
        assert [h["action"] for h in case["history"]].count("accepted") == 1


def test_a_message_that_keeps_failing_is_parked_with_its_error(intake, bus, rabbit_config):
    intake()
    # a report from a program that does not follow the contract: no event_id, no case_id
    bus.publisher.publish({"type": "case.reported", "version": 1, "source": "somebody",
                           "data": {"status": "accepted"}}, "case.reported")
    message = wait_for(lambda: take_one(rabbit_config["AMQP_URI"],
                                        parked_queue("minzi.intake.reports")),
                       message="the message to be parked")
    assert message.headers["x-minzi-attempts"] == 1     # unreadable: retrying cannot help
    assert "ValidationError" in message.headers["x-minzi-error"]
    assert "event_id" in message.headers["x-minzi-error"]
    assert message.payload["source"] == "somebody"      # kept as it came, for replay after a fix


def test_a_program_submits_a_case_once_whatever_the_redeliveries(intake, bus):
    container = intake()
    staff = log_in(container)
    submission = {"request_key": "sms-reply-1", "community": "rainbow-city", "channel": "sms",
                  "description": "楼道灯坏了好几天了", "resident": {"phone": "13800001111"},
                  "reference": {"program_id": "sms_broadcast", "kind": "broadcast", "id": "42"}}
    bus.publish("case.submitted", submission, source="sms_broadcast")
    bus.publish("case.submitted", submission, source="sms_broadcast")  # sent again: new event id
    engine = create_engine(normalise_url(container.config["DATABASE_URL"]))
    with engine.connect() as connection:
        wait_for(lambda: connection.execute(text(
            "SELECT count(*) FROM inbox WHERE handler = 'submissions'")).scalar() == 2,
            message="both messages handled")
    engine.dispose()
    cases = call_api(container, "GET", "/cases", staff=staff)["body"]
    assert [(c["channel"], c["status"], c["reference"]) for c in cases] == \
        [("sms", "awaiting_assignment", submission["reference"])]


# -- each message handled once, proven with a marker ----------------------------------------------
# One worker takes a queue's messages in order: once the marker's effect shows, the messages sent
# before it (the same one twice) have been handled too.

def register_two(container, staff):
    """Two residents' legal questions, both sent to the legal-aid home."""
    ids = []
    for phone in ("13800001111", "13900002222"):
        created = call_api(container, "POST", "/cases", {
            "channel": "visit", "description": "想咨询法律问题：租房合同",
            "resident_phone": phone}, staff=staff)
        assert created["body"]["status"] == "dispatched", created
        ids.append(created["body"]["id"])
    return ids


def history(container, staff, case_id, action):
    case = call_api(container, "GET", f"/cases/{case_id}", staff=staff)["body"]
    return [h["note"] for h in case["history"] if h["action"] == action]


def test_a_report_delivered_twice_is_recorded_once(intake, bus):
    container = intake(max_workers=1)
    announce(bus)
    wait_for(lambda: call_api(container, "GET", "/services", staff=None)["body"],
             message="the service to be offered")
    staff = log_in(container)
    case_id, marker_id = register_two(container, staff)

    progress = bus.publish("case.reported", {"case_id": case_id, "program_id": "legal_aid",
                                             "status": "in_progress", "note": "已约见房东"},
                           source="legal_aid")
    bus.send(progress, "case.reported")                        # the same message again
    bus.publish("case.reported", {"case_id": marker_id, "program_id": "legal_aid",
                                  "status": "in_progress", "note": "标记"}, source="legal_aid")
    wait_for(lambda: history(container, staff, marker_id, "progress"),
             message="the marker's progress to be recorded")

    assert history(container, staff, case_id, "progress") == ["已约见房东"]


def test_reports_arriving_together_are_each_recorded_once_and_a_bad_one_is_parked_alone(
        intake, bus, rabbit_config):
    """Programs' reports that wait together are applied together (one transaction, the cases'
    rows held in one statement); one among them that cannot be read is parked by itself, and
    each of the others, the one sent twice included, is recorded once."""
    container = intake(max_workers=1)
    announce(bus)
    wait_for(lambda: call_api(container, "GET", "/services", staff=None)["body"],
             message="the service to be offered")
    staff = log_in(container)
    case_ids = [call_api(container, "POST", "/cases", {
        "channel": "visit", "description": "想咨询法律问题：租房合同",
        "resident_phone": f"1380000{n:04d}"}, staff=staff)["body"]["id"] for n in range(4)]
    sent = [bus.publish("case.reported", {"case_id": case_id, "program_id": "legal_aid",
                                          "status": "accepted", "handler": f"律师{n}"},
                        source="legal_aid") for n, case_id in enumerate(case_ids)]
    bus.send(sent[1], "case.reported")
    bus.publish("case.reported", {"case_id": "一", "program_id": "legal_aid",
                                  "status": "accepted"}, source="legal_aid")
    message = wait_for(lambda: take_one(rabbit_config["AMQP_URI"],
                                        parked_queue("minzi.intake.reports")),
                       message="the unreadable report to be parked")
    assert message.payload["data"]["case_id"] == "一"
    for n, case_id in enumerate(case_ids):
        wait_for(lambda case_id=case_id: history(container, staff, case_id, "accepted"),
                 message=f"case {case_id} accepted")
        case = call_api(container, "GET", f"/cases/{case_id}", staff=staff)["body"]
        assert [h["action"] for h in case["history"]].count("accepted") == 1
        assert (case["status"], case["handler"]) == ("accepted", f"律师{n}")


def test_a_submission_delivered_twice_registers_one_case(intake, bus):
    container = intake(max_workers=1)
    staff = log_in(container)
    submission = {"request_key": "sms-reply-7", "community": "rainbow-city", "channel": "sms",
                  "description": "楼道灯坏了好几天了", "resident": {"phone": "13800001111"},
                  "reference": {"program_id": "sms_broadcast", "kind": "reply", "id": "7"}}
    envelope = bus.publish("case.submitted", submission, source="sms_broadcast")
    bus.send(envelope, "case.submitted")                       # the same message again
    bus.publish("case.submitted", {
        **submission, "request_key": "sms-reply-8", "resident": {"phone": "13900002222"},
        "reference": {**submission["reference"], "id": "8"}}, source="sms_broadcast")

    def references():
        return [c["reference"]["id"] for c in call_api(container, "GET", "/cases",
                                                       staff=staff)["body"]]
    wait_for(lambda: "8" in references(), message="the marker's case to be registered")

    assert sorted(references()) == ["7", "8"]


# -- refusals over the API ---------------------------------------------------------------------

def test_refused_actions_answer_with_their_code_and_change_nothing(intake, bus):
    container = intake()
    announce(bus)
    wait_for(lambda: call_api(container, "GET", "/services", staff=None)["body"],
             message="the service to be offered")
    staff = log_in(container)
    case_id, _ = register_two(container, staff)
    path = f"/cases/{case_id}"

    def refused(action, body, status, code):
        before = call_api(container, "GET", path, staff=staff)
        answer = call_api(container, "POST", f"{path}/{action}", body, staff=staff)
        assert (answer["status"], answer["body"]["error"]["code"]) == (status, code)
        assert call_api(container, "GET", path, staff=staff) == before

    refused("transfer", {"service_code": "legal_consultation", "note": "再转一次"},
            400, "same_service")
    refused("duplicate", {"duplicate_of": case_id}, 400, "bad_duplicate")
    accepted = call_api(container, "POST", f"{path}/accept", {"handler": "李律师"}, staff=staff)
    assert accepted["body"]["status"] == "accepted"
    refused("assign", {"service_code": "legal_consultation"}, 409, "already_accepted")
    assert call_api(container, "GET", "/cases/abc", staff=staff)["status"] == 404


def test_a_first_heartbeat_that_meets_another_is_handled_without_spending_an_attempt(
        intake, bus, rabbit_config, monkeypatch):
    """Two first heartbeats of a program handled side by side both add its row; the one that
    comes second finds the row on its second go, at once, and nothing goes to a retry queue."""
    from sqlalchemy.exc import IntegrityError

    from intake import service as intake_service
    from intake.domain.registry import Registry

    raced = []

    class Raced(Registry):
        def announce(self, manifest, now):
            if not raced:
                raced.append(manifest["program_id"])
                raise IntegrityError("INSERT INTO programs", {}, Exception(
                    'duplicate key value violates unique constraint "programs_pkey"'))
            return super().announce(manifest, now)
    monkeypatch.setattr(intake_service, "Registry", Raced)
    container = intake()
    announce(bus)
    wait_for(lambda: call_api(container, "GET", "/services", staff=None)["body"],
             message="the service to be offered")
    assert raced == ["legal_aid"]
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        retry = [name for name in ("minzi.intake.programs.retry.100",)
                 if _exists(connection, name)]
    assert retry == []


def _exists(connection, name):
    from amqp.exceptions import NotFound
    from kombu import Queue
    try:
        Queue(name)(connection.channel()).queue_declare(passive=True)
        return True
    except NotFound:
        return False
