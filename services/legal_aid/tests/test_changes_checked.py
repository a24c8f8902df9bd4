"""Changing a lecture or a reception after the fact, as staff see it: a lecture's new end is
checked against its start, a reception's area of law and problem can be corrected and the record
says what they were; another community's staff find none of its visitors. Times are Beijing
wall-clock times (``at``) written out in UTC by hand: 19:00 on 2 December in Beijing is 11:00
UTC; NOW is 02:00 UTC on 27 November, an hour later 03:00 UTC."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.testing import make_staff, snapshot

from legal_aid.domain import lectures, receptions, views
from legal_aid.models import Base

from .conftest import ALICE, NOW, at

C = "rainbow-city"
ELSEWHERE = "sunny-garden"
DESK = make_staff("receptionist", community=C, id=3, username="desk", name="前台小周")
HOUR = NOW + timedelta(hours=1)


def a_lecture(tx):
    """劳动合同法 from 19:00 to 21:00 in Beijing on 2 December."""
    return lectures.plan_lecture(tx, C, {"topic": "劳动合同法", "speaker": "王律师",
                                         "starts_at": at(5, 19), "ends_at": at(5, 21),
                                         "place": "社区活动室", "capacity": 2}, ALICE, NOW)


def test_a_lecture_cannot_be_made_to_end_before_it_starts(tx):
    lecture = a_lecture(tx)
    tx.session.commit()
    before = snapshot(tx.session, Base.metadata)
    # 18:00 is before its 19:00 start; 19:00 itself is no length at all
    for end in (at(5, 18), at(5, 19)):
        with pytest.raises(DomainError) as refused:
            lectures.update_lecture(tx, C, lecture.id, {"ends_at": end}, ALICE, HOUR)
        assert (refused.value.code, refused.value.field, refused.value.status) == (
            "ends_before_start", "ends_at", 422)
        assert snapshot(tx.session, Base.metadata) == before


def test_a_lecture_moved_later_with_its_new_end_is_moved(tx):
    lecture = a_lecture(tx)
    # from 22:00 to 23:00: both after the old end of 21:00
    lectures.update_lecture(tx, C, lecture.id, {"starts_at": at(5, 22), "ends_at": at(5, 23)},
                            ALICE, HOUR)
    shown = views.lecture_view(lecture, "zh")
    assert (shown["starts_at"], shown["ends_at"]) == ("2026-12-02T14:00:00Z",
                                                      "2026-12-02T15:00:00Z")


def test_a_reception_s_area_of_law_and_problem_are_corrected_on_the_record(tx):
    reception = receptions.record_reception(tx, C, {
        "visitor": {"name": "张三", "phone": "13800001111"}, "area_of_law": "labour",
        "problem": "房东不退押金", "outcome": "pending"}, ALICE, NOW)
    receptions.update_reception(tx, C, reception.id, {"area_of_law": "tenancy",
                                                      "problem": "房东不退押金两千元"}, DESK, HOUR)
    shown = views.reception_view(reception, "zh")
    assert (shown["area_of_law"], shown["area_of_law_name"], shown["problem"],
            shown["updated_at"], shown["updated_by"]) == (
        "tenancy", "房屋租赁", "房东不退押金两千元", "2026-11-27T03:00:00Z", "前台小周")
    assert views.activity_view(views.history(tx.session, C, "reception", reception.id)[-1]) == {
        "at": "2026-11-27T03:00:00Z", "actor": "前台小周", "actor_id": "3",
        "entity": "reception", "entity_id": reception.id, "action": "updated",
        "detail": {"area_of_law": {"from": "labour", "to": "tenancy"},
                   "problem": {"from": "房东不退押金", "to": "房东不退押金两千元"}}}


def test_another_community_s_staff_neither_find_a_visitor_nor_record_a_visit_of_theirs(tx):
    zhang = receptions.record_reception(tx, C, {
        "visitor": {"name": "张三", "phone": "13800001111"}, "area_of_law": "labour",
        "outcome": "pending"}, ALICE, NOW).visitor_id
    tx.session.commit()
    before = snapshot(tx.session, Base.metadata)
    for attempt in (
            lambda: receptions.get_visitor(tx.session, zhang, ELSEWHERE),
            lambda: receptions.record_reception(tx, ELSEWHERE, {
                "visitor_id": zhang, "area_of_law": "labour", "outcome": "advised"},
                ALICE, HOUR)):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert (refused.value.code, refused.value.status) == ("visitor_not_found", 404)
        assert snapshot(tx.session, Base.metadata) == before
