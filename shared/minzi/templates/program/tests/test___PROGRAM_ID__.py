"""__PROGRAM_ID__ against the real RabbitMQ and a real PostgreSQL: a case in, a report out."""
import pytest
from kombu import Connection, Queue
from nameko.testing.services import entrypoint_hook

from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.contract import load_manifest
from minzi.envelope import make_envelope
from minzi.testing import create_schema, postgres_database, wait_for

from __PROGRAM_ID__.models import Base
from __PROGRAM_ID__.service import MANIFEST, __CLASS_NAME__Service

STAFF = {"id": 7, "username": "op", "name": "值班员", "role": "program_staff",
         "community": "rainbow-city", "program_id": "__PROGRAM_ID__"}


def test_the_manifest_is_valid():
    manifest = load_manifest(MANIFEST)
    assert manifest["program_id"] == "__PROGRAM_ID__" and manifest["service_types"]


@pytest.fixture
def service(container_factory, rabbit_config):
    with postgres_database("minzi___PROGRAM_ID__") as url:
        create_schema(url, Base.metadata)
        container = container_factory(__CLASS_NAME__Service, {**rabbit_config, "DATABASE_URL": url})
        container.start()
        yield container, rabbit_config["AMQP_URI"]


def test_a_dispatched_case_is_accepted_once_and_resolved_through_the_api(service):
    container, amqp_uri = service
    with Connection(amqp_uri) as connection:
        reports = Queue("test.reports", exchange=minzi_exchange(), routing_key="case.reported",
                        auto_delete=True)(connection.channel())
        reports.declare()
        dispatched = make_envelope("case.dispatched", {
            "case_id": 1, "tracking_code": "ABCDEFGHJK", "program_id": "__PROGRAM_ID__",
            "service_code": "__PROGRAM_ID___request", "community": "rainbow-city",
            "channel": "visit", "description": "想咨询", "attributes": {},
            "resident": {"name": "张三", "phone": "13800001111"},
            "due_at": "2026-12-01T00:00:00Z"}, source="intake")
        publisher = ConfirmingPublisher(amqp_uri)
        publisher.publish(dispatched, "case.dispatched.__PROGRAM_ID__")
        publisher.publish(dispatched, "case.dispatched.__PROGRAM_ID__")   # delivered twice
        accepted = wait_for(lambda: reports.get(no_ack=True), message="the acceptance")
        assert accepted.payload["data"]["status"] == "accepted"

        with entrypoint_hook(container, "api") as api:
            resolved = api({"method": "POST", "path": "/cases/1/resolve", "staff": STAFF,
                            "body": {"result": "已办结", "reply": "您好，已经办好了。"}})
            assert resolved["status"] == 200 and resolved["body"]["state"] == "resolved"
            assert [(h["by"], h["action"]) for h in resolved["body"]["history"]] == \
                [("intake", "received"), ("值班员（op）", "resolved")]
            again = api({"method": "POST", "path": "/cases/1/resolve", "staff": STAFF,
                         "body": {"result": "再办一次"}})
            assert again["status"] == 409
        report = wait_for(lambda: reports.get(no_ack=True), message="the result")
        assert report.payload["data"]["status"] == "resolved"
        assert report.payload["data"]["reply"] == "您好，已经办好了。"
        assert reports.get(no_ack=True) is None          # the duplicate had no second effect
