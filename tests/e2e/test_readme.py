"""The READMEs' commands run as written. Every ```sh block of README.md and of each program's
README is either run here, in one shell and in order (README.md first, whose "Try it" gives the
programs' blocks their ``$TOKEN``), against the suite the end-to-end tests start (intake, the
gateway and every program, each with ``minzi-run`` as ``scripts/run-local`` and the images start
them, with the settings the README names), or named in ``RUN_ELSEWHERE`` with what runs it. A
block that changes, or a new one, fails here until it runs or says where it is run."""
import os
import re
import subprocess
from pathlib import Path

import pytest
import requests

from ..conftest import ADMIN_PASSWORD, OPEN311_KEY, OPS_PASSWORD, RABBIT_API

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
READMES = [README, *sorted(ROOT.glob("services/*/README.md"))]
PROGRAMS = ("legal_aid", "cat_fund", "matchmaking", "sms_broadcast", "job_fair", "co_building",
            "agency", "hotline", "doctor", "flea_market", "dog_owners", "volunteer_grid")
METRICS_TOKEN = "readme-metrics-token-1"
INBOUND_SECRET = "readme-inbound-secret"

# A block's first line, and what runs it instead.
RUN_ELSEWHERE = {
    "deploy/new-secrets.sh > .env": "compose: `../shared/tools/compose-offline up` starts it; "
                                    "test_new_secrets_gives_compose_every_secret below",
    "python3.11 -m venv .venv && . .venv/bin/activate":
        "the suite below is started the way scripts/run-local starts it (minzi-run per service)",
    "scripts/test": "CI itself (.ci/run)",
    "scripts/mutate": "by hand; its figures are in docs/testing.md",
    "scripts/bench": "by hand: it prints figures (tests/benchmarks/test_bench.py runs it on 20 "
                     "cases)",
    "minzi-run intake & minzi-run gateway & minzi-run agency &":
        "tests/e2e/test_agency_e2e.py (the same old-age card, step by step, to the reply)",
    "minzi-new-program tai_chi --zh 太极拳队 --en \"Tai chi team\"":
        "tests/e2e/test_new_program.py (into a temporary folder, not services/)",
    "export COMMUNITIES='rainbow-city:彩虹城社区:Rainbow City;maple-court:枫林社区:Maple Court'":
        "the suite below starts with these settings",
}


def blocks() -> list[str]:
    return [block for readme in READMES
            for block in re.findall(r"^```sh\n(.*?)^```$", readme.read_text(encoding="utf-8"),
                                    flags=re.MULTILINE | re.DOTALL)]


def first_line(block: str) -> str:
    return block.splitlines()[0].split("  #")[0].strip()


def test_every_block_is_run_here_or_named_with_what_runs_it():
    run_here = [b for b in blocks() if first_line(b) not in RUN_ELSEWHERE]
    assert all("curl" in b for b in run_here), [first_line(b) for b in run_here]
    assert {first_line(b) for b in blocks()} >= set(RUN_ELSEWHERE)


def test_new_secrets_gives_compose_every_secret(tmp_path):
    """``deploy/new-secrets.sh > .env`` sets every variable docker-compose.yml requires."""
    made = subprocess.run([str(ROOT / "deploy" / "new-secrets.sh")],
                          capture_output=True, text=True, check=True).stdout
    given = {line.split("=", 1)[0] for line in made.splitlines() if "=" in line}
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{(\w+):\?", compose))
    assert required and required <= given, required - given


@pytest.fixture
def readme_suite(suite):
    suite.start_intake()
    suite.start("gateway", METRICS_TOKEN=METRICS_TOKEN)
    for program in PROGRAMS:
        suite.start(program, PROGRAM_COMMUNITIES="rainbow-city,maple-court",
                    INBOUND_SECRET=INBOUND_SECRET)
    suite.wait_until_up()
    suite.wait_for_service("legal_consultation")
    suite.wait_for_service("sick_or_injured_cat", community="maple-court")
    suite.wait_for_service("job_seeking")
    suite.wait_for_service("night_noise")
    yield suite
    # the program registered in the README gets a RabbitMQ user of the machine's broker
    requests.delete(f"{RABBIT_API}/api/users/repairs", auth=("guest", "guest"), timeout=10)


def test_the_readmes_commands_run_as_written(readme_suite):
    host = readme_suite.base.removeprefix("http://")
    script = "\n".join(block for block in blocks() if first_line(block) not in RUN_ELSEWHERE)
    script = script.replace("http://localhost:8000", f"http://{host}") \
                   .replace("localhost:8000", host)
    env = {**os.environ, "MINZI_ADMIN_PASSWORD": ADMIN_PASSWORD,
           "MINZI_OPEN311_API_KEY": OPEN311_KEY, "MINZI_OPS_PASSWORD": OPS_PASSWORD,
           "MINZI_METRICS_TOKEN": METRICS_TOKEN, "MINZI_SMS_INBOUND_SECRET": INBOUND_SECRET}
    # every answer must be a success, and a failed command stops the run where it failed
    strict = 'curl() { command curl --fail-with-body -sS "$@"; echo; }\n'
    ran = subprocess.run(["bash", "-euo", "pipefail", "-c", strict + script], env=env,
                         capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, f"{ran.stderr}\n--- answers ---\n{ran.stdout}"
    # what the reader is told to look for is there
    assert "已答复" in ran.stdout and "您说的那只受伤的猫已由志愿者送医" in ran.stdout
    assert '"bus_user": "repairs"' in ran.stdout
    assert "minzi_cases_open" in ran.stdout
    # the job fair's small fair: one employer invited, one hire, and its spreadsheet written
    assert '"employers": 1' in ran.stdout and '"hires": 1' in ran.stdout
    assert ".xlsx" in ran.stdout
