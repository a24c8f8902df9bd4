"""Replies to residents go out through the configured sender, over real HTTP to an SMS gateway."""
import contextlib
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from intake.models import Base, Case, Community, Notification
from intake.notify import MAX_ATTEMPTS, HttpSmsSender, NotificationRelay, RecordSender


class SmsGateway(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []
    status = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        SmsGateway.received.append(body)
        self.send_response(SmsGateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway_url():
    SmsGateway.received, SmsGateway.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), SmsGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()


@pytest.fixture
def sessions(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/intake.db")
    Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session:
        session.add(Community(id="rainbow-city", name_zh="彩虹城社区"))
        session.add(Case(id=1, tracking_code="ABCDEFGHJK", community_id="rainbow-city",
                         channel="phone", status="replied", description="漏水",
                         resident_phone="13800001111"))
        session.add_all([
            Notification(case_id=1, purpose="reply", channel="sms", recipient="13800001111",
                         body="您好，已修好。"),
            Notification(case_id=1, purpose="receipt", channel="tracking", recipient=None,
                         body="已受理")])
        session.commit()
    return factory


def statuses(sessions):
    with sessions() as session:
        rows = session.query(Notification).order_by(Notification.id)
        return [(n.status, n.attempts) for n in rows]


def test_sms_goes_to_the_gateway_and_the_rest_is_recorded(gateway_url, sessions):
    NotificationRelay(sessions, HttpSmsSender(gateway_url)).send_pending()
    assert SmsGateway.received == [{"to": "13800001111", "text": "您好，已修好。",
                                    "reference": "minzi-notification-1"}]
    assert statuses(sessions) == [("sent", 0), ("recorded", 0)]


T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_a_failing_gateway_is_tried_again_by_the_clock_then_the_message_is_marked_failed(
        gateway_url, sessions):
    SmsGateway.status = 503
    relay = NotificationRelay(sessions, HttpSmsSender(gateway_url))
    relay.send_pending(T0)
    assert statuses(sessions)[0] == ("pending", 1)
    # waking again and again does not spend the tries: the next is ten seconds later
    for seconds in (0, 1, 5, 9):
        relay.send_pending(T0 + timedelta(seconds=seconds))
    assert len(SmsGateway.received) == 1
    # then a minute, five minutes, half an hour and two hours after each failure: a gateway away
    # for two and a half hours still gets the message; after that staff call the resident
    at = T0
    for wait in (10, 60, 300, 1800):
        at += timedelta(seconds=wait)
        relay.send_pending(at - timedelta(seconds=1))
        relay.send_pending(at)
    assert statuses(sessions)[0] == ("pending", 5)
    assert len(SmsGateway.received) == 5
    relay.send_pending(at + timedelta(seconds=7200))
    assert statuses(sessions)[0] == ("failed", 6)          # listed for staff to call instead
    assert len(SmsGateway.received) == 6 == MAX_ATTEMPTS


def test_a_gateway_back_after_a_short_outage_gets_the_message(gateway_url, sessions):
    SmsGateway.status = 503
    relay = NotificationRelay(sessions, HttpSmsSender(gateway_url))
    relay.send_pending(T0)
    SmsGateway.status = 200
    relay.send_pending(T0 + timedelta(seconds=10))
    assert statuses(sessions)[0] == ("sent", 1)
    assert [m["text"] for m in SmsGateway.received] == ["您好，已修好。", "您好，已修好。"]


def test_the_default_sender_records_without_sending(sessions):
    NotificationRelay(sessions, RecordSender()).send_pending()
    assert statuses(sessions) == [("recorded", 0), ("recorded", 0)]


def test_a_relay_with_nothing_to_send_is_not_woken_by_each_commit(sessions, gateway_url):
    """The desk keeps the default sender's messages itself (``only_keeps``), so a commit leaves
    the relay nothing to do; its sweep still keeps what a gateway left pending before."""
    keeping, texting = NotificationRelay(sessions, RecordSender()), \
        NotificationRelay(sessions, HttpSmsSender(gateway_url))
    assert (keeping.only_keeps, texting.only_keeps) == (True, False)
    keeping.wake()
    texting.wake()
    assert (keeping._wake.is_set(), texting._wake.is_set()) == (False, True)


class Recording:
    """A sender that keeps what it sent, and can do something in the middle of a send."""

    def __init__(self, during=None):
        self.sent, self.during = [], during

    def send(self, notification):
        if self.during:
            during, self.during = self.during, None
            during()
        self.sent.append(notification.id)
        return "sent"


def test_two_copies_of_intake_send_each_message_once(tmp_path):
    """While one copy holds a message it is sending, the other takes the rest: on PostgreSQL,
    as two copies of intake share one database."""
    from minzi.db import normalise_url
    from minzi.testing import create_schema, postgres_database
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_database("minzi_notify"))
        create_schema(url, Base.metadata)
        engine = create_engine(normalise_url(url))
        stack.callback(engine.dispose)
        factory = sessionmaker(engine, expire_on_commit=False)
        with factory() as session:
            session.add(Community(id="rainbow-city", name_zh="彩虹城社区"))
            session.flush()
            session.add(Case(id=1, tracking_code="ABCDEFGHJK", community_id="rainbow-city",
                             channel="phone", status="replied", description="漏水"))
            session.flush()
            session.add_all([Notification(case_id=1, purpose="reply", sequence=n, channel="sms",
                                          recipient="13800001111", body=f"第{n}条")
                             for n in range(1, 11)])
            session.commit()
        second = Recording()
        other_copy = NotificationRelay(factory, second)
        first = Recording(during=other_copy.send_pending)   # while the first sends message 1
        NotificationRelay(factory, first).send_pending()
        assert first.sent == [1]
        assert second.sent == list(range(2, 11))
        with factory() as session:
            assert {n.status for n in session.query(Notification)} == {"sent"}
