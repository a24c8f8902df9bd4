"""Every route of the job fair's staff API, knocked on by every kind of caller of rainbow-city and
of maple-court, each answer checked (minzi.route_matrix).

Who may do what (README "Who may do what", ``domain/access.py``):
* the fairs, a fair's positions (of verified employers) and its figures are public: anyone,
  logged in or not, reads them, each of their own community;
* the fair's own staff (``program_staff`` and ``handler`` of job_fair) do everything else, and
  act for employers (positions, interviews, hires, an employer's withdrawal);
* an admin of the community reads what the staff read (employers, applicants, a fair's applicant
  list and its spreadsheet, matches, the record), with applicants' personal data masked; the
  list of an employer's applicants in full is the staff's alone (it is handed to the employer);
* another program's staff, the receptionist, the station head and ops are refused (403), a
  caller without a login 401; a record of another community is not found (404).
"""
from datetime import timedelta
from functools import partial
from types import SimpleNamespace

import pytest

from minzi import route_matrix
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.route_matrix import ANONYMOUS, OTHER, Door, cells, check, seeding_moment, untabled
from minzi.testing import SeededDatabase, dispatched_case, make_staff, standalone_store
from minzi.testing import snapshot as rows_of

from job_fair.api import router
from job_fair.domain import applicants, applications, cases, employers, fairs, positions
from job_fair.models import Base, Inbox, Outbox

from .conftest import CODES, LI_NA_ID, STANDARD_ID, ZHANG_WEI_ID, applicant_data, employer_data

RAINBOW, MAPLE = "rainbow-city", "maple-court"

CALLERS = {
    "fair": make_staff("program_staff", program_id="job_fair", id=11, username="li",
                       name="李干事"),
    "fair_handler": make_staff("handler", program_id="job_fair", id=12, username="qian",
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


STAFF = {"fair", "fair_handler"}
READERS = STAFF | {"admin"}
EVERYONE = set(CALLERS)

# rainbow-city's records, by the ids the seed gives them
PROPERTY, COURIER, CANTEEN = 1, 2, 3     # verified and invited, pending, verified not invited
FAIR, POSITION = 1, 1
ZHANG, LI, SUN = 1, 2, 3                 # applied+checked in+interviewed, applied+checked in, new
INTERVIEWED, CHECKED_IN = 1, 2           # applications
SUN_CODE = "SUN23456"
CASE = 5
CASE_DATA = dispatched_case("job_fair", "job_seeking", case_id=CASE, description="下岗了想找工作",
                            resident={"name": "周大姐", "phone": "13600000000"})
FOREIGN = (RAINBOW, "彩虹城物业公司", "快递站", "职工食堂", CODES[0], CODES[1], CODES[2],
           "张伟", "李娜", "孙秀兰", ZHANG_WEI_ID, LI_NA_ID, STANDARD_ID, "13800000001",
           "曾在工厂做电工五年", SUN_CODE, "物业电工", "彩虹城冬季招聘会", "周大姐",
           "13600000000", "下岗了想找工作")
# 441322199211234578: 28+36+10+15+16+8+2+9+54+6+7+9+20+15+32+20+14 = 301 = 27*11 + 4 -> 8
NEW_APPLICANT = {"name": "王强", "id_number": "441322199211234578", "phone": "13700000009",
                 "kind": "graduate", "education": "bachelor", "skills": ["会计"],
                 "expected_pay": "6000.50", "consent": True}
NEW_EMPLOYER = {"name": "洗衣店", "credit_code": CODES[3], "licence_valid_until": "2030-01-01",
                "contact_name": "刘老板", "phone": "13900000003"}


def fair_day() -> str:
    return (local_date(utcnow()) + timedelta(days=30)).isoformat()


DOORS = {
    "GET /employers": Door("/employers", READERS, query={"community": RAINBOW}, reach="list"),
    "POST /employers": Door("/employers", STAFF, body=NEW_EMPLOYER, reach="own"),
    "GET /employers/{employer_id:int}": Door(f"/employers/{PROPERTY}", READERS),
    "POST /employers/{employer_id:int}/verification": Door(
        f"/employers/{COURIER}/verification", STAFF, body={"result": "verified"}),
    "GET /employers/{employer_id:int}/applications": Door(
        f"/employers/{PROPERTY}/applications", STAFF),
    "GET /fairs": Door("/fairs", EVERYONE, query={"community": RAINBOW}, reach="list"),
    "POST /fairs": Door("/fairs", STAFF, reach="own", body={
        "title": "春季招聘会", "day": fair_day(), "place": "广场", "capacity": 500}),
    "GET /fairs/{fair_id:int}": Door(f"/fairs/{FAIR}", EVERYONE),
    "POST /fairs/{fair_id:int}/invitations": Door(f"/fairs/{FAIR}/invitations", STAFF,
                                                  body={"employer_id": CANTEEN}),
    "GET /fairs/{fair_id:int}/positions": Door(f"/fairs/{FAIR}/positions", EVERYONE),
    "POST /fairs/{fair_id:int}/positions": Door(f"/fairs/{FAIR}/positions", STAFF, body={
        "employer_id": PROPERTY, "title": "保洁", "count": 3, "work_place": "彩虹城小区",
        "pay_min": "3500", "pay_max": "4200.00"}),
    "POST /fairs/{fair_id:int}/check-ins": Door(f"/fairs/{FAIR}/check-ins", STAFF,
                                                body={"registration_code": SUN_CODE}),
    "GET /fairs/{fair_id:int}/figures": Door(f"/fairs/{FAIR}/figures", EVERYONE),
    "GET /fairs/{fair_id:int}/applicants": Door(f"/fairs/{FAIR}/applicants", READERS),
    "GET /fairs/{fair_id:int}/export": Door(f"/fairs/{FAIR}/export", READERS),
    "GET /applicants": Door("/applicants", READERS, query={"community": RAINBOW}, reach="list"),
    "POST /applicants": Door("/applicants", STAFF, body=NEW_APPLICANT, reach="own"),
    "GET /applicants/{applicant_id:int}": Door(f"/applicants/{ZHANG}", READERS),
    "GET /applicants/{applicant_id:int}/matches/{fair_id:int}": Door(
        f"/applicants/{ZHANG}/matches/{FAIR}", READERS),
    "POST /applications": Door("/applications", STAFF, reach="body",
                               body={"applicant_id": SUN, "position_id": POSITION}),
    "POST /applications/{application_id:int}/withdraw": Door(
        f"/applications/{CHECKED_IN}/withdraw", STAFF, body={"by": "applicant"}),
    "POST /applications/{application_id:int}/interview": Door(
        f"/applications/{CHECKED_IN}/interview", STAFF, body={"note": "表达清楚"}),
    "POST /applications/{application_id:int}/decision": Door(
        f"/applications/{INTERVIEWED}/decision", STAFF, body={"hired": True}),
    "GET /activity": Door("/activity", READERS, reach="list", query={
        "entity": "employer", "entity_id": str(PROPERTY), "community": RAINBOW}),
    "GET /cases": Door("/cases", STAFF, query={"community": RAINBOW}, reach="list"),
    "GET /cases/{case_id:int}": Door(f"/cases/{CASE}", STAFF),
    "POST /cases/{case_id:int}/resolve": Door(f"/cases/{CASE}/resolve", STAFF, body={
        "result": "已登记求职", "reply": "已为您登记，请来参加招聘会"}),
    "POST /cases/{case_id:int}/return": Door(f"/cases/{CASE}/return", STAFF,
                                             body={"note": "请到人力社保所办理"}),
}


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    with standalone_store("job_fair", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "job_fair.db") as store:
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
    staff, now = CALLERS["fair"], seeding_moment()
    with handle.transaction(community=RAINBOW) as tx:
        made = [employers.register_employer(tx, RAINBOW, employer_data(name, code), staff, now)
                for name, code in (("彩虹城物业公司", CODES[0]), ("快递站", CODES[1]),
                                   ("职工食堂", CODES[2]))]
        for employer in (made[0], made[2]):
            employers.verify_employer(tx, RAINBOW, employer.id, {"result": "verified"}, staff,
                                      now)
        fair = fairs.plan_fair(tx, RAINBOW, {"title": "彩虹城冬季招聘会",
                                             "day": local_date(now) + timedelta(days=20),
                                             "place": "社区活动室", "capacity": 300}, staff, now)
        fairs.invite(tx, RAINBOW, fair.id, PROPERTY, staff, now)
        position = positions.post_position(tx, RAINBOW, fair.id, {
            "employer_id": PROPERTY, "title": "物业电工", "count": 2, "skills": ["电工"],
            "work_place": "彩虹城小区", "pay_min_fen": 450000, "pay_max_fen": 600000}, staff, now)
        people = [applicants.register_applicant(tx, RAINBOW, applicant_data(name, number),
                                                staff, now)
                  for name, number in (("张伟", ZHANG_WEI_ID), ("李娜", LI_NA_ID),
                                       ("孙秀兰", STANDARD_ID))]
        people[2].registration_code = SUN_CODE
        for person in people[:2]:
            applications.apply(tx, RAINBOW, person.id, position.id, staff, now)
            applications.check_in(tx, RAINBOW, fair.id, person.registration_code, staff, now)
        applications.record_interview(tx, RAINBOW, INTERVIEWED, None, staff, now)
        cases.receive(tx, {**CASE_DATA, "community": RAINBOW}, now)
        assert [e.id for e in made] == [PROPERTY, COURIER, CANTEEN]
        assert [p.id for p in people] == [ZHANG, LI, SUN] and fair.id == FAIR


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


def test_an_admin_reads_applicants_masked_and_the_fairs_staff_in_full(fresh):
    door = DOORS["GET /applicants/{applicant_id:int}"]
    admin = fresh.call(door, CALLERS["admin"], "GET")["body"]
    staff = fresh.call(door, CALLERS["fair"], "GET")["body"]
    assert (admin["id_number"], admin["phone"], admin["cv"]) == (
        "110105********2131", "138****0001", None)
    assert (staff["id_number"], staff["phone"], staff["cv"]) == (
        ZHANG_WEI_ID, "13800000001", "曾在工厂做电工五年")


def test_the_public_reads_a_fairs_positions_and_figures_counts_only(fresh):
    listed = fresh.call(DOORS["GET /fairs/{fair_id:int}/positions"], None, "GET")["body"]
    assert [(p["title"], p["employer"], p["pay_min"], p["pay_max"]) for p in listed["items"]] == [
        ("物业电工", "彩虹城物业公司", "4500.00", "6000.00")]
    # by the seed: 1 employer invited, 1 position for 2, 张伟 and 李娜 applied and checked in,
    # 张伟 interviewed, nobody hired yet
    figures = fresh.call(DOORS["GET /fairs/{fair_id:int}/figures"], None, "GET")["body"]
    assert figures["totals"] == {"employers": 1, "positions": 1, "openings": 2,
                                 "applicants": 2, "applications": 2, "check_ins": 2,
                                 "interviews": 1, "hires": 0}
    assert not [word for word in ("张伟", "李娜", ZHANG_WEI_ID) if word in str(figures)]


def test_another_communitys_applicant_or_position_is_unknown_as_one_that_does_not_exist(fresh):
    before = fresh.snapshot()
    answer = fresh.call(DOORS["POST /applications"], caller_in("fair", OTHER), "POST")
    assert answer == {"status": 422, "body": {"error": {
        "code": "unknown_applicant", "message": f"没有编号为 {SUN} 的求职者",
        "fields": {"applicant_id": [f"没有编号为 {SUN} 的求职者"]}}}}
    assert fresh.snapshot() == before
