"""Charity sales on the exact-money ledger: the Wenchuan sale's 2,468.50 yuan (the seed's
"为汶川捐款2468.5元") from its sales' records, handed to the beneficiary to the fen; the
"红色七月—爱心无限" market's thousand yuan for a sick party member; every refusal named and
nothing changed; reversals, not edits; the public report worked out by hand."""
from datetime import date, timedelta

from minzi.ledger import fingerprint

from flea_market.domain import markets, sales

from .conftest import NOW, STAFF, TODAY, C, charity, plan, refused, sign

WENCHUAN_DAY = date(2026, 5, 18)
RED_JULY_DAY = date(2026, 7, 1)


def sale(amount_fen: int, **extra) -> dict:
    return {"amount": amount_fen, "channel": "cash", "signup_id": None, "donor_name": None,
            "donor_contact": None, "agreed_to_be_named": False, "anonymous": False,
            "occurred_on": None, "description": None, "idempotency_key": None, **extra}


def handover(amount_fen: int, **extra) -> dict:
    return {"amount": amount_fen, "invoice_ref": "HSZ-2026-0518", "approved_by": "社区党委书记",
            "payee": None, "occurred_on": None, "description": None, "idempotency_key": None,
            **extra}


def wenchuan(tx):
    """The Wenchuan charity sale: three stalls' takings, 856.50 + 1,200.00 + 412.00."""
    market = charity(tx, WENCHUAN_DAY)
    for fen, seller in ((85_650, "书画摊"), (120_000, "旧衣物摊"), (41_200, "玩具摊")):
        sales.record_sale(tx, C, market.id, sale(fen, donor_name=seller), STAFF, NOW)
    return market


def test_the_wenchuan_sales_add_up_to_the_seeds_2468_50_and_are_handed_over_to_the_fen(tx):
    market = wenchuan(tx)
    # by hand: 856.50 + 1200.00 + 412.00 = 2468.50
    assert sales.market_money_view(sales.money_of(tx.session, C)[market.id]) == {
        "raised": "2468.50", "handed_over": "0.00", "held": "2468.50", "sales": 3}
    paid, created = sales.hand_over(tx, C, market.id, handover(246_850), STAFF, NOW)
    assert created
    assert (paid.kind, paid.amount_fen, paid.payee, paid.invoice_ref, paid.category,
            paid.market_id) == ("expense", 246_850, "汶川地震灾区（经区红十字会）",
                                "HSZ-2026-0518", "handover", market.id)
    assert sales.money_of(tx.session, C)[market.id] == {
        "raised": 246_850, "handed_over": 246_850, "held": 0, "sales": 3}
    assert sales.BOOKS.read_fund(tx.session, C).balance_fen == 0


def test_each_sale_is_numbered_its_receipt_and_booked_on_the_markets_day(tx):
    market = wenchuan(tx)
    entries = sales.BOOKS.entries(tx.session, C)
    assert [(e.number, e.kind, e.amount_fen, e.occurred_on, e.donor_name, e.market_id)
            for e in entries] == [
        ("FM-2026-000001", "donation", 85_650, WENCHUAN_DAY, "书画摊", market.id),
        ("FM-2026-000002", "donation", 120_000, WENCHUAN_DAY, "旧衣物摊", market.id),
        ("FM-2026-000003", "donation", 41_200, WENCHUAN_DAY, "玩具摊", market.id)]
    later, _ = sales.record_sale(tx, C, market.id, sale(100, occurred_on=date(2026, 5, 19)),
                                 STAFF, NOW)
    assert later.occurred_on == date(2026, 5, 19)


def test_a_stall_that_sold_is_of_the_same_market(tx):
    today = charity(tx, TODAY, stall_count=5)
    other = plan(tx)
    stall_elsewhere = sign(tx, other)
    with refused(tx, "signup_of_another_market", field="signup_id",
                 zh=f"摊位报名 {stall_elsewhere.id} 不属于这次市场",
                 en=f"Stall sign-up {stall_elsewhere.id} is not of this market"):
        sales.record_sale(tx, C, today.id, sale(1000, signup_id=stall_elsewhere.id), STAFF, NOW)
    with refused(tx, "signup_not_found", field="signup_id"):
        sales.record_sale(tx, C, today.id, sale(1000, signup_id=99), STAFF, NOW)


def test_a_stalls_sale_names_the_stall(tx):
    market = charity(tx, TODAY + timedelta(days=3))
    stall = sign(tx, market)
    market.day = TODAY          # the day came: (a test moves the market, not the clock)
    entry, _ = sales.record_sale(tx, C, market.id, sale(2000, signup_id=stall.id), STAFF, NOW)
    assert (entry.signup_id, entry.market_id) == (stall.id, market.id)


def test_no_sale_at_a_market_that_is_no_charity_sale_is_cancelled_or_has_not_come(tx):
    swap = plan(tx, TODAY)
    with refused(tx, "not_a_charity_sale", field="market_id", status=400,
                 zh="2026-11-27 的跳蚤市场不是义卖",
                 en="The market of 2026-11-27 is not a charity sale"):
        sales.record_sale(tx, C, swap.id, sale(1000), STAFF, NOW)
    with refused(tx, "not_a_charity_sale"):
        sales.hand_over(tx, C, swap.id, handover(1000), STAFF, NOW)
    coming = charity(tx, TODAY + timedelta(days=1))
    with refused(tx, "market_not_yet", field="market_id",
                 zh="跳蚤市场在 2026-11-28 举办，当天或之后才能登记义卖款",
                 en="The market is on 2026-11-28: its sales are recorded on the day or after"):
        sales.record_sale(tx, C, coming.id, sale(1000), STAFF, NOW)
    called_off = charity(tx, TODAY)
    markets.cancel(tx, C, called_off.id, {"reason": "下雨"}, STAFF, NOW)
    with refused(tx, "market_cancelled", field="market_id", status=409,
                 zh="2026-11-27 的跳蚤市场已取消", en="The market of 2026-11-27 was cancelled"):
        sales.record_sale(tx, C, called_off.id, sale(1000), STAFF, NOW)
    with refused(tx, "market_not_found", field="market_id"):
        sales.record_sale(tx, C, 99, sale(1000), STAFF, NOW)
    with refused(tx, "market_not_found"):
        sales.record_sale(tx, "maple-court", called_off.id, sale(1000), STAFF, NOW)


def test_no_more_is_handed_over_than_the_market_raised(tx):
    market = wenchuan(tx)
    red_july = charity(tx, RED_JULY_DAY, theme="红色七月—爱心无限", beneficiary="社区患病党员")
    sales.record_sale(tx, C, red_july.id, sale(100_000), STAFF, NOW)
    # the books hold 3468.50 in all, but the Wenchuan market only 2468.50
    with refused(tx, "more_than_raised", field="amount", status=400,
                 zh="这次市场尚未移交的善款只有 2468.50 元，不能移交 2468.51 元",
                 en="This market holds only 2468.50 yuan not yet handed over, not 2468.51 yuan"):
        sales.hand_over(tx, C, market.id, handover(246_851), STAFF, NOW)
    sales.hand_over(tx, C, market.id, handover(200_000), STAFF, NOW)
    with refused(tx, "more_than_raised", zh="这次市场尚未移交的善款只有 468.50 元，不能移交 "
                                            "468.51 元"):
        sales.hand_over(tx, C, market.id, handover(46_851), STAFF, NOW)
    nothing = charity(tx, TODAY)
    with refused(tx, "more_than_raised", zh="这次市场尚未移交的善款只有 0.00 元，不能移交 "
                                            "0.01 元"):
        sales.hand_over(tx, C, nothing.id, handover(1), STAFF, NOW)


def test_a_handover_goes_to_the_named_payee_when_one_is_given(tx):
    market = wenchuan(tx)
    paid, _ = sales.hand_over(tx, C, market.id, handover(10_000, payee="区红十字会"), STAFF, NOW)
    assert paid.payee == "区红十字会"


def test_the_first_handover_of_a_community_with_no_books_is_refused(tx):
    market = charity(tx, TODAY)
    with refused(tx, "more_than_raised"):
        sales.hand_over(tx, C, market.id, handover(100), STAFF, NOW)


def test_a_sale_recorded_twice_with_its_key_is_counted_once(tx):
    market = charity(tx, TODAY)
    first, created = sales.record_sale(tx, C, market.id, sale(5000, idempotency_key="k1"),
                                       STAFF, NOW)
    again, created_again = sales.record_sale(tx, C, market.id,
                                             sale(5000, idempotency_key="k1"), STAFF, NOW)
    assert (created, created_again, again.id) == (True, False, first.id)
    with refused(tx, "idempotency_conflict", field="idempotency_key"):
        sales.record_sale(tx, C, market.id, sale(6000, idempotency_key="k1"), STAFF, NOW)
    # what the key was checked against: the request as the sale records it
    assert first.fingerprint == fingerprint("donation", {
        **sale(5000, idempotency_key="k1"), "market_id": market.id, "occurred_on": TODAY})


def test_a_mistake_is_reversed_never_edited_and_the_market_nets_out(tx):
    market = wenchuan(tx)
    wrong, _ = sales.record_sale(tx, C, market.id, sale(10_000, donor_name="记错的"), STAFF, NOW)
    undo, _ = sales.reverse(tx, C, wrong.id, {"reason": "重复登记"}, STAFF, NOW)
    assert (undo.kind, undo.delta_fen, undo.market_id, undo.reverses_id) == (
        "reversal", -10_000, market.id, wrong.id)
    assert sales.money_of(tx.session, C)[market.id] == {
        "raised": 246_850, "handed_over": 0, "held": 246_850, "sales": 3}
    paid, _ = sales.hand_over(tx, C, market.id, handover(246_850), STAFF, NOW)
    back, _ = sales.reverse(tx, C, paid.id, {"reason": "收据号写错"}, STAFF, NOW)
    assert sales.money_of(tx.session, C)[market.id] == {
        "raised": 246_850, "handed_over": 0, "held": 246_850, "sales": 3}
    with refused(tx, "already_reversed"):
        sales.reverse(tx, C, paid.id, {"reason": "再冲"}, STAFF, NOW)
    with refused(tx, "reversal_of_reversal"):
        sales.reverse(tx, C, back.id, {"reason": "再冲"}, STAFF, NOW)


def test_a_sale_already_handed_over_cannot_be_reversed_below_zero(tx):
    market = charity(tx, TODAY)
    gift, _ = sales.record_sale(tx, C, market.id, sale(5000), STAFF, NOW)
    sales.hand_over(tx, C, market.id, handover(5000), STAFF, NOW)
    with refused(tx, "insufficient_funds"):
        sales.reverse(tx, C, gift.id, {"reason": "登记错了"}, STAFF, NOW)


def test_the_ledger_shows_each_entry_as_staff_see_it(tx):
    market = wenchuan(tx)
    paid, _ = sales.hand_over(tx, C, market.id, handover(246_850, description="汇款"),
                              STAFF, NOW)
    view = sales.ledger_view(tx.session, C, "zh")
    assert (view["balance"], view["ledger_sum"]) == ("0.00", "0.00")
    assert view["items"][0] == {
        "id": 1, "number": "FM-2026-000001", "kind": "donation", "amount": "856.50",
        "change": "856.50", "occurred_on": "2026-05-18", "description": None,
        "market_id": market.id, "signup_id": None, "recorded_by": "周站长",
        "recorded_at": "2026-11-27T02:00:00Z", "reversed_by": None, "donor_name": "书画摊",
        "public_donor": "匿名", "channel": "cash", "channel_label": "现金"}
    assert view["items"][-1] == {
        "id": 4, "number": "FM-2026-000004", "kind": "expense", "amount": "2468.50",
        "change": "-2468.50", "occurred_on": "2026-11-27", "description": "汇款",
        "market_id": market.id, "signup_id": None, "recorded_by": "周站长",
        "recorded_at": "2026-11-27T02:00:00Z", "reversed_by": None, "category": "handover",
        "category_label": "善款移交受助方", "invoice_ref": "HSZ-2026-0518",
        "payee": "汶川地震灾区（经区红十字会）", "approved_by": "社区党委书记"}
    sales.reverse(tx, C, paid.id, {"reason": "收据号写错"}, STAFF, NOW)
    en = sales.ledger_view(tx.session, C, "en")["items"]
    assert en[-2]["reversed_by"] == "FM-2026-000005"
    assert en[-1]["kind"] == "reversal"
    assert (en[-1]["reverses"], en[-1]["reason"], en[-1]["change"]) == (
        "FM-2026-000004", "收据号写错", "2468.50")
    assert en[0]["channel_label"] == "Cash" and en[0]["public_donor"] == "Anonymous"
    assert en[3]["category_label"] == "Handed to the beneficiary"
    other = charity(tx, TODAY)
    assert sales.ledger_view(tx.session, C, "zh", market_id=other.id)["items"] == []


def test_the_public_report_shows_what_each_market_raised_and_where_it_went(tx):
    market = wenchuan(tx)
    sales.record_sale(tx, C, market.id, sale(5000, donor_name="张老师", agreed_to_be_named=True,
                                             donor_contact="13912345678"), STAFF, NOW)
    wrong, _ = sales.record_sale(tx, C, market.id, sale(5000), STAFF, NOW)
    sales.reverse(tx, C, wrong.id, {"reason": "重复登记，经办人13800005555"}, STAFF, NOW)
    sales.hand_over(tx, C, market.id, handover(251_850), STAFF, NOW)
    red_july = charity(tx, RED_JULY_DAY, theme="红色七月—爱心无限", beneficiary="社区患病党员")
    markets.hold(tx, C, red_july.id, {"participants": 530}, STAFF, NOW)
    for fen in (32_000, 48_000, 20_000):          # 320 + 480 + 200 = 1000.00
        sales.record_sale(tx, C, red_july.id, sale(fen), STAFF, NOW)
    markets.hold(tx, C, market.id, {"participants": 610}, STAFF, NOW)
    called_off = charity(tx, TODAY, theme="取消的义卖")
    markets.cancel(tx, C, called_off.id, {"reason": "下雨"}, STAFF, NOW)

    report = sales.public_report(tx.session, C, "zh", NOW)
    # numbered as recorded: 1-3 the Wenchuan stalls, 4 张老师, 5 the wrong one, 6 its reversal,
    # 7 the handover, 8-10 red July's
    # by hand: Wenchuan 2468.50 + 50.00 (+ 50.00 - 50.00 reversed) = 2518.50, all handed over;
    # red July 1000.00, none yet; held 1000.00
    assert {k: report[k] for k in ("community", "fund", "currency", "markets_held",
                                   "participants", "total_raised", "total_handed_over",
                                   "balance")} == {
        "community": C, "fund": "跳蚤市场义卖善款", "currency": "CNY", "markets_held": 2,
        "participants": 1140, "total_raised": "3518.50", "total_handed_over": "2518.50",
        "balance": "1000.00"}
    assert report["charity_sales"] == [
        {"market_id": market.id, "day": "2026-05-18", "theme": "爱心义卖 支援汶川",
         "beneficiary": "汶川地震灾区（经区红十字会）", "raised": "2518.50",
         "handed_over": "2518.50", "held": "0.00", "sales": 4},
        {"market_id": red_july.id, "day": "2026-07-01", "theme": "红色七月—爱心无限",
         "beneficiary": "社区患病党员", "raised": "1000.00", "handed_over": "0.00",
         "held": "1000.00", "sales": 3}]
    assert report["handovers"] == [{
        "number": "FM-2026-000007", "date": "2026-11-27", "amount": "2518.50",
        "market_id": market.id, "market_day": "2026-05-18", "theme": "爱心义卖 支援汶川",
        "reversed_by": None, "to": "汶川地震灾区（经区红十字会）", "receipt": "HSZ-2026-0518",
        "approved_by": "社区党委书记"}]
    assert [(s["number"], s["amount"], s["from"], s["reversed_by"]) for s in report["sales"]] == [
        ("FM-2026-000001", "856.50", "匿名", None), ("FM-2026-000002", "1200.00", "匿名", None),
        ("FM-2026-000003", "412.00", "匿名", None), ("FM-2026-000004", "50.00", "张老师", None),
        ("FM-2026-000005", "50.00", "匿名", "FM-2026-000006"),
        ("FM-2026-000008", "320.00", "匿名", None), ("FM-2026-000009", "480.00", "匿名", None),
        ("FM-2026-000010", "200.00", "匿名", None)]
    assert report["reversals"] == [{"number": "FM-2026-000006", "date": "2026-11-27",
                                    "amount": "50.00", "reverses": "FM-2026-000005",
                                    "reason": "重复登记，经办人138****5555"}]
    assert "13912345678" not in str(report)
    assert report["as_of"] == "2026-11-27T02:00:00Z"
    en = sales.public_report(tx.session, C, "en", NOW)
    assert (en["fund"], en["sales"][0]["from"]) == ("Flea market charity sales", "Anonymous")
    assert en["notes"].startswith("Amounts in yuan") and report["notes"].startswith("金额单位为元")


def test_the_public_report_of_a_community_with_no_books(tx):
    report = sales.public_report(tx.session, "maple-court", "zh", NOW)
    assert {k: report[k] for k in ("markets_held", "participants", "total_raised",
                                   "total_handed_over", "balance", "charity_sales", "sales",
                                   "handovers", "reversals", "as_of")} == {
        "markets_held": 0, "participants": 0, "total_raised": "0.00",
        "total_handed_over": "0.00", "balance": "0.00", "charity_sales": [], "sales": [],
        "handovers": [], "reversals": [], "as_of": "2026-11-27T02:00:00Z"}


def test_the_ledger_is_the_communitys_own_with_its_balance(tx):
    market = wenchuan(tx)
    maple = {**STAFF, "community": "maple-court"}
    theirs = markets.plan(tx, "maple-court", {
        "day": TODAY, "place": "枫林广场", "theme": "义卖", "charity": True,
        "beneficiary": "枫林困难家庭", "stall_count": 5}, maple, NOW)
    sales.record_sale(tx, "maple-court", theirs.id, sale(700), maple, NOW)
    view = sales.ledger_view(tx.session, C, "zh")
    # by hand: 856.50 + 1200.00 + 412.00; maple-court's 7.00 is not ours
    assert (view["community"], view["balance"], view["ledger_sum"], len(view["items"])) == (
        C, "2468.50", "2468.50", 3)
    assert {i["market_id"] for i in view["items"]} == {market.id}
    assert sales.ledger_view(tx.session, "maple-court", "zh")["balance"] == "7.00"


def test_the_public_report_is_as_of_the_last_movement_and_counts_a_head_count_of_none(tx):
    market = charity(tx, TODAY)
    earlier = NOW - timedelta(hours=3)
    sales.record_sale(tx, C, market.id, sale(100), STAFF, earlier)
    markets.hold(tx, C, market.id, {"participants": 0}, STAFF, NOW)
    report = sales.public_report(tx.session, C, "en", NOW)
    assert (report["as_of"], report["markets_held"], report["participants"]) == (
        "2026-11-26T23:00:00Z", 1, 0)
    assert report["notes"] == (
        "Amounts in yuan; each sale's number is its receipt number. Sellers are named only "
        "with their consent, otherwise \"Anonymous\". Corrections appear as reversals; no entry "
        "is ever edited.")
    assert sales.public_report(tx.session, C, "zh", NOW)["notes"] == (
        "金额单位为元；每笔义卖款的编号即收据号。义卖者仅在本人同意时署名，其余显示为“匿名”。"
        "更正以冲正记录体现，原记录不删改。")


def test_a_reversal_says_who_recorded_it(tx):
    market = charity(tx, TODAY)
    wrong, _ = sales.record_sale(tx, C, market.id, sale(100), STAFF, NOW)
    undo, _ = sales.reverse(tx, C, wrong.id, {"reason": "错"}, STAFF, NOW)
    assert undo.recorded_by == {"id": 7, "username": "zhou", "name": "周站长",
                                "role": "program_staff"}
