"""Kill intake (SIGKILL) and cut every broker connection while residents' cases come in: each
case the gateway confirmed exists exactly once, and its program received it exactly once."""
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from minzi.testing import wait_for

from ..conftest import RABBIT_API

pytestmark = [pytest.mark.e2e, pytest.mark.fault]
CASES = 40


def register_until_confirmed(suite, headers, number, base=None, seconds=30):
    """A client that sends the same request (the same Idempotency-Key) until the gateway (at
    ``base``, else the suite's) confirms it: a 503 (nothing taken) or a lost connection is tried
    again, for up to ``seconds``."""
    key = str(uuid.uuid4())
    body = {"channel": "visit", "description": f"第{number}号诉求：楼道水管漏水",
            "service_code": "water_repair", "attributes": {"floor": number % 20 + 1},
            "resident_phone": f"1380000{number:04d}"}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            response = requests.post((base or suite.base) + "/api/v1/cases", json=body,
                                     timeout=40, headers={**headers, "Idempotency-Key": key})
            if response.status_code in (200, 201):
                return response.json()["tracking_code"]
            assert response.status_code == 503, response.text
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"case {number} was never confirmed")


def each_handled_once(suite, staff, codes, timeout=90):
    """Every confirmed case exists once, was accepted by the program (none taken back), and
    the program received each exactly once; returns the cases."""
    assert len(set(codes)) == len(codes)

    def all_accepted():
        cases = [c for c in requests.get(suite.url("/api/v1/cases?limit=1000"), headers=staff,
                                         timeout=20).json() if c["tracking_code"] in set(codes)]
        return cases if len(cases) == len(codes) and all(c["status"] == "accepted"
                                                         for c in cases) else None
    cases = wait_for(all_accepted, timeout=timeout, interval=0.5,
                     message="every case to be accepted by the program")
    received = requests.get(suite.url("/api/v1/programs/sample_program/cases"), headers=staff,
                            timeout=20).json()
    assert sorted(r["case_id"] for r in received) == sorted(c["id"] for c in cases)
    return cases


def close_broker_connections(vhost):
    # the management API lists a connection a few seconds after it opens (its statistics are
    # collected periodically): wait until it lists the vhost's connections, then cut them all
    connections = wait_for(lambda: requests.get(f"{RABBIT_API}/api/vhosts/{vhost}/connections",
                                                auth=("guest", "guest"), timeout=10).json(),
                           timeout=30, message="the broker to list the vhost's connections")
    for connection in connections:
        requests.delete(f"{RABBIT_API}/api/connections/{connection['name']}",
                        auth=("guest", "guest"), timeout=10)
    return len(connections)


def test_intake_killed_and_connections_cut_mid_flow(suite):
    suite.start_intake()
    suite.start("gateway", RPC_TIMEOUT_SECONDS="8")
    suite.start("sample_program")
    suite.wait_until_up()
    suite.wait_for_service("water_repair")
    staff = suite.login()

    confirmed = {}
    started = threading.Event()

    def client(number):
        started.set()
        confirmed[number] = register_until_confirmed(suite, staff, number)

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(client, n) for n in range(CASES)]
        started.wait(10)
        wait_for(lambda: len(confirmed) >= 8, message="some cases to be confirmed")
        suite.process("intake").kill()           # SIGKILL: nothing flushed, nothing said
        time.sleep(1)
        suite.start_intake()
        wait_for(lambda: len(confirmed) >= 24, timeout=90, message="cases after the restart")
        assert close_broker_connections(suite.vhost) > 0
        for future in futures:
            future.result(timeout=180)

    codes = list(confirmed.values())
    assert len(codes) == CASES
    each_handled_once(suite, staff, codes)
