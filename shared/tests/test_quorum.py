"""An installation that began with classic queues moves them to quorum queues once, with the
services stopped: every message stays, in its order, with its sender; the bindings and a retry
queue's waiting time stay; the services can then declare their queues as they now do."""
import json

import pytest
import requests
from kombu import Connection, Queue

from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.consumer import retry_queue
from minzi.contract import intake_reports_queue
from minzi.quorum import InUse, queues_to_quorum

MANAGEMENT = "http://guest:guest@127.0.0.1:15672"


def queue_info(vhost, name):
    response = requests.get(f"http://127.0.0.1:15672/api/queues/{vhost}/{name}",
                            auth=("guest", "guest"), timeout=10)
    response.raise_for_status()
    return response.json()


def test_classic_queues_become_quorum_queues_with_every_message(rabbit_config):
    amqp_uri, vhost = rabbit_config["AMQP_URI"], rabbit_config["vhost"]
    publisher = ConfirmingPublisher(amqp_uri)
    with Connection(amqp_uri) as connection:
        # as an installation of before declared them
        Queue("minzi.intake.reports", exchange=minzi_exchange(), routing_key="case.reported",
              durable=True)(connection.channel()).declare()
        Queue("minzi.intake.reports.retry.5000", durable=True, queue_arguments={
            "x-message-ttl": 5000, "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "minzi.intake.reports"})(connection.channel()).declare()
        Queue("minzi.test.other", durable=True)(connection.channel()).declare()
    for n in range(1, 4):
        publisher.publish({"event_id": f"e{n}", "n": n}, "case.reported",
                          headers={"x-minzi-sender": "legal_aid"})
    publisher.publish({"event_id": "r1"}, "minzi.intake.reports.retry.5000", exchange="")

    moved = queues_to_quorum(MANAGEMENT, amqp_uri, vhost)
    assert sorted(moved) == [("minzi.intake.reports", 3), ("minzi.intake.reports.retry.5000", 1)]

    reports = queue_info(vhost, "minzi.intake.reports")
    retry = queue_info(vhost, "minzi.intake.reports.retry.5000")
    assert (reports["type"], retry["type"]) == ("quorum", "quorum")
    assert retry["arguments"]["x-message-ttl"] == 5000
    assert queue_info(vhost, "minzi.test.other")["type"] == "classic"   # not the contract's
    with Connection(amqp_uri) as connection:
        # the services declare them as they now do: accepted, nothing refused
        intake_reports_queue()(connection.channel()).declare()
        retry_queue("minzi.intake.reports", 5000)(connection.channel()).declare()
        # still bound: a new report arrives behind the three moved
        publisher.publish({"event_id": "e4", "n": 4}, "case.reported")
        queue = Queue("minzi.intake.reports")(connection.channel())
        got = [queue.get(no_ack=True) for _ in range(4)]
    publisher.close()
    assert [json.loads(m.body)["n"] for m in got] == [1, 2, 3, 4]
    assert got[0].headers["x-minzi-sender"] == "legal_aid"
    assert got[0].properties["user_id"] == "guest"
    # nothing left behind, and a second run has nothing to do
    assert queues_to_quorum(MANAGEMENT, amqp_uri, vhost) == []
    names = [q["name"] for q in requests.get(f"http://127.0.0.1:15672/api/queues/{vhost}",
                                             auth=("guest", "guest"), timeout=10).json()]
    assert not [n for n in names if n.endswith(".moving")]


def test_nothing_moves_while_a_service_still_consumes(rabbit_config):
    amqp_uri, vhost = rabbit_config["AMQP_URI"], rabbit_config["vhost"]
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        queue = Queue("minzi.intake.reports", exchange=minzi_exchange(),
                      routing_key="case.reported", durable=True)(channel)
        queue.declare()
        queue.consume(callback=lambda *_: None)
        with pytest.raises(InUse) as refused:
            queues_to_quorum(MANAGEMENT, amqp_uri, vhost)
        assert refused.value.names == ["minzi.intake.reports"]
        assert queue_info(vhost, "minzi.intake.reports")["type"] == "classic"


def test_a_move_that_stopped_half_way_is_finished(rabbit_config):
    amqp_uri, vhost = rabbit_config["AMQP_URI"], rabbit_config["vhost"]
    with Connection(amqp_uri) as connection:
        intake_reports_queue()(connection.channel()).declare()
        Queue("minzi.intake.reports.moving", durable=True,
              queue_arguments={"x-queue-type": "quorum"})(connection.channel()).declare()
    publisher = ConfirmingPublisher(amqp_uri)
    publisher.publish({"event_id": "left"}, "minzi.intake.reports.moving", exchange="")
    publisher.close()
    assert queues_to_quorum(MANAGEMENT, amqp_uri, vhost) == [("minzi.intake.reports", 1)]
    with Connection(amqp_uri) as connection:
        message = Queue("minzi.intake.reports")(connection.channel()).get(no_ack=True)
    assert json.loads(message.body)["event_id"] == "left"

