"""The operator's trial: two copies of intake, of the gateway and of a program, on a RabbitMQ
cluster of three nodes, with cases coming in at a steady pace through both gateways; the node
that leads the queues is killed, then PostgreSQL (every service's database) is away for two
minutes, then both come back. Every case the gateways confirmed before, during and after is
handled once; no resident is sent a wrong message (no "service paused", nothing twice); nothing
is parked for the outage. A real Prometheus, with the station's own alert rules, scraped it all:
the dashboard's panels have what happened to draw, the broker node's loss and intake's database
outage raised their alerts, and everything is quiet again at the end.

The printed lines are the operator's view: when each alert went pending and firing, a picture of
the key series over the trial, and how long the cases took to come through."""
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse, urlunparse

import pytest
import requests

from minzi.bus import ConfirmingPublisher
from minzi.testing import free_port, postgres_database, wait_for

from ..fault.proxy import CuttableProxy
from ..fault.test_no_case_lost_or_doubled import each_handled_once, register_until_confirmed
from .prometheus import Prometheus, dashboard_queries, timeline
from .test_failover import contract_queues

pytestmark = [pytest.mark.e2e, pytest.mark.cluster]

PACE_SECONDS = 1.5        # a new resident's case every 1.5 s, through the two gateways in turn
LOAD_SECONDS = 200        # for the whole trial
KILL_AT = 15              # the queues' leader node is killed 15 s in
OUTAGE_AT = 30            # the database goes away 30 s in ...
OUTAGE_SECONDS = 120      # ... for two minutes
NODE_BACK_AT = 170        # the killed node is started again (down longer than the alert's 2 min)


def through(proxy: CuttableProxy, url: str) -> str:
    parsed = urlparse(url)
    userinfo, _, _ = parsed.netloc.rpartition("@")
    return urlunparse(parsed._replace(
        netloc=f"{userinfo + '@' if userinfo else ''}127.0.0.1:{proxy.port}"))


def parked(suite):
    node = suite.cluster["a"]
    queues = requests.get(f"{node.management}/api/queues/{suite.vhost}", auth=("guest", "guest"),
                          timeout=10).json()
    return {q["name"]: q.get("messages", 0) for q in queues if q["name"].endswith(".parked")}


@pytest.fixture
def prometheus_installed():
    import shutil
    if not shutil.which("prometheus"):
        pytest.skip("prometheus is not installed here (Debian: apt-get install prometheus)")


def test_two_copies_of_everything_through_a_lost_node_and_two_minutes_without_the_database(
        prometheus_installed, cluster, cluster_suite, tmp_path, capsys):
    suite, node_c = cluster_suite, cluster["c"]

    def say(line):   # the operator's view reaches the test run's output even when it passes
        with capsys.disabled():
            print(f"\n[trial] {line}", end="", flush=True)

    # the contract's queues are led by node c; every service is on a or b
    declaring = ConfirmingPublisher(node_c.amqp_uri(suite.vhost))
    try:
        declaring.declare(*contract_queues())
    finally:
        declaring.close()

    # every service's database through one proxy: cutting it is PostgreSQL going away
    proxy = CuttableProxy(5432)
    suite.stack.callback(proxy.close)

    def database(name):
        return through(proxy, suite.stack.enter_context(postgres_database(f"minzi_{name}")))

    token = secrets.token_urlsafe(24)
    suite.start_intake(DATABASE_URL=database("intake"), PROGRAM_GRACE_SECONDS="30")
    suite.start("gateway", RPC_TIMEOUT_SECONDS="8", METRICS_TOKEN=token,
                METRICS_RPC_TIMEOUT_SECONDS="1")
    suite.start("sample_program", DATABASE_URL=database("sample_program"), **suite.node_env("b"))
    suite.wait_until_up()
    suite.wait_for_service("water_repair")
    second_gateway = f"http://127.0.0.1:{free_port()}"
    suite.start_copy("gateway", "gateway-2", **suite.node_env("b"),
                     WEB_SERVER_ADDRESS=second_gateway.removeprefix("http://"))
    suite.start_copy("intake", "intake-2", **suite.node_env("b"))
    suite.start_copy("sample_program", "sample_program-2", **suite.node_env("a"))
    wait_for(lambda: requests.get(second_gateway + "/health", timeout=2).ok, timeout=60,
             message="the second gateway")
    gateways = [suite.base, second_gateway]

    prometheus = Prometheus(str(tmp_path / "prometheus"), gateways, token, [
        f"127.0.0.1:{node.prometheus_port}" for node in cluster.nodes.values()]).start()
    suite.stack.callback(prometheus.stop)
    wait_for(lambda: len(prometheus.targets_up()) == 5, timeout=60,
             message="Prometheus to scrape both gateways and the three broker nodes")
    staff = suite.login()

    confirmed, lock = {}, threading.Lock()

    def client(number):
        code = register_until_confirmed(suite, staff, number, base=gateways[number % 2],
                                        seconds=LOAD_SECONDS + 180)
        with lock:
            confirmed[number] = (code, time.time())

    started = time.time()
    events = {}
    with ThreadPoolExecutor(max_workers=24) as pool:
        futures, number = [], 0

        def at(seconds, what, action):
            wait_for(lambda: time.time() - started >= seconds, timeout=seconds + 60,
                     interval=0.2, message=what)
            action()
            events[what] = time.time()
            say(f"{time.time() - started:5.1f} s  {what}")

        def load():
            nonlocal number
            while time.time() - started < LOAD_SECONDS:
                try:
                    futures.append(pool.submit(client, number))
                except RuntimeError:   # the trial failed and the pool is shut: stop too
                    return
                number += 1
                time.sleep(PACE_SECONDS)
        loader = threading.Thread(target=load, daemon=True)
        loader.start()
        at(KILL_AT, "node c (the queues' leader) killed", node_c.kill)
        at(OUTAGE_AT, "the database away", proxy.cut)
        at(OUTAGE_AT + OUTAGE_SECONDS, "the database back", proxy.restore)
        at(NODE_BACK_AT, "node c started again", node_c.launch)
        node_c.await_started()
        cluster.wait_until_running(3)
        say(f"{time.time() - started:5.1f} s  node c back in the cluster")
        loader.join(LOAD_SECONDS + 60)
        for future in list(futures):
            future.result(timeout=LOAD_SECONDS + 240)
    ended = time.time()

    codes = [code for code, _ in confirmed.values()]
    phases = {"before the kill": (started, events["node c (the queues' leader) killed"]),
              "node c down": (events["node c (the queues' leader) killed"],
                              events["the database away"]),
              "database away": (events["the database away"], events["the database back"]),
              "after": (events["the database back"], ended)}
    say(f"{len(codes)} cases confirmed: " + ", ".join(
        f"{sum(begin <= at < end for _, at in confirmed.values())} {phase}"
        for phase, (begin, end) in phases.items()))
    back = sorted(at for _, at in confirmed.values() if at >= events["the database back"])
    if back:
        say(f"the first case confirmed {back[0] - events['the database back']:.1f} s after the "
            f"database came back")

    # every case confirmed, before, during or after, handled once
    cases = each_handled_once(suite, staff, codes, timeout=180)
    # no resident was sent a wrong message: nobody told a service paused, nothing sent twice
    for case in cases:
        notes = requests.get(suite.url(f"/api/v1/cases/{case['id']}/notifications"),
                             headers=staff, timeout=10).json()
        assert not [n for n in notes if "暂停" in n["body"]], (case["tracking_code"], notes)
        bodies = [n["body"] for n in notes]
        assert len(bodies) == len(set(bodies)), (case["tracking_code"], notes)
    programs = requests.get(suite.url("/api/v1/programs"), timeout=10).json()
    assert [p["live"] for p in programs if p["program_id"] == "sample_program"] == [True]
    assert set(parked(suite).values()) <= {0}, parked(suite)

    # what the operator saw: the alerts, with when they went pending and firing
    seen = prometheus.alerts_over(started, time.time())
    for (name, subject), states in sorted(seen.items()):
        say(f"alert {name} ({subject}): " + ", ".join(
            f"{state} at {seconds:.0f} s" for state, seconds in sorted(states.items())))
    node_c_target = f"127.0.0.1:{node_c.prometheus_port}"
    assert [states for (name, subject), states in seen.items()
            if name == "MinziRabbitMQDown" and subject.endswith(node_c_target)
            and "firing" in states], seen
    assert [states for (name, _), states in seen.items()
            if name == "MinziIntakeDown" and states.keys() & {"pending", "firing"}], seen
    # every panel of the dashboard has something to draw, but those of what did not happen:
    # no message was parked and no case went overdue
    for title, expr in dashboard_queries():
        series = prometheus.query_range(expr, started, time.time(), step=2)
        if ("parked`}" in expr and "!~" not in expr) or "minzi_cases_overdue" in expr:
            assert not [v for s in series for _, v in s["values"] if float(v)], (title, series)
        else:
            assert series, f"the dashboard's panel {title!r} had nothing to draw ({expr})"
    for label, expr in (("intake answers", 'min(minzi_service_up{service="intake"})'),
                        ("broker nodes up", 'sum(up{job="rabbitmq"})'),
                        ("cases waiting for intake",
                         'max(sum by (instance) (minzi_queue_messages_ready'
                         '{queue=~"minzi.intake.+", queue!~".+parked|.+retry.+"}))'),
                        ("program's queue", 'max(minzi_queue_messages_ready'
                                            '{queue="minzi.program.sample_program.cases"})'),
                        ("consumers of the reports", 'max(minzi_queue_consumers'
                                                     '{queue="minzi.intake.reports"})')):
        (series, *_) = prometheus.query_range(expr, started, time.time(), step=2) or [
            {"values": []}]
        say(f"{label:>26}: {timeline(series['values'], started)}")
    intake_up = prometheus.query_range('min(minzi_service_up{service="intake"})', started,
                                       time.time(), step=1)[0]["values"]
    during = [float(v) for t, v in intake_up
              if events["the database away"] + 10 <= float(t) <= events["the database back"]]
    assert during and max(during) == 0, "intake's outage is not on the record"

    # and quiet again: no alert left firing once everything is back
    wait_for(lambda: not [a for a in prometheus.active_alerts() if a["state"] == "firing"],
             timeout=90, interval=1, message="every alert to resolve")
