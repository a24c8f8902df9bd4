"""The outbox and inbox keep what is in flight and forget what is long done."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Integer, String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from minzi.db import InboxMixin, OutboxMixin, as_utc
from minzi.envelope import utcnow
from minzi.store import OutboxRelay, StoreHandle
from minzi.testing import statements_sent


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class Inbox(InboxMixin, Base):
    pass


def test_prune_forgets_only_what_is_done_and_old(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/store.db")
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    now = utcnow()
    old, recent = now - timedelta(days=40), now - timedelta(days=1)
    with sessions() as session:
        session.add_all([
            Outbox(event_id="old-sent", routing_key="x", body={}, created_at=old, published_at=old),
            Outbox(event_id="old-unsent", routing_key="x", body={}, created_at=old),
            Outbox(event_id="new-sent", routing_key="x", body={}, created_at=recent,
                   published_at=recent),
            Inbox(event_id="old", handler="h", processed_at=old),
            Inbox(event_id="new", handler="h", processed_at=recent)])
        session.commit()
    relay = OutboxRelay(sessions, Outbox, "amqp://guest:guest@127.0.0.1:5672//",
                        inbox_model=Inbox, keep_days=30)
    assert relay.prune(now) == (1, 1)
    with sessions() as session:
        assert sorted(session.scalars(select(Outbox.event_id))) == ["new-sent", "old-unsent"]
        assert session.scalar(select(func.count()).select_from(Inbox)) == 1


class Thing(Base):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


class Relay:
    def __init__(self):
        self.woken = 0

    def wake(self):
        self.woken += 1


def store_on(tmp_path):
    """A store's handle on SQLite, its relay only counted (nothing is sent in these tests)."""
    engine = create_engine(f"sqlite:///{tmp_path}/store.db")
    Base.metadata.create_all(engine)
    raw = SimpleNamespace(sessions=sessionmaker(engine, expire_on_commit=False),
                          inbox_model=Inbox, outbox_model=Outbox, source="probe", relay=Relay())
    return StoreHandle(raw), raw


def test_a_message_handled_once_is_recognised_when_it_comes_again(tmp_path):
    handle, raw = store_on(tmp_path)
    with handle.transaction(event_id="e-1", handler="h", community="rainbow-city") as tx:
        assert tx.duplicate is False
        tx.session.add(Thing(id=1, name="first"))
        tx.publish("case.reported", {"case_id": 1})
    with handle.transaction(event_id="e-1", handler="h") as tx:
        assert tx.duplicate is True
        tx.session.add(Thing(id=2, name="again"))     # not committed: a duplicate has no effect
    with handle.transaction(event_id="e-1", handler="other") as tx:
        assert tx.duplicate is False                  # another handler of the same message
    with handle.session() as session:
        assert sorted(session.scalars(select(Thing.name))) == ["first"]
        outbox = session.scalars(select(Outbox)).all()
        assert [(o.routing_key, o.body["type"], o.body["community"], o.body["data"])
                for o in outbox] == [("case.reported", "case.reported", "rainbow-city",
                                      {"case_id": 1})]
    assert raw.relay.woken == 1                        # woken after the commit that published


def test_a_message_is_recognised_in_one_statement_that_writes_its_inbox_row(tmp_path):
    handle, raw = store_on(tmp_path)
    sent = statements_sent(raw.sessions.kw["bind"])
    before = utcnow()
    with handle.transaction(event_id="e-3", handler="h") as tx:
        assert tx.duplicate is False
    with handle.transaction(event_id="e-3", handler="h") as tx:
        assert tx.duplicate is True
    sent = [" ".join(statement.split()) for statement in sent]
    assert [statement.split(" (")[0] for statement in sent] == ["INSERT INTO inbox"] * 2
    assert all(statement.endswith("ON CONFLICT (event_id, handler) DO NOTHING")
               for statement in sent)
    with handle.session() as session:
        row = session.get(Inbox, ("e-3", "h"))
        assert before <= as_utc(row.processed_at) <= utcnow()


def test_a_change_that_fails_leaves_nothing_not_even_the_inbox_row(tmp_path):
    handle, _ = store_on(tmp_path)
    with pytest.raises(RuntimeError), handle.transaction(event_id="e-2", handler="h") as tx:
        tx.session.add(Thing(id=1, name="half"))
        tx.publish("case.reported", {"case_id": 1})
        raise RuntimeError("the rule broke")
    with handle.transaction(event_id="e-2", handler="h") as tx:
        assert tx.duplicate is False                   # redelivered: handled afresh
    with handle.session() as session:
        assert session.scalars(select(Outbox)).all() == []    # nothing of it goes out


def test_a_batch_writes_its_inbox_rows_in_one_statement_and_knows_each_message_seen_before(
        tmp_path):
    """A batch's messages (``event_ids``): one statement writes the inbox rows of those not
    handled before; each is then asked about once, and a message twice in the batch has its
    effect once. What each message publishes goes out for its own community."""
    handle, raw = store_on(tmp_path)
    with handle.transaction(event_id="e-1", handler="h"):
        pass
    sent = statements_sent(raw.sessions.kw["bind"])
    with handle.transaction(event_ids=["e-1", "e-2", "e-3", "e-2"], handler="h",
                            community="rainbow-city") as tx:
        assert [tx.delivered_before(e) for e in ("e-1", "e-2", "e-3", "e-2")] == \
            [True, False, False, True]
        view = tx.for_community("maple-court")
        view.publish("case.reported", {"case_id": 2})
        view.session.add(Thing(id=2, name="through the view"))   # the same transaction
        tx.publish("case.reported", {"case_id": 3})
    inbox = [s for s in sent if s.startswith("INSERT INTO inbox")]
    assert len(inbox) == 1 and inbox[0].count("(?, ?, ?)") == 4 and "RETURNING" in inbox[0]
    # the batch's events in one statement too, at the commit, in the order they were published
    assert len([s for s in sent if s.startswith("INSERT INTO outbox")]) == 1
    with handle.session() as session:
        assert sorted(session.scalars(select(Inbox.event_id))) == ["e-1", "e-2", "e-3"]
        assert session.scalars(select(Thing.name)).all() == ["through the view"]
        assert [(o.body["community"], o.body["data"]) for o in session.scalars(
            select(Outbox).order_by(Outbox.id))] == [("maple-court", {"case_id": 2}),
                                                     ("rainbow-city", {"case_id": 3})]
    assert raw.relay.woken == 1                 # what either published wakes the relay once
    with handle.transaction(event_ids=["e-2", "e-4"], handler="other") as tx:
        assert not tx.delivered_before("e-2")   # another handler of the same message
