"""可回复短信群发 (Reply-able SMS broadcasts) on the Minzi bus: entrypoints only; the rules are in
domain.py, the sending in sender.py."""
import logging
import os

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from nameko.dependency_providers import Config
from nameko.messaging import consume
from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy.exc import IntegrityError

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
from .sender import SmsSending

MANIFEST = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "manifest.yaml")
SCHEDULE_INTERVAL = float(os.environ.get("SCHEDULE_INTERVAL_SECONDS", 5))

_log = logging.getLogger(__name__)


class SmsBroadcastService:
    name = "sms_broadcast"

    config = Config()
    store = Store("sms_broadcast", Outbox, Inbox)
    program = ProgramAnnouncer(MANIFEST)
    sms = SmsSending()

    @reliable_consume(program_cases_queue(domain.PROGRAM_ID))
    def handle_case_message(self, body):
        envelope = read_envelope(body)
        with self.store.transaction(event_id=envelope["event_id"], handler="cases") as tx:
            if tx.duplicate:
                return
            if envelope["type"] == "case.dispatched":
                data = CaseDispatched().load(envelope["data"])
                report = domain.receive(tx.session, envelope["data"])
                tx.publish("case.reported", report, community=data["community"])
            elif envelope["type"] == "case.chased":
                domain.chased(tx.session, envelope["data"])
            elif envelope["type"] == "case.recalled":
                domain.recalled(tx.session, envelope["data"])

    @consume(program_discover_queue(domain.PROGRAM_ID))
    def handle_discover(self, body):
        self.program.announce()

    @timer(interval=SCHEDULE_INTERVAL)
    def release_scheduled(self):
        """Scheduled broadcasts whose time has come get their messages; the relay sends them."""
        with self.store.transaction() as tx:
            released = domain.release_due(tx.session, utcnow())
        if released:
            _log.info("scheduled broadcasts released: %s", released)
        self.sms.wake()

    @rpc
    def api(self, request):
        try:
            return router.dispatch(request, service=self)
        except IntegrityError:
            # a concurrent request made the same row first (the same inbound message id, the
            # same zone name): asked again, the request now finds it
            try:
                return router.dispatch(request, service=self)
            except IntegrityError:
                return {"status": 409, "body": {"error": {
                    "code": "conflict", "message": "与已有记录冲突，请刷新后重试"
                    if request.get("lang") != "en" else "Conflicts with an existing record"}}}

    @rpc
    def openapi(self):
        spec = APISpec(title="Reply-able SMS broadcasts", version="1", openapi_version="3.0.3",
                       plugins=[MarshmallowPlugin()])
        built = router.openapi_paths(spec).to_dict()
        return {"paths": built.get("paths", {}),
                "components": {"schemas": built.get("components", {}).get("schemas", {})}}
