"""Every route of the hotline's staff API, knocked on by every kind of caller of rainbow-city and
of maple-court, each answer checked (minzi.route_matrix).

Who may do what (README "Who may do what", ``domain/access.py``):
* the guide card is public: anyone, logged in or not, reads it, of their community;
* the hotline's own staff (``program_staff`` and ``handler`` of hotline) do everything else;
* an admin of the community reads what the staff read (merchants, complaints, calls with the
  residents masked, doors, figures, the record), and changes nothing;
* another program's staff, the receptionist, the station head and ops are refused (403), a
  caller without a login 401; a record of another community is not found (404).
"""
from functools import partial
from types import SimpleNamespace

import pytest

from minzi import route_matrix
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.route_matrix import ANONYMOUS, OTHER, Door, cells, check, seeding_moment, untabled
from minzi.testing import SeededDatabase, dispatched_case, make_staff, standalone_store
from minzi.testing import snapshot as rows_of

from hotline.api import router
from hotline.domain import cases, complaints, doors, jobs, merchants
from hotline.models import Base, Inbox, Outbox

from .conftest import BAIDU, CHINA_MOBILE, HUAWEI, TENCENT, XIAOMI, merchant_data

RAINBOW, MAPLE = "rainbow-city", "maple-court"

CALLERS = {
    "staff": make_staff("program_staff", program_id="hotline", id=11, username="wang",
                        name="王站长"),
    "handler": make_staff("handler", program_id="hotline", id=12, username="qian",
                          name="钱干事"),
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


STAFF = {"staff", "handler"}
READERS = STAFF | {"admin"}
EVERYONE = set(CALLERS)

# rainbow-city's records, by the ids the seed gives them
HOME, NEW, VETTED, PAUSED = 1, 2, 3, 4     # offered; registered; licence checked; suspended
COMPLAINT = 1                              # pending, against HOME
OPEN_CALL, DONE_CALL, ROUTED_CALL = 5, 6, 7
DONE_JOB, ROUTED_JOB = 1, 2
FOREIGN = (RAINBOW, "好帮手家政", "新来家政", "清泉水站", "停业家政", "赵大妈", "13900001111",
           "彩虹城5号楼", "上门迟到", "想找钟点工", "010-67890001")


def today() -> str:
    return local_date(utcnow()).isoformat()


DOORS = {
    "GET /merchants": Door("/merchants", READERS, query={"community": RAINBOW}, reach="list"),
    "POST /merchants": Door("/merchants", STAFF, reach="own", body={
        "name": "枫林家政", "credit_code": CHINA_MOBILE, "categories": ["domestic_help"],
        "contact_name": "孙经理", "phone": "13700000003"}),
    "GET /merchants/{merchant_id:int}": Door(f"/merchants/{HOME}", READERS),
    "POST /merchants/{merchant_id:int}/licence-check": Door(
        f"/merchants/{NEW}/licence-check", STAFF, body={"note": "执照已核"}),
    "POST /merchants/{merchant_id:int}/agreement": Door(
        f"/merchants/{VETTED}/agreement", STAFF,
        body={"signed_on": today(), "agreement_ref": "BM-3"}),
    "POST /merchants/{merchant_id:int}/suspension": Door(
        f"/merchants/{HOME}/suspension", STAFF, body={"reason": "停业整顿"}),
    "POST /merchants/{merchant_id:int}/reinstatement": Door(
        f"/merchants/{PAUSED}/reinstatement", STAFF, body={"reason": "整顿完毕"}),
    "POST /merchants/{merchant_id:int}/complaints": Door(
        f"/merchants/{HOME}/complaints", STAFF,
        body={"received_on": today(), "description": "态度差"}),
    "GET /complaints": Door("/complaints", READERS, reach="list"),
    "POST /complaints/{complaint_id:int}/decision": Door(
        f"/complaints/{COMPLAINT}/decision", STAFF, body={"upheld": True, "note": "属实"}),
    "GET /cases": Door("/cases", READERS, reach="list"),
    "GET /cases/{case_id:int}": Door(f"/cases/{OPEN_CALL}", READERS),
    "POST /cases/{case_id:int}/routing": Door(f"/cases/{OPEN_CALL}/routing", STAFF, body={}),
    "POST /jobs/{job_id:int}/response": Door(f"/jobs/{ROUTED_JOB}/response", STAFF,
                                             body={"response": "accepted"}),
    "POST /jobs/{job_id:int}/rating": Door(f"/jobs/{DONE_JOB}/rating", STAFF,
                                           body={"rating": 4, "comment": "不错"}),
    "POST /cases/{case_id:int}/resolve": Door(f"/cases/{DONE_CALL}/resolve", STAFF,
                                              body={"result": "已上门", "reply": "办好了"}),
    "POST /cases/{case_id:int}/return": Door(f"/cases/{OPEN_CALL}/return", STAFF,
                                             body={"note": "请找街道家政中心"}),
    "GET /card": Door("/card", EVERYONE, query={"community": RAINBOW}, reach="list"),
    "GET /doors": Door("/doors", READERS, reach="list"),
    "POST /doors": Door("/doors", STAFF, reach="own", body={
        "building": "9号楼", "door": "1单元", "posted_on": today()}),
    "GET /figures": Door("/figures", READERS, reach="list"),
    "GET /activity": Door("/activity", READERS, reach="list", query={
        "entity": "merchant", "entity_id": str(HOME), "community": RAINBOW}),
}


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    with standalone_store("hotline", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "hotline.db") as store:
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
    staff, now = CALLERS["staff"], seeding_moment()
    day = local_date(now)
    with handle.transaction(community=RAINBOW) as tx:
        made = []
        for name, code in (("好帮手家政", BAIDU), ("新来家政", XIAOMI), ("清泉水站", HUAWEI),
                           ("停业家政", TENCENT)):
            made.append(merchants.register(tx, RAINBOW, merchant_data(name, code), staff, now))
        home, new, vetted, paused = made
        for merchant in (home, vetted, paused):
            merchants.check_licence(tx, RAINBOW, merchant.id, {}, staff, now)
        for merchant in (home, paused):
            merchants.sign_agreement(tx, RAINBOW, merchant.id,
                                     {"signed_on": day, "agreement_ref": "BM"}, staff, now)
        merchants.suspend_by_staff(tx, RAINBOW, paused.id, {"reason": "停业"}, staff, now)
        complaint = complaints.file(tx, RAINBOW, home.id, {"received_on": day,
                                                           "description": "上门迟到"}, staff, now)
        for case_id in (OPEN_CALL, DONE_CALL, ROUTED_CALL):
            cases.receive(tx, dispatched_case(
                "hotline", "domestic_help", case_id=case_id, community=RAINBOW,
                description="想找钟点工", resident={"name": "赵大妈", "phone": "13900001111"},
                address="彩虹城5号楼"), now)
        done = jobs.route(tx.session, DONE_CALL, {}, staff, now)
        for answer in ("accepted", "came", "done"):
            jobs.respond(tx.session, done.id, {"response": answer}, staff, now)
        routed = jobs.route(tx.session, ROUTED_CALL, {}, staff, now)
        doors.post(tx, RAINBOW, {"building": "5号楼", "door": "2单元", "posted_on": day},
                   staff, now)
        assert (home.id, new.id, vetted.id, paused.id, complaint.id, done.id, routed.id) == (
            HOME, NEW, VETTED, PAUSED, COMPLAINT, DONE_JOB, ROUTED_JOB)


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


def test_each_reader_sees_as_much_of_the_resident_as_they_need(fresh):
    door = DOORS["GET /cases/{case_id:int}"]
    seen = {caller: fresh.call(door, CALLERS[caller], "GET")["body"]["resident"]
            for caller in ("staff", "admin")}
    assert seen == {"staff": {"name": "赵大妈", "phone": "13900001111", "address": "彩虹城5号楼"},
                    "admin": {"name": "赵**", "phone": "139****1111", "address": None}}


def test_the_public_card_shows_no_resident_and_only_offered_merchants(fresh):
    card = fresh.call(DOORS["GET /card"], None, "GET")
    said = str(card["body"])
    assert card["status"] == 200 and "好帮手家政" in said
    assert not [word for word in ("赵大妈", "13900001111", "新来家政", "清泉水站", "停业家政")
                if word in said]
