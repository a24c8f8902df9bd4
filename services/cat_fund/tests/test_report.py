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
from datetime import date

from cat_fund.domain import ledger, report, spending
from minzi.api import actor

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
