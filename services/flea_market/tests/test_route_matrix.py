"""Every route of the flea market's staff API, knocked on by every kind of caller of
rainbow-city and of maple-court, each answer checked (minzi.route_matrix).

Who may do what (README "Who may do what", ``domain/access.py``):
* the charity sales' public report is public: anyone, logged in or not, reads it, of their
  community;
* the flea market's own staff (``program_staff`` and ``handler`` of flea_market) do everything
  else;
* an admin of the community reads what the staff read (markets with their stalls, the ledger,
  cases, figures), residents masked;
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

from flea_market.api import router
from flea_market.domain import cases, markets, sales, signups
from flea_market.models import Base, Inbox, Outbox

RAINBOW, MAPLE = "rainbow-city", "maple-court"

CALLERS = {
    "staff": make_staff("program_staff", program_id="flea_market", id=11, username="zhou",
                        name="周站长"),
    "handler": make_staff("handler", program_id="flea_market", id=12, username="qian",
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
COMING, CHARITY_TODAY = 1, 2        # a market in five days; a charity sale today, not yet held
STALL = 1                           # 王阿姨's stall at the coming market
SALE = 1                            # 500.00 at today's charity sale
STALL_CASE, SWAP_CASE = 5, 6
FOREIGN = (RAINBOW, "王阿姨", "13900001111", "彩虹城文化广场", "汶川", "刘女士", "13700001234",
           "旧书和玩具")


def soon(days: int = 5) -> str:
    return (local_date(utcnow()) + timedelta(days=days)).isoformat()


DOORS = {
    "GET /markets": Door("/markets", READERS, query={"community": RAINBOW}, reach="list"),
    "POST /markets": Door("/markets", STAFF, reach="own", body={
        "day": soon(9), "place": "枫林广场", "theme": "换书", "stall_count": 20}),
    "GET /markets/{market_id:int}": Door(f"/markets/{COMING}", READERS),
    "POST /markets/{market_id:int}/head-count": Door(
        f"/markets/{CHARITY_TODAY}/head-count", STAFF, body={"participants": 520}),
    "POST /markets/{market_id:int}/cancellation": Door(
        f"/markets/{COMING}/cancellation", STAFF, body={"reason": "大风天气"}),
    "POST /markets/{market_id:int}/signups": Door(
        f"/markets/{COMING}/signups", STAFF, body={"name": "李大爷", "phone": "13900002222",
                                                   "goods": "旧收音机"}),
    "POST /signups/{signup_id:int}/cancellation": Door(
        f"/signups/{STALL}/cancellation", STAFF, body={"reason": "临时有事"}),
    "POST /markets/{market_id:int}/sales": Door(
        f"/markets/{CHARITY_TODAY}/sales", STAFF, body={"amount": "88.80", "channel": "cash"}),
    "POST /markets/{market_id:int}/handovers": Door(
        f"/markets/{CHARITY_TODAY}/handovers", STAFF, body={
            "amount": "100", "invoice_ref": "R-1", "approved_by": "社区党委书记"}),
    "GET /ledger": Door("/ledger", READERS, reach="list"),
    "POST /ledger/entries/{entry_id:int}/reversal": Door(
        f"/ledger/entries/{SALE}/reversal", STAFF, body={"reason": "登记错了"}),
    "GET /report": Door("/report", EVERYONE, query={"community": RAINBOW}, reach="list"),
    "GET /figures": Door("/figures", READERS, reach="list"),
    "GET /cases": Door("/cases", READERS, query={"community": RAINBOW}, reach="list"),
    "GET /cases/{case_id:int}": Door(f"/cases/{STALL_CASE}", READERS),
    "POST /cases/{case_id:int}/signup": Door(f"/cases/{STALL_CASE}/signup", STAFF,
                                             body={"market_id": COMING}),
    "POST /cases/{case_id:int}/resolve": Door(f"/cases/{SWAP_CASE}/resolve", STAFF, body={
        "result": "已答复", "reply": "旧衣物可在跳蚤市场置换"}),
    "POST /cases/{case_id:int}/return": Door(f"/cases/{SWAP_CASE}/return", STAFF,
                                             body={"note": "请联系物业回收大件家具"}),
}


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    with standalone_store("flea_market", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "flea_market.db") as store:
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
    today = local_date(now)           # the seed's own day, an hour ago (even past midnight)
    with handle.transaction(community=RAINBOW) as tx:
        coming = markets.plan(tx, RAINBOW, {
            "day": today + timedelta(days=5), "place": "彩虹城文化广场", "theme": "闲置物品置换",
            "charity": False, "beneficiary": None, "stall_count": 10}, staff, now)
        charity = markets.plan(tx, RAINBOW, {
            "day": today, "place": "彩虹城文化广场", "theme": "爱心义卖", "charity": True,
            "beneficiary": "汶川地震灾区", "stall_count": 10}, staff, now)
        stall = signups.sign_up(tx, RAINBOW, coming.id, {
            "name": "王阿姨", "phone": "13900001111", "goods": "旧书和玩具"}, staff, now)
        sale, _ = sales.record_sale(tx, RAINBOW, charity.id, {
            "amount": 50_000, "channel": "cash", "donor_name": "王阿姨"}, staff, now)
        for case_id, code in ((STALL_CASE, "flea_market_stall"), (SWAP_CASE, "flea_market_swap")):
            cases.receive(tx, dispatched_case(
                "flea_market", code, case_id=case_id, community=RAINBOW,
                description="想在跳蚤市场摆摊",
                resident={"name": "刘女士", "phone": "13700001234"}), now)
        assert (coming.id, charity.id, stall.id, sale.id) == (COMING, CHARITY_TODAY, STALL, SALE)


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
    door = DOORS["GET /markets/{market_id:int}"]
    seen = {caller: [(s["name"], s["phone"]) for s in
                     fresh.call(door, CALLERS[caller], "GET")["body"]["signups"]]
            for caller in ("staff", "admin")}
    assert seen == {"staff": [("王阿姨", "13900001111")], "admin": [("王**", "139****1111")]}
    case = fresh.call(DOORS["GET /cases/{case_id:int}"], CALLERS["admin"], "GET")["body"]
    assert case["resident"] == {"name": "刘**", "phone": "137****1234"}


def test_the_public_report_names_no_resident(fresh):
    report = fresh.call(DOORS["GET /report"], None, "GET")["body"]
    assert (report["total_raised"], report["sales"][0]["from"]) == ("500.00", "匿名")
    assert "王阿姨" not in str(report) and "13900001111" not in str(report)
