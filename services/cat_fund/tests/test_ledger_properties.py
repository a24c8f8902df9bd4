"""Property: any sequence of donations, spending and reversals keeps the balance equal to the sum
of the entries and never below zero; a refused operation changes nothing."""
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from cat_fund.domain import ledger
from cat_fund.domain.spending import CATEGORIES
from cat_fund.models import Base, Entry, Fund
from minzi.api import DomainError

BY = {"id": 1, "username": "t", "name": "测试", "role": "program_staff"}
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
COMMUNITY = "rainbow-city"

amounts = st.integers(min_value=1, max_value=50_000)  # fen
operations = st.lists(st.one_of(
    st.tuples(st.just("donate"), amounts),
    st.tuples(st.just("spend"), amounts, st.sampled_from(sorted(CATEGORIES))),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=40)),
    st.tuples(st.just("repeat"), st.integers(min_value=0, max_value=40)),
), max_size=30)


def state(session):
    fund = session.get(Fund, COMMUNITY)
    count = session.scalar(select(func.count()).select_from(Entry))
    return (fund.balance_fen if fund else 0), ledger.ledger_sum(session, COMMUNITY), count


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_the_balance_is_the_sum_of_the_entries_and_never_negative(ops):
    engine = create_engine("sqlite://", poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    expected = 0
    made = []  # (entry id, delta, kind, idempotency key)
    try:
        for step, op in enumerate(ops):
            with sessions() as session:
                before = state(session)
                try:
                    if op[0] == "donate":
                        key = f"d{step}"
                        entry, created = ledger.record_donation(session, COMMUNITY, {
                            "amount": op[1], "channel": "cash", "donor_name": "x",
                            "idempotency_key": key}, BY, NOW)
                        made.append((entry.id, op[1], "donation", key, op))
                        expected += op[1]
                    elif op[0] == "spend":
                        key = f"s{step}"
                        entry, created = ledger.record_expense(session, COMMUNITY, {
                            "amount": op[1], "category": op[2], "invoice_ref": "i",
                            "approved_by": "a", "idempotency_key": key}, BY, NOW)
                        assert before[0] >= op[1], "an overspend was accepted"
                        made.append((entry.id, -op[1], "expense", key, op))
                        expected -= op[1]
                    elif op[0] == "reverse" and made:
                        target_id, delta, kind, _, _ = made[op[1] % len(made)]
                        entry, created = ledger.reverse_entry(
                            session, COMMUNITY, target_id, {"reason": "r"}, BY, NOW)
                        assert kind != "reversal", "a reversal was reversed"
                        made.append((entry.id, -delta, "reversal", None, op))
                        expected -= delta
                    elif op[0] == "repeat" and made:
                        target_id, _, kind, key, original = made[op[1] % len(made)]
                        if key is None:
                            continue
                        data = ({"amount": original[1], "channel": "cash", "donor_name": "x",
                                 "idempotency_key": key} if kind == "donation" else
                                {"amount": original[1], "category": original[2],
                                 "invoice_ref": "i", "approved_by": "a", "idempotency_key": key})
                        record = (ledger.record_donation if kind == "donation"
                                  else ledger.record_expense)
                        entry, created = record(session, COMMUNITY, data, BY, NOW)
                        assert not created and entry.id == target_id
                    else:
                        continue
                    session.commit()
                except DomainError as refused:
                    session.rollback()
                    assert refused.code in ("insufficient_funds", "already_reversed",
                                            "reversal_of_reversal")
                    assert state(session) == before, "a refused operation changed something"
            with sessions() as session:
                balance, total, _ = state(session)
                assert balance == total == expected
                assert balance >= 0
    finally:
        engine.dispose()
