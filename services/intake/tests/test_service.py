"""Intake running in a nameko container against the real RabbitMQ (a throwaway vhost) and a real
PostgreSQL database: what programs say on the bus changes what intake does."""
import pytest
from kombu import Connection, Queue
from nameko.testing.services import entrypoint_hook
from sqlalchemy import create_engine, text

from intake.models import Base
from intake.service import IntakeService
from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.db import normalise_url
from minzi.envelope import make_envelope
from minzi.testing import create_schema, postgres_database, wait_for

MANIFEST = {"program_id": "legal_aid", "name": {"zh": "普法互助家园"}, "communities": ["rainbow-city"],
            "heartbeat_seconds": 30, "instance_id": "la-1", "some_future_field": {"x": 1},
            "service_types": [{"code": "legal_consultation", "name": {"zh": "法律咨询"},
                               "keywords": ["法律"], "time_limit_hours": 168}]}


@pytest.fixture
def intake(container_factory, rabbit_config):
    with postgres_database("minzi_intake") as url:
        create_schema(url, Base.metadata)
        config = {**rabbit_config, "DATABASE_URL": url, "BOOTSTRAP_ADMIN_PASSWORD": "pw-12345678",
                  "COMMUNITIES": "rainbow-city:彩虹城社区:Rainbow City",
                  "RETRY_DELAYS_SECONDS": [0.1, 0.2]}
        container = container_factory(IntakeService, config)
        container.start()
        yield container, ConfirmingPublisher(rabbit_config["AMQP_URI"])


def api(container, method, path, body=None, staff=None):
    with entrypoint_hook(container, "api") as call:
        return call({"method": method, "path": path, "body": body, "staff": staff,
                     "query": {}, "lang": "zh"})


def test_an_announced_program_is_offered_and_receives_its_cases(intake, rabbit_config):
    container, publisher = intake
    publisher.publish(make_envelope("program.announced", MANIFEST, source="legal_aid"),
                      "program.announced")
    wait_for(lambda: api(container, "GET", "/services", staff=None)["body"],
             message="the service to be offered")

    with Connection(rabbit_config["AMQP_URI"]) as connection:
        cases = Queue("minzi.program.legal_aid.cases", exchange=minzi_exchange(),
                      routing_key="case.*.legal_aid", durable=True)(connection.channel())
        cases.declare()
        login = api(container, "POST", "/auth/token",
                    {"username": "admin", "password": "pw-12345678"})
        staff = login["body"]["staff"]
        created = api(container, "POST", "/cases", {
            "channel": "visit", "description": "想咨询法律问题：租房合同", "resident_phone": "13800001111"},
            staff)
        assert created["status"] == 201 and created["body"]["status"] == "dispatched"
        message = wait_for(lambda: cases.get(no_ack=True), message="the case on the program's queue")
        assert message.payload["type"] == "case.dispatched"
        assert message.payload["data"]["case_id"] == created["body"]["id"]

        # the program accepts; the same report delivered twice has one effect
        report = make_envelope("case.reported", {"case_id": created["body"]["id"],
                                                 "program_id": "legal_aid", "status": "accepted",
                                                 "handler": "李律师"}, source="legal_aid")
        publisher.publish(report, "case.reported")
        publisher.publish(report, "case.reported")

        def history():
            case = api(container, "GET", f"/cases/{created['body']['id']}", staff=staff)["body"]
            return case if case["status"] == "accepted" else None
        case = wait_for(history, message="the acceptance to be recorded")
        assert [h["action"] for h in case["history"]].count("accepted") == 1


def test_a_message_that_keeps_failing_is_parked_with_its_error(intake, rabbit_config):
    container, publisher = intake
    # a report from a program that does not follow the contract: no event_id, no case_id
    publisher.publish({"type": "case.reported", "version": 1, "source": "somebody",
                       "data": {"status": "accepted"}}, "case.reported")
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        parked = Queue("minzi.intake.reports.parked", durable=True)(connection.channel())
        parked.declare()
        message = wait_for(lambda: parked.get(no_ack=True), message="the message to be parked")
    assert message.headers["x-minzi-attempts"] == 1     # unreadable: retrying cannot help
    assert "ValidationError" in message.headers["x-minzi-error"]
    assert "event_id" in message.headers["x-minzi-error"]
    assert message.payload["source"] == "somebody"      # kept as it came, for replay after a fix


def test_a_program_submits_a_case_once_whatever_the_redeliveries(intake, rabbit_config):
    container, publisher = intake
    staff = api(container, "POST", "/auth/token",
                {"username": "admin", "password": "pw-12345678"})["body"]["staff"]
    submission = {"request_key": "sms-reply-1", "community": "rainbow-city", "channel": "sms",
                  "description": "楼道灯坏了好几天了", "resident": {"phone": "13800001111"},
                  "reference": {"program_id": "sms_broadcast", "kind": "broadcast", "id": "42"}}
    publisher.publish(make_envelope("case.submitted", submission, source="sms_broadcast"),
                      "case.submitted")
    publisher.publish(make_envelope("case.submitted", submission, source="sms_broadcast"),
                      "case.submitted")       # the program sent it again (a new event id)
    engine = create_engine(normalise_url(container.config["DATABASE_URL"]))
    wait_for(lambda: engine.connect().execute(text(
        "SELECT count(*) FROM inbox WHERE handler = 'submissions'")).scalar() == 2,
        message="both messages handled")
    engine.dispose()
    cases = api(container, "GET", "/cases", staff=staff)["body"]
    assert [(c["channel"], c["status"], c["reference"]) for c in cases] == \
        [("sms", "awaiting_assignment", submission["reference"])]
