"""What an outbox still holds, as ops' metrics read it (``outbox_state``)."""
from datetime import timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from minzi.db import InboxMixin, OutboxMixin
from minzi.envelope import utcnow
from minzi.store import UNROUTABLE_MARK, outbox_state


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


def sessions_on(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/outbox.db")
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


def row(n, created_at, published_at=None, last_error=None):
    return Outbox(event_id=f"e{n}", routing_key="case.reported", body={"n": n},
                  created_at=created_at, published_at=published_at, last_error=last_error)


def test_an_empty_outbox_holds_nothing_and_waits_for_nothing(tmp_path):
    with sessions_on(tmp_path)() as session:
        assert outbox_state(session, Outbox, utcnow()) == {
            "pending": 0, "unroutable": 0, "oldest_seconds": 0.0}


def test_pending_rows_are_counted_and_the_oldest_one_that_waits_is_timed(tmp_path):
    sessions = sessions_on(tmp_path)
    now = utcnow()
    with sessions() as session:
        session.add_all([
            row(1, now - timedelta(hours=2), published_at=now - timedelta(hours=2)),  # sent
            row(2, now - timedelta(minutes=30),
                last_error=f"{UNROUTABLE_MARK}: no queue for case.dispatched.gone"),
            row(3, now - timedelta(seconds=90), last_error="ConnectionError: broker away"),
            row(4, now - timedelta(seconds=5)),
            row(5, now - timedelta(minutes=50), published_at=now,
                last_error=f"{UNROUTABLE_MARK}: delivered since"),              # sent at last
        ])
        session.commit()
    with sessions() as session:
        # the unroutable row is pending and counted apart; the relay is 90 s behind on the others
        assert outbox_state(session, Outbox, now) == {
            "pending": 3, "unroutable": 1, "oldest_seconds": 90.0}


def test_an_outbox_holding_only_unroutable_rows_is_not_behind(tmp_path):
    sessions = sessions_on(tmp_path)
    now = utcnow()
    with sessions() as session:
        session.add(row(1, now - timedelta(hours=1), last_error=f"{UNROUTABLE_MARK}: x"))
        session.commit()
    with sessions() as session:
        assert outbox_state(session, Outbox, now) == {
            "pending": 1, "unroutable": 1, "oldest_seconds": 0.0}


def test_a_clock_a_little_behind_the_row_times_no_negative_wait(tmp_path):
    sessions = sessions_on(tmp_path)
    now = utcnow()
    with sessions() as session:
        session.add(row(1, now + timedelta(seconds=2)))
        session.commit()
    with sessions() as session:
        assert outbox_state(session, Outbox, now)["oldest_seconds"] == 0.0


def test_the_oldest_waiting_row_is_found_whatever_order_it_was_written_in(tmp_path):
    """A row that never failed (no error at all) waits too; the oldest is by its time, not by
    the order rows were written (a copy of the service may write an older one later)."""
    sessions = sessions_on(tmp_path)
    now = utcnow()
    with sessions() as session:
        session.add_all([row(1, now - timedelta(seconds=20)),
                         row(2, now - timedelta(seconds=75)),
                         row(3, now - timedelta(seconds=40))])
        session.commit()
    with sessions() as session:
        assert outbox_state(session, Outbox, now) == {
            "pending": 3, "unroutable": 0, "oldest_seconds": 75.0}
