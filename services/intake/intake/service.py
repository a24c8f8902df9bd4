"""The intake service: entrypoints only; the rules live in domain.py."""
import logging
import os

from marshmallow import ValidationError
from nameko.rpc import rpc
from nameko.timer import timer

from minzi.api import DomainError, validation_body
from minzi.consumer import reliable_consume
from minzi.contract import (
    CaseReported,
    CaseSubmitted,
    ProgramManifest,
    Withdrawal,
    intake_programs_queue,
    intake_reports_queue,
    intake_submissions_queue,
)
from minzi.envelope import read_envelope
from minzi.store import Store

from . import open311
from .api import authenticate, router
from .domain import CaseDesk, Registry, case_counts
from .models import Inbox, Outbox
from .notify import Notifier
from .startup import Startup

_log = logging.getLogger(__name__)


class IntakeService:
    name = "intake"

    store = Store("intake", Outbox, Inbox)
    notifier = Notifier()
    startup = Startup()

    @property
    def unassigned_time_limit_hours(self):
        return float(self.config.get("UNASSIGNED_TIME_LIMIT_HOURS", 24))

    @property
    def default_community(self):
        return self.config.get("DEFAULT_COMMUNITY", "rainbow-city")

    @property
    def config(self):
        return self.startup.config

    def desk(self, tx):
        """The case desk over one transaction; what it publishes goes out after the commit."""
        return CaseDesk(tx.session, tx.publish,
                        unassigned_time_limit_hours=self.unassigned_time_limit_hours)

    # -- HTTP-facing RPC (through the gateway) ----------------------------------------------------
    @rpc
    def api(self, request, request_key=None):
        """The staff API; ``request_key`` makes a retried registration return the same case."""
        response = router.dispatch({**request, "extra": {"request_key": request_key}},
                                   service=self)
        self.notifier.wake()
        return response

    @rpc
    def authenticate(self, token):
        with self.store.session() as session:
            return authenticate(session, token)

    @rpc
    def programs(self):
        with self.store.session() as session:
            return [{"program_id": p.program_id, "rpc_service": p.rpc_service, "live": p.live,
                     "name": p.name_zh} for p in Registry(session).programs()]

    @rpc
    def open311(self, operation, jurisdiction_id=None, args=None, form=None, attributes=None,
                request_key=None, lang="zh"):
        """Open311 GeoReport v2; returns {"status", "body"} like ``api``."""
        status = 200
        try:
            with self.store.transaction() as tx:
                session = tx.session
                community = open311.community_or_404(session, jurisdiction_id,
                                                     self.default_community).id
                if operation == "services":
                    body = open311.services(session, community, lang)
                elif operation == "definition":
                    body = open311.definition(session, community, args["service_code"])
                elif operation == "requests":
                    body = open311.requests(session, community, args or {}, lang)
                elif operation == "request":
                    body = open311.one_request(session, community, args["service_request_id"],
                                               lang)
                elif operation == "create":
                    open311.check_api_key(session, (form or {}).get("api_key"), community)
                    body = open311.create(self.desk(tx), community, form or {}, attributes or {},
                                          request_key)
                    status = 201
                else:
                    raise DomainError("operation", f"unknown operation {operation}")
            self.notifier.wake()
            return {"status": status, "body": body}
        except ValidationError as exc:
            return {"status": 400, "body": validation_body(exc, lang)}
        except DomainError as exc:
            return {"status": exc.status, "body": exc.to_body(lang)}

    @rpc
    def case_counts(self):
        """Open and overdue cases by community and program, for ops' metrics."""
        with self.store.session() as session:
            return case_counts(session)

    @rpc
    def openapi(self):
        from .openapi import document
        return document()

    # -- the bus ----------------------------------------------------------------------------------
    @reliable_consume(intake_programs_queue())
    def handle_program_message(self, body):
        envelope = read_envelope(body)
        with self.store.transaction(event_id=envelope["event_id"], handler="programs") as tx:
            if tx.duplicate:
                return
            registry = Registry(tx.session)
            if envelope["type"] == "program.announced":
                manifest = ProgramManifest().load(envelope["data"])
                if registry.announce(manifest):
                    _log.info("program %s is live", manifest["program_id"])
            elif envelope["type"] == "program.withdrawn":
                data = Withdrawal().load(envelope["data"])
                if registry.withdraw(data["program_id"], data["instance_id"]):
                    _log.info("program %s withdrew", data["program_id"])
                    self.desk(tx).program_gone(data["program_id"])
        self.notifier.wake()

    @reliable_consume(intake_reports_queue())
    def handle_report(self, body):
        envelope = read_envelope(body)
        report = CaseReported().load(envelope["data"])
        with self.store.transaction(event_id=envelope["event_id"], handler="reports") as tx:
            if tx.duplicate:
                return
            applied = self.desk(tx).apply_report(report)
            if not applied:
                _log.info("ignored report %s on case %s from %s", report["status"],
                          report["case_id"], report["program_id"])
        self.notifier.wake()

    @reliable_consume(intake_submissions_queue())
    def handle_submission(self, body):
        envelope = read_envelope(body)
        submission = CaseSubmitted().load(envelope["data"])
        with self.store.transaction(event_id=envelope["event_id"], handler="submissions") as tx:
            if tx.duplicate:
                return
            case, created = self.desk(tx).submitted(submission)
            _log.info("case %s %s from %s", case.tracking_code,
                      "registered" if created else "already registered", envelope["source"])
        self.notifier.wake()

    @timer(interval=float(os.environ.get("WATCH_INTERVAL_SECONDS", 5)))
    def watch(self):
        """Programs that stopped announcing, and cases past their time limit."""
        with self.store.transaction() as tx:
            desk = self.desk(tx)
            for program_id in desk.registry.expire():
                _log.warning("program %s stopped announcing", program_id)
                desk.program_gone(program_id)
            desk.chase_overdue()
        self.notifier.wake()
