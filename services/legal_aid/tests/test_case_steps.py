"""A case's steps after it is booked, as the program's staff see them on its record and on its
booking: resolved with its result, returned or recalled with the booking cancelled at that
moment; and another community's staff can neither note nor return it. NOW is 10:00 in Beijing on
27 November (02:00 UTC); an hour later is 03:00 UTC, two hours later 04:00 UTC."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.contract import CaseDispatched
from minzi.db import as_utc
from minzi.testing import make_staff, snapshot

from legal_aid.domain import cases, consultations, lawyers, views
from legal_aid.models import Base

from .conftest import ALICE, NOW, at

C = "rainbow-city"
ELSEWHERE = "sunny-garden"
DESK = make_staff("receptionist", community=C, id=3, username="desk", name="前台小周")
THEIRS = make_staff("program_staff", program_id="legal_aid", id=9, username="zhao", name="赵")
HOUR, TWO_HOURS = NOW + timedelta(hours=1), NOW + timedelta(hours=2)


def a_booked_case(tx):
    """Case 42 from intake, booked at 10:00 into the 9:00 slot three days on."""
    cases.receive(tx, CaseDispatched().load({
        "case_id": 42, "tracking_code": "RC7KX2M9QD", "program_id": "legal_aid",
        "service_code": "legal_consultation", "community": C, "channel": "open311",
        "description": "公司拖欠三个月工资", "attributes": {"area_of_law": "labour"},
        "resident": {"name": "张三", "phone": "13800001111"},
        "due_at": "2026-12-04T08:00:00Z"}), NOW)
    case = cases.case_by_intake_id(tx.session, 42)
    wang = lawyers.add_lawyer(tx, C, {"name": "王律师", "firm": "京师律所",
                                      "phone": "13900001111"}, ALICE, NOW)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    _, booking = cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, NOW)
    return case, booking


def last_on_record(tx, case):
    return views.case_view(case, "zh", session=tx.session)["history"][-1]


def booking_record(tx, booking):
    return [(h["at"], h["actor"], h["action"]) for h in
            map(views.activity_view, views.history(tx.session, C, "booking", booking.id))]


def test_a_resolved_case_is_on_its_record_with_its_result(tx):
    case, _ = a_booked_case(tx)
    cases.resolve_case(tx, C, case.id, {"result": "公司已支付工资", "reply": "问题已解决"},
                       DESK, HOUR)
    assert last_on_record(tx, case) == {
        "at": "2026-11-27T03:00:00Z", "actor": "前台小周", "actor_id": "3", "entity": "case",
        "entity_id": case.id, "action": "resolved", "detail": {"result": "公司已支付工资"}}


def test_a_returned_case_s_booking_is_cancelled_when_it_was_returned(tx):
    case, booking = a_booked_case(tx)
    cases.return_case(tx, C, case.id, "属于房管部门", DESK, HOUR)
    shown = views.booking_view(booking)
    assert (shown["status"], shown["cancelled_at"], shown["cancelled_by"]) == (
        "cancelled", "2026-11-27T03:00:00Z", "前台小周")
    assert booking_record(tx, booking)[-1] == ("2026-11-27T03:00:00Z", "前台小周", "cancelled")


def test_a_recalled_case_and_its_booking_are_closed_when_intake_recalled_it(tx):
    case, booking = a_booked_case(tx)
    cases.recalled(tx, {"case_id": 42, "note": "居民已撤诉"}, TWO_HOURS)
    assert last_on_record(tx, case) == {
        "at": "2026-11-27T04:00:00Z", "actor": "intake", "actor_id": None, "entity": "case",
        "entity_id": case.id, "action": "recalled", "detail": {"note": "居民已撤诉"}}
    shown = views.booking_view(booking)
    assert (shown["status"], shown["cancelled_at"], shown["cancelled_by"]) == (
        "cancelled", "2026-11-27T04:00:00Z", "intake")
    assert booking_record(tx, booking)[-1] == ("2026-11-27T04:00:00Z", "intake", "cancelled")


@pytest.mark.parametrize("step", ["note", "return"])
def test_another_community_s_staff_can_neither_note_nor_return_a_case(tx, step):
    case, _ = a_booked_case(tx)
    tx.session.commit()
    before = snapshot(tx.session, Base.metadata)
    published = len(tx.published)
    with pytest.raises(DomainError) as err:
        if step == "note":
            cases.note_case(tx, ELSEWHERE, case.id, "已联系居民", THEIRS, HOUR)
        else:
            cases.return_case(tx, ELSEWHERE, case.id, "不归我们", THEIRS, HOUR)
    assert (err.value.code, err.value.status) == ("case_not_found", 404)
    assert snapshot(tx.session, Base.metadata) == before
    assert len(tx.published) == published


def test_a_case_from_intake_is_marked_changed_by_intake_when_received_and_again(tx):
    """The case's "last changed" says intake, not a member of staff, each time intake sends it."""
    dispatched = CaseDispatched().load({
        "case_id": 42, "tracking_code": "RC7KX2M9QD", "program_id": "legal_aid",
        "service_code": "legal_consultation", "community": C, "channel": "open311",
        "description": "公司拖欠三个月工资", "resident": {"name": "张三", "phone": "13800001111"},
        "due_at": "2026-12-04T08:00:00Z"})
    cases.receive(tx, dispatched, NOW)
    case = cases.case_by_intake_id(tx.session, 42)
    assert (as_utc(case.updated_at), case.updated_by) == (NOW, "intake")
    cases.note_case(tx, C, case.id, "已电话联系", ALICE, HOUR)
    assert (as_utc(case.updated_at), case.updated_by) == (HOUR, "李")
    cases.receive(tx, dispatched, TWO_HOURS)
    assert (as_utc(case.updated_at), case.updated_by) == (TWO_HOURS, "intake")
