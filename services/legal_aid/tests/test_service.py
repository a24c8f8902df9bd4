"""The legal-aid home running for real: nameko container, a throwaway RabbitMQ vhost, PostgreSQL."""
import json
from datetime import UTC, datetime, timedelta

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from minzi.consumer import parked_queue
from minzi.db import normalise_url
from minzi.localtime import BEIJING
from minzi.testing import ServiceProcess, call_api, make_staff, snapshot, take_one, wait_for

from legal_aid.models import Base, Outbox
from legal_aid.service import LegalAid

C = "rainbow-city"
OPERATOR = make_staff("program_staff", program_id="legal_aid", id=3, username="li", name="李")
RECEPTIONIST = make_staff("receptionist", id=5, username="zhou", name="周")
NEIGHBOUR = {**OPERATOR, "id": 9, "username": "ma", "community": "sunny-garden"}
OTHER_PROGRAM = {**OPERATOR, "id": 11, "username": "cat", "program_id": "cat_fund"}


@pytest.fixture
def service(program_container):
    """The service for real, one worker: messages are handled in the order they arrive."""
    return program_container(LegalAid, PROGRAM_COMMUNITIES=C, max_workers=1)


def call(container, method, path, body=None, staff=OPERATOR, query=None, lang="zh"):
    return call_api(container, method, path, body, staff=staff, query=query, lang=lang)


def ok(response, status=200):
    assert response["status"] == status, response
    return response["body"]


def beijing(days, hour, minute=0):
    today = datetime.now(BEIJING).date()
    return datetime.combine(today + timedelta(days=days), datetime.min.time(),
                            BEIJING).replace(hour=hour, minute=minute).isoformat()


def dispatched(case_id=42):
    """The data of a ``case.dispatched`` for the legal-aid home, as intake sends it."""
    return {"case_id": case_id, "tracking_code": f"RC7KX2M{case_id:03d}",
            "program_id": "legal_aid", "service_code": "labour_dispute", "community": C,
            "channel": "open311", "description": "公司拖欠三个月工资",
            "attributes": {"employer": "某物流公司"}, "address": "彩虹城3号楼",
            "resident": {"name": "张三", "phone": "13800001111"},
            "due_at": "2030-12-04T08:00:00Z", "note": "请尽快联系"}


def test_a_case_delivered_twice_is_accepted_once(service, bus):
    envelope = bus.publish("case.dispatched.legal_aid", dispatched(42))
    bus.send(envelope, "case.dispatched.legal_aid")           # the same message again
    bus.publish("case.chased.legal_aid", {"case_id": 42, "tracking_code": "RC7KX2M042",
                                          "program_id": "legal_aid", "note": "已超时",
                                          "level": 1})
    bus.publish("case.dispatched.legal_aid", dispatched(43))  # the marker
    # one worker takes messages in order: once the marker's report is out, the duplicate and
    # the chase have been handled too
    marker = bus.wait("case.reported", lambda m: m["data"]["case_id"] == 43)
    assert marker["data"]["status"] == "accepted"
    reports = bus.seen
    assert [(r["data"]["case_id"], r["data"]["status"]) for r in reports] == [(42, "accepted")]
    assert reports[0]["source"] == "legal_aid" and reports[0]["community"] == C

    items = ok(call(service, "GET", "/cases"))["items"]
    assert sorted(c["intake_case_id"] for c in items) == [42, 43]
    case = next(c for c in items if c["intake_case_id"] == 42)
    assert case["status"] == "accepted" and case["resident"]["phone"] == "13800001111"
    assert case["area_of_law"] == "labour" and case["area_of_law_name"] == "劳动争议"
    assert case["chase_level"] == 1
    history = ok(call(service, "GET", f"/cases/{case['id']}"))["history"]
    assert [h["action"] for h in history] == ["received", "chased"]   # not "received_again"

    engine = create_engine(normalise_url(service.config["DATABASE_URL"]))
    with engine.connect() as connection:
        wait_for(lambda: connection.execute(select(func.count()).select_from(Outbox).where(
            Outbox.published_at.is_(None))).scalar() == 0, message="the outbox to be sent")
        # three messages handled: case 42, its chase, case 43 (the copy left no row)
        assert connection.execute(text("select count(*) from inbox")).scalar() == 3
    engine.dispose()
    assert bus.drain("case.reported") == []


def test_a_case_is_booked_into_a_consultation_day_and_resolved(service, bus):
    bus.publish("case.dispatched.legal_aid", dispatched(7))
    bus.wait("case.reported", lambda r: r["data"]["status"] == "accepted")

    lawyer = ok(call(service, "POST", "/lawyers", {"name": "王律师", "firm": "京师律所",
                                                   "phone": "13900001111"}), 201)
    day = ok(call(service, "POST", "/consultation-days", {
        "day": (datetime.now(BEIJING).date() + timedelta(days=7)).isoformat(),
        "place": "服务站二楼", "slots": [{"lawyer_id": lawyer["id"], "starts_at": beijing(7, 9),
                                        "ends_at": beijing(7, 11), "minutes": 30}]}), 201)
    assert day["free_slots"] == 4
    case_id = ok(call(service, "GET", "/cases"))["items"][0]["id"]

    booked = ok(call(service, "POST", f"/cases/{case_id}/book", {"day_id": day["id"]}), 201)
    assert booked["case"]["status"] == "booked"
    assert booked["booking"]["starts_at"] == day["slots"][0]["starts_at"]
    progress = bus.wait("case.reported", lambda r: r["data"]["status"] == "in_progress")
    assert "王律师" in progress["data"]["note"] and progress["data"]["handler"] == "李"

    resolved = ok(call(service, "POST", f"/cases/{case_id}/resolve", {
        "result": "律师出具律师函，公司承诺月底前支付工资", "reply": "您好，律师已为您处理"}))
    assert resolved["status"] == "resolved" and resolved["status_name"] == "已办结"
    report = bus.wait("case.reported", lambda r: r["data"]["status"] == "resolved")["data"]
    assert report["result"] == "律师出具律师函，公司承诺月底前支付工资"
    assert report["reply"] == "您好，律师已为您处理"

    again = call(service, "POST", f"/cases/{case_id}/return", {"note": "不归我们"}, lang="en")
    assert again["status"] == 409 and again["body"]["error"]["code"] == "case_closed"
    detail = ok(call(service, "GET", f"/cases/{case_id}"))
    assert [h["action"] for h in detail["history"]] == ["received", "booked", "resolved"]
    assert detail["history"][-1]["actor"] == "李"
    # the resident's data is the program's staff's only
    assert call(service, "GET", "/cases", staff=RECEPTIONIST)["status"] == 403
    assert call(service, "GET", "/cases", staff=OTHER_PROGRAM)["status"] == 403
    assert call(service, "GET", "/cases", staff=None)["status"] == 401
    assert ok(call(service, "GET", "/cases", staff=NEIGHBOUR))["items"] == []


def test_bad_input_gets_a_named_error_and_changes_nothing(service):
    lawyer = ok(call(service, "POST", "/lawyers", {"name": "王律师"}), 201)
    tomorrow = (datetime.now(BEIJING).date() + timedelta(days=1)).isoformat()
    day = ok(call(service, "POST", "/consultation-days", {"day": tomorrow, "place": "服务站"}),
             201)

    def slots(*specs, lang="zh"):
        return call(service, "POST", f"/consultation-days/{day['id']}/slots",
                    {"slots": list(specs)}, lang=lang)

    good = {"lawyer_id": lawyer["id"], "starts_at": beijing(1, 9), "ends_at": beijing(1, 10)}
    response = slots(good, {**good, "lawyer_id": 999})
    assert response["status"] == 422
    assert response["body"]["error"]["code"] == "unknown_lawyer"
    assert response["body"]["error"]["fields"] == {
        "slots.1.lawyer_id": ["没有这位律师（或已停用）"]}
    assert ok(call(service, "GET", f"/consultation-days/{day['id']}"))["slots"] == []

    response = slots({**good, "starts_at": beijing(-1, 9), "ends_at": beijing(-1, 10)},
                     lang="en")
    assert response["status"] == 422
    assert response["body"]["error"]["code"] in ("slot_in_past", "slot_not_on_day")
    assert response["body"]["error"]["message"].startswith("The slot")

    ok(slots(good), 201)
    overlap = slots({**good, "starts_at": beijing(1, 9, 30), "ends_at": beijing(1, 10, 30)})
    assert overlap["status"] == 409 and overlap["body"]["error"]["code"] == "slot_overlap"

    missing = call(service, "POST", "/lectures", {"topic": "", "capacity": 0})
    assert missing["status"] == 422
    fields = missing["body"]["error"]["fields"]
    assert fields["speaker"] == ["必填"] and "capacity" in fields and "topic" in fields

    reception = call(service, "POST", "/receptions", {
        "visitor": {"name": "张三"}, "area_of_law": "astrology", "outcome": "solved"})
    assert reception["status"] == 422
    assert reception["body"]["error"]["code"] == "unknown_area_of_law"
    assert ok(call(service, "GET", "/visitors"))["items"] == []  # nothing half-written

    # booking: a taken slot, a resident twice the same day, a full day
    slot_id = ok(call(service, "GET", f"/consultation-days/{day['id']}"))["slots"][0]["id"]
    booking = ok(call(service, "POST", f"/consultation-days/{day['id']}/bookings", {
        "name": "张三", "phone": "13800001111", "slot_id": slot_id}, staff=RECEPTIONIST), 201)
    assert booking["phone"] == "138****1111"  # the front desk sees it masked
    taken = call(service, "POST", f"/consultation-days/{day['id']}/bookings", {
        "name": "李四", "phone": "13800002222", "slot_id": slot_id}, staff=RECEPTIONIST)
    assert taken["status"] == 409 and taken["body"]["error"]["code"] == "slot_taken"
    full = call(service, "POST", f"/consultation-days/{day['id']}/bookings", {
        "name": "李四", "phone": "13800002222"}, staff=RECEPTIONIST)
    assert full["body"]["error"]["code"] == "day_full"
    assert full["body"]["error"]["message"] == "这个咨询日已经约满了"
    # the public sees the slot taken, not who took it
    public = ok(call(service, "GET", f"/consultation-days/{day['id']}", staff=None))
    assert public["free_slots"] == 0 and "booking" not in public["slots"][0]
    ok(call(service, "POST", f"/bookings/{booking['id']}/cancel", {"reason": "有事"},
            staff=RECEPTIONIST))
    public = ok(call(service, "GET", f"/consultation-days/{day['id']}", staff=None))
    assert public["free_slots"] == 1


def database_rows(container) -> dict[str, list[str]]:
    """Every row of every table of the running service's database."""
    engine = create_engine(normalise_url(container.config["DATABASE_URL"]))
    with Session(engine) as session:
        rows = snapshot(session, Base.metadata)
    engine.dispose()
    return rows


def refused(container, method, path, body, status, code, staff=OPERATOR):
    """The request is refused with ``code``, and the database is as it was before."""
    before = database_rows(container)
    response = call(container, method, path, body, staff=staff)
    assert (response["status"], response["body"]["error"]["code"]) == (status, code), response
    assert database_rows(container) == before
    return response["body"]["error"]


def test_a_slot_someone_booked_cannot_be_removed_and_stays_on_the_day(service):
    lawyer = ok(call(service, "POST", "/lawyers", {"name": "王律师"}), 201)
    day = ok(call(service, "POST", "/consultation-days", {
        "day": (datetime.now(BEIJING).date() + timedelta(days=2)).isoformat(), "place": "服务站",
        "slots": [{"lawyer_id": lawyer["id"], "starts_at": beijing(2, 9),
                   "ends_at": beijing(2, 12), "minutes": 60}]}), 201)
    nine, ten, eleven = (s["id"] for s in day["slots"])
    booking = ok(call(service, "POST", f"/consultation-days/{day['id']}/bookings", {
        "name": "张三", "phone": "13800001111", "slot_id": nine}, staff=RECEPTIONIST), 201)
    path = f"/consultation-days/{day['id']}/slots"

    refused(service, "DELETE", f"{path}/{nine}", None, 409, "slot_has_bookings")
    shown = ok(call(service, "GET", f"/consultation-days/{day['id']}"))
    assert [s["id"] for s in shown["slots"]] == [nine, ten, eleven]
    assert shown["slots"][0]["booking"]["id"] == booking["id"]
    assert (shown["free_slots"], shown["booked_slots"]) == (2, 1)

    # once booked, a slot stays on the record even when the booking is cancelled
    ok(call(service, "POST", f"/bookings/{booking['id']}/cancel", {"reason": "改期"},
            staff=RECEPTIONIST))
    refused(service, "DELETE", f"{path}/{nine}", None, 409, "slot_has_bookings")
    # a slot nobody booked can go
    left = ok(call(service, "DELETE", f"{path}/{eleven}"))
    assert [s["id"] for s in left["slots"]] == [nine, ten]
    refused(service, "DELETE", f"{path}/{eleven}", None, 404, "slot_not_found")


def test_requests_a_rule_refuses_change_nothing(service):
    tomorrow = (datetime.now(BEIJING).date() + timedelta(days=1)).isoformat()
    ok(call(service, "POST", "/consultation-days", {"day": tomorrow, "place": "服务站"}), 201)
    refused(service, "POST", "/consultation-days", {"day": tomorrow, "place": "会议室"},
            409, "day_exists")

    lecture = ok(call(service, "POST", "/lectures", {
        "topic": "劳动合同", "speaker": "王律师", "starts_at": beijing(-1, 19),
        "place": "活动室", "capacity": 30, "already_held": True}), 201)
    attendance = f"/lectures/{lecture['id']}/attendance"
    held = ok(call(service, "POST", attendance, {"walk_ins": [
        {"name": "甲", "phone": "13700000001"}, {"name": "乙", "phone": "13700000002"}]}))
    first, second = (r["id"] for r in held["registrations"])
    error = refused(service, "POST", attendance, {"present": [first], "absent": [first]},
                    422, "present_and_absent")
    assert error["fields"] == {"absent": ["同一人不能既出席又缺席"]}
    refused(service, "POST", attendance, {"present": [second], "walk_ins": [
        {"name": "甲", "phone": "13700000001"}]}, 409, "already_registered")
    refused(service, "POST", f"/lectures/{lecture['id']}/cancel", {"reason": "弄错了"},
            409, "lecture_not_planned")
    assert ok(call(service, "GET", f"/lectures/{lecture['id']}"))["status"] == "held"

    coming = ok(call(service, "POST", "/lectures", {
        "topic": "租房合同", "speaker": "王律师", "starts_at": beijing(3, 19),
        "place": "活动室", "capacity": 30}), 201)
    ok(call(service, "POST", f"/lectures/{coming['id']}/cancel", {"reason": "讲师有事"}))
    refused(service, "POST", f"/lectures/{coming['id']}/cancel", {"reason": "再取消"},
            409, "lecture_not_planned")
    refused(service, "POST", f"/lectures/{coming['id']}/registrations",
            {"name": "丙", "phone": "13700000003"}, 409, "lecture_cancelled", staff=None)

    # who may not
    refused(service, "POST", f"/lectures/{lecture['id']}/registrations/{first}/cancel", {},
            422, "code_required", staff=None)
    refused(service, "POST", "/lectures", {"topic": "x", "speaker": "y",
                                           "starts_at": beijing(3, 19), "place": "z",
                                           "capacity": 3}, 403, "not_program_staff",
            staff=OTHER_PROGRAM)
    refused(service, "POST", "/lawyers", {"name": "某"}, 403, "forbidden", staff=RECEPTIONIST)
    refused(service, "POST", "/lawyers", {"name": "某"}, 401, "unauthenticated", staff=None)


def test_residents_register_for_lectures_and_the_figures_count(service):
    lecture = ok(call(service, "POST", "/lectures", {
        "topic": "农民工讨薪维权", "speaker": "王律师", "starts_at": beijing(3, 19),
        "place": "社区活动室", "capacity": 1}), 201)
    listed = ok(call(service, "GET", "/lectures", staff=None,
                     query={"community": C}))["items"]
    assert [item["topic"] for item in listed] == ["农民工讨薪维权"] and listed[0]["seats_left"] == 1

    path = f"/lectures/{lecture['id']}/registrations"
    first = ok(call(service, "POST", path, {"name": "张三", "phone": "13800001111"},
                    staff=None), 201)
    second = ok(call(service, "POST", path, {"name": "李四", "phone": "13800002222"},
                     staff=None), 201)
    assert (first["status"], second["status"]) == ("registered", "waitlisted")
    assert second["waitlist_position"] == 1 and first["created_by"] == "居民"
    no_code = call(service, "POST", f"{path}/{first['id']}/cancel", {}, staff=None)
    assert no_code["status"] == 422 and no_code["body"]["error"]["code"] == "code_required"
    moved = ok(call(service, "POST", f"{path}/{first['id']}/cancel",
                    {"code": first["cancel_code"]}, staff=None))
    assert [p["id"] for p in moved["promoted"]] == [second["id"]]

    early = call(service, "POST", f"/lectures/{lecture['id']}/attendance",
                 {"present": [second["id"]]})
    assert early["status"] == 409 and early["body"]["error"]["code"] == "lecture_not_started"

    # last week's lecture, recorded from the sign-in sheet (补录)
    past = ok(call(service, "POST", "/lectures", {
        "topic": "社区普法：租房合同", "speaker": "王律师", "starts_at": beijing(-7, 19),
        "place": "社区活动室", "capacity": 30, "already_held": True}), 201)
    held = ok(call(service, "POST", f"/lectures/{past['id']}/attendance",
                   {"walk_ins": [{"name": "王五"}, {"name": "赵六"}]}))
    assert held["status"] == "held" and held["attended"] == 2

    # the seed's figures, counted from reception records: 158 received, 115 solved
    lawyer = ok(call(service, "POST", "/lawyers", {"name": "赵律师"}), 201)
    areas = ["labour", "tenancy", "family", "migrant"]
    now = datetime.now(UTC)
    for i in range(158):
        ok(call(service, "POST", "/receptions", {
            "visitor": {"name": f"居民{i}", "phone": f"137{i % 120:08d}"},
            "area_of_law": areas[i % 4], "outcome": "solved" if i < 115 else "advised",
            "lawyer_id": lawyer["id"],
            "received_at": (now - timedelta(days=i)).isoformat()}), 201)
    figures = ok(call(service, "GET", "/figures", staff=None, query={"community": C}))
    assert figures["receptions"]["received"] == 158
    assert figures["receptions"]["solved"] == 115
    assert figures["receptions"]["visitors"] == 120
    assert figures["lectures"]["held"] == 1 and figures["lectures"]["attendance"] == 2
    labour = next(a for a in figures["by_area_of_law"] if a["code"] == "labour")
    assert labour["name"] == "劳动争议" and labour["received"] == 40
    assert sum(m["received"] for m in figures["by_month"]) == 158

    # a visitor who came back has their earlier visits on their record
    visitor = ok(call(service, "GET", "/visitors", query={"phone": "13700000000"}))["items"][0]
    visits = ok(call(service, "GET", f"/visitors/{visitor['id']}"))["visits"]
    assert len(visits) == 2 and visits[0]["lawyer"]["name"] == "赵律师"

    english = ok(call(service, "GET", "/figures", staff=None, query={"community": C}, lang="en"))
    assert next(a for a in english["by_area_of_law"]
                if a["code"] == "labour")["name"] == "Labour dispute"
    assert ok(call(service, "GET", "/figures", staff=NEIGHBOUR))["receptions"]["received"] == 0


def test_a_message_that_cannot_be_read_is_parked(service, bus, rabbit_config):
    broken = bus.publish("case.dispatched.legal_aid", {"case_id": "not a number"})
    message = wait_for(lambda: take_one(rabbit_config["AMQP_URI"],
                                        parked_queue("minzi.program.legal_aid.cases")),
                       message="the message to be parked")
    assert json.loads(message.body)["event_id"] == broken["event_id"]
    assert "case_id" in message.headers["x-minzi-error"]
    assert bus.drain("case.reported") == []


def test_openapi_describes_the_staff_api(service):
    with entrypoint_hook(service, "openapi") as openapi:
        document = openapi()
    assert {"get", "post"} <= set(document["paths"]["/lectures"])
    assert "/cases/{case_id}/resolve" in document["paths"]
    assert "ReceptionIn" in document["components"]["schemas"]


def test_minzi_run_starts_the_service_and_announces_it(tmp_path, rabbit_config, bus):
    process = ServiceProcess("legal_aid", {"AMQP_URI": rabbit_config["AMQP_URI"],
                                           "HEARTBEAT_SECONDS": 1, "DATABASE_URL": ""},
                             tmp_path, cwd=tmp_path).start()
    try:
        announced = wait_for(lambda: bus.drain("program.announced"), timeout=60,
                             message="program.announced")
        manifest = announced[0]["data"]
        assert manifest["program_id"] == "legal_aid" and manifest["rpc_service"] == "legal_aid"
        assert manifest["communities"] == [C]
        assert "labour_dispute" in [t["code"] for t in manifest["service_types"]]
        assert (tmp_path / "data" / "legal_aid.db").exists()  # migrated SQLite of its own
        # the staff API answers over RPC (and so the service has finished starting: nameko 2.14
        # cannot stop cleanly while it is still starting)
        with ClusterRpcProxy({"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=30) as cluster:
            response = wait_for(lambda: cluster.legal_aid.api({
                "method": "GET", "path": "/figures", "query": {}, "body": None, "staff": None,
                "lang": "zh"}), timeout=60, message="the staff API to answer")
        assert response["status"] == 200 and response["body"]["receptions"]["received"] == 0
    finally:
        process.stop(timeout=30)
    output = process.log()
    assert process.process.returncode == 0, output
    withdrawn = wait_for(lambda: bus.drain("program.withdrawn"), timeout=10,
                         message=f"program.withdrawn; the service said:\n{output}")
    assert withdrawn[0]["data"]["instance_id"] == manifest["instance_id"]
