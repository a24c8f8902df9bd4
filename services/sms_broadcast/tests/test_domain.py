"""The rules of sms_broadcast, on SQLite, without nameko: the grid, targeting, sending once,
scheduling, opt-out and consent, replies that become cases, figures."""
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from minzi.api import DomainError
from minzi.db import as_utc
from minzi.envelope import isoformat

from sms_broadcast.domain.access import require_operator
from sms_broadcast.domain.broadcasts import (
    cancel_broadcast,
    create_broadcast,
    release,
    release_due,
    retry_failed,
)
from sms_broadcast.domain.consent import staff_consent
from sms_broadcast.domain.contacts import address_of, create_contact
from sms_broadcast.domain.figures import figures
from sms_broadcast.domain.grid import create_building, create_zone
from sms_broadcast.domain.replies import keyword
from sms_broadcast.domain.sending import claim, delivery_report
from sms_broadcast.domain.views import contact_view, zone_view
from sms_broadcast.models import (
    Broadcast,
    Building,
    Change,
    Consent,
    Contact,
    Inbound,
    Message,
    Zone,
)
from sms_broadcast.sender import HttpSmsSender, make_sender, outgoing_text

from .conftest import (
    ADMIN,
    NEIGHBOUR,
    NOW,
    OPERATOR,
    OTHER_PROGRAM,
    RECEPTIONIST,
    C,
    Recorder,
    broadcast,
    count,
    messages,
    relay,
    reply,
)

# -- the grid ------------------------------------------------------------------------------------

def test_the_grid_places_a_resident_by_door_building_or_zone(tx, grid):
    assert address_of(grid["zhang"]) == "一片区 5号楼 2单元"
    assert address_of(grid["li"]) == "一片区 5号楼"
    assert grid["li"].phone == "13800002222"                  # +86 and spaces gone
    assert grid["zhang"].zone_id == grid["z1"].id and grid["zhang"].building_id == grid["b5"].id
    changes = tx.session.scalars(select(Change).where(Change.action == "contact_created")).all()
    assert len(changes) == 4 and all(c.actor == "李" for c in changes)


@pytest.mark.parametrize("data, code, field", [
    ({"name": "张", "phone": "12345"}, "bad_phone", "phone"),
    ({"name": "张", "phone": "13800009999"}, "place_required", "zone_id"),
    ({"name": "张", "phone": "13800009999", "building_id": 999}, "unknown_building", "building_id"),
    ({"name": "张", "phone": "13800009999", "zone_id": 999}, "unknown_zone", "zone_id"),
    ({"name": "张", "phone": "13800009999", "door_id": 999}, "unknown_door", "door_id"),
    ({"name": "张", "phone": "13800001111", "zone_id": 1}, "contact_exists", "phone"),
])
def test_a_bad_contact_is_refused_with_a_named_error_and_nothing_written(tx, grid, data, code,
                                                                         field):
    before = count(tx.session, Contact), count(tx.session, Change)
    with pytest.raises(DomainError) as refused:
        create_contact(tx, OPERATOR, data, NOW)
    tx.session.rollback()
    assert (refused.value.code, refused.value.field) == (code, field)
    assert (count(tx.session, Contact), count(tx.session, Change)) == before


def test_a_building_in_another_zone_than_given_is_refused(tx, grid):
    with pytest.raises(DomainError) as refused:
        create_contact(tx, OPERATOR, {"phone": "13800009999", "zone_id": grid["z2"].id,
                                              "building_id": grid["b5"].id}, NOW)
    assert refused.value.code == "building_not_in_zone"


def test_a_neighbouring_community_does_not_see_or_use_this_grid(tx, grid):
    with pytest.raises(DomainError) as refused:
        create_building(tx, NEIGHBOUR, {"zone_id": grid["z1"].id, "name": "1号楼"}, NOW)
    assert refused.value.code == "unknown_zone"


def test_only_the_programs_staff_and_admins_operate(tx):
    require_operator(OPERATOR)
    require_operator(ADMIN)
    for staff in (RECEPTIONIST, OTHER_PROGRAM, None):
        with pytest.raises(DomainError):
            require_operator(staff)


def test_phones_are_masked_for_anyone_but_the_programs_staff(tx, grid):
    assert contact_view(grid["zhang"], OPERATOR)["phone"] == "13800001111"
    assert contact_view(grid["zhang"], RECEPTIONIST)["phone"] == "138****1111"
    assert zone_view(grid["z1"], RECEPTIONIST)["head_phone"] == "139****0001"


# -- targeting and bad input ---------------------------------------------------------------------

def test_a_broadcast_reaches_its_building_zone_or_community(tx, grid):
    assert set(messages(tx.session, broadcast(tx, grid).id)) == {"张三", "李四"}
    assert set(messages(tx.session, broadcast(tx, grid, "zone").id)) == {"张三", "李四", "王五"}
    everyone = broadcast(tx, grid, "community")
    assert set(messages(tx.session, everyone.id)) == {"张三", "李四", "王五", "赵六"}
    assert everyone.state == "released" and everyone.target_label == "全社区"
    assert {m.state for m in messages(tx.session, everyone.id).values()} == {"pending"}


@pytest.mark.parametrize("data, code, field", [
    ({"text": "   "}, "text_empty", "text"),
    ({"text": "通" * 501}, "text_too_long", "text"),
    ({"text": "通知", "target": "building", "building_id": 999}, "unknown_building",
     "building_id"),
    ({"text": "通知", "target": "zone", "zone_id": 999}, "unknown_zone", "zone_id"),
    ({"text": "通知", "target": "street"}, "unknown_target", "target"),
    ({"text": "通知", "scheduled_at": NOW - timedelta(minutes=1)}, "schedule_in_past",
     "scheduled_at"),
    ({"text": "通知", "scheduled_at": NOW}, "schedule_in_past", "scheduled_at"),
])
def test_a_bad_broadcast_is_refused_and_changes_nothing(tx, grid, data, code, field):
    before = [count(tx.session, m) for m in (Broadcast, Message, Change)]
    with pytest.raises(DomainError) as refused:
        create_broadcast(tx, OPERATOR, data, NOW)
    tx.session.rollback()
    assert (refused.value.code, refused.value.field) == (code, field)
    assert [count(tx.session, m) for m in (Broadcast, Message, Change)] == before


def test_exactly_500_characters_is_allowed(tx, grid):
    assert len(broadcast(tx, grid, text="通" * 500).text) == 500


def test_a_building_with_nobody_to_text_is_refused(tx, grid):
    empty = create_building(tx, OPERATOR, {"zone_id": grid["z2"].id, "name": "10号楼"},
                                   NOW)
    tx.session.commit()
    with pytest.raises(DomainError) as refused:
        create_broadcast(tx, OPERATOR, {"text": "通知", "target": "building",
                                                "building_id": empty.id}, NOW)
    assert refused.value.code == "no_recipients"
    reply(tx, "TD", "m-zhao", phone="13800004444")           # 9号楼's only resident leaves
    with pytest.raises(DomainError) as refused:
        create_broadcast(tx, OPERATOR, {"text": "通知", "target": "building",
                                                "building_id": grid["b9"].id}, NOW)
    assert refused.value.code == "no_recipients"


# -- sending once ----------------------------------------------------------------------------

def test_each_recipient_gets_one_message_and_it_is_sent_once(sessions, tx, grid):
    made = broadcast(tx, grid)
    sender = Recorder()
    first, second = relay(sessions, sender), relay(sessions, sender)
    assert first.send_pending() == 2
    assert second.send_pending() == 0 and first.send_pending() == 0
    assert sorted(to for to, _, _ in sender.sent) == ["13800001111", "13800002222"]
    assert all(text.endswith("回复TD退订") for _, text, _ in sender.sent)
    tx.session.expire_all()
    states = messages(tx.session, made.id)
    assert {m.state for m in states.values()} == {"sent"}
    assert states["张三"].attempts == 1 and states["张三"].gateway_ref.startswith("gw-")
    # releasing again makes no second message; a second row for a recipient cannot exist
    tx.session.execute(update(Broadcast).where(Broadcast.id == made.id)
                        .values(state="scheduled"))
    assert release(tx.session, tx.session.get(Broadcast, made.id), NOW) == []
    tx.session.rollback()
    tx.session.add(Message(broadcast_id=made.id, contact_id=grid["zhang"].id, community=C,
                            phone="13800001111", state="pending", attempts=0))
    with pytest.raises(IntegrityError):
        tx.session.flush()
    tx.session.rollback()


def test_a_claimed_message_is_not_claimed_again(sessions, tx, grid):
    made = broadcast(tx, grid)
    message = messages(tx.session, made.id)["张三"]
    one, two = sessions(), sessions()
    assert claim(one, message.id, NOW) is True
    one.commit()
    assert claim(two, message.id, NOW) is False
    one.close(), two.close()


def test_a_failing_gateway_is_tried_again_then_the_message_is_failed(sessions, tx, grid):
    made = broadcast(tx, grid)
    sender = Recorder(fail=10)
    clock = [NOW]
    sms = relay(sessions, sender, max_attempts=3, clock=lambda: clock[0])
    assert sms.send_pending() == 2
    assert sms.send_pending() == 0               # a pause before the next attempt
    tx.session.expire_all()
    first = messages(tx.session, made.id)["张三"]
    assert (first.state, first.attempts) == ("pending", 1)
    for _ in range(4):
        clock[0] += timedelta(minutes=10)
        sms.send_pending()
    tx.session.expire_all()
    states = messages(tx.session, made.id)
    assert {m.state for m in states.values()} == {"failed"}
    assert states["张三"].attempts == 3 and "gateway away" in states["张三"].error
    assert sender.sent == []
    # staff send the failed ones again, and this time the gateway answers
    retried = retry_failed(tx, OPERATOR, made.id, NOW)
    tx.session.commit()
    sender.fail = 0
    assert sms.send_pending() == 2
    tx.session.expire_all()
    assert retried == 2
    assert {m.state for m in messages(tx.session, made.id).values()} == {"sent"}


def test_a_send_interrupted_midway_is_not_sent_again(sessions, tx, grid):
    made = broadcast(tx, grid)
    message = messages(tx.session, made.id)["张三"]
    assert claim(tx.session, message.id, NOW - timedelta(minutes=10))
    tx.session.commit()                                         # ... and the sender died
    sender = Recorder()
    relay(sessions, sender).send_pending()
    tx.session.expire_all()
    assert [to for to, _, _ in sender.sent] == ["13800002222"]
    assert tx.session.get(Message, message.id).state == "failed"


def test_the_sms_log_masks_phones(sessions, tx, grid, caplog):
    broadcast(tx, grid)
    with caplog.at_level(logging.INFO, logger="sms_broadcast.sender"):
        relay(sessions, Recorder()).send_pending()
    assert "138****1111" in caplog.text and "13800001111" not in caplog.text


def test_the_http_sender_posts_to_the_gateway():
    received = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            import json
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = b'{"id": "gw-77"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.handle_request, daemon=True).start()
    sender = make_sender({"SMS_SENDER": "http",
                          "SMS_GATEWAY_URL": f"http://127.0.0.1:{server.server_port}/send"})
    assert isinstance(sender, HttpSmsSender)
    assert sender.send("13800001111", "停水通知", "minzi-sms-5") == "gw-77"
    server.server_close()
    assert received == [{"to": "13800001111", "text": "停水通知", "reference": "minzi-sms-5"}]
    assert isinstance(make_sender({}), type(make_sender({"SMS_SENDER": "record"})))
    with pytest.raises(ValueError):
        make_sender({"SMS_SENDER": "http"})
    assert outgoing_text("通知。回复TD退订", "回复TD退订") == "通知。回复TD退订"


def test_a_delivery_report_marks_the_message_delivered(sessions, tx, grid):
    made = broadcast(tx, grid)
    relay(sessions, Recorder()).send_pending()
    message = messages(tx.session, made.id)["张三"]
    delivery_report(tx.session, {"reference": f"minzi-sms-{message.id}",
                                         "status": "delivered"}, NOW)
    tx.session.commit()
    assert tx.session.get(Message, message.id).state == "delivered"
    with pytest.raises(DomainError) as refused:
        delivery_report(tx.session, {"reference": "minzi-sms-9999",
                                             "status": "delivered"}, NOW)
    assert refused.value.code == "message_not_found"


# -- scheduling ----------------------------------------------------------------------------------

def test_a_scheduled_broadcast_is_sent_when_due_and_only_then(sessions, tx, grid):
    later = NOW + timedelta(hours=2)
    made = broadcast(tx, grid, scheduled_at=later)
    assert made.state == "scheduled" and messages(tx.session, made.id) == {}
    assert release_due(tx.session, NOW + timedelta(hours=1)) == []
    reply(tx, "退订", "m-li", phone="13800002222")              # changes her mind meanwhile
    assert release_due(tx.session, later) == [made.id]
    tx.session.commit()
    assert release_due(tx.session, later + timedelta(minutes=1)) == []
    states = messages(tx.session, made.id)
    assert {n: m.state for n, m in states.items()} == {"张三": "pending", "李四": "skipped"}


def test_a_schedule_without_a_zone_is_beijing_time(tx, grid):
    from datetime import datetime
    made = broadcast(tx, grid, scheduled_at=datetime(2026, 11, 27, 18, 0))
    assert isoformat(made.scheduled_at) == "2026-11-27T10:00:00Z"


def test_a_cancelled_broadcast_is_never_sent(tx, grid):
    made = broadcast(tx, grid, scheduled_at=NOW + timedelta(hours=1))
    cancel_broadcast(tx, OPERATOR, made.id, NOW)
    tx.session.commit()
    assert release_due(tx.session, NOW + timedelta(days=1)) == []
    assert messages(tx.session, made.id) == {}
    with pytest.raises(DomainError) as refused:
        cancel_broadcast(tx, OPERATOR, made.id, NOW)
    assert refused.value.code == "not_scheduled"


# -- opt-out and consent -------------------------------------------------------------------------

@pytest.mark.parametrize("text, word", [
    ("TD", "TD"), (" td ", "TD"), ("Td。", "TD"), ("退订", "退订"), ("　退 订！", "退订"),
    ("unsubscribe", "UNSUBSCRIBE"), ("恢复", "恢复"), ("5号楼电梯坏了", "5号楼电梯坏了"),
])
def test_keywords_ignore_case_spacing_and_punctuation(text, word):
    assert keyword(text) == word


def test_td_opts_out_with_a_consent_record_and_later_broadcasts_skip_them(sessions, tx, grid):
    first = broadcast(tx, grid)
    relay(sessions, Recorder()).send_pending()
    pending = broadcast(tx, grid, "community")                  # not sent yet
    inbound, created = reply(tx, " td ", "gw-1")
    assert created and inbound.kind == "opt_out" and tx.published == []
    zhang = tx.session.get(Contact, grid["zhang"].id)
    assert zhang.opted_out and as_utc(zhang.opted_out_at) == NOW
    consent = tx.session.scalar(select(Consent))
    last = messages(tx.session, first.id)["张三"]
    assert (consent.action, consent.text, consent.source, consent.message_id,
            consent.inbound_id) == ("opt_out", "td", "sms", last.id, inbound.id)
    assert messages(tx.session, pending.id)["张三"].state == "skipped"
    second = messages(tx.session, broadcast(tx, grid).id)
    assert {n: m.state for n, m in second.items()} == {"张三": "skipped", "李四": "pending"}
    # 恢复 opts back in, also on the record
    reply(tx, "恢复", "gw-2")
    assert not tx.session.get(Contact, grid["zhang"].id).opted_out
    assert [c.action for c in tx.session.scalars(select(Consent).order_by(Consent.id))] == \
        ["opt_out", "opt_in"]
    assert messages(tx.session, broadcast(tx, grid).id)["张三"].state == "pending"


def test_staff_record_an_opt_out_given_in_person(tx, grid):
    staff_consent(tx, OPERATOR, grid["wang"], True, "本人到站要求不再接收短信", NOW)
    tx.session.commit()
    consent = tx.session.scalar(select(Consent))
    assert (consent.source, consent.recorded_by) == ("staff", "李")
    assert tx.session.get(Contact, grid["wang"].id).opted_out


# -- replies that become cases -------------------------------------------------------------------

def test_a_reply_becomes_an_intake_case_linked_to_the_last_broadcast(sessions, tx, grid):
    broadcast(tx, grid, "zone")
    latest = broadcast(tx, grid)
    relay(sessions, Recorder()).send_pending()
    inbound, created = reply(tx, "5号楼电梯坏了", "gw-8812")
    assert created and inbound.kind == "case" and inbound.broadcast_id == latest.id
    [event] = tx.published
    assert event["routing_key"] == "case.submitted" and event["community"] == C
    assert event["data"] == {
        "request_key": "sms-inbound-gw-8812", "community": C, "channel": "sms",
        "description": "5号楼电梯坏了", "resident": {"name": "张三", "phone": "13800001111"},
        "address": "一片区 5号楼 2单元", "service_code": None, "attributes": {},
        "reference": {"program_id": "sms_broadcast", "kind": "broadcast", "id": str(latest.id)}}
    from minzi.contract import CaseSubmitted
    CaseSubmitted().load(event["data"])                           # as intake will read it


def test_the_same_inbound_message_twice_has_one_effect(tx, grid):
    reply(tx, "楼道灯坏了", "gw-1")
    again, created = reply(tx, "楼道灯坏了", "gw-1")
    assert not created and again.kind == "case"
    assert len(tx.published) == 1 and count(tx.session, Inbound) == 1
    reply(tx, "TD", "gw-2")
    reply(tx, "TD", "gw-2")
    assert count(tx.session, Consent) == 1


def test_a_reply_from_an_unknown_number_is_still_heard(tx, grid):
    inbound, _ = reply(tx, "我想登记接收社区短信", "gw-3", phone="13700007777")
    assert inbound.kind == "case" and inbound.broadcast_id is None
    data = tx.published[0]["data"]
    assert data["reference"] is None and data["address"] is None
    assert data["resident"]["phone"] == "13700007777"
    # with several communities and no resident to say which, it waits for staff
    inbound, _ = reply(tx, "你好", "gw-4", phone="13700007777",
                       communities=(C, "maple-court"))
    assert inbound.kind == "unmatched" and len(tx.published) == 1


# -- figures -------------------------------------------------------------------------------------

def test_figures_count_a_period(sessions, tx, grid):
    broadcast(tx, grid)
    relay(sessions, Recorder()).send_pending()
    reply(tx, "TD", "gw-1")
    reply(tx, "电梯坏了", "gw-2", phone="13800002222")
    broadcast(tx, grid)
    relay(sessions, Recorder(fail=99), max_attempts=1).send_pending()
    counted = figures(tx.session, C, NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert {k: counted[k] for k in ("broadcasts", "messages", "messages_sent", "messages_failed",
                                    "messages_skipped", "replies", "opt_outs", "cases_raised")} \
        == {"broadcasts": 2, "messages": 4, "messages_sent": 2, "messages_failed": 1,
            "messages_skipped": 1, "replies": 2, "opt_outs": 1, "cases_raised": 1}
    empty = figures(tx.session, C, NOW + timedelta(days=1), NOW + timedelta(days=2))
    assert empty["broadcasts"] == 0 and empty["replies"] == 0
    assert figures(tx.session, "maple-court", NOW - timedelta(days=1),
                          NOW + timedelta(days=1))["messages"] == 0


def test_zones_buildings_and_doors_are_unique_by_name(tx, grid):
    with pytest.raises(DomainError) as refused:
        create_zone(tx, OPERATOR, {"name": "一片区"}, NOW)
    assert refused.value.code == "zone_exists"
    with pytest.raises(DomainError) as refused:
        create_building(tx, OPERATOR, {"zone_id": grid["z2"].id, "name": "5号楼"}, NOW)
    assert refused.value.code == "building_exists"
    assert count(tx.session, Zone) == 2 and count(tx.session, Building) == 3


def test_a_number_that_texted_td_before_it_was_registered_stays_opted_out(tx, grid):
    reply(tx, "TD", "gw-early", phone="13700005555")
    late = create_contact(tx, OPERATOR, {"name": "孙七", "phone": "13700005555",
                                                 "building_id": grid["b6"].id}, NOW)
    tx.session.commit()
    assert late.opted_out
    assert tx.session.scalar(select(Consent).where(Consent.contact_id == late.id)).text == "TD"
