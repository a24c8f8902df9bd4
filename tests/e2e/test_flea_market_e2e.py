"""The flea market (跳蚤市场) as a resident and its staff meet it: intake, the gateway and the
program as separate processes, driven through HTTP — a resident asks online for a stall at the
next market, staff sign them up from the case and the resident reads the day, the place and the
stall number by the tracking code; a charity sale's takings are recorded, handed to the
beneficiary, and read by anyone in the public report, to the fen."""
from datetime import timedelta

import pytest
import requests

from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, ProgramClient, tracking_code

pytestmark = pytest.mark.e2e

PROGRAM = "/api/v1/programs/flea_market"


@pytest.fixture
def running(suite):
    return suite.start_with("flea_market", "flea_market_stall")


def track(suite, code):
    return requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()


def test_a_resident_asks_for_a_stall_and_reads_the_stall_number_by_the_tracking_code(running):
    suite = running
    offered = {s["service_code"]: s for s in requests.get(
        suite.url("/open311/v2/services.json?jurisdiction_id=rainbow-city"), timeout=10).json()}
    assert offered["flea_market_stall"]["service_name"] == "跳蚤市场摊位报名"
    assert offered["flea_market_swap"]["service_name"] == "物品置换与捐赠咨询"
    staff = ProgramClient(suite, "flea_market", suite.add_staff(
        "flea-desk", "周站长", "program_staff", "flea_market"))
    saturday = (local_date(utcnow()) + timedelta(days=4)).isoformat()
    market = staff.ok("POST", "/markets", {"day": saturday, "place": "彩虹城文化广场",
                                           "theme": "闲置物品置换", "stall_count": 2})
    # a neighbour already has stall 1
    staff.ok("POST", f"/markets/{market['id']}/signups", {"name": "王阿姨",
                                                          "phone": "13900001111"})

    # the resident asks online
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
        "service_code": "flea_market_stall", "attribute[goods]": "儿童绘本二十本",
        "phone": "13700001234", "first_name": "女士", "last_name": "刘",
        "description": "想在下次跳蚤市场摆摊，换些孩子的旧书", "address_string": "彩虹城3号楼"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: track(suite, code)["status"] == "accepted",
             message="the flea market to accept the case")
    (case,) = staff.get("/cases")["items"]
    assert (case["tracking_code"], case["service_code"], case["attributes"]) == (
        code, "flea_market_stall", {"goods": "儿童绘本二十本"})

    # staff sign them up from the case; the reply goes with it
    done = staff.ok("POST", f"/cases/{case['case_id']}/signup", {"market_id": market["id"]},
                    status=200)
    assert [h["action"] for h in done["history"]] == ["received", "signed_up", "resolved"]
    stalls = staff.get(f"/markets/{market['id']}")
    assert [(s["stall_no"], s["phone"], s["goods"]) for s in stalls["signups"]] == [
        (1, "13900001111", None), (2, "13700001234", "儿童绘本二十本")]
    assert (stalls["stalls_taken"], stalls["stalls_free"]) == (2, 0)

    def replied():
        view = track(suite, code)
        return view if view["status"] == "replied" else None
    reply = wait_for(replied, message="the reply to reach the resident")["reply"]
    assert f"{saturday} 在彩虹城文化广场举办的跳蚤市场" in reply and "摊位号 2" in reply

    # the market is full now: the next one is told so, and nothing changes
    staff.refused("POST", f"/markets/{market['id']}/signups",
                  {"name": "李大爷", "phone": "13900002222"}, 409, "market_full")


def test_a_charity_sale_adds_up_to_the_fen_in_the_public_report(running):
    suite = running
    staff = ProgramClient(suite, "flea_market", suite.add_staff(
        "flea-cashier", "钱干事", "handler", "flea_market"))
    today = local_date(utcnow()).isoformat()
    market = staff.ok("POST", "/markets", {
        "day": today, "place": "彩虹城文化广场", "theme": "爱心义卖 支援汶川", "charity": True,
        "beneficiary": "汶川地震灾区", "stall_count": 60})
    path = f"/markets/{market['id']}"
    # three stalls' takings: 856.50 + 1200.00 + 412.00 = 2468.50 (the seed's 2468.5 yuan)
    for amount in ("856.50", "1200", "412.00"):
        staff.ok("POST", f"{path}/sales", {"amount": amount, "channel": "cash"})
    wrong = staff.ok("POST", f"{path}/sales", {"amount": "10", "channel": "cash"})
    staff.ok("POST", f"/ledger/entries/{wrong['id']}/reversal", {"reason": "重复登记"})
    staff.ok("POST", f"{path}/head-count", {"participants": 560}, status=200)
    staff.refused("POST", f"{path}/handovers", {
        "amount": "2468.51", "invoice_ref": "红十字会收据 0518", "approved_by": "社区党委书记"},
        400, "more_than_raised")
    staff.ok("POST", f"{path}/handovers", {
        "amount": "2468.50", "invoice_ref": "红十字会收据 0518", "approved_by": "社区党委书记"})

    # anyone reads where the money went, without logging in
    response = requests.get(suite.url(PROGRAM + "/report"), timeout=10)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["markets_held"], report["participants"], report["total_raised"],
            report["total_handed_over"], report["balance"]) == (
        1, 560, "2468.50", "2468.50", "0.00")
    assert [(h["to"], h["amount"], h["receipt"]) for h in report["handovers"]] == [
        ("汶川地震灾区", "2468.50", "红十字会收据 0518")]
    figures = staff.get("/figures")
    assert (figures["markets_held"], figures["sales"], figures["raised"]) == (
        1, 3, "2468.50")
