"""Ops through the real gateway over HTTP, against the test vhost's own RabbitMQ: queues with
alerts, parked messages and their replay for admins only; metrics for Prometheus."""
import json

import pytest
from kombu import Connection, Queue

from minzi.testing import wait_for

from .conftest import bearer

OPS_ROUTES = [("GET", "/api/v1/ops/queues"), ("GET", "/api/v1/ops/parked"),
              ("POST", "/api/v1/ops/parked/replay")]


@pytest.mark.parametrize(("method", "path"), OPS_ROUTES)
def test_ops_routes_are_for_admins_only(gateway, web_session, method, path):
    refused = []
    for headers in ({}, bearer("stolen"), {"Authorization": "Basic YWRtaW46cHc="},
                    bearer("desk-token"), bearer("lawyer-token")):
        response = web_session.request(method, path, headers=headers, json={"queue": "minzi.x"})
        refused.append((response.status_code, response.json()["error"]["code"]))
    assert refused == [(401, "unauthenticated")] * 3 + [(403, "forbidden")] * 2
    response = web_session.request(method, path, headers={**bearer("desk-token"),
                                                          "Accept-Language": "en"})
    assert response.json()["error"]["message"] == "Ops views are for admins"
    # the gateway decided: nothing went on to intake's API
    assert gateway.stage.asked("intake", "api") == []


def declare(amqp_uri: str, *names: str) -> None:
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for name in names:
            Queue(name, durable=True)(channel).declare()


def test_an_admin_sees_the_queues_and_a_queue_nobody_consumes(gateway, web_session):
    declare(gateway.amqp_uri, "minzi.program.legal_aid.cases")

    def overview():
        response = web_session.get("/api/v1/ops/queues", headers=bearer("admin-token"))
        assert response.status_code == 200
        body = response.json()
        return body if body["queues"] else None
    body = wait_for(overview, message="the queue in the management API")
    assert [q["name"] for q in body["queues"]] == ["minzi.program.legal_aid.cases"]
    assert body["queues"][0]["consumers"] == 0
    assert body["alerts"] == [{"queue": "minzi.program.legal_aid.cases", "alert": "no_consumer",
                               "message": "没有服务在消费此队列 / no service consumes this queue"}]


def test_an_admin_sees_a_parked_message_and_sends_it_back(gateway, web_session):
    declare(gateway.amqp_uri, "minzi.intake.reports", "minzi.intake.reports.parked")
    event = {"event_id": "7d3f0c1e-0000-4000-8000-000000000001", "type": "case.reported",
             "data": {"case_id": "x"}}
    with Connection(gateway.amqp_uri) as connection:
        connection.Producer().publish(
            event, routing_key="minzi.intake.reports.parked", exchange="",
            headers={"x-minzi-attempts": 3, "x-minzi-error": "ValidationError: case_id",
                     "x-minzi-queue": "minzi.intake.reports"})
    admin = bearer("admin-token")

    parked = wait_for(lambda: web_session.get("/api/v1/ops/parked", headers=admin).json(),
                      message="the parked message")
    assert [(p["queue"], p["event_id"], p["attempts"], p["error"]) for p in parked] == [
        ("minzi.intake.reports", "7d3f0c1e-0000-4000-8000-000000000001", 3,
         "ValidationError: case_id")]

    response = web_session.post("/api/v1/ops/parked/replay", headers=admin,
                                json={"queue": "minzi.intake.reports"})
    assert response.status_code == 200
    assert response.json() == {"queue": "minzi.intake.reports", "replayed": 1}
    with Connection(gateway.amqp_uri) as connection:
        back = Queue("minzi.intake.reports", durable=True)(connection.channel()).get(no_ack=True)
        assert json.loads(back.body) == event


@pytest.mark.parametrize("body", [{"queue": "nonsense"}, {"queue": "minzi.intake.reports.parked"},
                                  {"queue": 7}, {}, [], "not json"])
def test_a_replay_must_name_the_queue_the_messages_failed_on(gateway, web_session, body):
    data = body if isinstance(body, str) else json.dumps(body)
    response = web_session.post("/api/v1/ops/parked/replay?lang=en", data=data,
                                headers=bearer("admin-token"))
    assert response.status_code == 422
    assert response.json() == {"error": {
        "code": "validation_failed", "message": "Invalid input",
        "fields": {"queue": ["the queue the messages failed on, e.g. minzi.intake.reports"]}}}


def test_metrics_are_open_to_prometheus(gateway, web_session):
    gateway.stage.answers[("intake", "case_counts")] = lambda: {
        "open": [{"community": "rainbow-city", "program": "legal_aid", "status": "dispatched",
                  "count": 4}], "overdue": []}
    response = web_session.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    lines = response.text.splitlines()
    assert 'minzi_program_live{program="legal_aid"} 1.0' in lines
    assert 'minzi_program_live{program="paused"} 0.0' in lines
    assert 'minzi_cases_open{community="rainbow-city",program="legal_aid",status="dispatched"} ' \
           '4.0' in lines


def test_metrics_with_intake_away_are_a_503(gateway, web_session):
    gateway.stop("intake")
    response = web_session.get("/metrics")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
