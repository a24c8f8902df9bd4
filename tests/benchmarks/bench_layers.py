"""What intake's own code costs a case, layer by layer, without the bus.

``bench_intake.py`` prints intake's CPU per case over the whole flow (``/proc``): its rules, their
statements, its staff API and Open311 layers, and nameko, kombu and eventlet around them. This
runs intake's code in one process, under eventlet as the service runs, on a database made by
intake's migrations, one call after another, and prints the CPU each call took:

- a bare transaction through intake's store (``SELECT 1``, commit): the baseline of this run;
- a registration in the rules alone (``registration.register`` in a store transaction);
- the same through the staff API's layer, as the ``api`` RPC runs it (the gateway's signed
  statement verified, the route, the body's schema, the answer with the case's history);
- an Open311 POST as the ``open311`` RPC runs it (the api_key checked, GeoReport's answer);
- a program's report of acceptance as ``handle_report`` applies it (its inbox row, the sender's
  registration, the case locked and moved), alone and in a batch of ``BATCH`` reports that
  waited together (one transaction, as ``batch_consume`` hands them over).

What a case costs intake in the flow, less these, is the bus's share: nameko's RPC and consumer,
kombu, the outbox relay, eventlet's hub.

    .venv/bin/python tests/benchmarks/bench_layers.py --database both --cases 1000
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from contextlib import ExitStack  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

from sqlalchemy import text  # noqa: E402

from minzi.contract import ProgramManifest  # noqa: E402
from minzi.envelope import utcnow  # noqa: E402
from minzi.run import migrate  # noqa: E402
from minzi.staff_identity import LIFETIME_SECONDS as STATEMENT_LIFETIME_SECONDS  # noqa: E402
from minzi.staff_identity import dispatch_proven  # noqa: E402
from minzi.store import Store  # noqa: E402
from minzi.testing import make_staff, postgres_database, staff_statement  # noqa: E402

from intake import open311  # noqa: E402
from intake.api import router  # noqa: E402
from intake.domain import accounts, registration, registrations, reports  # noqa: E402
from intake.domain.access import Actor  # noqa: E402
from intake.domain.desk import Desk  # noqa: E402
from intake.domain.registry import Registry  # noqa: E402
from intake.models import Community, Inbox, Outbox  # noqa: E402
from intake.models import Staff as StaffRow  # noqa: E402

INTAKE = Path(__file__).resolve().parents[2] / "services" / "intake"
DEVELOPMENT = {"MINZI_ENV": "development"}   # the development keys sign and verify here
BATCH = 20    # reports waiting together, as a program's relay sends them under load
RECEPTIONIST = make_staff("receptionist", id=1, username="wang", name="王接待")
PROGRAM = ProgramManifest().load({
    "program_id": "legal_aid", "name": {"zh": "普法互助家园"}, "communities": ["rainbow-city"],
    "instance_id": "la-1", "service_types": [
        {"code": "labour_dispute", "name": {"zh": "劳动争议"}, "keywords": ["工资", "拖欠"],
         "time_limit_hours": 48,
         "attributes": [{"code": "employer", "datatype": "string", "required": True,
                         "description": "用人单位"}]}]})


class Layers:
    """Intake's store on ``url``, seeded with a community, a receptionist, a program offering
    one service type and an Open311 key; each method one call of a layer, for the ``n``-th
    case of the run."""

    def __init__(self, url: str):
        self.store_extension = Store("intake", Outbox, Inbox)
        self.store_extension.container = SimpleNamespace(
            config={"DATABASE_URL": url, "AMQP_URI": "memory://"})
        self.store_extension.setup()   # its relay is never started: the outbox only fills
        self.store = self.store_extension.get_dependency(None)
        self.service = SimpleNamespace(store=self.store, default_community="rainbow-city",
                                       config=DEVELOPMENT, desk=self.desk)
        with self.store.transaction() as tx:
            tx.session.add(Community(id="rainbow-city", name_zh="彩虹城社区"))
            tx.session.add(StaffRow(
                id=RECEPTIONIST["id"], username=RECEPTIONIST["username"],
                name=RECEPTIONIST["name"], role=RECEPTIONIST["role"],
                community_id="rainbow-city", password_hash="x"))
            # registered as the station's own program, its bus user its name, as a report's
            # sender is checked against it
            registrations.register_at_start(tx.session, ["legal_aid"], ["rainbow-city"],
                                            utcnow())
            Registry(tx.session).announce(PROGRAM, utcnow())
            tx.session.flush()
            self.api_key = accounts.create_api_key(tx.session, "rainbow-city", "bench", utcnow())
        self.statement, self.signed_at = "", 0.0
        self.registered: list[int] = []

    def desk(self, tx, now) -> Desk:
        return Desk(tx.session, tx.publish, now)

    @staticmethod
    def request(n: int) -> dict:
        return {"channel": "visit", "description": "公司拖欠我三个月工资",
                "resident_phone": f"138{n:08d}", "service_code": "labour_dispute",
                "attributes": {"employer": "某公司"}}

    def bare_transaction(self, n: int) -> None:
        with self.store.transaction() as tx:
            tx.session.execute(text("SELECT 1"))

    def rules(self, n: int) -> None:
        with self.store.transaction() as tx:
            case, created = registration.register(
                self.desk(tx, utcnow()), {"community": "rainbow-city", **self.request(n)},
                Actor.of_staff(RECEPTIONIST), f"rules-{n}")
            assert created
            tx.session.flush()
            self.registered.append(case.id)

    def staff_api(self, n: int) -> None:
        # the gateway signs each request's statement; signing is the gateway's CPU, not
        # intake's, so one is signed here now and then, well within its lifetime
        if time.monotonic() - self.signed_at > STATEMENT_LIFETIME_SECONDS / 2:
            self.statement, self.signed_at = staff_statement(RECEPTIONIST, "intake"), \
                time.monotonic()
        answer = dispatch_proven(router, {
            "method": "POST", "path": "/cases", "query": {}, "lang": "zh",
            "body": self.request(n), "staff_assertion": self.statement,
            "idempotency_key": None, "extra": {"request_key": f"http-{n}"}},
            audience="intake", config=DEVELOPMENT, service=self.service)
        assert answer["status"] == 201, answer
        json.dumps(answer)          # what nameko does with the answer
        self.registered.append(answer["body"]["id"])

    def open311(self, n: int) -> None:
        with self.store.transaction() as tx:
            desk = self.desk(tx, utcnow())
            status, body = open311.answer(
                desk, "create", open311.community_or_404(desk.registry, "rainbow-city",
                                                         "rainbow-city"),
                {}, {"api_key": self.api_key, "service_code": "labour_dispute",
                     "description": "公司拖欠我三个月工资", "phone": f"139{n:08d}",
                     "address_string": f"彩虹城{n}号楼"},
                {"employer": "某公司"}, f"open311-{n}", "zh")
        assert status == 201, body
        json.dumps({"status": status, "body": body})

    def report(self, n: int) -> None:
        self.reports(self.registered[n:n + 1])

    def report_in_batch(self, n: int) -> None:
        """The n-th batch of ``batch`` reports (its figure is divided by ``batch``)."""
        self.reports(self.registered[n * self.batch:(n + 1) * self.batch])

    def reports(self, case_ids: list[int]) -> None:
        event_ids = [f"report-{case_id}" for case_id in case_ids]
        with self.store.transaction(event_ids=event_ids, handler="reports") as tx:
            assert not any(tx.delivered_before(e) for e in event_ids)
            assert reports.apply_reports(self.desk(tx, utcnow()), [
                ({"case_id": case_id, "program_id": "legal_aid", "status": "accepted",
                  "handler": "李律师"}, "legal_aid") for case_id in case_ids],
                development=False) == []

    def close(self) -> None:
        self.store_extension.stop()


def cpu_ms_per_call(call, count: int, start: int) -> float:
    begin = time.process_time()
    for n in range(start, start + count):
        call(n)
    return 1000 * (time.process_time() - begin) / count


def bench(database: str, cases: int) -> dict[str, float]:
    with ExitStack() as stack:
        if database == "postgresql":
            url = stack.enter_context(postgres_database("minzi_bench_layers"))
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite:///{folder}/intake.db"
        migrate("intake", INTAKE, {"DATABASE_URL": url})   # as minzi-run does at start
        layers = Layers(url)
        stack.callback(layers.close)
        warm = min(50, cases)
        # warm-up: statements compiled, caches filled; every case from a phone of its own, so
        # that none repeats another
        for first, call in enumerate((layers.bare_transaction, layers.rules, layers.staff_api,
                                      layers.open311), start=1):
            cpu_ms_per_call(call, warm, first * 10_000_000)
        cpu_ms_per_call(layers.report, warm * 2, 0)               # the warm-up's cases accepted
        layers.registered = layers.registered[warm * 2:]
        figures = {}
        figures["bare"] = cpu_ms_per_call(layers.bare_transaction, cases, 0)
        figures["rules"] = cpu_ms_per_call(layers.rules, cases, 0)
        figures["staff_api"] = cpu_ms_per_call(layers.staff_api, cases, cases)
        figures["open311"] = cpu_ms_per_call(layers.open311, cases, 2 * cases)
        figures["report"] = cpu_ms_per_call(layers.report, cases, 0)
        layers.registered = layers.registered[cases:]       # the staff door's cases
        layers.batch = min(BATCH, cases)
        figures["report_in_batch"] = cpu_ms_per_call(
            layers.report_in_batch, cases // layers.batch, 0) / layers.batch
        figures["batch"] = layers.batch
        return figures


ROWS = (("bare", "a bare transaction (SELECT 1, commit): the baseline"),
        ("rules", "registration in the rules alone"),
        ("staff_api", "registration through the staff API (POST /cases)"),
        ("open311", "registration through Open311 (POST requests.json)"),
        ("report", "a program's acceptance applied (handle_report)"),
        ("report_in_batch", "the same, one of {batch} waiting together"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--cases", type=int, default=1000, help="calls of each layer")
    args = parser.parse_args(argv)
    databases = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    print("Intake's own code, one call after another in one process (eventlet as the service "
          "runs it), without the bus; CPU of this process per call:")
    for database in databases:
        figures = bench(database, args.cases)
        print(f"=== {database}: {args.cases} calls of each ===")
        for key, what in ROWS:
            what = what.format(batch=figures["batch"])
            print(f"  {what:<58} {figures[key]:6.2f} ms  "
                  f"({figures[key] / figures['bare']:.1f} bare transactions)")
        per_case = (figures["staff_api"] + figures["open311"]) / 2 + figures["report"]
        print(f"  a case as the benchmark sends them (half each door, and its acceptance): "
              f"{per_case:.2f} ms of intake's CPU in its own code and statements; "
              f"{per_case - figures['report'] + figures['report_in_batch']:.2f} ms with its "
              f"acceptance in a batch of {figures['batch']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
