"""Booking a case's resident into a consultation day as staff see it: only the case's own
community may book it, and the case shows who booked it last and when. NOW is 10:00 in Beijing
on 27 November (02:00 UTC); an hour later is 03:00 UTC."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.contract import CaseDispatched
from minzi.testing import make_staff, snapshot

from legal_aid.domain import cases, consultations, lawyers, views
from legal_aid.models import Base

from .conftest import ALICE, NOW, at

C = "rainbow-city"
ELSEWHERE = "sunny-garden"
DESK = make_staff("receptionist", community=C, id=3, username="desk", name="前台小周")
THEIRS = make_staff("program_staff", program_id="legal_aid", id=9, username="zhao", name="赵")
HOUR = NOW + timedelta(hours=1)


def a_case(tx):
    cases.receive(tx, CaseDispatched().load({
        "case_id": 42, "tracking_code": "RC7KX2M9QD", "program_id": "legal_aid",
        "service_code": "legal_consultation", "community": C, "channel": "open311",
        "description": "公司拖欠三个月工资", "attributes": {"area_of_law": "labour"},
        "resident": {"name": "张三", "phone": "13800001111"},
        "due_at": "2026-12-04T08:00:00Z"}), NOW)
    return cases.case_by_intake_id(tx.session, 42)


def a_day(tx, community):
    lawyer = lawyers.add_lawyer(tx, community, {"name": "王律师", "firm": "京师律所",
                                                "phone": "13900001111"}, ALICE, NOW)
    return consultations.open_day(tx, community, {"day": at(3).date(), "place": "服务站",
                                                  "slots": [{"lawyer_id": lawyer.id,
                                                             "starts_at": at(3, 9),
                                                             "ends_at": at(3, 10)}]},
                                  ALICE, NOW)


def test_a_case_is_booked_only_by_its_own_community(tx):
    case = a_case(tx)
    theirs = a_day(tx, ELSEWHERE)
    tx.session.commit()
    before = snapshot(tx.session, Base.metadata)
    published = len(tx.published)
    # another community's staff, into their own day: they cannot see the case at all
    with pytest.raises(DomainError) as err:
        cases.book_case(tx, ELSEWHERE, case.id, {"day_id": theirs.id}, THEIRS, HOUR)
    assert (err.value.code, err.value.status) == ("case_not_found", 404)
    assert snapshot(tx.session, Base.metadata) == before
    assert len(tx.published) == published


def test_a_booked_case_shows_who_booked_it_and_when(tx):
    case = a_case(tx)
    day = a_day(tx, C)
    cases.book_case(tx, C, case.id, {"day_id": day.id}, DESK, HOUR)
    shown = views.case_view(case, "zh")
    assert (shown["status"], shown["updated_at"], shown["updated_by"]) == (
        "booked", "2026-11-27T03:00:00Z", "前台小周")


def test_a_booking_is_on_the_record_with_who_when_and_where_the_phone_masked(tx):
    case = a_case(tx)
    day = a_day(tx, C)
    _, booking = cases.book_case(tx, C, case.id, {"day_id": day.id}, DESK, HOUR)
    tx.session.commit()
    on_record = [views.activity_view(h)
                 for h in views.history(tx.session, C, "booking", booking.id)]
    # the day's only slot, the case's resident, her phone shown as 138****1111
    assert on_record == [{
        "at": "2026-11-27T03:00:00Z", "actor": "前台小周", "actor_id": "3", "entity": "booking",
        "entity_id": booking.id, "action": "booked",
        "detail": {"day_id": day.id, "slot_id": day.slots[0].id, "phone": "138****1111",
                   "case_id": case.id}}]
