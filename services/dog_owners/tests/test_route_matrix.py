"""Every route of the association's staff API, knocked on by every kind of caller of
rainbow-city and of maple-court, each answer checked (minzi.route_matrix).

Who may do what (README "Staff API", ``domain/access.py``):
* the pledge in force is public: anyone, logged in or not, reads it, of their community;
* the association's own staff (``program_staff`` and ``handler`` of dog_owners) do everything;
* an admin of the community reads what the staff read (phones masked), and changes nothing;
* another program's staff, the receptionist, the station head and ops are refused (403), a
  caller without a login 401; a record of another community is not found (404).
"""
from datetime import date, timedelta
from functools import partial
from types import SimpleNamespace

import pytest

from minzi import route_matrix
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.route_matrix import ANONYMOUS, OTHER, Door, cells, check, seeding_moment, untabled
from minzi.testing import SeededDatabase, dispatched_case, make_staff, standalone_store
from minzi.testing import snapshot as rows_of

from dog_owners.api import router
from dog_owners.domain import cases, dogs, members, officers, pledges, reminders
from dog_owners.models import Base, Inbox, Outbox

RAINBOW, MAPLE = "rainbow-city", "maple-court"

CALLERS = {
    "staff": make_staff("program_staff", program_id="dog_owners", id=11, username="wang",
                        name="王会长"),
    "handler": make_staff("handler", program_id="dog_owners", id=12, username="qian",
                          name="钱干事"),
    "other_program": make_staff("program_staff", program_id="cat_fund", id=16,
                                username="chen", name="陈志愿者"),
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
LI, WANG = 1, 2            # members; Li's dog DOUDOU
DOUDOU = 1
PRESIDENT = 1
REMINDER = 1
COMPLAINT, BITE = 5, 6
FOREIGN = ("李阿姨", "王先生", "13900000001", "13900000002", "5号楼2单元301", "豆豆",
           "京犬2026-0001", "赵大爷", "13900001111", "狗屎没人清理", "被狗咬了")


def today() -> date:
    return local_date(utcnow())


DOORS = {
    "GET /settings": Door("/settings", READERS, reach="list"),
    "PUT /settings": Door("/settings", STAFF, reach="own", body={"reminder_days": 20}),
    "GET /pledge": Door("/pledge", EVERYONE, query={"community": RAINBOW}, reach="own"),
    "GET /pledges": Door("/pledges", READERS, reach="list"),
    "POST /pledges": Door("/pledges", STAFF, reach="own", body={
        "version": "2027版", "title": "公约修订", "text": "新的公约"}),
    "GET /members": Door("/members", READERS, reach="list"),
    "POST /members": Door("/members", STAFF, reach="body", body={
        "name": "刘先生", "phone": "13900000009", "household": "9号楼",
        "pledge_version": "2026修订版"}),
    "GET /members/{member_id:int}": Door(f"/members/{LI}", READERS),
    "POST /members/{member_id:int}/signatures": Door(
        f"/members/{WANG}/signatures", STAFF, body={"pledge_version": "2026修订版"}),
    "POST /members/{member_id:int}/leave": Door(f"/members/{WANG}/leave", STAFF, body={}),
    "POST /members/{member_id:int}/dogs": Door(f"/members/{WANG}/dogs", STAFF, body={
        "name": "球球", "breed": "柯基", "size_class": "small", "sex": "female",
        "registration_no": "京犬2026-0002", "registration_expires_on": "2030-01-01"}),
    "GET /dogs": Door("/dogs", READERS, reach="list"),
    "GET /dogs/{dog_id:int}": Door(f"/dogs/{DOUDOU}", READERS),
    "POST /dogs/{dog_id:int}/vaccinations": Door(f"/dogs/{DOUDOU}/vaccinations", STAFF,
                                                 body={"given_on": "2026-01-02"}),
    "POST /dogs/{dog_id:int}/registration": Door(f"/dogs/{DOUDOU}/registration", STAFF,
                                                 body={"expires_on": "2031-01-01"}),
    "POST /dogs/{dog_id:int}/gone": Door(f"/dogs/{DOUDOU}/gone", STAFF, body={"reason": "送养"}),
    "GET /officers": Door("/officers", READERS, reach="list"),
    "POST /officers": Door("/officers", STAFF, reach="body", body={
        "member_id": WANG, "role": "vice_president", "elected_on": "2026-01-01"}),
    "POST /officers/{officer_id:int}/end": Door(f"/officers/{PRESIDENT}/end", STAFF, body={}),
    "GET /reminders": Door("/reminders", READERS, reach="list"),
    "POST /reminders/{reminder_id:int}/call": Door(f"/reminders/{REMINDER}/call", STAFF,
                                                   body={"outcome": "下周去打疫苗"}),
    "GET /cases": Door("/cases", READERS, reach="list"),
    "GET /cases/{case_id:int}": Door(f"/cases/{COMPLAINT}", READERS),
    "POST /cases/{case_id:int}/link": Door(f"/cases/{COMPLAINT}/link", STAFF,
                                           body={"member_id": LI, "dog_id": DOUDOU}),
    "POST /cases/{case_id:int}/talks": Door(f"/cases/{BITE}/talks", STAFF,
                                            body={"note": "要求拴绳", "warning": True}),
    "POST /cases/{case_id:int}/resolve": Door(f"/cases/{COMPLAINT}/resolve", STAFF,
                                              body={"result": "已清理", "reply": "已清理"}),
    "POST /cases/{case_id:int}/return": Door(f"/cases/{BITE}/return", STAFF,
                                             body={"note": "请报警", "referral": "police"}),
    "GET /figures": Door("/figures", READERS, reach="list"),
    "GET /activity": Door("/activity", READERS, reach="list", query={
        "entity": "member", "entity_id": str(LI)}),
}


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    with standalone_store("dog_owners", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "dog_owners.db") as store:
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
    with handle.transaction(community=RAINBOW) as tx:
        pledges.publish(tx, RAINBOW, {"version": "2026版", "title": "彩虹城社区养犬人文明公约",
                                      "text": "文明养犬", "effective_on": date(2026, 1, 1)},
                        staff, now)
        li = members.join(tx, RAINBOW, {"name": "李阿姨", "phone": "13900000001",
                                        "household": "5号楼2单元301",
                                        "pledge_version": "2026版"}, staff, now)
        wang = members.join(tx, RAINBOW, {"name": "王先生", "phone": "13900000002",
                                          "household": "6号楼101", "pledge_version": "2026版"},
                            staff, now)
        doudou = dogs.add_dog(tx, RAINBOW, li.id, {
            "name": "豆豆", "breed": "泰迪", "size_class": "small", "sex": "male",
            "registration_no": "京犬2026-0001",
            "registration_expires_on": today() + timedelta(days=10)}, staff, now)
        president = officers.elect(tx, RAINBOW, {"member_id": li.id, "role": "president",
                                                 "elected_on": date(2026, 1, 1)}, staff, now)
        reminders.remind_due(tx.session, now)
        for case_id, code, words in ((COMPLAINT, "dog_fouling", "狗屎没人清理"),
                                     (BITE, "dog_bite", "被狗咬了")):
            cases.receive(tx, dispatched_case(
                "dog_owners", code, case_id=case_id, community=RAINBOW, description=words,
                resident={"name": "赵大爷", "phone": "13900001111"}, address="彩虹城5号楼"), now)
        cases.link(tx.session, BITE, {"member_id": li.id}, staff, now)
        # a revised text in force since: the one members sign now
        pledges.publish(tx, RAINBOW, {"version": "2026修订版", "title": "公约（修订）",
                                      "text": "文明养犬，拴绳出户",
                                      "effective_on": date(2026, 1, 1)},
                        staff, now)
        first = reminders.list_reminders(tx.session, RAINBOW)[0]
        assert (li.id, wang.id, doudou.id, president.id, first.id) == (
            LI, WANG, DOUDOU, PRESIDENT, REMINDER)
    # maple-court's own pledge, so its staff may read theirs and publish
    with handle.transaction(community=MAPLE) as tx:
        pledges.publish(tx, MAPLE, {"version": "枫林版", "title": "枫林社区公约",
                                    "text": "枫林文明养犬", "effective_on": date(2026, 1, 1)},
                        {**staff, "community": MAPLE}, now)


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


def test_each_reader_sees_as_much_of_a_phone_as_they_need(fresh):
    door = DOORS["GET /members/{member_id:int}"]
    seen = {caller: fresh.call(door, CALLERS[caller], "GET")["body"]["phone"]
            for caller in ("staff", "admin")}
    assert seen == {"staff": "13900000001", "admin": "139****0001"}
    case = fresh.call(DOORS["GET /cases/{case_id:int}"], CALLERS["admin"], "GET")["body"]
    assert case["resident"] == {"name": "赵**", "phone": "139****1111", "address": None}
