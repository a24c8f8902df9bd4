"""The ledger's rules, without the API: money in and out to the fen, refusals that change
nothing, repeats recorded once, reversals. Expected figures are counted by hand."""
from datetime import UTC, date, datetime

import pytest

from minzi.api import DomainError, actor
from minzi.testing import snapshot

from cat_fund.domain import cats, ledger, spending
from cat_fund.models import Base, Entry

from .conftest import NOW, OPERATOR

BY = actor(OPERATOR)
HOME = "rainbow-city"


def donate(tx, fen, community=HOME, now=NOW, **extra):
    entry, _ = ledger.record_donation(tx.session, community, {
        "amount": fen, "channel": "cash", "donor_name": "彩虹城居委会", **extra}, BY, now)
    return entry


def pay(tx, fen, community=HOME, now=NOW, **extra):
    return spending.record_expense(tx.session, community, {
        "amount": fen, "category": "vet", "invoice_ref": "FP-1", "approved_by": "张站长",
        **extra}, BY, now)


def reverse(tx, entry_id, community=HOME, **extra):
    return ledger.reverse_entry(tx.session, community, entry_id, {"reason": "登记错了", **extra},
                                BY, NOW)


def balance(tx, community=HOME):
    return ledger.read_fund(tx.session, community).balance_fen


def refused(tx, code, operation):
    """``operation`` is refused with ``code`` and nothing in the database changed."""
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(DomainError) as caught:
        operation()
    assert caught.value.code == code
    assert snapshot(tx.session, Base.metadata) == before
    return caught.value


def a_cat(tx, community=HOME):
    return cats.create_cat(tx.session, community, {"name": "大橘", "found_at": "3号楼后",
                                                   "found_on": date(2026, 5, 10)}, BY, NOW)


# -- money in and out -----------------------------------------------------------------------------

def test_donations_are_numbered_in_order_and_raise_the_balance_exactly(tx):
    first = donate(tx, 100_000)                    # 1000.00
    second = donate(tx, 25_050)                    # 250.50
    assert (first.number, second.number) == ("CF-2026-000001", "CF-2026-000002")
    assert (first.delta_fen, second.delta_fen) == (100_000, 25_050)
    assert balance(tx) == 125_050
    assert ledger.ledger_sum(tx.session, HOME) == 125_050
    assert first.recorded_by["name"] == "王阿姨"
    assert first.occurred_on == date(2026, 11, 27)


def test_money_is_booked_on_the_beijing_date_of_the_moment(tx):
    late = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)   # 00:30 on the 28th in Beijing
    assert donate(tx, 500, now=late).occurred_on == date(2026, 11, 28)
    # and the 28th is "today" there, not a date in the future
    assert donate(tx, 500, now=late, occurred_on=date(2026, 11, 28)).amount_fen == 500


def test_a_payment_within_the_balance_is_accepted_and_lowers_it_by_exactly_its_amount(tx):
    donate(tx, 100_000)                            # 1000.00
    entry, created = pay(tx, 30_000)               # 300.00
    assert created and entry.kind == "expense"
    assert (entry.amount_fen, entry.delta_fen) == (30_000, -30_000)
    assert balance(tx) == 70_000                   # 1000.00 - 300.00
    entry, created = pay(tx, 70_000)               # the whole rest
    assert created and balance(tx) == 0
    assert ledger.ledger_sum(tx.session, HOME) == 0


def test_a_payment_one_fen_over_the_balance_is_refused_and_changes_nothing(tx):
    donate(tx, 10_000)                             # 100.00
    error = refused(tx, "insufficient_funds", lambda: pay(tx, 10_001))
    assert "100.00" in error.message_zh and "100.01" in error.message_zh
    assert balance(tx) == 10_000


def test_another_communitys_money_does_not_pay_for_this_one(tx):
    donate(tx, 100_000, community="sunny-park")
    donate(tx, 5_000)
    pay(tx, 5_000)
    refused(tx, "insufficient_funds", lambda: pay(tx, 1))
    assert (balance(tx), balance(tx, "sunny-park")) == (0, 100_000)


def test_money_dated_in_the_future_is_refused_and_changes_nothing(tx):
    donate(tx, 10_000)
    tomorrow = date(2026, 11, 28)                  # NOW is the 27th in Beijing
    refused(tx, "date_in_future", lambda: donate(tx, 500, occurred_on=tomorrow))
    refused(tx, "date_in_future", lambda: pay(tx, 500, occurred_on=tomorrow))
    assert pay(tx, 500, occurred_on=date(2026, 11, 27))[1]


def test_a_payment_for_a_cat_names_one_of_the_communitys_cats(tx):
    donate(tx, 10_000)
    mine = a_cat(tx)
    theirs = a_cat(tx, community="sunny-park")
    refused(tx, "cat_not_found", lambda: pay(tx, 1_000, cat_id=theirs.id))
    refused(tx, "cat_not_found", lambda: pay(tx, 1_000, cat_id=9_999))
    entry, created = pay(tx, 1_000, cat_id=mine.id)
    assert created and entry.cat_id == mine.id and balance(tx) == 9_000


# -- repeats --------------------------------------------------------------------------------------

def test_a_repeated_request_returns_the_first_entry_and_changes_nothing(tx):
    gift = donate(tx, 20_000, idempotency_key="hh-1")
    payment, _ = pay(tx, 5_000, idempotency_key="pay-1")
    before = snapshot(tx.session, Base.metadata)
    again, created = ledger.record_donation(tx.session, HOME, {
        "amount": 20_000, "channel": "cash", "donor_name": "彩虹城居委会",
        "idempotency_key": "hh-1"}, BY, NOW)
    assert (again.id, created) == (gift.id, False)
    again, created = pay(tx, 5_000, idempotency_key="pay-1")
    assert (again.id, created) == (payment.id, False)
    assert snapshot(tx.session, Base.metadata) == before and balance(tx) == 15_000


def test_a_key_used_for_something_else_is_refused_and_changes_nothing(tx):
    donate(tx, 20_000, idempotency_key="hh-1")
    pay(tx, 5_000, idempotency_key="pay-1")
    refused(tx, "idempotency_conflict", lambda: donate(tx, 30_000, idempotency_key="hh-1"))
    refused(tx, "idempotency_conflict", lambda: pay(tx, 6_000, idempotency_key="pay-1"))
    refused(tx, "idempotency_conflict", lambda: pay(tx, 5_000, idempotency_key="hh-1"))
    assert balance(tx) == 15_000


# -- reversals ------------------------------------------------------------------------------------

def test_reversing_a_payment_gives_back_exactly_its_amount(tx):
    donate(tx, 10_000)
    payment, _ = pay(tx, 3_000, category="food")
    undo, created = reverse(tx, payment.id)
    assert created and undo.kind == "reversal" and undo.reverses_id == payment.id
    assert (undo.amount_fen, undo.delta_fen) == (3_000, 3_000)
    assert (undo.category, undo.occurred_on) == ("food", date(2026, 11, 27))
    assert balance(tx) == 10_000


def test_an_entry_is_reversed_once_and_a_reversal_never(tx):
    donate(tx, 10_000)
    payment, _ = pay(tx, 3_000)
    undo, _ = reverse(tx, payment.id)
    refused(tx, "already_reversed", lambda: reverse(tx, payment.id))
    refused(tx, "reversal_of_reversal", lambda: reverse(tx, undo.id))
    assert balance(tx) == 10_000


def test_reversing_a_donation_already_spent_is_refused(tx):
    gift = donate(tx, 10_000)
    pay(tx, 8_000)
    error = refused(tx, "insufficient_funds", lambda: reverse(tx, gift.id))
    assert "20.00" in error.message_zh and "100.00" in error.message_zh
    assert balance(tx) == 2_000


def test_an_entry_of_another_community_or_none_is_not_found(tx):
    theirs = donate(tx, 10_000, community="sunny-park")
    donate(tx, 10_000)
    refused(tx, "entry_not_found", lambda: reverse(tx, theirs.id))
    refused(tx, "entry_not_found", lambda: reverse(tx, 9_999))
    refused(tx, "entry_not_found", lambda: ledger.get_entry(tx.session, HOME, theirs.id))
    assert tx.session.get(Entry, theirs.id).community == "sunny-park"


def test_numbers_run_on_within_the_beijing_year_and_start_again_with_the_next(tx):
    new_year = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)     # 00:30 on 1 January in Beijing
    first = donate(tx, 100)
    second = donate(tx, 100, community="sunny-park")           # one series for the station
    january = donate(tx, 100, now=new_year)
    third = donate(tx, 100, now=datetime(2026, 12, 31, 15, 59, tzinfo=UTC))   # 23:59 in 2026
    assert [e.number for e in (first, second, january, third)] == [
        "CF-2026-000001", "CF-2026-000002", "CF-2027-000001", "CF-2026-000003"]
    assert (january.occurred_on, third.occurred_on) == (date(2027, 1, 1), date(2026, 12, 31))


def test_a_reversal_repeated_with_its_key_is_recorded_once(tx):
    donate(tx, 10_000)
    payment, _ = pay(tx, 3_000)
    other, _ = pay(tx, 1_000)
    undo, created = reverse(tx, payment.id, idempotency_key="undo-1")
    before = snapshot(tx.session, Base.metadata)
    again, created_again = reverse(tx, payment.id, idempotency_key="undo-1")
    assert (created, again.id, created_again) == (True, undo.id, False)
    assert snapshot(tx.session, Base.metadata) == before
    refused(tx, "idempotency_conflict", lambda: reverse(tx, other.id, idempotency_key="undo-1"))
    assert balance(tx) == 9_000                                # 100.00 - 30.00 - 10.00 + 30.00
