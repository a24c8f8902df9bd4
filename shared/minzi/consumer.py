"""A message consumer that retries a failing handler a bounded number of times, then parks it.

nameko acks a message when the handler returns *or raises*, so a dead-letter exchange never sees
a failure. This entrypoint takes over at that point:

* a message that cannot be read, has a newer version than this consumer knows, or is refused by
  a rule (DomainError), is parked at once (retrying cannot help);
* attempt n fails -> the message is republished to ``<queue>.retry.<ms>``, a queue whose TTL
  dead-letters it back to ``<queue>`` after the delay (backoff: ``RETRY_DELAYS_SECONDS``);
* the last attempt fails -> the message is published to ``<queue>.parked`` with its error in
  the headers, where ``minzi-ops parked`` lists it and ``minzi-ops replay`` sends it back;
* the database or another service is unreachable (an outage, not the message's fault) -> the
  message waits in the retry queues as long as the outage lasts, the wait growing to a minute
  (``OUTAGE_DELAYS_SECONDS``), without spending its attempts: it is never parked for that.

Only then is the original acked: a crash in between redelivers it, and handlers are idempotent.

The handler is given who sent the message as RabbitMQ vouches for it (``sender``, see
``minzi.trust``), and decides whether that sender may say it.

``batch_consume`` is the same for a queue a service takes many messages from (a program's cases,
intake's reports): the messages waiting are handled together, in one worker and one transaction,
and a batch that fails is taken apart, each of its messages handled alone, so that only the
message at fault is retried or parked.
"""
import logging
import time
import traceback
from collections import deque
from functools import partial
from typing import Any, NamedTuple

import eventlet
from kombu import Queue
from kombu.exceptions import OperationalError as BrokerUnreachable
from marshmallow import ValidationError
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer, QueueConsumer
from sqlalchemy import exc as db

from .api import DomainError
from .bus import ConfirmingPublisher
from .contract import kept_queue_arguments
from .envelope import UnsupportedVersion, isoformat, utcnow
from .trust import SENDER_HEADER, sender_of, user_of

_log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-minzi-attempts"
ERROR_HEADER = "x-minzi-error"
QUEUE_HEADER = "x-minzi-queue"
PARKED_AT_HEADER = "x-minzi-parked-at"
OUTAGE_HEADER = "x-minzi-outage-waits"
DEFAULT_RETRY_DELAYS = (1, 5, 30)
DEFAULT_OUTAGE_DELAYS = (1, 2, 5, 10, 30, 60)
DEFAULT_MAX_BATCH = 50
DEFAULT_BATCH_PREFETCH = 100   # two batches' worth: the next fills while one is handled


def retry_queue(queue_name: str, delay_ms: int) -> Queue:
    return Queue(f"{queue_name}.retry.{delay_ms}", durable=True, queue_arguments={
        **kept_queue_arguments(),
        "x-message-ttl": delay_ms,
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": queue_name,
    })


def parked_queue(queue_name: str) -> Queue:
    return Queue(f"{queue_name}.parked", durable=True, queue_arguments=kept_queue_arguments())


def outage(exc: BaseException) -> bool:
    """The database, the broker or a service the handler called is unreachable: nothing the
    message did, so waiting mends it (a lost connection, a refused one, a pool timed out, the
    server shutting down, a deadlock)."""
    if isinstance(exc, db.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, (db.OperationalError, db.InterfaceError, db.DisconnectionError,
                            db.TimeoutError, BrokerUnreachable, ConnectionError, TimeoutError))


def _permanent(exc):
    """An unreadable message, one of a version this consumer does not know yet, or one a rule
    refuses: no retry can mend it, so it is parked at once, to be replayed after a fix."""
    return isinstance(exc, (ValidationError, UnsupportedVersion, DomainError))


class ReliableConsumer(Consumer):
    def setup(self):
        super().setup()
        config = self.container.config
        self.retry_delays = [float(d) for d in
                             config.get("RETRY_DELAYS_SECONDS", DEFAULT_RETRY_DELAYS)]
        self.outage_delays = [float(d) for d in
                              config.get("OUTAGE_DELAYS_SECONDS", DEFAULT_OUTAGE_DELAYS)]
        self.publisher = ConfirmingPublisher(config["AMQP_URI"])
        self.own_user = user_of(config["AMQP_URI"])

    def handle_message(self, body, message):
        """As nameko's, with the sender given to the handler: ``handler(body, sender=...)``."""
        context_data = self.unpack_message_headers(message)
        handle_result = partial(self.handle_result, message)
        try:
            self.container.spawn_worker(
                self, (body,), {"sender": sender_of(message, self.own_user)},
                context_data=context_data, handle_result=handle_result)
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def stop(self):
        super().stop()
        self.publisher.close()

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return
        try:
            self._retry_or_park(message, exc_info)
        except Exception:
            _log.exception("could not set aside failed message; it goes back to %s",
                           self.queue.name)
            time.sleep(1)  # the broker is in trouble: do not spin on redeliveries
            self.queue_consumer.requeue_message(message)
            return
        self.queue_consumer.ack_message(message)

    def _retry_or_park(self, message, exc_info):
        headers = dict(message.headers or {})
        waited_out = outage(exc_info[1])
        # an outage does not spend an attempt: only the message's own failures count
        attempts = int(headers.get(ATTEMPTS_HEADER, 0)) + (0 if waited_out else 1)
        error = "".join(traceback.format_exception_only(exc_info[0], exc_info[1])).strip()
        headers.update({ATTEMPTS_HEADER: attempts, ERROR_HEADER: error[:2000],
                        QUEUE_HEADER: self.queue.name})
        sender = sender_of(message, self.own_user)
        if sender:  # republished as this consumer's user: say who sent it first
            headers[SENDER_HEADER] = sender
        properties = {k: message.properties[k] for k in ("message_id", "correlation_id")
                      if message.properties.get(k)}
        if waited_out:
            waits = int(headers.get(OUTAGE_HEADER, 0))
            headers[OUTAGE_HEADER] = waits + 1
            delay_ms = int(self.outage_delays[min(waits, len(self.outage_delays) - 1)] * 1000)
            target = retry_queue(self.queue.name, delay_ms)
            _log.warning("handler for %s met an outage (%s); waiting %d ms, the message keeps "
                         "its attempts", self.queue.name, error, delay_ms)
        elif attempts <= len(self.retry_delays) and not _permanent(exc_info[1]):
            delay_ms = int(self.retry_delays[attempts - 1] * 1000)
            target = retry_queue(self.queue.name, delay_ms)
            _log.warning("handler for %s failed (attempt %d): %s; retrying in %d ms",
                         self.queue.name, attempts, error, delay_ms)
        else:
            target = parked_queue(self.queue.name)
            headers[PARKED_AT_HEADER] = isoformat(utcnow())
            _log.error("handler for %s failed %d times: %s; message parked in %s",
                       self.queue.name, attempts, error, target.name)
        self.publisher.publish(
            message.body, target.name, exchange="", declare=[target], headers=headers,
            content_type=message.content_type, content_encoding=message.content_encoding,
            **properties)


reliable_consume = ReliableConsumer.decorator


class Delivery(NamedTuple):
    """A message as a batch handler gets it: its body, and who sent it (``sender_of``)."""
    body: Any
    sender: str | None


class BatchQueueConsumer(QueueConsumer):
    """The connection a service's batch consumers share: its own prefetch (``BATCH_PREFETCH``),
    larger than the worker count that sets the other consumers' so that a batch can be as
    large as ``max_batch`` (a batch takes one worker, however many messages it holds)."""

    @property
    def prefetch_count(self):
        return int(self.container.config.get("BATCH_PREFETCH", DEFAULT_BATCH_PREFETCH))


class BatchConsumer(ReliableConsumer):
    """As ``ReliableConsumer``, with the messages waiting handed to the handler together:
    ``handler(deliveries)``, a list of ``Delivery`` in the order the queue gave them, which it
    handles all together or raises. Under load that is one worker, one transaction and one commit
    for many messages, where each cost as much as the message's own work; with nothing else
    waiting a message is a batch of one, handled at once.

    One batch at a time per consumer, so the messages are handled in the queue's order (at most
    ``max_batch``, and no more than the prefetch lets in). A batch that fails is taken apart:
    each of its messages is handed on alone, in order and before anything newer, and the one at
    fault is retried or parked as ``ReliableConsumer`` does, its attempts its own."""

    queue_consumer = BatchQueueConsumer()

    def __init__(self, queue, max_batch: int = DEFAULT_MAX_BATCH, **kwargs):
        self.max_batch = max_batch
        super().__init__(queue, **kwargs)

    def setup(self):
        super().setup()
        self._waiting: deque = deque()   # (Delivery, message): not yet handed to a worker
        self._alone: deque = deque()     # of a batch that failed: each handed on by itself
        self._turn = False               # a batch is being handled (or about to be)

    def handle_message(self, body, message):
        self._waiting.append((Delivery(body, sender_of(message, self.own_user)), message))
        if self._turn:
            return                       # taken with the next batch
        self._turn = True
        eventlet.sleep(0)                # the deliveries read off the socket with this one join it
        self._hand_on()

    def _hand_on(self):
        """Hands the next batch to a worker; with nothing waiting, gives up the turn."""
        if self._alone:
            batch = [self._alone.popleft()]
        elif self._waiting:
            batch = [self._waiting.popleft()
                     for _ in range(min(self.max_batch, len(self._waiting)))]
        else:
            self._turn = False
            return
        try:
            self.container.spawn_worker(
                self, ([delivery for delivery, _ in batch],), {},
                context_data=self.unpack_message_headers(batch[0][1]),
                handle_result=partial(self._batch_handled, batch))
        except ContainerBeingKilled:
            for _, message in [*batch, *self._alone, *self._waiting]:
                self.queue_consumer.requeue_message(message)
            self._alone.clear()
            self._waiting.clear()
            self._turn = False

    def _batch_handled(self, batch, worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            for _, message in batch:
                self.queue_consumer.ack_message(message)
        elif len(batch) == 1:
            self.handle_message_processed(batch[0][1], result, exc_info)
        else:
            _log.info("a batch of %d from %s failed (%s); each is handled alone",
                      len(batch), self.queue.name, exc_info[1])
            self._alone.extend(batch)
        # the next batch from a thread of its own: this worker holds its slot until it returns
        self.container.spawn_managed_thread(self._hand_on, identifier="batch-consumer")
        return result, exc_info


batch_consume = BatchConsumer.decorator
