"""Every route of the agency's staff API, knocked on by every kind of caller of rainbow-city and
of maple-court, each answer checked (minzi.route_matrix).

Who may do what (README "Who may do what", ``domain/access.py``):
* the items catalogue is public: anyone, logged in or not;
* the program's agents (``program_staff`` and ``handler`` of agency) read the matters and the
  figures, and take a matter nobody has taken;
* only the agent who owns a matter (here ``staff``, wang) works it: documents, steps, hand-off,
  resolve, return; another agent is refused (403 ``not_your_matter``);
* an admin of the community reads what the agents read, the resident masked;
* another program's staff, the receptionist, the station head and ops are refused (403), a
  caller without a login 401; a matter of another community is not found (404).
"""
from functools import partial
from types import SimpleNamespace

import pytest

from minzi import route_matrix
from minzi.envelope import utcnow
from minzi.route_matrix import ANONYMOUS, OTHER, Door, cells, check, untabled
from minzi.testing import SeededDatabase, dispatched_case, make_staff, standalone_store
from minzi.testing import snapshot as rows_of

from agency.api import router
from agency.domain import cases, matters
from agency.models import Base, Inbox, Outbox

RAINBOW, MAPLE = "rainbow-city", "maple-court"

CALLERS = {
    "staff": make_staff("program_staff", program_id="agency", id=11, username="wang",
                        name="王代理员"),
    "handler": make_staff("handler", program_id="agency", id=12, username="li",
                          name="李代理员"),
    "other_program": make_staff("program_staff", program_id="legal_aid", id=16,
                                username="chen", name="陈律师"),
    "receptionist": make_staff("receptionist", id=17, username="desk", name="李接待"),
    "station_head": make_staff("station_head", id=18, username="zhang", name="张站长"),
    "admin": make_staff("admin", id=19, username="root", name="管理员"),
    "ops": make_staff("ops", id=20, username="ops", name="运维"),
    ANONYMOUS: None,
}


# the callers above, or their twins of maple-court
caller_in = partial(route_matrix.caller_in, CALLERS, elsewhere=MAPLE)


AGENTS = {"staff", "handler"}
OWNER = {"staff"}
READERS = AGENTS | {"admin"}
EVERYONE = set(CALLERS)

# rainbow-city's matters: OLD_AGE taken by wang, its age checked and the ID card in;
# WAITING not yet taken; DONE_BUT_LAST a temporary residence permit with every step but the
# last; ALL_DONE housekeeping with every step done
OLD_AGE, WAITING, DONE_BUT_LAST, ALL_DONE = 5, 6, 7, 8
SIXTY = "110105196001010017"
FOREIGN = (RAINBOW, "赵大爷", "13900001111", SIXTY, "给父亲办老年证", "找保姆", "办暂住证",
           "请家政打扫")

DOORS = {
    "GET /items": Door("/items", EVERYONE, reach="list"),
    "GET /matters": Door("/matters", READERS, reach="list"),
    "GET /matters/{case_id:int}": Door(f"/matters/{OLD_AGE}", READERS),
    "POST /matters/{case_id:int}/take": Door(f"/matters/{WAITING}/take", AGENTS, body={}),
    "POST /matters/{case_id:int}/documents/{document}": Door(
        f"/matters/{OLD_AGE}/documents/hukou", OWNER, body={"note": "户口簿原件已核"}),
    "POST /matters/{case_id:int}/steps/{step}": Door(
        f"/matters/{DONE_BUT_LAST}/steps/hand_over", OWNER, body={"note": "已交给居民"}),
    "POST /matters/{case_id:int}/handoff": Door(f"/matters/{OLD_AGE}/handoff", OWNER, body={
        "to_username": "li", "to_name": "李代理员", "note": "休假，转交李代理员"}),
    "POST /matters/{case_id:int}/resolve": Door(
        f"/matters/{ALL_DONE}/resolve", OWNER, body={"result": "已安排家政上门",
                                                     "reply": "家政明天上午上门"}),
    "POST /matters/{case_id:int}/return": Door(f"/matters/{OLD_AGE}/return", OWNER,
                                               body={"note": "户籍不在本市，请到户籍地办理"}),
    "GET /figures": Door("/figures", READERS, reach="list"),
}


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    with standalone_store("agency", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "agency.db") as store:
        handle = store.get_dependency(None)
        _seed(handle)
        seeded = SeededDatabase(store)
        service = SimpleNamespace(store=handle, program=SimpleNamespace(
            manifest={"communities": [RAINBOW]}))

        def call(door: Door, staff: dict | None, method: str) -> dict:
            return router.dispatch({"method": method, "path": door.path,
                                    "query": door.query or {}, "body": door.body,
                                    "staff": staff, "lang": "zh", "idempotency_key": None},
                                   service=service)

        def snapshot() -> dict:
            with handle.session() as session:
                return rows_of(session, Base.metadata)

        yield SimpleNamespace(call=call, snapshot=snapshot, restore=seeded.restore)
        seeded.close()


def _seed(handle) -> None:
    wang, now = CALLERS["staff"], utcnow()
    resident = {"name": "赵大爷", "phone": "13900001111"}
    with handle.transaction(community=RAINBOW) as tx:
        for case_id, item, words in ((OLD_AGE, "old_age_card", "给父亲办老年证"),
                                     (WAITING, "housekeeping", "找保姆"),
                                     (DONE_BUT_LAST, "temporary_residence", "办暂住证"),
                                     (ALL_DONE, "housekeeping", "请家政打扫")):
            cases.receive(tx, dispatched_case("agency", item, case_id=case_id, community=RAINBOW,
                                              description=words, resident=resident), now)
        matters.take(tx.session, OLD_AGE, {}, wang, now)
        matters.complete_step(tx.session, OLD_AGE, "eligibility", {"id_number": SIXTY}, wang,
                              now)
        matters.receive_document(tx.session, OLD_AGE, "id_card", {}, wang, now)
        matters.take(tx.session, DONE_BUT_LAST, {}, wang, now)
        for code in ("id_card", "tenancy", "photo"):
            matters.receive_document(tx.session, DONE_BUT_LAST, code, {}, wang, now)
        for code in ("documents", "submit", "wait", "collect"):
            matters.complete_step(tx.session, DONE_BUT_LAST, code, {}, wang, now)
        matters.take(tx.session, ALL_DONE, {}, wang, now)
        matters.receive_document(tx.session, ALL_DONE, "needs", {}, wang, now)
        for code in ("documents", "submit", "wait", "hand_over"):
            matters.complete_step(tx.session, ALL_DONE, code, {}, wang, now)


@pytest.fixture
def fresh(station):
    station.restore()
    return station


def test_every_route_has_a_door():
    assert untabled(router, DOORS) == ([], [])


@pytest.mark.parametrize(("route", "caller", "community"), cells(DOORS, CALLERS))
def test_who_may_use_which_route(fresh, route, caller, community):
    door = DOORS[route]
    before = fresh.snapshot()
    answer = fresh.call(door, caller_in(caller, community), route.split()[0])
    changed = fresh.snapshot() != before
    check(door, caller, community, answer, changed=changed, foreign=FOREIGN)
    if route.startswith("GET "):
        assert not changed, f"{route} changed something for {caller}"
    if community == OTHER or caller not in door.allowed:
        said = str(answer["body"])
        assert not [word for word in FOREIGN if word in said], said


def test_another_agent_is_refused_the_owners_matter_by_name(fresh):
    for route in ("POST /matters/{case_id:int}/documents/{document}",
                  "POST /matters/{case_id:int}/steps/{step}",
                  "POST /matters/{case_id:int}/handoff",
                  "POST /matters/{case_id:int}/resolve",
                  "POST /matters/{case_id:int}/return"):
        door = DOORS[route]
        before = fresh.snapshot()
        answer = fresh.call(door, CALLERS["handler"], "POST")
        assert answer == {"status": 403, "body": {"error": {
            "code": "not_your_matter",
            "message": "这件事项由代理员王代理员全程负责，只有他/她本人可以办理或转交"}}}, route
        assert fresh.snapshot() == before


def test_each_reader_sees_as_much_of_the_resident_as_they_need(fresh):
    door = DOORS["GET /matters/{case_id:int}"]
    seen = {caller: fresh.call(door, CALLERS[caller], "GET")["body"]["resident"]
            for caller in ("staff", "handler", "admin")}
    assert seen == {"staff": {"name": "赵大爷", "phone": "13900001111", "id_number": SIXTY},
                    "handler": {"name": "赵大爷", "phone": "13900001111", "id_number": SIXTY},
                    "admin": {"name": "赵**", "phone": "139****1111",
                              "id_number": "110105********0017"}}
    listed = fresh.call(DOORS["GET /matters"], CALLERS["admin"], "GET")["body"]["items"]
    assert {m["resident"]["phone"] for m in listed} == {"139****1111"}
