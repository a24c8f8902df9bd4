"""The baselines of a case's path with nothing on it: the hops a case makes, with no database, no
rule and no check. An HTTP POST at a door (nameko's ``http``) calls a desk by RPC (``minzi.rpc``,
as intake answers); the desk publishes the case, persistent and confirmed, to a program's durable
quorum queue; the program publishes its report the same way to the desk, which counts it as
accepted. Three services, each run as its own process, like the gateway, intake and a program.

Two ways of making those hops:

- ``PathDoor``, ``PathDesk``, ``PathProgram``: as nameko makes them (its ``RpcProxy``, a
  ``Publisher`` confirming each message, ``consume`` handing each message to a worker);
- ``MinziPathDoor``, ``MinziPathDesk``, ``MinziPathProgram``: as Minzi makes them, the same
  parts the gateway, intake and a program use, with nothing but the message in between: the
  door's requests transient (the gateway's), the messages waiting published together and
  confirmed in one wait (what the outbox relay does after a commit, without the outbox), and
  taken off their queues in batches (``minzi.consumer.batch_consume``, as intake takes reports
  and a program its cases).

What the second costs is the floor under a whole case on the same machine: a case costs that,
plus what its database's server does, plus everything the services do beyond carrying it."""
import itertools
import json
import time
from collections import deque

from kombu import Exchange, Queue
from nameko.constants import NON_PERSISTENT
from nameko.extensions import DependencyProvider
from nameko.messaging import Publisher, consume
from nameko.rpc import RpcProxy
from nameko.web.handlers import http

from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.consumer import batch_consume
from minzi.contract import kept_queue_arguments
from minzi.relay import WakeableLoop
from minzi.rpc import rpc

EXCHANGE = Exchange("bench.path", type="topic", durable=True)
DISPATCHED = Queue("bench.path.dispatched", exchange=EXCHANGE, routing_key="case.dispatched",
                   durable=True, queue_arguments=kept_queue_arguments())
REPORTS = Queue("bench.path.reports", exchange=EXCHANGE, routing_key="case.reported",
                durable=True, queue_arguments=kept_queue_arguments())

_numbers = itertools.count(1)
_accepted: dict[int, float] = {}   # case number -> when its report arrived (time.time())


class PathDoor:
    name = "bench_path_door"
    desk = RpcProxy("bench_path_desk")

    @http("POST", "/cases")
    def post(self, request):
        answer = self.desk.register(request.form.to_dict())
        return 201, json.dumps(answer)


class PathDesk:
    name = "bench_path_desk"
    dispatch = Publisher(exchange=EXCHANGE)

    @rpc
    def register(self, form: dict) -> dict:
        number = next(_numbers)
        self.dispatch({"case": number, "form": form}, routing_key="case.dispatched")
        return {"case": number}

    @consume(REPORTS)
    def report(self, body: dict) -> None:
        _accepted[body["case"]] = time.time()

    @rpc
    def accepted(self) -> dict:
        """Every case whose report has arrived, and when."""
        return {str(number): at for number, at in _accepted.items()}


class PathProgram:
    name = "bench_path_program"
    report = Publisher(exchange=EXCHANGE)

    @consume(DISPATCHED)
    def handle(self, body: dict) -> None:
        self.report({"case": body["case"], "status": "accepted"}, routing_key="case.reported")


# -- the same hops as Minzi makes them ------------------------------------------------------------

MINZI_DISPATCHED = Queue("bench.minzi_path.dispatched", exchange=minzi_exchange(),
                         routing_key="bench.minzi_path.dispatched", durable=True,
                         queue_arguments=kept_queue_arguments())
MINZI_REPORTS = Queue("bench.minzi_path.reports", exchange=minzi_exchange(),
                      routing_key="bench.minzi_path.reported", durable=True,
                      queue_arguments=kept_queue_arguments())
BATCH_SIZE = 200   # the outbox relay's


class Relay(WakeableLoop):
    """An outbox relay without its outbox: what waits is published together, mandatory, and
    confirmed in one wait (``ConfirmingPublisher.publish_many``, as ``minzi.store`` publishes
    the rows a commit left)."""
    name = "bench path relay"

    def __init__(self, amqp_uri: str):
        super().__init__()
        self.publisher = ConfirmingPublisher(amqp_uri)
        self.waiting: deque = deque()

    def work(self) -> bool:
        batch = [self.waiting.popleft() for _ in range(min(BATCH_SIZE, len(self.waiting)))]
        try:
            if batch:
                self.publisher.publish_many(batch, mandatory=True)
        except Exception:
            self.waiting.extendleft(reversed(batch))   # kept, in order, for the next try
            raise
        return bool(self.waiting)


class Outbox(DependencyProvider):
    """``publish(body, routing_key)``: handed to the relay, which a worker wakes as a service
    wakes its relay after a commit."""

    def setup(self):
        self.relay = Relay(self.container.config["AMQP_URI"])

    def start(self):
        self.container.spawn_managed_thread(self.relay.run, identifier="bench-path-relay")

    def stop(self):
        self.relay.stop()
        self.relay.publisher.close()

    kill = stop

    def get_dependency(self, worker_ctx):
        relay = self.relay

        def publish(body: dict, routing_key: str) -> None:
            relay.waiting.append((body, routing_key))
            relay.wake()
        return publish


class MinziPathDoor(PathDoor):
    name = "bench_minzi_path_door"
    desk = RpcProxy("bench_minzi_path_desk", delivery_mode=NON_PERSISTENT)   # the gateway's


class MinziPathDesk:
    name = "bench_minzi_path_desk"
    outbox = Outbox()

    @rpc
    def register(self, form: dict) -> dict:
        number = next(_numbers)
        self.outbox({"event_id": f"case-{number}", "case": number, "form": form},
                    MINZI_DISPATCHED.routing_key)
        return {"case": number}

    @batch_consume(MINZI_REPORTS)
    def report(self, deliveries) -> None:
        now = time.time()
        for delivery in deliveries:
            _accepted[delivery.body["case"]] = now

    @rpc
    def accepted(self) -> dict:
        """Every case whose report has arrived, and when."""
        return {str(number): at for number, at in _accepted.items()}


class MinziPathProgram:
    name = "bench_minzi_path_program"
    outbox = Outbox()

    @batch_consume(MINZI_DISPATCHED)
    def handle(self, deliveries) -> None:
        for delivery in deliveries:
            number = delivery.body["case"]
            self.outbox({"event_id": f"report-{number}", "case": number, "status": "accepted"},
                        MINZI_REPORTS.routing_key)
