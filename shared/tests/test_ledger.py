"""minzi.ledger on its own, with the tables of a small made-up fund (a neighbourhood garden's,
numbered ``GF``, whose entries say which plot they were for): money in and out to the fen,
refusals that change nothing, repeats recorded once, reversals, the public totals. Expected
figures are counted by hand beside each test."""
import hashlib
import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import String, select, text
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    defer,
    mapped_column,
    sessionmaker,
)

from minzi.api import Conflict, DomainError, NotFound, actor
from minzi.db import as_utc, make_engine
from minzi.ledger import (
    EntryMixin,
    FundMixin,
    Ledger,
    NumberSeriesMixin,
    is_income,
    public_donor,
    totals,
)
from minzi.testing import domain_transaction, make_staff, postgres_database, snapshot, wait_for


class Base(DeclarativeBase):
    pass


class Fund(FundMixin, Base):
    pass


class NumberSeries(NumberSeriesMixin, Base):
    pass


class Entry(EntryMixin, Base):
    plot: Mapped[str | None] = mapped_column(String(20), nullable=True)   # the garden's own


BOOKS = Ledger(Fund, Entry, NumberSeries, prefix="GF", columns=("plot",))
BY = actor(make_staff(id=7, username="wang", name="王阿姨"))
HOME = "rainbow-city"
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)   # 10:00 on 27 November in Beijing


@pytest.fixture
def session(tmp_path):
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction.session


def give(session, fen, community=HOME, now=NOW, **extra):
    return BOOKS.record_donation(session, community, {
        "amount": fen, "channel": "cash", "donor_name": "彩虹城居委会", **extra}, BY, now)


def pay(session, fen, community=HOME, now=NOW, check=None, **extra):
    return BOOKS.record_expense(session, community, {
        "amount": fen, "category": "seeds", "invoice_ref": "FP-1", "approved_by": "张站长",
        **extra}, BY, now, check=check)


def undo(session, entry_id, community=HOME, **extra):
    return BOOKS.reverse_entry(session, community, entry_id, {"reason": "登记错了", **extra},
                               BY, NOW)


def balance(session, community=HOME):
    return BOOKS.read_fund(session, community).balance_fen


def refused(session, operation):
    """``operation`` is refused, nothing in the database changed; what the person is told."""
    before = snapshot(session, Base.metadata)
    with pytest.raises(DomainError) as caught:
        operation()
    assert snapshot(session, Base.metadata) == before
    error = caught.value
    return error.code, error.message_zh, error.message_en, error.field


# -- money in -------------------------------------------------------------------------------------

def test_donations_are_numbered_in_order_raise_the_balance_exactly_and_say_who_and_when(session):
    first, created = give(session, 100_000, donor_contact="13800001111",     # 1000.00
                          description="年度共建经费")
    second, _ = give(session, 25_050, channel="wechat")                      # 250.50
    assert created
    assert (first.number, second.number) == ("GF-2026-000001", "GF-2026-000002")
    assert (first.kind, first.amount_fen, first.delta_fen) == ("donation", 100_000, 100_000)
    assert (second.amount_fen, second.channel) == (25_050, "wechat")
    assert (first.donor_name, first.donor_contact, first.channel, first.description) == (
        "彩虹城居委会", "13800001111", "cash", "年度共建经费")
    assert first.recorded_by == {"id": 7, "username": "wang", "name": "王阿姨",
                                 "role": "program_staff"}
    assert as_utc(first.recorded_at) == NOW and first.occurred_on == date(2026, 11, 27)
    fund = BOOKS.read_fund(session, HOME)
    assert (fund.balance_fen, fund.entry_count) == (125_050, 2)           # 1000.00 + 250.50
    assert as_utc(fund.created_at) == as_utc(fund.updated_at) == NOW
    assert BOOKS.ledger_sum(session, HOME) == 125_050


def test_a_fund_with_no_money_yet_has_nothing_and_reading_it_writes_nothing(session):
    fund = BOOKS.read_fund(session, HOME)
    assert (fund.community, fund.balance_fen, fund.entry_count) == (HOME, 0, 0)
    assert BOOKS.ledger_sum(session, HOME) == 0
    assert BOOKS.reversed_by(session, []) == {}
    assert BOOKS.entries(session, HOME) == []
    assert BOOKS.totals(session, HOME) == {
        "income": 0, "spending": 0, "balance": 0, "entry_count": 0,
        "spending_by_category": {}, "by_month": []}
    assert snapshot(session, Base.metadata) == {"entries": [], "funds": [], "number_series": []}


def test_a_donor_is_named_in_public_only_with_their_consent(session):
    named, _ = give(session, 100, agreed_to_be_named=True)
    unasked, _ = give(session, 100)
    hidden, _ = give(session, 100, agreed_to_be_named=True, anonymous=True)
    nameless, _ = give(session, 100, agreed_to_be_named=True, donor_name=None)
    assert [(e.may_publish_name, e.anonymous) for e in (named, unasked, hidden, nameless)] == [
        (True, False), (False, False), (False, True), (True, False)]
    assert [public_donor(e) for e in (named, unasked, hidden, nameless)] == [
        "彩虹城居委会", "匿名", "匿名", "匿名"]
    assert [public_donor(e, "en") for e in (named, unasked)] == ["彩虹城居委会", "Anonymous"]
    hidden.may_publish_name = True          # a row that says both: anonymous wins
    assert public_donor(hidden, "en") == "Anonymous"


def test_money_is_booked_on_the_beijing_date_of_the_moment_or_the_earlier_date_named(session):
    late = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)   # 00:30 on the 28th in Beijing
    assert give(session, 500, now=late)[0].occurred_on == date(2026, 11, 28)
    # the 28th is "today" there, not a date in the future
    assert give(session, 500, now=late, occurred_on=date(2026, 11, 28))[0].amount_fen == 500
    assert give(session, 500, occurred_on=date(2026, 9, 1))[0].occurred_on == date(2026, 9, 1)


def test_money_dated_in_the_future_is_refused_and_changes_nothing(session):
    give(session, 10_000)
    tomorrow = date(2026, 11, 28)                       # NOW is the 27th in Beijing
    told = ("date_in_future", "日期不能晚于今天", "The date cannot be in the future",
            "occurred_on")
    assert refused(session, lambda: give(session, 500, occurred_on=tomorrow)) == told
    assert refused(session, lambda: pay(session, 500, occurred_on=tomorrow)) == told
    assert balance(session) == 10_000


# -- money out ------------------------------------------------------------------------------------

def test_a_payment_within_the_balance_lowers_it_by_exactly_its_amount(session):
    give(session, 100_000)                              # 1000.00
    entry, created = pay(session, 30_000, payee="绿源种子店", plot="A-3",   # 300.00
                         description="春播种子")
    assert created
    assert (entry.number, entry.kind, entry.amount_fen, entry.delta_fen) == (
        "GF-2026-000002", "expense", 30_000, -30_000)
    assert (entry.category, entry.invoice_ref, entry.approved_by, entry.payee, entry.plot,
            entry.description) == ("seeds", "FP-1", "张站长", "绿源种子店", "A-3", "春播种子")
    assert entry.recorded_by["name"] == "王阿姨" and as_utc(entry.recorded_at) == NOW
    assert balance(session) == 70_000                   # 1000.00 - 300.00
    assert pay(session, 70_000)[1] and balance(session) == 0      # the whole rest
    assert BOOKS.ledger_sum(session, HOME) == 0
    assert BOOKS.read_fund(session, HOME).entry_count == 3


def test_a_payment_one_fen_over_the_balance_is_refused_and_changes_nothing(session):
    give(session, 10_000)                               # 100.00
    assert refused(session, lambda: pay(session, 10_001)) == (
        "insufficient_funds", "余额不足：当前余额 100.00 元，本次支出 100.01 元",
        "Not enough money: the balance is 100.00 yuan, this payment 100.01 yuan", "amount")
    assert balance(session) == 10_000


def test_a_fund_never_given_anything_pays_and_undoes_nothing_and_is_not_opened(session):
    assert refused(session, lambda: pay(session, 1, community="sunny-park")) == (
        "insufficient_funds", "余额不足：当前余额 0.00 元，本次支出 0.01 元",
        "Not enough money: the balance is 0.00 yuan, this payment 0.01 yuan", "amount")
    theirs, _ = give(session, 10_000)
    assert refused(session, lambda: undo(session, theirs.id, community="sunny-park")) == (
        "entry_not_found", f"没有编号为 {theirs.id} 的账目",
        f"No ledger entry number {theirs.id}", None)
    assert session.get(Fund, "sunny-park") is None      # refused twice, still never opened

    def closed():                                       # the program's own word comes first
        raise Conflict("plot_closed", "这块地已停用", "This plot is closed", field="plot")
    assert refused(session, lambda: pay(session, 1, community="sunny-park", check=closed))[0] \
        == "plot_closed"


def test_another_communitys_money_does_not_pay_for_this_one(session):
    give(session, 100_000, community="sunny-park")
    give(session, 5_000)
    pay(session, 5_000)
    assert refused(session, lambda: pay(session, 1))[0] == "insufficient_funds"
    assert (balance(session), balance(session, "sunny-park")) == (0, 100_000)
    assert (BOOKS.ledger_sum(session, HOME), BOOKS.ledger_sum(session, "sunny-park")) == \
        (0, 100_000)


def test_the_programs_own_check_may_refuse_a_new_payment_before_the_balance_is_looked_at(session):
    give(session, 10_000)                               # 100.00
    asked = []

    def plot_open(plot):
        def check():
            asked.append(plot)
            if plot == "B-1":
                raise DomainError("plot_closed", "B-1 地块已停用", "Plot B-1 is closed",
                                  field="plot")
        return check

    # 200.00 is over the balance as well: the program's own word is the one given
    assert refused(session, lambda: pay(session, 20_000, plot="B-1",
                                        check=plot_open("B-1")))[0] == "plot_closed"
    first, _ = pay(session, 1_000, plot="A-1", idempotency_key="p-1", check=plot_open("A-1"))
    again, created = pay(session, 1_000, plot="A-1", idempotency_key="p-1",
                         check=plot_open("A-1"))
    assert (again.id, created) == (first.id, False)
    assert asked == ["B-1", "A-1"]                      # not asked again for the repeat
    assert balance(session) == 9_000                    # 100.00 - 10.00


# -- repeats --------------------------------------------------------------------------------------

def test_a_repeated_request_returns_the_first_entry_and_changes_nothing(session):
    gift, _ = give(session, 20_000, idempotency_key="hh-1", occurred_on=date(2026, 11, 1))
    payment, _ = pay(session, 5_000, idempotency_key="pay-1")
    reversal, _ = undo(session, payment.id, idempotency_key="undo-1")
    before = snapshot(session, Base.metadata)
    assert give(session, 20_000, idempotency_key="hh-1", occurred_on=date(2026, 11, 1)) == \
        (gift, False)
    assert pay(session, 5_000, idempotency_key="pay-1") == (payment, False)
    assert undo(session, payment.id, idempotency_key="undo-1") == (reversal, False)
    assert snapshot(session, Base.metadata) == before
    assert balance(session) == 20_000                   # 200.00 - 50.00 + 50.00
    assert (gift.idempotency_key, len(gift.fingerprint)) == ("hh-1", 64)
    assert give(session, 100)[0].fingerprint is None    # no key, nothing to compare with


def test_the_fingerprint_kept_with_an_entry_is_the_request_as_written_down_before(session):
    """Fingerprints are stored (the cat fund's since its first entry): a repeat of a request
    made before this code must still match. The request, without its key, as canonical JSON
    (keys sorted, Chinese as is, a date as YYYY-MM-DD), then SHA-256."""
    gift, _ = give(session, 20_000, donor_name="和泓物业", occurred_on=date(2026, 11, 1),
                   idempotency_key="hh-1")
    written = ('["donation", {"amount": 20000, "channel": "cash", "donor_name": "和泓物业", '
               '"occurred_on": "2026-11-01"}]')
    assert gift.fingerprint == hashlib.sha256(written.encode("utf-8")).hexdigest()


def test_a_request_repeated_with_its_fields_in_another_order_is_the_same_request(session):
    asked = {"amount": 20_000, "channel": "cash", "donor_name": "和泓物业",
             "occurred_on": date(2026, 11, 1), "idempotency_key": "hh-1"}
    gift, _ = BOOKS.record_donation(session, HOME, asked, BY, NOW)
    again = dict(reversed(list(asked.items())))         # as another client may send them
    assert BOOKS.record_donation(session, HOME, again, BY, NOW) == (gift, False)
    assert balance(session) == 20_000


def test_a_key_used_for_something_else_is_refused_and_changes_nothing(session):
    give(session, 20_000, idempotency_key="hh-1")       # GF-2026-000001
    payment, _ = pay(session, 5_000, idempotency_key="pay-1")
    other, _ = pay(session, 1_000)
    with pytest.raises(Conflict):
        give(session, 30_000, idempotency_key="hh-1")
    assert refused(session, lambda: give(session, 30_000, idempotency_key="hh-1")) == (
        "idempotency_conflict", "幂等键 hh-1 已用于另一笔不同的记录（GF-2026-000001），请换一个键",
        "Idempotency key hh-1 was already used for a different entry (GF-2026-000001); "
        "use a new key", "idempotency_key")
    assert refused(session, lambda: pay(session, 6_000, idempotency_key="pay-1"))[0] == \
        "idempotency_conflict"
    assert refused(session, lambda: pay(session, 5_000, idempotency_key="hh-1"))[0] == \
        "idempotency_conflict"                          # the same figures, but not a donation
    undo(session, payment.id, idempotency_key="undo-1")
    assert refused(session, lambda: undo(session, other.id, idempotency_key="undo-1"))[0] == \
        "idempotency_conflict"
    assert give(session, 30_000, community="sunny-park", idempotency_key="hh-1")[1]
    assert balance(session) == 19_000                   # 200.00 - 50.00 - 10.00 + 50.00


# -- reversals ------------------------------------------------------------------------------------

def test_reversing_a_payment_gives_back_exactly_its_amount_in_its_category(session):
    give(session, 10_000)
    payment, _ = pay(session, 3_000, category="tools", plot="A-3",
                     occurred_on=date(2026, 10, 5))
    reversal, created = undo(session, payment.id)
    assert created
    assert (reversal.number, reversal.kind, reversal.amount_fen, reversal.delta_fen) == (
        "GF-2026-000003", "reversal", 3_000, 3_000)
    assert (reversal.reverses_id, reversal.reverses.number, reversal.reason) == (
        payment.id, "GF-2026-000002", "登记错了")
    assert (reversal.category, reversal.plot) == ("tools", "A-3")
    assert reversal.occurred_on == date(2026, 11, 27)   # booked the day it is made
    assert as_utc(reversal.recorded_at) == NOW and reversal.recorded_by == BY
    assert balance(session) == 10_000
    assert BOOKS.reversed_by(session, [payment.id, reversal.id]) == {payment.id: "GF-2026-000003"}


def test_reversing_a_donation_takes_it_back_by_its_channel(session):
    gift, _ = give(session, 8_000, channel="alipay", plot="C-2")
    reversal, _ = undo(session, gift.id)
    assert (reversal.delta_fen, reversal.channel, reversal.plot, reversal.category) == (
        -8_000, "alipay", "C-2", None)
    assert balance(session) == 0 and BOOKS.ledger_sum(session, HOME) == 0


def test_an_entry_is_reversed_once_and_a_reversal_never(session):
    give(session, 10_000)
    payment, _ = pay(session, 3_000)                    # GF-2026-000002
    reversal, _ = undo(session, payment.id)             # GF-2026-000003
    assert refused(session, lambda: undo(session, payment.id)) == (
        "already_reversed", "GF-2026-000002 已于 GF-2026-000003 冲正，不能重复冲正",
        "GF-2026-000002 was already reversed by GF-2026-000003", None)
    assert refused(session, lambda: undo(session, reversal.id)) == (
        "reversal_of_reversal", "GF-2026-000003 本身是一笔冲正，不能再冲正；如需更正请重新登记",
        "GF-2026-000003 is itself a reversal and cannot be reversed; record the entry again "
        "instead", None)
    assert balance(session) == 10_000


def test_reversing_a_donation_already_spent_is_refused(session):
    gift, _ = give(session, 10_000)                     # 100.00
    pay(session, 8_000)                                 # 80.00 spent: 20.00 left
    assert refused(session, lambda: undo(session, gift.id)) == (
        "insufficient_funds", "冲正这笔捐款会使余额为负：当前余额 20.00 元，需冲回 100.00 元",
        "Reversing this donation would make the balance negative: the balance is 20.00 yuan, "
        "the donation 100.00 yuan", None)
    rest, _ = pay(session, 2_000)                       # nothing left
    assert undo(session, rest.id)[0].delta_fen == 2_000  # undoing a payment only gives back
    assert balance(session) == 2_000


def test_an_entry_of_another_community_or_none_is_not_found(session):
    theirs, _ = give(session, 10_000, community="sunny-park")
    give(session, 10_000)
    told = refused(session, lambda: undo(session, theirs.id))
    assert told == ("entry_not_found", f"没有编号为 {theirs.id} 的账目",
                    f"No ledger entry number {theirs.id}", None)
    assert refused(session, lambda: undo(session, 9_999))[0] == "entry_not_found"
    with pytest.raises(NotFound):
        BOOKS.get_entry(session, HOME, theirs.id)
    assert BOOKS.get_entry(session, "sunny-park", theirs.id) is theirs
    assert balance(session, "sunny-park") == 10_000


def test_numbers_run_on_within_the_beijing_year_and_start_again_with_the_next(session):
    new_year = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)    # 00:30 on 1 January in Beijing
    first, _ = give(session, 100)
    second, _ = give(session, 100, community="sunny-park")   # one series for the program
    january, _ = give(session, 100, now=new_year)
    third, _ = give(session, 100, now=datetime(2026, 12, 31, 15, 59, tzinfo=UTC))  # 23:59
    assert [e.number for e in (first, second, january, third)] == [
        "GF-2026-000001", "GF-2026-000002", "GF-2027-000001", "GF-2026-000003"]
    assert (january.occurred_on, third.occurred_on) == (date(2027, 1, 1), date(2026, 12, 31))


def test_each_program_numbers_its_entries_with_its_own_prefix_and_keeps_its_own_columns(
        session):
    hotline = Ledger(Fund, Entry, NumberSeries, prefix="HL")      # no columns of its own
    garden = Ledger(Fund, Entry, NumberSeries, prefix="GF", columns=("plot",))
    first, _ = hotline.record_donation(session, HOME, {"amount": 100, "channel": "cash",
                                                       "plot": "A-1"}, BY, NOW)
    second, _ = garden.record_donation(session, HOME, {"amount": 100, "channel": "cash",
                                                       "plot": "A-1"}, BY, NOW)
    assert [(e.number, e.plot) for e in (first, second)] == [("HL-2026-000001", None),
                                                              ("GF-2026-000002", "A-1")]
    assert hotline.read_fund(session, HOME).balance_fen == 200


# -- the public report's totals -------------------------------------------------------------------

def test_the_public_totals_count_reversals_as_what_they_take_back(session):
    """September: the committee gives 1000.00 (the 5th, typed in after) and a resident 250.50
    (the 12th). October: 200.00 for seeds, 100.00 for tools. On 27 November the resident's
    250.50 is given back and the tools payment reversed (both booked that day).

        income     1000.00 + 250.50 - 250.50              = 1000.00
        spending    200.00 + 100.00 - 100.00              =  200.00
        balance    1000.00 - 200.00                       =  800.00
        2026-09    income 1250.50, spending 0.00          -> 1250.50 at month end
        2026-10    income    0.00, spending 300.00        ->  950.50
        2026-11    income -250.50, spending -100.00       ->  800.00   (950.50 - 250.50 + 100.00)
    """
    resident, _ = give(session, 25_050, occurred_on=date(2026, 9, 12), donor_name="刘女士")
    committee, _ = give(session, 100_000, occurred_on=date(2026, 9, 5))
    seeds, _ = pay(session, 20_000, occurred_on=date(2026, 10, 3))
    tools, _ = pay(session, 10_000, category="tools", occurred_on=date(2026, 10, 20))
    back, _ = undo(session, resident.id)
    unpaid, _ = undo(session, tools.id)
    give(session, 5_000, community="sunny-park")        # another community's: not counted

    entries = BOOKS.entries(session, HOME)
    assert [e.id for e in entries] == [committee.id, resident.id, seeds.id, tools.id, back.id,
                                       unpaid.id]           # by date, then as recorded
    assert [is_income(e) for e in entries] == [True, True, False, False, True, False]
    figures = totals(entries)
    assert figures == {
        "income": 100_000, "spending": 20_000, "balance": 80_000, "entry_count": 6,
        "spending_by_category": {"seeds": 20_000, "tools": 0},
        "by_month": [
            {"month": "2026-09", "income": 125_050, "spending": 0, "spending_by_category": {},
             "balance_at_month_end": 125_050},
            {"month": "2026-10", "income": 0, "spending": 30_000,
             "spending_by_category": {"seeds": 20_000, "tools": 10_000},
             "balance_at_month_end": 95_050},
            {"month": "2026-11", "income": -25_050, "spending": -10_000,
             "spending_by_category": {"tools": -10_000}, "balance_at_month_end": 80_000}]}
    assert BOOKS.totals(session, HOME) == figures
    assert figures["balance"] == balance(session) == BOOKS.ledger_sum(session, HOME)


def test_the_entries_come_with_what_they_reverse_and_the_programs_own_loading(session):
    """A report is built from the entries, also after its transaction has ended: what each
    reverses is loaded with them, and the program's own loader options are applied (here: the
    description left out, so that reading it is refused)."""
    gift, _ = give(session, 1_000, description="捐款")
    undo(session, gift.id)
    session.commit()
    with Session(session.get_bind()) as report:        # the report's own transaction
        entries = BOOKS.entries(report, HOME, defer(Entry.description, raiseload=True))
        with pytest.raises(InvalidRequestError, match="raiseload"):
            print(entries[1].description)               # the reversal's: left out as asked
    assert [e.reverses.number if e.reverses else None for e in entries] == [
        None, "GF-2026-000001"]


# -- on PostgreSQL --------------------------------------------------------------------------------

@pytest.fixture
def pg():
    """The garden's ledger in a PostgreSQL database of its own, dropped afterwards."""
    with postgres_database("minzi_ledger_test") as url:
        engine = make_engine(url)
        try:
            Base.metadata.create_all(engine)
            yield engine, sessionmaker(engine, expire_on_commit=False)
        finally:
            engine.dispose()


def test_on_postgresql_two_spenders_at_once_never_take_the_balance_below_zero(pg):
    """100.00 in the fund; two people each pay 60.00 at the same moment. The second, who saw
    100.00 a moment before, waits for the first's transaction, then finds 40.00 left and is
    refused: one payment, 40.00 left."""
    engine, sessions = pg
    with sessions() as session:
        give(session, 10_000)
        session.commit()
    first = sessions()
    pay(first, 6_000, invoice_ref="FP-A")               # the fund is locked until commit
    outcome, seen = [], []

    def second_spender():
        with sessions() as session:
            on_screen = BOOKS.read_fund(session, HOME)  # 100.00, still on their screen
            seen.append(on_screen.balance_fen)
            try:
                pay(session, 6_000, invoice_ref="FP-B")
                session.commit()
                outcome.append("paid")
            except DomainError as refusal:
                session.rollback()
                outcome.append(refusal.code)

    spender = threading.Thread(target=second_spender)
    spender.start()

    def second_is_waiting():
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar()

    wait_for(second_is_waiting, message="the second spender waiting for the fund's lock")
    first.commit()
    first.close()
    spender.join(timeout=20)
    assert (seen, outcome) == ([10_000], ["insufficient_funds"])
    with sessions() as session:
        assert balance(session) == 4_000                # 100.00 - 60.00
        assert BOOKS.ledger_sum(session, HOME) == 4_000
        assert session.scalars(select(Entry.invoice_ref).where(Entry.kind == "expense")).all() \
            == ["FP-A"]
