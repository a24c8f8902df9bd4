"""The outbox: what a transaction writes, and how the relay sends it (a stand-in broker here)."""
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from minzi.bus import Unroutable
from minzi.db import InboxMixin, OutboxMixin, as_utc, make_engine
from minzi.envelope import utcnow
from minzi.store import OutboxRelay, Store, StoreHandle
from minzi.testing import postgres_database, statements_sent


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


class Relay:
    def __init__(self):
        self.woken = 0

    def wake(self):
        self.woken += 1


class Broker:
    """Takes messages like ConfirmingPublisher; refuses the ones named in ``refuse``; has no
    queue bound for the routing keys in ``unbound`` (which a ``mandatory`` publish is told)."""

    def __init__(self, refuse=(), unbound=()):
        self.sent = []
        self.refuse = set(refuse)
        self.unbound = set(unbound)
        self.mandatory = []

    def publish(self, body, routing_key, mandatory=False):
        self.mandatory.append(mandatory)
        if body["n"] in self.refuse:
            raise ConnectionError("broker away " + "x" * 3000)
        if routing_key in self.unbound:
            if mandatory:
                raise Unroutable(routing_key)
            return                                    # dropped, as the broker would
        self.sent.append((routing_key, body["n"]))


class BatchBroker(Broker):
    """Takes a batch and confirms it at once, like ``ConfirmingPublisher.publish_many``: for
    each message None (the broker has it) or ``Unroutable``; raises when it refuses one of them
    (a nack), and then none of the batch counts as sent."""

    def __init__(self, **options):
        super().__init__(**options)
        self.batches = []

    def publish_many(self, messages, mandatory=False):
        self.mandatory.append(mandatory)
        self.batches.append([body["n"] for body, _ in messages])
        if any(body["n"] in self.refuse for body, _ in messages):
            raise ConnectionError("the broker refused (nack) a message of the batch")
        outcomes = []
        for body, routing_key in messages:
            if routing_key in self.unbound:
                outcomes.append(Unroutable(routing_key) if mandatory else None)
                continue
            self.sent.append((routing_key, body["n"]))
            outcomes.append(None)
        return outcomes


def relay_on(tmp_path, rows=0, broker=None, **options):
    engine = create_engine(f"sqlite:///{tmp_path}/outbox.db")
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions() as session:
        session.add_all(Outbox(event_id=f"e{n}", routing_key=f"case.reported.{n}", body={"n": n})
                        for n in range(1, rows + 1))
        session.commit()
    relay = OutboxRelay(sessions, Outbox, "amqp://guest:guest@127.0.0.1:5672//", **options)
    relay.publisher = broker or Broker()
    return relay, sessions


def outbox(sessions):
    with sessions() as session:
        return {row.body["n"]: row for row in session.scalars(select(Outbox))}


def test_pending_rows_leave_in_order_a_batch_at_a_time_and_are_marked_sent(tmp_path):
    relay, sessions = relay_on(tmp_path, rows=5, batch_size=2)
    before = utcnow()
    assert relay.publish_pending() == 2
    assert relay.publisher.sent == [("case.reported.1", 1), ("case.reported.2", 2)]
    rows = outbox(sessions)
    assert all(before <= as_utc(rows[n].published_at) <= utcnow() for n in (1, 2))
    assert [rows[n].published_at for n in (3, 4, 5)] == [None, None, None]
    assert relay.publish_pending() == 2
    assert relay.publish_pending() == 1
    assert relay.publish_pending() == 0
    assert [n for _, n in relay.publisher.sent] == [1, 2, 3, 4, 5]   # each once, in order


@pytest.fixture
def pg():
    """The outbox in a PostgreSQL database of its own, dropped afterwards."""
    with postgres_database("minzi_outbox_test") as url:
        engine = make_engine(url)
        try:
            Base.metadata.create_all(engine)
            yield engine, sessionmaker(engine, expire_on_commit=False)
        finally:
            engine.dispose()


def relay_on_postgresql(pg, rows, broker, **options):
    """A relay as a service runs it on PostgreSQL (row locks, SKIP LOCKED), ``rows`` waiting."""
    _, sessions = pg
    with sessions() as session:
        session.add_all(Outbox(event_id=f"e{n}", routing_key=f"case.reported.{n}",
                               body={"n": n}) for n in range(1, rows + 1))
        session.commit()
    relay = OutboxRelay(sessions, Outbox, "amqp://guest:guest@127.0.0.1:5672//",
                        skip_locked=True, **options)
    relay.publisher = broker
    return relay, sessions


@pytest.mark.parametrize("broker", [Broker, BatchBroker], ids=["one by one", "a batch"])
def test_on_postgresql_a_message_refused_once_still_leaves_before_those_written_after_it(pg,
                                                                                       broker):
    """As a service runs it: several copies share the outbox (row locks, SKIP LOCKED). The row
    the broker refused is rewritten (its attempt counted); its page being full of the rows
    written after it, PostgreSQL stores the new version after them. The relay still sends in
    the order written."""
    engine, sessions = pg
    story = "居民来访求助，楼上漏水，" * 12    # a resident's words: about 1 kB a row
    with sessions() as session:
        session.add_all(Outbox(event_id=f"e{n}", routing_key=f"case.reported.{n}",
                               body={"n": n, "description": f"{n} {story}"})
                        for n in range(1, 41))
        session.commit()
    relay = OutboxRelay(sessions, Outbox, "amqp://guest:guest@127.0.0.1:5672//",
                        skip_locked=True)
    relay.publisher = broker(refuse={1})
    with pytest.raises(ConnectionError):
        relay.publish_pending()                               # 1 refused: its attempt counted
    assert relay.publisher.sent == []
    with engine.connect() as connection:                      # asked for no order, PostgreSQL
        stored = connection.execute(text(                     # gives 1 after the others now
            "SELECT id FROM outbox WHERE published_at IS NULL")).scalars().all()
    assert stored[0] != 1 and sorted(stored) == list(range(1, 41))
    relay.publisher.refuse.clear()
    assert relay.publish_pending() == 40
    assert relay.publisher.sent == [(f"case.reported.{n}", n) for n in range(1, 41)]


class SlowBroker(Broker):
    """Takes each message, then holds the relay until let go."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.go_on = threading.Event()

    def publish(self, body, routing_key, mandatory=False):
        super().publish(body, routing_key, mandatory)
        self.hold()

    def hold(self):
        self.holding.set()
        assert self.go_on.wait(20), "never let go"


class SlowBatchBroker(SlowBroker, BatchBroker):
    """Takes a batch, then holds the relay until let go before confirming it."""

    def publish_many(self, messages, mandatory=False):
        outcomes = BatchBroker.publish_many(self, messages, mandatory)
        self.hold()
        return outcomes


@pytest.mark.parametrize("slow, other", [(SlowBroker, Broker), (SlowBatchBroker, BatchBroker)],
                         ids=["one by one", "a batch"])
def test_on_postgresql_two_copies_of_a_service_never_send_one_message_twice(pg, slow, other):
    """While one copy's relay is sending a batch, the other's finds nothing left to send."""
    _, sessions = pg
    with sessions() as session:
        session.add_all(Outbox(event_id=f"e{n}", routing_key=f"case.reported.{n}",
                               body={"n": n}) for n in range(1, 4))
        session.commit()
    first, second = (OutboxRelay(sessions, Outbox, "amqp://guest:guest@127.0.0.1:5672//",
                                 skip_locked=True) for _ in range(2))
    first.publisher, second.publisher = slow(), other()
    sent_by_first = []
    sending = threading.Thread(target=lambda: sent_by_first.append(first.publish_pending()))
    sending.start()
    try:
        assert first.publisher.holding.wait(20), "the first copy never began sending"
        assert second.publish_pending() == 0                  # 1 being sent, 2 and 3 taken
    finally:
        first.publisher.go_on.set()
        sending.join(20)
    assert sent_by_first == [3]
    assert [n for _, n in first.publisher.sent] == [1, 2, 3] and second.publisher.sent == []
    assert second.publish_pending() == 0


def test_on_postgresql_a_batch_is_taken_and_marked_in_one_statement_and_sent_in_order(pg):
    """As a service runs it on PostgreSQL: the next rows no other copy holds are marked sent
    as they are taken (``UPDATE … RETURNING``), published, and the mark committed once the
    broker has confirmed them."""
    relay, sessions = relay_on_postgresql(pg, rows=5, broker=BatchBroker(), batch_size=3)
    engine = pg[0]
    sent = statements_sent(engine)
    before = utcnow()
    assert relay.publish_pending() == 3
    assert [" ".join(s.split())[:20] for s in sent] == ["UPDATE outbox SET pu"]
    assert "FOR UPDATE SKIP LOCKED" in sent[0] and "RETURNING" in sent[0]
    assert relay.publisher.batches == [[1, 2, 3]]
    rows = outbox(sessions)
    assert all(before <= as_utc(rows[n].published_at) <= utcnow() for n in (1, 2, 3))
    assert [(rows[n].published_at, rows[n].attempts) for n in (4, 5)] == [(None, 0)] * 2
    assert relay.publish_pending() == 2 and relay.publish_pending() == 0
    assert relay.publisher.sent == [(f"case.reported.{n}", n) for n in range(1, 6)]


def test_on_postgresql_a_message_no_queue_takes_is_unmarked_and_kept_apart(pg, caplog):
    relay, sessions = relay_on_postgresql(pg, rows=3,
                                          broker=BatchBroker(unbound={"case.reported.2"}))
    assert relay.publish_pending() == 3
    rows = outbox(sessions)
    assert (rows[2].published_at, rows[2].attempts) == (None, 1)
    assert rows[2].last_error == "unroutable: no queue is bound for case.reported.2"
    assert rows[1].published_at is not None and rows[3].published_at is not None
    assert relay.publish_pending() == 0                      # the others do not take it up
    assert relay.publish_pending(unroutable=True) == 1       # tried again apart: logged once
    assert [r.getMessage() for r in caplog.records if r.name == "minzi.store"] == [
        "outbox 2 (e2): unroutable: no queue is bound for case.reported.2; kept, and tried "
        "again every 30 s"]
    relay.publisher.unbound.clear()
    assert relay.publish_pending(unroutable=True) == 1
    assert outbox(sessions)[2].published_at is not None
    assert [n for _, n in relay.publisher.sent] == [1, 3, 2]


def test_a_refused_message_keeps_its_row_with_the_error_and_the_relay_tries_again(tmp_path):
    relay, sessions = relay_on(tmp_path, rows=3, broker=Broker(refuse={2}))
    with pytest.raises(ConnectionError):
        relay.publish_pending()
    rows = outbox(sessions)
    assert rows[1].published_at is not None           # sent before the failure: kept as sent
    assert (rows[2].published_at, rows[2].attempts) == (None, 1)
    assert rows[2].last_error.startswith("broker away xxx") and len(rows[2].last_error) == 2000
    assert (rows[3].published_at, rows[3].attempts, rows[3].last_error) == (None, 0, None)
    with pytest.raises(ConnectionError):
        relay.publish_pending()
    assert outbox(sessions)[2].attempts == 2
    relay.publisher.refuse.clear()
    assert relay.publish_pending() == 2
    assert [n for _, n in relay.publisher.sent] == [1, 2, 3]


def test_a_message_no_queue_takes_is_kept_and_holds_up_nothing(tmp_path, monkeypatch):
    """A program's queue deleted while it still announces itself: its case stays in the outbox,
    marked, while the rest leave; tried again apart, it leaves once the queue is back."""
    clock = [1000.0]
    monkeypatch.setattr("minzi.store.time.monotonic", lambda: clock[0])
    relay, sessions = relay_on(tmp_path, rows=3, broker=Broker(unbound={"case.reported.2"}))
    assert relay.work() is False
    assert [n for _, n in relay.publisher.sent] == [1, 3]
    assert set(relay.publisher.mandatory) == {True}   # every message asks to be routed
    row = outbox(sessions)[2]
    assert (row.published_at, row.attempts) == (None, 1)
    assert row.last_error == "unroutable: no queue is bound for case.reported.2"
    # the main pass leaves it be; the next try is 30 s later
    clock[0] += 29
    relay.work()
    assert outbox(sessions)[2].attempts == 1
    clock[0] += 1
    relay.work()
    assert outbox(sessions)[2].attempts == 2
    relay.publisher.unbound.clear()                   # the program declared its queue again
    clock[0] += 30
    relay.work()
    assert [n for _, n in relay.publisher.sent] == [1, 3, 2]
    assert outbox(sessions)[2].published_at is not None


def test_a_batch_leaves_at_once_in_order_and_is_marked_sent_together(tmp_path):
    relay, sessions = relay_on(tmp_path, rows=5, broker=BatchBroker(), batch_size=3)
    before = utcnow()
    assert relay.publish_pending() == 3
    assert relay.publisher.batches == [[1, 2, 3]]
    assert relay.publisher.mandatory == [True]        # every message asks to be routed
    rows = outbox(sessions)
    assert all(before <= as_utc(rows[n].published_at) <= utcnow() for n in (1, 2, 3))
    assert [(rows[n].published_at, rows[n].attempts) for n in (4, 5)] == [(None, 0)] * 2
    assert relay.publish_pending() == 2
    assert relay.publisher.sent == [(f"case.reported.{n}", n) for n in range(1, 6)]
    assert relay.publish_pending() == 0 and relay.publisher.batches[-1] == [4, 5]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_batch_the_broker_refuses_is_sent_again_whole(tmp_path, caplog, request, database):
    """A nack, a lost connection or no confirm: none of the batch is marked sent (on
    PostgreSQL, the rows marked as they were taken are unmarked), the first row counts the try
    and keeps why; the next pass sends them all (the consumers' inboxes take a message twice
    as once)."""
    broker = BatchBroker(refuse={2})
    relay, sessions = relay_on(tmp_path, rows=3, broker=broker) if database == "sqlite" else \
        relay_on_postgresql(request.getfixturevalue("pg"), rows=3, broker=broker)
    with pytest.raises(ConnectionError):
        relay.publish_pending()
    rows = outbox(sessions)
    assert [rows[n].published_at for n in (1, 2, 3)] == [None, None, None]
    assert (rows[1].attempts, rows[1].last_error) == (
        1, "the broker refused (nack) a message of the batch")
    assert [(rows[n].attempts, rows[n].last_error) for n in (2, 3)] == [(0, None)] * 2
    assert not [r for r in caplog.records if r.name == "minzi.store"]   # raised, not logged
    relay.publisher.refuse.clear()
    assert relay.publish_pending() == 3
    assert relay.publisher.batches == [[1, 2, 3], [1, 2, 3]]
    assert all(row.published_at is not None for row in outbox(sessions).values())


@pytest.mark.parametrize("broker", [Broker, BatchBroker], ids=["one by one", "a batch"])
def test_a_message_no_queue_takes_is_logged_once_however_often_it_is_tried(tmp_path, caplog,
                                                                            broker):
    relay, sessions = relay_on(tmp_path, rows=3, broker=broker(unbound={"case.reported.2"}))
    assert relay.publish_pending() == 3
    assert [n for _, n in relay.publisher.sent] == [1, 3]
    row = outbox(sessions)[2]
    assert (row.published_at, row.attempts) == (None, 1)
    assert row.last_error == "unroutable: no queue is bound for case.reported.2"
    said = ["outbox 2 (e2): unroutable: no queue is bound for case.reported.2; kept, and tried "
            "again every 30 s"]
    assert [r.getMessage() for r in caplog.records if r.name == "minzi.store"] == said
    assert relay.publish_pending(unroutable=True) == 1
    assert outbox(sessions)[2].attempts == 2
    assert [r.getMessage() for r in caplog.records if r.name == "minzi.store"] == said
    relay.publisher.unbound.clear()
    assert relay.publish_pending(unroutable=True) == 1
    assert outbox(sessions)[2].published_at is not None
    assert relay.publish_pending(unroutable=True) == 0


def test_a_batch_is_two_hundred_and_a_full_one_asks_for_more_at_once(tmp_path):
    relay, _ = relay_on(tmp_path, rows=201)
    assert relay.work() is True                       # 200 of 201: there is more
    assert len(relay.publisher.sent) == 200
    assert relay.work() is False
    assert len(relay.publisher.sent) == 201


def test_the_relay_prunes_when_it_starts_and_then_once_an_hour(tmp_path):
    relay, sessions = relay_on(tmp_path, inbox_model=Inbox)
    long_ago = utcnow() - timedelta(days=31)
    with sessions() as session:
        session.add(Outbox(event_id="old", routing_key="x", body={"n": 0}, published_at=long_ago))
        session.commit()
    relay.work()
    assert outbox(sessions) == {}
    with sessions() as session:
        session.add(Outbox(event_id="old2", routing_key="x", body={"n": 0},
                           published_at=long_ago))
        session.commit()
    relay.work()
    assert list(outbox(sessions)) == [0]              # the next prune is an hour away


def test_messages_are_kept_thirty_days_unless_told_otherwise(tmp_path):
    relay, sessions = relay_on(tmp_path)
    now = utcnow()
    with sessions() as session:
        for days in (29, 31):
            session.add(Outbox(event_id=f"d{days}", routing_key="x", body={"n": days},
                               published_at=now - timedelta(days=days)))
        session.commit()
    assert relay.prune(now) == (1, 0)                 # without an inbox, no inbox rows
    assert list(outbox(sessions)) == [29]
    assert relay.sweep_seconds == 5.0
    with sessions() as session:
        session.add(Outbox(event_id="d2", routing_key="x", body={"n": 2},
                           published_at=now - timedelta(days=2)))
        session.commit()
    short = OutboxRelay(sessions, Outbox, "amqp://guest:guest@127.0.0.1:5672//", keep_days=1)
    assert short.prune(now) == (2, 0)                # 29 and 2 days old: both past a day
    assert outbox(sessions) == {}


def handle_on(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/tx.db")
    Base.metadata.create_all(engine)
    raw = SimpleNamespace(sessions=sessionmaker(engine, expire_on_commit=False),
                          inbox_model=Inbox, outbox_model=Outbox, source="legal_aid",
                          relay=Relay())
    return StoreHandle(raw), raw


def test_an_event_is_typed_by_its_routing_key_and_tagged_with_its_community(tmp_path):
    handle, raw = handle_on(tmp_path)
    with handle.transaction(community="rainbow-city") as tx:
        dispatched = tx.publish("case.dispatched.legal_aid", {"case_id": 1})
        reported = tx.publish("case.reported", {"case_id": 1}, community="sun-garden")
        named = tx.publish("lecture.planned.x.y", {}, type_="lecture.planned", version=2)
        plain = tx.publish("program.discover.now", {})
    assert (dispatched["type"], dispatched["community"], dispatched["source"],
            dispatched["version"]) == ("case.dispatched", "rainbow-city", "legal_aid", 1)
    assert (reported["type"], reported["community"]) == ("case.reported", "sun-garden")
    assert (named["type"], named["version"]) == ("lecture.planned", 2)
    assert plain["type"] == "program.discover"
    assert tx.published == [dispatched, reported, named, plain]
    with handle.session() as session:
        rows = session.scalars(select(Outbox).order_by(Outbox.id)).all()
        assert [(r.event_id, r.routing_key, r.body) for r in rows] == [
            (e["event_id"], key, e) for e, key in [
                (dispatched, "case.dispatched.legal_aid"), (reported, "case.reported"),
                (named, "lecture.planned.x.y"), (plain, "program.discover.now")]]
        assert session.scalars(select(Inbox)).all() == []   # not a message: no inbox row
    assert raw.relay.woken == 1


def test_a_handler_without_a_name_is_the_default_and_nothing_published_wakes_nobody(tmp_path):
    handle, raw = handle_on(tmp_path)
    with handle.transaction(event_id="e-9") as tx:
        assert tx.duplicate is False
    with handle.transaction(event_id="e-9", handler="default") as tx:
        assert tx.duplicate is True
    with handle.session() as session:
        assert [(i.event_id, i.handler) for i in session.scalars(select(Inbox))] == [
            ("e-9", "default")]
    assert raw.relay.woken == 0


def test_a_read_session_keeps_nothing(tmp_path):
    handle, _ = handle_on(tmp_path)
    with handle.session() as session:
        session.add(Inbox(event_id="x", handler="h"))
        session.flush()
    with handle.session() as session:
        assert session.scalars(select(Inbox)).all() == []


def test_a_store_publishes_as_its_service():
    store = Store("legal_aid", Outbox, Inbox, create_tables=True)
    assert (store.source, store.outbox_model, store.inbox_model, store.create_tables) == (
        "legal_aid", Outbox, Inbox, True)
    assert Store("intake", Outbox, Inbox).create_tables is False


def test_what_is_exactly_thirty_days_old_is_kept_one_moment_more(tmp_path):
    relay, sessions = relay_on(tmp_path, inbox_model=Inbox)
    now = utcnow()
    edge, past = now - timedelta(days=30), now - timedelta(days=30, seconds=1)
    with sessions() as session:
        session.add_all([Outbox(event_id="edge", routing_key="x", body={"n": 1}, published_at=edge),
                         Outbox(event_id="past", routing_key="x", body={"n": 2}, published_at=past),
                         Inbox(event_id="edge", handler="h", processed_at=edge),
                         Inbox(event_id="past", handler="h", processed_at=past)])
        session.commit()
    assert relay.prune(now) == (1, 1)
    assert list(outbox(sessions)) == [1]
    with sessions() as session:
        assert [i.event_id for i in session.scalars(select(Inbox))] == ["edge"]
