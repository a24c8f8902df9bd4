"""Every operation in the gateway's OpenAPI document, fuzzed with schemathesis against the suite
started as OS processes (intake, the gateway and every program), as the admin: whatever comes in
(numbers past any range, NUL and other odd characters, wrong types, missing fields), the answer
is never a 5xx. A fixed number of examples per operation keeps it to about a minute."""
import os
import secrets
import subprocess
import sys
import time
from contextlib import ExitStack
from xml.etree.ElementTree import fromstring

import pytest
import requests

from minzi.ops import grant, revoke
from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, RABBIT_API, Suite

pytestmark = pytest.mark.e2e

PROGRAMS = ("legal_aid", "cat_fund", "matchmaking", "sms_broadcast", "sample_program")
EXAMPLES = 8   # per operation, valid and not: about 1,100 requests
MANAGEMENT = RABBIT_API.replace("://", "://guest:guest@", 1)
INBOUND_SECRET = "fuzz-secret-1"


@pytest.fixture(scope="module")
def fuzzed_suite(vhost_module, tmp_path_factory):
    with ExitStack() as stack:
        suite = Suite(vhost_module, str(tmp_path_factory.mktemp("fuzz")), stack)
        try:
            suite.start_intake()
            suite.start("gateway")
            for program in PROGRAMS:
                # each program on a bus user of its own: intake knows a program by its user
                user, password = f"{vhost_module}-{program}", secrets.token_urlsafe(16)
                grant(MANAGEMENT, vhost_module, user, password, {
                    "configure": ".*", "write": ".*", "read": ".*", "topics": {}})
                stack.callback(revoke, MANAGEMENT, user)
                suite.start(program, AMQP_URI=f"amqp://{user}:{password}@127.0.0.1:5672/"
                                              f"{vhost_module}", INBOUND_SECRET=INBOUND_SECRET)
            suite.wait_until_up()
            # every program live, so its operations are in the document
            wait_for(lambda: {p["program_id"] for p in requests.get(
                suite.url("/api/v1/programs"), timeout=5).json() if p["live"]} >= set(PROGRAMS),
                timeout=90, message="every program to announce itself")
        except Exception:
            print(suite.logs())
            suite.stop_all()
            raise
        try:
            yield suite
        finally:
            suite.stop_all()


def test_no_input_makes_a_server_error(fuzzed_suite, tmp_path):
    """schemathesis' own runner (its pytest plugin does not run under this pytest), one worker
    (two race in Hypothesis' internals), a fixed seed: the same inputs every run; the SMS
    gateway's webhooks get their secret from fuzz_hooks.py."""
    token = fuzzed_suite.login()["Authorization"]
    started = time.monotonic()
    run = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "st"), "run",
         fuzzed_suite.url("/api/v1/openapi.json"), "--checks", "not_a_server_error",
         "--phases", "examples,fuzzing", "--mode", "all", "--max-examples", str(EXAMPLES),
         "--seed", "20261129", "--workers", "1", "--request-timeout", "30",
         "--generation-database", "none", "--suppress-health-check", "all",
         "--header", f"Authorization:{token}", "--no-color", "--output-truncate", "false"],
        capture_output=True, text=True, timeout=240, check=False, cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "fuzz_hooks",
             "FUZZ_INBOUND_SECRET": INBOUND_SECRET, "PYTHONPATH": os.path.dirname(__file__)})
    took = time.monotonic() - started
    failures = run.stdout[run.stdout.find("=== FAILURES") if "=== FAILURES" in run.stdout
                          else -3000:]
    assert run.returncode == 0, (f"schemathesis ({took:.0f} s):\n{failures[-25000:]}\n"
                                 f"{run.stderr[-2000:]}\n{fuzzed_suite.logs()[-6000:]}")
    print(f"schemathesis: {took:.0f} s\n{run.stdout[-600:]}")


def test_the_open311_list_stays_readable_xml_whatever_a_resident_typed(fuzzed_suite):
    suite = fuzzed_suite
    suite.wait_for_service("water_repair")
    description = "3号楼\x01水管\x0b漏水\x1f\t很急"
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city", "service_code": "water_repair",
        "description": description, "phone": "13800001111", "address_string": "彩虹城3号楼",
        "attribute[floor]": "5", "attribute[urgency]": "urgent"})
    assert posted.status_code == 201, posted.text
    code = posted.json()[0]["service_request_id"]
    listed = requests.get(suite.url("/open311/v2/requests.xml"), timeout=20,
                          params={"jurisdiction_id": "rainbow-city", "service_request_id": code})
    assert listed.status_code == 200, listed.text
    request = fromstring(listed.content).find("request")
    assert request.find("service_request_id").text == code
    assert request.find("description").text == "3号楼\ufffd水管\ufffd漏水\ufffd\t很急"
    # the JSON keeps what was typed
    as_json = requests.get(suite.url("/open311/v2/requests.json"), timeout=20, params={
        "jurisdiction_id": "rainbow-city", "service_request_id": code}).json()
    assert as_json[0]["description"] == description
    # a NUL is refused at the door, naming the field
    refused = requests.post(suite.url("/open311/v2/requests.xml"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city", "service_code": "water_repair",
        "description": "漏水\x00", "phone": "13800001111"})
    assert refused.status_code == 400
    assert fromstring(refused.content).find("error/description").text.startswith("description:")


def test_an_open311_request_past_a_column_is_refused_naming_the_field(fuzzed_suite):
    email = "a" * 60 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".com"  # valid, 248 long
    answer = requests.post(fuzzed_suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city", "service_code": "water_repair",
        "description": "3号楼漏水", "email": email, "address_string": "彩虹城3号楼",
        "attribute[floor]": "5", "attribute[urgency]": "urgent"})
    assert answer.status_code == 400, answer.text
    assert "email: 太长（最多 200 个字）" in answer.json()[0]["description"]
