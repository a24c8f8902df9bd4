"""Lectures as staff see them after each change: walk-ins on the list, a lecture moved or called
off, registrations cancelled, and what is on the record of each, with who and when. Times are
Beijing wall-clock times (``at``) written out in UTC by hand: 19:00 on 2 December in Beijing is
11:00 UTC, 21:00 is 13:00 UTC; NOW is 02:00 UTC on 27 November."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.testing import make_staff, snapshot

from legal_aid.domain import lectures, views
from legal_aid.models import Base

from .conftest import ALICE, NOW, at

C = "rainbow-city"
ELSEWHERE = "sunny-garden"
DESK = make_staff("receptionist", community=C, id=3, username="desk", name="前台小周")
LATER = NOW + timedelta(hours=1)                               # 03:00 UTC
LATER_AT = "2026-11-27T03:00:00Z"


def plan(tx, capacity=2):
    """劳动合同法 at 19:00 in Beijing in five days (2 December)."""
    return lectures.plan_lecture(tx, C, {"topic": "劳动合同法", "speaker": "王律师",
                                         "starts_at": at(5, 19), "place": "社区活动室",
                                         "capacity": capacity}, ALICE, NOW)


def last_on_record(tx, entity, entity_id):
    return views.activity_view(views.history(tx.session, C, entity, entity_id)[-1])


def test_staff_of_another_community_find_no_lecture_to_register_for_or_take_attendance_of(tx):
    item = plan(tx)
    seated = lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW)
    tx.session.commit()
    before = snapshot(tx.session, Base.metadata)
    for attempt in (
            lambda: lectures.register(tx, item.id, "乙", "13800000002", ALICE, NOW,
                                      community=ELSEWHERE),
            lambda: lectures.record_attendance(tx, ELSEWHERE, item.id,
                                               {"present": [seated.id]}, ALICE, at(5, 21))):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert (refused.value.code, refused.value.field) == ("lecture_not_found", None)
        assert snapshot(tx.session, Base.metadata) == before


def test_walk_ins_join_the_list_as_staff_see_it_and_each_phone_comes_once(tx):
    item = plan(tx)
    seated = lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW)
    # the desk takes attendance at 21:00: 甲 came, and two walk-ins, one without a phone
    lectures.record_attendance(tx, C, item.id, {"present": [seated.id], "walk_ins": [
        {"name": "丙", "phone": "13800000003"}, {"name": "丁"}]}, DESK, at(5, 21))
    tx.session.commit()
    recorded = {"attended": True, "attendance_recorded_at": "2026-12-02T13:00:00Z",
                "attendance_recorded_by": "前台小周", "status": "registered",
                "waitlist_position": None, "promoted_at": None, "cancelled_at": None,
                "cancelled_by": None, "lecture_id": 1}
    assert [views.registration_view(r) for r in item.registrations] == [
        {"id": 1, "name": "甲", "phone": "13800000001", "created_at": "2026-11-27T02:00:00Z",
         "created_by": "李", **recorded},
        {"id": 2, "name": "丙", "phone": "13800000003", "created_at": "2026-12-02T13:00:00Z",
         "created_by": "前台小周", **recorded},
        {"id": 3, "name": "丁", "phone": "", "created_at": "2026-12-02T13:00:00Z",
         "created_by": "前台小周", **recorded}]
    assert last_on_record(tx, "lecture", item.id) == {
        "at": "2026-12-02T13:00:00Z", "actor": "前台小周", "actor_id": "3", "entity": "lecture",
        "entity_id": item.id, "action": "attendance_recorded",
        "detail": {"present": [1], "absent": [], "walk_ins": 2}}

    # an hour later 丙 is typed in again as a walk-in, after one who left no phone: she is on
    # the list already; and a registration that is not on it cannot be marked absent either
    before = snapshot(tx.session, Base.metadata)
    for data, code, field in [
            ({"walk_ins": [{"name": "戊"}, {"name": "丙", "phone": "13800000003"}]},
             "already_registered", "walk_ins"),
            ({"absent": [99]}, "not_registered", "absent")]:
        with pytest.raises(DomainError) as refused:
            lectures.record_attendance(tx, C, item.id, data, DESK, at(5, 22))
        assert (refused.value.code, refused.value.field) == (code, field)
        assert snapshot(tx.session, Base.metadata) == before


def test_a_lecture_changed_records_only_what_changed_and_who_moved_up(tx):
    item = plan(tx, capacity=1)
    lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW)
    waiting = lectures.register(tx, item.id, "乙", "13800000002", ALICE, NOW)
    # the same start typed again, a bigger room and a second seat
    lectures.update_lecture(tx, C, item.id, {"starts_at": at(5, 19), "place": "大会议室",
                                             "capacity": 2}, DESK, LATER)
    tx.session.commit()
    assert last_on_record(tx, "lecture", item.id) == {
        "at": LATER_AT, "actor": "前台小周", "actor_id": "3", "entity": "lecture",
        "entity_id": item.id, "action": "updated",
        "detail": {"place": "大会议室", "capacity": 2}}
    shown = views.lecture_view(item, "zh")
    assert (shown["updated_at"], shown["updated_by"], shown["starts_at"]) == (
        LATER_AT, "前台小周", "2026-12-02T11:00:00Z")
    assert views.registration_view(waiting)["promoted_at"] == LATER_AT
    assert last_on_record(tx, "registration", waiting.id)["at"] == LATER_AT

    # moved to a start that has already passed: refused, nothing changed
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(DomainError) as refused:
        lectures.update_lecture(tx, C, item.id, {"starts_at": NOW - timedelta(hours=1)}, DESK,
                                LATER)
    assert (refused.value.code, refused.value.field) == ("lecture_in_past", "starts_at")
    assert snapshot(tx.session, Base.metadata) == before


def test_a_full_lecture_moved_to_another_room_moves_nobody_up(tx):
    item = plan(tx, capacity=1)
    lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW)
    waiting = lectures.register(tx, item.id, "乙", "13800000002", ALICE, NOW)
    lectures.update_lecture(tx, C, item.id, {"place": "大会议室"}, DESK, LATER)
    assert (waiting.status, views.waitlist_position(waiting)) == ("waitlisted", 1)
    assert views.lecture_counts(item) == {"registered": 1, "waitlisted": 1, "attended": 0,
                                          "seats_left": 0}


def test_a_lecture_called_off_shows_who_called_it_off_when_and_why(tx):
    item = plan(tx)
    lectures.cancel_lecture(tx, C, item.id, "讲师临时有事", DESK, LATER)
    tx.session.commit()
    shown = views.lecture_view(item, "zh")
    assert (shown["status"], shown["updated_at"], shown["updated_by"]) == (
        "cancelled", LATER_AT, "前台小周")
    assert last_on_record(tx, "lecture", item.id) == {
        "at": LATER_AT, "actor": "前台小周", "actor_id": "3", "entity": "lecture",
        "entity_id": item.id, "action": "cancelled", "detail": {"reason": "讲师临时有事"}}


def test_several_residents_cancel_and_one_registers_again(tx):
    item = plan(tx, capacity=3)
    first = lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW)
    second = lectures.register(tx, item.id, "乙", "13800000002", ALICE, NOW)
    lectures.cancel_registration(tx, item.id, first.id, ALICE, LATER, code=first.cancel_code)
    lectures.cancel_registration(tx, item.id, second.id, DESK, LATER, community=C)
    tx.session.commit()
    again = lectures.register(tx, item.id, "甲", "13800000001", ALICE, LATER)
    tx.session.commit()
    assert [(r.name, r.status) for r in item.registrations] == [
        ("甲", "cancelled"), ("乙", "cancelled"), ("甲", "registered")]
    assert again.status == "registered"
    assert last_on_record(tx, "registration", second.id) == {
        "at": LATER_AT, "actor": "前台小周", "actor_id": "3", "entity": "registration",
        "entity_id": second.id, "action": "cancelled",
        "detail": {"lecture_id": item.id, "was": "registered"}}
