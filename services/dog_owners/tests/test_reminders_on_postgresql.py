"""Two copies of the service run the reminder timer at the same moment, on PostgreSQL: the
second does not see the first's reminder (not yet committed), tries to make the same one, waits
on the unique key, and once the first commits passes over the dog. One reminder per dog and
due date."""
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import sessionmaker

from minzi.db import make_engine
from minzi.testing import RecordingTransaction, postgres_database, wait_for

from dog_owners.domain import reminders
from dog_owners.models import Base, Reminder

from .conftest import NOW, add_dog, join, publish


@pytest.fixture
def pg():
    with postgres_database("minzi_dog_owners_test") as url:
        engine = make_engine(url)
        try:
            Base.metadata.create_all(engine)
            yield engine, sessionmaker(engine, expire_on_commit=False)
        finally:
            engine.dispose()


def test_two_copies_of_the_timer_at_once_make_one_reminder(pg):
    engine, sessions = pg
    with sessions() as session:
        tx = RecordingTransaction(session)
        publish(tx)
        add_dog(tx, join(tx), vaccinated_on=None)       # due today: one vaccination reminder
        session.commit()
    first = sessions()
    made_first = reminders.remind_due(first, NOW)        # its row written, not yet committed
    made_second = []

    def second_copy():
        with sessions() as session:
            made_second.extend(reminders.remind_due(session, NOW))
            session.commit()

    copy = threading.Thread(target=second_copy)
    copy.start()

    def second_is_waiting():
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar()

    wait_for(second_is_waiting, message="the second copy waiting on the reminder's key")
    first.commit()
    first.close()
    copy.join(timeout=20)
    assert (len(made_first), made_second) == (1, [])
    with sessions() as session:
        assert len(session.scalars(select(Reminder)).all()) == 1
