"""Every route of co-building's staff API, knocked on by every kind of caller of rainbow-city and
of maple-court, each answer checked (minzi.route_matrix).

Who may do what (README "Who may do what", ``domain/access.py``):
* the fund's public report is public: anyone, logged in or not, reads it, of their community;
* co-building's own staff (``program_staff`` and ``handler`` of co_building) do everything else;
* an admin of the community reads what the staff read (units, commitments and who is behind,
  issues with residents masked, meetings, the fund's ledger, figures, the record);
* a member unit's contact (``member_unit`` of co_building; here the egg company's, egg-contact)
  reads their own unit, its commitments and the issues assigned to it, reports their unit's
  deeds done and the issues' progress, and reads "my unit"; another unit's contact (the
  hospital's) is refused those records (403), and reads only their own lists;
* a member_unit account of another program, another program's staff, the receptionist, the
  station head and ops are refused (403), a caller without a login 401; a record of another
  community is not found (404).
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

from co_building.api import router
from co_building.domain import cases, commitments, fund, issues, meetings, units
from co_building.models import Base, Inbox, Outbox

from .conftest import SIX_PARTIES, unit_data

RAINBOW, MAPLE = "rainbow-city", "maple-court"

CALLERS = {
    "staff": make_staff("program_staff", program_id="co_building", id=11, username="wang",
                        name="王书记"),
    "handler": make_staff("handler", program_id="co_building", id=12, username="qian",
                          name="钱干事"),
    "member": make_staff("member_unit", program_id="co_building", id=13,
                         username="egg-contact", name="刘主任"),
    "other_member": make_staff("member_unit", program_id="co_building", id=14,
                               username="hospital", name="陈科长"),
    # the role given for another program is not co-building's, whatever the username
    "stray_member": make_staff("member_unit", program_id="job_fair", id=15,
                               username="egg-contact", name="别的项目"),
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
MEMBERS = {"member", "other_member"}
EVERYONE = set(CALLERS)

# rainbow-city's records, by the ids the seed gives them
EGG, HOSPITAL = 1, 2                  # contacts: egg-contact, hospital
EGG_DEED, COMMUNITY_PROMISE = 1, 2    # the egg company's deed (reported done), the community's
NOISE, BENCHES = 5, 6                 # assigned to the egg company; sorted solvable, unassigned
MEETING = 1
CONTRIBUTION, PAYMENT = 1, 2
FOREIGN = (RAINBOW, "禽蛋公司", "东方建都医院", "13800000100", "冷库货车夜里进出", "赵大爷",
           "13900001111", "彩虹城5号楼", "小区缺少座椅", "添置巡逻车", "新春联欢会",
           "禽蛋公司改造冷库", "重阳节联欢会")


def soon(days: int = 30) -> str:
    return (local_date(utcnow()) + timedelta(days=days)).isoformat()


def this_year() -> int:
    return local_date(utcnow()).year


DOORS = {
    "GET /units": Door("/units", READERS, query={"community": RAINBOW}, reach="list"),
    "POST /units": Door("/units", STAFF, reach="own", body={
        "name": "南郊冷冻厂", "kind": "enterprise", "contact_name": "孙厂长",
        "contact_phone": "13700000003"}),
    "GET /units/{unit_id:int}": Door(f"/units/{EGG}", READERS | {"member"}),
    "POST /units/{unit_id:int}/contact": Door(f"/units/{EGG}/contact", STAFF, body={
        "contact_name": "孙书记", "contact_phone": "13700000004",
        "contact_username": "egg-sun"}),
    "POST /units/{unit_id:int}/agreements": Door(f"/units/{EGG}/agreements", STAFF, body={
        "signed_on": "2026-01-08", "valid_from": "2026-01-01", "valid_until": "2028-12-31",
        "terms": "每年办1-2件实事", "document_ref": "共建责任书 2026-01 号"}),
    "GET /my": Door("/my", MEMBERS, reach="list"),
    "GET /commitments": Door("/commitments", READERS, query={"community": RAINBOW},
                             reach="list"),
    "POST /commitments": Door("/commitments", STAFF, reach="body", body={
        "year": this_year(), "direction": "unit", "unit_id": EGG, "title": "慰问困难群众",
        "due_on": f"{this_year()}-12-31"}),
    "POST /commitments/{commitment_id:int}/evidence": Door(
        f"/commitments/{EGG_DEED}/evidence", STAFF | {"member"},
        body={"evidence": "6辆巡逻车已交付，附交接单"}),
    "POST /commitments/{commitment_id:int}/verification": Door(
        f"/commitments/{EGG_DEED}/verification", STAFF, body={"note": "现场查看属实"}),
    "GET /commitments/behind": Door("/commitments/behind", READERS, reach="list"),
    "GET /issues": Door("/issues", READERS | MEMBERS, query={"community": RAINBOW},
                        reach="list"),
    "GET /issues/{case_id:int}": Door(f"/issues/{NOISE}", READERS | {"member"}),
    "POST /issues/{case_id:int}/sorting": Door(f"/issues/{BENCHES}/sorting", STAFF,
                                               body={"kind": "coordination"}),
    "POST /issues/{case_id:int}/assignment": Door(
        f"/issues/{BENCHES}/assignment", STAFF, body={"unit_id": HOSPITAL, "deadline": soon()}),
    "POST /issues/{case_id:int}/progress": Door(f"/issues/{NOISE}/progress",
                                                STAFF | {"member"}, body={"note": "车队已限行"}),
    "POST /issues/{case_id:int}/supervision": Door(f"/issues/{NOISE}/supervision", STAFF,
                                                   body={"note": "请本周内答复"}),
    "POST /issues/{case_id:int}/outcome": Door(f"/issues/{NOISE}/outcome", STAFF, body={
        "result": "冷库改造完成", "investment": "7000000", "investment_unit_id": EGG,
        "reply": "冷库已改造"}),
    "POST /issues/{case_id:int}/return": Door(f"/issues/{BENCHES}/return", STAFF,
                                              body={"note": "请转物业"}),
    "GET /meetings": Door("/meetings", READERS, reach="list"),
    "POST /meetings": Door("/meetings", STAFF, reach="body", body={
        "day": soon(0), "place": "社区会议室", "topic": "冷库噪音", "attendees": SIX_PARTIES,
        "case_ids": [NOISE], "decisions": "再议"}),
    "GET /meetings/{meeting_id:int}": Door(f"/meetings/{MEETING}", READERS),
    "GET /fund": Door("/fund", READERS, reach="list"),
    "POST /fund/contributions": Door("/fund/contributions", STAFF, reach="own", body={
        "amount": "500", "donor_name": "热心居民", "channel": "cash"}),
    "POST /fund/payments": Door("/fund/payments", STAFF, reach="own", body={
        "amount": "100.50", "category": "care", "invoice_ref": "FP-9",
        "approved_by": "社区党委书记"}),
    "POST /fund/entries/{entry_id:int}/reversal": Door(
        f"/fund/entries/{PAYMENT}/reversal", STAFF, body={"reason": "发票有误"}),
    "GET /fund/report": Door("/fund/report", EVERYONE, query={"community": RAINBOW},
                             reach="list"),
    "GET /figures": Door("/figures", READERS, reach="list"),
    "GET /activity": Door("/activity", READERS, reach="list", query={
        "entity": "unit", "entity_id": str(EGG), "community": RAINBOW}),
}


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    with standalone_store("co_building", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "co_building.db") as store:
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
    today, year = local_date(now), local_date(now).year
    with handle.transaction(community=RAINBOW) as tx:
        egg = units.add_unit(tx, RAINBOW, unit_data(), staff, now)
        hospital = units.add_unit(tx, RAINBOW, unit_data("东方建都医院", "hospital",
                                                         kind="hospital"), staff, now)
        units.add_agreement(tx, RAINBOW, egg.id, {
            "signed_on": date(year, 1, 1), "valid_from": date(year, 1, 1),
            "valid_until": date(year + 2, 12, 31), "terms": "每年办实事",
            "document_ref": "共建责任书"}, staff, now)
        deed = commitments.commit(tx, RAINBOW, {
            "year": year, "direction": "unit", "unit_id": egg.id, "title": "添置巡逻车",
            "due_on": date(year, 12, 31)}, staff, now)
        commitments.report_done(tx, RAINBOW, deed.id, {"evidence": "交接单"}, staff, now)
        commitments.commit(tx, RAINBOW, {"year": year, "direction": "community",
                                         "unit_id": None, "title": "新春联欢会",
                                         "due_on": date(year, 12, 31)}, staff, now)
        for case_id, code, words in ((NOISE, "night_noise", "冷库货车夜里进出"),
                                     (BENCHES, "public_facilities", "小区缺少座椅")):
            cases.receive(tx, dispatched_case(
                "co_building", code, case_id=case_id, community=RAINBOW, description=words,
                resident={"name": "赵大爷", "phone": "13900001111"}, address="彩虹城5号楼"),
                now)
        issues.sort_issue(tx.session, NOISE, {"kind": "coordination"}, staff, now)
        issues.assign(tx.session, NOISE, {"unit_id": egg.id,
                                          "deadline": today + timedelta(days=20)}, staff, now)
        issues.sort_issue(tx.session, BENCHES, {"kind": "solvable"}, staff, now)
        held = meetings.record_meeting(tx, RAINBOW, {
            "day": today, "place": "社区会议室", "topic": "冷库噪音", "attendees": SIX_PARTIES,
            "case_ids": [NOISE], "decisions": "禽蛋公司改造冷库"}, staff, now)
        income, _ = fund.contribute(tx, RAINBOW, {"amount": 1_300_000, "unit_id": egg.id,
                                                  "channel": "bank_transfer"}, staff, now)
        paid, _ = fund.spend(tx, RAINBOW, {"amount": 20_000, "category": "culture",
                                           "invoice_ref": "FP-1", "approved_by": "社区党委书记",
                                           "description": "重阳节联欢会"}, staff, now)
        assert (egg.id, hospital.id, deed.id, held.id, income.id, paid.id) == (
            EGG, HOSPITAL, EGG_DEED, MEETING, CONTRIBUTION, PAYMENT)
    # maple-court's own fund, so its staff may pay from it
    maple = {**staff, "community": MAPLE}
    with handle.transaction(community=MAPLE) as tx:
        fund.contribute(tx, MAPLE, {"amount": 100_000, "donor_name": "枫林居民",
                                    "channel": "cash"}, maple, now)


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


def test_a_member_units_contact_is_refused_another_units_records(fresh):
    for route in ("GET /units/{unit_id:int}", "GET /issues/{case_id:int}",
                  "POST /issues/{case_id:int}/progress",
                  "POST /commitments/{commitment_id:int}/evidence"):
        door = DOORS[route]
        before = fresh.snapshot()
        answer = fresh.call(door, CALLERS["other_member"], route.split()[0])
        assert answer == {"status": 403, "body": {"error": {
            "code": "not_your_unit", "message": "这不是您所在共建单位的记录"}}}, route
        assert fresh.snapshot() == before


def test_each_reader_sees_as_much_of_the_resident_as_they_need(fresh):
    door = DOORS["GET /issues/{case_id:int}"]
    seen = {caller: fresh.call(door, CALLERS[caller], "GET")["body"]["resident"]
            for caller in ("staff", "admin", "member")}
    assert seen == {"staff": {"name": "赵大爷", "phone": "13900001111", "address": "彩虹城5号楼"},
                    "admin": {"name": "赵**", "phone": "139****1111", "address": None},
                    "member": None}


def test_my_unit_shows_the_contacts_unit_its_commitments_and_issues(fresh):
    mine = fresh.call(DOORS["GET /my"], CALLERS["member"], "GET")["body"]["items"]
    assert [(u["name"], [c["title"] for c in u["commitments"]],
             [i["case_id"] for i in u["issues"]]) for u in mine] == [
        ("禽蛋公司", ["添置巡逻车"], [NOISE])]
    theirs = fresh.call(DOORS["GET /my"], CALLERS["other_member"], "GET")["body"]["items"]
    assert [(u["name"], u["commitments"], u["issues"]) for u in theirs] == [
        ("东方建都医院", [], [])]
