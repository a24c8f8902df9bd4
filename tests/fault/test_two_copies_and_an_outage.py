"""Two copies of intake, of the gateway and of a program share the work while residents' cases
come in; one intake copy is killed and intake's database is taken away for half a minute.
Every case confirmed is handled once, by one copy; nothing is parked for the outage; no
program is taken for gone (so no resident is told a service paused); a timer fires once."""
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse, urlunparse

import pytest
import requests

from minzi.testing import free_port, postgres_database, wait_for

from ..conftest import RABBIT_API
from .proxy import CuttableProxy

pytestmark = [pytest.mark.e2e, pytest.mark.fault]
CASES = 48
OUTAGE_SECONDS = 30


def through(proxy: CuttableProxy, url: str) -> str:
    parsed = urlparse(url)
    host = parsed.netloc.rsplit("@", 1)
    auth = host[0] + "@" if len(host) == 2 else ""
    return urlunparse(parsed._replace(netloc=f"{auth}127.0.0.1:{proxy.port}"))


def register_until_confirmed(base, headers, number, deadline):
    """A client that sends the same request (the same Idempotency-Key) until it is confirmed:
    a 503 (nothing taken) or a lost connection is tried again."""
    key = str(uuid.uuid4())
    body = {"channel": "visit", "description": f"第{number}号诉求：楼道水管漏水",
            "service_code": "water_repair", "attributes": {"floor": number % 20 + 1},
            "resident_phone": f"1390000{number:04d}"}
    while time.monotonic() < deadline:
        try:
            response = requests.post(base + "/api/v1/cases", json=body, timeout=40,
                                     headers={**headers, "Idempotency-Key": key})
            if response.status_code in (200, 201):
                return response.json()["tracking_code"], time.monotonic()
            assert response.status_code == 503, response.text
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"case {number} was never confirmed")


def parked(vhost):
    queues = requests.get(f"{RABBIT_API}/api/queues/{vhost}", auth=("guest", "guest"),
                          timeout=10).json()
    return {q["name"]: q.get("messages", 0) for q in queues if q["name"].endswith(".parked")}


def test_two_copies_share_the_work_through_a_killed_copy_and_a_database_outage(suite):
    proxy = CuttableProxy(5432)
    suite.stack.callback(proxy.close)
    database = through(proxy, suite.stack.enter_context(postgres_database("minzi_intake")))
    # a case nobody is assigned escalates after 7 s; programs are judged after 10 s of watching
    suite.start_intake(DATABASE_URL=database, UNASSIGNED_TIME_LIMIT_HOURS="0.002",
                       PROGRAM_GRACE_SECONDS="10")
    suite.start_copy("intake", "intake-2")
    suite.start("gateway", RPC_TIMEOUT_SECONDS="8")
    second_gateway = f"http://127.0.0.1:{free_port()}"
    suite.start_copy("gateway", "gateway-2",
                     WEB_SERVER_ADDRESS=second_gateway.removeprefix("http://"))
    suite.start("sample_program")
    suite.start_copy("sample_program", "sample_program-2")
    suite.wait_until_up()
    suite.wait_for_service("water_repair")
    wait_for(lambda: requests.get(second_gateway + "/health", timeout=2).ok, timeout=60,
             message="the second gateway")
    staff = suite.login()
    gateways = [suite.base, second_gateway]

    # the timer's case: nothing offers it, so it waits for the station head, then is escalated
    probe = requests.post(suite.url("/api/v1/cases"), headers=staff, timeout=20, json={
        "channel": "phone", "description": "询问社区活动室开放时间",
        "resident_phone": "13700000001"})
    assert probe.status_code == 201, probe.text

    confirmed, started = {}, threading.Event()
    deadline = time.monotonic() + 240

    def client(number):
        started.set()
        confirmed[number] = register_until_confirmed(gateways[number % 2], staff, number,
                                                     deadline)

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(client, n) for n in range(CASES)]
        started.wait(10)
        wait_for(lambda: len(confirmed) >= 8, timeout=60, message="the first cases")
        suite.process("intake").kill()                      # SIGKILL one copy: the other goes on
        wait_for(lambda: len(confirmed) >= 16, timeout=60, message="cases with one copy left")
        proxy.cut()                                         # intake's database goes away
        cut_at = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        proxy.restore()
        back_at = time.monotonic()
        suite.start_intake()                                # the killed copy comes back
        for future in futures:
            future.result(timeout=300)
    after = sorted(at for _, at in confirmed.values() if at > back_at)
    print(f"\nintake's database away {back_at - cut_at:.0f} s; first case confirmed "
          f"{after[0] - back_at:.1f} s after it was back" if after else "")

    codes = [code for code, _ in confirmed.values()]
    assert len(codes) == CASES and len(set(codes)) == CASES

    def all_accepted():
        cases = requests.get(suite.url("/api/v1/cases?limit=1000"), headers=staff,
                             timeout=20).json()
        work = [c for c in cases if c["tracking_code"] in set(codes)]
        return work if len(work) == CASES and all(c["status"] == "accepted"
                                                  for c in work) else None
    cases = wait_for(all_accepted, timeout=120, interval=1,
                     message="every case accepted by the program (none taken back)")
    received = requests.get(suite.url("/api/v1/programs/sample_program/cases"), headers=staff,
                            timeout=20).json()
    assert sorted(r["case_id"] for r in received) == sorted(c["id"] for c in cases)

    # no program was taken for gone: nobody was told a service paused
    programs = requests.get(suite.url("/api/v1/programs"), timeout=10).json()
    assert [p["live"] for p in programs if p["program_id"] == "sample_program"] == [True]
    for case in cases[:8]:
        notes = requests.get(suite.url(f"/api/v1/cases/{case['id']}/notifications"),
                             headers=staff, timeout=10).json()
        assert not [n for n in notes if "暂停服务" in n["body"]]
    # nothing was parked for the outage: it was waited out
    assert set(parked(suite.vhost).values()) <= {0}

    # two copies watching the clock: the waiting case was escalated once
    probe_id = probe.json()["id"]

    def escalations():
        history = requests.get(suite.url(f"/api/v1/cases/{probe_id}"), headers=staff,
                               timeout=10).json()["history"]
        found = [h for h in history if h["action"] == "escalated"]
        return found or None
    wait_for(escalations, timeout=60, message="the waiting case to be escalated")
    time.sleep(3)                                           # both copies watched again since
    assert len(escalations()) == 1
