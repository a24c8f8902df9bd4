"""Replies to residents go out through the configured sender, over real HTTP to an SMS gateway."""
import json
import threading
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


def test_a_failing_gateway_is_retried_then_the_message_is_marked_failed(gateway_url, sessions):
    SmsGateway.status = 503
    relay = NotificationRelay(sessions, HttpSmsSender(gateway_url))
    relay.send_pending()
    assert statuses(sessions)[0] == ("pending", 1)
    for _ in range(MAX_ATTEMPTS - 1):
        relay.send_pending()
    assert statuses(sessions)[0] == ("failed", MAX_ATTEMPTS)   # listed for staff to call instead
    assert len(SmsGateway.received) == MAX_ATTEMPTS


def test_the_default_sender_records_without_sending(sessions):
    NotificationRelay(sessions, RecordSender()).send_pending()
    assert statuses(sessions) == [("recorded", 0), ("recorded", 0)]
