"""Against a real PostgreSQL (SQLite has no row locks): hires recorded at the same moment by
several staff never go beyond a position's count, and one application decided twice at once is
decided once."""
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from minzi.api import DomainError
from minzi.db import make_engine
from minzi.testing import RecordingTransaction, create_schema, postgres_database

from job_fair.domain import applications
from job_fair.models import Activity, Application, Base

from .conftest import (
    LI_NA_ID,
    NOW,
    STAFF,
    STANDARD_ID,
    ZHANG_WEI_ID,
    C,
    fair_with_position,
    interviewed,
    register,
)

# GB 11643 check characters by hand (the weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2):
# 7+9+0+5+0+20+2+9+54+0+0+9+0+5+16+12+8 = 156 = 14*11 + 2 -> X
# 7+9+0+5+0+20+2+9+48+0+0+9+0+5+0+0+2 = 116 = 10*11 + 6 -> 6
# 7+9+0+5+0+20+2+9+54+15+0+9+0+5+0+0+2 = 137 = 12*11 + 5 -> 7
IDS = [ZHANG_WEI_ID, LI_NA_ID, STANDARD_ID, "11010519900101234X", "110105198001010016",
       "110105199501010017"]


@pytest.fixture
def sessions():
    with postgres_database("job_fair_test") as url:
        create_schema(url, Base.metadata)
        engine = make_engine(url)
        try:
            yield sessionmaker(engine, expire_on_commit=False)
        finally:
            engine.dispose()


def six_interviewed(sessions, count: int) -> list[int]:
    """Six applicants interviewed for one position wanting ``count``: their application ids."""
    with sessions() as session:
        tx = RecordingTransaction(session)
        fair, _, position = fair_with_position(tx, count=count)
        ids = [interviewed(tx, fair, position, register(tx, f"求职者{n}", number)).id
               for n, number in enumerate(IDS)]
        session.commit()
    return ids


def at_once(sessions, work) -> list[str]:
    """Run each of ``work`` (a function of a transaction) in its own session, all released at
    the same moment; what each came to: "done" or the refusal's code."""
    outcomes = []
    start = threading.Event()

    def run(step):
        start.wait()
        with sessions() as session:
            try:
                step(RecordingTransaction(session))
                session.commit()
                outcomes.append("done")
            except DomainError as refused:
                session.rollback()
                outcomes.append(refused.code)

    threads = [threading.Thread(target=run, args=(step,)) for step in work]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_six_hires_at_once_for_a_position_wanting_two_hire_two(sessions):
    ids = six_interviewed(sessions, count=2)
    outcomes = at_once(sessions, [
        lambda tx, one=one: applications.decide(tx, C, one, True, None, STAFF, NOW)
        for one in ids])
    assert outcomes == ["done"] * 2 + ["position_filled"] * 4
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Application).where(
            Application.status == "hired")) == 2


def test_an_application_hired_and_turned_down_at_once_is_decided_once(sessions):
    # each of the six is hired by one member of staff and turned down by another at the same
    # moment: one of the two stands, the other is told it is decided already
    ids = six_interviewed(sessions, count=6)
    work = []
    for one in ids:
        work.append(lambda tx, one=one: applications.decide(tx, C, one, True, None, STAFF, NOW))
        work.append(lambda tx, one=one: applications.decide(tx, C, one, False, None, STAFF, NOW))
    assert at_once(sessions, work) == ["done"] * 6 + ["not_interviewed"] * 6
    with sessions() as session:
        decisions = session.scalars(select(Activity.entity_id).where(
            Activity.action.in_(("hired", "not_hired")))).all()
        assert sorted(decisions) == sorted(ids)
