"""Releasing a broadcast when another copy of the service, or a member of staff, acts on it at the
same moment, the order broadcasts due together go out in, and what "send the failed ones again"
touches. From the grid in conftest: 5号楼 is 张三 and 李四, 6号楼 is 王五."""
from datetime import timedelta

from minzi.testing import snapshot

from sms_broadcast.domain import views
from sms_broadcast.domain.broadcasts import cancel_broadcast, release, release_due, retry_failed
from sms_broadcast.models import Base, Broadcast
from sms_broadcast.schemas import ListQuery

from .conftest import NOW, OPERATOR, Recorder, broadcast, messages, relay

DUE = NOW + timedelta(hours=1)


def record(tx, limit=200):
    """The record of changes as staff read it, newest first."""
    return views.list_changes(tx.session, OPERATOR, ListQuery().load({"limit": limit}))


def states(tx, broadcast_id):
    tx.session.expire_all()
    return {name: m.state for name, m in messages(tx.session, broadcast_id).items()}


def read_as_due(sessions, broadcast_id):
    """The broadcast as a release that has just found it due holds it (still scheduled)."""
    releasing = sessions()
    seen = releasing.get(Broadcast, broadcast_id)
    releasing.commit()
    return releasing, seen


def test_a_broadcast_cancelled_after_its_release_found_it_due_is_not_sent(sessions, tx, grid):
    made = broadcast(tx, grid, scheduled_at=DUE)
    releasing, seen = read_as_due(sessions, made.id)
    cancel_broadcast(tx, OPERATOR, made.id, DUE)               # staff cancel at that moment
    tx.session.commit()
    before = snapshot(tx.session, Base.metadata)
    tx.session.commit()
    assert release(releasing, seen, DUE) == []
    releasing.commit()
    assert snapshot(tx.session, Base.metadata) == before       # still cancelled, no message
    assert states(tx, made.id) == {}


def test_two_copies_releasing_one_broadcast_make_one_message_each_and_one_record(sessions, tx,
                                                                               grid):
    made = broadcast(tx, grid, scheduled_at=DUE)
    one, first = read_as_due(sessions, made.id)
    two, second = read_as_due(sessions, made.id)
    assert [m.contact.name for m in release(one, first, DUE)] == ["张三", "李四"]
    one.commit()
    assert release(two, second, DUE) == []
    two.commit()
    assert states(tx, made.id) == {"张三": "pending", "李四": "pending"}
    released = [c for c in record(tx) if c["action"] == "broadcast_released"]
    assert [(c["entity_id"], c["note"]) for c in released] == [(made.id, "2 recipients")]


def test_broadcasts_due_together_go_out_in_the_order_they_were_set_for(sessions, tx, grid):
    afternoon = broadcast(tx, grid, text="下午两点停电", scheduled_at=NOW + timedelta(minutes=20))
    morning = broadcast(tx, grid, text="上午十点停水", scheduled_at=NOW + timedelta(minutes=10))
    assert release_due(tx.session, DUE) == [morning.id, afternoon.id]
    tx.session.commit()
    gateway = Recorder()
    relay(sessions, gateway).send_pending()
    # made second but set for earlier: both of its texts go before the other's
    assert [text[:6] for _, text, _ in gateway.sent] == ["上午十点停水"] * 2 + ["下午两点停电"] * 2


def test_sending_the_failed_ones_again_touches_only_that_broadcasts_failed_messages(sessions,
                                                                                    tx, grid):
    water = broadcast(tx, grid)                                 # 5号楼: 张三, 李四
    relay(sessions, Recorder(fail=1), max_attempts=1).send_pending()   # 张三's send fails
    lift = broadcast(tx, grid, text="6号楼电梯检修", building_id=grid["b6"].id)   # 王五
    relay(sessions, Recorder(fail=1), max_attempts=1).send_pending()
    assert states(tx, water.id) == {"张三": "failed", "李四": "sent"}
    assert states(tx, lift.id) == {"王五": "failed"}

    assert retry_failed(tx, OPERATOR, water.id, DUE) == 1
    tx.session.commit()
    assert states(tx, water.id) == {"张三": "pending", "李四": "sent"}
    assert states(tx, lift.id) == {"王五": "failed"}           # the other broadcast waits
    gateway = Recorder()
    relay(sessions, gateway).send_pending()
    assert gateway.numbers == ["13800001111"]                  # 张三 alone, once
    [change] = record(tx, limit=1)
    assert (change["actor"], change["action"], change["entity"], change["entity_id"],
            change["note"], change["at"]) == \
        ("李", "broadcast_retried", "broadcast", water.id, "1 failed messages",
         "2026-11-27T03:00:00Z")
