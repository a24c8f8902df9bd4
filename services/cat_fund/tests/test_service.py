"""The real service in a nameko container, on a throwaway RabbitMQ vhost and a real PostgreSQL
(``program_container``).

Cases arrive on the bus the way intake sends them; reports leave through the outbox onto the
``minzi`` exchange; staff drive the API the way the gateway does.
"""
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from minzi.contract import CaseReported, ProgramManifest
from minzi.envelope import make_envelope
from minzi.ops import DEFAULT_MANAGEMENT_URL, list_parked
from minzi.testing import call_api, dispatched_case, wait_for

from cat_fund.service import CatFund

from .conftest import HANDLER, OPERATOR, STATION_HEAD

DISPATCHED = "case.dispatched.cat_fund"


def dispatched(case_id=42, service_code="sick_or_injured_cat", **data):
    """A stray-cat case as intake sends it, with fields a newer intake might add."""
    return dispatched_case("cat_fund", service_code, case_id=case_id, **{
        "channel": "walk_in", "description": "3号楼后有只猫腿受伤了",
        "attributes": {"number_of_cats": 1}, "lat": None, "long": None,
        "resident": {"name": "张三", "phone": "13800001111", "contact": None},
        "due_at": "2026-11-29T08:00:00Z", "note": "请尽快查看", "a_field_from_the_future": 1,
        **data})


@pytest.fixture
def fund(program_container, bus):
    """The fund running with one worker (messages handled one at a time, in order); ``bus``
    is bound before it starts, so it sees every message the fund sends."""
    return program_container(CatFund, PROGRAM_COMMUNITIES="rainbow-city", max_workers=1,
                             HEARTBEAT_SECONDS=600)


def api(container, method, path, body=None, *, staff=OPERATOR, query=None):
    response = call_api(container, method, path, body, staff=staff, query=query)
    return response["status"], response["body"]


def report_of(bus, case_id, status):
    return bus.wait("case.reported", lambda m: m["data"]["case_id"] == case_id
                    and m["data"]["status"] == status)


def test_a_dispatched_case_is_accepted_on_the_bus(fund, bus):
    bus.publish(DISPATCHED, dispatched(42))
    report = report_of(bus, 42, "accepted")
    assert report["source"] == "cat_fund" and report["community"] == "rainbow-city"
    assert report["version"] == 1 and report["event_id"]
    data = CaseReported().load(report["data"])  # it meets the published contract
    assert data["program_id"] == "cat_fund" and "受理" in data["note"]
    assert data["handler"] == "流浪猫爱心基金会"


def test_the_same_message_twice_has_one_effect(fund, bus):
    envelope = bus.publish(DISPATCHED, dispatched(42))
    bus.send(envelope, DISPATCHED)                       # delivered again
    bus.publish(DISPATCHED, dispatched(43))              # the marker
    # one worker takes messages in order: once the marker's report is out, the duplicate has
    # been handled too, and it sent nothing
    report_of(bus, 43, "accepted")
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(42, "accepted")]
    status, body = api(fund, "GET", "/cases/42")
    assert status == 200 and [h["action"] for h in body["history"]] == ["received"]


def test_a_chase_delivered_twice_is_counted_once(fund, bus):
    bus.publish(DISPATCHED, dispatched(5))
    report_of(bus, 5, "accepted")
    chase = bus.publish("case.chased.cat_fund", {"case_id": 5, "tracking_code": "TEST000005",
                                                 "program_id": "cat_fund", "note": "已超时",
                                                 "level": 1})
    bus.send(chase, "case.chased.cat_fund")             # delivered again
    bus.publish(DISPATCHED, dispatched(6))              # the marker, handled after both
    report_of(bus, 6, "accepted")
    _, case = api(fund, "GET", "/cases/5")
    assert [h["action"] for h in case["history"]] == ["received", "chased"]


def test_staff_work_a_case_and_the_result_goes_back_to_intake(fund, bus):
    bus.publish(DISPATCHED, dispatched(7, "cat_colony_sterilisation",
                                       description="5号楼地下车库有一群流浪猫，有小猫"))
    report_of(bus, 7, "accepted")
    status, listing = api(fund, "GET", "/cases", staff=HANDLER)
    assert status == 200 and listing["items"][0]["resident"]["phone"] == "13800001111"
    _, seen_by_head = api(fund, "GET", "/cases", staff=STATION_HEAD)
    assert seen_by_head["items"][0]["resident"]["phone"] == "138****1111"
    status, body = api(fund, "POST", "/cases/7/cats", {"cat": {
        "name": "车库大橘", "found_at": "5号楼地下车库", "found_on": "2026-11-27"}}, staff=HANDLER)
    assert status == 200
    cat_id = body["cats"][0]["id"]
    status, body = api(fund, "POST", "/cases/7/cats", {"cat_id": cat_id}, staff=HANDLER)
    assert len(body["cats"]) == 1  # linking again changes nothing
    status, _ = api(fund, "POST", "/cases/7/progress", {"note": "已放置诱捕笼"}, staff=HANDLER)
    assert status == 200
    report_of(bus, 7, "in_progress")
    status, body = api(fund, "POST", "/cases/7/resolve",
                       {"result": "已捕捉4只成猫完成绝育并放归，2只幼猫送猫舍",
                        "reply": "您好，车库的流浪猫已完成绝育，感谢您的反映。"}, staff=HANDLER)
    assert status == 200 and body["status"] == "resolved"
    resolved = report_of(bus, 7, "resolved")
    assert resolved["data"]["result"].startswith("已捕捉4只")
    assert resolved["data"]["reply"].startswith("您好")
    assert resolved["data"]["handler"] == "赵志愿者"
    CaseReported().load(resolved["data"])


def test_a_case_of_a_type_it_does_not_offer_is_returned_with_a_note(fund, bus):
    bus.publish(DISPATCHED, dispatched(12, "legal_consultation"))
    returned = report_of(bus, 12, "returned")
    assert "legal_consultation" in returned["data"]["note"]
    CaseReported().load(returned["data"])
    # returned at the door: the fund keeps no case it does not work
    status, body = api(fund, "GET", "/cases/12")
    assert status == 404 and body["error"]["code"] == "case_not_found"


def test_a_case_returned_and_a_recalled_case(fund, bus):
    bus.publish(DISPATCHED, dispatched(8, description="楼道里有狗一直叫"))
    bus.publish(DISPATCHED, dispatched(9))
    report_of(bus, 9, "accepted")
    status, _ = api(fund, "POST", "/cases/8/return",
                    {"note": "这是犬只扰民，不是流浪猫；请转养犬自律协会"})
    assert status == 200
    returned = report_of(bus, 8, "returned")
    assert "养犬自律协会" in returned["data"]["note"]
    bus.publish("case.chased.cat_fund", {"case_id": 9, "tracking_code": "TEST000009",
                                         "program_id": "cat_fund", "note": "已超时", "level": 1})
    bus.publish("case.recalled.cat_fund", {"case_id": 9, "tracking_code": "TEST000009",
                                           "program_id": "cat_fund", "note": "已转办"})

    def recalled():
        return api(fund, "GET", "/cases/9")[1]["status"] == "recalled"
    wait_for(recalled, message="the recall to be recorded")
    _, case = api(fund, "GET", "/cases/9")
    assert case["chase_level"] == 1
    assert [h["action"] for h in case["history"]] == ["received", "chased", "recalled"]
    status, body = api(fund, "POST", "/cases/9/resolve", {"result": "x"})
    assert status == 400 and body["error"]["code"] == "case_recalled"


def test_a_message_it_cannot_read_is_parked_with_its_error(fund, bus, rabbit_config):
    future = make_envelope("case.dispatched", dispatched(11), source="intake",
                           community="rainbow-city")
    future["version"] = 99
    bus.send(future, DISPATCHED)

    def parked():
        return [p for p in list_parked(DEFAULT_MANAGEMENT_URL, rabbit_config["vhost"])
                if p["event_id"] == future["event_id"]]
    [message] = wait_for(parked, message="the parked message")
    assert message["queue"] == "minzi.program.cat_fund.cases"
    assert "version 99" in message["error"]


def test_discover_makes_it_announce(fund, bus):
    bus.wait("program.announced")                         # on start
    bus.publish("program.discover", {}, community=None)
    announced = bus.wait("program.announced")             # asked (the heartbeat is 10 min)
    manifest = ProgramManifest().load(announced["data"])
    assert manifest["rpc_service"] == "cat_fund"
    assert {t["code"] for t in manifest["service_types"]} == {"sick_or_injured_cat",
                                                              "cat_colony_sterilisation"}


def test_openapi_describes_the_routes(fund):
    with ServiceRpcProxy("cat_fund", fund.config) as proxy:
        document = proxy.openapi()
    assert {"post"} <= set(document["paths"]["/donations"])
    report = document["paths"]["/report"]
    assert "get" in report and "security" not in report["get"]
    amount = document["components"]["schemas"]["DonationIn"]["properties"]["amount"]
    assert amount["type"] == "string"
    cat = document["paths"]["/cats/{cat_id}"]["get"]["parameters"]
    assert {"in": "path", "name": "cat_id", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}} in cat


def test_the_seed_story_to_the_fen(fund):
    """The residents' committee and the property company give 1,000 yuan; the fund pays for
    sterilisations, vet visits and vaccinations and builds a shelter; anyone can check it."""
    def ok(response, status=201):
        assert response[0] == status, response
        return response[1]

    def call(method, path, body=None, **kwargs):
        return api(fund, method, path, body, **kwargs)

    ok(call("POST", "/donations", {"amount": "500.00", "donor_name": "彩虹城居委会",
                                   "agreed_to_be_named": True, "channel": "cash",
                                   "occurred_on": "2026-05-06", "idempotency_key": "seed-rc"}))
    ok(call("POST", "/donations", {"amount": "500", "donor_name": "和泓物业公司",
                                   "agreed_to_be_named": True, "channel": "bank_transfer",
                                   "occurred_on": "2026-05-06", "idempotency_key": "seed-hh"}))
    ok(call("POST", "/donations", {"amount": "500.00", "donor_name": "彩虹城居委会",
                                   "agreed_to_be_named": True, "channel": "cash",
                                   "occurred_on": "2026-05-06", "idempotency_key": "seed-rc"}),
       200)  # sent twice, counted once
    cats = [ok(call("POST", "/cats", {"name": name, "found_at": where, "found_on": "2026-05-10"}))
            for name, where in (("大橘", "3号楼后"), ("小黑", "休闲广场"), ("花花", "5号楼车库"))]
    for cat in cats:
        ok(call("POST", f"/cats/{cat['id']}/sterilisation", {"date": "2026-05-20",
                                                              "vet": "大红门宠物医院"}))
        ok(call("POST", "/expenses", {"amount": "150.00", "category": "sterilisation",
                                      "cat_id": cat["id"], "invoice_ref": f"FP-05-{cat['id']}",
                                      "approved_by": "张站长", "payee": "大红门宠物医院",
                                      "occurred_on": "2026-05-20"}))
    ok(call("POST", f"/cats/{cats[1]['id']}/vet-visits", {
        "visited_on": "2026-06-02", "vet": "大红门宠物医院", "reason": "眼睛发炎",
        "treatment": "滴眼液"}))
    ok(call("POST", "/expenses", {"amount": "86.50", "category": "vet", "cat_id": cats[1]["id"],
                                  "invoice_ref": "FP-06-1", "approved_by": "张站长",
                                  "occurred_on": "2026-06-02"}))
    for cat in cats[:2]:
        ok(call("POST", f"/cats/{cat['id']}/vaccinations", {
            "vaccine": "猫三联", "given_on": "2026-06-10", "next_due_on": "2027-06-10"}))
        ok(call("POST", "/expenses", {"amount": "45", "category": "vaccination",
                                      "cat_id": cat["id"], "invoice_ref": f"FP-06-V{cat['id']}",
                                      "approved_by": "张站长", "occurred_on": "2026-06-10"}))
    ok(call("POST", "/expenses", {"amount": "300.00", "category": "shelter",
                                  "invoice_ref": "SJ-0701", "approved_by": "张站长",
                                  "description": "新建猫舍：板材、防雨布、猫窝",
                                  "occurred_on": "2026-07-01"}))
    refused = call("POST", "/expenses", {"amount": "100.00", "category": "shelter",
                                         "invoice_ref": "SJ-0702", "approved_by": "张站长"})
    assert refused[0] == 400 and refused[1]["error"]["code"] == "insufficient_funds"

    status, report = call("GET", "/report", staff=None, query={"community": "rainbow-city"})
    assert status == 200
    assert report["balance"] == "73.50"
    assert report["total_income"] == "1000.00" and report["total_spending"] == "926.50"
    assert [(m["month"], m["income"], m["spending"], m["balance_at_month_end"])
            for m in report["by_month"]] == [("2026-05", "1000.00", "450.00", "550.00"),
                                             ("2026-06", "0.00", "176.50", "373.50"),
                                             ("2026-07", "0.00", "300.00", "73.50")]
    assert report["spending_by_category"] == [
        {"category": "sterilisation", "label": "绝育", "amount": "450.00"},
        {"category": "vet", "label": "看病", "amount": "86.50"},
        {"category": "vaccination", "label": "疫苗", "amount": "90.00"},
        {"category": "shelter", "label": "猫舍", "amount": "300.00"}]
    assert [d["donor"] for d in report["donations"]] == ["彩虹城居委会", "和泓物业公司"]
    assert report["cats"]["total"] == 3 and report["cats"]["sterilised"] == 3
    status, cat = call("GET", f"/cats/{cats[1]['id']}")
    assert cat["cost"] == "281.50"  # 150.00 + 86.50 + 45.00
