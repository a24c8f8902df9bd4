"""Benchmark: cases through the public door (Open311 POST and the staff API) until their program
has accepted them and intake has recorded it, beside the bus's own rates measured in the same run
(a bare nameko RPC echo; a bare kombu persistent publish with confirms, and its consumption; a
case's hops alone, through nameko's own RPC, publisher and consumer, with no database and no
rule: ``path_service``).
Prints figures; asserts nothing.

    scripts/bench                                      # SQLite, then PostgreSQL
    scripts/bench --database postgresql --cases 3000 --seconds 60 --rates 50,100
    scripts/bench --cases 20 --seconds 3 --rates 10    # a quick look

For each database: the services (intake, the gateway, the test suite's sample program) start as
OS processes with ``minzi-run`` on a RabbitMQ vhost and databases of the run's own, as the
end-to-end tests start them. Then:

- baselines: the RPC echo, the kombu publish/consume and a case's hops alone, each for
  ``--baseline-seconds``;
- saturation: ``--concurrency`` clients post back to back, half through each door, every case
  from a resident of its own, until ``--cases`` cases are in and ``--seconds`` have passed;
  throughput counts until the last of them is accepted and recorded;
- each offered load of ``--rates`` (cases per second, posted on a fixed schedule whatever the
  answers do) for ``--rate-seconds``: the POST's latency and the latency from the POST to the
  program's acceptance as intake recorded it.

Where the time goes comes from what the services themselves recorded, per case: intake's history
(registered, accepted), its outbox (written, published), the program's inbox (handled) and
outbox (written, published). With py-spy installed, each service is sampled during the
saturation run and its samples are summed by layer; every service counts its own database
statements (``MINZI_STATEMENT_COUNTS``, see ``minzi.db``) and times its garbage collections
(``MINZI_GC_TIMES``, see ``minzi.nameko_cli``). Memory (RSS) of each service process is sampled
every second of the run.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import ExitStack
from datetime import UTC, datetime
from urllib.parse import urlparse

import requests

from gateway.door import DEFAULT_MAX_WAITING_REQUESTS

RABBIT_API = os.environ.get("RABBIT_MANAGEMENT_URL", "http://127.0.0.1:15672")
AUTH = ("guest", "guest")
OPEN311_KEY = "bench-open311-key"
ADMIN_PASSWORD = "bench-password-1"
SERVICES = ("intake", "gateway", "sample_program")
# what the gateway is given (its environment is this command's)
MAX_WAITING = os.environ.get("MAX_WAITING_REQUESTS") or DEFAULT_MAX_WAITING_REQUESTS
HERE = os.path.dirname(os.path.abspath(__file__))
PROFILE_SECONDS = 20   # the profiled run, at most
SERVICE_KINDS = (("a", "咨询"), ("b", "上门"), ("c", "登记"), ("d", "求助"))   # --programs' own


# -- figures --------------------------------------------------------------------------------------

def percentiles(samples):
    if not samples:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"),
                "mean": float("nan"), "n": 0}
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99),
            "mean": statistics.fmean(ordered), "n": len(ordered)}


class Report:
    """The table, printed as it fills."""

    def __init__(self):
        self.rows = {}

    def line(self, key, label, rate, latencies_ms, note=""):
        p = percentiles(latencies_ms)
        self.rows[key] = {"rate": rate, **p}
        rate_text = f"{rate:9.1f}/s" if rate is not None else " " * 11
        print(f"  {label:52} {rate_text}  p50 {p['p50']:7.1f}  p95 {p['p95']:7.1f}  "
              f"p99 {p['p99']:7.1f} ms  (n={p['n']}){note}", flush=True)
        return p


def wait_for(condition, timeout, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # not up yet
            pass
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {message}")


def moment(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# -- memory ---------------------------------------------------------------------------------------

def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemorySampler:
    """Every service process's resident memory, once a second, while the run lasts."""

    def __init__(self, pids):
        self.pids = pids
        self.samples = defaultdict(list)   # service: [(seconds since start, MB)]
        self.marks = []                    # (what had just ended, seconds since start)
        self._stop = threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def mark(self, what):
        """Notes the end of a part of the run, to print each service's RSS at that moment."""
        self.marks.append((what, time.monotonic() - self._started))

    def moments(self):
        """The marks on the machine's clock (``time.monotonic``), as the services keep theirs."""
        return [(what, self._started + at) for what, at in self.marks]

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            at = time.monotonic() - self._started
            for name, pid in self.pids.items():
                mb = rss_mb(pid)
                if mb is not None:
                    self.samples[name].append((at, mb))
            self._stop.wait(1.0)

    def stop(self):
        self._stop.set()
        self._thread.join(5)

    def print(self):
        print("\nMemory (RSS, MB) of each service process, sampled every second of the run:")
        print(f"  {'service':16} {'at start':>9} {'after warm-up':>14} {'max':>7} {'at end':>7}"
              f" {'end - warm':>11}")
        for name, series in self.samples.items():
            values = [mb for _, mb in series]
            warm = values[min(len(values) - 1, len(values) // 5)]
            print(f"  {name:16} {values[0]:9.1f} {warm:14.1f} {max(values):7.1f} "
                  f"{values[-1]:7.1f} {values[-1] - warm:+11.1f}   ({len(values)} samples)")
        if self.marks:
            # growth that stops when the load does is what the load holds (requests in flight,
            # per-phone counts); growth from one part to the next at the same load is a leak
            print("  at the end of each part: " + "; ".join(
                f"{what}: " + ", ".join(
                    f"{name} {self._at(series, at):.1f}" for name, series in self.samples.items())
                for what, at in self.marks))
            # past a part's first half its load is steady and warm-up is over: what still grows
            # there, part after part, is what a long run has to show flat
            starts = [0.0] + [at for _, at in self.marks[:-1]]
            print("  growth over the second half of each part: " + "; ".join(
                f"{what}: " + ", ".join(
                    f"{name} {self._at(series, at) - self._at(series, (start + at) / 2):+.1f}"
                    for name, series in self.samples.items())
                for (what, at), start in zip(self.marks, starts, strict=True)))

    @staticmethod
    def _at(series, at):
        before = [mb for t, mb in series if t <= at]
        return before[-1] if before else series[0][1]


# -- the profile ----------------------------------------------------------------------------------

LAYERS = [   # the first that matches a frame of the stack, leaf first, names the sample
    ("database: SQLite", ("sqlite3", "pysqlite")),
    ("database: PostgreSQL driver", ("psycopg2", "psycogreen")),
    ("database: SQLAlchemy", ("sqlalchemy",)),
    ("bus: kombu / amqp", ("kombu", "/amqp/")),
    ("json / envelopes", ("json/", "envelope.py")),
    ("marshmallow schemas", ("marshmallow",)),
    ("HTTP: werkzeug", ("werkzeug",)),
    ("logging", ("logging/",)),
    ("eventlet hub / green I/O", ("eventlet",)),
    ("nameko", ("nameko",)),
    ("minzi (shared)", ("/minzi/",)),
    ("intake domain", ("/intake/",)),
    ("gateway", ("/gateway/",)),
    ("program", ("sample_program", "/program",)),
]


def layer_of(stack):
    frames = stack.split(";")
    for frame in reversed(frames):   # leaf first
        for name, marks in LAYERS:
            if any(mark in frame for mark in marks):
                return name
    return "other (Python itself)"


class Profiler:
    """py-spy sampling each service for the saturation run, when py-spy is installed."""

    def __init__(self, pids, directory, rate=40):
        self.pids = pids
        self.directory = directory
        self.rate = rate
        self.processes = {}
        self.tool = shutil.which("py-spy") or (
            os.path.join(os.path.dirname(sys.executable), "py-spy")
            if os.path.exists(os.path.join(os.path.dirname(sys.executable), "py-spy")) else None)

    def start(self, seconds):
        if not self.tool:
            print("  (py-spy is not installed: no profile; pip install py-spy)")
            return
        for name, pid in self.pids.items():
            out = os.path.join(self.directory, f"{name}.profile.txt")
            self.processes[name] = (subprocess.Popen(
                [self.tool, "record", "--pid", str(pid), "--duration", str(int(seconds)),
                 "--rate", str(self.rate), "--format", "raw", "--nonblocking", "--output", out],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), out)

    def finish(self):
        results = {}
        for name, (process, out) in self.processes.items():
            try:
                _, err = process.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                _, err = process.communicate()
            if not os.path.exists(out):
                print(f"  {name}: py-spy recorded nothing ({err.decode()[-300:].strip()})")
                continue
            layers, leaves, total = Counter(), Counter(), 0
            with open(out) as handle:
                for line in handle:
                    stack, _, count = line.rstrip("\n").rpartition(" ")
                    if not count.isdigit():
                        continue
                    count = int(count)
                    total += count
                    layers[layer_of(stack)] += count
                    leaves[stack.split(";")[-1]] += count
            results[name] = (total, layers, leaves)
        return results

    @staticmethod
    def print(results, seconds, rate):
        if not results:
            return
        print(f"\nWhere each service spends its CPU (py-spy, {rate} samples/s of each busy "
              f"thread for {seconds:.0f} s of the saturation run; idle waits are not sampled):")
        for name, (total, layers, leaves) in results.items():
            busy = total / max(1, rate * seconds) * 100
            print(f"  {name}: {total} samples (busy ~{busy:.0f}% of one core)")
            for layer, count in layers.most_common(8):
                print(f"      {count / total * 100:5.1f}%  {layer}")
            print("    hottest functions (self):")
            for leaf, count in leaves.most_common(5):
                print(f"      {count / total * 100:5.1f}%  {leaf[:110]}")


def written_figures(path):
    """What a service wrote to ``path`` (JSON), or {} before it has."""
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def print_statements(before, after, cases):
    """Statements per case, by kind and table, from the counts each service keeps."""
    print(f"\nDatabase round trips per case (each service's own count over the saturation run, "
          f"{cases} cases; timers and heartbeats in the same seconds included):")
    for name in before:
        b, a = before[name], after[name]
        if not a:
            continue
        keys = ("statements", "commits", "rollbacks", "checkouts")
        per = {k: (a.get(k, 0) - b.get(k, 0)) / max(1, cases) for k in keys}
        print(f"  {name}: {per['statements']:.1f} statements, {per['commits']:.1f} commits, "
              f"{per['rollbacks']:.1f} rollbacks, {per['checkouts']:.1f} connection checkouts "
              f"per case (PostgreSQL pings one only after 5 s idle)")
        kinds = Counter({k: v - b.get("by_kind", {}).get(k, 0)
                         for k, v in a.get("by_kind", {}).items()})
        shown = ", ".join(f"{k} {v / max(1, cases):.1f}" for k, v in kinds.most_common(14)
                          if v / max(1, cases) >= 0.05)
        print(f"      {shown}")


STATEMENT_STATS_HOWTO = ("shared_preload_libraries = 'pg_stat_statements' and "
                         "pg_stat_statements.track_planning = on, then a restart of the server")


OWN_STATEMENT = "/* minzi-bench */ "


def mark_own_statement(conn, cursor, statement, parameters, context, executemany):
    return OWN_STATEMENT + statement, parameters


def statement_profile(before, after, cases):
    """Per case, each statement the server ran between two ``Suite.server_statements``: its
    calls and the server's time in it, executing and planning (ms); the most time first."""
    rows = []
    for key, (query, calls, exec_ms, plan_ms) in after.items():
        _, calls_before, exec_before, plan_before = before.get(key, (query, 0, 0.0, 0.0))
        if calls > calls_before:
            rows.append({"service": key[0], "statement": short_statement(query),
                         "calls": (calls - calls_before) / cases,
                         "exec": (exec_ms - exec_before) / cases,
                         "plan": (plan_ms - plan_before) / cases})
    return sorted(rows, key=lambda row: -(row["exec"] + row["plan"]))


def short_statement(query):
    """A statement on one line, its column lists left out."""
    query = " ".join(query.removeprefix(OWN_STATEMENT).split())
    query = re.sub(r"^SELECT .+? FROM ", "SELECT … FROM ", query)
    query = re.sub(r"^INSERT INTO (\S+) \([^()]*\)", r"INSERT INTO \1 (…)", query)
    query = re.sub(r"VALUES \([^()]*\)((?:, \([^()]*\))*)",
                   lambda rows: "VALUES (…)" + (", …" if rows.group(1) else ""), query)
    return query if len(query) <= 100 else query[:99] + "…"


def print_server_statements(before, after, cases, planning_tracked, shown=10):
    """Where PostgreSQL's own time went, statement by statement (a profile of the database,
    from the server's pg_stat_statements), when the server keeps those figures."""
    if before is None or after is None:
        print(f"\nPostgreSQL's time by statement: not measured; this server has not loaded "
              f"pg_stat_statements (to see it: {STATEMENT_STATS_HOWTO})")
        return
    rows = statement_profile(before, after, cases)
    spent, planning = sum(r["exec"] + r["plan"] for r in rows), sum(r["plan"] for r in rows)
    print(f"\nPostgreSQL's time by statement (its pg_stat_statements over the saturation run, "
          f"{cases} cases; time inside the server, which counts a wait for a core or a lock, "
          f"and not the commit's flush):")
    print(f"  all: {spent:.2f} ms a case, of which planning "
          + (f"{planning:.2f} ({planning / spent if spent else 0:.0%})" if planning_tracked
             else "not tracked (pg_stat_statements.track_planning = off)")
          + f"; {sum(r['calls'] for r in rows):.1f} statements a case")
    print(f"  {'ms a case':>9}  {'planning':>8}  {'calls':>5}  {'service':<14} statement")
    for row in rows[:shown]:
        print(f"  {row['exec'] + row['plan']:9.2f}  {row['plan']:8.2f}  {row['calls']:5.2f}  "
              f"{row['service']:<14} {row['statement']}")


GENERATIONS = {"2": "full", "1": "middle", "0": "young"}


def print_collections(figures, parts):
    """How often each service's garbage collections ran and how long they held it; and the
    longest in each part of the run (``parts``: what ended, at which ``time.monotonic()``), from
    the collections of 5 ms or more each service kept with their moment."""
    print("\nGarbage collection (each service's own timing from its start to the end of the run; "
          "a collection holds every green thread of its process):")
    for name, generations in figures.items():
        if not generations:
            continue
        print(f"  {name}: " + "; ".join(
            f"{GENERATIONS[g]} {generations[g]['collections']} (longest "
            f"{generations[g]['longest_ms']:.1f} ms, {generations[g]['total_ms']:.0f} ms in all)"
            for g in ("2", "1", "0")))
        longest = []
        starts = [float("-inf")] + [at for _, at in parts[:-1]]
        for (what, end), start in zip(parts, starts, strict=True):
            pauses = [(ms, g) for at, g, ms in generations.get("long", []) if start < at <= end]
            ms, g = max(pauses, default=(None, None))
            longest.append(f"{what} {ms:.1f} ms ({GENERATIONS[str(g)]})" if pauses else
                           f"{what} none of 5 ms or more")
        print("    longest in each part: " + ", ".join(longest))


# -- the suite ------------------------------------------------------------------------------------

class Suite:
    def __init__(self, database, stack, log_dir):
        from minzi.testing import ServiceProcess, free_port, postgres_database
        self.database = database
        self.log_dir = log_dir
        self.vhost = f"minzi-bench-{uuid.uuid4().hex[:6]}"
        requests.put(f"{RABBIT_API}/api/vhosts/{self.vhost}", auth=AUTH,
                     timeout=10).raise_for_status()
        stack.callback(lambda: requests.delete(f"{RABBIT_API}/api/vhosts/{self.vhost}",
                                               auth=AUTH, timeout=10))
        requests.put(f"{RABBIT_API}/api/permissions/{self.vhost}/guest", auth=AUTH, timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{self.vhost}"
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.urls = {}
        for service in ("intake", "sample_program"):
            if database == "postgresql":
                self.urls[service] = stack.enter_context(postgres_database("minzi_bench"))
            else:
                self.urls[service] = f"sqlite:///{log_dir}/{service}.db"
        self.counts = {s: os.path.join(log_dir, f"{s}.statements.json") for s in SERVICES}
        self.gc_times = {s: os.path.join(log_dir, f"{s}.gc.json") for s in SERVICES}
        common = {"AMQP_URI": self.amqp_uri, "LOG_LEVEL": "WARNING"}
        self.processes = {
            "intake": ServiceProcess("intake", {
                **common, "DATABASE_URL": self.urls["intake"],
                "MINZI_GC_TIMES": self.gc_times["intake"],
                "MINZI_STATEMENT_COUNTS": self.counts["intake"],
                "BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
                "BOOTSTRAP_OPEN311_API_KEY": OPEN311_KEY}, log_dir),
            "sample_program": ServiceProcess("sample_program", {
                **common, "DATABASE_URL": self.urls["sample_program"],
                "MINZI_GC_TIMES": self.gc_times["sample_program"],
                "MINZI_STATEMENT_COUNTS": self.counts["sample_program"]}, log_dir),
            "gateway": ServiceProcess("gateway", {
                **common, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                "MINZI_GC_TIMES": self.gc_times["gateway"],
                "OPEN311_REQUESTS_PER_KEY": "1000000/minute"}, log_dir),
        }
        stack.callback(self.stop)
        for process in self.processes.values():
            process.start()
        wait_for(lambda: any(s["service_code"] == "water_repair" for s in requests.get(
            f"{self.base}/open311/v2/services.json", timeout=5).json()), timeout=120,
            message="the suite to start")
        token = requests.post(f"{self.base}/api/v1/auth/token", timeout=10, json={
            "username": "admin", "password": ADMIN_PASSWORD}).json()["token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        from sqlalchemy import create_engine, event
        self.engines = {s: create_engine(self.urls[s].replace("postgresql://",
                                                             "postgresql+psycopg2://"))
                        for s in self.urls}
        for engine in self.engines.values():   # told apart from the services' own
            event.listen(engine, "before_cursor_execute", mark_own_statement, retval=True)
        stack.callback(lambda: [e.dispose() for e in self.engines.values()])
        self.planning_tracked = False

    def announce_programs(self, count):
        """``count`` programs besides the sample program, four service types each, announced on
        the bus as a program announces itself, so that intake's catalog is a district's size;
        they stay live for the run (an hour between heartbeats) and receive no case."""
        from minzi.bus import ConfirmingPublisher
        from minzi.contract import ProgramManifest
        from minzi.envelope import make_envelope
        publisher = ConfirmingPublisher(self.amqp_uri)
        for number in range(1, count + 1):
            program_id = f"bench_program_{number}"
            manifest = ProgramManifest().load({
                "program_id": program_id, "name": {"zh": f"便民项目{number}"},
                "communities": ["rainbow-city"], "heartbeat_seconds": 3600,
                "instance_id": f"{program_id}-1", "service_types": [{
                    "code": f"{program_id}_{kind}", "name": {"zh": f"{name}{number}"},
                    "keywords": [f"{name}{number}", f"关键词{number}{kind}"],
                    "time_limit_hours": 48, "attributes": [{
                        "code": "detail", "datatype": "string", "required": False,
                        "description": "详情"}]}
                    for kind, name in SERVICE_KINDS]})
            publisher.publish(make_envelope("program.announced",
                                            ProgramManifest().dump(manifest), source=program_id),
                              "program.announced")
        publisher.close()
        wait_for(lambda: len(requests.get(f"{self.base}/open311/v2/services.json",
                                          timeout=5).json()) >= 2 + 4 * count, timeout=60,
                 message=f"{count} more programs to be live")

    @property
    def pids(self):
        return {name: p.process.pid for name, p in self.processes.items()}

    def stop(self):
        for process in self.processes.values():
            process.stop()

    def statements(self):
        return {name: written_figures(path) for name, path in self.counts.items()}

    def server_statements(self):
        """What PostgreSQL's pg_stat_statements holds so far for the run's databases, by
        (service, statement): (text, calls, ms executing, ms planning); None on SQLite, or when
        the server has not loaded it (it must be, at the server's start)."""
        if self.database != "postgresql":
            return None
        from sqlalchemy import text
        services = {urlparse(url).path.lstrip("/"): service for service, url in self.urls.items()}
        with self.engines["intake"].connect() as connection:
            if not connection.execute(text(
                    "SELECT 'pg_stat_statements' = ANY(string_to_array(replace(current_setting("
                    "'shared_preload_libraries'), ' ', ''), ','))")).scalar():
                return None
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            connection.commit()
            self.planning_tracked = connection.execute(text(
                "SELECT current_setting('pg_stat_statements.track_planning')")).scalar() == "on"
            rows = connection.execute(text(
                "SELECT d.datname, s.queryid, s.query, s.calls, s.total_exec_time, "
                "s.total_plan_time FROM pg_stat_statements s JOIN pg_database d "
                "ON d.oid = s.dbid WHERE d.datname = ANY(:names)"), {"names": list(services)})
            figures = {}
            for row in rows:    # one statement may have a row per user, and per nesting level
                own = row.query.startswith(OWN_STATEMENT)
                key = ("this command" if own else services[row.datname], row.queryid)
                _, calls, exec_ms, plan_ms = figures.get(key, (row.query, 0, 0.0, 0.0))
                figures[key] = (row.query, calls + row.calls, exec_ms + row.total_exec_time,
                                plan_ms + row.total_plan_time)
            return figures

    def collections(self):
        return {name: written_figures(path) for name, path in self.gc_times.items()}

    def accepted_count(self, first_case_id):
        from sqlalchemy import text
        with self.engines["intake"].connect() as connection:
            return connection.execute(text(
                "SELECT count(*) FROM case_events WHERE action = 'accepted' AND case_id >= :f"),
                {"f": first_case_id}).scalar()

    def last_case_id(self):
        from sqlalchemy import text
        with self.engines["intake"].connect() as connection:
            return connection.execute(text("SELECT coalesce(max(id), 0) FROM cases")).scalar()

    def timelines(self, first_case_id):
        """Per case (by tracking code): registered and accepted (intake's history), the dispatch
        written and published (intake's outbox), handled by the program (its inbox), its report
        written and published (the program's outbox)."""
        from sqlalchemy import text
        out = {}
        with self.engines["intake"].connect() as connection:
            for case_id, code, action, at in connection.execute(text(
                    "SELECT c.id, c.tracking_code, e.action, e.at FROM cases c "
                    "JOIN case_events e ON e.case_id = c.id WHERE c.id >= :f "
                    "AND e.action IN ('registered', 'accepted')"), {"f": first_case_id}):
                out.setdefault(case_id, {"code": code})[action] = moment(at)
            dispatched = {}
            for event_id, body, created, published in connection.execute(text(
                    "SELECT event_id, body, created_at, published_at FROM outbox "
                    "WHERE routing_key LIKE 'case.dispatched.%'")):
                body = body if isinstance(body, dict) else json.loads(body)
                case_id = body["data"]["case_id"]
                if case_id in out:
                    out[case_id]["outbox_written"] = moment(created)
                    out[case_id]["outbox_published"] = moment(published) if published else None
                    dispatched[event_id] = case_id
        with self.engines["sample_program"].connect() as connection:
            for event_id, processed in connection.execute(text(
                    "SELECT event_id, processed_at FROM inbox")):
                if event_id in dispatched:
                    out[dispatched[event_id]]["program_handled"] = moment(processed)
            for body, created, published in connection.execute(text(
                    "SELECT body, created_at, published_at FROM outbox "
                    "WHERE routing_key LIKE 'case.reported%'")):
                body = body if isinstance(body, dict) else json.loads(body)
                case_id = body["data"]["case_id"]
                if case_id in out and body["data"].get("status") == "accepted":
                    out[case_id]["report_written"] = moment(created)
                    out[case_id]["report_published"] = moment(published) if published else None
        return {v["code"]: v for v in out.values()}


# -- baselines ------------------------------------------------------------------------------------

def bench_echo(amqp_uri, seconds, concurrency, log_dir, service="Echo"):
    """An RPC echo service (``echo_service.<service>``), called by ``concurrency`` clients for
    ``seconds``."""
    from nameko.standalone.rpc import ClusterRpcProxy
    env = {**os.environ, "PYTHONPATH": HERE}
    log = open(os.path.join(log_dir, f"{service}.log"), "wb")  # noqa: SIM115 - the process's log
    name = {"Echo": "bench_echo", "MinziEcho": "bench_minzi_echo"}[service]
    process = subprocess.Popen([sys.executable, "-m", "nameko", "run", "--broker", amqp_uri,
                                f"echo_service:{service}"], cwd=HERE, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        proxies = []
        for _ in range(concurrency):   # one proxy per client: it serves one caller at a time
            proxy = ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30)
            proxies.append((proxy, proxy.start()))
        wait_for(lambda: getattr(proxies[0][1], name).echo(1) == 1, timeout=60, message="echo")
        latencies, deadline = [], time.monotonic() + seconds

        def client(cluster):
            while time.monotonic() < deadline:
                started = time.perf_counter()
                getattr(cluster, name).echo("你好")
                latencies.append((time.perf_counter() - started) * 1000)

        started, cpu_before = time.perf_counter(), cpu_times()
        threads = [threading.Thread(target=client, args=(c,)) for _, c in proxies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        busy = (cpu_times()[0] - cpu_before[0]) / TICKS
        for proxy, _ in proxies:
            proxy.stop()
        return len(latencies) / elapsed, latencies, busy * 1000 / max(1, len(latencies))
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def bench_kombu(amqp_uri, seconds, concurrency):
    """Bare kombu: persistent messages published with confirms by ``concurrency`` publishers to
    a durable queue of the kind cases travel in, consumed by one consumer that acks each."""
    from kombu import Connection, Exchange, Producer, Queue

    from minzi.contract import kept_queue_arguments
    exchange = Exchange("bench.kombu", type="topic", durable=True)
    queue = Queue(f"bench.kombu.{uuid.uuid4().hex[:6]}", exchange=exchange, routing_key="bench",
                  durable=True, queue_arguments=kept_queue_arguments())
    latencies, received = [], [0]
    published = [0]
    done = threading.Event()
    body = {"event_id": str(uuid.uuid4()), "type": "bench", "data": {"text": "楼道水管漏水" * 10}}

    with Connection(amqp_uri) as setup:
        queue(setup.default_channel).declare()

    def on_message(message_body, message):
        latencies.append((time.time() - message_body["sent"]) * 1000)
        received[0] += 1
        message.ack()

    def consume():
        with Connection(amqp_uri) as connection, connection.Consumer(
                queue, callbacks=[on_message], prefetch_count=100):
            while not (done.is_set() and received[0] >= published[0]):
                try:
                    connection.drain_events(timeout=0.5)
                except TimeoutError:
                    pass
                except OSError:
                    if done.is_set():
                        break
                    raise

    deadline = time.monotonic() + seconds

    def publish():
        with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
            producer = Producer(connection.default_channel, exchange=exchange)
            while time.monotonic() < deadline:
                producer.publish({**body, "sent": time.time()}, routing_key="bench",
                                 delivery_mode=2, serializer="json")
                published[0] += 1

    consumer = threading.Thread(target=consume)
    consumer.start()
    started = time.perf_counter()
    publishers = [threading.Thread(target=publish) for _ in range(concurrency)]
    for thread in publishers:
        thread.start()
    for thread in publishers:
        thread.join()
    done.set()
    consumer.join(60)
    elapsed = time.perf_counter() - started
    with Connection(amqp_uri) as teardown:
        queue(teardown.default_channel).delete()
    return received[0] / elapsed, latencies


PATHS = {   # the hops a case makes, alone (path_service): its services by part (started in this
    # order), its desk's name, its queues
    "nameko": ({"desk": "PathDesk", "program": "PathProgram", "door": "PathDoor"},
               "bench_path_desk", ("DISPATCHED", "REPORTS")),
    "minzi": ({"desk": "MinziPathDesk", "program": "MinziPathProgram", "door": "MinziPathDoor"},
              "bench_minzi_path_desk", ("MINZI_DISPATCHED", "MINZI_REPORTS")),
}


def bench_path(amqp_uri, seconds, concurrency, log_dir, way="nameko"):
    """The case's path with nothing on it (``path_service``), as nameko makes its hops or as
    Minzi does (``way``): three nameko services, each its own process, posted to over HTTP by
    ``concurrency`` clients for ``seconds``. Returns cases a second until the last report
    arrived, the latencies from the POST to the report, the machine's CPU a case, and that CPU
    by part (the door, the desk, the program, RabbitMQ, the clients: ms a case)."""
    import socket

    import path_service  # beside this script, as echo_service is
    from kombu import Connection
    from nameko.standalone.rpc import ClusterRpcProxy
    services, desk_name, queues = PATHS[way]
    with socket.socket() as probe:    # a free port for the door
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    config = os.path.join(log_dir, f"path-{way}.yaml")
    with open(config, "w") as handle:
        json.dump({"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": address}, handle)  # YAML too
    env = {**os.environ, "PYTHONPATH": HERE}
    with Connection(amqp_uri) as setup:   # bound before anything is published to them
        for queue in queues:
            getattr(path_service, queue)(setup.default_channel).declare()
    with ExitStack() as stack:
        pids = {}
        for part, service in services.items():
            log = stack.enter_context(open(os.path.join(log_dir, f"{service}.log"), "wb"))
            process = subprocess.Popen(
                [sys.executable, "-m", "nameko", "run", "--config", config,
                 f"path_service:{service}"], cwd=HERE, env=env, stdout=log,
                stderr=subprocess.STDOUT)
            stack.callback(process.wait, 10)
            stack.callback(process.terminate)
            pids[part] = process.pid
        proxy = ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30)
        desk = getattr(proxy.start(), desk_name)
        stack.callback(proxy.stop)
        url = f"http://{address}/cases"
        form = {"service_code": "water_repair", "phone": "13900000000",
                "description": "楼道水管漏水", "address_string": "彩虹城1号楼",
                "first_name": "三", "last_name": "张", "attribute[floor]": "3"}
        wait_for(lambda: requests.post(url, data=form, timeout=5).status_code == 201,
                 timeout=60, message="the path's door")
        wait_for(lambda: desk.accepted(), timeout=60, message="the path's first report")
        posted, deadline = {}, time.monotonic() + seconds

        def client():
            session = requests.Session()
            while time.monotonic() < deadline:
                at = time.time()
                response = session.post(url, data=form, timeout=60)
                response.raise_for_status()
                posted[response.json()["case"]] = at

        started, cpu_before, used_before = time.time(), cpu_times(), process_cpu(pids)
        threads = [threading.Thread(target=client) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wait_for(lambda: len(posted.keys() & {int(n) for n in desk.accepted()}) == len(posted),
                 timeout=120, interval=0.1, message="every report on the path")
        busy = (cpu_times()[0] - cpu_before[0]) / TICKS
        used_after = process_cpu(pids)
        accepted = {int(n): at for n, at in desk.accepted().items()}
        last = max(accepted[n] for n in posted)
        latencies = [(accepted[n] - at) * 1000 for n, at in posted.items()]
        cases = max(1, len(posted))
        parts = {part: (used_after[part] - used_before.get(part, 0)) * 1000 / cases
                 for part in ("door", "desk", "program", "RabbitMQ", CLIENTS)}
        # the wait for the last report counts a little idle CPU too: an upper bound
        return len(posted) / (last - started), latencies, busy * 1000 / cases, parts


def path_parts(parts):
    """A path's CPU a case by part, as printed: ``door 1.2, desk 0.9, …``."""
    return ", ".join(f"{part.removeprefix('this command ').strip('()')} {ms:.2f}"
                     for part, ms in parts.items())


# -- cases through the door -----------------------------------------------------------------------

class Door:
    """Posts cases, each from a resident of its own, alternately through Open311 and the staff
    API; remembers when each was posted and its tracking code."""

    def __init__(self, suite):
        self.suite = suite
        self.number = 0
        self.lock = threading.Lock()
        self.sessions = threading.local()

    def _session(self):
        if not hasattr(self.sessions, "s"):
            self.sessions.s = requests.Session()
        return self.sessions.s

    def post(self):
        with self.lock:
            self.number += 1
            n = self.number
        phone = f"139{n:08d}"
        session = self._session()
        posted_at = time.time()
        started = time.perf_counter()
        if n % 2:
            response = session.post(f"{self.suite.base}/open311/v2/requests.json", timeout=60,
                                    data={"api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
                                          "service_code": "water_repair", "phone": phone,
                                          "description": f"第{n}号：楼道水管漏水",
                                          "address_string": f"彩虹城{n}号楼",
                                          "first_name": "三", "last_name": f"张{n}",
                                          "attribute[floor]": "3"})
            ms = (time.perf_counter() - started) * 1000
            if response.status_code != 201:
                return None
            code = re.search(r"(?:查询码|tracking code) (\w+)",
                             response.json()[0]["service_notice"]).group(1)
        else:
            response = session.post(f"{self.suite.base}/api/v1/cases", timeout=60,
                                    headers=self.suite.headers, json={
                                        "channel": "visit", "description": f"第{n}号：楼道水管漏水",
                                        "service_code": "water_repair", "attributes": {"floor": 3},
                                        "address": f"彩虹城{n}号楼", "resident_phone": phone})
            ms = (time.perf_counter() - started) * 1000
            if response.status_code != 201:
                return None
            code = response.json()["tracking_code"]
        return code, posted_at, ms


def run_saturation(door, cases, seconds, concurrency):
    """``concurrency`` clients back to back until ``cases`` are in and ``seconds`` have passed."""
    results, failures = [], [0]
    started = time.monotonic()

    def client():
        while len(results) < cases or time.monotonic() - started < seconds:
            got = door.post()
            if got is None:
                failures[0] += 1
            else:
                results.append(got)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, failures[0], time.monotonic() - started


def run_rate(door, rate, seconds):
    """Posts ``rate`` cases a second on a fixed schedule for ``seconds``, whatever the answers."""
    results, failures = [], [0]
    count = max(1, int(rate * seconds))
    started = time.monotonic()
    threads = []

    def one():
        try:
            got = door.post()
        except requests.RequestException:   # no answer in time: counted as refused
            got = None
        if got is None:
            failures[0] += 1
        else:
            results.append(got)

    for i in range(count):
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=one)
        thread.start()
        threads.append(thread)
    late = max(0.0, time.monotonic() - (started + (count - 1) / rate))
    for thread in threads:
        thread.join()
    return results, failures[0], late


def settle(suite, first_case_id, expected, timeout):
    """Waits until intake has recorded every case's acceptance; when the last one was."""
    wait_for(lambda: suite.accepted_count(first_case_id) >= expected, timeout=timeout,
             interval=0.1, message=f"{expected} cases accepted")


HOPS = [   # (label, from, to); the first five add up to the whole, POST to acceptance
    ("POST -> intake starts registering (gateway, RPC)", "posted", "registered"),
    ("registering -> dispatch written (intake's work)", "registered", "outbox_written"),
    ("dispatch written -> program handled it", "outbox_written", "program_handled"),
    ("program handled -> its report written", "program_handled", "report_written"),
    ("report written -> intake records acceptance", "report_written", "accepted"),
    ("  of which: dispatch written -> relay confirmed", "outbox_written", "outbox_published"),
    ("  of which: report written -> relay confirmed", "report_written", "report_published"),
]


def flow(results, timelines):
    """End-to-end latencies (POST to the acceptance intake recorded) and each hop's."""
    end_to_end, hops = [], defaultdict(list)
    for code, posted_at, _ in results:
        t = timelines.get(code)
        if not t or "accepted" not in t:
            continue
        t = {**t, "posted": datetime.fromtimestamp(posted_at, UTC)}
        end_to_end.append((t["accepted"] - t["posted"]).total_seconds() * 1000)
        for label, a, b in HOPS:
            if t.get(a) and t.get(b):
                hops[label].append((t[b] - t[a]).total_seconds() * 1000)
    return end_to_end, hops


def print_hops(hops):
    print("\nWhere a case's time goes, hop by hop (each service's own timestamps; ms):")
    for label, _, _ in HOPS:
        p = percentiles(hops.get(label, []))
        print(f"  {label:52} p50 {p['p50']:7.1f}  p95 {p['p95']:7.1f}  p99 {p['p99']:7.1f}")


def cpu_times():
    """(busy, total) jiffies of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]          # idle, iowait
    return sum(values) - idle, sum(values)


TICKS = os.sysconf("SC_CLK_TCK")


CLIENTS = "this command (clients)"


def process_cpu(services):
    """CPU seconds used so far by each process still running, grouped: each service by its pid,
    RabbitMQ, PostgreSQL (its server and every backend), this command, and the rest."""
    names = {pid: name for name, pid in services.items()}
    used = Counter()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue   # gone since the listing
        command, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:]
        values = fields.split()
        seconds = (int(values[11]) + int(values[12])) / TICKS     # utime, stime
        pid = int(entry)
        if pid in names:
            group = names[pid]
        elif command == "beam.smp" or command.startswith(("erl_", "epmd", "inet_gethost")):
            group = "RabbitMQ"
        elif command.startswith("postgres"):
            group = "PostgreSQL"
        elif pid == os.getpid():
            group = CLIENTS
        else:
            group = "other"
        used[group] += seconds
    return used


def print_cpu_per_case(before, after, cases, echo_ms):
    """Where the machine's CPU went, per case, beside what one echo call cost it."""
    spent = {group: (after[group] - before.get(group, 0)) * 1000 / cases
             for group in after if after[group] - before.get(group, 0) > 0}
    total = sum(spent.values())
    print(f"\nCPU per case (ms of one core, from /proc over the saturation run, {cases} cases; "
          f"a process that exited meanwhile is not counted):")
    print("  " + ", ".join(f"{group} {ms:.1f}" for group, ms in
                           sorted(spent.items(), key=lambda item: -item[1]))
          + f"; all {total:.1f}")
    print(f"  one echo call cost the machine {echo_ms:.2f} ms of CPU (its service, RabbitMQ, "
          f"its clients; the mean of the echo before and after the run): a case costs "
          f"{total / echo_ms:.1f} echo calls")
    return spent


def print_budget(echo_ms, case_cpu, hops_ms, hops_parts):
    """What the throughput target leaves a case, in CPU, beside what this run's case spent: its
    hops alone (as Minzi makes them), its database's server, what its clients and the rest of
    the machine spent beyond the path's clients, and the services' work beyond carrying it
    (rules, statements, checks, answers: the services' and RabbitMQ's CPU over the path's)."""
    budget, spent = 4 * echo_ms, sum(case_cpu.values())
    server = case_cpu.get("PostgreSQL", 0.0)
    clients = case_cpu.get(CLIENTS, 0.0) + case_cpu.get("other", 0.0) - hops_parts[CLIENTS]
    work = spent - hops_ms - server - clients
    print(f"  the target's CPU budget: at 0.25x the echo a case may cost the machine 4 echo "
          f"calls, {budget:.1f} ms; this run's case cost {spent:.1f} ms = the hops alone as "
          f"Minzi makes them {hops_ms:.1f}"
          + (f" + PostgreSQL's server {server:.1f}" if server else "")
          + f" + its clients and the rest of the machine beyond the path's {clients:.1f} + the "
          f"services' work beyond carrying it {work:.1f}; that work may cost at most "
          f"{budget - hops_ms - server - clients:.1f} ms for the case to reach the target")


def machine_busy(before, after):
    """How much of all its cores the machine used between two ``cpu_times``."""
    busy, total = after[0] - before[0], after[1] - before[1]
    return busy / total if total else 0.0


def machine():
    cores = os.cpu_count()
    load = os.getloadavg()
    model = ""
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle
                          if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{cores} cores ({model}), load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"


def profile(suite, door, args):
    """A second saturation run, with py-spy sampling each service: apart from the measured one,
    because the sampling itself takes CPU (about a tenth of the machine) that the services
    would otherwise have."""
    seconds = min(args.seconds, PROFILE_SECONDS)
    print(f"\nProfiled run: {args.concurrency} clients back to back for {seconds:g} s more, "
          f"py-spy sampling each service (its figures are not the ones above):", flush=True)
    first = suite.last_case_id() + 1
    profiler = Profiler(suite.pids, suite.log_dir)
    profiler.start(seconds)
    results, _, posting = run_saturation(door, 0, seconds, args.concurrency)
    profiled = profiler.finish()
    settle(suite, first, len(results), args.settle_timeout)
    Profiler.print(profiled, min(seconds, posting), profiler.rate)


def bench(database, args):
    print(f"\n=== {database}: {machine()} ===", flush=True)
    log_dir = tempfile.mkdtemp(prefix=f"minzi-bench-{database}-")
    report = Report()
    with ExitStack() as stack:
        suite = Suite(database, stack, log_dir)
        suite.announce_programs(args.programs - 1)
        print(f"Catalog: the sample program and {args.programs - 1} more, "
              f"{2 + 4 * (args.programs - 1)} service types in the community")
        memory = MemorySampler(suite.pids).start()
        stack.callback(memory.stop)
        door = Door(suite)
        for _ in range(10):   # warm up: connections, caches, the program's queue
            door.post()
        settle(suite, 1, 10, 120)
        memory.mark("warm-up")

        print(f"\nBaselines, same run ({args.baseline_seconds:g} s each, "
              f"{args.concurrency} clients):")
        echo_rate, echo_ms, echo_cpu_ms = bench_echo(
            suite.amqp_uri, args.baseline_seconds, args.concurrency, log_dir)
        echo = report.line("echo", "bare nameko RPC echo (call and answer)", echo_rate, echo_ms)
        own_rate, own_ms, own_cpu_ms = bench_echo(
            suite.amqp_uri, args.baseline_seconds, args.concurrency, log_dir, "MinziEcho")
        report.line("minzi-echo", "the same echo through minzi.rpc (replies unconfirmed)",
                    own_rate, own_ms, f"  {own_cpu_ms:.2f} ms CPU a call, the bare echo "
                    f"{echo_cpu_ms:.2f}")
        kombu_rate, kombu_ms = bench_kombu(suite.amqp_uri, args.baseline_seconds,
                                           args.concurrency)
        kombu = report.line("kombu", "bare kombu persistent publish+confirm -> consume",
                            kombu_rate, kombu_ms)
        path_rate, path_ms, path_cpu_ms, path_cpu = bench_path(
            suite.amqp_uri, args.baseline_seconds, args.concurrency, log_dir)
        report.line("path", "a case's hops alone, nameko's defaults, no database", path_rate,
                    path_ms, f"  {path_cpu_ms:.2f} ms CPU a case ({path_parts(path_cpu)})")
        hops_rate, hops_ms, hops_cpu_ms, hops_cpu = bench_path(
            suite.amqp_uri, args.baseline_seconds, args.concurrency, log_dir, "minzi")
        report.line("minzi-path", "a case's hops alone, as Minzi makes them, no database",
                    hops_rate, hops_ms, f"  {hops_cpu_ms:.2f} ms CPU a case "
                    f"({path_parts(hops_cpu)})")

        print(f"\nSaturation: {args.concurrency} clients back to back, at least {args.cases} "
              f"cases and {args.seconds:g} s, half Open311 POST, half POST /api/v1/cases:",
              flush=True)
        first = suite.last_case_id() + 1
        before, server_before = suite.statements(), suite.server_statements()
        started, cpu_before, used_before = time.time(), cpu_times(), process_cpu(suite.pids)
        results, failures, posting = run_saturation(door, args.cases, args.seconds,
                                                    args.concurrency)
        cpu_during = machine_busy(cpu_before, cpu_times())
        settle(suite, first, len(results), args.settle_timeout)
        used_after = process_cpu(suite.pids)
        memory.mark("saturation")
        time.sleep(1.2)    # the services write their statement counts once a second
        after, server_after = suite.statements(), suite.server_statements()
        timelines = suite.timelines(first)
        end_to_end, hops = flow(results, timelines)
        last = max(t["accepted"] for t in timelines.values() if "accepted" in t)
        accepted_in = (last - datetime.fromtimestamp(started, UTC)).total_seconds()
        rate = len(results) / accepted_in
        report.line("post", "POST (either door) answered", len(results) / posting,
                    [r[2] for r in results], f"  refused {failures}")
        sat = report.line("saturation", "POST -> accepted by the program, recorded", rate,
                          end_to_end)
        print(f"    {len(results)} cases posted in {posting:.1f} s, every one accepted and "
              f"recorded {accepted_in:.1f} s after the first POST; the machine's cores were "
              f"{cpu_during:.0%} busy while they were posted (every process: the services, "
              f"RabbitMQ, the database, this command's clients)")
        # the echo once more: this machine's pace moves within minutes, so the run is set
        # beside the echo before and after it, their mean the ratios' denominator
        echo_before, echo_cpu_before = echo_rate, echo_cpu_ms
        echo_after, echo_after_ms, echo_cpu_after = bench_echo(
            suite.amqp_uri, args.baseline_seconds, args.concurrency, log_dir)
        report.line("echo-after", "bare nameko RPC echo, again after the run", echo_after,
                    echo_after_ms,
                    f"  {echo_cpu_after:.2f} ms CPU a call, before the run {echo_cpu_before:.2f}")
        echo_rate = (echo_before + echo_after) / 2
        echo_cpu_ms = (echo_cpu_before + echo_cpu_after) / 2
        print_hops(hops)
        print_statements(before, after, len(results))
        case_cpu = print_cpu_per_case(used_before, used_after, len(results), echo_cpu_ms)
        if database == "postgresql":
            print_server_statements(server_before, server_after, len(results),
                                    suite.planning_tracked)
        profile(suite, door, args)

        fixed, refused = {}, {}
        for offered in args.rates:
            print(f"\nOffered load {offered:g} cases/s for {args.rate_seconds:g} s "
                  f"(a fixed schedule, alternating doors):", flush=True)
            if offered > rate:
                print(f"    beyond the {rate:.1f}/s saturation reached: the gateway answers 503 "
                      f"to what would wait past its MAX_WAITING_REQUESTS ({MAX_WAITING}), "
                      f"counted as refused")
            first = suite.last_case_id() + 1
            results, failures, late = run_rate(door, offered, args.rate_seconds)
            settle(suite, first, len(results), args.settle_timeout)
            memory.mark(f"{offered:g}/s")
            end_to_end, hops = flow(results, suite.timelines(first))
            report.line(f"post@{offered:g}", "POST (either door) answered", None,
                        [r[2] for r in results], f"  refused {failures}")
            refused[offered] = failures / (failures + len(results))
            fixed[offered] = report.line(f"flow@{offered:g}", "POST -> accepted by the program",
                                         None, end_to_end,
                                         f"  schedule behind by {late:.1f} s" if late > 1 else "")
            print_hops(hops)
        memory.stop()
        memory.print()
        print_collections(suite.collections(), memory.moments())

        print(f"\nSummary ({database}; ratios to the bus's own rates in this run):")
        # three places: 0.245 is not yet the quarter it would round to
        print(f"  end-to-end at saturation: {rate:.1f} cases/s = {rate / echo_rate:.3f}x the RPC "
              f"echo ({echo_rate:.1f}/s, the mean of {echo_before:.1f} before the run and "
              f"{echo_after:.1f} after), {rate / kombu_rate:.3f}x kombu publish+consume "
              f"({kombu_rate:.0f}/s); target >= 0.25x the echo")
        print(f"  a case's hops alone (POST -> RPC -> program -> report, through nameko's own "
              f"RPC, publisher and consumer, with no database and no rule): {path_rate:.1f}/s = "
              f"{path_rate / echo_rate:.3f}x the echo, {path_cpu_ms / echo_cpu_ms:.1f} echo calls "
              f"of CPU a case; the case end to end reaches {rate / path_rate:.2f} of that rate at "
              f"{sum(case_cpu.values()) / echo_cpu_ms:.1f} echo calls")
        print(f"  a case's hops alone as Minzi makes them (its requests transient, its messages "
              f"confirmed and consumed in batches): {hops_rate:.1f}/s = "
              f"{hops_rate / echo_rate:.3f}x the echo, {hops_cpu_ms / echo_cpu_ms:.1f} echo calls "
              f"of CPU a case; the case end to end reaches {rate / hops_rate:.2f} of that rate")
        print_budget(echo_cpu_ms, case_cpu, hops_cpu_ms, hops_cpu)
        print(f"  latency p50 at saturation: {sat['p50']:.0f} ms = {sat['p50'] / echo['p50']:.0f}x "
              f"an echo call's p50, {sat['p50'] / kombu['p50']:.0f}x a kombu message's p50")
        for offered, p in fixed.items():
            print(f"  POST -> accepted at {offered:g}/s: p50 {p['p50']:.0f} ms, p95 "
                  f"{p['p95']:.0f} ms, p99 {p['p99']:.0f} ms"
                  + (f", {refused[offered]:.0%} refused" if refused[offered] else "")
                  + ("  (target: p99 < 100 ms)" if offered == 50 else ""))
        print(f"  logs and profiles: {log_dir}", flush=True)
    return report.rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, default=3000,
                        help="at least this many cases in the saturation run")
    parser.add_argument("--seconds", type=float, default=60,
                        help="the saturation run lasts at least this long")
    parser.add_argument("--rates", default="50,100", help="offered loads, cases per second")
    parser.add_argument("--rate-seconds", type=float, default=30,
                        help="how long each offered load lasts")
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--programs", type=int, default=12,
                        help="programs live in the community (the sample program and others "
                             "with four service types each), as a district's station has")
    parser.add_argument("--settle-timeout", type=float, default=600,
                        help="how long to wait for every case's acceptance")
    args = parser.parse_args(argv)
    args.rates = [float(r) for r in args.rates.split(",") if r.strip()]
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    print(f"Minzi benchmark: services as OS processes (minzi-run) on one machine, RabbitMQ on "
          f"127.0.0.1; {', '.join(databases)}")
    for database in databases:
        bench(database, args)


def stopped(signum, frame):
    """Stopped (``kill``, a CI's timeout): leave as after Ctrl-C, the services stopped and the
    run's vhost and databases dropped."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    import eventlet
    eventlet.monkey_patch()
    signal.signal(signal.SIGTERM, stopped)
    main()
