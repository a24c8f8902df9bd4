"""The staff API's own part, without a broker: a request that loses a race for a unique row (two
gateway posts of one reply, two staff adding one zone at the same moment) is done once more and
answered as if it came second."""
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from minzi.store import StoreHandle
from minzi.testing import snapshot

from sms_broadcast.api import router
from sms_broadcast.models import Base, Inbound, Outbox, Zone

from .conftest import NEIGHBOUR, NOW, OPERATOR, RECEPTIONIST, C

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


# -- refusals at the door: named, with their HTTP status, and nothing committed -------------------

@pytest.fixture
def staffed(sessions):
    """The API on a database with a small grid: 一片区 5号楼 2单元, 张三 at the door."""
    service = serve(RacedStore(sessions, None, clashes=0))
    zone = call(service, "POST", "/zones", {"name": "一片区"})["body"]
    building = call(service, "POST", "/buildings", {"zone_id": zone["id"], "name": "5号楼"})
    door = call(service, "POST", "/doors", {"building_id": building["body"]["id"],
                                            "name": "2单元"})
    zhang = call(service, "POST", "/contacts", {"name": "张三", "phone": "13800001111",
                                                "door_id": door["body"]["id"]})
    assert zhang["status"] == 201, zhang
    return service


def gateway(service, path, body, secret=SECRET):
    return call(service, "POST", path, {**body, "secret": secret} if secret else body,
                staff=None)


def send_now(service):
    assert call(service, "POST", "/broadcasts", {"text": "通知"})["status"] == 201


NO_SECRET = {"from": "13800001111", "text": "TD", "message_id": "gw-1"}
DOOR_REFUSALS = [   # code, status, what to do first, the request refused
    ("unauthenticated", 401, None,
     lambda s: call(s, "POST", "/zones", {"name": "二片区"}, staff=None)),
    ("not_program_staff", 403, None,
     lambda s: call(s, "POST", "/broadcasts", {"text": "通知"}, staff=RECEPTIONIST)),
    ("not_found", 404, send_now, lambda s: call(s, "POST", "/broadcasts/1a/retry")),
    ("inbound_not_configured", 403, None,
     lambda s: gateway(SimpleNamespace(**{**vars(s), "config": {}}), "/inbound", NO_SECRET)),
    ("bad_inbound_secret", 401, None,
     lambda s: gateway(s, "/inbound", NO_SECRET, secret="guess")),
    ("bad_inbound_secret", 401, send_now, lambda s: gateway(
        s, "/delivery", {"reference": "minzi-sms-1", "status": "delivered"}, secret=None)),
    ("message_not_found", 404, send_now, lambda s: gateway(
        s, "/delivery", {"reference": "minzi-sms-999", "status": "delivered"})),
    ("bad_period", 422, None, lambda s: call_query(s, "/figures", {"from": "2999-01-01"})),
    ("validation_failed", 422, None,
     lambda s: call_query(s, "/figures", {"from": "2026-11-30", "to": "2026-11-01"})),
    ("zone_exists", 409, None, lambda s: call(s, "POST", "/zones", {"name": "一片区"})),
    ("contact_exists", 409, None, lambda s: call(s, "POST", "/contacts", {
        "phone": "+86 138 0000 1111", "zone_id": 1})),
    ("contact_not_found", 404, None, lambda s: call(
        s, "POST", "/contacts/1/opt-out", {"note": "本人要求"}, staff=NEIGHBOUR)),
    ("text_empty", 422, None, lambda s: call(s, "POST", "/broadcasts", {"text": "   "})),
    # heads are appointed in the volunteer grid, never typed here
    ("head_from_volunteer_grid", 422, None,
     lambda s: call(s, "POST", "/zones", {"name": "三片区", "head_name": "王区长"})),
    ("head_from_volunteer_grid", 422, None,
     lambda s: call(s, "POST", "/doors", {"building_id": 1, "name": "3单元",
                                          "head_phone": "13900000001"})),
    ("not_scheduled", 409, send_now, lambda s: call(s, "POST", "/broadcasts/1/cancel")),
    ("case_not_found", 404, None,
     lambda s: call(s, "POST", "/cases/1/resolve", {"result": "办了"})),
]


def call_query(service, path, query):
    return router.dispatch({"method": "GET", "path": path, "query": query, "body": None,
                            "staff": OPERATOR, "lang": "zh"}, service=service)


def committed(sessions):
    with sessions() as session:
        return snapshot(session, Base.metadata)


@pytest.mark.parametrize("code, status, setup, attempt", DOOR_REFUSALS,
                         ids=[f"{row[0]}-{i}" for i, row in enumerate(DOOR_REFUSALS)])
def test_a_refused_request_is_named_and_commits_nothing(sessions, staffed, code, status, setup,
                                                        attempt):
    if setup is not None:
        setup(staffed)
    before = committed(sessions)
    answer = attempt(staffed)
    error = answer["body"].get("error") if isinstance(answer["body"], dict) else None
    assert (answer["status"], (error or {}).get("code")) == (status, code), answer
    assert committed(sessions) == before
