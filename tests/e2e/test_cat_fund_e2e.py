"""The stray-cat fund (流浪猫爱心基金会) as its users meet it: a resident's Open311 report of a sick
cat answered through the suite, and the fund's ledger driven through the gateway until the public
report shows it to the fen."""
import json
import re
from datetime import date

import pytest
import requests

from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, ProgramClient, tracking_code

pytestmark = pytest.mark.e2e

PROGRAM = "/api/v1/programs/cat_fund"


@pytest.fixture
def running(suite):
    return suite.start_with("cat_fund", "sick_or_injured_cat")


def fund_operator(suite, username="cat-fund-desk"):
    return ProgramClient(suite, "cat_fund", suite.add_staff(username, "林志愿", "program_staff",
                                                         "cat_fund", "cat-fund-pass-1"))


def track(suite, code):
    return requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()


# -- (a) a sick cat reported through Open311 ------------------------------------------------------

def test_a_sick_cat_reported_through_open311_gets_a_record_and_the_resident_a_reply(running):
    suite = running
    offered = {s["service_code"]: s for s in requests.get(
        suite.url("/open311/v2/services.json?jurisdiction_id=rainbow-city"), timeout=10).json()}
    assert offered["sick_or_injured_cat"]["service_name"] == "病伤流浪猫"
    assert offered["cat_colony_sterilisation"]["service_name"] == "流浪猫群绝育"
    definition = requests.get(suite.url("/open311/v2/services/sick_or_injured_cat.json"),
                              timeout=10).json()
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert [v["key"] for v in attributes["condition"]["values"]] == \
        ["injured", "sick", "kitten", "dead"]
    answers = {"number_of_cats": "1", "condition": "sick", "location_detail": "6号楼北侧自行车棚"}
    # whatever the definition requires is answered
    assert {code for code, a in attributes.items() if a["required"]} <= set(answers)

    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
        "service_code": "sick_or_injured_cat",
        "description": "车棚里有只橘猫两天没动了，眼睛流脓，不吃东西",
        "address_string": "彩虹城6号楼",
        "phone": "13500007777", "first_name": "小红", "last_name": "吴",
        **{f"attribute[{k}]": v for k, v in answers.items()}})
    assert posted.status_code == 201, posted.text
    code, public_id = tracking_code(posted), posted.json()[0]["service_request_id"]

    view = wait_for(lambda: (lambda v: v if v["status"] == "accepted" else None)(
        track(suite, code)), message="the fund to accept the case")
    assert view["program"] == "流浪猫爱心基金会"

    operator = fund_operator(suite)
    cases = operator.get("/cases")["items"]
    assert [c["tracking_code"] for c in cases] == [code]
    case = cases[0]
    assert case["status"] == "accepted" and case["service_code"] == "sick_or_injured_cat"
    assert case["attributes"]["condition"] == "sick"
    assert case["resident"]["phone"] == "13500007777"
    case_path = f"/cases/{case['case_id']}"

    # the volunteers find the cat: a new record, linked to the case (linking again adds nothing)
    operator.refused("POST", f"{case_path}/cats", {}, 422, "validation_failed")
    linked = operator.ok("POST", f"{case_path}/cats", {"cat": {
        "name": "车棚橘猫", "sex": "male", "colour": "橘色", "found_at": "6号楼北侧自行车棚",
        "found_on": date.today().isoformat(), "description": "眼部感染，消瘦"}}, status=200)
    assert [c["name"] for c in linked["cats"]] == ["车棚橘猫"]
    cat_id = linked["cats"][0]["id"]
    again = operator.ok("POST", f"{case_path}/cats", {"cat_id": cat_id}, status=200)
    assert [c["id"] for c in again["cats"]] == [cat_id]
    cat = operator.get(f"/cats/{cat_id}")
    assert cat["status"] == "in_shelter" and cat["found_at"] == "6号楼北侧自行车棚"
    assert "case_linked" in [h["action"] for h in cat["history"]]

    progressed = operator.ok("POST", f"{case_path}/progress", {"note": "志愿者已将猫送医"},
                             status=200)
    assert progressed["status"] == "in_progress"
    wait_for(lambda: "办理进展" in [h["action"] for h in track(suite, code)["history"]],
             message="the progress to reach intake")

    reply = "您好，橘猫已送宠物医院治疗眼部感染，目前在猫舍休养，谢谢您的关心！"
    resolved = operator.ok("POST", f"{case_path}/resolve",
                           {"result": "已救助并治疗，猫在猫舍休养", "reply": reply}, status=200)
    assert resolved["status"] == "resolved"
    assert [h["action"] for h in resolved["history"]] == \
        ["received", "cat_linked", "in_progress", "resolved"]

    view = wait_for(lambda: (lambda v: v if v["status"] == "replied" else None)(
        track(suite, code)), message="the reply to reach the resident")
    assert view["reply"] == reply and view["status_label"] == "已答复"
    one = requests.get(suite.url(f"/open311/v2/requests/{public_id}.json?jurisdiction_id="
                                 "rainbow-city"), timeout=10).json()[0]
    assert (one["status"], one["status_notes"]) == ("closed", "已答复")   # the public: no reply
    # the resident's view carries no staff names and no personal data
    assert "13500007777" not in json.dumps(view, ensure_ascii=False)

    operator.refused("POST", f"{case_path}/resolve", {"result": "再办一次"}, 400, "case_closed")


# -- (b) the founding story through the API, then the public report -------------------------------

def test_the_founding_story_adds_up_to_the_fen_in_the_public_report(running):
    suite = running
    operator = fund_operator(suite)

    def fund():
        return operator.get("/fund")

    committee = operator.ok("POST", "/donations", {
        "amount": "500.00", "donor_name": "彩虹城居委会", "agreed_to_be_named": True,
        "donor_contact": "010-66001234", "channel": "cash", "occurred_on": "2026-05-06",
        "idempotency_key": "founding-committee"})
    company = operator.ok("POST", "/donations", {
        "amount": "500", "donor_name": "和泓物业公司", "donor_contact": "13911112222",
        "channel": "bank_transfer", "occurred_on": "2026-05-06",
        "idempotency_key": "founding-company"})
    assert (committee["public_donor"], company["public_donor"]) == ("彩虹城居委会", "匿名")
    assert company["balance"] == "1000.00"
    assert re.fullmatch(r"CF-\d{4}-\d{6}", committee["receipt_no"])

    # a resident's gift, sent twice (a double tap) with the same key: recorded once
    gift = {"amount": "50.00", "donor_name": "王秀兰", "donor_contact": "13722223333",
            "channel": "wechat", "occurred_on": "2026-06-08", "idempotency_key": "wechat-0608-01"}
    first = operator.ok("POST", "/donations", gift)
    repeated = operator.ok("POST", "/donations", gift, status=200)
    assert (repeated["id"], repeated["receipt_no"]) == (first["id"], first["receipt_no"])
    assert repeated["balance"] == first["balance"] == "1050.00"
    operator.refused("POST", "/donations", {**gift, "amount": "500.00"}, 409,
                     "idempotency_conflict")
    assert fund()["balance"] == "1050.00"
    assert operator.get("/entries", kind="donation")["total"] == 3

    # three cats found, sterilised and paid for
    cats = [operator.ok("POST", "/cats", {"name": name, "found_at": where,
                                          "found_on": "2026-05-10"})
            for name, where in (("大橘", "3号楼后"), ("小黑", "休闲广场"), ("花花", "5号楼车库"))]
    for cat in cats:
        sterilised = operator.ok("POST", f"/cats/{cat['id']}/sterilisation",
                                 {"date": "2026-05-20", "vet": "大红门宠物医院"})
        assert sterilised["sterilised"] is True
        operator.ok("POST", "/expenses", {
            "amount": "150.00", "category": "sterilisation", "cat_id": cat["id"],
            "invoice_ref": f"FP-05-{cat['id']}", "approved_by": "张站长",
            "payee": "大红门宠物医院", "occurred_on": "2026-05-20"})
    operator.refused("POST", f"/cats/{cats[0]['id']}/sterilisation",
                     {"date": "2026-05-21", "vet": "大红门宠物医院"}, 400, "already_sterilised")

    # a vet visit for 小黑, cat food (entered twice by mistake), and the shelter
    operator.ok("POST", f"/cats/{cats[1]['id']}/vet-visits", {
        "visited_on": "2026-06-02", "vet": "大红门宠物医院", "reason": "眼睛发炎",
        "treatment": "滴眼液"})
    operator.ok("POST", "/expenses", {"amount": "86.50", "category": "vet", "cat_id": cats[1]["id"],
                                      "invoice_ref": "FP-06-1", "approved_by": "张站长",
                                      "occurred_on": "2026-06-02"})
    food = {"amount": "60.00", "category": "food", "invoice_ref": "SP-0615",
            "approved_by": "张站长", "payee": "彩虹城便民超市", "occurred_on": "2026-06-15"}
    operator.ok("POST", "/expenses", food)
    mistake = operator.ok("POST", "/expenses", food)
    shelter = operator.ok("POST", "/expenses", {
        "amount": "300.00", "category": "shelter", "invoice_ref": "SJ-0701",
        "approved_by": "张站长", "description": "新建猫舍：板材、防雨布、猫窝",
        "occurred_on": "2026-07-01"})
    assert shelter["balance"] == "93.50"

    # more than is left is refused by name, and nothing changes
    before = fund()
    error = operator.refused("POST", "/expenses", {
        "amount": "100.00", "category": "shelter", "invoice_ref": "SJ-0702",
        "approved_by": "张站长", "occurred_on": "2026-07-02"}, 400, "insufficient_funds")
    assert "93.50" in error["message"] and "100.00" in error["message"]
    assert fund() == before == {"community": "rainbow-city", "balance": "93.50",
                                "entry_count": 10, "ledger_sum": "93.50"}

    # the double entry is reversed (once; a reversal is never itself reversed)
    reversal = operator.ok("POST", f"/entries/{mistake['id']}/reversal",
                           {"reason": "同一张小票重复登记"})
    assert reversal["kind"] == "reversal" and reversal["change"] == "60.00"
    assert reversal["reverses"]["number"] == mistake["number"]
    assert reversal["balance"] == "153.50"
    operator.refused("POST", f"/entries/{mistake['id']}/reversal", {"reason": "再冲一次"}, 400,
                     "already_reversed")
    operator.refused("POST", f"/entries/{reversal['id']}/reversal", {"reason": "冲回"}, 400,
                     "reversal_of_reversal")
    assert fund() == {"community": "rainbow-city", "balance": "153.50", "entry_count": 11,
                      "ledger_sum": "153.50"}
    assert operator.get(f"/cats/{cats[1]['id']}")["cost"] == "236.50"   # 150.00 + 86.50

    # -- the public report, read without logging in
    response = requests.get(suite.url(PROGRAM + "/report"), timeout=10)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["balance"], report["total_income"], report["total_spending"]) == \
        ("153.50", "1050.00", "896.50")
    assert report["entry_count"] == 11
    reversal_month = reversal["occurred_on"][:7]      # a reversal is dated the day it is made
    assert [(m["month"], m["income"], m["spending"], m["balance_at_month_end"])
            for m in report["by_month"]] == [
        ("2026-05", "1000.00", "450.00", "550.00"),
        ("2026-06", "50.00", "206.50", "393.50"),
        ("2026-07", "0.00", "300.00", "93.50"),
        (reversal_month, "0.00", "-60.00", "153.50")]
    assert [m["spending_by_category"] for m in report["by_month"]] == [
        [{"category": "sterilisation", "label": "绝育", "amount": "450.00"}],
        [{"category": "vet", "label": "看病", "amount": "86.50"},
         {"category": "food", "label": "猫粮", "amount": "120.00"}],
        [{"category": "shelter", "label": "猫舍", "amount": "300.00"}],
        [{"category": "food", "label": "猫粮", "amount": "-60.00"}]]
    assert report["spending_by_category"] == [
        {"category": "sterilisation", "label": "绝育", "amount": "450.00"},
        {"category": "vet", "label": "看病", "amount": "86.50"},
        {"category": "food", "label": "猫粮", "amount": "60.00"},
        {"category": "shelter", "label": "猫舍", "amount": "300.00"}]
    assert [(d["number"], d["amount"], d["donor"]) for d in report["donations"]] == [
        (committee["number"], "500.00", "彩虹城居委会"), (company["number"], "500.00", "匿名"),
        (first["number"], "50.00", "匿名")]
    assert [r["reverses"] for r in report["reversals"]] == [mistake["number"]]
    assert next(p for p in report["spending"] if p["number"] == mistake["number"])[
        "reversed_by"] == reversal["number"]
    assert report["cats"]["total"] == 3 and report["cats"]["sterilised"] == 3

    # donors who did not agree to be named are nowhere in it, and no contact details at all
    text = json.dumps(report, ensure_ascii=False)
    for private in ("和泓物业", "王秀兰", "13911112222", "13722223333", "010-66001234"):
        assert private not in text, private
