"""The public transparency report, figures counted by hand.

September: the committee gives 1000.00 and a resident 250.50. October: 200.00 for
sterilisation, 100.00 for cat food. On 27 November the resident's 250.50 is given back
(a reversal, booked the day it is made).

    income     1000.00 + 250.50 - 250.50           = 1000.00
    spending    200.00 + 100.00                    =  300.00
    balance    1000.00 - 300.00                    =  700.00
    2026-09    income 1250.50, spending 0.00       -> 1250.50 at month end
    2026-10    income    0.00, spending 300.00     ->  950.50
    2026-11    income -250.50, spending 0.00       ->  700.00

A reversed donation is income taken back, not spending: booked as spending it would show
income 1250.50 and spending 550.50 (the same balance, both totals overstated).
"""
from datetime import UTC, date, datetime

from minzi.api import actor

from cat_fund.domain import ledger, report, spending

from .conftest import NOW, OPERATOR

BY = actor(OPERATOR)
HOME = "rainbow-city"


def test_a_reversed_donation_is_income_taken_back_not_spending(tx):
    committee, _ = ledger.record_donation(tx.session, HOME, {
        "amount": 100_000, "channel": "cash", "donor_name": "彩虹城居委会",
        "agreed_to_be_named": True, "occurred_on": date(2026, 9, 5)}, BY, NOW)
    resident, _ = ledger.record_donation(tx.session, HOME, {
        "amount": 25_050, "channel": "wechat", "donor_name": "刘女士",
        "occurred_on": date(2026, 9, 12)}, BY, NOW)
    for fen, category, day in ((20_000, "sterilisation", 3), (10_000, "food", 20)):
        spending.record_expense(tx.session, HOME, {
            "amount": fen, "category": category, "invoice_ref": f"FP-10-{day}",
            "approved_by": "张站长", "occurred_on": date(2026, 10, day)}, BY, NOW)
    undo, _ = ledger.reverse_entry(tx.session, HOME, resident.id,
                                   {"reason": "捐款人要求退回"}, BY, NOW)

    shown = report.transparency_report(tx.session, HOME, "zh", NOW)

    assert (shown["total_income"], shown["total_spending"], shown["balance"]) == \
        ("1000.00", "300.00", "700.00")
    assert [(m["month"], m["income"], m["spending"], m["balance_at_month_end"])
            for m in shown["by_month"]] == [("2026-09", "1250.50", "0.00", "1250.50"),
                                            ("2026-10", "0.00", "300.00", "950.50"),
                                            ("2026-11", "-250.50", "0.00", "700.00")]
    assert [m["spending_by_category"] for m in shown["by_month"]] == [
        [],
        [{"category": "sterilisation", "label": "绝育", "amount": "200.00"},
         {"category": "food", "label": "猫粮", "amount": "100.00"}],
        []]
    assert shown["spending_by_category"] == [
        {"category": "sterilisation", "label": "绝育", "amount": "200.00"},
        {"category": "food", "label": "猫粮", "amount": "100.00"}]
    assert [(d["number"], d["amount"], d["donor"], d["reversed_by"])
            for d in shown["donations"]] == [
        (committee.number, "1000.00", "彩虹城居委会", None),
        (resident.number, "250.50", "匿名", undo.number)]
    assert [(r["reverses"], r["kind_reversed"], r["amount"]) for r in shown["reversals"]] == [
        (resident.number, "donation", "250.50")]
    assert [p["amount"] for p in shown["spending"]] == ["200.00", "100.00"]
    assert shown["entry_count"] == 5


def test_a_reversed_payment_is_spending_taken_back_in_its_category(tx):
    """1000.00 given; 300.00 for the vet in October, reversed on 27 November:
    spending 300.00 - 300.00 = 0.00, shown as -300.00 for the vet in November."""
    ledger.record_donation(tx.session, HOME, {
        "amount": 100_000, "channel": "cash", "donor_name": "x",
        "occurred_on": date(2026, 10, 1)}, BY, NOW)
    paid, _ = spending.record_expense(tx.session, HOME, {
        "amount": 30_000, "category": "vet", "invoice_ref": "FP-1", "approved_by": "张站长",
        "occurred_on": date(2026, 10, 9)}, BY, NOW)
    ledger.reverse_entry(tx.session, HOME, paid.id, {"reason": "发票开错"}, BY, NOW)

    shown = report.transparency_report(tx.session, HOME, "en", NOW)

    assert (shown["total_income"], shown["total_spending"], shown["balance"]) == \
        ("1000.00", "0.00", "1000.00")
    assert [(m["month"], m["income"], m["spending"], m["spending_by_category"])
            for m in shown["by_month"]] == [
        ("2026-10", "1000.00", "300.00",
         [{"category": "vet", "label": "Vet care", "amount": "300.00"}]),
        ("2026-11", "0.00", "-300.00",
         [{"category": "vet", "label": "Vet care", "amount": "-300.00"}])]
    assert shown["spending_by_category"] == []


def test_the_report_shows_each_line_as_the_public_may_see_it(tx):
    """1000.00 given on 5 September; in October 120.00 at the vet for 小花 and 30.00 of food;
    the vet bill reversed on 27 November. Income 1000.00, spending 120.00 + 30.00 - 120.00 =
    30.00, balance 970.00; phone numbers in free text are masked."""
    from cat_fund.domain import cats
    xiaohua = cats.create_cat(tx.session, HOME, {
        "name": "小花", "found_at": "3号楼后", "found_on": date(2026, 9, 1),
        "sterilised_on": date(2026, 9, 9), "sterilised_by": "康宠动物医院"}, BY, NOW)
    cats.create_cat(tx.session, HOME, {"name": "大橘", "found_at": "车库", "status": "adopted",
                                       "found_on": date(2026, 9, 1)}, BY, NOW)
    cats.create_cat(tx.session, HOME, {"found_at": "花园", "status": "returned",
                                       "found_on": date(2026, 9, 1)}, BY, NOW)
    for _ in range(2):                                # another community's: not counted here
        cats.create_cat(tx.session, "sunny-park", {
            "found_at": "x", "found_on": date(2026, 9, 1), "sterilised_on": date(2026, 9, 9),
            "sterilised_by": "康宠动物医院"}, BY, NOW)
    ledger.record_donation(tx.session, HOME, {
        "amount": 100_000, "channel": "cash", "donor_name": "彩虹城居委会",
        "agreed_to_be_named": True, "occurred_on": date(2026, 9, 5)}, BY, NOW)
    vet, _ = spending.record_expense(tx.session, HOME, {
        "amount": 12_000, "category": "vet", "invoice_ref": "FP-9", "approved_by": "张站长",
        "payee": "康宠动物医院 电话13911112222", "description": "小花腿伤，联系13911112222",
        "cat_id": xiaohua.id, "occurred_on": date(2026, 10, 3)}, BY, NOW)
    spending.record_expense(tx.session, HOME, {
        "amount": 3_000, "category": "food", "invoice_ref": "FP-10", "approved_by": "张站长",
        "occurred_on": date(2026, 10, 20)}, BY, NOW)
    later = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
    ledger.reverse_entry(tx.session, HOME, vet.id, {"reason": "发票开错，联系人13911112222"},
                         BY, later)

    shown = report.transparency_report(tx.session, HOME, "en", datetime(2026, 12, 1, tzinfo=UTC))

    notes = shown.pop("notes")
    assert notes == ("Amounts in yuan. Donors are named only with their consent, otherwise "
                     "shown as \"Anonymous\". Corrections appear as reversals; no entry is "
                     "ever edited.")
    assert shown == {
        "community": HOME, "fund": "Stray-cat charity fund", "currency": "CNY",
        "as_of": "2026-11-27T05:00:00Z",                  # the last movement, not the clock
        "balance": "970.00", "total_income": "1000.00", "total_spending": "30.00",
        "entry_count": 4,
        "spending_by_category": [{"category": "food", "label": "Food", "amount": "30.00"}],
        "by_month": [
            {"month": "2026-09", "income": "1000.00", "spending": "0.00",
             "spending_by_category": [], "balance_at_month_end": "1000.00"},
            {"month": "2026-10", "income": "0.00", "spending": "150.00",
             "spending_by_category": [
                 {"category": "vet", "label": "Vet care", "amount": "120.00"},
                 {"category": "food", "label": "Food", "amount": "30.00"}],
             "balance_at_month_end": "850.00"},
            {"month": "2026-11", "income": "0.00", "spending": "-120.00",
             "spending_by_category": [
                 {"category": "vet", "label": "Vet care", "amount": "-120.00"}],
             "balance_at_month_end": "970.00"}],
        "donations": [{"number": "CF-2026-000001", "date": "2026-09-05", "amount": "1000.00",
                       "reversed_by": None, "donor": "彩虹城居委会", "channel": "cash",
                       "channel_label": "Cash"}],
        "spending": [
            {"number": "CF-2026-000002", "date": "2026-10-03", "amount": "120.00",
             "reversed_by": "CF-2026-000004", "category": "vet", "category_label": "Vet care",
             "cat": {"id": xiaohua.id, "name": "小花"},
             "description": "小花腿伤，联系139****2222", "payee": "康宠动物医院 电话139****2222",
             "invoice_ref": "FP-9", "approved_by": "张站长"},
            {"number": "CF-2026-000003", "date": "2026-10-20", "amount": "30.00",
             "reversed_by": None, "category": "food", "category_label": "Food", "cat": None,
             "description": None, "payee": None, "invoice_ref": "FP-10",
             "approved_by": "张站长"}],
        "reversals": [{"number": "CF-2026-000004", "date": "2026-11-27", "amount": "120.00",
                       "reversed_by": None, "reverses": "CF-2026-000002",
                       "kind_reversed": "expense", "reason": "发票开错，联系人139****2222"}],
        "cats": {"total": 3, "sterilised": 1, "by_status": [
            {"status": "adopted", "label": "Adopted", "count": 1},
            {"status": "in_shelter", "label": "In the shelter", "count": 1},
            {"status": "returned", "label": "Returned to its territory", "count": 1}]},
    }
    chinese = report.transparency_report(tx.session, HOME, "zh", NOW)
    assert (chinese["fund"], chinese["donations"][0]["channel_label"],
            chinese["cats"]["by_status"][0]["label"]) == ("流浪猫爱心基金会", "现金", "已被领养")
    assert chinese["notes"] == ("金额单位为元；捐款人仅在本人同意时署名，其余显示为“匿名”。"
                                "更正以冲正记录体现，原记录不删改。")


def test_a_fund_with_no_money_yet_reports_zero_as_of_now(tx):
    shown = report.transparency_report(tx.session, "sunny-park", "zh", NOW)
    assert (shown["as_of"], shown["balance"], shown["total_income"], shown["total_spending"],
            shown["entry_count"], shown["by_month"], shown["donations"], shown["cats"]) == (
        "2026-11-27T02:00:00Z", "0.00", "0.00", "0.00", 0, [], [],
        {"total": 0, "sterilised": 0, "by_status": []})


def test_the_report_lists_money_by_its_date_not_by_when_it_was_typed_in(tx):
    """A September gift typed in after an October one is listed first; so is a payment."""
    for fen, day in ((10_000, date(2026, 10, 5)), (20_000, date(2026, 9, 1))):
        ledger.record_donation(tx.session, HOME, {"amount": fen, "channel": "cash",
                                                  "donor_name": "x", "occurred_on": day}, BY, NOW)
    for fen, day in ((1_000, date(2026, 10, 9)), (2_000, date(2026, 10, 2))):
        spending.record_expense(tx.session, HOME, {
            "amount": fen, "category": "food", "invoice_ref": "FP", "approved_by": "张站长",
            "occurred_on": day}, BY, NOW)
    shown = report.transparency_report(tx.session, HOME, "zh", NOW)
    assert [(d["date"], d["number"]) for d in shown["donations"]] == [
        ("2026-09-01", "CF-2026-000002"), ("2026-10-05", "CF-2026-000001")]
    assert [(p["date"], p["number"]) for p in shown["spending"]] == [
        ("2026-10-02", "CF-2026-000004"), ("2026-10-09", "CF-2026-000003")]
