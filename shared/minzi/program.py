"""What every program service is, written once: a program's ``service.py`` declares what is its
own and inherits the rest.

    class LegalAid(Program):
        name = "legal_aid"
        store = Store("legal_aid", Outbox, Inbox)      # its database, outbox and inbox
        program = ProgramAnnouncer(MANIFEST)           # announce, heartbeat, withdraw, discover
        router = router                                # its staff API (minzi.api.Router)
        case_rules = cases                             # receive / chased / recalled

``Program`` gives it, per docs/contract.md:

* ``handle_case``: the case inbox (``case.dispatched`` / ``case.chased`` / ``case.recalled``
  addressed to the program), taken only from intake's bus user. Each message is read and
  validated, handled once (the inbox row, the program's changes and the report it sends back
  commit in one transaction), and retried then parked when it fails. The messages waiting
  together are handled in one transaction (``minzi.consumer.batch_consume``); a batch that
  fails is taken apart, so a message at fault never holds up the others. A case of a service type
  the program does not offer is returned to intake with a note, without troubling the
  program's rules. The rules are three plain
  functions of ``case_rules``, given the transaction (``tx.session``, ``tx.publish``), the
  loaded message and the moment it is handled:

      receive(tx, case, now) -> dict | None     # the report: {"status": "accepted", "note": ...}
      chased(tx, notice, now) -> None           # notice: case_id, level (1 reminder, 2 escalated),
      recalled(tx, notice, now) -> None         #         note, community

* ``handle_discover``: answers intake's "announce yourselves";
* ``api`` / ``openapi``: the staff API, served by the gateway at
  ``/api/v1/programs/<program_id>/…`` and in its OpenAPI document;
* its pages in the staff console: ``pages.yaml`` beside the manifest (``minzi.pages``), served
  at ``GET /console/pages`` of the staff API (to anyone: it holds no data) and checked against
  the API's routes when the service class is defined.
"""
import logging
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from nameko.dependency_providers import Config
from nameko.messaging import Consumer

from . import program_cases, schemas
from .api import DomainError, Router
from .consumer import BatchConsumer, Delivery
from .contract import (
    CaseDispatched,
    CaseNotice,
    CaseReported,
    ProgramAnnouncer,
    load_manifest,
    program_cases_queue,
    program_discover_queue,
)
from .envelope import read_envelope, utcnow
from .pages import PAGES_FILE, PAGES_PATH, check_routes, load_pages
from .rpc import rpc
from .staff_identity import dispatch_proven
from .store import Store, Transaction, outbox_state
from .trust import require_intake

_log = logging.getLogger(__name__)

CASE_SCHEMAS = {"case.dispatched": CaseDispatched, "case.chased": CaseNotice,
                "case.recalled": CaseNotice}


class CaseRules(Protocol):
    """The three things a program decides about the cases intake hands it."""

    def receive(self, tx: Transaction, case: dict, now: datetime) -> dict | None: ...

    def chased(self, tx: Transaction, notice: dict, now: datetime) -> None: ...

    def recalled(self, tx: Transaction, notice: dict, now: datetime) -> None: ...


def _announcer(container) -> ProgramAnnouncer:
    for dependency in container.dependencies:
        if isinstance(dependency, ProgramAnnouncer):
            return dependency
    raise TypeError(f"{container.service_name} has no ProgramAnnouncer: a program service "
                    "declares `program = ProgramAnnouncer(MANIFEST)`")


def _program_id(container) -> str:
    return load_manifest(_announcer(container).manifest_path)["program_id"]


class CaseInbox(BatchConsumer):
    """Consumes the program's own case queue (``minzi.program.<program_id>.cases``), named from
    the manifest the service announces."""

    def __init__(self, **kwargs):
        super().__init__(None, **kwargs)

    def setup(self):
        self.queue = program_cases_queue(_program_id(self.container))
        super().setup()


class DiscoverInbox(Consumer):
    """The program's queue for intake's ``program.discover``."""

    def __init__(self, **kwargs):
        super().__init__(None, **kwargs)

    def setup(self):
        self.queue = program_discover_queue(_program_id(self.container))
        super().setup()


case_inbox = CaseInbox.decorator
discover_inbox = DiscoverInbox.decorator


class Program:
    """The base of every program service: see the module's docstring."""

    store: Store
    program: ProgramAnnouncer
    router: ClassVar[Router]
    case_rules: ClassVar[Any]
    # custom marshmallow fields of the staff API and their OpenAPI types: {Yuan: ("string", None)}
    openapi_field_types: ClassVar[dict] = {}
    pages: ClassVar[list] = []     # from pages.yaml (minzi.pages)

    config = Config()

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        announcer, router = cls.__dict__.get("program"), cls.__dict__.get("router")
        if announcer is None or router is None:
            return
        pages = load_pages(Path(announcer.manifest_path).parent / PAGES_FILE)
        check_routes(pages, router)
        cls.pages = pages

    @case_inbox
    def handle_case(self, deliveries: list[Delivery]) -> None:
        """The case messages waiting, in one transaction: each read and checked first (one that
        fails takes the batch apart, see ``BatchConsumer``), then handled once, in order."""
        messages = [m for m in map(self._read_case_message, deliveries) if m is not None]
        if not messages:
            return
        with self.store.transaction(event_ids=[envelope["event_id"] for envelope, *_ in messages],
                                    handler="handle_case") as tx:
            program_cases.expect(tx.session, [data["case_id"] for _, data, _ in messages])
            for envelope, data, community in messages:
                if tx.delivered_before(envelope["event_id"]):
                    _log.info("%s %s delivered again; already handled", envelope["type"],
                              envelope["event_id"])
                    continue
                self._handle_case(tx.for_community(community), envelope["type"], data, community)

    def _read_case_message(self, delivery: Delivery) -> tuple[dict, dict, str | None] | None:
        """(envelope, data, community) of a message from intake about a case of this program;
        None for a kind this version does not know (nothing to do); refused otherwise."""
        envelope = read_envelope(delivery.body)
        kind = envelope["type"]
        require_intake(kind, delivery.sender, self.config)
        schema = CASE_SCHEMAS.get(kind)
        if schema is None:
            _log.info("ignoring %s %s", kind, envelope["event_id"])
            return None
        data = schemas.load(schema, envelope["data"])
        program_id = self.program.program_id
        if data.get("program_id") not in (None, program_id):
            raise DomainError("not_this_program",
                              f"这件诉求是交给 {data['program_id']} 的，不是 {program_id}",
                              f"The case is addressed to {data['program_id']}, not {program_id}")
        return envelope, data, data.get("community") or envelope.get("community")

    def _handle_case(self, tx: Transaction, kind: str, data: dict, community: str | None) -> None:
        now = utcnow()
        if kind == "case.dispatched":
            report = self._receive(tx, data, now)
            if report is not None:
                report = {"case_id": data["case_id"], "program_id": self.program.program_id,
                          **report}
                schemas.load(CaseReported, report)   # one intake would refuse is a bug here
                tx.publish("case.reported", report, community=community)
            _log.info("case %s: %s", data["tracking_code"], (report or {}).get("status"))
        else:
            notice = {**data, "community": community}
            rule = self.case_rules.chased if kind == "case.chased" else self.case_rules.recalled
            rule(tx, notice, now)
            _log.info("case %s %s", data["case_id"], kind.split(".")[1])

    def _receive(self, tx: Transaction, case: dict, now: datetime) -> dict | None:
        offered = {t["code"] for t in self.program.manifest["service_types"]}
        if case["service_code"] not in offered:
            name = self.program.manifest["name"]["zh"]
            return {"status": "returned",
                    "note": f"{name}不办理“{case['service_code']}”类事项，请受理窗口转给相应项目"}
        return self.case_rules.receive(tx, case, now)

    @discover_inbox
    def handle_discover(self, body: dict) -> None:
        self.program.announce()

    @rpc
    def api(self, request: dict) -> dict:
        """The staff API; who is calling is what the gateway's signed statement says. Its pages
        in the console are anyone's to read: they are the shape of the pages, not data."""
        if (request.get("method") or "GET").upper() == "GET" and \
                "/" + str(request.get("path") or "").strip("/") == PAGES_PATH:
            return {"status": 200, "body": {"pages": self.pages}}
        return dispatch_proven(self.router, request, audience=self.program.rpc_service,
                               config=self.config, service=self)

    @rpc
    def openapi(self) -> dict:
        names = self.program.manifest["name"]
        title = f"{names['zh']} / {names['en']}" if names.get("en") else names["zh"]
        return self.router.openapi(title, self.openapi_field_types)

    @rpc
    def outbox_state(self) -> dict:
        """What its outbox still holds, for ops' metrics (the gateway's ``/metrics``)."""
        with self.store.session() as session:
            return outbox_state(session, type(self).store.outbox_model, utcnow())
