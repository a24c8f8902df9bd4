"""The small rules, each stated as the station would: which numbers are mainland mobiles, when a
failed send is tried again, how long a send may hang before staff see it failed, what a delivery
report may change, who operates the program, and what a reply keeps of what the gateway sent."""
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from minzi.api import DomainError
from minzi.contract import CaseSubmitted
from minzi.db import as_utc

from sms_broadcast.domain import access, sending
from sms_broadcast.domain.checks import (
    aware,
    check_name,
    check_phone,
    check_text,
    normalise_phone,
)
from sms_broadcast.domain.replies import receive_reply
from sms_broadcast.models import Change, Contact, Inbound, Message

from .conftest import (
    ADMIN,
    NOW,
    OPERATOR,
    OTHER_PROGRAM,
    RECEPTIONIST,
    C,
    broadcast,
    messages,
    reply,
)


@pytest.mark.parametrize("raw, phone", [
    ("13800001111", "13800001111"),
    ("+86 138-0000-1111", "13800001111"),
    ("0086 138 0000 1111", "13800001111"),
    ("8613800001111", "13800001111"),
    ("（138）0000-1111", "13800001111"),
    ("(199)00001111", "19900001111"),
    (13800001111, "13800001111"),
    ("12800001111", None),          # mobiles start 13 to 19
    ("1213800001111", None),        # thirteen digits, but not 86 before a mobile
    ("1380000111", None),           # ten digits
    ("138000011112", None),         # twelve
    ("86138000011", None),          # 86 and eleven digits in all is not a prefix
    ("010-12345678", None),         # a landline
    ("1380000111a", None),
    (None, None),
])
def test_only_mainland_mobile_numbers_are_taken(raw, phone):
    assert normalise_phone(raw) == phone


def test_a_head_may_have_no_phone_but_a_resident_must():
    assert check_phone("", "head_phone", required=False) is None
    assert check_phone(None, "head_phone", required=False) is None
    assert check_phone("+8613900000009", "head_phone", required=False) == "13900000009"
    for empty in ("", None):
        with pytest.raises(DomainError) as refused:
            check_phone(empty)
        assert (refused.value.code, refused.value.field) == ("bad_phone", "phone")


def test_a_notice_is_kept_without_the_spaces_around_it():
    assert check_text("  明天停水\n") == "明天停水"
    assert len(check_text(" " + "通" * 500 + " ")) == 500


def test_a_moment_without_a_zone_is_beijing_time():
    assert aware(datetime(2026, 11, 27, 8, 0)) == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
    assert aware(datetime(2026, 11, 27, 8, 0, tzinfo=UTC)).hour == 8
    assert aware(None) is None


def test_a_moment_is_kept_in_utc_on_a_server_set_to_beijing_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        moment = aware(datetime(2026, 11, 27, 8, 0))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert (moment.hour, moment.utcoffset()) == (0, timedelta(0))


def test_a_notice_or_a_place_without_any_text_is_refused():
    for empty in (None, "", "  "):
        with pytest.raises(DomainError) as refused:
            check_text(empty)
        assert refused.value.code == "text_empty"
        with pytest.raises(DomainError) as refused:
            check_name(empty, "name")
        assert refused.value.code == "name_empty"


def test_a_failed_send_waits_5_20_80_seconds_and_at_most_ten_minutes():
    assert [sending.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 9)] == \
        [5, 20, 80, 320, 600, 600]


def test_a_failure_is_kept_with_its_error_and_the_time_of_the_next_try(tx, grid):
    made = broadcast(tx, grid)
    message = messages(tx.session, made.id)["张三"]
    sending.send_failed(message, ConnectionError("网关无响应 " + "x" * 2000), NOW, 3)
    assert (message.state, message.attempts, message.retry_at, message.updated_at) == \
        ("pending", 1, NOW + timedelta(seconds=5), NOW)
    assert message.error.startswith("网关无响应") and len(message.error) == 1000
    sending.send_failed(message, "still away", NOW, 3)
    assert (message.state, message.attempts, message.retry_at) == \
        ("pending", 2, NOW + timedelta(seconds=20))
    sending.send_failed(message, "still away", NOW, 3)
    assert (message.state, message.attempts, message.retry_at, message.error) == \
        ("failed", 3, None, "still away")
    tx.session.commit()
    due = tx.session.scalars(sending.due_messages(NOW)).all()
    assert message.id not in due and messages(tx.session, made.id)["李四"].id in due


def test_a_message_waiting_after_a_failure_is_due_once_its_pause_is_over(tx, grid):
    made = broadcast(tx, grid)
    zhang = messages(tx.session, made.id)["张三"]
    sending.send_failed(zhang, "away", NOW, 3)
    tx.session.commit()
    assert zhang.id not in tx.session.scalars(sending.due_messages(NOW)).all()
    assert zhang.id not in tx.session.scalars(
        sending.due_messages(NOW + timedelta(seconds=4))).all()
    assert zhang.id in tx.session.scalars(sending.due_messages(NOW + timedelta(seconds=5))).all()


def test_a_send_hanging_five_minutes_is_failed_for_staff_and_not_sooner(tx, grid):
    made = broadcast(tx, grid)
    zhang, li = messages(tx.session, made.id)["张三"], messages(tx.session, made.id)["李四"]
    assert sending.claim(tx.session, zhang.id, NOW - timedelta(minutes=5, seconds=1))
    assert sending.claim(tx.session, li.id, NOW - timedelta(minutes=4, seconds=59))
    tx.session.commit()
    assert sending.expire_claims(tx.session, NOW) == 1
    tx.session.commit()
    tx.session.expire_all()
    zhang, li = tx.session.get(Message, zhang.id), tx.session.get(Message, li.id)
    assert (zhang.state, zhang.error, as_utc(zhang.updated_at)) == \
        ("failed", sending.INTERRUPTED, NOW)
    assert (li.state, as_utc(li.claimed_at)) == ("sending", NOW - timedelta(minutes=4, seconds=59))


def test_a_delivery_report_changes_only_a_message_that_went_out(tx, grid):
    made = broadcast(tx, grid)
    zhang, li = messages(tx.session, made.id)["张三"], messages(tx.session, made.id)["李四"]
    sending.sent(zhang, "http", "gw-1", NOW)
    assert (zhang.state, zhang.sender, zhang.gateway_ref, zhang.attempts, zhang.sent_at) == \
        ("sent", "http", "gw-1", 1, NOW)
    later = NOW + timedelta(minutes=2)
    sending.delivery_report(tx.session, {"reference": sending.reference(zhang.id),
                                         "status": "delivered",
                                         "at": datetime(2026, 11, 27, 10, 1)}, later)
    assert (zhang.state, zhang.delivered_at, zhang.updated_at) == \
        ("delivered", NOW + timedelta(minutes=1), later)       # 10:01 in Beijing
    # a report for a message still waiting to go changes nothing of its state
    sending.delivery_report(tx.session, {"reference": sending.reference(li.id),
                                         "status": "failed"}, later)
    assert (li.state, li.error) == ("pending", None)
    sending.sent(li, "http", None, NOW)
    sending.delivery_report(tx.session, {"reference": sending.reference(li.id),
                                         "status": "failed"}, later)
    assert (li.state, li.error) == ("failed", "运营商报告未送达")
    for reference in ("minzi-sms-", f"sms-{li.id}", f"minzi-sms-{li.id}x", None):
        with pytest.raises(DomainError) as refused:
            sending.delivery_report(tx.session, {"reference": reference,
                                                 "status": "delivered"}, later)
        assert refused.value.code == "message_not_found"


def test_a_report_of_failure_keeps_the_carriers_words(tx, grid):
    made = broadcast(tx, grid)
    zhang = messages(tx.session, made.id)["张三"]
    sending.sent(zhang, "http", "gw-1", NOW)
    sending.delivery_report(tx.session, {"reference": sending.reference(zhang.id),
                                         "status": "failed", "error": "空号"}, NOW)
    assert (zhang.state, zhang.error, zhang.delivered_at) == ("failed", "空号", None)


@pytest.mark.parametrize("staff, operates", [
    (OPERATOR, True),
    ({**OPERATOR, "role": "handler"}, True),
    (ADMIN, True),
    ({**ADMIN, "program_id": "cat_fund"}, True),
    (OTHER_PROGRAM, False),
    ({**OTHER_PROGRAM, "role": "handler"}, False),
    (RECEPTIONIST, False),
    ({**RECEPTIONIST, "program_id": "sms_broadcast"}, False),
    (None, False),
])
def test_the_programs_own_staff_and_admins_operate_and_see_phones(staff, operates):
    assert access.is_operator(staff) is operates
    assert access.shown_phone("13800001111", staff) == \
        ("13800001111" if operates else "138****1111")


def test_a_reply_keeps_what_the_gateway_sent_trimmed(tx, grid):
    inbound, created = reply(tx, "  电梯坏了  ", " gw-9 ", phone="+86 138 0000 1111")
    assert created
    assert (inbound.gateway_message_id, inbound.phone, inbound.text) == \
        ("gw-9", "13800001111", "电梯坏了")
    assert reply(tx, "电梯坏了", "gw-9")[1] is False           # the same message id, trimmed
    foreign, _ = reply(tx, "hello", "gw-10", phone=" +44 7700 900123 ")
    assert (foreign.phone, foreign.kind, foreign.contact_id) == ("+44 7700 900123", "case", None)
    change = tx.session.scalar(select(Change).where(Change.entity == "inbound",
                                                    Change.entity_id == inbound.id))
    assert (change.actor, change.action, change.community) == \
        ("居民 138****1111", "reply_case", grid["zhang"].community)
    assert tx.session.scalar(select(Inbound).where(Inbound.gateway_message_id == "gw-10")) \
        is foreign


@pytest.mark.parametrize("text, kind, opted_out", [
    ("UNSUBSCRIBE", "opt_out", True), ("unsubscribe.", "opt_out", True),
    ("退订", "opt_out", True), ("Subscribe", "opt_in", False), ("订阅", "opt_in", False)])
def test_each_word_for_stop_or_come_back_is_understood(tx, grid, text, kind, opted_out):
    if not opted_out:
        reply(tx, "TD", "gw-before")                            # out first, so coming back shows
    inbound, _ = reply(tx, text, "gw-word")
    assert inbound.kind == kind and tx.published == []
    assert tx.session.get(Contact, grid["zhang"].id).opted_out is opted_out


def test_a_reply_is_dated_when_the_gateway_received_it_and_recorded_when_it_arrived(tx, grid):
    later = NOW + timedelta(minutes=7)
    inbound, _ = receive_reply(tx, {"from": "13800001111", "text": "电梯坏了",
                                    "message_id": "gw-1",
                                    "received_at": datetime(2026, 11, 27, 10, 3)}, later, [C])
    assert (inbound.received_at, inbound.recorded_at) == (NOW + timedelta(minutes=3), later)
    undated, _ = receive_reply(tx, {"from": "13800001111", "text": "还是坏的",
                                    "message_id": "gw-2"}, later, [C])
    assert (undated.received_at, undated.recorded_at) == (later, later)


def test_a_long_reply_becomes_a_case_intake_takes_and_a_long_number_is_kept_to_20(tx, grid):
    text = "电梯" * 2001                                         # 4002 characters
    reply(tx, text, "gw-1")
    data = tx.published[0]["data"]
    assert data["description"] == text[:4000] and len(data["description"]) == 4000
    CaseSubmitted().load(data)                                  # intake takes at most 4000
    stranger, _ = reply(tx, "hello", "gw-2", phone="+44 7700 900123 45678 9")
    assert stranger.phone == "+44 7700 900123 4567"            # 3+1+4+1+6+1+4: the first 20


def test_a_message_sent_after_a_failure_no_longer_shows_the_error(tx, grid):
    made = broadcast(tx, grid)
    zhang = messages(tx.session, made.id)["张三"]
    sending.send_failed(zhang, "gateway away", NOW, 3)
    later = NOW + timedelta(seconds=5)
    assert sending.claim(tx.session, zhang.id, later)
    tx.session.commit()
    tx.session.expire_all()
    zhang = tx.session.get(Message, zhang.id)
    assert (zhang.state, as_utc(zhang.claimed_at), as_utc(zhang.updated_at)) == \
        ("sending", later, later)
    sending.sent(zhang, "http", "gw-2", later)
    assert (zhang.state, zhang.attempts, zhang.error, zhang.sent_at) == ("sent", 2, None, later)


def test_a_report_arriving_before_the_sender_recorded_the_send_still_counts(tx, grid):
    """The gateway may report before the relay has written "sent": the message is still
    "sending" then."""
    made = broadcast(tx, grid)
    zhang, li = messages(tx.session, made.id)["张三"], messages(tx.session, made.id)["李四"]
    for message in (zhang, li):
        assert sending.claim(tx.session, message.id, NOW)
    tx.session.commit()
    tx.session.expire_all()
    sending.delivery_report(tx.session, {"reference": sending.reference(zhang.id),
                                         "status": "delivered"}, NOW)
    sending.delivery_report(tx.session, {"reference": sending.reference(li.id),
                                         "status": "failed", "error": "拒收" * 600}, NOW)
    zhang, li = tx.session.get(Message, zhang.id), tx.session.get(Message, li.id)
    assert (zhang.state, zhang.delivered_at) == ("delivered", NOW)
    assert (li.state, li.error) == ("failed", "拒收" * 500)       # the first 1000 characters


def test_a_send_hanging_exactly_five_minutes_is_not_yet_failed(tx, grid):
    made = broadcast(tx, grid)
    zhang = messages(tx.session, made.id)["张三"]
    assert sending.claim(tx.session, zhang.id, NOW - timedelta(minutes=5))
    tx.session.commit()
    assert sending.expire_claims(tx.session, NOW) == 0
    assert sending.expire_claims(tx.session, NOW + timedelta(microseconds=1)) == 1


def test_a_reply_answers_the_text_the_resident_received_last(tx, grid):
    first, second = broadcast(tx, grid), broadcast(tx, grid, text="周六义诊")
    one, two = messages(tx.session, first.id)["张三"], messages(tx.session, second.id)["张三"]
    sending.sent(two, "http", "gw-a", NOW + timedelta(minutes=1))
    sending.sent(one, "http", "gw-b", NOW + timedelta(minutes=10))   # tried again, went later
    tx.session.commit()
    inbound, _ = reply(tx, "电梯坏了", "gw-1")
    assert (inbound.broadcast_id, inbound.message_id) == (first.id, one.id)
    # delivered counts as received; at the same moment, the later of two texts is the last
    sending.delivery_report(tx.session, {"reference": sending.reference(one.id),
                                         "status": "delivered"}, NOW)
    sending.sent(two, "http", "gw-c", NOW + timedelta(minutes=10))
    tx.session.commit()
    inbound, _ = reply(tx, "还是坏的", "gw-2")
    assert (inbound.broadcast_id, inbound.message_id) == (second.id, two.id)
    li = messages(tx.session, first.id)["李四"]
    sending.sent(li, "http", "gw-d", NOW)
    sending.delivery_report(tx.session, {"reference": sending.reference(li.id),
                                         "status": "delivered"}, NOW)
    tx.session.commit()
    inbound, _ = reply(tx, "收到", "gw-3", phone="13800002222")
    assert (inbound.broadcast_id, inbound.message_id) == (first.id, li.id)


def test_a_reply_is_not_linked_to_a_text_the_resident_never_received(tx, grid):
    broadcast(tx, grid)                                         # 张三's text still waiting
    failed = broadcast(tx, grid, text="周六义诊")
    sending.send_failed(messages(tx.session, failed.id)["张三"], "away", NOW, 1)
    tx.session.commit()
    inbound, _ = reply(tx, "电梯坏了", "gw-1")
    assert (inbound.kind, inbound.broadcast_id, inbound.message_id) == ("case", None, None)
    assert tx.published[0]["data"]["reference"] is None


def test_a_registered_resident_never_texted_is_heard_in_their_own_community(tx, grid):
    inbound, _ = reply(tx, "我家水管漏水", "gw-1", phone="13800004444",   # 赵六, 9号楼
                       communities=(C, "maple-court"))
    assert (inbound.kind, inbound.community, inbound.contact_id, inbound.broadcast_id) == \
        ("case", C, grid["zhao"].id, None)
    [event] = tx.published
    assert (event["community"], event["data"]["resident"], event["data"]["address"]) == \
        (C, {"name": "赵六", "phone": "13800004444"}, "二片区 9号楼")
