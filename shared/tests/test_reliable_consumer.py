"""A failing handler is retried a bounded number of times with backoff, then parked with its
error; ops list the parked message and replay it after the fix; nothing is lost or looped."""
import uuid

import pytest
from kombu import Connection, Queue
from kombu.exceptions import OperationalError as BrokerUnreachable
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError

from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.consumer import batch_consume, parked_queue, reliable_consume
from minzi.consumer import outage as is_outage
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


# -- batches ---------------------------------------------------------------------------------

BATCH_QUEUE = Queue("minzi.test.batched", exchange=minzi_exchange(), routing_key="test.batched",
                    durable=True)
batches = []      # each batch handed to the handler: the numbers of its messages
handled = []      # the numbers of the messages whose batch went through
bad = set()       # the numbers the handler refuses


class Batched:
    name = "batched"

    @batch_consume(BATCH_QUEUE)
    def handle(self, deliveries):
        numbers = [read_envelope(d.body)["data"]["n"] for d in deliveries]
        batches.append(numbers)
        if bad & set(numbers):
            raise RuntimeError(f"refused {sorted(bad & set(numbers))}")
        handled.extend(numbers)


@pytest.fixture
def waiting_batch(container_factory, rabbit_config):
    """Eight messages waiting on the queue before the consumer starts: ``start()`` starts it."""
    batches.clear()
    handled.clear()
    bad.clear()
    amqp_uri = rabbit_config["AMQP_URI"]
    with Connection(amqp_uri) as connection:
        BATCH_QUEUE(connection.channel()).declare()
    publisher = ConfirmingPublisher(amqp_uri)
    for n in range(1, 9):
        publisher.publish(make_envelope("test.batched", {"n": n}, source="test"), "test.batched")
    publisher.close()
    container = container_factory(Batched, {**rabbit_config, "RETRY_DELAYS_SECONDS": [0.1],
                                            "max_workers": 1})
    return container.start


def batch_parked(amqp_uri):
    with Connection(amqp_uri) as connection:
        queue = parked_queue("minzi.test.batched")(connection.channel())
        queue.declare()
        return [read_envelope(m.payload)["data"]["n"] for m in iter(
            lambda: queue.get(no_ack=True), None)]


def test_messages_waiting_together_are_handed_over_together_in_order(waiting_batch):
    waiting_batch()
    wait_for(lambda: len(handled) == 8, message="every message to be handled")
    assert handled == list(range(1, 9))                 # in the queue's order, each once
    assert len(batches) < 8 and max(map(len, batches)) > 1


def test_a_batch_that_fails_is_taken_apart_and_only_the_message_at_fault_is_parked(
        waiting_batch, rabbit_config):
    bad.add(5)
    waiting_batch()
    parked = wait_for(lambda: batch_parked(rabbit_config["AMQP_URI"]),
                      message="the message at fault to be parked")
    assert parked == [5]
    wait_for(lambda: len(handled) == 7, message="the others to be handled")
    assert handled == [1, 2, 3, 4, 6, 7, 8]             # each once, in order
    # the batch holding 5 was handed over whole once, then each of its messages alone; 5 alone
    # twice (its first try and the one retry), then parked
    failed = next(b for b in batches if 5 in b)
    assert len(failed) > 1
    assert [b for b in batches if b == [5]] == [[5], [5]]
