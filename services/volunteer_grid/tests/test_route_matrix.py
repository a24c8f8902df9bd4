"""Every route of the volunteer grid's staff API, knocked on by every kind of caller of
rainbow-city and of maple-court, each answer checked (minzi.route_matrix).

Who may do what (README "Who may do what", ``domain/access.py``):
* the names of the heads (``/public/heads``) are public: anyone, logged in or not, of their
  community;
* the grid's own staff (``program_staff`` and ``handler`` of volunteer_grid) do everything else;
* an admin of the community reads what the staff read (phones masked), and changes nothing;
* another program's staff, the receptionist, the station head and ops are refused (403), a
  caller without a login 401; a record of another community is not found (404).
"""
from functools import partial
from types import SimpleNamespace

import pytest

from minzi import route_matrix
from minzi.localtime import local_date
from minzi.route_matrix import ANONYMOUS, OTHER, Door, cells, check, seeding_moment, untabled
from minzi.testing import SeededDatabase, dispatched_case, make_staff, standalone_store
from minzi.testing import snapshot as rows_of

from volunteer_grid.api import router
from volunteer_grid.domain import cases, duties, grid, posts, volunteers
from volunteer_grid.models import Base, Inbox, Outbox

RAINBOW, MAPLE = "rainbow-city", "maple-court"

CALLERS = {
    "staff": make_staff("program_staff", program_id="volunteer_grid", id=11, username="liu",
                        name="刘主任"),
    "handler": make_staff("handler", program_id="volunteer_grid", id=12, username="qian",
                          name="钱干事"),
    "other_program": make_staff("program_staff", program_id="sms_broadcast", id=16,
                                username="chen", name="陈干事"),
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
Z1, B5, D2 = 1, 1, 1
WANG, LI, ZHOU = 1, 2, 3             # 王芳 at 5号楼2单元 (its door head), 李强 there too, 周杰
DOOR_POST = 1
PATROL = 1
SIGNUP, HEAD_REPORT = 5, 6
FOREIGN = ("一区", "5号楼", "王芳", "李强", "周杰", "13900000001", "夜间巡逻", "吴静",
           "13800002222", "楼道堆满杂物")

DOORS = {
    "GET /grid": Door("/grid", READERS, reach="list"),
    "GET /zones": Door("/zones", READERS, reach="list"),
    "POST /zones": Door("/zones", STAFF, reach="own", body={"name": "三区"}),
    "GET /zones/{id:int}": Door(f"/zones/{Z1}", READERS),
    "GET /buildings": Door("/buildings", READERS, reach="list"),
    "POST /buildings": Door("/buildings", STAFF, reach="body",
                            body={"zone_id": Z1, "name": "8号楼"}),
    "GET /buildings/{id:int}": Door(f"/buildings/{B5}", READERS),
    "GET /doors": Door("/doors", READERS, reach="list"),
    "POST /doors": Door("/doors", STAFF, reach="body", body={"building_id": B5, "name": "3单元"}),
    "GET /doors/{id:int}": Door(f"/doors/{D2}", READERS),
    "GET /command": Door("/command", READERS, reach="list"),
    "GET /posts": Door("/posts", READERS, reach="list",
                       query={"level": "door_head", "place_id": str(D2)}),
    "POST /posts": Door("/posts", STAFF, reach="body", body={
        "level": "door_head", "place_id": D2, "volunteer_id": LI}),
    "POST /posts/{post_id:int}/end": Door(f"/posts/{DOOR_POST}/end", STAFF,
                                          body={"note": "年纪大了"}),
    "GET /volunteers": Door("/volunteers", READERS, reach="list"),
    "POST /volunteers": Door("/volunteers", STAFF, reach="body", body={
        "name": "陈刚", "phone": "13900000009", "zone_id": Z1}),
    "GET /volunteers/{volunteer_id:int}": Door(f"/volunteers/{WANG}", READERS),
    "PATCH /volunteers/{volunteer_id:int}": Door(f"/volunteers/{ZHOU}", STAFF,
                                                 body={"skills": ["repair"]}),
    "POST /volunteers/{volunteer_id:int}/active": Door(f"/volunteers/{ZHOU}/active", STAFF,
                                                       body={"active": False}),
    "GET /duties": Door("/duties", READERS, reach="list"),
    "POST /duties": Door("/duties", STAFF, reach="own", body={
        "kind": "event_stewarding", "title": "重阳节值守", "day": "2026-10-29"}),
    "GET /duties/{duty_id:int}": Door(f"/duties/{PATROL}", READERS),
    "POST /duties/{duty_id:int}/assignments": Door(f"/duties/{PATROL}/assignments", STAFF,
                                                   body={"volunteer_ids": [ZHOU]}),
    "POST /duties/{duty_id:int}/minutes": Door(f"/duties/{PATROL}/minutes", STAFF,
                                               body={"volunteer_id": LI, "minutes": 90}),
    "GET /hours": Door("/hours", READERS, reach="list"),
    "GET /cases": Door("/cases", READERS, reach="list"),
    "GET /cases/{case_id:int}": Door(f"/cases/{SIGNUP}", READERS),
    "POST /cases/{case_id:int}/enrolment": Door(f"/cases/{SIGNUP}/enrolment", STAFF,
                                                body={"zone_id": Z1}),
    "POST /cases/{case_id:int}/forwarding": Door(f"/cases/{HEAD_REPORT}/forwarding", STAFF,
                                                 body={"building_id": B5}),
    "POST /cases/{case_id:int}/progress": Door(f"/cases/{HEAD_REPORT}/progress", STAFF,
                                               body={"note": "已联系楼长"}),
    "POST /cases/{case_id:int}/resolve": Door(f"/cases/{HEAD_REPORT}/resolve", STAFF,
                                              body={"result": "已清理", "reply": "已清理"}),
    "POST /cases/{case_id:int}/return": Door(f"/cases/{SIGNUP}/return", STAFF,
                                             body={"note": "请到居委会登记"}),
    "GET /figures": Door("/figures", READERS, reach="list"),
    "GET /activity": Door("/activity", READERS, reach="list", query={
        "entity": "volunteer", "entity_id": str(WANG)}),
    "GET /public/heads": Door("/public/heads", EVERYONE, query={"community": RAINBOW},
                              reach="list"),
}


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    with standalone_store("volunteer_grid", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "volunteer_grid.db") as store:
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
        z1 = grid.add_zone(tx, RAINBOW, {"name": "一区"}, staff, now)
        b5 = grid.add_building(tx, RAINBOW, {"zone_id": z1.id, "name": "5号楼"}, staff, now)
        d2 = grid.add_door(tx, RAINBOW, {"building_id": b5.id, "name": "2单元"}, staff, now)
        made = [volunteers.add_volunteer(tx, RAINBOW, {"name": name, "phone": phone, **where},
                                         staff, now)
                for name, phone, where in (("王芳", "13900000001", {"door_id": d2.id}),
                                           ("李强", "13900000002", {"door_id": d2.id}),
                                           ("周杰", "13900000003", {"zone_id": z1.id}))]
        post = posts.appoint(tx, RAINBOW, {"level": "door_head", "place_id": d2.id,
                                           "volunteer_id": made[0].id}, staff, now)
        posts.appoint(tx, RAINBOW, {"level": "building_head", "place_id": b5.id,
                                    "volunteer_id": made[0].id}, staff, now)
        patrol = duties.add_duty(tx, RAINBOW, {"kind": "patrol", "title": "夜间巡逻",
                                               "zone_id": z1.id, "day": local_date(now)},
                                 staff, now)
        duties.assign(tx, RAINBOW, patrol.id, {"volunteer_ids": [made[0].id, made[1].id]},
                      staff, now)
        cases.receive(tx, dispatched_case("volunteer_grid", "volunteer_signup", case_id=SIGNUP,
                                          community=RAINBOW, description="我想当志愿者",
                                          resident={"name": "吴静", "phone": "13800002222"}),
                      now)
        cases.receive(tx, dispatched_case("volunteer_grid", "building_head_report",
                                          case_id=HEAD_REPORT, community=RAINBOW,
                                          description="楼道堆满杂物"), now)
        assert ([v.id for v in made], z1.id, b5.id, d2.id, post.id, patrol.id) == (
            [WANG, LI, ZHOU], Z1, B5, D2, DOOR_POST, PATROL)


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
    door = DOORS["GET /volunteers/{volunteer_id:int}"]
    seen = {caller: fresh.call(door, CALLERS[caller], "GET")["body"]["phone"]
            for caller in ("staff", "admin")}
    assert seen == {"staff": "13900000001", "admin": "139****0001"}
    case = DOORS["GET /cases/{case_id:int}"]
    assert fresh.call(case, CALLERS["admin"], "GET")["body"]["resident"] == {
        "name": "吴*", "phone": "138****2222", "address": None}
