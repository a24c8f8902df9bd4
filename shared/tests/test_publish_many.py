"""The outbox relay's batches: ``ConfirmingPublisher.publish_many`` sends a batch without
waiting between messages and then waits once for the broker's confirms. What the relay relies
on: every message of a confirmed batch is on its queue, in order, persistent, with its id and
its sender; one no queue takes is said to be unroutable, at its own place in the batch; a batch
the broker refuses raises, and the next batch goes out on a new connection."""
import json

import pytest
from kombu import Connection, Queue

from minzi.bus import ConfirmingPublisher, Unroutable, minzi_exchange


def bound_queue(amqp_uri, name, routing_key, **arguments):
    with Connection(amqp_uri) as connection:
        Queue(name, exchange=minzi_exchange(), routing_key=routing_key, durable=True,
              queue_arguments=arguments or None)(connection.channel()).declare()


def taken(amqp_uri, name):
    with Connection(amqp_uri) as connection:
        queue = Queue(name)(connection.channel())
        messages = []
        while (message := queue.get(no_ack=True)) is not None:
            messages.append(message)
        return messages


def test_a_batch_is_confirmed_whole_and_arrives_in_order(rabbit_config):
    amqp_uri = rabbit_config["AMQP_URI"]
    bound_queue(amqp_uri, "test.batch", "case.reported")
    publisher = ConfirmingPublisher(amqp_uri)
    try:
        first = [({"event_id": f"e{n}", "n": n}, "case.reported") for n in range(1, 51)]
        assert publisher.publish_many(first) == [None] * 50
        # the channel's delivery tags go on from 51: the second batch's confirms are its own
        second = [({"event_id": f"e{n}", "n": n}, "case.reported") for n in range(51, 54)]
        assert publisher.publish_many(second) == [None] * 3
    finally:
        publisher.close()
    got = taken(amqp_uri, "test.batch")
    assert [json.loads(m.body)["n"] for m in got] == list(range(1, 54))
    assert (got[0].properties["user_id"], got[0].properties["delivery_mode"]) == ("guest", 2)
    assert [m.properties["message_id"] for m in got] == [f"e{n}" for n in range(1, 54)]


def test_a_message_no_queue_takes_is_unroutable_at_its_own_place(rabbit_config):
    amqp_uri = rabbit_config["AMQP_URI"]
    bound_queue(amqp_uri, "test.reports", "case.reported")
    publisher = ConfirmingPublisher(amqp_uri)
    try:
        results = publisher.publish_many([
            ({"event_id": "a", "n": 1}, "case.reported"),
            ({"event_id": "b", "n": 2}, "nobody.listens"),
            ({"event_id": "c", "n": 3}, "case.reported")], mandatory=True)
        # the same routing key unbound in a later batch is said again; the earlier is not kept
        again = publisher.publish_many([({"event_id": "d", "n": 4}, "case.reported")],
                                       mandatory=True)
    finally:
        publisher.close()
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], Unroutable) and results[1].routing_key == "nobody.listens"
    assert again == [None]
    assert [json.loads(m.body)["n"] for m in taken(amqp_uri, "test.reports")] == [1, 3, 4]


def test_a_batch_the_broker_refuses_raises_and_the_next_goes_out_anew(rabbit_config):
    amqp_uri = rabbit_config["AMQP_URI"]
    # a queue that refuses what does not fit: the broker nacks the second message
    bound_queue(amqp_uri, "test.full", "case.reported",
                **{"x-max-length": 1, "x-overflow": "reject-publish"})
    publisher = ConfirmingPublisher(amqp_uri)
    try:
        with pytest.raises(ConnectionError, match="nack"):
            publisher.publish_many([({"event_id": "a", "n": 1}, "case.reported"),
                                    ({"event_id": "b", "n": 2}, "case.reported")])
        assert [json.loads(m.body)["n"] for m in taken(amqp_uri, "test.full")] == [1]
        # with room again, the relay's next try of the same messages is confirmed
        assert publisher.publish_many([({"event_id": "b", "n": 2}, "case.reported")]) == [None]
    finally:
        publisher.close()
    assert [json.loads(m.body)["n"] for m in taken(amqp_uri, "test.full")] == [2]
