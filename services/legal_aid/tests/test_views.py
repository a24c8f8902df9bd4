"""What staff and residents see of the legal-aid home's records, written out in full: a lecture
and its registrations, a consultation day as the public, the front desk and the program's staff
see it, a visitor's receptions, and the activity record of every change. Times are Beijing
wall-clock times turned into UTC by hand (Beijing is UTC+8)."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.contract import CaseDispatched, CaseNotice
from minzi.testing import make_staff

from legal_aid.domain import (
    bookings,
    cases,
    codes,
    consultations,
    figures,
    lawyers,
    lectures,
    receptions,
    views,
)

from .conftest import ALICE, NOW, at

C = "rainbow-city"
DESK = make_staff("receptionist", community=C, id=3, username="desk", name="前台小周")
STAMP = {"created_at": "2026-11-27T02:00:00Z", "created_by": "李",
         "updated_at": "2026-11-27T02:00:00Z", "updated_by": "李"}
WANG = {"id": 1, "name": "王律师", "firm": "京师律所"}


@pytest.fixture
def wang(tx):
    return lawyers.add_lawyer(tx, C, {"name": "王律师", "firm": "京师律所",
                                      "phone": "13900001111"}, ALICE, NOW)


def test_a_full_lecture_as_staff_and_residents_see_it(tx):
    lecture = lectures.plan_lecture(tx, C, {
        "topic": "劳动合同法", "speaker": "王律师", "starts_at": at(5, 19), "ends_at": at(5, 21),
        "place": "社区活动室", "capacity": 1, "description": "带上劳动合同"}, ALICE, NOW)
    first = lectures.register(tx, lecture.id, "甲", "13800000001", ALICE, NOW)
    second = lectures.register(tx, lecture.id, "乙", "13800000002", ALICE, NOW)

    # 19:00 to 21:00 in Beijing on 2 December is 11:00 to 13:00 UTC
    assert views.lecture_view(lecture, "zh") == {
        "id": 1, "community": C, "topic": "劳动合同法", "speaker": "王律师",
        "starts_at": "2026-12-02T11:00:00Z", "ends_at": "2026-12-02T13:00:00Z",
        "place": "社区活动室", "capacity": 1, "description": "带上劳动合同",
        "status": "planned", "status_name": "计划中",
        "registered": 1, "waitlisted": 1, "attended": 0, "seats_left": 0,
        "held_at": None, "held_by": None, **STAMP}
    assert views.lecture_view(lecture, "en")["status_name"] == "Planned"

    # the public (a resident who just registered) sees the phone masked, and their cancel code
    assert views.registration_view(second, full=False, code=True) == {
        "id": 2, "lecture_id": 1, "name": "乙", "phone": "138****0002", "status": "waitlisted",
        "waitlist_position": 1, "attended": False, "created_at": "2026-11-27T02:00:00Z",
        "created_by": "李", "cancel_code": second.cancel_code}
    assert len(second.cancel_code) >= 16

    # 甲 cancels an hour later: 乙 takes the seat
    later = NOW + timedelta(hours=1)
    lectures.cancel_registration(tx, lecture.id, first.id, ALICE, later, code=first.cancel_code)
    assert views.registration_view(second) == {
        "id": 2, "lecture_id": 1, "name": "乙", "phone": "13800000002", "status": "registered",
        "waitlist_position": None, "attended": False, "created_at": "2026-11-27T02:00:00Z",
        "created_by": "李", "attendance_recorded_at": None, "attendance_recorded_by": None,
        "promoted_at": "2026-11-27T03:00:00Z", "cancelled_at": None, "cancelled_by": None}
    assert views.registration_view(first)["cancelled_at"] == "2026-11-27T03:00:00Z"
    assert views.registration_view(first)["cancelled_by"] == "李"

    # the lecture is held: 乙 came, with one walk-in
    lectures.record_attendance(tx, C, lecture.id, {"present": [second.id], "walk_ins": [
        {"name": "丙", "phone": "13800000003"}]}, ALICE, at(5, 21))
    view = views.lecture_view(lecture, "en")
    assert (view["status"], view["status_name"], view["held_at"], view["held_by"]) == (
        "held", "Held", "2026-12-02T13:00:00Z", "李")
    assert (view["registered"], view["waitlisted"], view["attended"], view["seats_left"]) == (
        2, 0, 2, 0)
    assert view["updated_at"] == "2026-12-02T13:00:00Z"
    assert views.registration_view(second)["attendance_recorded_at"] == "2026-12-02T13:00:00Z"


def test_lectures_listed_by_beijing_date_and_status(tx):
    def plan(topic, starts_at, **extra):
        return lectures.plan_lecture(tx, C, {"topic": topic, "speaker": "王律师",
                                             "starts_at": starts_at, "place": "活动室",
                                             "capacity": 10, **extra}, ALICE, NOW)
    late = plan("晚场", at(2, 23, 30))     # 15:30 UTC on the 29th, Beijing date the 29th
    early = plan("早场", at(3, 7))         # 23:00 UTC on the 29th, Beijing date the 30th
    plan("别的社区", at(3, 8))
    lectures.cancel_lecture(tx, C, late.id, "讲师有事", ALICE, NOW)
    day = at(3).date()
    assert [x.topic for x in views.list_lectures(tx.session, C, day_from=day, day_to=day)] == [
        "早场", "别的社区"]
    assert [x.topic for x in views.list_lectures(tx.session, C, day_to=at(2).date())] == ["晚场"]
    assert [x.id for x in views.list_lectures(tx.session, C, status="planned")] == [
        early.id, 3]
    assert views.list_lectures(tx.session, "sunny-garden") == []


def test_a_consultation_day_as_the_public_the_desk_and_the_program_see_it(tx, wang):
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站二楼",
                                         "note": "带身份证", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 11), "minutes": 60}]},
        ALICE, NOW)
    booked = bookings.book(tx, C, day.id, {"name": "张三", "phone": "13800001111",
                                           "note": "带上合同"}, DESK, NOW)
    walk_in = bookings.record_walk_in(tx, C, day.id, {"name": "李四"}, DESK, NOW)

    # 09:00 and 10:00 in Beijing on 30 November are 01:00 and 02:00 UTC
    first = {"id": 1, "starts_at": "2026-11-30T01:00:00Z", "ends_at": "2026-11-30T02:00:00Z",
             "lawyer": WANG, "free": False}
    second = {"id": 2, "starts_at": "2026-11-30T02:00:00Z", "ends_at": "2026-11-30T03:00:00Z",
              "lawyer": WANG, "free": True}
    public = {"id": 1, "community": C, "day": "2026-11-30", "place": "服务站二楼",
              "note": "带身份证", "slots": [first, second], "free_slots": 1, "booked_slots": 1}
    assert views.day_view(tx.session, day) == public

    full = {"id": 1, "day_id": 1, "day": "2026-11-30", "slot_id": 1,
            "starts_at": "2026-11-30T01:00:00Z", "lawyer": WANG, "kind": "booked",
            "name": "张三", "phone": "13800001111", "case_id": None, "note": "带上合同",
            "status": "active", "created_at": "2026-11-27T02:00:00Z", "created_by": "前台小周",
            "cancelled_at": None, "cancelled_by": None}
    assert views.booking_view(booked) == full
    desk = {**full, "phone": "138****1111", "note": None}
    walk_in_full = {"id": 2, "day_id": 1, "day": "2026-11-30", "slot_id": None,
                    "starts_at": None, "lawyer": None, "kind": "walk_in", "name": "李四",
                    "phone": None, "case_id": None, "note": None, "status": "active",
                    "created_at": "2026-11-27T02:00:00Z", "created_by": "前台小周",
                    "cancelled_at": None, "cancelled_by": None}
    assert views.booking_view(walk_in) == walk_in_full
    assert views.day_view(tx.session, day, level="desk") == {
        **public, "slots": [{**first, "booking": desk}, second], "walk_ins": [walk_in_full],
        **STAMP}
    assert views.day_view(tx.session, day, level="operator") == {
        **public, "slots": [{**first, "booking": full}, second], "walk_ins": [walk_in_full],
        **STAMP}

    # cancelled, the booking frees its slot and says who cancelled it and when
    bookings.cancel_booking(tx, C, booked.id, "居民有事", DESK, NOW + timedelta(minutes=5))
    assert views.booking_view(booked)["status"] == "cancelled"
    assert views.booking_view(booked)["cancelled_at"] == "2026-11-27T02:05:00Z"
    assert views.booking_view(booked)["cancelled_by"] == "前台小周"
    assert views.day_view(tx.session, day)["free_slots"] == 2
    assert views.day_view(tx.session, day)["booked_slots"] == 0


def test_a_visitor_and_their_receptions(tx, wang):
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站二楼", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    booked = bookings.book(tx, C, day.id, {"name": "张三", "phone": "13800001111"}, DESK, NOW)
    first = receptions.record_reception(tx, C, {
        "booking_id": booked.id, "area_of_law": "labour", "outcome": "advised",
        "problem": "工资拖欠", "outcome_note": "建议申请劳动仲裁"}, ALICE, at(3, 10))
    second = receptions.record_reception(tx, C, {
        "visitor_id": first.visitor_id, "area_of_law": "labour", "outcome": "solved",
        "received_at": at(4, 15)}, ALICE, at(4, 16))

    # the booked visit: the visitor is the booking's resident, the lawyer the slot's
    assert views.reception_view(first, "en") == {
        "id": 1, "received_at": "2026-11-30T02:00:00Z", "area_of_law": "labour",
        "area_of_law_name": "Labour dispute", "problem": "工资拖欠", "outcome": "advised",
        "outcome_name": "Advised", "outcome_note": "建议申请劳动仲裁", "channel": "booked",
        "lawyer": WANG, "booking_id": 1, "case_id": None,
        "created_at": "2026-11-30T02:00:00Z", "created_by": "李",
        "updated_at": "2026-11-30T02:00:00Z", "updated_by": "李",
        "visitor": {"id": 1, "name": "张三", "phone": "13800001111"}}
    page = views.reception_page(tx.session, second, "zh", with_history=True)
    assert (page["received_at"], page["channel"], page["lawyer"]) == (
        "2026-12-01T07:00:00Z", "walk_in", None)
    assert (page["area_of_law_name"], page["outcome_name"]) == ("劳动争议", "已解决")
    assert [v["id"] for v in page["earlier_visits"]] == [1]
    assert "visitor" not in page["earlier_visits"][0]
    assert [(h["action"], h["actor"], h["at"]) for h in page["history"]] == [
        ("recorded", "李", "2026-12-01T08:00:00Z")]
    # the first visit has no earlier one
    assert views.reception_page(tx.session, first, "zh")["earlier_visits"] == []

    visitor = receptions.get_visitor(tx.session, 1, C)
    seen = views.visitor_view(visitor, with_visits=True, lang="en")
    assert {k: seen[k] for k in ("id", "name", "phone", "migrant", "created_by")} == {
        "id": 1, "name": "张三", "phone": "13800001111", "migrant": None, "created_by": "李"}
    assert [(v["id"], v["outcome_name"]) for v in seen["visits"]] == [(2, "Solved"),
                                                                     (1, "Advised")]
    assert "visits" not in views.visitor_view(visitor)

    # listed latest first, filtered by outcome and area, counted before the page is cut
    total, rows = views.list_receptions(tx.session, C, limit=1)
    assert (total, [r.id for r in rows]) == (2, [2])
    total, rows = views.list_receptions(tx.session, C, limit=1, offset=1)
    assert (total, [r.id for r in rows]) == (2, [1])
    assert views.list_receptions(tx.session, C, outcome="solved")[0] == 1
    assert views.list_receptions(tx.session, C, area_of_law="family")[0] == 0
    assert views.list_receptions(tx.session, C, day_from=at(4).date())[0] == 1
    assert [v.id for v in views.search_visitors(tx.session, C, name="张")] == [1]
    assert views.search_visitors(tx.session, C, phone="13800009999") == []


def test_every_change_is_on_the_record_with_who_when_and_what(tx, wang):
    lawyers.update_lawyer(tx, C, wang.id, {"phone": "13900002222", "firm": "京师律所"},
                          DESK, NOW)
    lecture = lectures.plan_lecture(tx, C, {"topic": "继承法", "speaker": "王律师",
                                            "starts_at": at(5, 19), "place": "活动室",
                                            "capacity": 1}, ALICE, NOW)
    lectures.update_lecture(tx, C, lecture.id, {"capacity": 2, "starts_at": at(5, 19)},
                            ALICE, NOW)
    registration = lectures.register(tx, lecture.id, "甲", "13800000001", DESK, NOW)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站"}, ALICE, NOW)
    history = views.history(tx.session, C, "lawyer", wang.id)
    assert [(h.action, h.actor, h.actor_id, h.detail) for h in history] == [
        ("added", "李", "7", {"name": "王律师"}),
        ("updated", "前台小周", "3", {"phone": "139****2222"})]
    assert [views.activity_view(h) for h in views.history(tx.session, C, "lecture", lecture.id)
            ] == [
        {"at": "2026-11-27T02:00:00Z", "actor": "李", "actor_id": "7", "entity": "lecture",
         "entity_id": 1, "action": "planned",
         "detail": {"topic": "继承法", "starts_at": "2026-12-02T11:00:00Z", "capacity": 1}},
        {"at": "2026-11-27T02:00:00Z", "actor": "李", "actor_id": "7", "entity": "lecture",
         "entity_id": 1, "action": "updated", "detail": {"capacity": 2}}]
    assert [(h.action, h.actor, h.detail) for h in
            views.history(tx.session, C, "registration", registration.id)] == [
        ("registered", "前台小周", {"lecture_id": 1, "phone": "138****0001"})]
    assert [(h.action, h.detail) for h in
            views.history(tx.session, C, "consultation_day", day.id)] == [
        ("opened", {"day": "2026-11-30", "place": "服务站"})]
    # another community's record is not shown
    assert views.history(tx.session, "sunny-garden", "lawyer", wang.id) == []


def case_from_intake(case_id: int, service_code: str = "labour_dispute") -> dict:
    return CaseDispatched().load({
        "case_id": case_id, "tracking_code": f"RC{case_id:08d}", "program_id": "legal_aid",
        "service_code": service_code, "community": C, "channel": "visit",
        "description": "工资被拖欠", "resident": {"name": "张三", "phone": "13800001111"},
        "due_at": "2026-12-04T08:00:00Z"})


def test_the_figures_counted_by_hand(tx, wang):
    """Everything a period holds, counted by hand; months and dates are Beijing's."""
    def plan(topic, starts_at, **extra):
        return lectures.plan_lecture(tx, C, {"topic": topic, "speaker": "王律师",
                                             "starts_at": starts_at, "place": "活动室",
                                             "capacity": 10, **extra}, ALICE, NOW)
    plan("计划中", at(5, 19))
    held = plan("补录", at(-30, 19), already_held=True)        # 28 October
    lectures.record_attendance(tx, C, held.id, {"walk_ins": [
        {"name": n, "phone": None} for n in ("甲", "乙", "丙")]}, ALICE, NOW)
    lectures.cancel_lecture(tx, C, plan("取消", at(6, 19)).id, None, ALICE, NOW)

    def receive_visitor(name, phone, area, outcome, when, now=NOW):
        receptions.record_reception(tx, C, {"visitor": {"name": name, "phone": phone},
                                             "area_of_law": area, "outcome": outcome,
                                             "received_at": when}, ALICE, now)
    receive_visitor("甲", "13800000001", "labour", "solved", at(-1, 10))
    receive_visitor("甲", "13800000001", "labour", "advised", at(-1, 11))
    receive_visitor("乙", "13800000002", "family", "solved", at(-30, 9))     # October
    # 07:00 on 1 December in Beijing is still 30 November in UTC: a December reception
    receive_visitor("丙", "13800000003", "tenancy", "referred", at(4, 7), now=at(4, 8))

    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 11), "minutes": 60}]},
        ALICE, NOW)
    bookings.book(tx, C, day.id, {"name": "张三", "phone": "13800001111"}, DESK, NOW)
    bookings.record_walk_in(tx, C, day.id, {"name": "李四"}, DESK, NOW)
    cases.receive(tx, case_from_intake(1), NOW)
    cases.receive(tx, case_from_intake(2), NOW)
    cases.return_case(tx, C, cases.case_by_intake_id(tx.session, 2).id, "不属于本项目",
                      ALICE, NOW)

    assert figures.figures(tx.session, C) == {
        "community": C, "from": None, "to": None,
        "lectures": {"planned": 1, "held": 1, "cancelled": 1, "attendance": 3},
        "receptions": {"received": 4, "visitors": 3, "solved": 2, "by_outcome": [
            {"code": "solved", "name": "已解决", "count": 2},
            {"code": "advised", "name": "已提供法律意见", "count": 1},
            {"code": "referred", "name": "已转介", "count": 1},
            {"code": "pending", "name": "待跟进", "count": 0}]},
        "consultation_days": {"days": 1, "slots": 2, "booked": 1, "walk_ins": 1},
        "cases": {"received": 2, "open": 1, "resolved": 0, "returned": 1, "recalled": 0},
        "by_area_of_law": [
            {"code": "labour", "name": "劳动争议", "received": 2, "solved": 1},
            {"code": "tenancy", "name": "房屋租赁", "received": 1, "solved": 0},
            {"code": "family", "name": "婚姻家庭", "received": 1, "solved": 1}],
        "by_month": [
            {"month": "2026-10", "lectures_held": 1, "attendance": 3, "received": 1,
             "solved": 1},
            {"month": "2026-11", "lectures_held": 0, "attendance": 0, "received": 2,
             "solved": 1},
            {"month": "2026-12", "lectures_held": 0, "attendance": 0, "received": 1,
             "solved": 0}]}

    # 26 to 30 November: two receptions, the day, the two cases; no lecture
    week = figures.figures(tx.session, C, at(-1).date(), at(3).date(), lang="en")
    assert (week["from"], week["to"]) == ("2026-11-26", "2026-11-30")
    assert week["lectures"] == {"planned": 0, "held": 0, "cancelled": 0, "attendance": 0}
    assert (week["receptions"]["received"], week["receptions"]["visitors"],
            week["receptions"]["solved"]) == (2, 1, 1)
    assert week["receptions"]["by_outcome"][0] == {"code": "solved", "name": "Solved",
                                                   "count": 1}
    assert week["by_area_of_law"] == [{"code": "labour", "name": "Labour dispute",
                                       "received": 2, "solved": 1}]
    assert week["consultation_days"]["days"] == 1
    assert week["cases"]["received"] == 2
    # a day with nothing on it
    empty = figures.figures(tx.session, C, at(10).date(), at(10).date())
    assert empty["consultation_days"] == {"days": 0, "slots": 0, "booked": 0, "walk_ins": 0}
    assert empty["by_month"] == [] and empty["by_area_of_law"] == []


def test_a_case_as_the_program_sees_it(tx, wang):
    cases.receive(tx, case_from_intake(42), NOW)
    case = cases.case_by_intake_id(tx.session, 42)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站二楼", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    cases.book_case(tx, C, case.id, {"day_id": day.id, "note": "请带劳动合同"}, ALICE, NOW)
    assert tx.published[-1]["data"] == {
        "case_id": 42, "program_id": "legal_aid", "status": "in_progress", "handler": "李",
        "note": "已为您预约 2026-11-30 09:00 法律咨询（王律师律师），地点：服务站二楼。"
                "请带劳动合同"}
    cases.chased(tx, {"case_id": 42, "level": 2, "note": "请尽快"}, NOW + timedelta(hours=1))
    cases.chased(tx, {"case_id": 42, "level": 1}, NOW + timedelta(hours=2))
    view = views.case_view(case, "en", session=tx.session)
    assert {k: v for k, v in view.items() if k != "history"} == {
        "id": 1, "intake_case_id": 42, "tracking_code": "RC00000042", "community": C,
        "service_code": "labour_dispute", "channel": "visit", "description": "工资被拖欠",
        "attributes": {}, "area_of_law": "labour", "area_of_law_name": "Labour dispute",
        "address": None, "resident": {"name": "张三", "phone": "13800001111", "contact": None},
        "due_at": "2026-12-04T08:00:00Z", "dispatch_note": None, "status": "booked",
        "status_name": "Consultation booked", "chase_level": 2,
        "last_chased_at": "2026-11-27T04:00:00Z", "result": None, "reply": None, "note": None,
        "handler": None, "received_at": "2026-11-27T02:00:00Z",
        "updated_at": "2026-11-27T04:00:00Z", "updated_by": "intake"}
    assert [(h["action"], h["actor"], h["detail"]) for h in view["history"]] == [
        ("received", "intake", {"tracking_code": "RC00000042",
                                "service_code": "labour_dispute"}),
        ("booked", "李", {"booking_id": 1}),
        ("chased", "intake", {"level": 2, "note": "请尽快"}),
        ("chased", "intake", {"level": 1, "note": None})]
    cases.note_case(tx, C, case.id, "已联系居民", ALICE, NOW + timedelta(hours=3))
    cases.resolve_case(tx, C, case.id, {"result": "公司已支付", "reply": "问题已解决"}, ALICE,
                       NOW + timedelta(hours=4))
    view = views.case_view(case, "zh")
    assert (view["status"], view["status_name"], view["result"], view["reply"],
            view["note"], view["handler"], "history" in view) == (
        "resolved", "已办结", "公司已支付", "问题已解决", "已联系居民", "李", False)
    assert [c.id for c in views.list_cases(tx.session, C, status="resolved")] == [case.id]
    assert views.list_cases(tx.session, C, status="accepted") == []


def test_lists_staff_pick_from(tx, wang):
    """The code lists in the reader's language, the lawyers who still volunteer (or all of
    them), consultation days by date, cases latest first."""
    assert views.codes(codes.OUTCOMES, "en") == [
        {"code": "solved", "name": "Solved"}, {"code": "advised", "name": "Advised"},
        {"code": "referred", "name": "Referred"}, {"code": "pending", "name": "Pending"}]
    assert views.codes(codes.LECTURE_STATUSES, "zh") == [
        {"code": "planned", "name": "计划中"}, {"code": "held", "name": "已举办"},
        {"code": "cancelled", "name": "已取消"}]

    retired = lawyers.add_lawyer(tx, C, {"name": "退休的律师"}, ALICE, NOW)
    lawyers.update_lawyer(tx, C, retired.id, {"active": False}, ALICE, NOW)
    lawyers.add_lawyer(tx, "sunny-garden", {"name": "别处的律师"}, ALICE, NOW)
    assert [x.name for x in views.list_lawyers(tx.session, C)] == ["王律师"]
    assert [x.name for x in views.list_lawyers(tx.session, C, include_inactive=True)] == [
        "王律师", "退休的律师"]
    assert views.lawyer_view(retired) == {
        "id": 2, "name": "退休的律师", "firm": None, "phone": None, "active": False, **STAMP}

    for days in (5, 1, 3):
        consultations.open_day(tx, C, {"day": at(days).date(), "place": "服务站"}, ALICE, NOW)
    consultations.open_day(tx, "sunny-garden", {"day": at(2).date(), "place": "别处"},
                           ALICE, NOW)
    assert [d.day.day for d in views.list_days(tx.session, C)] == [28, 30, 2]
    assert [d.day.day for d in views.list_days(tx.session, C, day_from=at(3).date())] == [30, 2]
    assert [d.day.day for d in views.list_days(tx.session, C, day_to=at(3).date())] == [28, 30]

    cases.receive(tx, case_from_intake(1), NOW - timedelta(days=1))
    cases.receive(tx, case_from_intake(2), NOW)
    cases.receive(tx, case_from_intake(3), NOW - timedelta(days=2))
    assert [c.intake_case_id for c in views.list_cases(tx.session, C)] == [2, 1, 3]
    assert views.list_cases(tx.session, "sunny-garden") == []


def test_the_case_list_shows_the_latest_500(tx):
    for case_id in range(1, 502):      # 501 cases, all received at the same moment
        cases.receive(tx, case_from_intake(case_id), NOW)
    listed = [c.intake_case_id for c in views.list_cases(tx.session, C)]
    # received together, the one taken in last comes first; the very first is left out
    assert len(listed) == 500 and listed[:2] == [501, 500] and listed[-1] == 2


def test_a_case_noted_then_recalled_by_intake(tx, wang):
    cases.receive(tx, case_from_intake(7), NOW)
    case = cases.case_by_intake_id(tx.session, 7)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    _, booking = cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, NOW)
    # the program's staff see which case a booking is for; the front desk does not
    assert (views.booking_view(booking)["case_id"], views.booking_view(booking)["note"]) == (
        case.id, "案件 RC00000007")
    assert (views.booking_view(booking, full=False)["case_id"],
            views.booking_view(booking, full=False)["note"]) == (None, None)

    cases.note_case(tx, C, case.id, "已电话联系居民", ALICE, NOW + timedelta(hours=1))
    assert tx.published[-1]["data"] == {"case_id": 7, "program_id": "legal_aid",
                                        "status": "in_progress", "handler": "李",
                                        "note": "已电话联系居民"}
    assert (case.note, case.handler, case.updated_by) == ("已电话联系居民", "李", "李")

    sent = len(tx.published)
    cases.recalled(tx, {"case_id": 7, "note": "居民已撤诉"}, NOW + timedelta(hours=2))
    assert len(tx.published) == sent        # intake took it back: nothing to tell intake
    view = views.case_view(case, "zh", session=tx.session)
    assert (view["status"], view["status_name"], view["note"], view["updated_by"],
            view["updated_at"]) == ("recalled", "已撤回", "居民已撤诉", "intake",
                                    "2026-11-27T04:00:00Z")
    assert [(h["action"], h["actor"], h["detail"]) for h in view["history"]][-2:] == [
        ("noted", "李", {"note": "已电话联系居民"}),
        ("recalled", "intake", {"note": "居民已撤诉"})]
    # its booking is cancelled by intake, saying why, and the slot is free again
    assert (views.booking_view(booking)["status"], booking.cancelled_by) == (
        "cancelled", "intake")
    assert [(h.action, h.actor, h.detail) for h in
            views.history(tx.session, C, "booking", booking.id)][-1] == (
        "cancelled", "intake", {"reason": "案件已被撤回"})
    assert views.day_view(tx.session, day)["free_slots"] == 1
    # a recall for a case no longer open changes nothing
    cases.recalled(tx, {"case_id": 7, "note": "再次撤回"}, NOW + timedelta(hours=3))
    assert case.note == "居民已撤诉"


def test_lectures_are_listed_in_the_order_they_start(tx):
    later = lectures.plan_lecture(tx, C, {"topic": "后", "speaker": "王律师",
                                          "starts_at": at(6, 19), "place": "活动室",
                                          "capacity": 5}, ALICE, NOW)
    sooner = lectures.plan_lecture(tx, C, {"topic": "先", "speaker": "王律师",
                                           "starts_at": at(5, 19), "place": "活动室",
                                           "capacity": 5}, ALICE, NOW)
    same = lectures.plan_lecture(tx, C, {"topic": "同时", "speaker": "陈律师",
                                         "starts_at": at(5, 19), "place": "会议室",
                                         "capacity": 5}, ALICE, NOW)
    assert [x.id for x in views.list_lectures(tx.session, C)] == [sooner.id, same.id, later.id]
    seat = lectures.register(tx, sooner.id, "甲", "13800000001", ALICE, NOW)
    lectures.record_attendance(tx, C, sooner.id, {"absent": [seat.id]}, DESK, at(5, 20))
    assert {k: v for k, v in views.registration_view(seat).items() if "attend" in k} == {
        "attended": False, "attendance_recorded_at": "2026-12-02T12:00:00Z",
        "attendance_recorded_by": "前台小周"}


def test_a_visit_changed_later_keeps_what_it_was_before(tx, wang):
    reception = receptions.record_reception(tx, C, {
        "visitor": {"name": "张三", "phone": "13800001111", "migrant": True},
        "area_of_law": "labour", "outcome": "pending", "problem": "工资拖欠"}, ALICE, NOW)
    later = NOW + timedelta(days=2)
    receptions.update_reception(tx, C, reception.id, {
        "outcome": "solved", "outcome_note": "已拿到工资", "lawyer_id": wang.id,
        "area_of_law": "labour"}, DESK, later)
    page = views.reception_page(tx.session, reception, "zh", with_history=True)
    assert (page["outcome"], page["outcome_note"], page["lawyer"], page["updated_by"],
            page["updated_at"], page["created_by"]) == (
        "solved", "已拿到工资", WANG, "前台小周", "2026-11-29T02:00:00Z", "李")
    assert [(h["action"], h["actor"], h["detail"]) for h in page["history"]] == [
        ("recorded", "李", {"visitor_id": 1, "area_of_law": "labour", "outcome": "pending"}),
        ("updated", "前台小周", {"outcome": {"from": "pending", "to": "solved"},
                              "outcome_note": {"from": None, "to": "已拿到工资"},
                              "lawyer_id": {"from": None, "to": 1}})]
    # nothing new: nothing on the record
    receptions.update_reception(tx, C, reception.id, {"outcome": "solved"}, ALICE, later)
    assert len(views.history(tx.session, C, "reception", reception.id)) == 2

    # the same phone again is the same visitor, their name brought up to date
    again = receptions.record_reception(tx, C, {
        "visitor": {"name": "张叁", "phone": "13800001111", "migrant": False},
        "area_of_law": "labour", "outcome": "advised"}, ALICE, later)
    assert again.visitor_id == reception.visitor_id
    visitor = receptions.get_visitor(tx.session, again.visitor_id, C)
    assert (visitor.name, visitor.migrant, visitor.updated_at.day) == ("张叁", False, 29)
    assert [h.action for h in views.history(tx.session, C, "visitor", visitor.id)] == [
        "added", "updated"]
    # only the name: the migrant flag stays as it was
    receptions.find_or_add_visitor(tx, C, {"name": "张三", "phone": "13800001111"}, ALICE,
                                   later)
    assert (visitor.name, visitor.migrant) == ("张三", False)
    # a visitor without a phone is always someone new
    first = receptions.find_or_add_visitor(tx, C, {"name": "无名"}, ALICE, later)
    second = receptions.find_or_add_visitor(tx, C, {"name": "无名"}, ALICE, later)
    assert first.id != second.id


def test_a_lawyer_changed_is_on_the_record_with_the_phone_masked(tx, wang):
    lawyers.update_lawyer(tx, C, wang.id, {"name": "王大律师", "phone": "13900002222",
                                           "active": True}, DESK, NOW + timedelta(hours=1))
    assert views.lawyer_view(wang) == {
        "id": 1, "name": "王大律师", "firm": "京师律所", "phone": "13900002222", "active": True,
        "created_at": "2026-11-27T02:00:00Z", "created_by": "李",
        "updated_at": "2026-11-27T03:00:00Z", "updated_by": "前台小周"}
    assert [(h.action, h.detail) for h in views.history(tx.session, C, "lawyer", wang.id)] == [
        ("added", {"name": "王律师"}),
        ("updated", {"name": "王大律师", "phone": "139****2222"})]
    lawyers.update_lawyer(tx, C, wang.id, {"name": "王大律师"}, ALICE, NOW + timedelta(hours=2))
    assert wang.updated_by == "前台小周"      # nothing changed, nobody recorded


def test_another_communitys_staff_cannot_remove_a_slot(tx, wang):
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    with pytest.raises(DomainError) as refused:
        consultations.remove_slot(tx, "sunny-garden", day.id, day.slots[0].id, ALICE, NOW)
    assert refused.value.code == "day_not_found"
    assert len(day.slots) == 1
    # the community's own staff can, while nobody has booked it
    consultations.remove_slot(tx, C, day.id, day.slots[0].id, ALICE, NOW)
    tx.session.expire(day)
    assert day.slots == []
    assert [(h.action, h.detail) for h in
            views.history(tx.session, C, "consultation_day", day.id)][-1] == (
        "slot_removed", {"slot_id": 1})


def test_walk_ins_as_the_desk_sees_them_and_receptions_filtered(tx, wang):
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    in_slot = bookings.record_walk_in(tx, C, day.id, {"name": "甲", "phone": "13800000001",
                                                      "slot_id": day.slots[0].id}, DESK, NOW)
    bookings.record_walk_in(tx, C, day.id, {"name": "乙", "phone": "13800000002",
                                            "note": "带了材料"}, DESK, NOW)
    desk = views.day_view(tx.session, day, level="desk")
    # a walk-in who took a slot is shown on the slot, the others in the list, phones masked
    assert desk["slots"][0]["booking"]["id"] == in_slot.id
    assert [(w["name"], w["phone"], w["note"]) for w in desk["walk_ins"]] == [
        ("乙", "138****0002", None)]
    operator = views.day_view(tx.session, day, level="operator")
    assert [(w["name"], w["phone"], w["note"]) for w in operator["walk_ins"]] == [
        ("乙", "13800000002", "带了材料")]

    for outcome, area in (("solved", "labour"), ("advised", "family"), ("referred", "family")):
        receptions.record_reception(tx, C, {"visitor": {"name": "丙", "phone": "13800000003"},
                                            "area_of_law": area, "outcome": outcome},
                                    ALICE, NOW)
    assert [r.outcome for r in views.list_receptions(tx.session, C, outcome="advised")[1]] == [
        "advised"]
    assert [r.outcome for r in views.list_receptions(tx.session, C, area_of_law="family")[1]
            ] == ["referred", "advised"]
    assert views.list_receptions(tx.session, C, day_to=at(-1).date())[0] == 0


def test_another_communitys_staff_cannot_change_a_lecture(tx):
    lecture = lectures.plan_lecture(tx, C, {"topic": "继承法", "speaker": "王律师",
                                            "starts_at": at(5, 19), "place": "活动室",
                                            "capacity": 5}, ALICE, NOW)
    with pytest.raises(DomainError) as refused:
        lectures.update_lecture(tx, "sunny-garden", lecture.id, {"capacity": 9}, ALICE, NOW)
    assert refused.value.code == "lecture_not_found" and lecture.capacity == 5
    # moving only the start past the end the lecture has is refused
    lectures.update_lecture(tx, C, lecture.id, {"ends_at": at(5, 21)}, ALICE, NOW)
    with pytest.raises(DomainError) as refused:
        lectures.update_lecture(tx, C, lecture.id, {"starts_at": at(5, 22)}, ALICE, NOW)
    assert refused.value.code == "ends_before_start"


def test_a_case_moved_to_another_day_keeps_one_booking_and_says_why(tx, wang):
    cases.receive(tx, case_from_intake(42), NOW)
    case = cases.case_by_intake_id(tx.session, 42)
    # Wang from 9 to 11 on 30 November: slots 1 (9:00) and 2 (10:00); staff name the second
    first_day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站二楼",
                                               "slots": [{"lawyer_id": wang.id,
                                                          "starts_at": at(3, 9),
                                                          "ends_at": at(3, 11), "minutes": 60}]},
                                       ALICE, NOW)
    _, first = cases.book_case(tx, C, case.id, {"day_id": first_day.id, "slot_id": 2}, ALICE,
                               NOW)
    assert (first.slot_id, first.name, first.phone) == (2, "张三", "13800001111")
    assert tx.published[-1]["data"]["note"] == (
        "已为您预约 2026-11-30 10:00 法律咨询（王律师律师），地点：服务站二楼")
    assert [(h.action, h.detail) for h in views.history(tx.session, C, "booking", first.id)] == [
        ("booked", {"day_id": 1, "slot_id": 2, "phone": "138****1111", "case_id": case.id})]

    # moved to 1 December at 14:00 (slot 3), an hour later
    second_day = consultations.open_day(tx, C, {"day": at(4).date(), "place": "会议室",
                                                "slots": [{"lawyer_id": wang.id,
                                                           "starts_at": at(4, 14),
                                                           "ends_at": at(4, 15)}]}, ALICE, NOW)
    later = NOW + timedelta(hours=1)
    _, second = cases.book_case(tx, C, case.id, {"day_id": second_day.id}, ALICE, later)
    assert second.slot_id == 3 and case.status == "booked"
    assert tx.published[-1]["data"] == {
        "case_id": 42, "program_id": "legal_aid", "status": "in_progress", "handler": "李",
        "note": "已为您预约 2026-12-01 14:00 法律咨询（王律师律师），地点：会议室"}
    # the first booking is cancelled as moved, its slot free again; the case stays booked
    assert (first.status, first.cancelled_at, first.cancelled_by) == ("cancelled", later, "李")
    assert [(h.action, h.actor, h.detail) for h in
            views.history(tx.session, C, "booking", first.id)][-1] == (
        "cancelled", "李", {"reason": "改约"})
    assert views.day_view(tx.session, first_day)["free_slots"] == 2
    assert [b.id for b in bookings.active_bookings(tx.session, second_day.id)] == [second.id]
    assert [(h["action"], h["detail"]) for h in
            views.case_view(case, "zh", session=tx.session)["history"]] == [
        ("received", {"tracking_code": "RC00000042", "service_code": "labour_dispute"}),
        ("booked", {"booking_id": 1}),
        ("booked", {"booking_id": 2})]


def test_a_case_without_the_residents_name_is_booked_for_the_resident(tx, wang):
    data = case_from_intake(5)
    data["resident"] = {"phone": "13800005555"}
    cases.receive(tx, data, NOW)
    case = cases.case_by_intake_id(tx.session, 5)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    _, booking = cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, NOW)
    assert (booking.name, booking.phone, booking.note) == ("居民", "13800005555",
                                                           "案件 RC00000005")


def test_a_chase_without_a_level_is_a_reminder_and_a_closed_case_is_not_chased(tx):
    cases.receive(tx, case_from_intake(42), NOW)
    case = cases.case_by_intake_id(tx.session, 42)
    # intake's case.chased as the kit loads it, no level given
    notice = {**CaseNotice().load({"case_id": 42, "note": "已超时"}), "community": C}
    cases.chased(tx, notice, NOW + timedelta(hours=1))
    assert (case.chase_level, case.last_chased_at, case.updated_by) == (
        1, NOW + timedelta(hours=1), "intake")
    assert [(h["action"], h["detail"]) for h in
            views.case_view(case, "zh", session=tx.session)["history"]][-1] == (
        "chased", {"level": 1, "note": "已超时"})

    cases.resolve_case(tx, C, case.id, {"result": "已调解"}, ALICE, NOW + timedelta(hours=2))
    recorded = len(views.history(tx.session, C, "case", case.id))
    cases.chased(tx, {**notice, "level": 2}, NOW + timedelta(hours=3))
    assert (case.chase_level, case.last_chased_at, case.updated_at) == (
        1, NOW + timedelta(hours=1), NOW + timedelta(hours=2))
    assert len(views.history(tx.session, C, "case", case.id)) == recorded


def test_a_booked_case_returned_frees_its_slot_and_tells_intake_why(tx, wang):
    cases.receive(tx, case_from_intake(42), NOW)
    case = cases.case_by_intake_id(tx.session, 42)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    _, booking = cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, NOW)
    later = NOW + timedelta(hours=1)
    cases.return_case(tx, C, case.id, "属于房管部门，请联系区住建委", DESK, later)
    # intake hears it as a case.reported of this community
    assert tx.published[-1] == {"routing_key": "case.reported", "community": C, "data": {
        "case_id": 42, "program_id": "legal_aid", "status": "returned", "handler": "前台小周",
        "note": "属于房管部门，请联系区住建委"}}
    view = views.case_view(case, "zh", session=tx.session)
    assert (view["status"], view["status_name"], view["note"], view["handler"],
            view["updated_at"], view["updated_by"]) == (
        "returned", "已退回", "属于房管部门，请联系区住建委", "前台小周",
        "2026-11-27T03:00:00Z", "前台小周")
    assert [(h["action"], h["actor"], h["detail"]) for h in view["history"]][-1] == (
        "returned", "前台小周", {"note": "属于房管部门，请联系区住建委"})
    # its booking is cancelled, saying why, and the slot is free again
    assert (booking.status, booking.cancelled_by) == ("cancelled", "前台小周")
    assert [(h.action, h.detail) for h in
            views.history(tx.session, C, "booking", booking.id)][-1] == (
        "cancelled", {"reason": "案件退回"})
    assert views.day_view(tx.session, day)["free_slots"] == 1


def test_a_lawyer_who_moves_firm_then_stops_volunteering(tx, wang):
    with pytest.raises(DomainError) as refused:    # another community's staff find no lawyer
        lawyers.update_lawyer(tx, "sunny-garden", wang.id, {"active": False}, ALICE, NOW)
    assert refused.value.code == "lawyer_not_found" and wang.active is True
    later = NOW + timedelta(hours=1)
    lawyers.update_lawyer(tx, C, wang.id, {"firm": "德恒律所"}, DESK, later)
    lawyers.update_lawyer(tx, C, wang.id, {"active": False}, ALICE, later + timedelta(hours=1))
    assert views.lawyer_view(wang) == {
        "id": 1, "name": "王律师", "firm": "德恒律所", "phone": "13900001111", "active": False,
        "created_at": "2026-11-27T02:00:00Z", "created_by": "李",
        "updated_at": "2026-11-27T04:00:00Z", "updated_by": "李"}
    assert [views.activity_view(h) for h in views.history(tx.session, C, "lawyer", wang.id)] == [
        {"at": "2026-11-27T02:00:00Z", "actor": "李", "actor_id": "7", "entity": "lawyer",
         "entity_id": 1, "action": "added", "detail": {"name": "王律师"}},
        {"at": "2026-11-27T03:00:00Z", "actor": "前台小周", "actor_id": "3", "entity": "lawyer",
         "entity_id": 1, "action": "updated", "detail": {"firm": "德恒律所"}},
        {"at": "2026-11-27T04:00:00Z", "actor": "李", "actor_id": "7", "entity": "lawyer",
         "entity_id": 1, "action": "updated", "detail": {"active": False}}]
    # no longer volunteering, they get no new slots
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站"}, ALICE, NOW)
    with pytest.raises(DomainError) as refused:
        consultations.add_slots(tx, C, day.id, [{"lawyer_id": wang.id, "starts_at": at(3, 9),
                                                 "ends_at": at(3, 10)}], ALICE, NOW)
    assert refused.value.code == "unknown_lawyer"


def test_what_intake_did_is_on_the_record_as_intake_with_no_staff_id(tx):
    cases.receive(tx, case_from_intake(42), NOW)
    case = cases.case_by_intake_id(tx.session, 42)
    assert views.activity_view(views.history(tx.session, C, "case", case.id)[0]) == {
        "at": "2026-11-27T02:00:00Z", "actor": "intake", "actor_id": None, "entity": "case",
        "entity_id": case.id, "action": "received",
        "detail": {"tracking_code": "RC00000042", "service_code": "labour_dispute"}}


def test_the_figures_of_every_kind_of_case_and_booking_counted_by_hand(tx, wang):
    # a lecture on 2 December: 甲 came, 乙 did not, 丙 was not marked, 丁 walked in: two came
    lecture = lectures.plan_lecture(tx, C, {"topic": "继承法", "speaker": "王律师",
                                            "starts_at": at(5, 19), "place": "活动室",
                                            "capacity": 3}, ALICE, NOW)
    jia, yi, _ = (lectures.register(tx, lecture.id, n, p, ALICE, NOW) for n, p in [
        ("甲", "13800000001"), ("乙", "13800000002"), ("丙", "13800000003")])
    lectures.record_attendance(tx, C, lecture.id, {"present": [jia.id], "absent": [yi.id],
                                                   "walk_ins": [{"name": "丁"}]},
                               ALICE, at(5, 21))
    # one more on 3 December (one walk-in) and one held on 28 October (four walk-ins)
    for starts_at, walk_ins, now in ((at(6, 19), 1, at(6, 21)), (at(-30, 19), 4, NOW)):
        other = lectures.plan_lecture(tx, C, {"topic": "普法", "speaker": "王律师",
                                              "starts_at": starts_at, "place": "活动室",
                                              "capacity": 9, "already_held": now == NOW},
                                      ALICE, NOW)
        lectures.record_attendance(tx, C, other.id, {"walk_ins": [
            {"name": f"来宾{i}"} for i in range(walk_ins)]}, ALICE, now)
    # five cases: 1 accepted, 2 booked, 3 resolved, 4 returned, 5 recalled
    for case_id in range(1, 6):
        cases.receive(tx, case_from_intake(case_id), NOW)
    case = {i: cases.case_by_intake_id(tx.session, i) for i in range(1, 6)}
    # 30 November: three slots, the case's booking, a booking cancelled, a walk-in; 1 December:
    # no slots
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 12), "minutes": 60}]},
        ALICE, NOW)
    consultations.open_day(tx, C, {"day": at(4).date(), "place": "服务站"}, ALICE, NOW)
    consultations.open_day(tx, "sunny-garden", {"day": at(3).date(), "place": "别处"}, ALICE,
                           NOW)
    cases.book_case(tx, C, case[2].id, {"day_id": day.id}, ALICE, NOW)
    cancelled = bookings.book(tx, C, day.id, {"name": "戊", "phone": "13800000005"}, DESK, NOW)
    bookings.cancel_booking(tx, C, cancelled.id, "有事", DESK, NOW)
    bookings.record_walk_in(tx, C, day.id, {"name": "己"}, DESK, NOW)
    cases.resolve_case(tx, C, case[3].id, {"result": "已调解"}, ALICE, NOW)
    cases.return_case(tx, C, case[4].id, "不属于本项目", ALICE, NOW)
    cases.recalled(tx, {"case_id": 5, "note": "转办"}, NOW)

    counted = figures.figures(tx.session, C)
    assert counted["lectures"] == {"planned": 0, "held": 3, "cancelled": 0, "attendance": 7}
    assert counted["cases"] == {"received": 5, "open": 2, "resolved": 1, "returned": 1,
                                "recalled": 1}
    assert counted["consultation_days"] == {"days": 2, "slots": 3, "booked": 1, "walk_ins": 1}
    assert counted["by_month"] == [
        {"month": "2026-10", "lectures_held": 1, "attendance": 4, "received": 0, "solved": 0},
        {"month": "2026-12", "lectures_held": 2, "attendance": 3, "received": 0, "solved": 0}]
    # 30 November alone; 1 December on; up to 30 November
    assert figures.figures(tx.session, C, at(3).date(), at(3).date())["consultation_days"] == {
        "days": 1, "slots": 3, "booked": 1, "walk_ins": 1}
    assert figures.figures(tx.session, C, at(4).date())["consultation_days"] == {
        "days": 1, "slots": 0, "booked": 0, "walk_ins": 0}
    assert figures.figures(tx.session, C, None, at(3).date())["consultation_days"]["days"] == 1
    # 2 December: the first lecture only, no cases (they came on 27 November)
    december = figures.figures(tx.session, C, at(5).date(), at(5).date())
    assert (december["lectures"]["attendance"], december["cases"]["received"]) == (2, 0)


def test_a_cases_resident_and_a_walk_in_with_a_slot_received(tx, wang):
    zhao = lawyers.add_lawyer(tx, C, {"name": "赵律师"}, ALICE, NOW)
    cases.receive(tx, case_from_intake(42), NOW)
    nameless = case_from_intake(43)
    nameless["resident"] = {"phone": "13800004343"}
    cases.receive(tx, nameless, NOW)
    # the case's resident is the visitor; the visit came through the case
    by_case = receptions.record_reception(tx, C, {
        "case_id": cases.case_by_intake_id(tx.session, 42).id, "area_of_law": "labour",
        "outcome": "advised"}, ALICE, NOW)
    view = views.reception_view(by_case, "zh")
    assert (view["channel"], view["case_id"], view["booking_id"], view["lawyer"],
            view["visitor"]) == ("case", 1, None, None,
                                 {"id": 1, "name": "张三", "phone": "13800001111"})
    # a resident intake did not name is received as 居民
    by_nameless = receptions.record_reception(tx, C, {
        "case_id": cases.case_by_intake_id(tx.session, 43).id, "area_of_law": "labour",
        "outcome": "advised"}, ALICE, NOW)
    assert views.reception_view(by_nameless, "zh")["visitor"] == {
        "id": 2, "name": "居民", "phone": "13800004343"}

    # a walk-in in Wang's slot was received by Wang, unless staff name another lawyer; a
    # reception clock five minutes ahead of the server's is still now
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 11), "minutes": 60}]},
        ALICE, NOW)
    walk_in = bookings.record_walk_in(tx, C, day.id, {"name": "李四", "phone": "13800002222",
                                                      "slot_id": day.slots[0].id}, DESK,
                                      at(3, 9))
    seen = receptions.record_reception(tx, C, {
        "booking_id": walk_in.id, "area_of_law": "family", "outcome": "solved",
        "received_at": at(3, 9, 5)}, ALICE, at(3, 9))
    view = views.reception_view(seen, "zh")
    assert (view["channel"], view["booking_id"], view["lawyer"], view["received_at"],
            view["visitor"]) == ("walk_in", walk_in.id, WANG, "2026-11-30T01:05:00Z",
                                 {"id": 3, "name": "李四", "phone": "13800002222"})
    other = receptions.record_reception(tx, C, {
        "booking_id": walk_in.id, "lawyer_id": zhao.id, "area_of_law": "family",
        "outcome": "solved"}, ALICE, at(3, 10))
    assert views.reception_view(other, "zh")["lawyer"] == {"id": 2, "name": "赵律师",
                                                           "firm": None}


def test_a_case_keeps_what_intake_sent_and_starts_afresh_when_sent_again(tx):
    data = CaseDispatched().load({
        "case_id": 42, "tracking_code": "RC00000042", "program_id": "legal_aid",
        "service_code": "legal_consultation", "community": C, "channel": "visit",
        "description": "邻居装修噪音", "attributes": {"area_of_law": "astrology"},
        "address": "彩虹城3号楼", "note": "居民只在晚上有空",
        "resident": {"name": "张三", "phone": "13800001111", "contact": "微信 zhangsan"},
        "due_at": "2026-12-04T08:00:00Z"})
    report = cases.receive(tx, data, NOW)
    assert report == {"status": "accepted", "handler": "普法互助家园",
                      "note": "普法互助家园已受理，将安排志愿律师与您联系"}
    case = cases.case_by_intake_id(tx.session, 42)
    view = views.case_view(case, "en")
    # an area of law nobody knows is left open
    assert {k: view[k] for k in ("area_of_law", "area_of_law_name", "address", "resident",
                                 "dispatch_note", "attributes", "due_at")} == {
        "area_of_law": None, "area_of_law_name": None, "address": "彩虹城3号楼",
        "resident": {"name": "张三", "phone": "13800001111", "contact": "微信 zhangsan"},
        "dispatch_note": "居民只在晚上有空", "attributes": {"area_of_law": "astrology"},
        "due_at": "2026-12-04T08:00:00Z"}

    # chased twice, resolved with a note for the resident
    cases.chased(tx, {"case_id": 42, "level": 2}, NOW)
    cases.resolve_case(tx, C, case.id, {"result": "已调解", "reply": "双方已和解",
                                        "note": "如再有噪音请联系物业"}, ALICE, NOW)
    assert tx.published[-1]["data"] == {
        "case_id": 42, "program_id": "legal_aid", "status": "resolved", "handler": "李",
        "result": "已调解", "reply": "双方已和解", "note": "如再有噪音请联系物业"}
    # intake reopens it: accepted again, with nothing of the last round's outcome
    later = NOW + timedelta(days=1)
    assert cases.receive(tx, {**data, "description": "噪音又来了"}, later)["status"] == "accepted"
    view = views.case_view(case, "zh", session=tx.session)
    assert (view["status"], view["result"], view["reply"], view["chase_level"],
            view["description"], view["received_at"], view["updated_at"]) == (
        "accepted", None, None, 0, "噪音又来了", "2026-11-27T02:00:00Z",
        "2026-11-28T02:00:00Z")
    assert view["history"][-1]["action"] == "received_again"

    # sent again while still open, it stays where it is
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": lawyers.add_lawyer(tx, C, {"name": "王律师"}, ALICE, NOW).id,
         "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, later)
    cases.chased(tx, {"case_id": 42, "level": 1}, later)
    cases.receive(tx, data, later)
    assert (case.status, case.chase_level) == ("booked", 1)


def test_a_day_shows_only_its_own_walk_ins(tx, wang):
    first = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站"}, ALICE, NOW)
    second = consultations.open_day(tx, C, {"day": at(4).date(), "place": "服务站"}, ALICE, NOW)
    bookings.record_walk_in(tx, C, first.id, {"name": "甲"}, DESK, NOW)
    bookings.record_walk_in(tx, C, second.id, {"name": "乙"}, DESK, NOW)
    assert [w["name"] for w in views.day_view(tx.session, first, level="desk")["walk_ins"]] == [
        "甲"]
    assert [b.name for b in bookings.active_bookings(tx.session, second.id)] == ["乙"]
