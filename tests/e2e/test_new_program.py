"""A new program is a new service and nothing else changes: made by one command, started, and
receiving cases through an unchanged intake and gateway."""
import os
import re
import subprocess
import sys

import pytest
import requests

from minzi.testing import wait_for

from ..conftest import ADMIN_PASSWORD, OPEN311_KEY, tracking_code


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)

pytestmark = pytest.mark.e2e


def test_a_program_from_the_template_receives_cases_at_once(suite, tmp_path):
    made = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "minzi-new-program"), "tai_chi",
         "--zh", "太极拳队", "--en", "Tai chi team", "--dir", str(tmp_path)],
        capture_output=True, text=True, check=True)
    assert "minzi-run tai_chi" in made.stdout

    suite.start_intake()
    suite.start("gateway")
    suite.wait_until_up()
    suite.wait_for_service("tai_chi_request", present=False)
    # the new program runs as its image would: minzi-run migrates its database, then starts it
    suite.start("tai_chi", PYTHONPATH=str(tmp_path / "tai_chi"))
    suite.wait_for_service("tai_chi_request")

    definition = requests.get(suite.url("/open311/v2/services/tai_chi_request.json"),
                              timeout=10).json()
    assert [a["code"] for a in definition["attributes"]] == ["contact_time"]
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "service_code": "tai_chi_request",
        "description": "家里冰箱坏了，想找维修",
        "address_string": "彩虹城7号楼", "phone": "13600001234"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5)
             .json()["status"] == "accepted", message="the new program to accept the case")

    staff = suite.login()
    cases = requests.get(suite.url("/api/v1/programs/tai_chi/cases"), headers=staff,
                         timeout=10).json()
    assert [c["tracking_code"] for c in cases] == [code]
    case_id = cases[0]["case_id"]

    # its pages are in the staff console, found at run time: its staff resolve the case there
    suite.start_console()
    console = requests.Session()
    origin = {"Origin": suite.console}
    form = console.get(suite.console + "/login", timeout=10)
    logged_in = console.post(suite.console + "/login", headers=origin, timeout=20, data={
        "csrf": csrf_of(form.text), "username": "admin", "password": ADMIN_PASSWORD})
    assert 'href="/p/tai_chi/cases"' in logged_in.text
    listed = console.get(suite.console + "/p/tai_chi/cases", timeout=20)
    assert f'<a href="/p/tai_chi/case?case_id={case_id}">{code}</a>' in listed.text
    page = console.get(suite.console + f"/p/tai_chi/case?case_id={case_id}", timeout=20)
    assert "办结并答复" in page.text
    resolved = console.post(suite.console + f"/p/tai_chi/case/1?case_id={case_id}",
                            headers=origin, timeout=20, data={
                                "csrf": csrf_of(page.text), "result": "已联系认证商户上门维修",
                                "reply": "已为您联系维修师傅，今天下午上门。"})
    assert resolved.url.endswith("done=saved"), resolved.text
    assert "已办结" in resolved.text and "办结并答复" not in resolved.text
    wait_for(lambda: requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5)
             .json()["reply"] == "已为您联系维修师傅，今天下午上门。", message="the reply")

    paths = requests.get(suite.url("/api/v1/openapi.json"), timeout=20).json()["paths"]
    assert "/api/v1/programs/tai_chi/cases/{case_id}/resolve" in paths
