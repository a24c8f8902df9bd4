"""The benchmark runs, on a few cases, and prints every figure it promises. Its figures are not
judged here: timing belongs to the benchmark's output, never to a test's pass or fail."""
import contextlib
import os
import re
import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e

HERE = os.path.dirname(os.path.abspath(__file__))
FIGURE = r"\s+p50\s+[\d.]+\s+p95\s+[\d.]+\s+p99\s+[\d.]+"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_benchmark_prints_every_figure(database):
    result = subprocess.run(
        [sys.executable, os.path.join(HERE, "bench_intake.py"), "--database", database,
         "--cases", "20", "--seconds", "2", "--rates", "2", "--rate-seconds", "3",
         "--baseline-seconds", "1", "--concurrency", "4", "--settle-timeout", "120"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "MINZI_TEST_DATABASE_URL": os.environ.get(
            "MINZI_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")})
    out = result.stdout
    assert result.returncode == 0, out[-3000:] + result.stderr[-3000:]

    assert re.search(rf"=== {database}: \d+ cores", out), out            # the machine
    assert "Catalog: the sample program and 11 more, 46 service types" in out, out
    for row in ("bare nameko RPC echo", "bare nameko RPC echo, again after the run",
                "bare kombu persistent publish\\+confirm -> consume",
                "a case's hops alone, nameko's defaults, no database",
                "a case's hops alone, as Minzi makes them, no database",
                "POST \\(either door\\) answered",
                "POST -> accepted by the program, recorded"):
        assert re.search(rf"{row}[^\n]*?\s+[\d.]+/s{FIGURE} ms", out), (row, out)
    assert re.search(rf"POST -> accepted by the program{FIGURE} ms\s+\(n=\d+", out), out  # at 2/s
    for hop in ("POST -> intake starts registering", "registering -> dispatch written",
                "dispatch written -> program handled it", "program handled -> its report",
                "report written -> intake records acceptance"):
        assert re.search(rf"{hop}.*{FIGURE}", out), (hop, out)
        # at saturation, and again at the fixed load
        assert len(re.findall(rf"{hop}.*{FIGURE}", out)) == 2, (hop, out)
    for service in ("intake", "sample_program"):                        # round trips
        assert re.search(rf"{service}: [\d.]+ statements, [\d.]+ commits", out), out
    for service in ("intake", "gateway", "sample_program"):             # memory
        assert re.search(rf"\n  {service}\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[+-][\d.]+", out)
    for service in ("intake", "gateway", "sample_program"):             # garbage collection
        assert re.search(rf"\n  {service}: full \d+ \(longest [\d.]+ ms, \d+ ms in all\); "
                         rf"middle \d+ .*; young [1-9]\d* .*\n    longest in each part: "
                         rf"warm-up .*, saturation .*, 2/s (none of 5 ms or more|[\d.]+ ms)",
                         out), out
    # and at the end of each part of the run, to tell what a load holds from a leak
    assert re.search(r"at the end of each part: warm-up: intake [\d.]+, .*; saturation: .*; "
                     r"2/s: intake [\d.]+", out), out
    assert re.search(r"growth over the second half of each part: warm-up: intake [+-][\d.]+, "
                     r".*; saturation: .*; 2/s: intake [+-][\d.]+", out), out
    assert re.search(r"the machine's cores were \d+% busy while they were posted", out), out
    assert "Where each service spends its CPU" in out or "no profile" in out, out
    # the CPU each part of the machine spent per case, and what an echo call cost it
    cpu = re.search(r"CPU per case .*\n  (.*); all ([\d.]+)\n.*cost the machine ([\d.]+) ms", out)
    assert cpu, out
    assert {"intake", "sample_program", "gateway", "RabbitMQ"} <= {
        part.rsplit(" ", 1)[0] for part in cpu.group(1).split(", ")}, cpu.group(0)
    assert float(cpu.group(2)) > 0 and float(cpu.group(3)) > 0, cpu.group(0)
    # the ratios, to 3 places, against the mean of the echo before and after the run
    echo = re.search(r"end-to-end at saturation: [\d.]+ cases/s = \d\.\d{3}x the RPC echo "
                     r"\(([\d.]+)/s, the mean of ([\d.]+) before the run and ([\d.]+) after\), "
                     r"\d\.\d{3}x kombu", out)
    assert echo, out
    mean, before, after = map(float, echo.groups())
    assert abs(mean - (before + after) / 2) < 0.1, echo.group(0)
    # the hops a case makes, alone, as a rate beside the echo's and as CPU in echo calls
    # (nameko's way and Minzi's), their CPU by part
    for way in ("nameko's defaults", "as Minzi makes them"):
        assert re.search(rf"a case's hops alone, {way}, no database\s+[\d.]+/s.*\(n=\d+\)"
                         r"  [\d.]+ ms CPU a case \(door [\d.]+, desk [\d.]+, program [\d.]+, "
                         r"RabbitMQ [\d.]+, clients [\d.]+\)", out), (way, out)
    assert re.search(r"a case's hops alone \(.*\): [\d.]+/s = \d\.\d{3}x the echo, [\d.]+ echo "
                     r"calls of CPU a case; the case end to end reaches [\d.]+ of that rate",
                     out), out
    assert re.search(r"a case's hops alone as Minzi makes them \(.*\): [\d.]+/s = \d\.\d{3}x the "
                     r"echo, [\d.]+ echo calls of CPU a case; the case end to end reaches [\d.]+ "
                     r"of that rate", out), out
    # the target's budget: four echo calls, and the case's CPU taken apart into the hops alone,
    # PostgreSQL's server (on PostgreSQL), the clients' and the rest of the machine's beyond the
    # path's clients, and the services' work, each figure what the parts printed make it
    path = re.search(r"as Minzi makes them, no database.*  ([\d.]+) ms CPU a case .*clients "
                     r"([\d.]+)\)", out)
    parts = {name: float(ms) for name, ms in
             (part.rsplit(" ", 1) for part in cpu.group(1).split(", "))}
    budget = re.search(r"the target's CPU budget: at 0\.25x the echo a case may cost the machine "
                       r"4 echo calls, ([\d.]+) ms; this run's case cost ([\d.]+) ms = the hops "
                       r"alone as Minzi makes them ([\d.]+)(?: \+ PostgreSQL's server ([\d.]+))? "
                       r"\+ its clients and the rest of the machine beyond the path's (-?[\d.]+) "
                       r"\+ the services' work beyond carrying it (-?[\d.]+); that work may cost "
                       r"at most (-?[\d.]+) ms", out)
    assert budget, out
    allowed, spent, hops, server, clients, work, at_most = (float(v or 0)
                                                            for v in budget.groups())
    assert bool(budget.group(4)) == (database == "postgresql"), budget.group(0)
    assert abs(allowed - 4 * float(cpu.group(3))) < 0.1, (budget.group(0), cpu.group(0))
    assert abs(spent - float(cpu.group(2))) < 0.1, (budget.group(0), cpu.group(0))
    assert abs(hops - float(path.group(1))) < 0.1, budget.group(0)
    assert abs(server - parts.get("PostgreSQL", 0)) < 0.1, budget.group(0)
    assert abs(clients - (parts["this command (clients)"] + parts.get("other", 0)
                          - float(path.group(2)))) < 0.2, budget.group(0)
    assert abs(hops + server + clients + work - spent) < 0.2, budget.group(0)
    assert abs(at_most - (allowed - hops - server - clients)) < 0.2, budget.group(0)
    assert re.search(r"POST -> accepted at 2/s: p50 \d+ ms, p95 \d+ ms, p99 \d+ ms", out), out
    # PostgreSQL's own time, statement by statement, where the server keeps those figures
    statements = re.search(r"\nPostgreSQL's time by statement(.*)", out)
    assert bool(statements) == (database == "postgresql"), out
    if statements and "not measured" not in statements.group(1):
        assert re.search(r"all: [\d.]+ ms a case, of which planning .*; [\d.]+ statements a case",
                         out), out
        assert re.search(r"\n\s+[\d.]+\s+[\d.]+\s+[\d.]+  intake\s+INSERT INTO cases \(…\)", out)


def descendants(pid):
    """Every process started under ``pid``, however deep, still running."""
    children = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue   # gone since the listing
        children.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def test_a_benchmark_stopped_midway_stops_its_services_and_drops_its_databases():
    from sqlalchemy import create_engine, text
    server = os.environ.get("MINZI_TEST_DATABASE_URL",
                            "postgresql://postgres@127.0.0.1:5432/postgres")
    engine = create_engine(server.replace("postgresql://", "postgresql+psycopg2://"))

    def bench_databases():
        with engine.connect() as connection:
            return set(connection.execute(text(
                "SELECT datname FROM pg_database WHERE datname LIKE 'minzi_bench%'")).scalars())

    before = bench_databases()
    run = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "bench_intake.py"), "--database", "postgresql",
         "--cases", "100000", "--seconds", "600", "--concurrency", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "MINZI_TEST_DATABASE_URL": server})
    try:
        for line in run.stdout:             # the services are up once the catalog is announced
            if line.startswith("Catalog:"):
                break
        services = descendants(run.pid)
        assert services and bench_databases() - before
        run.terminate()
        assert run.wait(timeout=60) == 128 + 15
    finally:
        left = descendants(run.pid)
        run.kill()
        run.stdout.close()
        for pid in left:   # a failed run stops what it started all the same
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    assert not {pid for pid in services if os.path.exists(f"/proc/{pid}")}
    assert bench_databases() == before
    engine.dispose()
