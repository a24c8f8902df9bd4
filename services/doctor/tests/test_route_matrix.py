"""Every route of 片儿医's staff API, knocked on by every kind of caller of rainbow-city and of
maple-court, each answer checked (minzi.route_matrix).

Who may do what (README "Who may do what", ``domain/access.py``), written here by hand:
* the doctor's card is public: anyone, logged in or not, reads it, of their community;
* a registered doctor (``dr-liu``: program_staff of doctor, on the list of doctors of the
  community) alone reads and writes health records, takes a clinic's readings into them, and
  works the house calls (accept, visit, resolve, return);
* the program's clerk (a handler of doctor, not on the list) and the doctor plan clinic days,
  sign residents up, record attendance, and read the clinics and the house calls (the clerk
  without their medical part);
* an admin of the community, the clerk and the doctor keep the list of doctors and read the
  figures;
* a doctor taken off the list keeps their program account, so reaches what the clerk reaches,
  never a medical route again;
* a doctor's username in another program, another program's staff, the receptionist, the
  station head and ops are refused (403), a caller without a login 401; a record of another
  community is not found (404).
"""
from functools import partial
from types import SimpleNamespace

import pytest

from minzi import route_matrix
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.route_matrix import ANONYMOUS, OTHER, Door, cells, check, seeding_moment, untabled
from minzi.testing import SeededDatabase, dispatched_case, make_staff, standalone_store, values_in
from minzi.testing import snapshot as rows_of

from doctor.api import router
from doctor.domain import cases, clinics, doctors, records
from doctor.models import Base, Inbox, Outbox

RAINBOW, MAPLE = "rainbow-city", "maple-court"

CALLERS = {
    "doctor": make_staff("program_staff", program_id="doctor", id=11, username="dr-liu",
                         name="刘医生"),   # the account's name; the card's is 刘大夫
    "clerk": make_staff("handler", program_id="doctor", id=12, username="clerk",
                        name="孙干事"),
    # on the list once, taken off it since
    "former_doctor": make_staff("program_staff", program_id="doctor", id=13,
                                username="dr-zhou", name="周大夫"),
    # the doctor's username, but an account of another program
    "stray_doctor": make_staff("program_staff", program_id="legal_aid", id=14,
                               username="dr-liu", name="别的项目"),
    "other_program": make_staff("program_staff", program_id="cat_fund", id=15,
                                username="chen", name="陈志愿者"),
    "receptionist": make_staff("receptionist", id=16, username="desk", name="李接待"),
    "station_head": make_staff("station_head", id=17, username="zhang", name="张站长"),
    "admin": make_staff("admin", id=18, username="root", name="管理员"),
    "ops": make_staff("ops", id=19, username="ops", name="运维"),
    ANONYMOUS: None,
}


# the callers above, or their twins of maple-court
caller_in = partial(route_matrix.caller_in, CALLERS, elsewhere=MAPLE)


DOCTORS = {"doctor"}
STAFF = {"doctor", "clerk", "former_doctor"}   # a former doctor keeps a clerk's reach
MANAGERS = STAFF | {"admin"}
ADMINS = {"admin"}
EVERYONE = set(CALLERS)

# rainbow-city's records, by the ids the seed gives them
DR_LIU, DR_ZHOU = 1, 2
RECORD = 1                 # 王奶奶, consented, with 高血压 and 青霉素
CLINIC, SIGN_UP = 1, 1     # today's clinic; 王奶奶 signed up and came
WAITING, ACCEPTED = 5, 6   # house calls: one waiting for a doctor, one accepted
FOREIGN = (RAINBOW, "刘大夫", "13911112222", "随叫随到", "王奶奶", "13700001111", "高血压",
           "青霉素", "血压偏高", "社区服务站一楼", "老伴卧床", "彩虹城3区")


def today() -> str:
    return local_date(utcnow()).isoformat()


BP = {"kind": "blood_pressure", "systolic": 132, "diastolic": 84}
DOORS = {
    "GET /doctors": Door("/doctors", MANAGERS, reach="list"),
    # who is a doctor (and so reads medical data) is the admin's to say, not the clerk's
    "POST /doctors": Door("/doctors", ADMINS, reach="own", body={
        "username": "dr-wu", "name": "吴大夫", "phone": "13911114444", "pledge": "每周三上门"}),
    "POST /doctors/{doctor_id:int}": Door(f"/doctors/{DR_LIU}", ADMINS,
                                          body={"pledge": "有求必应"}),
    "GET /card": Door("/card", EVERYONE, query={"community": RAINBOW}, reach="list"),
    "GET /records": Door("/records", DOCTORS, reach="list"),
    "POST /records": Door("/records", DOCTORS, reach="own", body={
        "name": "钱阿姨", "sex": "female", "birth_date": "1950-05-01", "phone": "13700003333",
        "address": "5号楼", "consent_method": "verbal_witnessed", "consent_on": today(),
        "consent_witness": "居委会李主任"}),
    "GET /records/{record_id:int}": Door(f"/records/{RECORD}", DOCTORS),
    "POST /records/{record_id:int}/details": Door(f"/records/{RECORD}/details", DOCTORS,
                                                  body={"allergies": ["头孢"]}),
    "POST /records/{record_id:int}/readings": Door(f"/records/{RECORD}/readings", DOCTORS,
                                                   body={**BP, "measured_on": today()}),
    "POST /records/{record_id:int}/notes": Door(f"/records/{RECORD}/notes", DOCTORS,
                                                body={"seen_on": today(), "text": "复诊"}),
    "POST /records/{record_id:int}/withdrawal": Door(f"/records/{RECORD}/withdrawal", DOCTORS,
                                                     body={"withdrawn_on": today()}),
    "GET /clinics": Door("/clinics", STAFF, reach="list"),
    "POST /clinics": Door("/clinics", STAFF, reach="own", body={
        "day": today(), "hours": "9:00-11:00", "place": "广场", "capacity": 30,
        "offers": ["blood_pressure"]}),
    "GET /clinics/{clinic_id:int}": Door(f"/clinics/{CLINIC}", STAFF),
    "POST /clinics/{clinic_id:int}/sign-ups": Door(f"/clinics/{CLINIC}/sign-ups", STAFF,
                                                   body={"name": "赵大爷",
                                                         "phone": "13700002222"}),
    "POST /clinics/{clinic_id:int}/sign-ups/{sign_up_id:int}/attendance": Door(
        f"/clinics/{CLINIC}/sign-ups/{SIGN_UP}/attendance", STAFF, body={"attended": True}),
    "POST /clinics/{clinic_id:int}/readings": Door(f"/clinics/{CLINIC}/readings", DOCTORS,
                                                   body={"sign_up_id": SIGN_UP,
                                                         "record_id": RECORD, **BP}),
    "GET /cases": Door("/cases", STAFF, reach="list"),
    "GET /cases/{case_id:int}": Door(f"/cases/{ACCEPTED}", STAFF),
    "POST /cases/{case_id:int}/acceptance": Door(f"/cases/{WAITING}/acceptance", DOCTORS,
                                                 body={}),
    "POST /cases/{case_id:int}/visit": Door(f"/cases/{ACCEPTED}/visit", DOCTORS, body={
        "visited_on": today(), "note": "复查", "record_id": RECORD, "systolic": 132,
        "diastolic": 84}),
    "POST /cases/{case_id:int}/resolve": Door(f"/cases/{ACCEPTED}/resolve", DOCTORS,
                                              body={"result": "已上门", "reply": "已上门"}),
    "POST /cases/{case_id:int}/return": Door(f"/cases/{WAITING}/return", DOCTORS,
                                             body={"note": "急症请拨打120"}),
    "GET /figures": Door("/figures", MANAGERS, reach="list"),
}


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    with standalone_store("doctor", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "doctor.db") as store:
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
    admin, doctor, clerk = CALLERS["admin"], CALLERS["doctor"], CALLERS["clerk"]
    now = seeding_moment()
    day = local_date(now)
    with handle.transaction(community=RAINBOW) as tx:
        liu = doctors.register(tx, RAINBOW, {"username": "dr-liu", "name": "刘大夫",
                                             "phone": "13911112222", "pledge": "随叫随到"},
                               admin, now)
        zhou = doctors.register(tx, RAINBOW, {"username": "dr-zhou", "name": "周大夫",
                                              "phone": "13911113333", "pledge": "每周二坐诊"},
                                admin, now)
        doctors.update(tx, RAINBOW, zhou.id, {"active": False}, admin, now)
        record = records.open_record(tx, RAINBOW, {
            "name": "王奶奶", "sex": "female", "birth_date": day.replace(year=day.year - 80),
            "phone": "13700001111", "address": "彩虹城3区2号楼", "conditions": ["高血压"],
            "allergies": ["青霉素"], "consent_method": "signed_form", "consent_on": day,
            "consent_form_ref": "TY-1"}, doctor, now)
        records.add_note(tx.session, record, {"seen_on": day, "text": "血压偏高"}, doctor, now)
        clinic = clinics.plan(tx, RAINBOW, {"day": day, "hours": "8:30-11:30",
                                            "place": "社区服务站一楼", "capacity": 20,
                                            "offers": ["blood_pressure", "glucose"]}, clerk, now)
        came = clinics.sign_up(tx, RAINBOW, clinic.id, {"name": "王奶奶",
                                                        "phone": "13700001111"}, clerk, now)
        clinics.record_attendance(tx, RAINBOW, clinic.id, came.id, {"attended": True}, clerk,
                                  now)
        for case_id in (WAITING, ACCEPTED):
            cases.receive(tx, dispatched_case(
                "doctor", "house_call", case_id=case_id, community=RAINBOW,
                description="老伴卧床，想请医生上门量血压",
                resident={"name": "王奶奶", "phone": "13700001111"}, address="彩虹城3区2号楼"),
                now)
        cases.accept(tx.session, ACCEPTED, doctor, now)
        assert (liu.id, zhou.id, record.id, clinic.id, came.id) == (
            DR_LIU, DR_ZHOU, RECORD, CLINIC, SIGN_UP)
    # maple-court keeps its own list: the same account is its doctor too, by another name
    with handle.transaction(community=MAPLE) as tx:
        doctors.register(tx, MAPLE, {"username": "dr-liu", "name": "周医生",
                                     "phone": "13600000000", "pledge": "枫林的片儿医"},
                         {**admin, "community": MAPLE}, now)


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


MEDICAL = ("高血压", "青霉素", "血压偏高")


def test_the_clerk_and_a_former_doctor_are_refused_every_medical_route_by_name(fresh):
    for route, door in DOORS.items():
        if door.allowed != DOCTORS:
            continue
        for caller in ("clerk", "former_doctor"):
            before = fresh.snapshot()
            answer = fresh.call(door, CALLERS[caller], route.split()[0])
            assert answer == {"status": 403, "body": {"error": {
                "code": "not_doctor",
                "message": "只有登记在册的片儿医可以查看或填写健康档案和诊疗记录"}}}, route
            assert fresh.snapshot() == before


def test_what_each_reader_sees_of_the_residents(fresh):
    """The doctor reads the record; the clerk reads the clinic's names and sign-ups and the
    house calls, never a condition, a reading or a note; the admin reads counts."""
    doctor, clerk, admin = CALLERS["doctor"], CALLERS["clerk"], CALLERS["admin"]
    record = fresh.call(DOORS["GET /records/{record_id:int}"], doctor, "GET")["body"]
    assert (record["conditions"], record["allergies"], [n["text"] for n in record["notes"]]) == (
        ["高血压"], ["青霉素"], ["血压偏高"])
    fresh.call(DOORS["POST /cases/{case_id:int}/visit"], doctor, "POST")
    for route in ("GET /clinics/{clinic_id:int}", "GET /clinics", "GET /cases",
                  "GET /cases/{case_id:int}"):
        body = fresh.call(DOORS[route], clerk, "GET")["body"]
        seen = str(body)
        assert not [word for word in (*MEDICAL, "复查") if word in seen], (route, seen)
        assert not {132, 84, "132", "84"} & set(values_in(body)), (route, seen)
    clinic = fresh.call(DOORS["GET /clinics/{clinic_id:int}"], clerk, "GET")["body"]
    assert [(s["name"], s["attended"]) for s in clinic["sign_ups"]] == [("王奶奶", True)]
    case = fresh.call(DOORS["GET /cases/{case_id:int}"], clerk, "GET")["body"]
    assert "medical" not in case and case["resident"]["name"] == "王奶奶"
    assert fresh.call(DOORS["GET /cases/{case_id:int}"], doctor, "GET")["body"]["medical"] == {
        "visit_note": "复查", "record_id": RECORD}
    figures = str(fresh.call(DOORS["GET /figures"], admin, "GET")["body"])
    assert not [word for word in (*MEDICAL, "王奶奶") if word in figures]
    card = fresh.call(DOORS["GET /card"], None, "GET")["body"]
    assert card["doctors"] == [{"name": "刘大夫", "phone": "13911112222", "pledge": "随叫随到"}]
    assert not [word for word in (*MEDICAL, "王奶奶", "周大夫") if word in str(card)]
