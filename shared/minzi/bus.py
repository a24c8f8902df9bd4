"""Publishing onto the Minzi exchange with publisher confirms."""
import logging
import threading
import time

from kombu import Connection, Exchange, Producer

from .trust import user_of

EXCHANGE_NAME = "minzi"

_log = logging.getLogger(__name__)


def minzi_exchange() -> Exchange:
    """The one topic exchange every contract message goes through (durable, never auto-deleted)."""
    return Exchange(EXCHANGE_NAME, type="topic", durable=True, delivery_mode="persistent")


class Unroutable(Exception):
    """The broker took the message but no queue is bound for its routing key (``mandatory``):
    it would have been dropped."""

    def __init__(self, routing_key: str):
        super().__init__(f"unroutable: no queue is bound for {routing_key}")
        self.routing_key = routing_key


class ConfirmingPublisher:
    """A connection kept open for publishing; every publish waits for the broker's confirm.

    ``publish`` raises if the broker did not take the message, so the caller can keep it and
    try again (the outbox keeps the row unpublished); with ``mandatory``, it raises
    ``Unroutable`` when no queue would receive it, rather than let the broker drop it.
    """

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        # every message says who sent it; RabbitMQ refuses one whose user_id is not the
        # connection's own user, so consumers can believe it (minzi.trust)
        self.user = user_of(amqp_uri)
        self._connection = None
        self._producer = None
        self._lock = threading.Lock()
        self._returned: list[str] = []
        self._batch = None   # publish_many's own connection, channel and producer

    def _ensure_batch(self):
        """A connection whose channel confirms without kombu waiting after each publish:
        ``publish_many`` counts the confirms itself (delivery tags 1, 2, … on the channel)."""
        if self._batch is None:
            connection = Connection(self.amqp_uri, heartbeat=0)
            connection.connect()
            channel = connection.channel()
            channel.confirm_select()
            state = {"connection": connection, "channel": channel, "sent": 0, "upto": 0,
                     "acked": set(), "nacked": [], "returned": set()}

            def on_ack(tag, multiple):
                if multiple:
                    state["upto"] = max(state["upto"], tag)
                else:
                    state["acked"].add(tag)

            def on_nack(tag, multiple):
                state["nacked"].append(tag)

            def on_return(exception, exchange, routing_key, message):
                state["returned"].add(message.properties.get("message_id") or routing_key)

            channel.events["basic_ack"].add(on_ack)
            channel.events["basic_nack"].add(on_nack)
            state["producer"] = Producer(channel, on_return=on_return)
            minzi_exchange()(channel).declare()
            self._batch = state
        return self._batch

    def publish_many(self, messages: list[tuple[dict, str]], *, mandatory: bool = False,
                     timeout: float = 30.0) -> list["Unroutable | None"]:
        """Publishes ``messages`` ((body, routing_key), in order) without waiting between them,
        then waits for the broker to confirm them all: one round trip for the batch rather than
        one per message. Returns, per message, None (confirmed: the broker has it) or
        ``Unroutable`` (``mandatory``, and no queue is bound for it). Raises when the broker
        refuses one (nack), the connection fails, or the confirms do not come in ``timeout``:
        then none of them is to be taken as sent."""
        with self._lock:
            try:
                state = self._ensure_batch()
                state["returned"].clear()
                state["nacked"].clear()
                first = state["sent"] + 1
                for body, routing_key in messages:
                    state["producer"].publish(
                        body, exchange=minzi_exchange(), routing_key=routing_key,
                        serializer="json", delivery_mode=2, headers={}, retry=False,
                        mandatory=mandatory, message_id=body.get("event_id"),
                        user_id=self.user)
                    state["sent"] += 1
                last = state["sent"]
                deadline = time.monotonic() + timeout

                def confirmed():
                    return all(tag <= state["upto"] or tag in state["acked"]
                               for tag in range(first, last + 1))

                while not confirmed():
                    if state["nacked"]:
                        raise ConnectionError("the broker refused (nack) a message of the batch")
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError(f"no confirm from the broker in {timeout:g} s")
                    state["connection"].drain_events(timeout=remaining)
                state["acked"].difference_update(range(first, last + 1))
                returned = set(state["returned"])
            except Exception:
                self.close()
                raise
        return [Unroutable(routing_key) if (body.get("event_id") or routing_key) in returned
                else None for body, routing_key in messages]

    def _ensure(self):
        if self._producer is None:
            self._connection = Connection(
                self.amqp_uri, transport_options={"confirm_publish": True}, heartbeat=0)
            self._connection.connect()
            # No default exchange: kombu would take exchange="" (the default exchange, used to
            # address a queue directly) as "unset" and publish to the producer's exchange instead.
            self._producer = Producer(self._connection.channel(), on_return=self._on_return)
            minzi_exchange()(self._producer.channel).declare()
        return self._producer

    def _on_return(self, exception, exchange, routing_key, message) -> None:
        # the broker sends the return before the confirm, on this channel, while publish waits
        self._returned.append(routing_key)

    def publish(self, body: dict | bytes | str, routing_key: str, *, exchange: str | None = None,
                declare: tuple = (), headers: dict | None = None, mandatory: bool = False,
                **properties) -> None:
        with self._lock:
            try:
                producer = self._ensure()
                self._returned.clear()
                if "message_id" not in properties and isinstance(body, dict):
                    properties["message_id"] = body.get("event_id")
                properties.setdefault("user_id", self.user)
                producer.publish(
                    body,
                    exchange=exchange if exchange is not None else minzi_exchange(),
                    routing_key=routing_key,
                    serializer="json" if isinstance(body, (dict, list)) else None,
                    delivery_mode=2,
                    headers=headers or {},
                    declare=list(declare),
                    retry=False,
                    mandatory=mandatory,
                    **properties,
                )
            except Exception:
                self.close()
                raise
            if self._returned:
                raise Unroutable(routing_key)

    def declare(self, *entities) -> None:
        """Declare queues (with their bindings) or exchanges; idempotent."""
        with self._lock:
            try:
                producer = self._ensure()
                for entity in entities:
                    entity(producer.channel).declare()
            except Exception:
                self.close()
                raise

    def close(self) -> None:
        for connection in (self._connection, self._batch and self._batch["connection"]):
            try:
                if connection is not None:
                    connection.release()
            except Exception:  # the connection is already gone
                pass
        self._connection = None
        self._producer = None
        self._batch = None
