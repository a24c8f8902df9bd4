"""Two copies of intake, of the gateway and of a program share the work while residents' cases
come in; one intake copy is killed and intake's database is taken away for half a minute.
Every case confirmed is handled once, by one copy; nothing is parked for the outage; no
program is taken for gone (so no resident is told a service paused); a timer fires once."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse, urlunparse

import pytest
import requests

from minzi.testing import free_port, postgres_database, wait_for

from ..conftest import RABBIT_API
from .proxy import CuttableProxy
from .test_no_case_lost_or_doubled import each_handled_once, register_until_confirmed

pytestmark = [pytest.mark.e2e, pytest.mark.fault]
CASES = 48
OUTAGE_SECONDS = 30


def through(proxy: CuttableProxy, url: str) -> str:
    parsed = urlparse(url)
    host = parsed.netloc.rsplit("@", 1)
    auth = host[0] + "@" if len(host) == 2 else ""
    return urlunparse(parsed._replace(netloc=f"{auth}127.0.0.1:{proxy.port}"))


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
    suite.start("gateway", RPC_TIMEOUT_SECONDS="8")
    second_gateway = f"http://127.0.0.1:{free_port()}"
    suite.start_copy("gateway", "gateway-2",
                     WEB_SERVER_ADDRESS=second_gateway.removeprefix("http://"))
    suite.start("sample_program")
    suite.wait_until_up()
    suite.wait_for_service("water_repair")
    # the second copies once the first are up (copies starting together on a new database are
    # shown by shared/tests/test_migration_lock.py)
    suite.start_copy("intake", "intake-2")
    suite.start_copy("sample_program", "sample_program-2")
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

    def client(number):
        started.set()
        code = register_until_confirmed(suite, staff, number, base=gateways[number % 2],
                                        seconds=240)
        confirmed[number] = (code, time.monotonic())

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
    assert len(codes) == CASES
    cases = each_handled_once(suite, staff, codes, timeout=120)

    # no program was taken for gone: nobody was told a service paused
    programs = requests.get(suite.url("/api/v1/programs"), timeout=10).json()
    assert [p["live"] for p in programs if p["program_id"] == "sample_program"] == [True]
    for case in cases[:8]:
        notes = requests.get(suite.url(f"/api/v1/cases/{case['id']}/notifications"),
                             headers=staff, timeout=10).json()
        assert not [n for n in notes if "暂停服务" in n["body"]]
    # nothing was parked for the outage: it was waited out
    assert set(parked(suite.vhost).values()) <= {0}

    # two copies watching the clock: the waiting case is escalated once. A second waiting case,
    # registered once the first was escalated, escalated in its turn shows both copies have
    # watched the clock again many times since
    def escalations(case_id):
        history = requests.get(suite.url(f"/api/v1/cases/{case_id}"), headers=staff,
                               timeout=10).json()["history"]
        return [h for h in history if h["action"] == "escalated"] or None
    first = probe.json()["id"]
    wait_for(lambda: escalations(first), timeout=60, message="the waiting case to be escalated")
    second = requests.post(suite.url("/api/v1/cases"), headers=staff, timeout=20, json={
        "channel": "phone", "description": "询问社区图书角开放时间",
        "resident_phone": "13700000002"}).json()["id"]
    wait_for(lambda: escalations(second), timeout=60, message="the second one escalated")
    assert len(escalations(first)) == 1 and len(escalations(second)) == 1
