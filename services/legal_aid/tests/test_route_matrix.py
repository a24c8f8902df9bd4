"""Who may use which route of the legal-aid home's staff API: every route, knocked on by every
kind of caller of the first community ("rainbow-city", which holds the records the routes name)
and of another ("maple-court"), each answer checked (``minzi.route_matrix``).

Every cell starts from the same seeded database, written back as it was seeded, and runs through
``router.dispatch`` as the service's ``api`` RPC runs it once the gateway's statement is
verified. Every knock names the first community in ``?community=``, as a member of the public
does; staff are held to their own community whatever the query says.
"""
import json
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from minzi.contract import CaseDispatched
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.route_matrix import ANONYMOUS, OWN, Door, cells, check, untabled
from minzi.testing import SeededDatabase, make_staff, snapshot, standalone_store

from legal_aid.api import router
from legal_aid.domain import cases
from legal_aid.models import Base, Inbox, Outbox

RAINBOW, MAPLE = "rainbow-city", "maple-court"

# Who is calling (the columns): each of them works in rainbow-city, and has a twin of the same
# role in maple-court.
CALLERS = {
    "program_staff": {"role": "program_staff", "program_id": "legal_aid"},
    "handler": {"role": "handler", "program_id": "legal_aid"},
    "admin": {"role": "admin"},
    "receptionist": {"role": "receptionist"},
    "station_head": {"role": "station_head"},
    "cat_fund_staff": {"role": "program_staff", "program_id": "cat_fund"},
    "cat_fund_handler": {"role": "handler", "program_id": "cat_fund"},
    "ops": {"role": "ops"},
    ANONYMOUS: None,
}

# Who may do what, from the program's rules (domain/access.py, the README):
# - anyone, logged in or not, reads the lectures, the consultation days' free slots, the figures
#   and the reference lists, registers for a lecture and cancels a registration with its code;
# - the station's front desk (receptionist, station head) and the program's operators book a
#   resident into a consultation day and cancel a booking;
# - the program's operators (program_staff and handler of legal_aid, and the admin) do
#   everything else: lectures, lawyers, slots, walk-ins, receptions, visitors, cases, activity.
# Another program's staff and ops are, here, members of the public. Staff of any role work in
# their own community only: another community's record is not found.
EVERYONE = frozenset(CALLERS)
DESK = frozenset({"program_staff", "handler", "admin", "receptionist", "station_head"})
OPERATORS = frozenset({"program_staff", "handler", "admin"})

DOORS = {
    # reference lists and figures
    "GET /areas-of-law": Door("/areas-of-law", EVERYONE, reach="list"),
    "GET /outcomes": Door("/outcomes", EVERYONE, reach="list"),
    "GET /figures": Door("/figures", EVERYONE, reach="list"),
    # lectures
    "GET /lectures": Door("/lectures", EVERYONE, reach="list"),
    "GET /lectures/{lecture_id:int}": Door("/lectures/{lecture}", EVERYONE),
    "POST /lectures": Door("/lectures", OPERATORS, reach="own", body={
        "topic": "消费维权", "speaker": "钱律师", "starts_at": "{next_week}T19:00:00",
        "place": "会议室", "capacity": 20}),
    "PATCH /lectures/{lecture_id:int}": Door("/lectures/{lecture}", OPERATORS,
                                             body={"capacity": 40}),
    "POST /lectures/{lecture_id:int}/cancel": Door("/lectures/{lecture}/cancel", OPERATORS,
                                                   body={"reason": "讲师临时有事"}),
    "GET /lectures/{lecture_id:int}/registrations": Door("/lectures/{lecture}/registrations",
                                                         OPERATORS),
    "POST /lectures/{lecture_id:int}/registrations": Door(
        "/lectures/{lecture}/registrations", EVERYONE,
        body={"name": "孙小明", "phone": "13700003333"}),
    "POST /lectures/{lecture_id:int}/registrations/{registration_id:int}/cancel": Door(
        "/lectures/{lecture}/registrations/{registration}/cancel", EVERYONE,
        body={"code": "{cancel_code}"}),
    "POST /lectures/{lecture_id:int}/attendance": Door(
        "/lectures/{held_lecture}/attendance", OPERATORS,
        body={"walk_ins": [{"name": "周八", "phone": "13600004444"}]}),
    # lawyers
    "GET /lawyers": Door("/lawyers", OPERATORS, reach="list"),
    "POST /lawyers": Door("/lawyers", OPERATORS, reach="own", body={"name": "李律师"}),
    "PATCH /lawyers/{lawyer_id:int}": Door("/lawyers/{lawyer}", OPERATORS,
                                           body={"firm": "京师律所"}),
    # consultation days, slots, bookings
    "GET /consultation-days": Door("/consultation-days", EVERYONE, reach="list"),
    "GET /consultation-days/{day_id:int}": Door("/consultation-days/{day}", EVERYONE),
    "POST /consultation-days": Door("/consultation-days", OPERATORS, reach="own",
                                    body={"day": "{day_after}", "place": "会议室"}),
    "POST /consultation-days/{day_id:int}/slots": Door(
        "/consultation-days/{day}/slots", OPERATORS, body={"slots": [
            {"lawyer_id": "{lawyer}", "starts_at": "{next_week}T14:00:00",
             "ends_at": "{next_week}T15:00:00"}]}),
    "DELETE /consultation-days/{day_id:int}/slots/{slot_id:int}": Door(
        "/consultation-days/{day}/slots/{free_slot}", OPERATORS),
    "POST /consultation-days/{day_id:int}/bookings": Door(
        "/consultation-days/{day}/bookings", DESK,
        body={"name": "吴大妈", "phone": "13500005555"}),
    "POST /consultation-days/{day_id:int}/walk-ins": Door(
        "/consultation-days/{day}/walk-ins", OPERATORS, body={"name": "郑大爷"}),
    "POST /bookings/{booking_id:int}/cancel": Door("/bookings/{booking}/cancel", DESK,
                                                   body={"reason": "居民来电取消"}),
    # receptions and visitors
    "GET /receptions": Door("/receptions", OPERATORS, reach="list"),
    "POST /receptions": Door("/receptions", OPERATORS, reach="own", body={
        "visitor": {"name": "冯先生", "phone": "13400006666"}, "area_of_law": "consumer",
        "outcome": "advised"}),
    "GET /receptions/{reception_id:int}": Door("/receptions/{reception}", OPERATORS),
    "PATCH /receptions/{reception_id:int}": Door("/receptions/{reception}", OPERATORS,
                                                 body={"outcome": "solved"}),
    "GET /visitors": Door("/visitors", OPERATORS, reach="list"),
    "GET /visitors/{visitor_id:int}": Door("/visitors/{visitor}", OPERATORS),
    # cases from intake, and the activity record
    "GET /cases": Door("/cases", OPERATORS, reach="list"),
    "GET /cases/{case_id:int}": Door("/cases/{case}", OPERATORS),
    "POST /cases/{case_id:int}/book": Door("/cases/{case}/book", OPERATORS,
                                           body={"day_id": "{day}"}),
    "POST /cases/{case_id:int}/notes": Door("/cases/{case}/notes", OPERATORS,
                                            body={"note": "已电话联系居民"}),
    "POST /cases/{case_id:int}/resolve": Door("/cases/{case}/resolve", OPERATORS,
                                              body={"result": "已协助追回工资"}),
    "POST /cases/{case_id:int}/return": Door("/cases/{case}/return", OPERATORS,
                                             body={"note": "请到劳动仲裁委员会"}),
    "GET /activity": Door("/activity", OPERATORS, reach="list",
                          query={"entity": "lecture", "entity_id": "{lecture}"}),
}

# What the first community's records say that no list of another community may show: its name,
# the residents', visitors' and lawyer's names and phone numbers, the lecture, the day's place.
FOREIGN = [RAINBOW, "租房押金怎么要回来", "彩虹城活动室", "彩虹城服务站", "王明律师",
           "13900001111", "彩虹律所", "钱多多", "13911112222", "赵春花", "13822223333",
           "张秀英", "13566667777", "RC00000042", "单位拖欠三个月工资", "林阿姨", "13377778888"]


def staff(caller: str, community: str) -> dict | None:
    if CALLERS[caller] is None:
        return None
    return make_staff(**CALLERS[caller], community=community, id=100,
                      username=caller, name=f"{caller}@{community}")


OPERATOR = staff("program_staff", RAINBOW)
_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")


def fill(value, ids: dict):
    """``value`` with the seeded ids put in: ``"{day}"`` alone becomes the id itself (an int),
    ``"/days/{day}"`` a text with it."""
    if isinstance(value, str):
        whole = _PLACEHOLDER.match(value)
        return ids[whole.group(1)] if whole else value.format(**ids)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


def dispatch(service, method: str, path: str, body=None, *, caller=OPERATOR,
             query: dict | None = None, lang: str = "zh") -> dict:
    return router.dispatch({"method": method, "path": path,
                            "query": {"community": RAINBOW, **(query or {})}, "body": body,
                            "staff": caller, "lang": lang, "idempotency_key": None},
                           service=service)


def made(response: dict, status: int = 201) -> dict:
    assert response["status"] == status, response
    return response["body"]


def seed(service) -> dict:
    """rainbow-city's records, made as its staff and residents make them: a lawyer; a lecture
    next week with one registration, and one held three days ago; a consultation day next week
    with six half-hour slots, the first booked; a visitor received; a case from intake,
    accepted. Returns the ids the doors name."""
    today = local_date(utcnow())
    next_week, past = today + timedelta(days=7), today - timedelta(days=3)
    ids = {"next_week": next_week.isoformat(),
           "day_after": (next_week + timedelta(days=1)).isoformat()}

    ids["lawyer"] = made(dispatch(service, "POST", "/lawyers", {
        "name": "王明律师", "firm": "彩虹律所", "phone": "13900001111"}))["id"]
    ids["lecture"] = made(dispatch(service, "POST", "/lectures", {
        "topic": "租房押金怎么要回来", "speaker": "王明律师",
        "starts_at": f"{next_week}T19:00:00", "place": "彩虹城活动室", "capacity": 30}))["id"]
    registration = made(dispatch(service, "POST", f"/lectures/{ids['lecture']}/registrations",
                                 {"name": "钱多多", "phone": "13911112222"}, caller=None))
    ids["registration"], ids["cancel_code"] = registration["id"], registration["cancel_code"]
    ids["held_lecture"] = made(dispatch(service, "POST", "/lectures", {
        "topic": "租房押金怎么要回来（上期）", "speaker": "王明律师",
        "starts_at": f"{past}T19:00:00", "place": "彩虹城活动室", "capacity": 30,
        "already_held": True}))["id"]
    day = made(dispatch(service, "POST", "/consultation-days", {
        "day": str(next_week), "place": "彩虹城服务站", "slots": [
            {"lawyer_id": ids["lawyer"], "starts_at": f"{next_week}T09:00:00",
             "ends_at": f"{next_week}T12:00:00", "minutes": 30}]}))
    ids["day"], ids["free_slot"] = day["id"], day["slots"][-1]["id"]
    ids["booking"] = made(dispatch(service, "POST", f"/consultation-days/{day['id']}/bookings",
                                   {"name": "林阿姨", "phone": "13377778888"}))["id"]
    reception = made(dispatch(service, "POST", "/receptions", {
        "visitor": {"name": "赵春花", "phone": "13822223333"}, "area_of_law": "labour",
        "problem": "单位拖欠三个月工资", "outcome": "pending"}))
    ids["reception"], ids["visitor"] = reception["id"], reception["visitor"]["id"]
    with service.store.transaction() as tx:
        cases.receive(tx, CaseDispatched().load({
            "case_id": 42, "tracking_code": "RC00000042", "program_id": "legal_aid",
            "service_code": "labour_dispute", "community": RAINBOW, "channel": "visit",
            "description": "单位拖欠三个月工资",
            "resident": {"name": "张秀英", "phone": "13566667777"},
            "due_at": (utcnow() + timedelta(days=7)).isoformat()}), utcnow())
    ids["case"] = made(dispatch(service, "GET", "/cases"), 200)["items"][0]["id"]
    return ids


class Station:
    """rainbow-city's records and the staff API on them: the service's ``Store`` stays open on
    one SQLite file (its engine keeps what it has compiled), and ``seeded.restore()`` writes the
    records back as they were seeded before each cell."""

    def __init__(self, store):
        self.service = SimpleNamespace(store=store.get_dependency(None))
        self.ids = seed(self.service)
        self.seeded = SeededDatabase(store)

    def snapshot(self) -> dict:
        with self.service.store.session() as session:
            return snapshot(session, Base.metadata)

    def call(self, route: str, door: Door, caller: str, community: str) -> dict:
        method = route.split(" ", 1)[0]
        return dispatch(self.service, method, fill(door.path, self.ids),
                        fill(door.body, self.ids), query=fill(door.query, self.ids),
                        caller=staff(caller, RAINBOW if community == OWN else MAPLE))


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with standalone_store("legal_aid", Outbox, Inbox,
                          tmp_path_factory.mktemp("legal_aid") / "legal_aid.db") as store:
        each = Station(store)
        yield each
        each.seeded.close()


@pytest.fixture
def station(api):
    api.seeded.restore()
    return api


def test_every_route_has_a_door():
    assert untabled(router, DOORS) == ([], [])


@pytest.mark.parametrize(("route", "caller", "community"), cells(DOORS, CALLERS))
def test_who_may_use_which_route(station, route, caller, community):
    door = DOORS[route]
    before = station.snapshot()
    answer = station.call(route, door, caller, community)
    check(door, caller, community, answer, changed=station.snapshot() != before,
          foreign=FOREIGN)


@pytest.mark.parametrize("route", sorted(route for route, door in DOORS.items()
                                         if door.reach == "list" and route not in
                                         ("GET /areas-of-law", "GET /outcomes")))
def test_the_first_community_sees_in_its_lists_what_another_may_not(station, route):
    """The words another community's lists are searched for are in the first community's own."""
    answer = station.call(route, DOORS[route], "program_staff", OWN)
    said = json.dumps(answer["body"], ensure_ascii=False)
    assert answer["status"] == 200 and [word for word in FOREIGN if word in said], said


DESK_ONLY = {"zh": "只有服务站前台和普法互助家园的工作人员可以这样做",
             "en": "Only the station's front desk and the legal-aid home's staff may do this"}


def test_another_programs_staff_neither_book_a_resident_nor_cancel_a_booking(station):
    """Booking a resident into a consultation day is the front desk's and the program's work:
    the cat fund's staff of the same station are refused, and nothing changes."""
    ids, before = station.ids, station.snapshot()
    knocks = [(f"/consultation-days/{ids['day']}/bookings",
               {"name": "吴大妈", "phone": "13500005555"}),
              (f"/bookings/{ids['booking']}/cancel", {"reason": "居民来电取消"})]
    for caller in ("cat_fund_staff", "cat_fund_handler"):
        for path, body in knocks:
            for lang, message in DESK_ONLY.items():
                assert dispatch(station.service, "POST", path, body, lang=lang,
                                caller=staff(caller, RAINBOW)) == {
                    "status": 403, "body": {"error": {"code": "not_desk", "message": message}}}
    assert station.snapshot() == before
    booked = dispatch(station.service, "POST", *knocks[0], caller=staff("receptionist", RAINBOW))
    assert (booked["status"], booked["body"]["name"], booked["body"]["phone"]) == (
        201, "吴大妈", "135****5555")


def test_a_registration_is_cancelled_with_its_code_in_the_callers_own_community_only(station):
    """Whoever is logged in works in their own community, as when registering: another
    program's staff of another community holding the code find no such lecture; of the
    lecture's community they are asked for the code, and with it cancel (the phone masked)."""
    ids, before = station.ids, station.snapshot()
    path = f"/lectures/{ids['lecture']}/registrations/{ids['registration']}/cancel"
    code = {"code": ids["cancel_code"]}
    for caller in ("cat_fund_staff", "ops"):
        assert dispatch(station.service, "POST", path, code, caller=staff(caller, MAPLE)) == {
            "status": 404, "body": {"error": {"code": "lecture_not_found",
                                              "message": "没有这场讲座"}}}
    assert dispatch(station.service, "POST", path, {}, lang="en",
                    caller=staff("cat_fund_staff", RAINBOW)) == {
        "status": 422, "body": {"error": {
            "code": "code_required",
            "message": "Give the cancellation code you got when registering",
            "fields": {"code": ["Give the cancellation code you got when registering"]}}}}
    assert station.snapshot() == before
    cancelled = dispatch(station.service, "POST", path, code,
                         caller=staff("cat_fund_staff", RAINBOW))
    assert cancelled["status"] == 200
    assert {key: cancelled["body"]["registration"][key] for key in ("name", "phone", "status")} \
        == {"name": "钱多多", "phone": "139****2222", "status": "cancelled"}
