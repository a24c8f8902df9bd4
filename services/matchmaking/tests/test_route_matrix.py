"""Every route of the studio's staff API, knocked on by every kind of caller of rainbow-city and
of maple-court, each answer checked (minzi.route_matrix).

Who may do what (README "The rules", ``domain/access.py``):
* the code lists and the figures are public: anyone, logged in or not, reads them; the figures
  are counts only, and staff read their own community's, whatever ``?community=`` they name;
* everything else (members, police checks, consultations, introductions, the activity record,
  cases from intake) is for the studio's own staff only: ``program_staff`` and ``handler`` whose
  program is matchmaking, and admins. Another program's staff, the receptionist, the station head
  and ops get 403, a caller without a login 401;
* everyone works in their own community: a record of another community is not found (404, the
  same as one that does not exist), its lists and figures are the caller's own, and what the
  caller registers or logs is registered in their own community.

Rainbow-city holds the records the doors name; each cell starts from it as it was seeded.
"""
from functools import partial
from types import SimpleNamespace

import pytest

from minzi import route_matrix
from minzi.route_matrix import ANONYMOUS, OTHER, Door, cells, check, seeding_moment, untabled
from minzi.testing import SeededDatabase, make_staff, standalone_store
from minzi.testing import snapshot as rows_of

from matchmaking.api import router
from matchmaking.domain import cases, consultations, introductions, members
from matchmaking.models import Base, Inbox, Outbox

from .conftest import CASE_DATA, CHEN_JING, LI_NA, POLICE, WANG_QIANG, ZHANG_WEI, ZHAO_MIN, person

RAINBOW, MAPLE = "rainbow-city", "maple-court"

# -- who knocks ------------------------------------------------------------------------------------

CALLERS = {
    "studio": make_staff("program_staff", program_id="matchmaking", id=11, username="hong",
                         name="王红娘"),
    "studio_handler": make_staff("handler", program_id="matchmaking", id=12, username="qian",
                                 name="钱志愿者"),
    "other_program": make_staff("program_staff", program_id="legal_aid", id=13,
                                username="chen", name="陈律师"),
    "other_handler": make_staff("handler", program_id="cat_fund", id=14, username="zhao",
                                name="赵志愿者"),
    "receptionist": make_staff("receptionist", id=15, username="desk", name="李接待"),
    "station_head": make_staff("station_head", id=16, username="zhang", name="张站长"),
    "admin": make_staff("admin", id=17, username="root", name="管理员"),
    "ops": make_staff("ops", id=18, username="ops", name="运维"),
    ANONYMOUS: None,
}


# the callers above, or their twins of maple-court
caller_in = partial(route_matrix.caller_in, CALLERS, elsewhere=MAPLE)


STUDIO = {"studio", "studio_handler", "admin"}
EVERYONE = set(CALLERS)

# -- what rainbow-city holds, by the ids the seed gives it ----------------------------------------

ZHANG, LI, WANG, ZHAO, CHEN = 1, 2, 3, 4, 5     # verified, verified, verified, verified, pending
ZHANG_AND_LI = 1                                # an open introduction, not met yet
CASE = CASE_DATA["case_id"]                     # a case from intake, received
RESIDENTS = (ZHANG_WEI, LI_NA, WANG_QIANG, ZHAO_MIN, CHEN_JING)   # registered in that order
# what nobody of another community, and nobody refused, may read
FOREIGN = (RAINBOW, *(who[key] for who in RESIDENTS for key in ("name", "phone", "id_number")),
           "吴芳", "13900007777", "想找个老师", "都喜欢爬山", "彩虹城派出所",
           CASE_DATA["tracking_code"], CASE_DATA["resident"]["name"],
           CASE_DATA["resident"]["phone"], CASE_DATA["description"])

# ZHOU_JIE (tests/conftest.py), as the registration form sends him
NEW_MEMBER = {"name": "周杰", "gender": "male", "birth_date": "1990-02-02",
              "id_number": "110105199002021715", "phone": "13900008888",
              "education": "bachelor", "occupation": "工程师"}

# The code lists and the figures: anyone, logged in or not. Everything else: the studio's staff
# (program_staff and handler of matchmaking) and admins, each in their own community; another
# program's staff, the receptionist, the station head and ops are refused.
DOORS = {
    "GET /codes": Door("/codes", EVERYONE, reach="list"),
    "GET /figures": Door("/figures", EVERYONE, query={"community": RAINBOW}, reach="list"),
    "GET /members": Door("/members", STUDIO, query={"community": RAINBOW}, reach="list"),
    "POST /members": Door("/members", STUDIO, body=NEW_MEMBER, reach="own"),
    "GET /members/{member_id:int}": Door(f"/members/{ZHANG}", STUDIO),
    "PATCH /members/{member_id:int}": Door(f"/members/{ZHANG}", STUDIO,
                                           body={"occupation": "教师"}),
    "POST /members/{member_id:int}/verifications": Door(
        f"/members/{CHEN}/verifications", STUDIO, body={"result": "verified", **POLICE}),
    "POST /members/{member_id:int}/withdraw": Door(f"/members/{ZHANG}/withdraw", STUDIO,
                                                   body={"reason": "已经有对象了"}),
    "GET /members/{member_id:int}/candidates": Door(f"/members/{ZHANG}/candidates", STUDIO),
    "GET /consultations": Door("/consultations", STUDIO, query={"community": RAINBOW},
                               reach="list"),
    "POST /consultations": Door("/consultations", STUDIO, reach="own", body={
        "caller_name": "马大姐", "phone": "13100000001", "topic": "family"}),
    "GET /introductions": Door("/introductions", STUDIO, query={"community": RAINBOW},
                               reach="list"),
    # names two of rainbow-city's members in its body: to another community they are unknown
    # (422, as members who exist nowhere; the answer is tested in full below)
    "POST /introductions": Door("/introductions", STUDIO, reach="body", body={
        "first_member_id": WANG, "second_member_id": ZHAO, "note": "都爱看书"}),
    "GET /introductions/{introduction_id:int}": Door(f"/introductions/{ZHANG_AND_LI}", STUDIO),
    "POST /introductions/{introduction_id:int}/outcome": Door(
        f"/introductions/{ZHANG_AND_LI}/outcome", STUDIO, body={"outcome": "met"}),
    "GET /activity": Door("/activity", STUDIO, reach="list", query={
        "entity": "member", "entity_id": str(ZHANG), "community": RAINBOW}),
    "GET /cases": Door("/cases", STUDIO, query={"community": RAINBOW}, reach="list"),
    "GET /cases/{case_id:int}": Door(f"/cases/{CASE}", STUDIO),
    "POST /cases/{case_id:int}/resolve": Door(f"/cases/{CASE}/resolve", STUDIO, body={
        "result": "已为儿子登记", "reply": "已登记，等待派出所核实"}),
    "POST /cases/{case_id:int}/return": Door(f"/cases/{CASE}/return", STUDIO,
                                             body={"note": "不是本工作室的事"}),
}


# -- the station: rainbow-city seeded once, restored for every cell -------------------------------

@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """The studio's own ``Store`` on a SQLite file, its relay never started (what the staff API
    needs of the service), and rainbow-city's records as the studio's staff made them an hour
    ago, kept aside in memory."""
    with standalone_store("matchmaking", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "matchmaking.db") as store:
        handle = store.get_dependency(None)
        _seed(handle)
        seeded = SeededDatabase(store)
        service = SimpleNamespace(store=handle, program=SimpleNamespace(
            manifest={"communities": [RAINBOW]}))
        yield SimpleNamespace(service=service, seeded=seeded)
        seeded.close()


def _seed(handle) -> None:
    staff, now = CALLERS["studio"], seeding_moment()
    with handle.transaction(community=RAINBOW) as tx:
        made = [members.register_member(tx, RAINBOW, person(who), staff, now)
                for who in RESIDENTS]
        for member in made[:4]:
            members.record_verification(tx, RAINBOW, member.id, {"result": "verified", **POLICE},
                                        staff, now)
        intro = introductions.introduce(tx, RAINBOW, {
            "first_member_id": ZHANG, "second_member_id": LI, "note": "都喜欢爬山"}, staff, now)
        consultations.log_consultation(tx, RAINBOW, {
            "caller_name": "吴芳", "phone": "13900007777", "topic": "registration",
            "notes": "想找个老师"}, staff, now)
        cases.receive(tx, CASE_DATA, now)
        assert [m.id for m in made] == [ZHANG, LI, WANG, ZHAO, CHEN]
        assert intro.id == ZHANG_AND_LI


@pytest.fixture
def station(studio):
    """A fresh copy of rainbow-city (every page of the seeded database written back), and the
    staff API as the studio's ``api`` RPC calls it once the gateway's statement is verified."""
    studio.seeded.restore()
    service = studio.service

    def call(door: Door, staff: dict | None, method: str) -> dict:
        return router.dispatch({"method": method, "path": door.path, "query": door.query or {},
                                "body": door.body, "staff": staff, "lang": "zh",
                                "idempotency_key": None}, service=service)

    def snapshot() -> dict:
        with service.store.session() as session:
            return rows_of(session, Base.metadata)

    return SimpleNamespace(call=call, snapshot=snapshot)


# -- the matrix -----------------------------------------------------------------------------------

def test_every_route_has_a_door():
    assert untabled(router, DOORS) == ([], [])


@pytest.mark.parametrize(("route", "caller", "community"), cells(DOORS, CALLERS))
def test_who_may_use_which_route(station, route, caller, community):
    door = DOORS[route]
    before = station.snapshot()
    answer = station.call(door, caller_in(caller, community), route.split()[0])
    changed = station.snapshot() != before
    said = str(answer["body"])
    check(door, caller, community, answer, changed=changed, foreign=FOREIGN)
    if route.startswith("GET "):
        assert not changed, f"{route} changed something for {caller}"
    if community == OTHER or caller not in door.allowed:
        # a refusal, a record not found, another community's list: nothing of rainbow-city's
        assert not [word for word in FOREIGN if word in said], said


def test_each_cell_starts_from_rainbow_city_as_it_was_seeded(studio, station):
    seeded = station.snapshot()
    for route in ("POST /members/{member_id:int}/withdraw", "POST /cases/{case_id:int}/resolve"):
        assert station.call(DOORS[route], CALLERS["studio"], "POST")["status"] == 200
    assert station.snapshot() != seeded
    studio.seeded.restore()
    assert station.snapshot() == seeded
    assert station.call(DOORS["GET /members/{member_id:int}"], CALLERS["studio"], "GET")[
        "body"]["status"] == "verified"


# -- a member of another community named in a body ------------------------------------------------

MAPLE_STUDIO = caller_in("studio", OTHER)


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/consultations", {"phone": "13100000001", "topic": "matching", "member_id": ZHANG},
     "member_id"),
    ("/introductions", {"first_member_id": WANG, "second_member_id": ZHAO}, "first_member_id"),
    ("/introductions", {"first_member_id": 998, "second_member_id": 999}, "first_member_id"),
])
def test_another_communitys_member_is_unknown_as_one_who_does_not_exist(station, path, body,
                                                                         field):
    member_id = body[field]
    before = station.snapshot()
    answer = station.call(Door(path, body=body), MAPLE_STUDIO, "POST")
    message = f"没有编号为 {member_id} 的会员"
    assert answer == {"status": 422, "body": {"error": {
        "code": "unknown_member", "message": message, "fields": {field: [message]}}}}
    assert station.snapshot() == before


def test_what_another_community_registers_and_logs_is_its_own(station):
    registered = station.call(DOORS["POST /members"], MAPLE_STUDIO, "POST")
    logged = station.call(DOORS["POST /consultations"], MAPLE_STUDIO, "POST")
    assert (registered["status"], registered["body"]["community"],
            registered["body"]["name"]) == (201, MAPLE, "周杰")
    assert (logged["status"], logged["body"]["community"], logged["body"]["member_id"]) == (
        201, MAPLE, None)
    listed = station.call(Door("/members"), MAPLE_STUDIO, "GET")["body"]["items"]
    assert [(m["name"], m["community"], m["birth_date"]) for m in listed] == [
        ("周杰", MAPLE, "1990-02-02")]


def test_the_figures_count_the_callers_own_community_whatever_it_names(station):
    door = DOORS["GET /figures"]                       # ?community=rainbow-city
    seen = {who: station.call(door, staff, "GET")["body"] for who, staff in (
        ("rainbow-city's studio", CALLERS["studio"]), ("the public", None),
        ("maple-court's receptionist", caller_in("receptionist", OTHER)),
        ("maple-court's studio", MAPLE_STUDIO))}
    rainbow = {"registered": 5, "verified": 4, "rejected": 0, "consultations": 1,
               "introductions": 1, "met": 0, "dating": 0, "married": 0, "ended": 0}
    nothing = dict.fromkeys(rainbow, 0)
    assert {who: (body["community"], body["totals"], [s["count"] for s in body["members_now"]])
            for who, body in seen.items()} == {
        "rainbow-city's studio": (RAINBOW, rainbow, [1, 4, 0, 0]),
        "the public": (RAINBOW, rainbow, [1, 4, 0, 0]),
        "maple-court's receptionist": (MAPLE, nothing, [0, 0, 0, 0]),
        "maple-court's studio": (MAPLE, nothing, [0, 0, 0, 0])}
