"""Market days: planned, held with the head count made at the day, or cancelled with the
reason; each refusal named, nothing changed."""
from datetime import date, timedelta

from flea_market.domain import markets

from .conftest import NOW, STAFF, TODAY, C, charity, plan, refused, sign


def test_a_planned_market_keeps_what_staff_entered_and_who_planned_it(tx):
    market = plan(tx)
    assert (market.day, market.place, market.theme, market.charity, market.beneficiary,
            market.stall_count, market.state, market.participants) == (
        date(2026, 11, 28), "彩虹城文化广场", "闲置物品置换", False, None, 3, "planned", None)
    assert (market.created_by, market.created_at) == ("周站长", NOW)
    assert market.history == [{"at": "2026-11-27T02:00:00Z", "by": "周站长",
                               "action": "planned", "note": None}]


def test_a_charity_sale_names_who_the_money_is_for(tx):
    with refused(tx, "beneficiary_required", field="beneficiary", status=400,
                 zh="义卖市场须写明善款捐给谁", en="A charity sale must say who the money is for"):
        plan(tx, charity=True, beneficiary=None)
    with refused(tx, "beneficiary_required"):
        plan(tx, charity=True, beneficiary="")
    wenchuan = charity(tx)
    assert (wenchuan.charity, wenchuan.beneficiary) == (True, "汶川地震灾区（经区红十字会）")
    # a market that is no charity sale keeps no beneficiary
    assert plan(tx, beneficiary="某人").beneficiary is None


def test_a_market_is_held_on_or_after_its_day_with_the_head_count_once(tx):
    today = plan(tx, TODAY)
    tomorrow = plan(tx)
    with refused(tx, "market_not_yet", field="market_id",
                 zh="跳蚤市场在 2026-11-28 举办，当天或之后才能登记参与人数"):
        markets.hold(tx, C, tomorrow.id, {"participants": 520}, STAFF, NOW)
    held = markets.hold(tx, C, today.id, {"participants": 520, "note": "门口清点"}, STAFF, NOW)
    assert (held.state, held.participants, held.counted_by, held.counted_at) == (
        "held", 520, "周站长", NOW)
    assert held.history[-1] == {"at": "2026-11-27T02:00:00Z", "by": "周站长", "action": "held",
                                "note": "门口清点", "participants": 520}
    with refused(tx, "already_held", field="market_id", status=409,
                 en="The market of 2026-11-27 has already been held"):
        markets.hold(tx, C, today.id, {"participants": 600}, STAFF, NOW)
    with refused(tx, "already_held"):
        markets.cancel(tx, C, today.id, {"reason": "下雨"}, STAFF, NOW)


def test_a_past_market_is_entered_and_held_for_the_record(tx):
    spring = plan(tx, date(2026, 4, 12))
    assert markets.hold(tx, C, spring.id, {"participants": 500}, STAFF, NOW).state == "held"


def test_a_cancelled_market_cancels_its_stalls_and_is_neither_held_nor_cancelled_again(tx):
    market = plan(tx)
    first, second = sign(tx, market), sign(tx, market, name="李大爷", phone="13900002222")
    markets.cancel(tx, C, market.id, {"reason": "大风天气"}, STAFF, NOW + timedelta(hours=1))
    assert (market.state, market.cancel_reason) == ("cancelled", "大风天气")
    assert [(s.state, s.cancel_reason, s.cancelled_by) for s in (first, second)] == [
        ("cancelled", "市场取消：大风天气", "周站长")] * 2
    with refused(tx, "market_cancelled", field="market_id", status=409,
                 zh="2026-11-28 的跳蚤市场已取消"):
        markets.cancel(tx, C, market.id, {"reason": "再取消"}, STAFF, NOW)
    with refused(tx, "market_cancelled"):
        markets.hold(tx, C, market.id, {"participants": 10}, STAFF, NOW + timedelta(days=2))


def test_another_communitys_market_is_not_found(tx):
    market = plan(tx)
    with refused(tx, "market_not_found", field="market_id", status=404,
                 zh=f"没有编号为 {market.id} 的跳蚤市场",
                 en=f"No flea market number {market.id}"):
        markets.get_market(tx.session, market.id, "maple-court")
    with refused(tx, "market_not_found"):
        markets.hold(tx, "maple-court", market.id, {"participants": 1}, STAFF, NOW)
    with refused(tx, "market_not_found", field="signup_market"):
        markets.get_market(tx.session, 99, C, field="signup_market")


def test_markets_are_listed_latest_first_and_by_state(tx):
    april, may, today = plan(tx, date(2026, 4, 12)), plan(tx, date(2026, 5, 18)), plan(tx, TODAY)
    markets.hold(tx, C, april.id, {"participants": 510}, STAFF, NOW)
    assert [m.id for m in markets.list_markets(tx.session, C)] == [today.id, may.id, april.id]
    assert [m.id for m in markets.list_markets(tx.session, C, "held")] == [april.id]
    assert [m.id for m in markets.list_markets(tx.session, C, "planned")] == [today.id, may.id]
    assert markets.list_markets(tx.session, "maple-court") == []


def test_markets_are_listed_by_day_not_by_when_they_were_entered(tx):
    may = plan(tx, date(2026, 5, 18))
    april = plan(tx, date(2026, 4, 12))
    second_in_may = plan(tx, date(2026, 5, 18), theme="同一天的第二场")
    assert [m.id for m in markets.list_markets(tx.session, C)] == [
        second_in_may.id, may.id, april.id]


def test_a_cancelled_market_is_on_its_record_and_a_stall_given_up_before_keeps_its_reason(tx):
    from flea_market.domain import signups

    market = plan(tx)
    early = sign(tx, market)
    signups.cancel(tx, C, early.id, {"reason": "临时有事"}, STAFF, NOW)
    standing = sign(tx, market, name="李大爷", phone="13900002222")
    later = NOW + timedelta(hours=2)
    markets.cancel(tx, C, market.id, {"reason": "大风天气"}, STAFF, later)
    assert market.history[-1] == {"at": "2026-11-27T04:00:00Z", "by": "周站长",
                                  "action": "cancelled", "note": "大风天气"}
    assert (standing.cancelled_at, standing.cancel_reason) == (later, "市场取消：大风天气")
    assert (early.cancelled_at, early.cancel_reason) == (NOW, "临时有事")


def test_a_head_count_before_the_day_is_refused_in_english_too(tx):
    market = plan(tx)
    with refused(tx, "market_not_yet",
                 en="The market is on 2026-11-28: its head count is recorded on the day or "
                    "after"):
        markets.hold(tx, C, market.id, {"participants": 500}, STAFF, NOW)


def test_a_market_held_twice_is_refused_in_chinese(tx):
    market = plan(tx, TODAY)
    markets.hold(tx, C, market.id, {"participants": 500}, STAFF, NOW)
    with refused(tx, "already_held", zh="2026-11-27 的跳蚤市场已经举办"):
        markets.hold(tx, C, market.id, {"participants": 501}, STAFF, NOW)


def test_a_cancelled_market_is_refused_in_english_too(tx):
    market = plan(tx)
    markets.cancel(tx, C, market.id, {"reason": "下雨"}, STAFF, NOW)
    with refused(tx, "market_cancelled", en="The market of 2026-11-28 was cancelled"):
        markets.hold(tx, C, market.id, {"participants": 1}, STAFF, NOW + timedelta(days=1))
