"""Every rule of the legal-aid home that says no: each named refusal is provoked once as staff or a
resident would meet it, and the database is then exactly as it was (every row of every table,
and nothing sent to intake).

A rule refuses before it changes anything; where it has already begun (opening a day together
with its slots, rebooking a case), the caller's transaction is rolled back, as the staff API
does, and then nothing has changed either.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from minzi.api import DomainError
from minzi.contract import CaseDispatched
from minzi.testing import snapshot

from legal_aid.domain import (
    bookings,
    cases,
    consultations,
    lawyers,
    lectures,
    receptions,
)
from legal_aid.models import Base

from .conftest import ALICE, NOW, at

C = "rainbow-city"
ELSEWHERE = "sunny-garden"


@dataclass
class Station:
    """A week at the legal-aid home, for rules to refuse things in."""
    tx: Any
    ids: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None


def case_data(case_id: int) -> dict:
    return CaseDispatched().load({
        "case_id": case_id, "tracking_code": f"RC{case_id:08d}", "program_id": "legal_aid",
        "service_code": "labour_dispute", "community": C, "channel": "visit",
        "description": "工资被拖欠", "resident": {"name": "张三", "phone": "13800001111"},
        "due_at": "2026-12-04T08:00:00Z"})


@pytest.fixture
def station(tx) -> Station:
    s = Station(tx)
    wang = lawyers.add_lawyer(tx, C, {"name": "王律师"}, ALICE, NOW)
    retired = lawyers.add_lawyer(tx, C, {"name": "退休的律师"}, ALICE, NOW)
    lawyers.update_lawyer(tx, C, retired.id, {"active": False}, ALICE, NOW)
    # a lecture in five days with one seat: one resident seated, one waiting
    full = lectures.plan_lecture(tx, C, {"topic": "劳动合同法", "speaker": "王律师",
                                         "starts_at": at(5, 19), "place": "活动室",
                                         "capacity": 1}, ALICE, NOW)
    seated = lectures.register(tx, full.id, "甲", "13700000001", ALICE, NOW)
    waiting = lectures.register(tx, full.id, "乙", "13700000002", ALICE, NOW)
    called_off = lectures.plan_lecture(tx, C, {"topic": "继承法", "speaker": "王律师",
                                               "starts_at": at(6, 19), "place": "活动室",
                                               "capacity": 30}, ALICE, NOW)
    lectures.cancel_lecture(tx, C, called_off.id, "讲师有事", ALICE, NOW)
    held = lectures.plan_lecture(tx, C, {"topic": "租房合同", "speaker": "王律师",
                                         "starts_at": NOW - timedelta(days=7), "place": "活动室",
                                         "capacity": 30, "already_held": True}, ALICE, NOW)
    lectures.record_attendance(tx, C, held.id, {"walk_ins": [{"name": "丙"}]}, ALICE, NOW)
    # a consultation day in three days: Wang from 9 to 11, one slot booked
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站二楼", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 11), "minutes": 60}]},
        ALICE, NOW)
    first_slot, second_slot = day.slots
    booking = bookings.book(tx, C, day.id, {"slot_id": first_slot.id, "name": "丁",
                                            "phone": "13600000001"}, ALICE, NOW)
    # a case from intake, still open, and one already resolved
    cases.receive(tx, case_data(42), NOW)
    cases.receive(tx, case_data(43), NOW)
    open_case = cases.case_by_intake_id(tx.session, 42)
    done = cases.case_by_intake_id(tx.session, 43)
    cases.resolve_case(tx, C, done.id, {"result": "已调解"}, ALICE, NOW)
    reception = receptions.record_reception(tx, C, {
        "visitor": {"name": "戊", "phone": "13500000001"}, "area_of_law": "labour",
        "outcome": "pending"}, ALICE, NOW)
    s.ids.update(wang=wang, retired=retired, full=full, seated=seated, waiting=waiting,
                 called_off=called_off, held=held, day=day, first_slot=first_slot,
                 second_slot=second_slot, booking=booking, open_case=open_case, done=done,
                 reception=reception)
    tx.session.commit()
    return s


def lecture_at(when, **extra) -> dict:
    return {"topic": "普法讲座", "speaker": "王律师", "starts_at": when, "place": "活动室",
            "capacity": 10, **extra}


def slot(s: Station, starts, ends, **extra) -> list[dict]:
    return [{"lawyer_id": s.wang.id, "starts_at": starts, "ends_at": ends, **extra}]


def book_second_slot(s: Station) -> None:
    bookings.book(s.tx, C, s.day.id, {"slot_id": s.second_slot.id, "name": "己",
                                      "phone": "13600000002"}, ALICE, NOW)


def cancelled_second_booking(s: Station) -> None:
    second = bookings.book(s.tx, C, s.day.id, {"slot_id": s.second_slot.id, "name": "己",
                                               "phone": "13600000002"}, ALICE, NOW)
    bookings.cancel_booking(s.tx, C, second.id, "改期", ALICE, NOW)


def reception_of(s: Station, **extra) -> dict:
    return {"visitor": {"name": "庚", "phone": "13500000009"}, "area_of_law": "tenancy",
            "outcome": "advised", **extra}


def seat_on_a_lecture_then_cancelled(s: Station) -> None:
    lecture = lectures.plan_lecture(s.tx, C, lecture_at(at(8, 19)), ALICE, NOW)
    s.ids["seat"] = lectures.register(s.tx, lecture.id, "甲", "13700000009", ALICE, NOW)
    s.ids["seat_lecture"] = lecture
    lectures.cancel_lecture(s.tx, C, lecture.id, "讲师有事", ALICE, NOW)


def two_seats_taken(s: Station) -> None:
    lectures.update_lecture(s.tx, C, s.full.id, {"capacity": 2}, ALICE, NOW)  # 乙 moves up


def case_booked_and_an_empty_day(s: Station) -> None:
    cases.book_case(s.tx, C, s.open_case.id, {"day_id": s.day.id,
                                              "slot_id": s.second_slot.id}, ALICE, NOW)
    s.ids["empty_day"] = consultations.open_day(s.tx, C, {"day": at(4).date(),
                                                          "place": "会议室"}, ALICE, NOW)


def a_lawyer_elsewhere(s: Station) -> None:
    s.ids["elsewhere_lawyer"] = lawyers.add_lawyer(s.tx, ELSEWHERE, {"name": "别处的律师"},
                                                   ALICE, NOW)


def a_day_elsewhere(s: Station) -> None:
    s.ids["elsewhere_day"] = consultations.open_day(s.tx, ELSEWHERE, {
        "day": at(3).date(), "place": "别处的服务站", "slots": [
            {"lawyer_id": lawyers.add_lawyer(s.tx, ELSEWHERE, {"name": "别处的律师"}, ALICE,
                                             NOW).id,
             "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)


def a_booking_elsewhere(s: Station) -> None:
    a_day_elsewhere(s)
    s.ids["elsewhere_booking"] = bookings.book(s.tx, ELSEWHERE, s.elsewhere_day.id, {
        "name": "甲", "phone": "13700000009"}, ALICE, NOW)


def a_case_elsewhere(s: Station) -> None:
    cases.receive(s.tx, {**case_data(44), "community": ELSEWHERE}, NOW)
    s.ids["elsewhere_case"] = cases.case_by_intake_id(s.tx.session, 44)


# (what is refused, the code a user is told, what to set up first, whether the caller rolls back)
Refusal = tuple[str, Callable[[Station], Any], Callable[[Station], Any] | None, bool]

REFUSALS: dict[str, Refusal] = {
    # lawyers
    "a lawyer who is not there": ("lawyer_not_found", lambda s: lawyers.update_lawyer(
        s.tx, C, 999, {"name": "某"}, ALICE, NOW), None, False),
    "slots for a lawyer who no longer volunteers": ("unknown_lawyer", lambda s: (
        consultations.add_slots(s.tx, C, s.day.id, [{**slot(s, at(3, 14), at(3, 15))[0],
                                                    "lawyer_id": s.retired.id}], ALICE, NOW)),
        None, False),
    # lectures
    "slots for another community's lawyer": ("unknown_lawyer", lambda s: (
        consultations.add_slots(s.tx, C, s.day.id, [{**slot(s, at(3, 14), at(3, 15))[0],
                                                    "lawyer_id": s.elsewhere_lawyer.id}],
                                ALICE, NOW)), a_lawyer_elsewhere, False),
    "a lecture planned in the past": ("lecture_in_past", lambda s: lectures.plan_lecture(
        s.tx, C, lecture_at(NOW - timedelta(hours=1)), ALICE, NOW), None, False),
    "a lecture that ends before it starts": ("ends_before_start", lambda s: (
        lectures.plan_lecture(s.tx, C, lecture_at(at(2, 19), ends_at=at(2, 18)), ALICE, NOW)),
        None, False),
    "a lecture recorded as held that is still to come": ("not_yet_held", lambda s: (
        lectures.plan_lecture(s.tx, C, lecture_at(at(2, 19), already_held=True), ALICE, NOW)),
        None, False),
    "a lecture that is not there": ("lecture_not_found", lambda s: lectures.register(
        s.tx, 999, "甲", "13700000009", ALICE, NOW), None, False),
    "another community's lecture": ("lecture_not_found", lambda s: lectures.cancel_lecture(
        s.tx, ELSEWHERE, s.full.id, "不办了", ALICE, NOW), None, False),
    "registering for a cancelled lecture": ("lecture_cancelled", lambda s: lectures.register(
        s.tx, s.called_off.id, "甲", "13700000009", ALICE, NOW), None, False),
    "registering once the lecture has begun": ("registration_closed", lambda s: (
        lectures.register(s.tx, s.full.id, "甲", "13700000009", ALICE, at(5, 19, 5))),
        None, False),
    "fewer seats than are taken": ("capacity_below_registered", lambda s: (
        lectures.update_lecture(s.tx, C, s.full.id, {"capacity": 1}, ALICE, NOW)),
        two_seats_taken, False),
    "cancelling a lecture already held": ("lecture_not_planned", lambda s: (
        lectures.cancel_lecture(s.tx, C, s.held.id, "补录错了", ALICE, NOW)), None, False),
    "cancelling a lecture twice": ("lecture_not_planned", lambda s: lectures.cancel_lecture(
        s.tx, C, s.called_off.id, "再取消一次", ALICE, NOW), None, False),
    "cancelling a registration for a cancelled lecture": ("lecture_not_planned", lambda s: (
        lectures.cancel_registration(s.tx, s.seat_lecture.id, s.seat.id, ALICE, NOW)),
        seat_on_a_lecture_then_cancelled, False),
    "registering the same phone twice": ("already_registered", lambda s: lectures.register(
        s.tx, s.full.id, "甲", "13700000001", ALICE, NOW), None, False),
    "a walk-in whose phone is on the list": ("already_registered", lambda s: (
        lectures.record_attendance(s.tx, C, s.full.id, {
            "present": [s.seated.id], "walk_ins": [{"name": "甲", "phone": "13700000001"}]},
            ALICE, at(5, 21))), None, False),
    "a registration of another lecture": ("registration_not_found", lambda s: (
        lectures.cancel_registration(s.tx, s.called_off.id, s.seated.id, ALICE, NOW)),
        None, False),
    "cancelling with a wrong code": ("wrong_cancel_code", lambda s: (
        lectures.cancel_registration(s.tx, s.full.id, s.seated.id, ALICE, NOW, code="guess")),
        None, False),
    "cancelling a registration twice": ("registration_cancelled", lambda s: (
        lectures.cancel_registration(s.tx, s.full.id, s.waiting.id, ALICE, NOW)),
        lambda s: lectures.cancel_registration(s.tx, s.full.id, s.waiting.id, ALICE, NOW),
        False),
    "attendance for a cancelled lecture": ("lecture_cancelled", lambda s: (
        lectures.record_attendance(s.tx, C, s.called_off.id, {"walk_ins": [{"name": "甲"}]},
                                   ALICE, at(6, 21))), None, False),
    "attendance before the lecture begins": ("lecture_not_started", lambda s: (
        lectures.record_attendance(s.tx, C, s.full.id, {"present": [s.seated.id]}, ALICE,
                                   NOW)), None, False),
    "attendance for someone still waiting": ("not_registered", lambda s: (
        lectures.record_attendance(s.tx, C, s.full.id, {"present": [s.waiting.id]}, ALICE,
                                   at(5, 21))), None, False),
    "someone both present and absent": ("present_and_absent", lambda s: (
        lectures.record_attendance(s.tx, C, s.full.id, {"present": [s.seated.id],
                                                        "absent": [s.seated.id]},
                                   ALICE, at(5, 21))), None, False),
    # consultation days and slots
    "a consultation day in the past": ("day_in_past", lambda s: consultations.open_day(
        s.tx, C, {"day": at(-1).date(), "place": "服务站"}, ALICE, NOW), None, False),
    "a second consultation day on the same date": ("day_exists", lambda s: (
        consultations.open_day(s.tx, C, {"day": at(3).date(), "place": "会议室"}, ALICE, NOW)),
        None, False),
    "a day opened with a slot already past": ("slot_in_past", lambda s: (
        consultations.open_day(s.tx, C, {"day": at(0).date(), "place": "服务站",
                                         "slots": slot(s, at(0, 9), at(0, 10))}, ALICE, NOW)),
        None, True),
    "a slot that ends before it starts": ("ends_before_start", lambda s: (
        consultations.add_slots(s.tx, C, s.day.id, slot(s, at(3, 15), at(3, 14)), ALICE, NOW)),
        None, False),
    "a slot on another date": ("slot_not_on_day", lambda s: consultations.add_slots(
        s.tx, C, s.day.id, slot(s, at(4, 9), at(4, 10)), ALICE, NOW), None, False),
    "a range shorter than one slot": ("slot_too_short", lambda s: consultations.add_slots(
        s.tx, C, s.day.id, slot(s, at(3, 14), at(3, 14, 30), minutes=60), ALICE, NOW),
        None, False),
    "a lawyer in two slots at once": ("slot_overlap", lambda s: consultations.add_slots(
        s.tx, C, s.day.id, slot(s, at(3, 10, 30), at(3, 11, 30)), ALICE, NOW), None, False),
    "a day that is not there": ("day_not_found", lambda s: consultations.add_slots(
        s.tx, C, 999, slot(s, at(3, 14), at(3, 15)), ALICE, NOW), None, False),
    "another community's day": ("day_not_found", lambda s: bookings.book(
        s.tx, ELSEWHERE, s.day.id, {"name": "甲", "phone": "13700000009"}, ALICE, NOW),
        None, False),
    "removing a slot that is not on the day": ("slot_not_found", lambda s: (
        consultations.remove_slot(s.tx, C, s.day.id, 999, ALICE, NOW)), None, False),
    "removing a booked slot": ("slot_has_bookings", lambda s: consultations.remove_slot(
        s.tx, C, s.day.id, s.first_slot.id, ALICE, NOW), None, False),
    "removing a slot whose booking was cancelled": ("slot_has_bookings", lambda s: (
        consultations.remove_slot(s.tx, C, s.day.id, s.second_slot.id, ALICE, NOW)),
        cancelled_second_booking, False),
    # bookings
    "booking a slot not on the day": ("unknown_slot", lambda s: bookings.book(
        s.tx, C, s.day.id, {"slot_id": 999, "name": "甲", "phone": "13700000009"}, ALICE, NOW),
        None, False),
    "booking a slot that has begun": ("slot_in_past", lambda s: bookings.book(
        s.tx, C, s.day.id, {"slot_id": s.second_slot.id, "name": "甲",
                            "phone": "13700000009"}, ALICE, at(3, 10, 5)), None, False),
    "booking a slot already booked": ("slot_taken", lambda s: bookings.book(
        s.tx, C, s.day.id, {"slot_id": s.first_slot.id, "name": "甲",
                            "phone": "13700000009"}, ALICE, NOW), None, False),
    "booking a day with every slot booked": ("day_full", lambda s: bookings.book(
        s.tx, C, s.day.id, {"name": "甲", "phone": "13700000009"}, ALICE, NOW),
        book_second_slot, False),
    "booking a day whose free slots are past": ("day_over", lambda s: bookings.book(
        s.tx, C, s.day.id, {"name": "甲", "phone": "13700000009"}, ALICE, at(3, 12)),
        None, False),
    "one resident twice the same day": ("already_booked_that_day", lambda s: bookings.book(
        s.tx, C, s.day.id, {"slot_id": s.second_slot.id, "name": "丁",
                            "phone": "13600000001"}, ALICE, NOW), None, False),
    "a walk-in on another community's day": ("day_not_found", lambda s: (
        bookings.record_walk_in(s.tx, ELSEWHERE, s.day.id, {"name": "甲"}, ALICE, NOW)),
        None, False),
    "cancelling a booking that is not there": ("booking_not_found", lambda s: (
        bookings.cancel_booking(s.tx, C, 999, "改期", ALICE, NOW)), None, False),
    "cancelling a booking twice": ("booking_cancelled", lambda s: bookings.cancel_booking(
        s.tx, C, s.booking.id, "改期", ALICE, NOW),
        lambda s: bookings.cancel_booking(s.tx, C, s.booking.id, "改期", ALICE, NOW), False),
    # receptions and visitors
    "an area of law nobody knows": ("unknown_area_of_law", lambda s: (
        receptions.record_reception(s.tx, C, reception_of(s, area_of_law="astrology"), ALICE,
                                    NOW)), None, False),
    "changing a reception to an unknown area of law": ("unknown_area_of_law", lambda s: (
        receptions.update_reception(s.tx, C, s.reception.id, {"area_of_law": "astrology"},
                                    ALICE, NOW)), None, False),
    "an outcome nobody knows": ("unknown_outcome", lambda s: receptions.record_reception(
        s.tx, C, reception_of(s, outcome="forgotten"), ALICE, NOW), None, False),
    "a reception tomorrow": ("received_in_future", lambda s: receptions.record_reception(
        s.tx, C, reception_of(s, received_at=NOW + timedelta(days=1)), ALICE, NOW),
        None, False),
    "a reception for a booking that is not there": ("unknown_booking", lambda s: (
        receptions.record_reception(s.tx, C, reception_of(s, booking_id=999), ALICE, NOW)),
        None, False),
    "a reception for a case that is not there": ("unknown_case", lambda s: (
        receptions.record_reception(s.tx, C, reception_of(s, case_id=999), ALICE, NOW)),
        None, False),
    "a reception for another community's booking": ("unknown_booking", lambda s: (
        receptions.record_reception(s.tx, C, reception_of(s, booking_id=s.elsewhere_booking.id),
                                    ALICE, NOW)), a_booking_elsewhere, False),
    "a reception for another community's case": ("unknown_case", lambda s: (
        receptions.record_reception(s.tx, C, reception_of(s, case_id=s.elsewhere_case.id),
                                    ALICE, NOW)), a_case_elsewhere, False),
    "a reception of nobody": ("visitor_required", lambda s: receptions.record_reception(
        s.tx, C, reception_of(s, visitor=None), ALICE, NOW), None, False),
    "a reception of a visitor who is not there": ("visitor_not_found", lambda s: (
        receptions.record_reception(s.tx, C, reception_of(s, visitor=None, visitor_id=999),
                                    ALICE, NOW)), None, False),
    "changing a reception that is not there": ("reception_not_found", lambda s: (
        receptions.update_reception(s.tx, C, 999, {"outcome": "solved"}, ALICE, NOW)),
        None, False),
    "a reception with a lawyer who no longer volunteers": ("unknown_lawyer", lambda s: (
        receptions.record_reception(s.tx, C, reception_of(s, lawyer_id=s.retired.id), ALICE,
                                    NOW)), None, False),
    # cases from intake
    "working a case that is not there": ("case_not_found", lambda s: cases.note_case(
        s.tx, C, 999, "进展", ALICE, NOW), None, False),
    "another community's case": ("case_not_found", lambda s: cases.resolve_case(
        s.tx, ELSEWHERE, s.open_case.id, {"result": "办结"}, ALICE, NOW), None, False),
    "resolving a case already resolved": ("case_closed", lambda s: cases.resolve_case(
        s.tx, C, s.done.id, {"result": "再办一次"}, ALICE, NOW), None, False),
    "returning a case already resolved": ("case_closed", lambda s: cases.return_case(
        s.tx, C, s.done.id, "不归我们", ALICE, NOW), None, False),
    # the case's own booking is cancelled before the new day is found to have no slot: the
    # caller's rollback gives it back
    "rebooking a case into a day with no slots": ("day_full", lambda s: cases.book_case(
        s.tx, C, s.open_case.id, {"day_id": s.empty_day.id}, ALICE, NOW),
        case_booked_and_an_empty_day, True),
    "booking a case into another community's day": ("day_not_found", lambda s: (
        cases.book_case(s.tx, C, s.open_case.id, {"day_id": s.elsewhere_day.id}, ALICE, NOW)),
        a_day_elsewhere, False),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_a_refused_request_changes_nothing(station, name):
    code, action, setup, rolled_back = REFUSALS[name]
    if setup is not None:
        setup(station)
    station.tx.session.commit()
    before, sent = snapshot(station.tx.session, Base.metadata), list(station.tx.published)

    with pytest.raises(DomainError) as refused:
        action(station)

    assert refused.value.code == code
    if rolled_back:   # what the staff API does with a request a rule refused
        station.tx.session.rollback()
    assert snapshot(station.tx.session, Base.metadata) == before
    assert station.tx.published == sent



# What each refusal tells the person: the HTTP status (404 nothing there, 409 the state forbids
# it, 422 the input is wrong, 403 a wrong cancellation code), the field it points at, and why, in
# Chinese and in English.
SAID = {
    "a lawyer who is not there": (404, None,
        "没有这位律师",
        "No such lawyer"),
    "slots for a lawyer who no longer volunteers": (422, "lawyer_id",
        "没有这位律师（或已停用）",
        "No such lawyer (or no longer active)"),
    "slots for another community's lawyer": (422, "lawyer_id",
        "没有这位律师（或已停用）",
        "No such lawyer (or no longer active)"),
    "a lecture planned in the past": (422, "starts_at",
        "开始时间已经过去",
        "The start time is in the past"),
    "a lecture that ends before it starts": (422, "ends_at",
        "结束时间应晚于开始时间",
        "The end must be after the start"),
    "a lecture recorded as held that is still to come": (422, "starts_at",
        "补录的讲座应已开始",
        "A lecture recorded as held must have started"),
    "a lecture that is not there": (404, None,
        "没有这场讲座",
        "No such lecture"),
    "another community's lecture": (404, None,
        "没有这场讲座",
        "No such lecture"),
    "registering for a cancelled lecture": (409, None,
        "这场讲座已取消",
        "This lecture was cancelled"),
    "registering once the lecture has begun": (409, None,
        "讲座已经开始，不能再报名或改动",
        "The lecture has started; registration is closed"),
    "fewer seats than are taken": (422, "capacity",
        "已有 2 人报名，名额不能少于此数",
        "2 people are registered; capacity cannot be lower"),
    "cancelling a lecture already held": (409, None,
        "只能取消尚未举办的讲座",
        "Only a planned lecture can be cancelled"),
    "cancelling a lecture twice": (409, None,
        "只能取消尚未举办的讲座",
        "Only a planned lecture can be cancelled"),
    "cancelling a registration for a cancelled lecture": (409, None,
        "讲座已举办或已取消，不能再改报名",
        "The lecture was held or cancelled"),
    "registering the same phone twice": (409, "phone",
        "这个电话号码已经报名了这场讲座",
        "This phone number is already registered for this lecture"),
    "a walk-in whose phone is on the list": (409, "walk_ins",
        "这个电话号码已经报名了，请在名单上勾选出席",
        "This phone number is registered: mark it present instead"),
    "a registration of another lecture": (404, None,
        "没有这条报名",
        "No such registration"),
    "cancelling with a wrong code": (403, "code",
        "取消码不对",
        "Wrong cancellation code"),
    "cancelling a registration twice": (409, None,
        "这条报名已经取消了",
        "This registration is already cancelled"),
    "attendance for a cancelled lecture": (409, None,
        "这场讲座已取消",
        "This lecture was cancelled"),
    "attendance before the lecture begins": (409, None,
        "讲座还没开始，不能记录出席",
        "The lecture has not started: attendance comes after"),
    "attendance for someone still waiting": (422, "present",
        "报名 2 不在这场讲座的报名名单上",
        "Registration 2 is not on this lecture's list"),
    "someone both present and absent": (422, "absent",
        "同一人不能既出席又缺席",
        "Nobody can be both present and absent"),
    "a consultation day in the past": (422, "day",
        "咨询日的日期已经过去",
        "That date is in the past"),
    "a second consultation day on the same date": (409, "day",
        "这一天已经有咨询日了",
        "There is already a consultation day on that date"),
    "a day opened with a slot already past": (422, "starts_at",
        "时段的开始时间已经过去",
        "The slot starts in the past"),
    "a slot that ends before it starts": (422, "ends_at",
        "结束时间应晚于开始时间",
        "The end must be after the start"),
    "a slot on another date": (422, "starts_at",
        "时段应在咨询日当天（2026-11-30）",
        "The slot must fall on the consultation day (2026-11-30)"),
    "a range shorter than one slot": (422, "minutes",
        "时间段比每个时段的长度还短",
        "The range is shorter than one slot"),
    "a lawyer in two slots at once": (409, "starts_at",
        "王律师律师在这段时间已经有时段了",
        "王律师 already has a slot at that time"),
    "a day that is not there": (404, None,
        "没有这个咨询日",
        "No such consultation day"),
    "another community's day": (404, None,
        "没有这个咨询日",
        "No such consultation day"),
    "removing a slot that is not on the day": (404, None,
        "这个咨询日没有这个时段",
        "No such slot on this day"),
    "removing a booked slot": (409, None,
        "这个时段有过预约，不能删除；请先取消预约",
        "The slot has bookings and cannot be removed"),
    "removing a slot whose booking was cancelled": (409, None,
        "这个时段有过预约，不能删除；请先取消预约",
        "The slot has bookings and cannot be removed"),
    "booking a slot not on the day": (422, "slot_id",
        "这个咨询日没有这个时段",
        "No such slot on this day"),
    "booking a slot that has begun": (422, "slot_id",
        "这个时段已经过去了",
        "That slot is in the past"),
    "booking a slot already booked": (409, "slot_id",
        "这个时段已经被预约了",
        "That slot is already booked"),
    "booking a day with every slot booked": (409, None,
        "这个咨询日已经约满了",
        "This consultation day is fully booked"),
    "booking a day whose free slots are past": (409, None,
        "这个咨询日剩下的时段都已过去",
        "Every free slot of this day is in the past"),
    "one resident twice the same day": (409, "phone",
        "这位居民这一天已经有预约了",
        "This resident already has a booking that day"),
    "a walk-in on another community's day": (404, None,
        "没有这个咨询日",
        "No such consultation day"),
    "cancelling a booking that is not there": (404, None,
        "没有这条预约",
        "No such booking"),
    "cancelling a booking twice": (409, None,
        "这条预约已经取消了",
        "This booking is already cancelled"),
    "an area of law nobody knows": (422, "area_of_law",
        "没有这个法律领域：astrology",
        "Unknown area of law: astrology"),
    "changing a reception to an unknown area of law": (422, "area_of_law",
        "没有这个法律领域：astrology",
        "Unknown area of law: astrology"),
    "an outcome nobody knows": (422, "outcome",
        "没有这个结果代码",
        "Unknown outcome code"),
    "a reception tomorrow": (422, "received_at",
        "接待时间不能在将来",
        "The reception cannot be in the future"),
    "a reception for a booking that is not there": (422, "booking_id",
        "没有这条预约",
        "No such booking"),
    "a reception for a case that is not there": (422, "case_id",
        "没有这个案件",
        "No such case"),
    "a reception for another community's booking": (422, "booking_id",
        "没有这条预约",
        "No such booking"),
    "a reception for another community's case": (422, "case_id",
        "没有这个案件",
        "No such case"),
    "a reception of nobody": (422, "visitor",
        "请填写来访者（或选择已有来访者）",
        "Say who the visitor is"),
    "a reception of a visitor who is not there": (404, None,
        "没有这位来访者",
        "No such visitor"),
    "changing a reception that is not there": (404, None,
        "没有这条接待记录",
        "No such reception record"),
    "a reception with a lawyer who no longer volunteers": (422, "lawyer_id",
        "没有这位律师（或已停用）",
        "No such lawyer (or no longer active)"),
    "working a case that is not there": (404, None,
        "没有这个案件",
        "No such case"),
    "another community's case": (404, None,
        "没有这个案件",
        "No such case"),
    "resolving a case already resolved": (409, None,
        "案件当前状态为「已办结」，不能再办理",
        "The case is resolved; it can no longer be worked"),
    "returning a case already resolved": (409, None,
        "案件当前状态为「已办结」，不能再办理",
        "The case is resolved; it can no longer be worked"),
    "rebooking a case into a day with no slots": (409, None,
        "这个咨询日已经约满了",
        "This consultation day is fully booked"),
    "booking a case into another community's day": (404, None,
        "没有这个咨询日",
        "No such consultation day"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_a_refusal_says_why_in_both_languages(station, name):
    code, action, setup, _ = REFUSALS[name]
    if setup is not None:
        setup(station)
    with pytest.raises(DomainError) as refused:
        action(station)
    status, field, zh, en = SAID[name]
    body = {"code": code, "fields": {field: [zh]}} if field else {"code": code}
    assert refused.value.status == status
    assert refused.value.to_body("zh") == {"error": {**body, "message": zh}}
    assert refused.value.to_body("en")["error"]["message"] == en
