"""红娘工作室 (Matchmaking studio) on the Minzi bus: entrypoints only; the rules are in domain.py,
the staff API in api.py."""
import os

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from nameko.messaging import consume
from nameko.rpc import rpc

from minzi.consumer import reliable_consume
from minzi.contract import (
    CaseDispatched,
    ProgramAnnouncer,
    program_cases_queue,
    program_discover_queue,
)
from minzi.envelope import read_envelope, utcnow
from minzi.store import Store

from . import domain
from .api import router
from .models import Inbox, Outbox

MANIFEST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "manifest.yaml")


class MatchmakingService:
    name = "matchmaking"

    store = Store("matchmaking", Outbox, Inbox)
    program = ProgramAnnouncer(MANIFEST)

    @reliable_consume(program_cases_queue("matchmaking"))
    def handle_case_message(self, body):
        envelope = read_envelope(body)
        with self.store.transaction(event_id=envelope["event_id"], handler="cases") as tx:
            if tx.duplicate:
                return
            now = utcnow()
            if envelope["type"] == "case.dispatched":
                data = CaseDispatched().load(envelope["data"])
                report = domain.receive(tx, envelope["data"], now)
                tx.publish("case.reported", report, community=data["community"])
            elif envelope["type"] == "case.chased":
                domain.chased(tx, envelope["data"], now)
            elif envelope["type"] == "case.recalled":
                domain.recalled(tx, envelope["data"], now)

    @consume(program_discover_queue("matchmaking"))
    def handle_discover(self, body):
        self.program.announce()

    @rpc
    def api(self, request):
        return router.dispatch(request, service=self)

    @rpc
    def openapi(self):
        spec = APISpec(title="Matchmaking studio", version="1", openapi_version="3.0.3",
                       plugins=[MarshmallowPlugin()])
        built = router.openapi_paths(spec).to_dict()
        return {"paths": built.get("paths", {}),
                "components": {"schemas": built.get("components", {}).get("schemas", {})}}
