"""The contract document is enough on its own.

``doc_program.py`` was written from docs/contract.md alone, with plain kombu and nothing of the
project's code. Run as an OS process of its own next to intake and the gateway (``minzi-run``),
it is found at run time, serves a resident end to end, and is dropped when it withdraws.
"""
import json
import sys
import uuid

import pytest
import requests
from kombu import Connection, Exchange, Producer, Queue

from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, RABBIT_API, tracking_code
from .conftest import imported_modules

pytestmark = pytest.mark.e2e

MINZI = Exchange("minzi", type="topic", durable=True, auto_delete=False)


def post_open311(suite, service_code, **fields):
    form = {"api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
            "service_code": service_code, "description": "5号楼单元门的闭门器坏了，门关不上",
            "address_string": "彩虹城5号楼1单元", "phone": "13800004444", "first_name": "五",
            "last_name": "王", **fields}
    return requests.post(suite.url("/open311/v2/requests.json"), data=form, timeout=20)


def test_the_program_uses_nothing_but_the_standard_library_and_an_amqp_client():
    allowed = set(sys.stdlib_module_names) | {"kombu", "pika"}
    assert imported_modules() <= allowed, imported_modules() - allowed


@pytest.fixture
def station(suite):
    suite.start_intake()
    suite.start("gateway")
    suite.wait_until_up()
    return suite


def test_a_program_written_from_the_document_serves_a_resident_and_withdraws(station,
                                                                            doc_programs):
    suite = station
    # heartbeat 60 s: it could only expire after 180 s, so its disappearance below is the
    # withdrawal being honoured, not a missed heartbeat
    program = doc_programs("doc_repairs", ["rainbow-city"], "door_closer_repair",
                           heartbeat_seconds=60)
    suite.wait_for_service("door_closer_repair")
    definition = requests.get(suite.url("/open311/v2/services/door_closer_repair.json"),
                              timeout=10).json()
    assert definition == {"service_code": "door_closer_repair", "attributes": []}
    listed = {p["program_id"]: p for p in requests.get(suite.url("/api/v1/programs"),
                                                       timeout=10).json()}
    assert listed["doc_repairs"]["live"] is True
    assert listed["doc_repairs"]["communities"] == ["rainbow-city"]
    assert listed["doc_repairs"]["service_types"] == ["door_closer_repair"]

    posted = post_open311(suite, "door_closer_repair")
    assert posted.status_code == 201, posted.text
    code, public_id = tracking_code(posted), posted.json()[0]["service_request_id"]

    last = {}

    def replied():
        last["view"] = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return last["view"] if last["view"]["status"] == "replied" else None
    try:
        view = wait_for(replied, timeout=30, message="the program's reply to reach the resident")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the resident sees {last.get('view')}; the program "
                             f"received {program.records(None)}") from None
    assert view["reply"] == f"您好，doc_repairs 已为您办好（查询码 {code}）。"

    one = requests.get(suite.url(f"/open311/v2/requests/{public_id}.json?jurisdiction_id="
                                 "rainbow-city"), timeout=10).json()[0]
    # the public sees it answered, not the answer
    assert (one["status"], one["status_notes"]) == ("closed", "已答复")

    # what the program received: the case once, tagged with its community
    received = program.records()
    assert [(r["tracking_code"], r["community"], r["envelope_community"], r["program_id"],
             r["service_code"]) for r in received] == \
        [(code, "rainbow-city", "rainbow-city", "doc_repairs", "door_closer_repair")]
    uuid.UUID(received[0]["event_id"])

    # intake recorded the program's acceptance and its result on the case
    staff = suite.login()
    case = requests.get(suite.url(f"/api/v1/cases/{received[0]['case_id']}"), headers=staff,
                        timeout=10).json()
    assert case["tracking_code"] == code
    assert case["program_id"] == "doc_repairs"
    assert case["result"] == f"已按诉求办结（{code}）"

    # SIGTERM: the program withdraws, intake stops offering and routing its service type
    assert program.terminate() == 0
    assert "withdrawn doc_repairs" in program.log()
    suite.wait_for_service("door_closer_repair", present=False)
    gone = post_open311(suite, "door_closer_repair")
    assert gone.status_code == 404, gone.text
    listed = {p["program_id"]: p for p in requests.get(suite.url("/api/v1/programs"),
                                                       timeout=10).json()}
    assert listed["doc_repairs"]["live"] is False


def test_heartbeats_keep_the_program_on_offer(station, doc_programs):
    suite = station
    doc_programs("doc_heartbeat", ["rainbow-city"], "hallway_light", heartbeat_seconds=1)
    suite.wait_for_service("hallway_light")
    observed = []   # (live, last_seen) each time we looked

    def several_heartbeats():
        program = next(p for p in requests.get(suite.url("/api/v1/programs"), timeout=5).json()
                       if p["program_id"] == "doc_heartbeat")
        observed.append((program["live"], program["last_seen"]))
        return len({seen for _, seen in observed}) >= 6   # well past 3 x heartbeat_seconds
    wait_for(several_heartbeats, timeout=40, interval=0.3, message="six heartbeats")
    assert all(live for live, _ in observed), "the program was taken for gone between heartbeats"
    suite.wait_for_service("hallway_light")   # still offered


def test_a_program_already_running_answers_discover_when_intake_starts(suite, doc_programs):
    # the program announces before intake exists; that announcement goes nowhere. Intake, on
    # starting, publishes program.discover, and the program announces at once (its next
    # heartbeat would be 60 s away).
    program = doc_programs("doc_early", ["rainbow-city"], "early_bird", heartbeat_seconds=60)
    wait_for(lambda: "ready doc_early" in program.log(), timeout=20,
             message="the program to be consuming")
    suite.start_intake()
    suite.start("gateway")
    suite.wait_until_up()
    suite.wait_for_service("early_bird")


# -- the program on its own, against the document: intake played by the test ------------------

@pytest.fixture
def bus(vhost):
    uri = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        MINZI(channel).declare()
        listen = {
            "programs": Queue(f"listen-programs-{uuid.uuid4().hex[:6]}", MINZI,
                              routing_key="program.*", exclusive=True)(channel),
            "reports": Queue(f"listen-reports-{uuid.uuid4().hex[:6]}", MINZI,
                             routing_key="case.reported", exclusive=True)(channel),
        }
        for queue in listen.values():
            queue.declare()
        yield connection, channel, listen


def drain(queue):
    out = []
    while True:
        message = queue.get(no_ack=True)
        if message is None:
            return out
        out.append(message)


def dispatched(program_id, case_id, event_id=None, version=1, community="rainbow-city"):
    return {"event_id": event_id or str(uuid.uuid4()), "type": "case.dispatched",
            "version": version, "occurred_at": "2026-11-27T08:00:00Z", "community": community,
            "source": "intake", "new_envelope_field": "ignored",
            "data": {"case_id": case_id, "tracking_code": f"TC{case_id}",
                     "program_id": program_id, "service_code": "door_closer_repair",
                     "community": community, "channel": "visit", "description": "门坏了",
                     "attributes": {}, "address": "5号楼", "lat": None, "long": None,
                     "resident": {"name": "王五", "phone": "13800004444", "contact": None},
                     "due_at": "2026-12-04T08:00:00Z", "note": None, "new_field": 1}}


def publish(channel, body, routing_key):
    Producer(channel).publish(json.dumps(body).encode(), exchange=MINZI, routing_key=routing_key,
                              content_type="application/json", content_encoding="utf-8",
                              delivery_mode=2, message_id=body["event_id"])


def test_the_program_speaks_the_documented_messages(suite, vhost, bus, doc_programs):
    _, channel, listen = bus
    program = doc_programs("doc_alone", ["rainbow-city", "maple-court"], "door_closer_repair",
                           heartbeat_seconds=1)

    def announcements():
        found = [json.loads(m.body) for m in drain(listen["programs"])]
        announcements.seen += found
        return len([a for a in announcements.seen if a["type"] == "program.announced"]) >= 2
    announcements.seen = []
    wait_for(announcements, timeout=20, interval=0.2, message="an announcement and a heartbeat")
    first = announcements.seen[0]
    assert first["type"] == "program.announced" and first["version"] == 1
    assert first["source"] == "doc_alone" and first["community"] is None
    manifest = first["data"]
    assert manifest["program_id"] == "doc_alone"
    assert manifest["communities"] == ["rainbow-city", "maple-court"]
    assert manifest["heartbeat_seconds"] == 1 and manifest["instance_id"]
    assert [t["code"] for t in manifest["service_types"]] == ["door_closer_repair"]

    # its queues are declared as the document says (flags and bindings, seen by the broker)
    def queue(name):
        return requests.get(f"{RABBIT_API}/api/queues/{vhost}/{name}", auth=("guest", "guest"),
                            timeout=10).json()

    def bindings(name):
        return sorted(b["routing_key"] for b in requests.get(
            f"{RABBIT_API}/api/queues/{vhost}/{name}/bindings", auth=("guest", "guest"),
            timeout=10).json() if b["source"] == "minzi")
    cases, discover = queue("minzi.program.doc_alone.cases"), queue(
        "minzi.program.doc_alone.discover")
    assert (cases["durable"], cases["auto_delete"]) == (True, False)
    assert (discover["durable"], discover["auto_delete"]) == (False, True)
    assert bindings("minzi.program.doc_alone.cases") == ["case.*.doc_alone"]
    assert bindings("minzi.program.doc_alone.discover") == ["program.discover"]
    exchange = requests.get(f"{RABBIT_API}/api/exchanges/{vhost}/minzi", auth=("guest", "guest"),
                            timeout=10).json()
    assert (exchange["type"], exchange["durable"], exchange["auto_delete"]) == \
        ("topic", True, False)

    # the same event twice, then a newer version: one acceptance and one result; the newer
    # version is parked, not acted on and not dropped
    event_id = str(uuid.uuid4())
    publish(channel, dispatched("doc_alone", 7, event_id), "case.dispatched.doc_alone")
    publish(channel, dispatched("doc_alone", 7, event_id), "case.dispatched.doc_alone")
    publish(channel, dispatched("doc_alone", 8, version=2), "case.dispatched.doc_alone")
    publish(channel, dispatched("doc_alone", 9, community="maple-court"),
            "case.dispatched.doc_alone")
    reports = []

    def two_cases_reported():
        reports.extend(json.loads(m.body) for m in drain(listen["reports"]))
        return len(reports) >= 4
    wait_for(two_cases_reported, timeout=20, message="reports for cases 7 and 9")
    parked = Queue("minzi.program.doc_alone.cases.parked", durable=True,
                   queue_arguments={"x-queue-type": "quorum"})(channel)
    message = wait_for(lambda: parked.get(no_ack=True), timeout=20, message="case 8 parked")
    assert json.loads(message.body)["data"]["case_id"] == 8
    assert "version 2" in message.headers["x-minzi-error"]

    reports.extend(json.loads(m.body) for m in drain(listen["reports"]))
    assert sorted((r["data"]["case_id"], r["data"]["status"], r["community"]) for r in reports) == [
        (7, "accepted", "rainbow-city"), (7, "resolved", "rainbow-city"),
        (9, "accepted", "maple-court"), (9, "resolved", "maple-court")]
    for report in reports:
        assert report["type"] == "case.reported" and report["source"] == "doc_alone"
        assert report["data"]["program_id"] == "doc_alone"
    resolved = next(r["data"] for r in reports if r["data"]["status"] == "resolved")
    assert resolved["result"] and resolved["reply"]
    assert [(r["case_id"], r["community"]) for r in program.records()] == \
        [(7, "rainbow-city"), (9, "maple-court")]

    # SIGTERM: the withdrawal, with the instance id it announced
    drain(listen["programs"])
    assert program.terminate() == 0
    seen = [json.loads(m.body) for m in drain(listen["programs"])]
    assert seen[-1]["type"] == "program.withdrawn" and seen[-1]["source"] == "doc_alone"
    assert seen[-1]["data"] == {"program_id": "doc_alone",
                                "instance_id": manifest["instance_id"]}


def offered_codes(suite, community="rainbow-city"):
    return {s["service_code"] for s in requests.get(
        suite.url(f"/open311/v2/services.json?jurisdiction_id={community}"), timeout=5).json()}


def test_two_programs_that_name_their_instances_alike_do_not_withdraw_each_other(
        station, doc_programs):
    # The document asks for an instance_id and says nothing about it being unique beyond the
    # program: two programs on one machine may well both call their instance by the host name.
    suite = station
    stairs = doc_programs("doc_stairs", ["rainbow-city"], "stair_repair", heartbeat_seconds=60,
                          extra=("--instance-id", "station-pc-1"))
    suite.wait_for_service("stair_repair")
    windows = doc_programs("doc_windows", ["rainbow-city"], "window_repair",
                           heartbeat_seconds=60, extra=("--instance-id", "station-pc-1"))
    wait_for(lambda: "ready doc_windows" in windows.log(), message="the second program to run")
    suite.wait_for_service("window_repair")   # intake has taken in the second announcement
    assert {"stair_repair", "window_repair"} <= offered_codes(suite), \
        "intake keeps instances by instance_id alone: doc_windows's heartbeat refreshed " \
        "doc_stairs's instance, and doc_windows was taken for gone"

    assert windows.terminate() == 0
    suite.wait_for_service("window_repair", present=False)   # the withdrawal is taken in
    assert stairs.alive()
    assert "stair_repair" in offered_codes(suite), \
        "doc_windows's withdrawal took doc_stairs (still running) off the bus"


def test_reports_sent_back_to_back_still_close_every_case(station, doc_programs):
    # The document lets a program report `accepted` and then `resolved` as soon as it likes.
    # Intake must end every case replied, whatever order its workers take the two reports in.
    suite = station
    program = doc_programs("doc_quick", ["rainbow-city"], "quick_fix", heartbeat_seconds=60,
                           work_seconds=0)
    suite.wait_for_service("quick_fix")
    codes = []
    for n in range(20):
        # twenty different residents and places (the same one again would be a duplicate)
        posted = post_open311(suite, "quick_fix", description=f"{n + 1}号楼楼道灯不亮",
                              address_string=f"彩虹城{n + 1}号楼", phone=f"137000{n:05d}")
        assert posted.status_code == 201, posted.text
        codes.append(tracking_code(posted))
    wait_for(lambda: len(program.records()) == len(codes), timeout=30,
             message="the program to receive every case")
    views = {}

    def all_replied():
        for code in codes:
            if views.get(code, {}).get("status") != "replied":
                views[code] = requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()
        return all(v["status"] == "replied" for v in views.values())
    try:
        wait_for(all_replied, timeout=20, interval=0.2, message="every case to be replied")
    except AssertionError:
        stuck = {code: (v["status"], [h["action"] for h in v["history"]])
                 for code, v in views.items() if v["status"] != "replied"}
        raise AssertionError(f"{len(stuck)} of {len(codes)} cases never closed; a late "
                             f"`accepted` was applied after the reply: {stuck}") from None
