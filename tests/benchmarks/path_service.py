"""The baseline of a case's path with nothing on it: the hops a case makes, as nameko makes them,
with no database, no rule and no check. An HTTP POST at a door (nameko's ``http``) calls a desk
by RPC (``minzi.rpc``, as intake answers); the desk publishes the case, persistent and confirmed,
to a program's durable queue; the program publishes its report the same way to the desk, which
counts it as accepted. Three services, each run as its own process, like the gateway, intake and
a program. What this path costs, through nameko as it comes, is set beside what a whole case
costs (Minzi's own hops differ: the gateway's requests are not persistent, reports are consumed
and the relay's messages confirmed in batches)."""
import itertools
import json
import time

from kombu import Exchange, Queue
from nameko.messaging import Publisher, consume
from nameko.rpc import RpcProxy
from nameko.web.handlers import http

from minzi.contract import kept_queue_arguments
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
