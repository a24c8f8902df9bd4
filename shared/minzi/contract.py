"""The program contract: how a program and intake talk over the bus.

docs/contract.md is the authority; this module is its Python form. Everything goes through the
durable topic exchange ``minzi``:

  program.announced          program -> all      the program's manifest (also its heartbeat)
  program.withdrawn          program -> all      the program is shutting down
  program.discover           intake  -> programs "announce yourselves" (sent when intake starts)
  case.dispatched.<program>  intake  -> program  a case handed to the program
  case.chased.<program>      intake  -> program  the case is overdue: a reminder
  case.recalled.<program>    intake  -> program  the case was taken back (transfer, closed)
  case.reported              program -> intake   accepted / in_progress / resolved / returned
  case.submitted             program -> intake   a new case a program took in for a resident
"""
import logging
import os
import socket
import threading
import uuid

import yaml
from kombu import Queue, binding
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)
from nameko.extensions import DependencyProvider

from .bus import ConfirmingPublisher, minzi_exchange
from .envelope import make_envelope
from .i18n import message
from .staff_identity import verify_key

_log = logging.getLogger(__name__)

PROGRAM_ID = validate.Regexp(r"^[a-z][a-z0-9_]{1,40}$", error=message(
    "应为 2 到 41 个小写字母、数字或 _，以字母开头",
    "Must be 2 to 41 lowercase letters, digits or _, starting with a letter."))
SERVICE_CODE = validate.Regexp(r"^[a-z][a-z0-9_.\-]{1,60}$", error=message(
    "应为 2 到 61 个小写字母、数字或 _ . -，以字母开头",
    "Must be 2 to 61 lowercase letters, digits or _ . -, starting with a letter."))
COMMUNITY_ID = validate.Regexp(r"^[a-z][a-z0-9\-]{1,40}$", error=message(
    "应为 2 到 41 个小写字母、数字或 -，以字母开头",
    "Must be 2 to 41 lowercase letters, digits or -, starting with a letter."))
# urgency classes, as Beijing's 12345 hotline has them, and their time limits in hours
URGENCY_HOURS = {"emergency": 2.0, "utilities": 24.0, "general": 168.0, "complex": 360.0}
URGENCIES = tuple(URGENCY_HOURS)   # most urgent first
REPORT_STATUSES = ("accepted", "in_progress", "resolved", "returned")
ATTRIBUTE_DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist",
                       "multivaluelist")


# -- queues ---------------------------------------------------------------------------------------

def kept_queue_arguments() -> dict:
    """The queues that carry cases, reports and heartbeats (and their retry and parking queues)
    are quorum queues: durable, and replicated across the nodes of a RabbitMQ cluster, so a node
    lost loses no case. ``MINZI_QUEUE_TYPE=classic`` keeps classic queues (one node only); every
    service of an installation must say the same. An installation whose queues are classic moves
    them with ``minzi-ops queues-to-quorum``."""
    kind = os.environ.get("MINZI_QUEUE_TYPE", "quorum")
    return {} if kind == "classic" else {"x-queue-type": "quorum"}


def program_cases_queue(program_id: str) -> Queue:
    """Where a program receives its cases; durable, so cases wait while the program restarts."""
    return Queue(f"minzi.program.{program_id}.cases", exchange=minzi_exchange(),
                 routing_key=f"case.*.{program_id}", durable=True,
                 queue_arguments=kept_queue_arguments())


def program_discover_queue(program_id: str) -> Queue:
    return Queue(f"minzi.program.{program_id}.discover", exchange=minzi_exchange(),
                 routing_key="program.discover", durable=False, auto_delete=True)


def intake_programs_queue() -> Queue:
    exchange = minzi_exchange()
    return Queue("minzi.intake.programs", exchange=exchange, durable=True, bindings=[
        binding(exchange, routing_key="program.announced"),
        binding(exchange, routing_key="program.withdrawn"),
    ], queue_arguments=kept_queue_arguments())


def intake_reports_queue() -> Queue:
    return Queue("minzi.intake.reports", exchange=minzi_exchange(),
                 routing_key="case.reported", durable=True,
                 queue_arguments=kept_queue_arguments())


def intake_submissions_queue() -> Queue:
    return Queue("minzi.intake.submissions", exchange=minzi_exchange(),
                 routing_key="case.submitted", durable=True,
                 queue_arguments=kept_queue_arguments())


# -- message bodies -------------------------------------------------------------------------------

class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class Names(Lenient):
    zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    en = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class AttributeValue(Lenient):
    key = fields.String(required=True)
    name = fields.String(required=True)


class ServiceAttribute(Lenient):
    """An Open311 GeoReport v2 attribute definition."""
    code = fields.String(required=True, validate=SERVICE_CODE)
    datatype = fields.String(required=True, validate=validate.OneOf(ATTRIBUTE_DATATYPES))
    required = fields.Boolean(load_default=False)
    variable = fields.Boolean(load_default=True)
    description = fields.String(required=True)
    datatype_description = fields.String(load_default=None, allow_none=True)
    order = fields.Integer(load_default=0)
    values = fields.List(fields.Nested(AttributeValue), load_default=list)

    @validates_schema
    def _lists_have_values(self, data, **_):
        if data["datatype"].endswith("valuelist") and not data["values"]:
            raise ValidationError("a list attribute needs values", "values")


class ServiceType(Lenient):
    code = fields.String(required=True, validate=SERVICE_CODE)
    name = fields.Nested(Names, required=True)
    description = fields.Nested(Names, load_default=None, allow_none=True)
    group = fields.String(load_default=None, allow_none=True)
    keywords = fields.List(fields.String(), load_default=list)
    # the program's own limit; without it, the urgency class's hours; one of them is needed
    time_limit_hours = fields.Float(load_default=None,
                                    validate=validate.Range(min=0, min_inclusive=False))
    urgency = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(URGENCIES))
    attributes = fields.List(fields.Nested(ServiceAttribute), load_default=list)

    @validates_schema
    def _has_a_limit(self, data, **_):
        if data.get("time_limit_hours") is None and not data.get("urgency"):
            raise ValidationError("Missing data for required field.", "time_limit_hours")

    @post_load
    def _limit_of_class(self, data, **_):
        if data.get("time_limit_hours") is None and data.get("urgency"):
            data["time_limit_hours"] = URGENCY_HOURS[data["urgency"]]
        return data


class ProgramManifest(Lenient):
    program_id = fields.String(required=True, validate=PROGRAM_ID)
    name = fields.Nested(Names, required=True)
    description = fields.Nested(Names, load_default=None, allow_none=True)
    communities = fields.List(fields.String(validate=COMMUNITY_ID), required=True,
                              validate=validate.Length(min=1))
    service_types = fields.List(fields.Nested(ServiceType), required=True)
    heartbeat_seconds = fields.Float(load_default=10, validate=validate.Range(min=0.1))
    instance_id = fields.String(load_default=None, allow_none=True)
    rpc_service = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def _codes_unique(self, data, **_):
        codes = [t["code"] for t in data.get("service_types", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("service type codes must be unique", "service_types")


class Withdrawal(Lenient):
    program_id = fields.String(required=True, validate=PROGRAM_ID)
    instance_id = fields.String(load_default=None, allow_none=True)


class Resident(Lenient):
    name = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)
    contact = fields.String(load_default=None, allow_none=True)


class CaseDispatched(Lenient):
    case_id = fields.Integer(required=True)
    tracking_code = fields.String(required=True)
    program_id = fields.String(required=True)
    service_code = fields.String(required=True)
    community = fields.String(required=True)
    channel = fields.String(required=True)
    description = fields.String(required=True)
    attributes = fields.Dict(load_default=dict)
    address = fields.String(load_default=None, allow_none=True)
    lat = fields.Float(load_default=None, allow_none=True)
    long = fields.Float(load_default=None, allow_none=True)
    resident = fields.Nested(Resident, load_default=dict)
    due_at = fields.DateTime(required=True)
    note = fields.String(load_default=None, allow_none=True)


class CaseNotice(Lenient):
    """``case.chased`` / ``case.recalled``: a reminder (level 1), an escalation (level 2), or
    the case taken back."""
    case_id = fields.Integer(required=True)
    tracking_code = fields.String(load_default=None, allow_none=True)
    program_id = fields.String(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True)
    level = fields.Integer(load_default=1)


class CaseReported(Lenient):
    case_id = fields.Integer(required=True)
    program_id = fields.String(required=True, validate=PROGRAM_ID)
    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    note = fields.String(load_default=None, allow_none=True)
    result = fields.String(load_default=None, allow_none=True)
    reply = fields.String(load_default=None, allow_none=True)
    handler = fields.String(load_default=None, allow_none=True)

    @validates_schema
    def _resolved_has_result(self, data, **_):
        if data["status"] == "resolved" and not (data.get("result") or "").strip():
            raise ValidationError("a resolved case needs a result", "result")
        if data["status"] == "returned" and not (data.get("note") or "").strip():
            raise ValidationError("say why the case is returned", "note")


class Reference(Lenient):
    program_id = fields.String(required=True, validate=PROGRAM_ID)
    kind = fields.String(required=True, validate=validate.Length(min=1, max=40))
    id = fields.String(required=True, validate=validate.Length(min=1, max=100))


class CaseSubmitted(Lenient):
    """A case a program took in (an SMS reply, a call to its hotline) for intake to handle."""
    request_key = fields.String(required=True, validate=validate.Length(min=1, max=100))
    community = fields.String(required=True, validate=COMMUNITY_ID)
    channel = fields.String(required=True, validate=validate.OneOf(
        ("visit", "phone", "letter", "web", "sms", "wechat", "qq", "mailbox")))
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    resident = fields.Nested(Resident, load_default=dict)
    address = fields.String(load_default=None, allow_none=True)
    service_code = fields.String(load_default=None, allow_none=True, validate=SERVICE_CODE)
    attributes = fields.Dict(load_default=dict)
    reference = fields.Nested(Reference, load_default=None, allow_none=True)


def load_manifest(path: str, *, communities: str | None = None) -> dict:
    """Read a program's manifest file; ``communities`` (comma separated) overrides the file's."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    if communities:
        raw["communities"] = [c.strip() for c in communities.split(",") if c.strip()]
    return ProgramManifest().load(raw)


# -- the program side -----------------------------------------------------------------------------

class ProgramAnnouncer(DependencyProvider):  # pragma: no mutate block
    # (plumbing: its threads announce over RabbitMQ; the service and contract tests state it)
    """Announces a program on start and every ``heartbeat_seconds``; withdraws it on stop.

    The manifest is a YAML file beside the service; ``PROGRAM_COMMUNITIES`` in the config (or
    the environment) overrides which communities the program serves.
    """

    def __init__(self, manifest_path: str):
        self.manifest_path = str(manifest_path)

    def setup(self):
        config = self.container.config
        communities = config.get("PROGRAM_COMMUNITIES") or os.environ.get("PROGRAM_COMMUNITIES")
        self.manifest = load_manifest(self.manifest_path, communities=communities)
        self.manifest["heartbeat_seconds"] = float(
            config.get("HEARTBEAT_SECONDS", self.manifest["heartbeat_seconds"]))
        self.manifest["instance_id"] = (f"{socket.gethostname()}-{os.getpid()}-"
                                        f"{uuid.uuid4().hex[:6]}")
        self.manifest["rpc_service"] = (self.manifest.get("rpc_service")
                                        or self.container.service_name)
        self.publisher = ConfirmingPublisher(config["AMQP_URI"])
        self._stopped = threading.Event()
        verify_key(config)   # outside development, no start without the gateway's own key

    @property
    def program_id(self) -> str:
        return self.manifest["program_id"]

    @property
    def rpc_service(self) -> str:
        return self.manifest["rpc_service"]

    def announce(self) -> None:
        body = make_envelope("program.announced", ProgramManifest().dump(self.manifest),
                             source=self.program_id)
        self.publisher.publish(body, "program.announced")

    def _wait_until_consuming(self):
        """Announce only once this service consumes, so "announced" also means "ready"."""
        from nameko.messaging import QueueConsumer
        for extension in self.container.extensions:
            if isinstance(extension, QueueConsumer):
                try:
                    extension._consumers_ready.wait()
                except Exception:  # stopped while starting: nothing to announce
                    self._stopped.set()

    def _heartbeat(self):
        self._wait_until_consuming()
        declared = False
        while not self._stopped.is_set():
            try:
                if not declared:  # the queues exist before intake can route a case here
                    self.publisher.declare(program_cases_queue(self.program_id),
                                           program_discover_queue(self.program_id))
                    declared = True
                self.announce()
            except Exception as exc:
                _log.warning("could not announce %s: %s", self.program_id, exc)
            self._stopped.wait(self.manifest["heartbeat_seconds"])

    def start(self):
        self.container.spawn_managed_thread(self._heartbeat, identifier="program-heartbeat")

    def stop(self):
        self._stopped.set()
        try:
            body = make_envelope("program.withdrawn", {
                "program_id": self.program_id, "instance_id": self.manifest["instance_id"]},
                source=self.program_id)
            self.publisher.publish(body, "program.withdrawn")
        except Exception as exc:
            _log.warning("could not withdraw %s: %s", self.program_id, exc)
        self.publisher.close()

    def kill(self):
        self._stopped.set()
        self.publisher.close()

    def get_dependency(self, worker_ctx):
        return self
