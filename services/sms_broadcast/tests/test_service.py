"""sms_broadcast running for real: nameko container, a throwaway RabbitMQ vhost, PostgreSQL
(migrated with the service's own alembic scripts)."""
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import create_engine, func, select

from minzi.contract import CaseSubmitted, load_manifest
from minzi.db import normalise_url
from minzi.testing import call_api, dispatched_case, wait_for

from sms_broadcast.models import Inbound, Outbox
from sms_broadcast.service import MANIFEST, SmsBroadcastService

from .conftest import OPERATOR, RECEPTIONIST, C

SECRET = "gateway-shared-secret"


def test_the_manifest_is_valid():
    manifest = load_manifest(MANIFEST)
    assert manifest["program_id"] == "sms_broadcast"
    codes = {t["code"]: t for t in manifest["service_types"]}
    assert codes["sms_notice_request"]["name"] == {"zh": "通知群发申请",
                                                   "en": "Request for an SMS notice"}
    assert all(t["keywords"] and t["time_limit_hours"] > 0 for t in codes.values())


@pytest.fixture
def service(program_container):
    return program_container(SmsBroadcastService, SMS_SWEEP_SECONDS=0.5, PROGRAM_COMMUNITIES=C,
                             INBOUND_SECRET=SECRET)


@pytest.fixture
def database(service):
    return service.config["DATABASE_URL"]


def call(container, method, path, body=None, staff=OPERATOR, query=None):
    return call_api(container, method, path, body, staff=staff, query=query)


def ok(response, status=200):
    assert response["status"] == status, response
    return response["body"]


def inbound(container, text, message_id, phone="13800001111", secret=SECRET):
    return call(container, "POST", "/inbound", staff=None, body={
        "from": phone, "text": text, "message_id": message_id,
        "received_at": "2026-11-27T02:00:00Z", "secret": secret})


@pytest.fixture
def grid(service):
    zone = ok(call(service, "POST", "/zones", {"name": "一片区"}), 201)
    building = ok(call(service, "POST", "/buildings",
                       {"zone_id": zone["id"], "name": "5号楼"}), 201)
    door = ok(call(service, "POST", "/doors", {"building_id": building["id"], "name": "2单元"}),
              201)
    zhang = ok(call(service, "POST", "/contacts", {"name": "张三", "phone": "13800001111",
                                                   "door_id": door["id"]}), 201)
    li = ok(call(service, "POST", "/contacts", {"name": "李四", "phone": "13800002222",
                                                "building_id": building["id"]}), 201)
    return {"zone": zone, "building": building, "door": door, "zhang": zhang, "li": li}


def send(service, grid, text="明天上午停水，请提前储水。"):
    return ok(call(service, "POST", "/broadcasts", {
        "text": text, "target": "building", "building_id": grid["building"]["id"]}), 201)


def all_sent(service, broadcast_id):
    """Each recipient's message state, once none is waiting to be sent."""
    def settled():
        listed = call(service, "GET", f"/broadcasts/{broadcast_id}/messages")
        waiting = {"pending", "sending"} & {m["state"] for m in listed["body"]} \
            if listed["status"] == 200 else True
        return None if waiting else listed
    return {m["name"]: m["state"] for m in ok(wait_for(settled, message="the messages sent"))}


def test_a_reply_becomes_case_submitted_on_the_bus_once(bus, service, grid, database):
    broadcast = send(service, grid)
    assert all_sent(service, broadcast["id"]) == {"张三": "sent", "李四": "sent"}
    first = ok(inbound(service, "5号楼电梯坏了", "gw-8812"), 201)
    again = ok(inbound(service, "5号楼电梯坏了", "gw-8812"), 200)     # the gateway retries
    assert first["kind"] == "case" and again["duplicate"] is True
    ok(inbound(service, "楼道灯不亮", "gw-8813", phone="13800002222"), 201)     # a marker
    # the outbox goes out in the order it was written: once the marker's case is out, whatever
    # the duplicate wrote before it would be out too
    bus.wait("case.submitted", lambda m: m["data"]["request_key"] == "sms-inbound-gw-8813")
    assert [m["data"]["request_key"] for m in bus.seen] == ["sms-inbound-gw-8812"]
    envelope = bus.seen[0]
    assert envelope["source"] == "sms_broadcast" and envelope["community"] == C
    data = CaseSubmitted().load(envelope["data"])
    assert data["request_key"] == "sms-inbound-gw-8812" and data["channel"] == "sms"
    assert data["resident"] == {"name": "张三", "phone": "13800001111", "contact": None}
    assert data["address"] == "一片区 5号楼 2单元"
    assert data["reference"] == {"program_id": "sms_broadcast", "kind": "broadcast",
                                 "id": str(broadcast["id"])}
    engine = create_engine(normalise_url(database))
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Inbound)) == 2
        assert connection.scalar(select(func.count()).select_from(Outbox).where(
            Outbox.routing_key == "case.submitted")) == 2
    engine.dispose()


def test_td_opts_out_and_the_next_broadcast_skips_them(bus, service, grid):
    all_sent(service, send(service, grid)["id"])
    ok(inbound(service, " 退订 ", "gw-1"), 201)
    contact = ok(call(service, "GET", f"/contacts/{grid['zhang']['id']}"))
    assert contact["opted_out"] is True
    assert [(c["action"], c["text"], c["source"]) for c in contact["consents"]] == \
        [("opt_out", "退订", "sms")]
    second = send(service, grid, "周六上午社区义诊")
    assert all_sent(service, second["id"]) == {"张三": "skipped", "李四": "sent"}
    assert ok(call(service, "GET", f"/broadcasts/{second['id']}"))["messages"]["skipped"] == 1
    figures = ok(call(service, "GET", "/figures", query={"from": "2000-01-01", "to": "2100-01-01"}))
    assert (figures["broadcasts"], figures["messages_sent"], figures["messages_skipped"],
            figures["opt_outs"], figures["replies"], figures["cases_raised"]) == (2, 3, 1, 1, 1, 0)
    ok(inbound(service, "谢谢通知", "gw-2", phone="13800002222"), 201)    # a marker
    bus.wait("case.submitted", lambda m: m["data"]["request_key"] == "sms-inbound-gw-2")
    assert bus.seen == []                                    # the opt-out before it was no case


def test_the_inbound_route_needs_the_gateways_secret(service, grid):
    wrong = inbound(service, "TD", "gw-1", secret="guess")
    assert wrong["status"] == 401 and wrong["body"]["error"]["code"] == "bad_inbound_secret"
    missing = call(service, "POST", "/inbound", staff=None,
                   body={"from": "13800001111", "text": "TD", "message_id": "gw-1"})
    assert missing["status"] == 401
    empty = inbound(service, "", "gw-2")
    assert empty["status"] == 422 and "text" in empty["body"]["error"]["fields"]
    assert ok(call(service, "GET", "/inbound")) == []
    assert ok(call(service, "GET", f"/contacts/{grid['zhang']['id']}"))["opted_out"] is False


def test_bad_broadcasts_get_named_errors_and_change_nothing(service, grid):
    cases = [({"text": ""}, "text_empty"), ({"text": "长" * 501}, "text_too_long"),
             ({"text": "通知", "target": "building", "building_id": 999}, "unknown_building"),
             ({"text": "通知", "target": "zone", "zone_id": 999}, "unknown_zone"),
             ({"text": "通知", "scheduled_at": "2020-01-01T08:00:00+08:00"}, "schedule_in_past")]
    for body, code in cases:
        refused = call(service, "POST", "/broadcasts", body)
        assert refused["status"] == 422 and refused["body"]["error"]["code"] == code, refused
    unknown = call(service, "POST", "/broadcasts", {"text": "通知", "colour": "red"})
    assert unknown["status"] == 422 and "colour" in unknown["body"]["error"]["fields"]
    assert ok(call(service, "GET", "/broadcasts")) == []
    forbidden = call(service, "POST", "/broadcasts", {"text": "通知"}, staff=RECEPTIONIST)
    assert forbidden["status"] == 403


def test_a_scheduled_broadcast_goes_out_when_the_timer_finds_it_due(service, grid, database):
    made = ok(call(service, "POST", "/broadcasts", {
        "text": "下周一社区大扫除", "target": "zone", "zone_id": grid["zone"]["id"],
        "scheduled_at": "2099-01-01T09:00:00+08:00"}), 201)
    assert made["state"] == "scheduled" and sum(made["messages"].values()) == 0
    with entrypoint_hook(service, "release_scheduled") as tick:
        tick()
    assert ok(call(service, "GET", f"/broadcasts/{made['id']}"))["state"] == "scheduled"
    engine = create_engine(normalise_url(database))
    with engine.begin() as connection:  # time passes
        connection.execute(text_update(made["id"]))
    engine.dispose()
    with entrypoint_hook(service, "release_scheduled") as tick:
        tick()
        tick()                                                     # a second tick adds nothing
    assert all_sent(service, made["id"]) == {"张三": "sent", "李四": "sent"}
    assert ok(call(service, "GET", f"/broadcasts/{made['id']}"))["messages"] == {
        "pending": 0, "sending": 0, "sent": 2, "delivered": 0, "failed": 0, "skipped": 0}
    changes = ok(call(service, "GET", "/changes"))
    assert {"broadcast_scheduled", "broadcast_released"} <= {c["action"] for c in changes}


def text_update(broadcast_id):
    from sqlalchemy import text
    return text("UPDATE broadcasts SET scheduled_at = now() - interval '1 minute' "
                f"WHERE id = {int(broadcast_id)}")


def test_phones_are_masked_for_other_staff(service, grid):
    zones = ok(call(service, "GET", "/buildings", staff=RECEPTIONIST))
    assert zones[0]["name"] == "5号楼"
    assert call(service, "GET", "/contacts", staff=RECEPTIONIST)["status"] == 403
    assert ok(call(service, "GET", "/contacts"))[0]["phone"] == "13800001111"


def test_a_case_delivered_twice_is_accepted_once_and_resolved_through_the_api(
        bus, program_container):
    service = program_container(SmsBroadcastService, max_workers=1, PROGRAM_COMMUNITIES=C,
                                INBOUND_SECRET=SECRET)
    dispatched = bus.publish("case.dispatched.sms_broadcast", dispatched_case(
        "sms_broadcast", "sms_notice_request", tracking_code="ABCDEFGHJK",
        description="想请社区给5号楼发停水通知", due_at="2026-12-01T00:00:00Z"))
    bus.send(dispatched, "case.dispatched.sms_broadcast")            # delivered again
    chase = bus.publish("case.chased.sms_broadcast", {
        "case_id": 1, "tracking_code": "ABCDEFGHJK", "program_id": "sms_broadcast",
        "note": "已超时", "level": 1})
    bus.send(chase, "case.chased.sms_broadcast")                     # so is the reminder
    bus.publish("case.dispatched.sms_broadcast",
                dispatched_case("sms_broadcast", "sms_subscription", case_id=2))
    # one worker takes the messages in order: once the marker's (case 2's) report is out, the
    # duplicates have been handled too, and they sent nothing and counted nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(1, "accepted")]
    listed = ok(call(service, "GET", "/cases"))
    assert [(c["case_id"], c["state"], c["chases"]) for c in listed] == \
        [(1, "received", 1), (2, "received", 0)]

    resolved = ok(call(service, "POST", "/cases/1/resolve",
                       {"result": "已向5号楼群发停水通知", "reply": "您好，通知已发出。"}))
    assert (resolved["state"], resolved["handled_by"]) == ("resolved", "李")
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")["data"]
    assert (report["case_id"], report["reply"], report["handler"]) == \
        (1, "您好，通知已发出。", "李")
    assert call(service, "POST", "/cases/1/resolve", {"result": "再办一次"})["status"] == 409


def head_event(building, name, phone, at="2026-11-27T02:00:00Z"):
    """``volunteer_grid.head_appointed`` as the volunteer grid publishes it (its README)."""
    return {"post_id": 1, "level": "building_head", "reason": "appointed",
            "zone": {"id": 1, "name": "一片区"}, "building": {"id": 2, "name": building},
            "door": None, "head": {"volunteer_id": 3, "name": name, "phone": phone},
            "previous": None, "at": at}


def test_a_head_appointed_in_the_volunteer_grid_is_set_here_once(bus, program_container):
    service = program_container(SmsBroadcastService, max_workers=1, PROGRAM_COMMUNITIES=C)
    appointed = bus.publish("volunteer_grid.head_appointed",
                            head_event("5号楼", "王芳", "13900000001"), source="volunteer_grid")
    bus.send(appointed, "volunteer_grid.head_appointed")            # delivered again
    bus.publish("volunteer_grid.head_appointed", head_event("6号楼", "李强", "13900000002"),
                source="volunteer_grid")
    # one worker takes messages in order: once the marker's (6号楼's) head is set, the
    # duplicate has been handled too, and it changed nothing more
    def heads():
        return {b["name"]: (b["zone"], b["head_name"], b["head_phone"])
                for b in ok(call(service, "GET", "/buildings")) if b["head_name"]}
    assert wait_for(lambda: "6号楼" in heads(), message="the marker's head to be set")
    assert heads() == {"5号楼": ("一片区", "王芳", "13900000001"),
                     "6号楼": ("一片区", "李强", "13900000002")}
    changes = [(c["action"], c["note"]) for c in ok(call(service, "GET", "/changes"))]
    assert sorted(changes) == sorted([("zone_created", "一片区"), ("building_created", "5号楼"),
                                      ("head_appointed", "王芳"), ("building_created", "6号楼"),
                                      ("head_appointed", "李强")])
    # and staff cannot type one by hand
    typed = call(service, "POST", "/buildings", {"zone_id": 1, "name": "7号楼",
                                                 "head_name": "赵敏"})
    assert (typed["status"], typed["body"]["error"]["code"]) == (422,
                                                                 "head_from_volunteer_grid")
