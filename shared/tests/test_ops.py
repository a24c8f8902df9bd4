"""``minzi-ops`` against the real RabbitMQ (the test's throwaway vhost): alerts, a parked message
that can never succeed discarded on the record, a gone program's queues removed on the record,
and unknown names answered with the known ones."""
import uuid

import pytest
from kombu import Connection, Consumer, Queue

from minzi import ops, trust
from minzi.consumer import retry_queue
from minzi.testing import wait_for

REPORTS = "minzi.intake.reports"
BROKEN = {"event_id": "7d3f0c1e-0000-4000-8000-000000000001", "type": "case.reported",
          "version": 1, "data": {"case_id": "not a number"}}
FIXABLE = {"event_id": "7d3f0c1e-0000-4000-8000-000000000002", "type": "case.reported",
           "version": 1, "data": {"case_id": 7}}


@pytest.fixture
def broker(rabbit_config, pytestconfig, monkeypatch):
    """The vhost's AMQP URI and the management API, as minzi-ops reads them."""
    management = pytestconfig.getoption("RABBIT_API_URI")
    monkeypatch.setenv("AMQP_URI", rabbit_config["AMQP_URI"])
    monkeypatch.setenv("RABBIT_MANAGEMENT_URL", management)
    monkeypatch.delenv("BACKLOG_ALERT_MESSAGES", raising=False)
    return rabbit_config["AMQP_URI"], management, rabbit_config["vhost"]


@pytest.fixture
def ops_user(broker):
    """The station's ops user on the vhost, with exactly the contract's permissions."""
    amqp_uri, management, vhost = broker
    user, password = f"minzi-ops-test-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    ops.grant(management, vhost, user, password, trust.ops_permissions())
    base = management.split("://", 1)[1].split("@", 1)[1]
    yield (amqp_uri.replace("guest:guest@", f"{user}:{password}@"),
           f"http://{user}:{password}@{base}")
    ops.revoke(management, user)


def park(amqp_uri: str, queue: str, body, error: str = "ValidationError: case_id") -> None:
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for name in (queue, f"{queue}.parked"):
            Queue(name, durable=True)(channel).declare()
        connection.Producer().publish(
            body, routing_key=f"{queue}.parked", exchange="",
            headers={"x-minzi-attempts": 1, "x-minzi-error": error, "x-minzi-queue": queue,
                     "x-minzi-parked-at": "2026-11-27T00:00:00Z"})


def alerts_of(management: str, vhost: str) -> list[tuple[str, str]]:
    return [(a["queue"], a["alert"]) for a in ops.alerts(ops.list_queues(management, vhost), 100)]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = ops.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_message_that_can_never_succeed_is_discarded_on_the_record(broker, ops_user, capsys):
    amqp_uri, management, vhost = broker
    ops_uri, ops_management = ops_user
    park(amqp_uri, REPORTS, BROKEN)
    park(amqp_uri, REPORTS, FIXABLE)
    wait_for(lambda: (f"{REPORTS}.parked", "parked_messages") in alerts_of(management, vhost),
             message="the parked messages' alert")

    # as the ops user, with only what the contract gives it
    assert ops.discard(ops_uri, REPORTS, "ops", "case_id 不是数字 / case_id is no number",
                       BROKEN["event_id"]) == (1, [BROKEN["event_id"], FIXABLE["event_id"]])
    assert [p["event_id"] for p in ops.list_parked(management, vhost)] == [FIXABLE["event_id"]]
    [entry] = ops.read_record(ops_management, vhost)
    assert entry["at"].endswith("Z")
    assert {k: v for k, v in entry.items() if k not in ("at", "headers", "sender")} == {
        "action": "discarded", "by": "ops", "reason": "case_id 不是数字 / case_id is no number",
        "queue": REPORTS, "taken_from": f"{REPORTS}.parked", "event_id": BROKEN["event_id"],
        "error": "ValidationError: case_id", "parked_at": "2026-11-27T00:00:00Z",
        "body": BROKEN}

    # the command: every message parked there now, by whoever runs it
    status, out, _ = run(capsys, "discard", f"{REPORTS}.parked", "--all", "--reason", "过期")
    assert status == 0
    assert out == f"已丢弃 1 条，已记录 / 1 message(s) discarded from {REPORTS}, on the record " \
                  "(minzi-ops record)\n"
    assert ops.list_parked(management, vhost) == []
    status, out, _ = run(capsys, "record")
    assert status == 0
    assert [line.count('"action": "discarded"') for line in out.splitlines()] == [1, 1]
    assert ops.who_am_i() in out.splitlines()[1]
    # the parked alert is gone once the broker's figures catch up
    wait_for(lambda: (f"{REPORTS}.parked", "parked_messages") not in
             alerts_of(management, vhost), message="the alert to go")


def test_discard_and_replay_answer_unknown_names_with_the_known_ones(broker, capsys):
    amqp_uri, management, vhost = broker
    park(amqp_uri, REPORTS, BROKEN)
    wait_for(lambda: ops.list_queues(management, vhost), message="the queues")

    status, out, err = run(capsys, "discard", "minzi.intake.report", "--all", "--reason", "x")
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "minzi-ops: 队列「minzi.intake.report」没有失败消息 / nothing was ever parked for queue "
        "'minzi.intake.report'",
        f"有失败消息停放的队列 / queues with a parking lot: {REPORTS}"]
    for command in (["discard", REPORTS, "--reason", "x", "--event-id", "nope"],
                    ["replay", REPORTS, "--event-id", "nope"]):
        status, out, err = run(capsys, *command)
        assert (status, out) == (2, "")
        assert err.splitlines() == [
            f"minzi-ops: {REPORTS} 没有这条失败消息 / no parked message nope on {REPORTS}",
            f"停放在此的消息 / parked there: {BROKEN['event_id']}"]
    # nothing was taken, nor a parking lot made for the wrong name
    assert [p["event_id"] for p in ops.list_parked(management, vhost)] == [BROKEN["event_id"]]
    assert ops.parked_queue_names(management, vhost) == [REPORTS]
    assert ops.read_record(management, vhost) == []
    with pytest.raises(SystemExit):
        ops.main(["discard", REPORTS, "--all"])            # no reason: argparse says so
    assert "--reason" in capsys.readouterr().err


def test_alerts_list_what_calls_for_attention_and_what_to_do(broker, capsys):
    amqp_uri, management, vhost = broker
    status, out, _ = run(capsys, "alerts")
    assert (status, out) == (0, "没有告警 / no alerts\n")

    park(amqp_uri, REPORTS, BROKEN)
    wait_for(lambda: len(alerts_of(management, vhost)) == 2, message="the alerts")
    status, out, _ = run(capsys, "alerts")
    assert status == 0
    assert out.splitlines() == [
        f"{REPORTS:50} {'no_consumer':16} 没有服务在消费此队列 / No service consumes this queue",
        f"{REPORTS + '.parked':50} {'parked_messages':16} 1 条消息处理失败，等待处理 / "
        "Failed messages parked: 1",
        "no_consumer: " + ops.ALERT_HINTS["no_consumer"],
        "parked_messages: " + ops.ALERT_HINTS["parked_messages"]]


def test_the_ops_record_raises_no_alert_of_its_own():
    queues = [{"name": ops.RECORD_QUEUE, "messages": 3, "ready": 3, "unacked": 0,
               "consumers": 0}]
    assert ops.alerts(queues, 0) == []


def program_queues(amqp_uri: str, program_id: str) -> None:
    """A program's queues as its consumer leaves them: cases, a retry delay, a parking lot."""
    cases = f"minzi.program.{program_id}.cases"
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for queue in (Queue(cases, durable=True), retry_queue(cases, 60000),
                      Queue(f"{cases}.parked", durable=True)):
            queue(channel).declare()
        producer = connection.Producer()
        producer.publish({"event_id": "chase-1", "type": "case.chased"}, routing_key=cases,
                         exchange="")
        producer.publish({"event_id": "chase-2", "type": "case.chased"},
                         routing_key=f"{cases}.retry.60000", exchange="")


def test_a_gone_programs_queues_are_removed_on_the_record(broker, capsys):
    amqp_uri, management, vhost = broker
    program_queues(amqp_uri, "hotline")
    program_queues(amqp_uri, "legal_aid")
    cases = "minzi.program.hotline.cases"
    wait_for(lambda: (cases, "no_consumer") in alerts_of(management, vhost),
             message="the stale alert")

    status, out, err = run(capsys, "remove-queues", "hotlin", "--reason", "x")
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "minzi-ops: 没有项目「hotlin」的队列 / no queues of program 'hotlin'",
        "有队列的项目 / programs with queues: hotline, legal_aid"]

    status, out, _ = run(capsys, "remove-queues", "hotline", "--reason", "项目已结束",
                         "--by", "ops")
    assert status == 0
    assert out == (f"已移除 / removed: {cases}.retry.60000, {cases}.parked, {cases}; 2 message(s) "
                   "they held are on the record (minzi-ops record)\n")
    remaining = {q["name"] for q in ops.list_queues(management, vhost)}
    assert not any(name.startswith("minzi.program.hotline.") for name in remaining)
    assert "minzi.program.legal_aid.cases" in remaining        # another program's are left
    assert (cases, "no_consumer") not in alerts_of(management, vhost)

    record = ops.read_record(management, vhost)
    assert [(e["action"], e.get("event_id"), e.get("taken_from")) for e in record] == [
        ("discarded", "chase-2", f"{cases}.retry.60000"), ("discarded", "chase-1", cases),
        ("queues_removed", None, None)]
    assert {(e["by"], e["reason"]) for e in record} == {("ops", "项目已结束")}
    assert record[-1]["queues"] == [f"{cases}.retry.60000", f"{cases}.parked", cases]
    assert record[-1]["messages_recorded"] == 2


def test_a_running_programs_queues_are_not_removed(broker, capsys):
    amqp_uri, management, vhost = broker
    program_queues(amqp_uri, "hotline")
    cases = "minzi.program.hotline.cases"
    wait_for(lambda: any(q["name"] == cases for q in ops.list_queues(management, vhost)),
             message="the queues")
    with Connection(amqp_uri) as connection, \
            Consumer(connection.channel(), [Queue(cases, durable=True)], callbacks=[]):
        status, out, err = run(capsys, "remove-queues", "hotline", "--reason", "x")
    assert (status, out) == (1, "")
    assert err == (f"minzi-ops: {cases} 仍有服务在消费，项目还在运行 / still has a consumer: "
                   "hotline is running; stop it first. Nothing was removed.\n")
    assert {q["name"] for q in ops.list_queues(management, vhost)} >= {
        cases, f"{cases}.parked", f"{cases}.retry.60000"}
    assert [e["action"] for e in ops.read_record(management, vhost)] == []


def test_removing_queues_needs_a_user_allowed_to(broker, ops_user, capsys, monkeypatch):
    amqp_uri, management, vhost = broker
    ops_uri, ops_management = ops_user
    program_queues(amqp_uri, "hotline")
    wait_for(lambda: ops.list_queues(management, vhost), message="the queues")
    monkeypatch.setenv("AMQP_URI", ops_uri)
    monkeypatch.setenv("RABBIT_MANAGEMENT_URL", ops_management)
    status, out, err = run(capsys, "remove-queues", "hotline", "--reason", "x")
    assert (status, out) == (2, "")
    assert err.startswith("minzi-ops: RabbitMQ 拒绝 / RabbitMQ refused: ")
    assert "removing a program's queues needs the administrator" in err
    assert any(q["name"] == "minzi.program.hotline.cases"
               for q in ops.list_queues(management, vhost))


def test_a_broker_out_of_reach_is_said_so(monkeypatch, capsys):
    monkeypatch.setenv("RABBIT_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:1")
    monkeypatch.setenv("AMQP_URI", "amqp://guest:guest@127.0.0.1:1//")
    for command in (["alerts"], ["queues"], ["record"]):
        status, out, err = run(capsys, *command)
        assert (status, out) == (2, "")
        assert err.startswith("minzi-ops: 连不上 RabbitMQ 管理接口 / cannot reach RabbitMQ's "
                              "management API at http://127.0.0.1:1")
    status, _, err = run(capsys, "discard", REPORTS, "--all", "--reason", "x")
    assert status == 2 and err.startswith("minzi-ops: 连不上 RabbitMQ / cannot reach RabbitMQ")


def test_the_queues_carry_their_publish_deliver_and_ack_rates(monkeypatch):
    """As RabbitMQ's management API gives them; a queue nothing went through lately has no
    ``message_stats``, and its rates are 0. Queues not Minzi's are not listed."""
    answer = [
        {"name": "minzi.intake.reports", "messages": 4, "messages_ready": 3,
         "messages_unacknowledged": 1, "consumers": 2,
         "message_stats": {"publish_details": {"rate": 2.5}, "deliver_get_details": {"rate": 2.0},
                           "ack_details": {"rate": 1.8}}},
        {"name": "minzi.intake.reports.parked", "messages": 0, "consumers": 0},
        {"name": "rpc-intake", "messages": 0, "consumers": 1},
    ]

    class Response:
        def raise_for_status(self):
            pass

        def json(self):
            return answer

    asked = []
    monkeypatch.setattr(ops.requests, "get", lambda url, **kwargs: asked.append(url) or Response())
    assert ops.list_queues("http://ops:pw@rabbitmq:15672", "/") == [
        {"name": "minzi.intake.reports", "messages": 4, "ready": 3, "unacked": 1, "consumers": 2,
         "publish_rate": 2.5, "deliver_rate": 2.0, "ack_rate": 1.8},
        {"name": "minzi.intake.reports.parked", "messages": 0, "ready": 0, "unacked": 0,
         "consumers": 0, "publish_rate": 0.0, "deliver_rate": 0.0, "ack_rate": 0.0}]
    assert asked == ["http://rabbitmq:15672/api/queues/%2F"]


def test_bus_setup_waits_for_the_management_api_that_starts_after_the_broker():
    """The broker answers pings a few seconds before its management plugin does: bus-setup,
    which runs once at start, waits for it rather than failing the station's start."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    import requests

    from minzi.testing import free_port

    port = free_port()

    class Overview(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", port), Overview)
    later = threading.Timer(1.5, server.serve_forever)
    later.start()
    try:
        ops.await_management(f"http://guest:guest@127.0.0.1:{port}", seconds=30)
    finally:
        server.shutdown()
        later.join(5)
        server.server_close()
    # nothing there at all: it gives up when the time is out, saying it cannot reach it
    with pytest.raises(requests.ConnectionError):
        ops.await_management(f"http://guest:guest@127.0.0.1:{free_port()}", seconds=1)
