"""Kill the RabbitMQ node that leads the queues while cases come in through the gateway, then
bring it back: every case the gateway confirmed exists exactly once, its program received it
exactly once, and the time the flow took to recover is printed.

The quorum queues of the contract are declared first through node c, so c leads them (a quorum
queue's leader is placed on the node its declaring client is connected to); intake and the
gateway are on node a, the program on node b: the queues lose their leader, no service loses its
connection."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from minzi.bus import ConfirmingPublisher
from minzi.contract import (
    intake_programs_queue,
    intake_reports_queue,
    intake_submissions_queue,
    program_cases_queue,
)
from minzi.testing import wait_for

from ..fault.test_no_case_lost_or_doubled import each_handled_once, register_until_confirmed

pytestmark = [pytest.mark.e2e, pytest.mark.cluster]
CASES = 60
KILL_AFTER = 15


def contract_queues():
    return [intake_programs_queue(), intake_reports_queue(), intake_submissions_queue(),
            program_cases_queue("sample_program")]


def test_queue_leader_node_killed_under_load(cluster, cluster_suite, capsys):
    suite, node_c = cluster_suite, cluster["c"]
    queues = contract_queues()
    names = [queue.name for queue in queues]

    def say(line):   # the figures reach the test run's output even when it passes
        with capsys.disabled():
            print(f"\n[failover] {line}", end="", flush=True)

    declaring = ConfirmingPublisher(node_c.amqp_uri(suite.vhost))
    try:
        declaring.declare(*queues)
    finally:
        declaring.close()
    before = cluster.leaders(suite.vhost, names)
    say(f"leaders before: {before}")
    assert set(before.values()) == {node_c.name}, before

    suite.start_intake()                                   # node a
    suite.start("gateway", RPC_TIMEOUT_SECONDS="8")        # node a
    suite.start("sample_program", **suite.node_env("b"))
    suite.wait_until_up()
    suite.wait_for_service("water_repair")
    staff = suite.login()

    confirmed, sent_at, confirmed_at = {}, {}, {}
    lock = threading.Lock()

    def client(number):
        with lock:
            sent_at[number] = time.monotonic()
        code = register_until_confirmed(suite, staff, number)
        with lock:
            confirmed[number] = code
            confirmed_at[number] = time.monotonic()

    def status_of(code):
        cases = requests.get(suite.url("/api/v1/cases?limit=1000"), headers=staff,
                             timeout=20).json()
        return {c["tracking_code"]: c["status"] for c in cases}.get(code)

    def leaders_off_c():
        now = cluster.leaders(suite.vhost, names)
        return now if node_c.name not in now.values() and None not in now.values() else None

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(client, n) for n in range(CASES)]
        wait_for(lambda: len(confirmed) >= KILL_AFTER, timeout=120, interval=0.1,
                 message=f"{KILL_AFTER} cases confirmed")
        node_c.kill()
        killed_at = time.monotonic()

        def first(times):
            with lock:
                later = [n for n, at in times.items() if at > killed_at]
            return min(later, key=times.get) if later else None
        next_confirmed = wait_for(lambda: first(confirmed_at), timeout=120, interval=0.05,
                                  message="a case confirmed after the kill")
        say(f"recovered in {confirmed_at[next_confirmed] - killed_at:.2f} s "
            f"(the next case confirmed after the kill)")

        # a case sent after the kill went to the program and its report came back through
        # queues that had lost their leader
        sent_after = wait_for(lambda: first(sent_at), timeout=60, interval=0.05,
                              message="a case sent after the kill")
        wait_for(lambda: sent_after in confirmed, timeout=120, interval=0.05,
                 message="the first case sent after the kill to be confirmed")
        wait_for(lambda: status_of(confirmed[sent_after]) == "accepted", timeout=120,
                 interval=0.1, message="the first case sent after the kill to be accepted")
        say(f"the first case sent after the kill was accepted by the program "
            f"{time.monotonic() - killed_at:.2f} s after the kill")

        during = wait_for(leaders_off_c, timeout=60, interval=0.5,
                          message="the queues to elect leaders on the nodes left")
        say(f"leaders while c is down: {during}")

        for future in futures:
            future.result(timeout=240)
    say(f"{CASES} cases confirmed in {time.monotonic() - started:.1f} s")

    restarted = time.monotonic()
    node_c.start()
    cluster.wait_until_running(3)
    say(f"node c back in the cluster in {time.monotonic() - restarted:.1f} s")
    after = cluster.leaders(suite.vhost, names)
    say(f"leaders after c came back: {after}")

    assert node_c.name not in during.values(), during
    codes = list(confirmed.values())
    assert len(codes) == CASES
    each_handled_once(suite, staff, codes, timeout=120)
