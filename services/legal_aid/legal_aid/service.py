"""The legal-aid home as a nameko service: entrypoints only; the rules live in domain.py."""
import logging
from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from nameko.messaging import consume
from nameko.rpc import rpc

from minzi.consumer import reliable_consume
from minzi.contract import ProgramAnnouncer, program_cases_queue, program_discover_queue
from minzi.envelope import read_envelope, utcnow
from minzi.store import Store

from . import domain
from .api import router
from .models import Inbox, Outbox

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"

_log = logging.getLogger(__name__)


class LegalAid:
    name = "legal_aid"

    store = Store("legal_aid", Outbox, Inbox)
    program = ProgramAnnouncer(str(MANIFEST))

    @reliable_consume(program_cases_queue(domain.PROGRAM_ID))
    def handle_case(self, body):
        """case.dispatched / case.chased / case.recalled .legal_aid: once per message."""
        envelope = read_envelope(body)
        with self.store.transaction(event_id=envelope["event_id"], handler="handle_case",
                                    community=envelope.get("community")) as tx:
            if tx.duplicate:
                _log.info("%s %s delivered again; already handled", envelope["type"],
                          envelope["event_id"])
                return
            case = domain.on_case_message(tx, envelope, utcnow())
            _log.info("%s for case %s handled", envelope["type"],
                      getattr(case, "tracking_code", None))

    @consume(program_discover_queue(domain.PROGRAM_ID))
    def discover(self, body):
        self.program.announce()

    @rpc
    def api(self, request):
        return router.dispatch(request, service=self)

    @rpc
    def openapi(self):
        spec = APISpec(title="普法互助家园 / Legal-aid home", version="1.0.0",
                       openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
        router.openapi_paths(spec)
        document = spec.to_dict()
        return {"paths": document.get("paths", {}),
                "components": {"schemas": document.get("components", {}).get("schemas", {})}}
