"""The staff API's own part, without a broker: a request that loses a race for a unique row (two
gateway posts of one reply, two staff adding one zone at the same moment) is done once more and
answered as if it came second."""
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from minzi.store import StoreHandle
from sms_broadcast.api import router
from sms_broadcast.models import Inbound, Outbox, Zone

from .conftest import NOW, OPERATOR, C

SECRET = "s3cret"


class RacedStore:
    """The service's store, where another request commits ``winner`` just before each of the
    next ``clashes`` transactions would: that commit fails on the unique row."""

    def __init__(self, sessions, winner, clashes=1):
        self.handle = StoreHandle(SimpleNamespace(
            sessions=sessions, inbox_model=None, outbox_model=Outbox, source="sms_broadcast",
            relay=SimpleNamespace(wake=lambda: None)))
        self.sessions = sessions
        self.winner = winner
        self.clashes = clashes
        self.transactions = 0

    def session(self):
        return self.handle.session()

    @contextmanager
    def transaction(self, **kwargs):
        self.transactions += 1
        with self.handle.transaction(**kwargs) as tx:
            yield tx
            if self.clashes:
                self.clashes -= 1
                tx.session.rollback()                  # as the database would, on the clash
                if self.winner is not None:
                    with self.sessions() as other:
                        self.winner(other)
                        other.commit()
                    self.winner = None
                raise IntegrityError("INSERT …", {}, Exception("duplicate key value"))


def serve(store):
    return SimpleNamespace(store=store, config={"INBOUND_SECRET": SECRET},
                           program=SimpleNamespace(manifest={"communities": [C]}),
                           sms=SimpleNamespace(wake=lambda: None))


def call(service, method, path, body=None, staff=OPERATOR):
    return router.dispatch({"method": method, "path": path, "query": {}, "body": body,
                            "staff": staff, "lang": "zh"}, service=service)


def count(sessions, model):
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_reply_posted_twice_at_once_is_recorded_once_and_the_loser_hears_duplicate(sessions):
    def other_post(session):
        session.add(Inbound(gateway_message_id="gw-7", phone="13800001111", text="楼道灯坏了",
                            received_at=NOW, recorded_at=NOW, community=C, kind="case",
                            request_key="sms-inbound-gw-7"))
    store = RacedStore(sessions, other_post)
    answer = call(serve(store), "POST", "/inbound", {
        "from": "13800001111", "text": "楼道灯坏了", "message_id": "gw-7", "secret": SECRET},
        staff=None)
    assert (answer["status"], answer["body"]["duplicate"]) == (200, True), answer
    assert store.transactions == 2
    assert count(sessions, Inbound) == 1
    assert count(sessions, Outbox) == 0     # the winner's case went out with it, not a second


def test_a_zone_added_twice_at_once_gets_the_named_conflict(sessions):
    def other_staff(session):
        session.add(Zone(community=C, name="一片区", created_by="王", created_at=NOW))
    answer = call(serve(RacedStore(sessions, other_staff)), "POST", "/zones", {"name": "一片区"})
    assert (answer["status"], answer["body"]["error"]["code"]) == (409, "zone_exists")
    assert count(sessions, Zone) == 1


@pytest.mark.parametrize("clashes, status", [(1, 201), (2, 409)])
def test_a_clash_is_tried_once_more_and_no_more(sessions, clashes, status):
    store = RacedStore(sessions, None, clashes=clashes)
    answer = call(serve(store), "POST", "/zones", {"name": "二片区"})
    assert answer["status"] == status, answer
    assert store.transactions == 2
    assert count(sessions, Zone) == (1 if status == 201 else 0)
    if status == 409:
        assert answer["body"]["error"]["code"] == "conflict"
