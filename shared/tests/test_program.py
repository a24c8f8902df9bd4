"""The program kit: a program that declares only its own parts gets the contract's case inbox
(validated, once per message, its report in the same transaction), discovery and its API."""
import json

import pytest
from kombu import Connection
from sqlalchemy import create_engine, select, text

from minzi import program_cases
from minzi.consumer import parked_queue
from minzi.contract import program_cases_queue
from minzi.db import normalise_url
from minzi.testing import call_api, dispatched_case, make_staff, wait_for

from sample_program.service import ReceivedCase, SampleProgram

CASES = "minzi.program.sample_program.cases"
STAFF = make_staff(program_id="sample_program")


def received(container):
    engine = create_engine(normalise_url(container.config["DATABASE_URL"]))
    try:
        with engine.connect() as connection:
            return {row.case_id: (row.state, row.chases)
                    for row in connection.execute(select(ReceivedCase))}
    finally:
        engine.dispose()


def parked(amqp_uri):
    """What the kit parked from the program's case queue, with the error it gave."""
    with Connection(amqp_uri) as connection:
        queue = parked_queue(CASES)(connection.channel())
        queue.declare()
        messages = []
        while (message := queue.get(no_ack=True)) is not None:
            messages.append((json.loads(message.body), message.headers["x-minzi-error"]))
        return messages


@pytest.fixture
def program(program_container):
    return program_container(SampleProgram, max_workers=1)


def test_a_case_delivered_twice_is_received_and_reported_once(program, bus):
    first = bus.publish("case.dispatched.sample_program",
                        dispatched_case("sample_program", "water_repair"))
    bus.send(first, "case.dispatched.sample_program")
    bus.publish("case.dispatched.sample_program",
                dispatched_case("sample_program", "water_repair", case_id=2))
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"], m["data"]["program_id"])
            for m in bus.seen] == [(1, "accepted", "sample_program")]
    assert received(program) == {1: ("received", 0), 2: ("received", 0)}


def test_a_chase_delivered_twice_counts_once_and_a_recall_stops_the_case(program, bus):
    bus.publish("case.dispatched.sample_program",
                dispatched_case("sample_program", "water_repair"))
    bus.wait("case.reported")
    chase = bus.publish("case.chased.sample_program", {
        "case_id": 1, "tracking_code": "TEST000001", "program_id": "sample_program",
        "note": "已超时", "level": 1})
    bus.send(chase, "case.chased.sample_program")
    bus.publish("case.recalled.sample_program", {
        "case_id": 1, "tracking_code": "TEST000001", "program_id": "sample_program",
        "note": "转办"})
    wait_for(lambda: received(program)[1][0] == "recalled", message="the recall")
    assert received(program) == {1: ("recalled", 1)}


def test_a_type_the_program_does_not_offer_goes_back_with_a_note_and_is_not_kept(program, bus):
    bus.publish("case.dispatched.sample_program",
                dispatched_case("sample_program", "stray_cat_sick"))
    report = bus.wait("case.reported")["data"]
    assert report["status"] == "returned"
    assert report["note"] == "测试便民项目不办理“stray_cat_sick”类事项，请受理窗口转给相应项目"
    assert received(program) == {}


@pytest.mark.parametrize("data, error", [
    (dispatched_case("legal_aid", "water_repair"), "addressed to legal_aid"),
    ({**dispatched_case("sample_program", "water_repair"), "case_id": "一"}, "case_id"),
    ({k: v for k, v in dispatched_case("sample_program", "water_repair").items()
      if k != "description"}, "description"),
])
def test_a_message_that_cannot_be_right_is_parked_at_once_and_changes_nothing(
        program, bus, rabbit_config, data, error):
    bus.publish("case.dispatched.sample_program", data)
    found = wait_for(lambda: parked(rabbit_config["AMQP_URI"]), message="the parked message")
    assert len(found) == 1 and error in found[0][1]
    assert received(program) == {}
    assert bus.drain("case.reported") == []


def test_the_staff_api_and_its_openapi_document(program, bus):
    bus.publish("case.dispatched.sample_program",
                dispatched_case("sample_program", "water_repair"))
    bus.wait("case.reported")
    assert call_api(program, "GET", "/cases", staff=None)["status"] == 401
    assert call_api(program, "POST", "/cases/x/resolve", {"result": "好"},
                    staff=STAFF)["status"] == 404
    done = call_api(program, "POST", "/cases/1/resolve", {"result": "已修好"}, staff=STAFF)
    assert done == {"status": 200, "body": {"case_id": 1, "state": "resolved"}}
    assert bus.wait("case.reported")["data"]["handler"] == "李"

    from nameko.testing.services import entrypoint_hook
    with entrypoint_hook(program, "openapi") as openapi:
        document = openapi()
    resolve = document["paths"]["/cases/{case_id}/resolve"]["post"]
    assert resolve["parameters"] == [{"in": "path", "name": "case_id", "required": True,
                                      "schema": {"type": "integer", "minimum": 1,
                                                 "maximum": 2147483647}}]
    assert document["components"]["schemas"]["Resolve"]["required"] == ["result"]


def test_a_service_that_is_not_a_program_is_told_what_it_lacks(container_factory,
                                                               rabbit_config):
    from minzi.program import Program

    class Nameless(Program):
        name = "nameless"

    with pytest.raises(TypeError, match="ProgramAnnouncer"):
        container_factory(Nameless, rabbit_config).start()


def test_the_staff_api_believes_only_the_gateways_statement(program):
    """Anything on the bus can call a program's ``api`` RPC; a made-up ``staff`` field, a
    statement signed with another key or made for another service gets 401 and no answer."""
    from nameko.testing.services import entrypoint_hook

    from minzi.staff_identity import DEVELOPMENT_SIGNING_KEY, new_key_pair, sign

    def api(**request):
        with entrypoint_hook(program, "api") as call:
            return call({"method": "GET", "path": "/cases", "query": {}, "body": None,
                         "lang": "en", **request})

    # a staff field of the caller's own making is not read: the caller is nobody
    made_up = api(staff={**STAFF, "role": "admin"})
    assert (made_up["status"], made_up["body"]["error"]["code"]) == (401, "unauthenticated")
    forged_key, _ = new_key_pair()
    for request in ({"staff_assertion": sign(STAFF, "sample_program", forged_key)},
                    {"staff_assertion": sign(STAFF, "legal_aid", DEVELOPMENT_SIGNING_KEY)},
                    {"staff_assertion": "not-a-token"}):
        answer = api(**request)
        assert (answer["status"], answer["body"]["error"]["code"]) == (401, "unproven_staff")
    assert call_api(program, "GET", "/cases", staff=STAFF) == {"status": 200, "body": []}


def test_every_program_tells_what_its_outbox_still_holds(program, bus):
    from nameko.testing.services import entrypoint_hook
    bus.publish("case.dispatched.sample_program",
                dispatched_case("sample_program", "water_repair"))
    bus.wait("case.reported")
    # its report left at once: nothing waits, nothing is unroutable
    with entrypoint_hook(program, "outbox_state") as outbox_state:
        assert wait_for(lambda: outbox_state()["pending"] == 0)
        assert outbox_state() == {"pending": 0, "unroutable": 0, "oldest_seconds": 0.0}


def queue_cases_before_start(bus, rabbit_config, at_fault=()):
    """Cases 1 to 7 waiting on the program's queue before it starts (a program coming back to a
    backlog); those ``at_fault`` are addressed to another program."""
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        program_cases_queue("sample_program")(connection.channel()).declare()
    for case_id in range(1, 8):
        bus.publish("case.dispatched.sample_program", dispatched_case(
            "legal_aid" if case_id in at_fault else "sample_program", "water_repair",
            case_id=case_id))


def reported_case_ids(bus, last):
    report = bus.wait("case.reported", lambda m: m["data"]["case_id"] == last)
    return [m["data"]["case_id"] for m in [*bus.seen, report]]


def test_cases_waiting_together_are_received_together_in_their_order(
        program_container, bus, rabbit_config, monkeypatch):
    """Their inbox rows, the program's records and the reports commit in fewer transactions
    than there are cases, each batch's cases named first so that they are read together
    (``program_cases.expect``); the reports go back in the order the cases came."""
    named = []
    expect = program_cases.expect
    monkeypatch.setattr(program_cases, "expect",
                        lambda session, ids: (named.append(list(ids)), expect(session, ids)))
    queue_cases_before_start(bus, rabbit_config)
    program = program_container(SampleProgram, max_workers=1)
    assert reported_case_ids(bus, last=7) == [1, 2, 3, 4, 5, 6, 7]
    assert [i for ids in named for i in ids] == [1, 2, 3, 4, 5, 6, 7] and len(named) < 7
    assert received(program) == dict.fromkeys(range(1, 8), ("received", 0))
    engine = create_engine(normalise_url(program.config["DATABASE_URL"]))
    try:
        with engine.connect() as connection:   # PostgreSQL: rows of one transaction share xmin
            transactions = connection.execute(text(
                "SELECT count(DISTINCT xmin::text) FROM inbox")).scalar()
    finally:
        engine.dispose()
    assert transactions < 7


def test_a_case_at_fault_among_others_waiting_is_parked_alone(program_container, bus,
                                                               rabbit_config):
    """The batch it came in is taken apart: it is parked by itself, and every other case is
    received once, its report sent once and in order."""
    queue_cases_before_start(bus, rabbit_config, at_fault={4})
    program = program_container(SampleProgram, max_workers=1)
    found = wait_for(lambda: parked(rabbit_config["AMQP_URI"]), message="the parked case")
    assert [(m["data"]["case_id"], "addressed to legal_aid" in error)
            for m, error in found] == [(4, True)]
    assert reported_case_ids(bus, last=7) == [1, 2, 3, 5, 6, 7]
    assert received(program) == dict.fromkeys((1, 2, 3, 5, 6, 7), ("received", 0))
