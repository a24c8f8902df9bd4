"""Time limits as Beijing's 12345 hotline keeps them: a service type's urgency class (emergency
2 hours, utilities 24, general 7 days, complex 15 days), raised (never lowered) by staff at the
window; the case's clock, its chasing and the station head's queues follow it, and the staff who
answer for a case are told when it is chased or escalated."""
from datetime import timedelta

import pytest
from marshmallow import ValidationError

from minzi.contract import ProgramManifest
from minzi.db import as_utc

from intake import open311
from intake.domain import chasing, reports
from intake.domain.assignment import assign
from intake.domain.desk import more_urgent
from intake.domain.registration import register
from intake.domain.registry import Registry
from intake.domain.views import case_view, list_cases, list_services
from intake.models import Notification
from intake.models import Staff as StaffRow
from intake.schemas import CaseCreateSchema

from .conftest import (
    LAWYER,
    NOW,
    RECEPTIONIST,
    STATION_HEAD,
    actor,
    desk,
    refused_unchanged,
    register_case,
    said,
)

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
QUEUE = {"queue": "all", "status": None, "program_id": None, "limit": 100, "offset": 0}

# a repairs program whose manifest gives a class and no hours of its own: utilities, 24 hours
REPAIRS = ProgramManifest().load({
    "program_id": "repairs", "name": {"zh": "物业报修", "en": "Repairs"},
    "communities": ["rainbow-city"], "instance_id": "repairs-1",
    "service_types": [{"code": "water_leak", "name": {"zh": "漏水", "en": "Water leak"},
                       "keywords": ["漏水"], "urgency": "utilities"}]})


@pytest.fixture
def repairs(tx):
    Registry(tx.session).announce(REPAIRS, NOW)
    tx.session.flush()


def queue(tx, staff, now=NOW, **q):
    return list_cases(tx.session, staff, {**QUEUE, **q}, "zh", now)


def staff_messages(tx, case):
    return [(n.purpose, n.channel, n.recipient, n.body) for n in tx.session.query(Notification)
            .filter(Notification.case_id == case.id, Notification.purpose.like("staff_%"))
            .order_by(Notification.id)]


def test_a_service_without_hours_of_its_own_takes_its_class(tx, repairs):
    leak = register_case(tx, description="厨房漏水", service_code="water_leak")
    # utilities: 24 hours from 10:00 on the 27th, Beijing
    assert (leak.urgency, leak.time_limit_hours, leak.due_at) == ("utilities", 24, NOW + 24 * HOUR)
    view = case_view(leak, RECEPTIONIST, "en", NOW)
    assert (view["urgency"], view["urgency_label"], view["time_limit_hours"]) == \
        ("utilities", "Utilities (24 hours)", 24)
    assert case_view(leak, RECEPTIONIST, "zh", NOW)["urgency_label"] == "水电气热（24 小时）"


def test_an_emergency_raised_at_the_window_is_due_two_hours_later_chased_then_escalated(
        tx, repairs):
    tx.session.get(StaffRow, STATION_HEAD["id"]).phone = "13911112222"
    leak = register_case(tx, description="楼上漏水淹到电闸", service_code="water_leak",
                         urgency="emergency")
    # registered 10:00 on the 27th (Beijing): due 12:00, not the offer's 24 hours
    assert (leak.urgency, leak.time_limit_hours, leak.due_at) == ("emergency", 2, NOW + 2 * HOUR)
    assert [(e.action, e.actor, e.note, e.public) for e in leak.events][:2] == [
        ("registered", "王接待", "渠道：来访", True),
        ("urgency_raised", "王接待", "紧急（2 小时）", False)]   # the staff's, not the resident's
    receipt = tx.session.query(Notification).filter_by(case_id=leak.id, purpose="receipt").one()
    assert "预计 2026-11-27 12:00 前办结" in receipt.body

    assert chasing.chase_overdue(desk(tx, NOW + 2 * HOUR)) == []          # on time to the minute
    assert chasing.chase_overdue(desk(tx, NOW + 2 * HOUR + MINUTE)) == [(leak.id, 1)]
    reminder = "已超过办理时限（应于 2026-11-27 12:00 前办结），请尽快办理"
    assert leak.events[-1].note == reminder
    # escalated when late by half the limit again: one hour, at 13:00
    assert chasing.chase_overdue(desk(tx, NOW + 3 * HOUR - MINUTE)) == []
    assert chasing.chase_overdue(desk(tx, NOW + 3 * HOUR)) == [(leak.id, 2)]
    assert leak.events[-1].note == "超过办理时限 1.0 小时，升级至站长督办"
    assert (leak.chase_level, leak.escalated) == (2, True)

    # the owner was told of both; the station head, who has a phone, gets the escalation by text
    assert staff_messages(tx, leak) == [
        ("staff_chased", "staff", "staff:1", f"王接待：诉求 #{leak.id}催办：{reminder}"),
        ("staff_escalated", "staff", "staff:1",
         f"王接待：诉求 #{leak.id}超时升级至站长督办：超过办理时限 1.0 小时，升级至站长督办"),
        ("staff_escalated", "sms", "13911112222",
         f"赵站长：诉求 #{leak.id}超时升级至站长督办：超过办理时限 1.0 小时，升级至站长督办")]


def test_the_owner_sees_the_chase_in_their_queue(tx):
    wages = register_case(tx)                  # legal aid, 48 hours: due 10:00 on the 29th
    [before] = queue(tx, RECEPTIONIST, queue="mine")
    assert before["last_chase"] is None
    chasing.chase(desk(tx, NOW + 5 * HOUR), wages, actor(STATION_HEAD), "请今天内联系居民")
    [mine] = queue(tx, RECEPTIONIST, NOW + 6 * HOUR, queue="mine")
    assert (mine["id"], mine["chase_level"]) == (wages.id, 1)
    assert mine["last_chase"] == {
        "at": "2026-11-27T07:00:00Z", "actor": "赵站长", "action": "chased",
        "action_label": "催办", "from_status": None, "to_status": "dispatched",
        "note": "请今天内联系居民"}
    assert staff_messages(tx, wages) == [
        ("staff_chased", "staff", "staff:1", f"王接待：诉求 #{wages.id}催办：请今天内联系居民")]


def test_the_handler_with_an_account_is_told_too(tx):
    wages = register_case(tx)
    reports.apply_report(desk(tx, NOW + HOUR), {"case_id": wages.id, "program_id": "legal_aid",
                                                "status": "accepted", "handler": "李律师"})
    chasing.chase_overdue(desk(tx, NOW + 49 * HOUR))           # due 10:00 on the 29th
    note = "已超过办理时限（应于 2026-11-29 10:00 前办结），请尽快办理"
    assert staff_messages(tx, wages) == [
        ("staff_chased", "staff", "staff:1", f"王接待：诉求 #{wages.id}催办：{note}"),
        ("staff_chased", "staff", "staff:3", f"李律师：诉求 #{wages.id}催办：{note}")]
    [lawyers] = queue(tx, LAWYER, NOW + 49 * HOUR, queue="program")
    assert (lawyers["last_chase"]["action_label"], lawyers["last_chase"]["note"]) == \
        ("催办", note)


def test_a_raise_to_a_longer_class_is_refused_naming_the_field(tx, repairs):
    body = {"community": "rainbow-city", "channel": "visit", "resident_phone": "13800001111"}
    # unpaid wages: the legal-aid home's 48 hours; general (7 days) would be longer
    error = refused_unchanged(tx, "urgency_not_a_raise", register, desk(tx),
                              {**body, "description": "公司拖欠我三个月工资",
                               "urgency": "general"},
                              actor(RECEPTIONIST))
    assert said(error) == (
        "紧急程度只能提高：「一般（7 天）」比「劳动争议」的办理时限 48 小时更长",
        "Urgency can only be raised: 'General (7 days)' is longer than the 48 hours of '劳动争议'",
        "urgency", 400)
    # a water leak is utilities: complex is a lower class
    error = refused_unchanged(tx, "urgency_not_a_raise", register, desk(tx),
                              {**body, "description": "漏水", "service_code": "water_leak",
                               "urgency": "complex"}, actor(RECEPTIONIST))
    assert said(error)[2] == "urgency"
    # utilities for unpaid wages is a raise: 24 hours, not 48
    wages = register_case(tx, urgency="utilities")
    assert (wages.urgency, wages.time_limit_hours, wages.due_at) == \
        ("utilities", 24, NOW + 24 * HOUR)
    # the same class as the service's changes nothing
    leak = register_case(tx, description="漏水", service_code="water_leak",
                         resident_phone="13900000001", urgency="utilities")
    assert (leak.time_limit_hours, leak.due_at) == (24, NOW + 24 * HOUR)


def test_the_station_heads_unassigned_queue_puts_an_emergency_first(tx):
    # a general request nobody obviously owns, at 11:00 on the 26th: due (24 h unassigned)
    # at 11:00 today, an hour from now
    lamp = register_case(tx, staff=STATION_HEAD, now=NOW - 23 * HOUR,
                         description="小区路灯不亮", resident_phone="13900000002",
                         urgency="general")
    assert lamp.due_at == NOW + HOUR
    # an emergency nobody obviously owns, now: due at 12:00, later than the lamp, listed first
    gas = register_case(tx, description="楼道有燃气味", resident_phone="13900000003",
                        urgency="emergency")
    assert (gas.status, gas.time_limit_hours, gas.due_at) == \
        ("awaiting_assignment", 2, NOW + 2 * HOUR)
    unclassed = register_case(tx, now=NOW - 23 * HOUR - MINUTE, description="楼下有噪音",
                              resident_phone="13900000004")      # no class: counts as general
    assert [c["id"] for c in queue(tx, STATION_HEAD, queue="unassigned")] == \
        [gas.id, unclassed.id, lamp.id]
    assert [c["urgency"] for c in queue(tx, STATION_HEAD, queue="unassigned")] == \
        ["emergency", None, "general"]
    # at 14:00 all three are overdue and escalated: the emergency still first
    chasing.chase_overdue(desk(tx, NOW + 4 * HOUR))
    for name in ("overdue", "escalated"):
        assert [c["id"] for c in queue(tx, STATION_HEAD, NOW + 4 * HOUR, queue=name)] == \
            [gas.id, unclassed.id, lamp.id]


def test_an_assigned_emergency_keeps_its_clock(tx):
    gas = register_case(tx, description="楼道有燃气味", resident_phone="13900000003",
                        urgency="emergency")
    assign(desk(tx, NOW + HOUR), gas, actor(STATION_HEAD), "legal_consultation")
    # the consultation's 168 hours, but an emergency: 2 hours from the assignment at 11:00
    assert (gas.urgency, gas.time_limit_hours, gas.due_at) == \
        ("emergency", 2, NOW + 3 * HOUR)


def test_only_staff_set_an_urgency_and_only_one_of_the_four(tx, repairs):
    with pytest.raises(ValidationError) as error:
        CaseCreateSchema().load({"channel": "visit", "description": "漏水", "urgency": "urgent"})
    assert set(error.value.messages) == {"urgency"}
    # a resident's Open311 request: an urgency in the form is not theirs to give
    assert len(open311.create(desk(tx), "rainbow-city", {
        "service_code": "water_leak", "description": "漏水", "address_string": "3号楼",
        "urgency": "emergency"}, {}, None)) == 1
    case = next(c for c in queue(tx, STATION_HEAD) if c["channel"] == "open311")
    assert (case["urgency"], case["time_limit_hours"]) == ("utilities", 24)


def test_who_is_told_of_a_chase_and_of_an_escalation_and_who_is_not(tx):
    """Told: the case's owner while their account is open; the program's handler of the name it
    reported, with an open account of that program in the case's community; on an escalation,
    the community's open station heads too, in the order their accounts were opened. Not told:
    a closed account, a namesake of another program or community. Each message is numbered
    within its case and kind, and kept with the moment it was made."""
    other = register_case(tx, description="另一件拖欠工资", resident_phone="13900002222")
    wages = register_case(tx)
    reports.apply_report(desk(tx, NOW + HOUR), {"case_id": wages.id, "program_id": "legal_aid",
                                                "status": "accepted", "handler": "李律师"})
    rainbow = {"community_id": "rainbow-city", "password_hash": "x"}
    tx.session.add_all([
        StaffRow(id=20, username="li-cats", name="李律师", role="program_staff",
                 program_id="cat_fund", **rainbow),
        StaffRow(id=21, username="li-maple", name="李律师", role="handler",
                 program_id="legal_aid", community_id="maple-court", password_hash="x"),
        StaffRow(id=22, username="li-gone", name="李律师", role="handler",
                 program_id="legal_aid", active=False, **rainbow),
        StaffRow(id=23, username="qian", name="钱站长", role="station_head", **rainbow),
        StaffRow(id=24, username="sun", name="孙站长", role="station_head", active=False,
                 **rainbow),
        StaffRow(id=25, username="maple-head", name="枫林站长", role="station_head",
                 community_id="maple-court", password_hash="x"),
        StaffRow(id=26, username="li-too", name="李律师", role="handler",    # a namesake there
                 program_id="legal_aid", **rainbow),
        StaffRow(id=27, username="zhou", name="周律师", role="handler", program_id="legal_aid",
                 **rainbow)])
    desk(tx, NOW + 2 * HOUR).tell_staff(other, "chased", None)     # the owner, on another case
    tx.session.get(StaffRow, RECEPTIONIST["id"]).active = False   # the owner's account closed
    tx.session.flush()

    told = desk(tx, NOW + 5 * HOUR).tell_staff(wages, "chased", None)
    assert [person.id for person in told] == [LAWYER["id"], 26]
    desk(tx, NOW + 6 * HOUR).tell_staff(wages, "chased", "请今天内联系居民")
    told = desk(tx, NOW + 7 * HOUR).tell_staff(wages, "escalated", "超时未办")
    assert [person.id for person in told] == [LAWYER["id"], 26, STATION_HEAD["id"], 23]
    sent = tx.session.query(Notification).filter(
        Notification.case_id == wages.id, Notification.purpose.like("staff_%")) \
        .order_by(Notification.id).all()
    n, chased, escalated = wages.id, "催办", "超时升级至站长督办：超时未办"
    assert [(m.purpose, m.sequence, m.recipient, m.body, as_utc(m.created_at)) for m in sent] == [
        ("staff_chased", 1, "staff:3", f"李律师：诉求 #{n}{chased}", NOW + 5 * HOUR),
        ("staff_chased", 2, "staff:26", f"李律师：诉求 #{n}{chased}", NOW + 5 * HOUR),
        ("staff_chased", 3, "staff:3", f"李律师：诉求 #{n}{chased}：请今天内联系居民",
         NOW + 6 * HOUR),
        ("staff_chased", 4, "staff:26", f"李律师：诉求 #{n}{chased}：请今天内联系居民",
         NOW + 6 * HOUR),
        ("staff_escalated", 1, "staff:3", f"李律师：诉求 #{n}{escalated}", NOW + 7 * HOUR),
        ("staff_escalated", 2, "staff:26", f"李律师：诉求 #{n}{escalated}", NOW + 7 * HOUR),
        ("staff_escalated", 3, "staff:2", f"赵站长：诉求 #{n}{escalated}", NOW + 7 * HOUR),
        ("staff_escalated", 4, "staff:23", f"钱站长：诉求 #{n}{escalated}", NOW + 7 * HOUR)]


def test_a_case_back_with_the_station_head_is_no_longer_its_former_handlers(tx):
    """The program returned the case: it waits for the station head, and a chase of it tells its
    owner, not the handler the program had named (nor anyone of that name at the station)."""
    wages = register_case(tx)
    reports.apply_report(desk(tx, NOW + HOUR), {"case_id": wages.id, "program_id": "legal_aid",
                                                "status": "accepted", "handler": "李律师"})
    reports.apply_report(desk(tx, NOW + 2 * HOUR), {
        "case_id": wages.id, "program_id": "legal_aid", "status": "returned",
        "handler": "李律师", "note": "不属于法律援助范围"})
    tx.session.add(StaffRow(id=20, username="li-desk", name="李律师", role="receptionist",
                            community_id="rainbow-city", password_hash="x"))
    tx.session.flush()
    assert (wages.status, wages.program_id) == ("awaiting_assignment", None)
    told = desk(tx, NOW + 3 * HOUR).tell_staff(wages, "chased", None)
    assert [person.id for person in told] == [RECEPTIONIST["id"]]


def test_a_service_shows_its_urgency_class_in_the_readers_language(tx, repairs):
    def shown(lang):
        return {s["service_code"]: (s["urgency"], s["urgency_label"], s["time_limit_hours"])
                for s in list_services(tx.session, "rainbow-city", lang)}
    assert shown("zh")["water_leak"] == ("utilities", "水电气热（24 小时）", 24)
    assert shown("en")["water_leak"] == ("utilities", "Utilities (24 hours)", 24)
    assert shown("en")["labour_dispute"] == (None, None, 48)     # hours of its own, no class


def test_the_more_urgent_class_goes_by_the_hotlines_order_not_the_alphabets():
    # most urgent first: emergency (2 hours), utilities (24), general (7 days), complex (15)
    assert more_urgent("general", "complex") == "general"
    assert more_urgent("complex", "utilities") == "utilities"
    assert more_urgent("utilities", None, "emergency") == "emergency"
    assert more_urgent(None, "complex") == "complex"
    assert more_urgent(None, None) is None


def test_a_programs_services_are_listed_by_code_whatever_order_its_manifest_gave(tx):
    Registry(tx.session).announce(ProgramManifest().load({
        "program_id": "repairs", "name": {"zh": "物业报修"}, "communities": ["rainbow-city"],
        "instance_id": "repairs-1", "service_types": [
            {"code": "water_leak", "name": {"zh": "漏水"}, "urgency": "utilities"},
            {"code": "broken_lamp", "name": {"zh": "路灯"}, "time_limit_hours": 72},
            {"code": "lift_stuck", "name": {"zh": "电梯困人"}, "urgency": "emergency"}]}),
        NOW + HOUR)          # after the legal-aid home and the cat fund, which come first
    assert [s["service_code"] for s in list_services(tx.session, "rainbow-city", "zh")] == [
        "labour_dispute", "legal_consultation", "sick_cat",
        "broken_lamp", "lift_stuck", "water_leak"]
