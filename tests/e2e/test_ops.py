"""Ops through the gateway: queues with their consumers and alerts, failed messages with their
errors and their replay, metrics for Prometheus; for the station's ops account only."""
import pytest
import requests

from minzi.bus import ConfirmingPublisher
from minzi.testing import wait_for

from ..conftest import OPS_PASSWORD

pytestmark = pytest.mark.e2e


def test_ops_see_queues_parked_messages_alerts_and_metrics(suite):
    suite.start_intake()
    suite.start("gateway")
    suite.start("sample_program")
    suite.wait_until_up()
    suite.wait_for_service("water_repair")
    admin = suite.login()
    ops = suite.login("ops", OPS_PASSWORD)
    assert requests.get(suite.url("/api/v1/ops/queues"), headers=admin, timeout=10
                        ).status_code == 403     # a community's admin is not ops

    created = requests.post(suite.url("/api/v1/staff"), headers=admin, timeout=10, json={
        "username": "desk", "name": "前台小王", "role": "receptionist", "password": "desk-pass-1"})
    assert created.status_code == 201
    desk = suite.login("desk", "desk-pass-1")
    refused = requests.get(suite.url("/api/v1/ops/queues"), headers=desk, timeout=10)
    assert refused.status_code == 403

    def consumers():   # the management API's figures trail the broker by a few seconds
        overview = requests.get(suite.url("/api/v1/ops/queues"), headers=ops, timeout=10).json()
        found = {q["name"]: q["consumers"] for q in overview["queues"]}
        return found if found.get("minzi.intake.reports") else None
    found = wait_for(consumers, message="the queues' consumers")
    assert found["minzi.intake.reports"] == 1 and found["minzi.program.sample_program.cases"] == 1

    # a program that breaks the contract: its report is parked at once, with the reason
    ConfirmingPublisher(suite.amqp_uri).publish(
        {"event_id": "7d3f0c1e-0000-4000-8000-000000000001", "type": "case.reported",
         "version": 1, "occurred_at": "2026-11-27T00:00:00Z", "source": "rogue",
         "data": {"case_id": "not a number", "program_id": "rogue", "status": "done"}},
        "case.reported")
    parked = wait_for(lambda: requests.get(suite.url("/api/v1/ops/parked"), headers=ops,
                                           timeout=10).json(), message="the parked message")
    assert parked[0]["queue"] == "minzi.intake.reports"
    assert parked[0]["event_id"] == "7d3f0c1e-0000-4000-8000-000000000001"
    assert "case_id" in parked[0]["error"] and "status" in parked[0]["error"]

    bad_replay = requests.post(suite.url("/api/v1/ops/parked/replay"), headers=ops, timeout=10,
                               json={"queue": "nonsense"})
    assert bad_replay.status_code == 422 and "queue" in bad_replay.json()["error"]["fields"]
    replayed = requests.post(suite.url("/api/v1/ops/parked/replay"), headers=ops, timeout=10,
                             json={"queue": "minzi.intake.reports"})
    assert replayed.json() == {"queue": "minzi.intake.reports", "replayed": 1}
    # still broken, so parked again: never looped, never dropped
    wait_for(lambda: requests.get(suite.url("/api/v1/ops/parked"), headers=ops,
                                  timeout=10).json(), message="the message parked again")

    # a program goes away: its queue has no consumer, which is an alert
    suite.process("sample_program").stop()

    def no_consumer_alert():
        alerts = requests.get(suite.url("/api/v1/ops/queues"), headers=ops,
                              timeout=10).json()["alerts"]
        return [a for a in alerts if a["queue"] == "minzi.program.sample_program.cases"]
    assert wait_for(no_consumer_alert, message="the alert")[0]["alert"] == "no_consumer"

    metrics = requests.get(suite.url("/metrics"), timeout=10).text
    assert 'minzi_queue_consumers{queue="minzi.intake.reports"} 1.0' in metrics
    assert 'minzi_program_live{program="sample_program"}' in metrics
