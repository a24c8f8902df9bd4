"""The real service in a nameko container, on a throwaway RabbitMQ vhost and a real PostgreSQL.

Cases arrive on the bus the way intake sends them; reports leave through the outbox onto the
``minzi`` exchange; staff drive the API over nameko RPC the way the gateway does.
"""
import uuid

import pytest
from kombu import Connection, Queue, binding
from nameko.standalone.rpc import ServiceRpcProxy

from cat_fund.service import CatFund
from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.contract import CaseReported, ProgramManifest
from minzi.envelope import make_envelope
from minzi.testing import postgres_database, wait_for

from .conftest import OPERATOR, STATION_HEAD
from .test_concurrency_pg import migrate

HANDLER_STAFF = {**OPERATOR, "role": "handler", "name": "赵志愿者", "username": "zhao", "id": 8}


class Listener:
    """A queue of the test's own on the ``minzi`` exchange."""

    def __init__(self, amqp_uri, *routing_keys):
        self.connection = Connection(amqp_uri)
        exchange = minzi_exchange()
        self.queue = Queue(f"test.listener.{uuid.uuid4().hex[:8]}", exchange=exchange,
                           bindings=[binding(exchange, routing_key=k) for k in routing_keys],
                           durable=False)
        self.bound = self.queue(self.connection.default_channel)
        self.bound.declare()
        self.seen = []

    def drain(self):
        while True:
            message = self.bound.get(no_ack=True)
            if message is None:
                return self.seen
            self.seen.append((message.delivery_info["routing_key"], message.decode(),
                              message.headers))

    def wait(self, predicate, message="a message"):
        def found():
            self.drain()
            return [body for _, body, _ in self.seen if predicate(body)]
        return wait_for(found, timeout=20, message=message)

    def close(self):
        self.connection.release()


def dispatched(case_id=42, service_code="sick_or_injured_cat", **data):
    body = {"case_id": case_id, "tracking_code": f"RC{case_id:08d}", "program_id": "cat_fund",
            "service_code": service_code, "community": "rainbow-city", "channel": "walk_in",
            "description": "3号楼后有只猫腿受伤了", "attributes": {"number_of_cats": 1},
            "address": "彩虹城3号楼", "lat": None, "long": None,
            "resident": {"name": "张三", "phone": "13800001111", "contact": None},
            "due_at": "2026-11-29T08:00:00Z", "note": "请尽快查看", "a_field_from_the_future": 1,
            **data}
    return make_envelope("case.dispatched", body, source="intake", community="rainbow-city")


@pytest.fixture
def config(rabbit_config):
    with postgres_database("cat_fund_svc") as url:
        migrate(url)
        yield {**rabbit_config, "DATABASE_URL": url, "PROGRAM_COMMUNITIES": "rainbow-city",
               "HEARTBEAT_SECONDS": 60, "RETRY_DELAYS_SECONDS": [0.05],
               "OUTBOX_SWEEP_SECONDS": 1, "max_workers": 1}


@pytest.fixture
def bus(config):
    listener = Listener(config["AMQP_URI"], "case.reported", "program.announced")
    publisher = ConfirmingPublisher(config["AMQP_URI"])
    yield listener, publisher
    publisher.close()
    listener.close()


@pytest.fixture
def running(container_factory, config, bus):
    container = container_factory(CatFund, config)
    container.start()
    return container


@pytest.fixture
def api(config, running):
    with ServiceRpcProxy("cat_fund", config) as proxy:
        def call(method, path, body=None, *, staff=OPERATOR, query=None, lang="zh"):
            response = proxy.api({"method": method, "path": path, "query": query or {},
                                  "body": body, "staff": staff, "lang": lang})
            return response["status"], response["body"]
        yield call


def reports_for(listener, case_id, status):
    return listener.wait(lambda b: b["type"] == "case.reported"
                         and b["data"]["case_id"] == case_id and b["data"]["status"] == status,
                         message=f"case.reported {status} for case {case_id}")


def test_a_dispatched_case_is_accepted_on_the_bus(running, bus):
    listener, publisher = bus
    publisher.publish(dispatched(42), "case.dispatched.cat_fund")
    [report] = reports_for(listener, 42, "accepted")
    assert report["source"] == "cat_fund" and report["community"] == "rainbow-city"
    assert report["version"] == 1 and report["event_id"]
    data = CaseReported().load(report["data"])  # it meets the published contract
    assert data["program_id"] == "cat_fund" and "受理" in data["note"]


def test_the_same_message_twice_has_one_effect(running, bus, api):
    listener, publisher = bus
    envelope = dispatched(42)
    publisher.publish(envelope, "case.dispatched.cat_fund")
    publisher.publish(envelope, "case.dispatched.cat_fund")
    publisher.publish(dispatched(43), "case.dispatched.cat_fund")  # handled after both copies
    reports_for(listener, 43, "accepted")
    accepted = [b for _, b, _ in listener.drain()
                if b["type"] == "case.reported" and b["data"]["case_id"] == 42]
    assert len(accepted) == 1
    status, body = api("GET", "/cases/42")
    assert status == 200 and [h["action"] for h in body["history"]] == ["received"]


def test_staff_work_a_case_and_the_result_goes_back_to_intake(running, bus, api):
    listener, publisher = bus
    publisher.publish(dispatched(7, "cat_colony_sterilisation",
                                 description="5号楼地下车库有一群流浪猫，有小猫"),
                      "case.dispatched.cat_fund")
    reports_for(listener, 7, "accepted")
    status, listing = api("GET", "/cases", staff=HANDLER_STAFF)
    assert status == 200 and listing["items"][0]["resident"]["phone"] == "13800001111"
    _, seen_by_head = api("GET", "/cases", staff=STATION_HEAD)
    assert seen_by_head["items"][0]["resident"]["phone"] == "138****1111"
    status, body = api("POST", "/cases/7/cats", {"cat": {"name": "车库大橘", "found_at": "5号楼地下车库",
                                                         "found_on": "2026-11-27"}},
                       staff=HANDLER_STAFF)
    assert status == 200
    cat_id = body["cats"][0]["id"]
    status, body = api("POST", "/cases/7/cats", {"cat_id": cat_id}, staff=HANDLER_STAFF)
    assert len(body["cats"]) == 1  # linking again changes nothing
    status, _ = api("POST", "/cases/7/progress", {"note": "已放置诱捕笼"}, staff=HANDLER_STAFF)
    assert status == 200
    reports_for(listener, 7, "in_progress")
    status, body = api("POST", "/cases/7/resolve",
                       {"result": "已捕捉4只成猫完成绝育并放归，2只幼猫送猫舍",
                        "reply": "您好，车库的流浪猫已完成绝育，感谢您的反映。"},
                       staff=HANDLER_STAFF)
    assert status == 200 and body["status"] == "resolved"
    [resolved] = reports_for(listener, 7, "resolved")
    assert resolved["data"]["result"].startswith("已捕捉4只")
    assert resolved["data"]["reply"].startswith("您好")
    assert resolved["data"]["handler"] == "赵志愿者"
    CaseReported().load(resolved["data"])


def test_a_case_of_a_type_it_does_not_offer_is_returned_with_a_note(running, bus, api):
    listener, publisher = bus
    publisher.publish(dispatched(12, "legal_consultation"), "case.dispatched.cat_fund")
    [returned] = reports_for(listener, 12, "returned")
    assert "legal_consultation" in returned["data"]["note"]
    CaseReported().load(returned["data"])
    assert api("GET", "/cases/12")[1]["status"] == "returned"


def test_a_case_returned_and_a_recalled_case(running, bus, api):
    listener, publisher = bus
    publisher.publish(dispatched(8, description="楼道里有狗一直叫"), "case.dispatched.cat_fund")
    publisher.publish(dispatched(9), "case.dispatched.cat_fund")
    reports_for(listener, 9, "accepted")
    status, _ = api("POST", "/cases/8/return",
                    {"note": "这是犬只扰民，不是流浪猫；请转养犬自律协会"})
    assert status == 200
    [returned] = reports_for(listener, 8, "returned")
    assert "养犬自律协会" in returned["data"]["note"]
    chase = make_envelope("case.chased", {"case_id": 9, "tracking_code": "RC00000009",
                                          "program_id": "cat_fund", "note": "已超时", "level": 1},
                          source="intake", community="rainbow-city")
    recall = make_envelope("case.recalled", {"case_id": 9, "tracking_code": "RC00000009",
                                             "program_id": "cat_fund", "note": "已转办"},
                           source="intake", community="rainbow-city")
    publisher.publish(chase, "case.chased.cat_fund")
    publisher.publish(recall, "case.recalled.cat_fund")

    def recalled():
        return api("GET", "/cases/9")[1]["status"] == "recalled"
    wait_for(recalled, message="the recall to be recorded")
    _, case = api("GET", "/cases/9")
    assert case["chase_level"] == 1
    assert [h["action"] for h in case["history"]] == ["received", "chased", "recalled"]
    status, body = api("POST", "/cases/9/resolve", {"result": "x"})
    assert status == 400 and body["error"]["code"] == "case_recalled"


def test_a_message_it_cannot_read_is_parked_with_its_error(running, bus, config):
    _, publisher = bus
    future = dispatched(11)
    future["version"] = 99
    publisher.publish(future, "case.dispatched.cat_fund")
    parked = Listener(config["AMQP_URI"])
    parked.bound = Queue("minzi.program.cat_fund.cases.parked", durable=True)(
        parked.connection.default_channel)
    try:
        wait_for(lambda: parked.bound.queue_declare(passive=True).message_count == 1
                 if _exists(parked) else None, message="the parked message")
        parked.drain()
        [(_, body, headers)] = parked.seen
        assert body["event_id"] == future["event_id"]
        assert "version 99" in headers["x-minzi-error"]
    finally:
        parked.close()


def _exists(listener):
    try:
        listener.bound.queue_declare(passive=True)
        return True
    except Exception:
        listener.bound = Queue("minzi.program.cat_fund.cases.parked", durable=True)(
            listener.connection.channel())
        return False


def test_discover_makes_it_announce(running, bus):
    listener, publisher = bus
    listener.wait(lambda b: b["type"] == "program.announced", message="the first announcement")
    before = len([1 for _, b, _ in listener.seen if b["type"] == "program.announced"])
    publisher.publish(make_envelope("program.discover", {}, source="intake"), "program.discover")
    announced = listener.wait(lambda b: b["type"] == "program.announced")
    wait_for(lambda: len(listener.wait(lambda b: b["type"] == "program.announced")) > before,
             message="a second announcement")
    manifest = ProgramManifest().load(announced[0]["data"])
    assert manifest["rpc_service"] == "cat_fund"
    assert {t["code"] for t in manifest["service_types"]} == {"sick_or_injured_cat",
                                                              "cat_colony_sterilisation"}


def test_openapi_describes_the_routes(running, config):
    with ServiceRpcProxy("cat_fund", config) as proxy:
        document = proxy.openapi()
    assert {"post"} <= set(document["paths"]["/donations"])
    assert "get" in document["paths"]["/report"] and "security" not in document["paths"]["/report"]["get"]
    amount = document["components"]["schemas"]["DonationIn"]["properties"]["amount"]
    assert amount["type"] == "string"


def test_the_seed_story_to_the_fen(running, api):
    """The residents' committee and the property company give 1,000 yuan; the fund pays for
    sterilisations, vet visits and vaccinations and builds a shelter; anyone can check it."""
    def ok(response, status=201):
        assert response[0] == status, response
        return response[1]

    ok(api("POST", "/donations", {"amount": "500.00", "donor_name": "彩虹城居委会",
                                  "agreed_to_be_named": True, "channel": "cash",
                                  "occurred_on": "2026-05-06", "idempotency_key": "seed-rc"}))
    ok(api("POST", "/donations", {"amount": "500", "donor_name": "和泓物业公司",
                                  "agreed_to_be_named": True, "channel": "bank_transfer",
                                  "occurred_on": "2026-05-06", "idempotency_key": "seed-hh"}))
    ok(api("POST", "/donations", {"amount": "500.00", "donor_name": "彩虹城居委会",
                                  "agreed_to_be_named": True, "channel": "cash",
                                  "occurred_on": "2026-05-06", "idempotency_key": "seed-rc"}),
       200)  # sent twice, counted once
    cats = [ok(api("POST", "/cats", {"name": name, "found_at": where, "found_on": "2026-05-10"}))
            for name, where in (("大橘", "3号楼后"), ("小黑", "休闲广场"), ("花花", "5号楼车库"))]
    for cat in cats:
        ok(api("POST", f"/cats/{cat['id']}/sterilisation", {"date": "2026-05-20",
                                                             "vet": "大红门宠物医院"}))
        ok(api("POST", "/expenses", {"amount": "150.00", "category": "sterilisation",
                                     "cat_id": cat["id"], "invoice_ref": f"FP-05-{cat['id']}",
                                     "approved_by": "张站长", "payee": "大红门宠物医院",
                                     "occurred_on": "2026-05-20"}))
    ok(api("POST", f"/cats/{cats[1]['id']}/vet-visits", {
        "visited_on": "2026-06-02", "vet": "大红门宠物医院", "reason": "眼睛发炎",
        "treatment": "滴眼液"}))
    ok(api("POST", "/expenses", {"amount": "86.50", "category": "vet", "cat_id": cats[1]["id"],
                                 "invoice_ref": "FP-06-1", "approved_by": "张站长",
                                 "occurred_on": "2026-06-02"}))
    for cat in cats[:2]:
        ok(api("POST", f"/cats/{cat['id']}/vaccinations", {
            "vaccine": "猫三联", "given_on": "2026-06-10", "next_due_on": "2027-06-10"}))
        ok(api("POST", "/expenses", {"amount": "45", "category": "vaccination",
                                     "cat_id": cat["id"], "invoice_ref": f"FP-06-V{cat['id']}",
                                     "approved_by": "张站长", "occurred_on": "2026-06-10"}))
    ok(api("POST", "/expenses", {"amount": "300.00", "category": "shelter",
                                 "invoice_ref": "SJ-0701", "approved_by": "张站长",
                                 "description": "新建猫舍：板材、防雨布、猫窝", "occurred_on": "2026-07-01"}))
    refused = api("POST", "/expenses", {"amount": "100.00", "category": "shelter",
                                        "invoice_ref": "SJ-0702", "approved_by": "张站长"})
    assert refused[0] == 400 and refused[1]["error"]["code"] == "insufficient_funds"

    status, report = api("GET", "/report", staff=None, query={"community": "rainbow-city"})
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
    status, cat = api("GET", f"/cats/{cats[1]['id']}")
    assert cat["cost"] == "281.50"  # 150.00 + 86.50 + 45.00
