"""The nameko service: entrypoints only. The rules live in ledger.py and domain.py."""
import logging
from pathlib import Path

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import EXCLUDE, Schema, fields
from nameko.messaging import consume
from nameko.rpc import rpc

from minzi.consumer import reliable_consume
from minzi.contract import (
    CaseDispatched,
    ProgramAnnouncer,
    program_cases_queue,
    program_discover_queue,
)
from minzi.envelope import read_envelope
from minzi.store import Store

from . import domain
from .api import router
from .models import Inbox, Outbox
from .schemas import Yuan

_log = logging.getLogger(__name__)

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yaml"


class CaseNotice(Schema):
    """``case.chased`` / ``case.recalled`` data."""

    class Meta:
        unknown = EXCLUDE

    case_id = fields.Integer(required=True)
    tracking_code = fields.String(load_default=None, allow_none=True)
    program_id = fields.String(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True)
    level = fields.Integer(load_default=1)


class CatFund:
    name = "cat_fund"

    store = Store("cat_fund", Outbox, Inbox)
    program = ProgramAnnouncer(str(MANIFEST))

    @reliable_consume(program_cases_queue("cat_fund"))
    def handle_case(self, body):
        envelope = read_envelope(body)
        kind = envelope["type"]
        with self.store.transaction(event_id=envelope["event_id"], handler="handle_case",
                                    community=envelope.get("community")) as tx:
            if tx.duplicate:
                return
            if kind == "case.dispatched":
                data = CaseDispatched().load(envelope["data"])
                codes = {t["code"] for t in self.program.manifest["service_types"]}
                case, report = domain.receive_case(tx.session, data, codes)
                tx.publish("case.reported", report, community=case.community)
                _log.info("case %s (%s): %s", case.case_id, case.tracking_code, report["status"])
            elif kind in ("case.chased", "case.recalled"):
                data = CaseNotice().load(envelope["data"])
                community = envelope.get("community")
                if kind == "case.chased":
                    case = domain.chase_case(tx.session, community, data, data["level"])
                else:
                    case = domain.recall_case(tx.session, community, data)
                if case is None:
                    _log.warning("%s for unknown case %s: nothing to do", kind, data["case_id"])
            else:
                _log.info("ignoring message of type %s", kind)

    @consume(program_discover_queue("cat_fund"))
    def handle_discover(self, body):
        self.program.announce()

    @rpc
    def api(self, request):
        return router.dispatch(request, service=self)

    @rpc
    def openapi(self):
        return build_openapi()


def build_openapi():
    plugin = MarshmallowPlugin()
    spec = APISpec(title="流浪猫爱心基金会 / Stray-cat fund", version="1.0.0",
                   openapi_version="3.0.3", plugins=[plugin])
    plugin.map_to_openapi_type(Yuan, "string", None)
    router.openapi_paths(spec)
    document = spec.to_dict()
    return {"paths": document.get("paths", {}),
            "components": {"schemas": document.get("components", {}).get("schemas", {})}}
