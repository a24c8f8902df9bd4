"""A broadcast's messages filtered by state, as staff pick one state on the broadcast's page."""
from sms_broadcast.domain import views
from sms_broadcast.schemas import ListQuery

from .conftest import OPERATOR, Recorder, broadcast, relay


def q(**given):
    """A list's query string as the route loads it (200 a page, no filter)."""
    return ListQuery().load(given)


def test_a_broadcasts_messages_filtered_by_state_show_only_that_state(sessions, tx, grid):
    made = broadcast(tx, grid)                                  # 张三, 李四 in 5号楼
    # the gateway refuses the first send and, tried once only, that message is failed;
    # the other goes out: 1 failed, 1 sent
    relay(sessions, Recorder(fail=1), max_attempts=1).send_pending()
    tx.session.expire_all()
    sent = views.list_messages(tx.session, OPERATOR, made.id, q(state="sent"))
    failed = views.list_messages(tx.session, OPERATOR, made.id, q(state="failed"))
    assert [m["state"] for m in sent] == ["sent"]
    assert [m["state"] for m in failed] == ["failed"]
    assert {sent[0]["name"], failed[0]["name"]} == {"张三", "李四"}
    assert views.list_messages(tx.session, OPERATOR, made.id, q(state="delivered")) == []
