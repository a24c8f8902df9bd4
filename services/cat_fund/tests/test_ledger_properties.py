"""Property: any sequence of donations, spending, reversals and repeated requests does to the
ledger exactly what a plain model of the rules predicts.

The model is counted here, independently of the ledger: a donation is accepted and adds its
amount; a payment within the balance is accepted and takes exactly its amount, a payment over
it is refused; a reversal gives back exactly what its entry moved, unless the entry is itself a
reversal, is already reversed, or giving it back would take the balance below zero; a request
repeated with its idempotency key returns the first entry. A refused operation changes nothing.
After every step the balance is the model's, the sum of the entries, and never negative.
"""
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from minzi.api import DomainError

from cat_fund.domain import ledger
from cat_fund.domain.spending import CATEGORIES
from cat_fund.models import Base, Entry, Fund

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


@dataclass
class Made:
    """An entry as the model knows it."""
    id: int
    kind: str
    delta: int
    data: dict | None = None     # the request, for a repeat (reversals are not repeated here)
    reversed: bool = False


def state(session):
    fund = session.get(Fund, COMMUNITY)
    count = session.scalar(select(func.count()).select_from(Entry))
    return (fund.balance_fen if fund else 0), ledger.ledger_sum(session, COMMUNITY), count


def donation(amount, key):
    return {"amount": amount, "channel": "cash", "donor_name": "x", "idempotency_key": key}


def expense(amount, category, key):
    return {"amount": amount, "category": category, "invoice_ref": "i", "approved_by": "a",
            "idempotency_key": key}


def run(session, op, step, balance, made):
    """Do ``op``; returns (what the model expected: a refusal's code or None, the code the
    ledger gave or None, the entry and whether it is new, the model's new balance)."""
    kind = op[0]
    if kind == "donate":
        expected, after = None, balance + op[1]
        call = partial(ledger.record_donation, session, COMMUNITY,
                       donation(op[1], f"d{step}"), BY, NOW)
    elif kind == "spend":
        expected = None if op[1] <= balance else "insufficient_funds"
        after = balance - op[1] if expected is None else balance
        call = partial(ledger.record_expense, session, COMMUNITY,
                       expense(op[1], op[2], f"s{step}"), BY, NOW)
    elif kind == "reverse":
        target = made[op[1] % len(made)]
        expected = ("reversal_of_reversal" if target.kind == "reversal"
                    else "already_reversed" if target.reversed
                    else "insufficient_funds" if balance - target.delta < 0 else None)
        after = balance - target.delta if expected is None else balance
        call = partial(ledger.reverse_entry, session, COMMUNITY, target.id, {"reason": "r"},
                       BY, NOW)
    else:  # repeat a donation or a payment with its key: the first entry, nothing new
        target = made[op[1] % len(made)]
        record = ledger.record_donation if target.kind == "donation" else ledger.record_expense
        expected, after = None, balance
        call = partial(record, session, COMMUNITY, target.data, BY, NOW)
    try:
        entry, created = call()
        return expected, None, entry, created, after
    except DomainError as refused:
        return expected, refused.code, None, False, after


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_the_ledger_does_what_the_model_of_its_rules_predicts(ops):
    engine = create_engine("sqlite://", poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    balance = 0
    made: list[Made] = []
    try:
        for step, op in enumerate(ops):
            if op[0] in ("reverse", "repeat") and not made:
                continue
            if op[0] == "repeat" and made[op[1] % len(made)].data is None:
                continue
            with sessions() as session:
                before = state(session)
                expected, code, entry, created, after = run(session, op, step, balance, made)
                assert code == expected, f"{op}: expected {expected or 'accepted'}, got " \
                                         f"{code or 'accepted'} (balance {balance})"
                if code is not None:
                    session.rollback()
                    assert state(session) == before, "a refused operation changed something"
                    continue
                session.commit()
            if op[0] == "repeat":
                target = made[op[1] % len(made)]
                assert (entry.id, created) == (target.id, False), "a repeat made a new entry"
            else:
                assert created, f"{op}: accepted, but not as a new entry"
                assert entry.delta_fen == after - balance, \
                    f"{op}: the entry moved {entry.delta_fen}, not {after - balance}"
                if op[0] == "reverse":
                    made[op[1] % len(made)].reversed = True
                data = (donation(op[1], f"d{step}") if op[0] == "donate" else
                        expense(op[1], op[2], f"s{step}") if op[0] == "spend" else None)
                made.append(Made(entry.id, entry.kind, entry.delta_fen, data))
            balance = after
            with sessions() as session:
                assert state(session) == (balance, balance, len(made))
                assert balance >= 0
    finally:
        engine.dispose()
