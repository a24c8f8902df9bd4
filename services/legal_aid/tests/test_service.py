"""The legal-aid home running for real: nameko container, a throwaway RabbitMQ vhost, PostgreSQL."""
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest
from kombu import Connection, Queue
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook
from sqlalchemy import create_engine, func, select, text

from legal_aid.models import Outbox
from legal_aid.service import LegalAid
from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.db import normalise_url
from minzi.envelope import make_envelope
from minzi.run import migrate, service_root
from minzi.testing import postgres_database, wait_for

C = "rainbow-city"
BEIJING = timezone(timedelta(hours=8))
OPERATOR = {"id": 3, "username": "li", "name": "李", "role": "program_staff", "community": C,
            "program_id": "legal_aid"}
RECEPTIONIST = {"id": 5, "username": "zhou", "name": "周", "role": "receptionist",
                "community": C, "program_id": None}
NEIGHBOUR = {**OPERATOR, "id": 9, "username": "ma", "community": "sunny-garden"}
OTHER_PROGRAM = {**OPERATOR, "id": 11, "username": "cat", "program_id": "cat_fund"}


@pytest.fixture
def database():
    with postgres_database("legal_aid_test") as url:
        migrate("legal_aid", service_root("legal_aid"), {"DATABASE_URL": url})
        yield url


@pytest.fixture
def bus(rabbit_config):
    """A queue of ours bound to what the program sends back, on the test vhost."""
    connection = Connection(rabbit_config["AMQP_URI"])
    channel = connection.channel()
    queues = {}
    for key in ("case.reported", "program.announced", "program.withdrawn"):
        queue = Queue(f"test.{key}", exchange=minzi_exchange(), routing_key=key,
                      durable=False)(channel)
        queue.declare()
        queues[key] = queue

    def drain(key):
        bodies = []
        while (message := queues[key].get(no_ack=True)) is not None:
            bodies.append(json.loads(message.body))
        return bodies

    publisher = ConfirmingPublisher(rabbit_config["AMQP_URI"])
    yield drain, publisher
    publisher.close()
    connection.release()


@pytest.fixture
def service(container_factory, rabbit_config, database):
    config = {**rabbit_config, "DATABASE_URL": database, "RETRY_DELAYS_SECONDS": [0.1],
              "HEARTBEAT_SECONDS": 30, "OUTBOX_SWEEP_SECONDS": 0.5,
              "PROGRAM_COMMUNITIES": C, "max_workers": 1}
    container = container_factory(LegalAid, config)
    container.start()
    yield container
    container.stop()


def call(container, method, path, body=None, staff=OPERATOR, query=None, lang="zh"):
    with entrypoint_hook(container, "api") as api:
        return api({"method": method, "path": path, "query": query or {}, "body": body,
                    "staff": staff, "lang": lang})


def ok(response, status=200):
    assert response["status"] == status, response
    return response["body"]


def beijing(days, hour, minute=0):
    today = datetime.now(BEIJING).date()
    return datetime.combine(today + timedelta(days=days), datetime.min.time(),
                            BEIJING).replace(hour=hour, minute=minute).isoformat()


def dispatched(case_id=42):
    return make_envelope("case.dispatched", {
        "case_id": case_id, "tracking_code": "RC7KX2M9QD", "program_id": "legal_aid",
        "service_code": "labour_dispute", "community": C, "channel": "open311",
        "description": "公司拖欠三个月工资", "attributes": {"employer": "某物流公司"},
        "address": "彩虹城3号楼", "resident": {"name": "张三", "phone": "13800001111"},
        "due_at": "2030-12-04T08:00:00Z", "note": "请尽快联系"},
        source="intake", community=C)


def reports_until(drain, predicate, seen=None):
    seen = [] if seen is None else seen

    def check():
        seen.extend(drain("case.reported"))
        return [r for r in seen if predicate(r)]
    return wait_for(check, timeout=20, message="a case.reported message")


def test_a_case_delivered_twice_is_accepted_once(service, bus, database):
    drain, publisher = bus
    envelope = dispatched()
    publisher.publish(envelope, "case.dispatched.legal_aid")
    publisher.publish(envelope, "case.dispatched.legal_aid")  # the same message again
    # one worker takes messages in order: once the chase is seen, the duplicate was handled
    publisher.publish(make_envelope("case.chased", {
        "case_id": 42, "tracking_code": "RC7KX2M9QD", "program_id": "legal_aid",
        "note": "已超时", "level": 1}, source="intake", community=C),
        "case.chased.legal_aid")

    def chased():
        items = ok(call(service, "GET", "/cases"))["items"]
        return items if items and items[0]["chase_level"] == 1 else None
    items = wait_for(chased, message="the chase to be recorded")
    assert len(items) == 1
    case = items[0]
    assert case["status"] == "accepted" and case["resident"]["phone"] == "13800001111"
    assert case["area_of_law"] == "labour" and case["area_of_law_name"] == "劳动争议"

    engine = create_engine(normalise_url(database))
    with engine.connect() as connection:
        wait_for(lambda: connection.execute(select(func.count()).select_from(Outbox).where(
            Outbox.published_at.is_(None))).scalar() == 0, message="the outbox to be sent")
        assert connection.execute(text("select count(*) from inbox")).scalar() == 2
    engine.dispose()
    reports = drain("case.reported")
    assert [r["data"]["status"] for r in reports] == ["accepted"]
    assert reports[0]["data"]["case_id"] == 42 and reports[0]["source"] == "legal_aid"
    assert reports[0]["community"] == C


def test_a_case_is_booked_into_a_consultation_day_and_resolved(service, bus):
    drain, publisher = bus
    publisher.publish(dispatched(7), "case.dispatched.legal_aid")
    seen = []
    reports_until(drain, lambda r: r["data"]["status"] == "accepted", seen)

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
    progress = reports_until(drain, lambda r: r["data"]["status"] == "in_progress", seen)[0]
    assert "王律师" in progress["data"]["note"] and progress["data"]["handler"] == "li"

    resolved = ok(call(service, "POST", f"/cases/{case_id}/resolve", {
        "result": "律师出具律师函，公司承诺月底前支付工资", "reply": "您好，律师已为您处理"}))
    assert resolved["status"] == "resolved" and resolved["status_name"] == "已办结"
    report = reports_until(drain, lambda r: r["data"]["status"] == "resolved", seen)[0]["data"]
    assert report["result"] == "律师出具律师函，公司承诺月底前支付工资"
    assert report["reply"] == "您好，律师已为您处理"

    again = call(service, "POST", f"/cases/{case_id}/return", {"note": "不归我们"}, lang="en")
    assert again["status"] == 409 and again["body"]["error"]["code"] == "case_closed"
    detail = ok(call(service, "GET", f"/cases/{case_id}"))
    assert [h["action"] for h in detail["history"]] == ["received", "booked", "resolved"]
    assert detail["history"][-1]["actor"] == "li"
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
    assert response["body"]["error"]["fields"] == {"slots.1.lawyer_id": ["没有这位律师（或已停用）"]}
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
    assert ok(call(service, "GET", f"/consultation-days/{day['id']}", staff=None))["free_slots"] == 1


def test_residents_register_for_lectures_and_the_figures_count(service):
    lecture = ok(call(service, "POST", "/lectures", {
        "topic": "农民工讨薪维权", "speaker": "王律师", "starts_at": beijing(3, 19),
        "place": "社区活动室", "capacity": 1}), 201)
    listed = ok(call(service, "GET", "/lectures", staff=None,
                     query={"community": C}))["items"]
    assert [l["topic"] for l in listed] == ["农民工讨薪维权"] and listed[0]["seats_left"] == 1

    path = f"/lectures/{lecture['id']}/registrations"
    first = ok(call(service, "POST", path, {"name": "张三", "phone": "13800001111"},
                    staff=None), 201)
    second = ok(call(service, "POST", path, {"name": "李四", "phone": "13800002222"},
                     staff=None), 201)
    assert (first["status"], second["status"]) == ("registered", "waitlisted")
    assert second["waitlist_position"] == 1 and first["created_by"] == "居民本人"
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
    drain, publisher = bus
    broken = make_envelope("case.dispatched", {"case_id": "not a number"}, source="intake",
                           community=C)
    publisher.publish(broken, "case.dispatched.legal_aid")
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        parked = Queue("minzi.program.legal_aid.cases.parked", durable=True)(connection.channel())

        def parked_message():
            parked.declare()
            return parked.get(no_ack=True)
        message = wait_for(parked_message, message="the message to be parked")
    assert json.loads(message.body)["event_id"] == broken["event_id"]
    assert "case_id" in message.headers["x-minzi-error"]
    assert drain("case.reported") == []


def test_openapi_describes_the_staff_api(service):
    with entrypoint_hook(service, "openapi") as openapi:
        document = openapi()
    assert {"get", "post"} <= set(document["paths"]["/lectures"])
    assert "/cases/{case_id}/resolve" in document["paths"]
    assert "ReceptionIn" in document["components"]["schemas"]


def test_minzi_run_starts_the_service_and_announces_it(tmp_path, rabbit_config, bus):
    drain, _ = bus
    env = {**os.environ, "AMQP_URI": rabbit_config["AMQP_URI"], "HEARTBEAT_SECONDS": "1",
           "DATABASE_URL": ""}
    bindir = os.path.dirname(sys.executable)
    log = open(tmp_path / "legal_aid.log", "wb")
    process = subprocess.Popen([os.path.join(bindir, "minzi-run"), "legal_aid"], cwd=tmp_path,
                               env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        announced = wait_for(lambda: drain("program.announced"), timeout=60,
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
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        log.close()
    output = (tmp_path / "legal_aid.log").read_text(encoding="utf-8", errors="replace")
    assert process.returncode == 0, output
    withdrawn = wait_for(lambda: drain("program.withdrawn"), timeout=10,
                         message=f"program.withdrawn; the service said:\n{output}")
    assert withdrawn[0]["data"]["instance_id"] == manifest["instance_id"]
