"""Benchmark: cases per second and latency from registration to the program's acceptance,
beside a bare nameko RPC echo measured in the same run. Prints figures; asserts nothing.

    python tests/benchmarks/bench_intake.py [--cases 200] [--concurrency 8]

Starts its own RabbitMQ vhost, PostgreSQL databases and the services as OS processes
(``minzi-run``), exactly as the end-to-end tests do.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime

import requests

from minzi.testing import ServiceProcess, free_port, postgres_database, wait_for

RABBIT_API = "http://127.0.0.1:15672"
AUTH = ("guest", "guest")


def percentiles(samples):
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99),
            "mean": statistics.fmean(ordered)}


def show(name, count, seconds, latencies_ms):
    p = percentiles(latencies_ms)
    print(f"{name:44} {count / seconds:9.1f}/s   p50 {p['p50']:7.1f} ms   "
          f"p95 {p['p95']:7.1f} ms   p99 {p['p99']:7.1f} ms")
    return p


def bench_echo(amqp_uri, calls, concurrency, log_dir):
    from nameko.standalone.rpc import ClusterRpcProxy
    here = os.path.dirname(os.path.abspath(__file__))
    env = {**os.environ, "PYTHONPATH": here}
    log = open(os.path.join(log_dir, "echo.log"), "wb")  # noqa: SIM115 - the process's log
    process = subprocess.Popen([sys.executable, "-m", "nameko", "run", "--broker", amqp_uri,
                                "echo_service"], cwd=here, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        def client(count):
            # one proxy per client: a standalone proxy serves one caller at a time
            with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as cluster:
                wait_for(lambda: cluster.bench_echo.echo(1) == 1, timeout=30, message="echo")
                latencies = []
                for _ in range(count):
                    started = time.perf_counter()
                    cluster.bench_echo.echo("你好")
                    latencies.append((time.perf_counter() - started) * 1000)
                return latencies

        per_client = max(1, calls // concurrency)
        client(5)  # warm up: the service is running and the queues exist
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            latencies = [ms for chunk in pool.map(client, [per_client] * concurrency)
                         for ms in chunk]
        return len(latencies), time.perf_counter() - started, latencies
    finally:
        process.terminate()
        process.wait(10)


def parse(moment):
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def bench_cases(base, headers, cases, concurrency):
    def one(number):
        started = time.perf_counter()
        response = requests.post(f"{base}/api/v1/cases", headers=headers, timeout=60, json={
            "channel": "visit", "description": f"第{number}号：楼道水管漏水",
            "service_code": "water_repair", "attributes": {"floor": 3},
            "resident_phone": f"139{number:08d}"})
        assert response.status_code == 201, response.text
        return response.json()["id"], (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(cases)))
    registered_in = time.perf_counter() - started

    def all_accepted():
        rows = requests.get(f"{base}/api/v1/figures?group_by=program", headers=headers,
                            timeout=60).json()["rows"]
        return sum(row["responded"] for row in rows) >= cases
    wait_for(all_accepted, timeout=300, interval=0.2, message="every case accepted")
    end_to_end = []
    for case_id, _ in results:
        history = requests.get(f"{base}/api/v1/cases/{case_id}/history", headers=headers,
                               timeout=60).json()
        at = {h["action"]: parse(h["at"]) for h in history}
        end_to_end.append((at["accepted"] - at["registered"]).total_seconds() * 1000)
    last_accepted = time.perf_counter() - started
    return registered_in, [r[1] for r in results], last_accepted, end_to_end


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    vhost = f"minzi-bench-{uuid.uuid4().hex[:6]}"
    requests.put(f"{RABBIT_API}/api/vhosts/{vhost}", auth=AUTH, timeout=10).raise_for_status()
    requests.put(f"{RABBIT_API}/api/permissions/{vhost}/guest", auth=AUTH, timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    log_dir = tempfile.mkdtemp(prefix="minzi-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes = []
    try:
        with ExitStack() as stack:
            common = {"AMQP_URI": amqp_uri, "LOG_LEVEL": "WARNING"}
            processes.append(ServiceProcess("intake", {
                **common, "DATABASE_URL": stack.enter_context(postgres_database("minzi_bench")),
                "BOOTSTRAP_ADMIN_PASSWORD": "bench-password"}, log_dir).start())
            processes.append(ServiceProcess("sample_program", {
                **common, "DATABASE_URL": stack.enter_context(postgres_database("minzi_bench"))},
                log_dir).start())
            processes.append(ServiceProcess("gateway", {
                **common, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}, log_dir).start())
            wait_for(lambda: any(s["service_code"] == "water_repair" for s in requests.get(
                f"{base}/open311/v2/services.json", timeout=5).json()), timeout=60,
                message="the suite to start")
            token = requests.post(f"{base}/api/v1/auth/token", timeout=10, json={
                "username": "admin", "password": "bench-password"}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}

            print(f"Minzi benchmark: {args.cases} cases, {args.concurrency} concurrent clients, "
                  f"services as OS processes on one machine (PostgreSQL, RabbitMQ)\n")
            calls, seconds, latencies = bench_echo(amqp_uri, args.cases * 2, args.concurrency,
                                                   log_dir)
            echo = show("baseline: bare nameko RPC echo", calls, seconds, latencies)
            registered_in, http_latencies, accepted_in, end_to_end = bench_cases(
                base, headers, args.cases, args.concurrency)
            show("POST /api/v1/cases (HTTP -> RPC -> commit)", args.cases, registered_in,
                 http_latencies)
            flow = show("registration -> program's acceptance", args.cases, accepted_in,
                        end_to_end)
            print(f"\nregistration-to-acceptance p50 is {flow['p50'] / echo['p50']:.1f}x a bare "
                  f"RPC round trip (it is two bus hops, two commits and an HTTP call)")
    finally:
        for process in processes:
            process.stop()
        requests.delete(f"{RABBIT_API}/api/vhosts/{vhost}", auth=AUTH, timeout=10)


if __name__ == "__main__":
    import eventlet
    eventlet.monkey_patch()
    main()
