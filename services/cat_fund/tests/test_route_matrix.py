"""Every route of the fund's staff API, tried by every kind of caller of its own community
(rainbow-city) and of another (maple-court), each from the same books as they were kept: who is
let in, who is refused, and what a caller of another community meets (see
``minzi.route_matrix``).
"""
from datetime import timedelta
from types import SimpleNamespace

import pytest

from minzi.contract import CaseDispatched
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.route_matrix import ANONYMOUS, OTHER, OWN, Door, cells, check, untabled
from minzi.testing import SeededDatabase, dispatched_case, make_staff, snapshot, standalone_store

from cat_fund.api import router
from cat_fund.domain import cases
from cat_fund.models import Base, Inbox, Outbox

HOME, ELSEWHERE = "rainbow-city", "maple-court"

# Who may do what (domain/access.py):
# - any station staff (the fund's own staff and handlers, another program's staff and handlers,
#   the receptionist, the station head, the admin) reads the fund's books and its cats' records;
# - only the fund's operators (its program staff and handlers, and the admin) move money, keep
#   the cats' records and work the cases;
# - the cases are read by the operators and the station head, who follows every case;
# - the ops account keeps the queues, not the fund: refused everywhere but the public report;
# - the transparency report is public: anyone, logged in or not, reads any community's.
# Everyone works in their own community: another community's records are not found (404), and
# its lists and figures are their own.
OPERATORS = {"fund_staff", "fund_handler", "admin"}
CASE_READERS = OPERATORS | {"station_head"}
READERS = OPERATORS | {"other_program_staff", "other_program_handler", "receptionist",
                       "station_head"}
EVERYONE = READERS | {"ops", ANONYMOUS}

ROLES = {   # caller: (role, program_id)
    "fund_staff": ("program_staff", "cat_fund"),
    "fund_handler": ("handler", "cat_fund"),
    "other_program_staff": ("program_staff", "legal_aid"),
    "other_program_handler": ("handler", "legal_aid"),
    "receptionist": ("receptionist", None),
    "station_head": ("station_head", None),
    "admin": ("admin", None),
    "ops": ("ops", None),
}
CALLERS = [*ROLES, ANONYMOUS]


def staff(caller, community):
    """The caller as the gateway states them; the twin of another community is another person
    of the same role."""
    if caller == ANONYMOUS:
        return None
    role, program_id = ROLES[caller]
    number = list(ROLES).index(caller) + 1
    if community == OTHER:
        return make_staff(role, program_id=program_id, community=ELSEWHERE, id=100 + number,
                          username=f"maple-{caller}", name=f"枫苑{number}号")
    return make_staff(role, program_id=program_id, community=HOME, id=number,
                      username=f"rainbow-{caller}", name=f"彩虹{number}号")


SEEDER = staff("fund_staff", "own")

# rainbow-city's books: its records, numbered as a new database numbers them
DONATION, EXPENSE, CAT, CASE = 1, 2, 1, 42
FOREIGN = ["rainbow-city", "8765.43",                # the fund's community and its balance
           "何秀兰", "13911112222",                   # a donor who did not agree to be named
           "FP-RC-0001", "爱宠动物医院",               # a payment's invoice and payee
           "橘子", "7号楼车棚",                        # the cat and where it was found
           "刘建国", "13700003333", "车棚里有只橘猫一直叫"]   # the resident who reported it

DOORS = {
    # money
    "POST /donations": Door("/donations", OPERATORS, reach="own", body={
        "amount": "50.00", "donor_name": "枫苑业主", "channel": "cash"}),
    "POST /expenses": Door("/expenses", OPERATORS, body={   # spent on rainbow-city's cat
        "amount": "20.00", "category": "vet", "cat_id": CAT, "invoice_ref": "FP-RC-0002",
        "approved_by": "张站长"}),
    "POST /entries/{entry_id:int}/reversal": Door(
        f"/entries/{EXPENSE}/reversal", OPERATORS, body={"reason": "发票开错了"}),
    "GET /fund": Door("/fund", READERS, reach="list"),
    "GET /entries": Door("/entries", READERS, reach="list"),
    "GET /entries/{entry_id:int}": Door(f"/entries/{DONATION}", READERS),
    # public, the same page for every caller: rainbow-city's report is rainbow-city's to anyone
    "GET /report": Door("/report", EVERYONE, reach="own", query={"community": HOME}),
    # cats
    "POST /cats": Door("/cats", OPERATORS, reach="own", body={
        "name": "小黑", "found_at": "5号楼门口", "found_on": "2026-11-20"}),
    "GET /cats": Door("/cats", READERS, reach="list"),
    "GET /cats/{cat_id:int}": Door(f"/cats/{CAT}", READERS),
    "PATCH /cats/{cat_id:int}": Door(f"/cats/{CAT}", OPERATORS, body={"status": "adopted"}),
    "POST /cats/{cat_id:int}/sterilisation": Door(f"/cats/{CAT}/sterilisation", OPERATORS, body={
        "date": "2025-06-10", "vet": "爱宠动物医院"}),
    "POST /cats/{cat_id:int}/vaccinations": Door(f"/cats/{CAT}/vaccinations", OPERATORS, body={
        "vaccine": "狂犬疫苗", "given_on": "2025-06-10"}),
    "POST /cats/{cat_id:int}/vet-visits": Door(f"/cats/{CAT}/vet-visits", OPERATORS, body={
        "visited_on": "2025-06-10", "vet": "爱宠动物医院", "reason": "体检"}),
    "GET /vaccinations/due": Door("/vaccinations/due", READERS, reach="list"),
    # cases from intake
    "GET /cases": Door("/cases", CASE_READERS, reach="list"),
    "GET /cases/{case_id:int}": Door(f"/cases/{CASE}", CASE_READERS),
    "POST /cases/{case_id:int}/cats": Door(f"/cases/{CASE}/cats", OPERATORS,
                                           body={"cat_id": CAT}),
    "POST /cases/{case_id:int}/progress": Door(f"/cases/{CASE}/progress", OPERATORS,
                                               body={"note": "志愿者已到车棚查看"}),
    "POST /cases/{case_id:int}/resolve": Door(f"/cases/{CASE}/resolve", OPERATORS,
                                              body={"result": "已送医，现在猫舍休养"}),
    "POST /cases/{case_id:int}/return": Door(f"/cases/{CASE}/return", OPERATORS,
                                             body={"note": "不是流浪猫，请联系物业"}),
}


def dispatch(service, method, path, *, staff=None, body=None, query=None):
    """The staff API as the ``api`` RPC calls it once the gateway's statement is verified."""
    return router.dispatch({"method": method, "path": path, "query": query or {}, "body": body,
                            "staff": staff, "lang": "zh", "idempotency_key": None},
                           service=service)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """rainbow-city's books, kept once for the module: a donation and a payment for its cat
    (8765.43 left), the cat with a vaccination due in ten days, and a case from intake. The
    fund's Store stays open on them; ``seeded.restore()`` writes them back as they were kept."""
    with standalone_store("cat_fund", Outbox, Inbox,
                          tmp_path_factory.mktemp("books") / "cat_fund.db") as store:
        service = SimpleNamespace(store=store.get_dependency(None))
        _keep_books(service)
        with service.store.session() as session:
            kept = snapshot(session, Base.metadata)
        seeded = SeededDatabase(store)
        yield SimpleNamespace(service=service, seeded=seeded, snapshot=kept)
        seeded.close()


def _keep_books(service):
    today = local_date(utcnow())

    def seed(method, path, body):
        answer = dispatch(service, method, path, staff=SEEDER, body=body)
        assert answer["status"] == 201, answer
        return answer["body"]["id"]

    assert seed("POST", "/donations", {
        "amount": "9000.00", "donor_name": "何秀兰", "donor_contact": "13911112222",
        "channel": "wechat"}) == DONATION
    assert seed("POST", "/cats", {"name": "橘子", "colour": "橘白", "found_at": "7号楼车棚",
                                  "found_on": "2025-06-01"}) == CAT
    assert seed("POST", "/expenses", {
        "amount": "234.57", "category": "vet", "cat_id": CAT, "invoice_ref": "FP-RC-0001",
        "approved_by": "张站长", "payee": "爱宠动物医院"}) == EXPENSE
    seed("POST", f"/cats/{CAT}/vaccinations", {
        "vaccine": "猫三联", "given_on": (today - timedelta(days=355)).isoformat(),
        "next_due_on": (today + timedelta(days=10)).isoformat(), "vet": "爱宠动物医院"})
    with service.store.transaction() as tx:
        cases.receive(tx, CaseDispatched().load(dispatched_case(
            "cat_fund", "sick_or_injured_cat", case_id=CASE, description="车棚里有只橘猫一直叫",
            address="彩虹城7号楼", resident={"name": "刘建国", "phone": "13700003333"})),
            utcnow())


@pytest.fixture
def station(books):
    """The books as they were kept (written back first), the fund's staff API on them; ``before``
    is every table as the books keep them."""
    books.seeded.restore()
    service = books.service

    def knock(route, door, caller, community):
        method = route.split(" ", 1)[0]
        return dispatch(service, method, door.path, staff=staff(caller, community),
                        body=door.body, query=door.query)

    def state():
        with service.store.session() as session:
            return snapshot(session, Base.metadata)
    return SimpleNamespace(call=knock, snapshot=state, before=books.snapshot,
                           restore=books.seeded.restore)


def test_each_try_starts_from_the_books_as_they_were_kept(station):
    assert station.snapshot() == station.before
    answer = station.call("POST /donations", DOORS["POST /donations"], "fund_staff", OWN)
    assert answer["status"] == 201 and station.snapshot() != station.before
    station.restore()
    assert station.snapshot() == station.before


def test_every_route_has_a_door():
    assert untabled(router, DOORS) == ([], [])


@pytest.mark.parametrize(("route", "caller", "community"), cells(DOORS, CALLERS))
def test_who_may_use_which_route(station, route, caller, community):
    door = DOORS[route]
    answer = station.call(route, door, caller, community)
    check(door, caller, community, answer, changed=station.snapshot() != station.before,
          foreign=FOREIGN)


@pytest.mark.parametrize("route", [r for r, door in DOORS.items() if door.reach == "list"])
def test_rainbow_citys_own_lists_hold_the_words_another_community_must_not_read(station,
                                                                                route):
    """The lists' check above has something to find: rainbow-city's own staff see their own."""
    answer = station.call(route, DOORS[route], "fund_staff", "own")
    assert answer["status"] == 200
    assert any(word in repr(answer["body"]) for word in FOREIGN), answer


def test_the_public_report_names_nobody_who_did_not_agree(station):
    """What anyone reads of rainbow-city: its money and its cats, never a donor who did not agree
    to be named, a donor's contact, or a resident who reported a cat."""
    answer = station.call("GET /report", DOORS["GET /report"], ANONYMOUS, "own")
    assert answer["status"] == 200
    body = answer["body"]
    assert (body["community"], body["balance"]) == ("rainbow-city", "8765.43")
    assert [d["donor"] for d in body["donations"]] == ["匿名"]
    said = repr(body)
    assert [w for w in ("何秀兰", "13911112222", "刘建国", "13700003333") if w in said] == []
