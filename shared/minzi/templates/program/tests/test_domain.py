"""__PROGRAM_ID__'s rules without a broker: a case received, chased, recalled, finished."""
from datetime import UTC, datetime, timedelta

import pytest

from minzi.api import Conflict, Forbidden, NotFound
from minzi.testing import dispatched_case, make_staff

from __PROGRAM_ID__.domain import access, cases

OPERATOR = make_staff("program_staff", program_id="__PROGRAM_ID__", name="值班员", username="op")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)   # 10:00 in Beijing


def test_a_received_case_is_accepted_and_on_the_record(tx):
    report = cases.receive(tx, dispatched_case("__PROGRAM_ID__", "__PROGRAM_ID___request"), NOW)
    assert report["status"] == "accepted"
    case = cases.get_case(tx.session, 1, OPERATOR)
    assert case.state == "received"
    assert [(h["by"], h["action"]) for h in case.history] == [("intake", "received")]


def test_a_resolved_case_reports_the_answer_and_cannot_be_finished_twice(tx):
    cases.receive(tx, dispatched_case("__PROGRAM_ID__", "__PROGRAM_ID___request"), NOW)
    case = cases.get_case(tx.session, 1, OPERATOR)
    later = NOW + timedelta(hours=2)
    report = cases.finish(case, OPERATOR, later, resolved=True, text="已办结", reply="办好了")
    assert report == {"case_id": 1, "program_id": "__PROGRAM_ID__", "handler": "值班员",
                      "status": "resolved", "result": "已办结", "reply": "办好了"}
    assert case.history[-1]["at"] == "2026-11-27T04:00:00Z"
    with pytest.raises(Conflict) as refused:
        cases.finish(case, OPERATOR, later, resolved=False, text="退回")
    assert (refused.value.code, refused.value.field) == ("case_closed", "case_id")
    assert case.state == "resolved"


def test_a_recalled_case_is_no_longer_worked_and_a_chase_is_counted(tx):
    cases.receive(tx, dispatched_case("__PROGRAM_ID__", "__PROGRAM_ID___request"), NOW)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "请尽快办理"}, NOW)
    cases.recalled(tx, {"case_id": 1, "note": "转给了别的项目"}, NOW)
    case = cases.get_case(tx.session, 1, OPERATOR)
    assert (case.state, case.chases) == ("recalled", 1)
    with pytest.raises(Conflict):
        cases.finish(case, OPERATOR, NOW, resolved=True, text="办了")


def test_another_community_does_not_see_the_case(tx):
    cases.receive(tx, dispatched_case("__PROGRAM_ID__", "__PROGRAM_ID___request"), NOW)
    with pytest.raises(NotFound) as refused:
        cases.get_case(tx.session, 1, make_staff(program_id="__PROGRAM_ID__",
                                                 community="maple-court"))
    assert (refused.value.code, refused.value.status) == ("case_not_found", 404)


def test_only_the_programs_staff_and_admins_work_its_cases():
    for staff in (OPERATOR, make_staff("handler", program_id="__PROGRAM_ID__"),
                  make_staff("admin")):
        access.require_operator(staff)
    for staff in (make_staff("program_staff", program_id="cat_fund"),
                  make_staff("receptionist"), make_staff("ops")):
        with pytest.raises(Forbidden) as refused:
            access.require_operator(staff)
        assert (refused.value.code, refused.value.status) == ("not_program_staff", 403)
    with pytest.raises(Forbidden) as refused:
        access.require_operator(None)
    assert (refused.value.code, refused.value.status) == ("unauthenticated", 401)
