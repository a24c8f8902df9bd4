"""The intake service: entrypoints only; the rules live in the ``domain`` package. Each
entrypoint reads the clock once and hands the moment to the rules."""
import logging
import os
from datetime import datetime

from marshmallow import ValidationError
from nameko.timer import timer
from sqlalchemy.exc import IntegrityError

from minzi import schemas, trust
from minzi.api import DomainError, validation_body
from minzi.consumer import Delivery, batch_consume, outage, reliable_consume
from minzi.contract import (
    CaseReported,
    CaseSubmitted,
    ProgramManifest,
    Withdrawal,
    intake_programs_queue,
    intake_reports_queue,
    intake_submissions_queue,
)
from minzi.envelope import read_envelope, utcnow
from minzi.ops import DEFAULT_MANAGEMENT_URL, BusAccounts
from minzi.rpc import rpc
from minzi.staff_identity import dispatch_proven
from minzi.store import Store, Transaction, outbox_state

from . import open311
from .api import router
from .domain import (
    accounts,
    chasing,
    figures,
    registration,
    registrations,
    reports,
    views,
)
from .domain.desk import Desk
from .domain.registry import Registry
from .models import Inbox, Outbox
from .notify import Notifier
from .startup import Startup
from .vigil import Watchfulness

_log = logging.getLogger(__name__)


class IntakeService:
    name = "intake"

    store = Store("intake", Outbox, Inbox)
    notifier = Notifier()
    startup = Startup()
    vigil = Watchfulness()

    @property
    def unassigned_time_limit_hours(self) -> float:
        return float(self.config.get("UNASSIGNED_TIME_LIMIT_HOURS", 24))

    @property
    def default_community(self) -> str:
        return self.config.get("DEFAULT_COMMUNITY", "rainbow-city")

    @property
    def config(self) -> dict:
        return self.startup.config

    @property
    def bus_accounts(self) -> BusAccounts:
        return BusAccounts(self.config.get("RABBIT_MANAGEMENT_URL") or DEFAULT_MANAGEMENT_URL,
                           self.config["AMQP_URI"])

    @property
    def development(self) -> bool:
        return trust.development(self.config)

    def desk(self, tx: Transaction, now: datetime) -> Desk:
        """The case desk over one transaction at ``now``; what it publishes goes out after the
        commit."""
        return Desk(tx.session, tx.publish, now,
                    unassigned_time_limit_hours=self.unassigned_time_limit_hours,
                    messages_only_kept=self.notifier.only_keeps)

    # -- HTTP-facing RPC (through the gateway) ----------------------------------------------------
    @rpc
    def api(self, request: dict, request_key: str | None = None) -> dict:
        """The staff API; ``request_key`` makes a retried registration return the same case."""
        response = dispatch_proven(router, {**request, "extra": {"request_key": request_key}},
                                   audience=self.name, config=self.config, service=self)
        self.notifier.wake()
        return response

    @rpc
    def authenticate(self, token: str | None) -> dict | None:
        with self.store.session() as session:
            staff = accounts.authenticate(session, token, utcnow())
            return views.staff_view(staff) if staff else None

    @rpc
    def log_out(self, token: str) -> None:
        """The gateway's ``POST /api/v1/auth/logout``: the token stops working."""
        with self.store.transaction() as tx:
            accounts.log_out(tx.session, token)

    @rpc
    def programs(self) -> list[dict]:
        with self.store.session() as session:
            return views.program_directory(session)

    @rpc
    def open311(self, operation: str, jurisdiction_id: str | None = None,
                args: dict | None = None, form: dict | None = None,
                attributes: dict | None = None, request_key: str | None = None,
                lang: str = "zh") -> dict:
        """Open311 GeoReport v2; returns {"status", "body"} like ``api``."""
        try:
            with self.store.transaction() as tx:
                desk = self.desk(tx, utcnow())
                status, body = open311.answer(
                    desk, operation,
                    open311.community_or_404(desk.registry, jurisdiction_id,
                                             self.default_community),
                    args or {}, form or {}, attributes or {}, request_key, lang)
            self.notifier.wake()
            return {"status": status, "body": body}
        except ValidationError as exc:
            return {"status": 400, "body": validation_body(exc, lang)}
        except DomainError as exc:
            return {"status": exc.status, "body": exc.to_body(lang)}

    @rpc
    def case_counts(self) -> dict:
        """Open and overdue cases by community and program, for ops' metrics."""
        with self.store.session() as session:
            return views.case_counts(session, utcnow())

    @rpc
    def openapi(self) -> dict:
        return router.openapi("Minzi intake")

    @rpc
    def outbox_state(self) -> dict:
        """What its outbox still holds, for ops' metrics (the gateway's ``/metrics``)."""
        with self.store.session() as session:
            return outbox_state(session, Outbox, utcnow())

    # -- the bus ----------------------------------------------------------------------------------
    @reliable_consume(intake_programs_queue())
    def handle_program_message(self, body: dict, sender: str | None = None) -> None:
        envelope = read_envelope(body)
        try:
            self._program_message(envelope, sender)
        except IntegrityError:
            # a program's first heartbeats, handled side by side (by this intake's workers or
            # another copy's), both found no row and both added it: the other's is there now
            self._program_message(envelope, sender)
        self.notifier.wake()

    def _program_message(self, envelope: dict, sender: str | None) -> None:
        now = utcnow()
        with self.store.transaction(event_id=envelope["event_id"], handler="programs") as tx:
            if tx.duplicate:
                return
            registry = Registry(tx.session)
            if envelope["type"] == "program.announced":
                manifest = schemas.load(ProgramManifest, envelope["data"])
                registrations.admit_announcement(tx.session, manifest, sender, now=now,
                                                 development=self.development)
                if registry.announce(manifest, now):
                    _log.info("program %s is live", manifest["program_id"])
            elif envelope["type"] == "program.withdrawn":
                data = schemas.load(Withdrawal, envelope["data"])
                registrations.admit(tx.session, "program.withdrawn", data["program_id"], sender,
                                    development=self.development)
                if registry.withdraw(data["program_id"], data["instance_id"]):
                    _log.info("program %s withdrew", data["program_id"])
                    reports.program_gone(self.desk(tx, now), data["program_id"])

    @batch_consume(intake_reports_queue())
    def handle_report(self, deliveries: list[Delivery]) -> None:
        """Programs' reports, those waiting together in one transaction (``batch_consume``): each
        read first (one that cannot be read takes the batch apart), then admitted from its
        sender and applied once, in order."""
        received = [(envelope, schemas.load(CaseReported, envelope["data"]), delivery.sender)
                    for envelope, delivery in ((read_envelope(d.body), d) for d in deliveries)]
        with self.store.transaction(event_ids=[envelope["event_id"] for envelope, *_ in received],
                                    handler="reports") as tx:
            ignored = reports.apply_reports(
                self.desk(tx, utcnow()),
                [(report, sender) for envelope, report, sender in received
                 if not tx.delivered_before(envelope["event_id"])],
                development=self.development)
        for report in ignored:
            _log.info("ignored report %s on case %s from %s", report["status"],
                      report["case_id"], report["program_id"])
        self.notifier.wake()

    @reliable_consume(intake_submissions_queue())
    def handle_submission(self, body: dict, sender: str | None = None) -> None:
        envelope = read_envelope(body)
        submission = schemas.load(CaseSubmitted, envelope["data"])
        with self.store.transaction(event_id=envelope["event_id"], handler="submissions") as tx:
            if tx.duplicate:
                return
            registrations.admit_submission(tx.session, submission, sender,
                                           development=self.development)
            case, created = registration.submitted(self.desk(tx, utcnow()), submission)
            _log.info("case %s %s from %s", case.tracking_code,
                      "registered" if created else "already registered", envelope["source"])
        self.notifier.wake()

    @timer(interval=float(os.environ.get("WATCH_INTERVAL_SECONDS", 5)))
    def watch(self) -> None:
        """The figures' changes folded into their days' counts; programs that stopped
        announcing (once intake has watched long enough to have heard them, see ``vigil``), and
        cases past their time limit."""
        now = utcnow()
        try:
            with self.store.transaction() as tx:
                figures.fold_changes(tx.session)
            with self.store.transaction() as tx:
                desk = self.desk(tx, now)
                if self.vigil.settled(now):
                    for program_id in desk.registry.expire(now):
                        _log.warning("program %s stopped announcing", program_id)
                        reports.program_gone(desk, program_id)
                chasing.chase_overdue(desk)
        except Exception as exc:
            if outage(exc):
                self.vigil.broken()
            raise
        self.vigil.kept(now)
        self.notifier.wake()
