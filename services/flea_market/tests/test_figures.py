"""The seed's figures from the records: 20 markets held since April, each with 500 or more
people (the head counts below, written by hand), the Wenchuan charity sale's 2,468.50 yuan and
the "红色七月—爱心无限" market's thousand; stalls, sales and the money market by market."""
from datetime import date, timedelta

from flea_market.domain import markets, sales
from flea_market.domain.figures import figures

from .conftest import NOW, STAFF, C, charity, plan, sign
from .test_sales import handover, sale

# the twenty markets' head counts, April to November; each is 500 or more
HEAD_COUNTS = [520, 505, 612, 580, 540, 700, 515, 530, 560, 500,
               650, 505, 520, 545, 590, 610, 530, 505, 620, 560]
# by hand: 5562 for the first ten, 5635 for the second ten
TOTAL = 11_197


def twenty_markets(tx):
    """Every ten days from 5 April to 12 October, the 4th the Wenchuan charity sale (18 May), the
    9th the red July one (1 July); each held with its head count."""
    held = []
    for number, count in enumerate(HEAD_COUNTS, 1):
        day = date(2026, 4, 5) + timedelta(days=10 * (number - 1))
        if number == 4:
            market = charity(tx, date(2026, 5, 18))
        elif number == 9:
            market = charity(tx, date(2026, 7, 1), theme="红色七月—爱心无限",
                             beneficiary="社区患病党员")
        else:
            market = plan(tx, day, theme=f"第{number}次跳蚤市场")
        markets.hold(tx, C, market.id, {"participants": count}, STAFF, NOW)
        held.append(market)
    return held


def test_twenty_markets_held_each_with_500_or_more(tx):
    held = twenty_markets(tx)
    wenchuan, red_july = held[3], held[8]
    for fen in (85_650, 120_000, 41_200):            # 856.50 + 1200.00 + 412.00 = 2468.50
        sales.record_sale(tx, C, wenchuan.id, sale(fen), STAFF, NOW)
    sales.hand_over(tx, C, wenchuan.id, handover(246_850), STAFF, NOW)
    for fen in (32_000, 48_000, 20_000):             # 320 + 480 + 200 = 1000.00
        sales.record_sale(tx, C, red_july.id, sale(fen), STAFF, NOW)
    coming = plan(tx)                                # 28 November, with two stalls
    sign(tx, coming)
    sign(tx, coming, name="李大爷", phone="13900002222")
    called_off = plan(tx, theme="取消的")
    markets.cancel(tx, C, called_off.id, {"reason": "下雨"}, STAFF, NOW)

    found = figures(tx.session, C)
    assert found["markets_held"] == 20
    assert found["markets"] == {"total": 22, "by_state": [
        {"state": "planned", "label": "筹备中", "count": 1},
        {"state": "held", "label": "已举办", "count": 20},
        {"state": "cancelled", "label": "已取消", "count": 1}]}
    assert found["participants"] == {"total": TOTAL, "fewest": 500, "most": 700,
                                     "markets_with_500_or_more": 20}
    assert (found["stalls"], found["charity_markets"], found["sales"], found["raised"],
            found["handed_over"]) == (2, 2, 6, "3468.50", "2468.50")
    by_market = {m["market_id"]: m for m in found["by_market"]}
    assert by_market[wenchuan.id] == {
        "market_id": wenchuan.id, "day": "2026-05-18", "theme": "爱心义卖 支援汶川",
        "state": "held", "state_name": "已举办", "charity": True,
        "beneficiary": "汶川地震灾区（经区红十字会）", "participants": 580, "stalls": 0,
        "raised": "2468.50", "handed_over": "2468.50", "held": "0.00", "sales": 3}
    assert (by_market[red_july.id]["raised"], by_market[red_july.id]["held"]) == (
        "1000.00", "1000.00")
    assert {k: by_market[coming.id][k] for k in (
        "stalls", "participants", "raised", "handed_over", "held", "sales")} == {
        "stalls": 2, "participants": None, "raised": "0.00", "handed_over": "0.00",
        "held": "0.00", "sales": 0}
    # in day order
    days = [m["day"] for m in found["by_market"]]
    assert days == sorted(days)
    english = figures(tx.session, C, "en")
    assert (english["markets"]["by_state"][1]["label"],
            english["by_market"][0]["state_name"]) == ("Held", "Held")


def test_a_reversed_sale_is_not_counted(tx):
    market = charity(tx, date(2026, 5, 18))
    sales.record_sale(tx, C, market.id, sale(10_000), STAFF, NOW)
    wrong, _ = sales.record_sale(tx, C, market.id, sale(5_000), STAFF, NOW)
    sales.reverse(tx, C, wrong.id, {"reason": "重复"}, STAFF, NOW)
    found = figures(tx.session, C)
    assert (found["sales"], found["raised"], found["handed_over"]) == (1, "100.00", "0.00")


def test_a_community_with_no_markets(tx):
    found = figures(tx.session, "maple-court")
    assert found["participants"] == {"total": 0, "fewest": None, "most": None,
                                     "markets_with_500_or_more": 0}
    assert (found["markets_held"], found["stalls"], found["sales"], found["raised"],
            found["by_market"]) == (0, 0, 0, "0.00", [])


def test_a_market_under_500_is_not_counted_among_the_large_ones(tx):
    for count in (499, 500, 501):
        markets.hold(tx, C, plan(tx, date(2026, 4, 5)).id, {"participants": count}, STAFF, NOW)
    assert figures(tx.session, C)["participants"] == {
        "total": 1500, "fewest": 499, "most": 501, "markets_with_500_or_more": 2}


def test_only_the_communitys_own_standing_stalls_are_counted(tx):
    ours = plan(tx)
    sign(tx, ours)
    gone = sign(tx, ours, name="李大爷", phone="13900002222")
    from flea_market.domain import signups
    signups.cancel(tx, C, gone.id, {}, STAFF, NOW)
    maple = {**STAFF, "community": "maple-court"}
    theirs = markets.plan(tx, "maple-court", {
        "day": date(2026, 11, 28), "place": "枫林广场", "theme": "换书", "charity": False,
        "beneficiary": None, "stall_count": 5}, maple, NOW)
    signups.sign_up(tx, "maple-court", theirs.id, {"name": "枫林居民", "phone": "13600000001",
                                                   "goods": None}, maple, NOW)
    found = figures(tx.session, C)
    # by hand: 王阿姨's stall stands, 李大爷's was given up, maple-court's is theirs
    assert (found["community"], found["stalls"], found["markets"]["total"]) == (C, 1, 1)
    assert [m["stalls"] for m in found["by_market"]] == [1]
    assert figures(tx.session, "maple-court")["stalls"] == 1
