"""Against a real PostgreSQL: many payments at once never overdraw the fund, and the migrations
build the schema the models describe."""
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from minzi.api import DomainError
from minzi.db import make_engine
from minzi.run import migrate, service_root
from minzi.testing import postgres_database

from cat_fund.domain import ledger
from cat_fund.models import Entry

BY = {"id": 1, "username": "t", "name": "测试", "role": "program_staff"}
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def pg_sessions():
    with postgres_database("cat_fund_test") as url:
        migrate("cat_fund", service_root("cat_fund"), {"DATABASE_URL": url})
        engine = make_engine(url)
        try:
            yield sessionmaker(engine, expire_on_commit=False)
        finally:
            engine.dispose()


def test_concurrent_spending_never_overdraws(pg_sessions):
    with pg_sessions() as session:
        ledger.record_donation(session, "rainbow-city", {"amount": 10_000, "channel": "cash",
                                                         "donor_name": "居委会"}, BY, NOW)
        session.commit()
    outcomes = []
    start = threading.Event()

    def pay(n):
        start.wait()
        with pg_sessions() as session:
            try:
                ledger.record_expense(session, "rainbow-city", {
                    "amount": 1_500, "category": "vet", "invoice_ref": f"INV-{n}",
                    "approved_by": "张站长"}, BY, NOW)
                session.commit()
                outcomes.append("paid")
            except DomainError as refused:
                session.rollback()
                outcomes.append(refused.code)

    threads = [threading.Thread(target=pay, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["insufficient_funds"] * 6 + ["paid"] * 6
    with pg_sessions() as session:
        assert ledger.read_fund(session, "rainbow-city").balance_fen == 1_000
        assert ledger.ledger_sum(session, "rainbow-city") == 1_000
        numbers = session.scalars(select(Entry.number)).all()
        assert len(numbers) == len(set(numbers)) == 7


def test_concurrent_repeats_of_one_donation_record_it_once(pg_sessions):
    results = []
    start = threading.Event()

    def give():
        start.wait()
        with pg_sessions() as session:
            entry, created = ledger.record_donation(session, "rainbow-city", {
                "amount": 50_000, "channel": "wechat", "donor_name": "和泓物业",
                "idempotency_key": "hehong-1"}, BY, NOW)
            session.commit()
            results.append((entry.number, created))

    threads = [threading.Thread(target=give) for _ in range(6)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join()
    assert len(results) == 6 and len({number for number, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with pg_sessions() as session:
        assert session.scalar(select(func.count()).select_from(Entry)) == 1
        assert ledger.read_fund(session, "rainbow-city").balance_fen == 50_000
