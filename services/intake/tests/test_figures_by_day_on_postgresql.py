"""The days' counts on PostgreSQL with transactions side by side, migrated as in production:
a fold takes only the changes committed before it (a registration still open when it runs is
counted by the next), and two folds at once each take their own. Then migration 0013 on a
database that already holds cases counts them all."""
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.db import make_engine, normalise_url
from minzi.testing import RecordingTransaction, postgres_database

from intake.domain.figures import counted, fold_changes
from intake.models import case_figures_changes

from .conftest import NOW, register_case, seed
from .test_figures_by_day import a_story, case_by_case

ROOT = Path(__file__).resolve().parent.parent


def migrate(url: str, revision: str = "head") -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url))
    command.upgrade(config, revision)


@pytest.fixture
def engine():
    with postgres_database("minzi_intake_days") as url:
        migrate(url)
        engine = make_engine(normalise_url(url))
        with Session(engine) as session:
            seed(session)
            session.commit()
        yield engine
        engine.dispose()


def received(engine) -> int:
    with Session(engine) as session:
        return sum(r["received"] for r in counted(session, "rainbow-city", None, None,
                                                  group_by=()))


def changes_left(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(case_figures_changes))


def test_a_fold_leaves_a_registration_still_open_to_the_next(engine):
    with Session(engine) as first:
        register_case(RecordingTransaction(first), resident_phone="13900000001")
        first.commit()
    with Session(engine, expire_on_commit=False) as open_one:
        register_case(RecordingTransaction(open_one), now=NOW + timedelta(hours=1),
                      resident_phone="13900000002")
        open_one.flush()                       # its change is written, not yet committed
        with Session(engine) as folding:
            assert fold_changes(folding) == 1  # the first case's only
            folding.commit()
        assert received(engine) == 1
        open_one.commit()
    assert received(engine) == 2 and changes_left(engine) == 1
    with Session(engine) as folding:
        assert fold_changes(folding) == 1
        folding.commit()
    assert received(engine) == 2 and changes_left(engine) == 0


def test_two_folds_at_once_each_take_their_own(engine):
    with Session(engine) as session:
        for i in range(30):
            register_case(RecordingTransaction(session), now=NOW - timedelta(hours=i),
                          resident_phone=f"139{i:08d}")
        session.commit()
    folded, start = [], threading.Barrier(2)

    def fold():
        with Session(engine) as session:
            start.wait()
            folded.append(fold_changes(session))
            session.commit()
    threads = [threading.Thread(target=fold) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert changes_left(engine) == 0 and received(engine) == 30
    assert sum(folded) >= 1                    # (rows of days, each day's once)


def test_the_migration_counts_the_cases_already_there():
    import random
    with postgres_database("minzi_intake_days_migrated") as url:
        migrate(url)
        engine = make_engine(normalise_url(url))
        with Session(engine) as session:
            seed(session)
            a_story(RecordingTransaction(session), random.Random(3))
            session.commit()
            expected = case_by_case(session, "rainbow-city")
        with engine.begin() as connection:    # as before migration 0013: no counts kept
            connection.exec_driver_sql("DROP TRIGGER case_figures_update ON cases")
            connection.exec_driver_sql("DROP TRIGGER case_figures ON cases")
            connection.exec_driver_sql("DROP FUNCTION minzi_case_figures()")
            connection.exec_driver_sql("DROP TABLE case_figures_changes, case_figures_daily")
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0012'")
        engine.dispose()
        migrate(url, "0013")
        engine = make_engine(normalise_url(url))
        with Session(engine) as session:
            assert counted(session, "rainbow-city", None, None) == expected
            assert changes_left(engine) == 0
        engine.dispose()
