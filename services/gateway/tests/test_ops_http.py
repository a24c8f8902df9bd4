"""Ops through the real gateway over HTTP, against the test vhost's own RabbitMQ: queues with
alerts, parked messages (personal data masked) and their replay for the station's ops account
only; metrics for Prometheus with its token."""
import json

import pytest
from kombu import Connection, Queue

from minzi import ops as minzi_ops
from minzi.consumer import parked_queue
from minzi.contract import intake_reports_queue, program_cases_queue
from minzi.testing import wait_for

from .conftest import bearer

OPS_ROUTES = [("GET", "/api/v1/ops/queues"), ("GET", "/api/v1/ops/parked"),
              ("POST", "/api/v1/ops/parked/replay"), ("POST", "/api/v1/ops/parked/discard")]


@pytest.mark.parametrize(("method", "path"), OPS_ROUTES)
def test_ops_routes_are_for_the_ops_account_only(gateway, web_session, method, path):
    refused = []
    for headers in ({}, bearer("stolen"), {"Authorization": "Basic YWRtaW46cHc="},
                    bearer("desk-token"), bearer("lawyer-token"), bearer("admin-token")):
        response = web_session.request(method, path, headers=headers, json={"queue": "minzi.x"})
        refused.append((response.status_code, response.json()["error"]["code"]))
    # a community's admin is not ops: the queues hold every community's residents
    assert refused == [(401, "unauthenticated")] * 3 + [(403, "forbidden")] * 3
    response = web_session.request(method, path, headers={**bearer("admin-token"),
                                                          "Accept-Language": "en"})
    assert response.json()["error"]["message"] == "Queues are for the ops account only"
    # the gateway decided: nothing went on to intake's API
    assert gateway.stage.asked("intake", "api") == []


def declare(amqp_uri: str, *queues: Queue) -> None:
    """The queues as the services declare them (quorum queues)."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for queue in queues:
            queue(channel).declare()


def test_an_admin_sees_the_queues_and_a_queue_nobody_consumes(gateway, web_session):
    declare(gateway.amqp_uri, program_cases_queue("legal_aid"))

    def overview():
        response = web_session.get("/api/v1/ops/queues", headers=bearer("ops-token"))
        assert response.status_code == 200
        body = response.json()
        return body if body["queues"] else None
    body = wait_for(overview, message="the queue in the management API")
    assert [q["name"] for q in body["queues"]] == ["minzi.program.legal_aid.cases"]
    assert body["queues"][0]["consumers"] == 0
    assert body["alerts"] == [{"queue": "minzi.program.legal_aid.cases", "alert": "no_consumer",
                               "message": "没有服务在消费此队列"}]
    english = web_session.get("/api/v1/ops/queues?lang=en", headers=bearer("ops-token")).json()
    assert english["alerts"][0]["message"] == "No service consumes this queue"


def test_an_admin_sees_a_parked_message_and_sends_it_back(gateway, web_session):
    declare(gateway.amqp_uri, intake_reports_queue(), parked_queue("minzi.intake.reports"))
    event = {"event_id": "7d3f0c1e-0000-4000-8000-000000000001", "type": "case.reported",
             "data": {"case_id": "x", "reply": "张先生 13800001111，身份证 110105194912310021"}}
    with Connection(gateway.amqp_uri) as connection:
        connection.Producer().publish(
            event, routing_key="minzi.intake.reports.parked", exchange="",
            headers={"x-minzi-attempts": 3, "x-minzi-error": "ValidationError: case_id",
                     "x-minzi-queue": "minzi.intake.reports"})
    admin = bearer("ops-token")

    parked = wait_for(lambda: web_session.get("/api/v1/ops/parked", headers=admin).json(),
                      message="the parked message")
    assert [(p["queue"], p["event_id"], p["attempts"], p["error"]) for p in parked] == [
        ("minzi.intake.reports", "7d3f0c1e-0000-4000-8000-000000000001", 3,
         "ValidationError: case_id")]
    # ops see where a message failed, not the resident's phone or ID number
    assert parked[0]["body"]["data"]["reply"] == "张先生 138****1111，身份证 110105********0021"

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
                                headers=bearer("ops-token"))
    assert response.status_code == 422
    assert response.json() == {"error": {
        "code": "validation_failed", "message": "Invalid input",
        "fields": {"queue": ["the queue the messages failed on, e.g. minzi.intake.reports"]}}}


def test_metrics_are_for_prometheus_with_its_token(gateway, web_session):
    gateway.stage.answers[("intake", "case_counts")] = lambda: {
        "open": [{"community": "rainbow-city", "program": "legal_aid", "status": "dispatched",
                  "count": 4}], "overdue": []}
    for headers in ({}, bearer("wrong"), bearer("ops-token")):
        assert web_session.get("/metrics", headers=headers).status_code == 401
    response = web_session.get("/metrics", headers=bearer("prometheus-secret"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    lines = response.text.splitlines()
    assert 'minzi_program_live{program="legal_aid"} 1.0' in lines
    assert 'minzi_program_live{program="paused"} 0.0' in lines
    assert 'minzi_cases_open{community="rainbow-city",program="legal_aid",status="dispatched"} ' \
           '4.0' in lines


def parked_here(amqp_uri: str, *events: dict) -> None:
    declare(amqp_uri, intake_reports_queue(), parked_queue("minzi.intake.reports"))
    with Connection(amqp_uri) as connection:
        for event in events:
            connection.Producer().publish(
                event, routing_key="minzi.intake.reports.parked", exchange="",
                headers={"x-minzi-attempts": 1, "x-minzi-error": "ValidationError: case_id",
                         "x-minzi-queue": "minzi.intake.reports"})


def test_ops_discard_a_parked_message_that_can_never_succeed_on_the_record(
        gateway, web_session, pytestconfig):
    broken = {"event_id": "7d3f0c1e-0000-4000-8000-000000000001", "type": "case.reported",
              "data": {"case_id": "x"}}
    fixable = {"event_id": "7d3f0c1e-0000-4000-8000-000000000002", "type": "case.reported",
               "data": {"case_id": 7}}
    parked_here(gateway.amqp_uri, broken, fixable)
    ops = bearer("ops-token")

    missing = web_session.post("/api/v1/ops/parked/discard?lang=en", headers=ops, json={
        "queue": "minzi.intake.reports", "event_id": "nope", "reason": "x"})
    assert missing.status_code == 404
    assert missing.json() == {"error": {
        "code": "not_parked", "message": "No parked message nope on minzi.intake.reports",
        "parked": [broken["event_id"], fixable["event_id"]]}}

    response = web_session.post("/api/v1/ops/parked/discard", headers=ops, json={
        "queue": "minzi.intake.reports", "event_id": broken["event_id"],
        "reason": "case_id 永远不是数字"})
    assert response.status_code == 200
    assert response.json() == {"queue": "minzi.intake.reports", "discarded": 1, "by": "ops"}
    parked = web_session.get("/api/v1/ops/parked", headers=ops).json()
    assert [p["event_id"] for p in parked] == [fixable["event_id"]]
    [entry] = minzi_ops.read_record(pytestconfig.getoption("RABBIT_API_URI"),
                                    minzi_ops.vhost_of(gateway.amqp_uri))
    assert (entry["action"], entry["by"], entry["reason"], entry["event_id"], entry["body"]) == (
        "discarded", "ops", "case_id 永远不是数字", broken["event_id"], broken)
    # the gateway decided and acted: nothing went on to intake's API
    assert gateway.stage.asked("intake", "api") == []


def test_a_queue_never_parked_on_has_no_message_to_discard(gateway, web_session):
    response = web_session.post("/api/v1/ops/parked/discard", headers=bearer("ops-token"),
                                json={"queue": "minzi.nothing", "event_id": "e-1",
                                      "reason": "x"})
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_parked", "parked": [],
                                        "message": "minzi.nothing 没有这条失败消息"}
    all_of_none = web_session.post("/api/v1/ops/parked/discard", headers=bearer("ops-token"),
                                   json={"queue": "minzi.nothing", "all": True, "reason": "x"})
    assert all_of_none.json() == {"queue": "minzi.nothing", "discarded": 0, "by": "ops"}


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"queue", "event_id", "reason"}),
    ({"queue": "minzi.intake.reports.parked", "event_id": "e", "reason": "x"}, {"queue"}),
    ({"queue": "minzi.intake.reports", "reason": "x"}, {"event_id"}),
    ({"queue": "minzi.intake.reports", "event_id": "e", "all": True, "reason": "x"},
     {"event_id"}),
    ({"queue": "minzi.intake.reports", "event_id": 7, "reason": "x"}, {"event_id"}),
    ({"queue": "minzi.intake.reports", "all": "yes", "reason": "x"}, {"event_id"}),
    ({"queue": "minzi.intake.reports", "event_id": "e", "reason": "  "}, {"reason"}),
    ({"queue": "minzi.intake.reports", "event_id": "e", "reason": "x" * 501}, {"reason"}),
    ([], {"queue", "event_id", "reason"}),
])
def test_a_discard_names_the_message_and_says_why(gateway, web_session, body, fields):
    response = web_session.post("/api/v1/ops/parked/discard?lang=en", json=body,
                                headers=bearer("ops-token"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"
    assert set(response.json()["error"]["fields"]) == fields
