"""Full-process agency (全程代理) as a resident and the station's agents meet it: intake, the
gateway and the program as separate processes, driven through HTTP — from an Open311 request
for an old-age card, through the agent taking it, the age check (a 59-year-old refused, the
60-year-old let through), the documents, the submission to the sub-district, the card collected
and handed over (each step read by the resident on their tracking page), to the reply the
resident reads by the tracking code; and the same phone's earlier matter on the agent's page."""
from datetime import timedelta

import pytest
import requests

from minzi.envelope import utcnow
from minzi.idcard import id_check_char
from minzi.localtime import local_date
from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, ProgramClient, tracking_code

pytestmark = pytest.mark.e2e
PHONE = "13900001111"


def id_number_born(day) -> str:
    first17 = f"110105{day:%Y%m%d}001"
    return first17 + id_check_char(first17)


def track(suite, code) -> dict:
    return requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()


def ask(suite, service_code, description) -> str:
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
        "service_code": service_code, "phone": PHONE, "first_name": "赵",
        "description": description, "address_string": "彩虹城5号楼"})
    assert posted.status_code == 201, posted.text
    return tracking_code(posted)


@pytest.fixture
def running(suite):
    return suite.start_with("agency", "old_age_card")


def test_an_old_age_card_followed_step_by_step_to_the_residents_reply(running):
    suite = running
    wang = ProgramClient(suite, "agency", suite.add_staff(
        "wang-agent", "王代理员", "program_staff", "agency"))
    # the items catalogue is public: what to bring for the old-age card
    (card_item,) = [i for i in ProgramClient(suite, "agency").get("/items")["items"]
                    if i["code"] == "old_age_card"]
    assert "户口簿或居住证" in card_item["documents_text"]

    # an earlier matter of the same phone: housekeeping
    earlier = ask(suite, "housekeeping", "想找个钟点工每周打扫两次")
    code = ask(suite, "old_age_card", "我父亲今年60岁，想办老年证")
    wait_for(lambda: track(suite, code)["status"] == "accepted",
             message="the agency to accept the case")
    matters = wang.get("/matters", item="old_age_card")["items"]
    (matter,) = [m for m in matters if m["tracking_code"] == code]
    case = matter["case_id"]
    assert (matter["stage"], matter["next_step"]) == ("waiting", "核验年龄（年满60周岁）")

    page = wang.ok("POST", f"/matters/{case}/take", {"note": "窗口接待"}, status=200)
    assert [e["tracking_code"] for e in page["earlier"]] == [earlier]
    assert page["resident"]["phone"] == PHONE

    today = local_date(utcnow())
    tomorrow = today + timedelta(days=1)
    fifty_nine = id_number_born(tomorrow.replace(year=tomorrow.year - 60))
    sixty = id_number_born(today.replace(year=today.year - 60))
    refused = wang.refused("POST", f"/matters/{case}/steps/eligibility",
                           {"id_number": fifty_nine}, 422, "under_60")
    assert list(refused["fields"]) == ["id_number"]
    wang.refused("POST", f"/matters/{case}/steps/submit", {}, 409, "step_out_of_order")
    wang.ok("POST", f"/matters/{case}/steps/eligibility", {"id_number": sixty}, status=200)
    wang.refused("POST", f"/matters/{case}/steps/documents", {}, 409, "documents_missing")
    for document in ("id_card", "hukou", "photo"):
        wang.ok("POST", f"/matters/{case}/documents/{document}", {}, status=200)
    wang.ok("POST", f"/matters/{case}/steps/documents", {}, status=200)
    wang.ok("POST", f"/matters/{case}/steps/submit", {"note": "已送街道老龄办"}, status=200)

    # the resident sees where the matter is: submitted to the sub-district
    def at_the_street():
        progress = track(suite, code).get("progress") or {}
        done = "办理《老年证》：已完成“报送街道老龄办”"
        return progress if (progress.get("note") or "").startswith(done) else None
    progress = wait_for(at_the_street, message="the step to reach the tracking page")
    assert progress["note"] == ("办理《老年证》：已完成“报送街道老龄办”（街道办事处），"
                                "下一步：“街道审核制证”（街道办事处）")

    for step in ("wait", "collect", "hand_over"):
        wang.ok("POST", f"/matters/{case}/steps/{step}", {}, status=200)
    reply = "赵先生您好，您父亲的《老年证》已办好并交到您手中。"
    done = wang.ok("POST", f"/matters/{case}/resolve",
                   {"result": "《老年证》已交给居民", "reply": reply}, status=200)
    assert [s["state"] for s in done["steps"]] == ["done"] * 6

    def replied():
        view = track(suite, code)
        return view if view["status"] == "replied" else None
    assert wait_for(replied, message="the reply to reach the resident")["reply"] == reply
    figures = wang.get("/figures")
    (row,) = [r for r in figures["by_item"] if r["item"] == "old_age_card"]
    assert (figures["items_offered"], row["resolved"], row["resolved_on_time"]) == (12, 1, 1)
