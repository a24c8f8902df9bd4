"""A failing handler is retried a bounded number of times with backoff, then parked with its
error; ops list the parked message and replay it after the fix; nothing is lost or looped."""
import uuid

import pytest
from kombu import Connection, Queue
from kombu.exceptions import OperationalError as BrokerUnreachable
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.consumer import outage as is_outage
from minzi.consumer import parked_queue, reliable_consume
from minzi.envelope import make_envelope, read_envelope
from minzi.ops import list_parked, replay
from minzi.testing import wait_for

QUEUE = Queue("minzi.test.flaky", exchange=minzi_exchange(), routing_key="test.flaky",
              durable=True)
seen = []
broken = {"on": True}
outage = {"left": 0}


class Flaky:
    name = "flaky"

    @reliable_consume(QUEUE)
    def handle(self, body, sender=None):
        envelope = read_envelope(body)
        seen.append(envelope["event_id"])
        if outage["left"]:
            outage["left"] -= 1
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError(
                "connection to server at 127.0.0.1, port 5432 failed"))
        if broken["on"]:
            raise RuntimeError("the database is away")


@pytest.fixture
def flaky(container_factory, rabbit_config):
    seen.clear()
    broken["on"], outage["left"] = True, 0
    container = container_factory(Flaky, {**rabbit_config, "RETRY_DELAYS_SECONDS": [0.1, 0.2],
                                          "OUTAGE_DELAYS_SECONDS": [0.05, 0.1]})
    container.start()
    return rabbit_config["AMQP_URI"], rabbit_config["vhost"]


def parked_messages(amqp_uri):
    with Connection(amqp_uri) as connection:
        queue = parked_queue("minzi.test.flaky")(connection.channel())
        queue.declare()
        return queue.queue_declare(passive=True).message_count


def test_retried_with_backoff_then_parked_then_replayed(flaky):
    amqp_uri, vhost = flaky
    publisher = ConfirmingPublisher(amqp_uri)
    envelope = make_envelope("test.flaky", {"n": 1}, source="test")
    publisher.publish(envelope, "test.flaky")

    wait_for(lambda: parked_messages(amqp_uri) == 1, message="the message to be parked")
    assert seen == [envelope["event_id"]] * 3          # the first try and two retries, no more

    parked = list_parked("http://guest:guest@127.0.0.1:15672", vhost)
    assert [(p["event_id"], p["attempts"], p["queue"]) for p in parked] == \
        [(envelope["event_id"], 3, "minzi.test.flaky")]
    assert "RuntimeError: the database is away" in parked[0]["error"]

    broken["on"] = False                               # the fix
    assert replay(amqp_uri, "minzi.test.flaky") == 1
    wait_for(lambda: len(seen) == 4, message="the replayed message to be handled")
    assert parked_messages(amqp_uri) == 0


def test_a_database_outage_is_waited_out_without_spending_the_attempts(flaky):
    """Eight failures for want of the database (more than the two retries a fault gets), then
    the database is back: the message is handled, not parked; a fault after that still has all
    its attempts."""
    amqp_uri, _ = flaky
    outage["left"], broken["on"] = 8, False
    envelope = make_envelope("test.flaky", {"n": 2}, source="test")
    ConfirmingPublisher(amqp_uri).publish(envelope, "test.flaky")
    wait_for(lambda: len(seen) == 9, message="the message to be handled after the outage")
    assert parked_messages(amqp_uri) == 0

    outage["left"], broken["on"] = 3, True
    second = make_envelope("test.flaky", {"n": 3}, source="test")
    ConfirmingPublisher(amqp_uri).publish(second, "test.flaky")
    wait_for(lambda: parked_messages(amqp_uri) == 1, message="the faulty message to be parked")
    # three outage waits, then the first try and two retries of the fault itself
    assert seen.count(second["event_id"]) == 6


def test_an_unreadable_message_is_parked_at_once(flaky):
    amqp_uri, _ = flaky
    ConfirmingPublisher(amqp_uri).publish({"event_id": str(uuid.uuid4()), "type": "test.flaky"},
                                          "test.flaky")
    wait_for(lambda: parked_messages(amqp_uri) == 1, message="the message to be parked")
    assert seen == []


def test_a_newer_version_is_parked_for_an_upgraded_consumer(flaky):
    amqp_uri, _ = flaky
    ConfirmingPublisher(amqp_uri).publish(
        make_envelope("test.flaky", {}, source="test", version=2), "test.flaky")
    wait_for(lambda: parked_messages(amqp_uri) == 1, message="the message to be parked")
    assert seen == []


@pytest.mark.parametrize("error, waited_out", [
    (OperationalError("SELECT 1", {}, Exception("server closed the connection")), True),
    (ConnectionRefusedError("[Errno 111] Connection refused"), True),
    (TimeoutError("timed out"), True),
    (BrokerUnreachable("[Errno 111] Connection refused"), True),
    (DBAPIError("SELECT 1", {}, Exception("terminating connection"),
                connection_invalidated=True), True),
    # the message's own fault: counted, then parked
    (IntegrityError("INSERT", {}, Exception("duplicate key")), False),
    (DataError("INSERT", {}, Exception("value too long")), False),
    (DBAPIError("SELECT 1", {}, Exception("syntax error")), False),
    (KeyError("case_id"), False),
    (RuntimeError("a bug"), False),
])
def test_what_counts_as_an_outage(error, waited_out):
    assert is_outage(error) is waited_out
