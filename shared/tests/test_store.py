"""The outbox and inbox keep what is in flight and forget what is long done."""
from datetime import timedelta

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from minzi.db import InboxMixin, OutboxMixin
from minzi.envelope import utcnow
from minzi.store import OutboxRelay


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
