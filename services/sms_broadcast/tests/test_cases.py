"""The cases intake hands sms_broadcast (a request for a notice, a subscription matter), without a
broker: received as sent, chased and recalled as intake says, and finished by staff with one
report to intake; what staff see of a case."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from minzi.api import DomainError
from minzi.db import as_utc
from minzi.testing import dispatched_case

from sms_broadcast.domain import cases
from sms_broadcast.domain.views import case_view, list_cases, list_changes
from sms_broadcast.models import ProgramCase
from sms_broadcast.schemas import ListQuery

from .conftest import ADMIN, NEIGHBOUR, NOW, OPERATOR, RECEPTIONIST, C

LATER = NOW + timedelta(hours=3)


def a_case(tx, case_id=1, **overrides):
    data = dispatched_case("sms_broadcast", "sms_notice_request", case_id=case_id,
                           description="请通知5号楼明天停水", **overrides)
    report = cases.receive(tx, data, NOW)
    tx.session.commit()
    return report


def test_a_case_from_intake_is_kept_as_sent_and_answered_accepted(tx):
    report = a_case(tx, attributes={"building": "5号楼"})
    assert report == {"status": "accepted", "note": "已收到，正在办理"}
    case = tx.session.get(ProgramCase, 1)
    assert case_view(case, OPERATOR) == {
        "case_id": 1, "tracking_code": "TEST000001", "community": C,
        "service_code": "sms_notice_request", "state": "received",
        "description": "请通知5号楼明天停水",
        "resident": {"name": "张三", "phone": "13800001111"},
        "attributes": {"building": "5号楼"}, "chases": 0, "result": None, "handled_by": None}
    assert case_view(case, RECEPTIONIST)["resident"]["phone"] == "138****1111"


def test_a_case_without_a_resident_or_attributes_shows_them_empty(tx):
    a_case(tx, resident=None, attributes=None)
    shown = case_view(tx.session.get(ProgramCase, 1), OPERATOR)
    assert (shown["resident"], shown["attributes"]) == ({}, {})


def test_chases_are_counted_and_a_recall_stops_an_open_case(tx):
    a_case(tx)
    a_case(tx, case_id=2)
    for level in (1, 2):
        cases.chased(tx, {"case_id": 1, "level": level}, LATER)
    cases.chased(tx, {"case_id": 99, "level": 1}, LATER)      # a case never received: ignored
    cases.recalled(tx, {"case_id": 2}, LATER)
    cases.recalled(tx, {"case_id": 98}, LATER)
    tx.session.commit()
    one, two = tx.session.get(ProgramCase, 1), tx.session.get(ProgramCase, 2)
    assert (one.chases, one.state, as_utc(one.updated_at)) == (2, "received", LATER)
    assert (two.chases, two.state, as_utc(two.updated_at)) == (0, "recalled", LATER)
    received = select(ProgramCase.case_id).order_by(ProgramCase.case_id)
    assert tx.session.scalars(received).all() == [1, 2]     # 99 and 98 never received


def test_a_case_delivered_again_keeps_its_chases_and_first_arrival(tx):
    a_case(tx)
    cases.chased(tx, {"case_id": 1, "level": 1}, NOW)
    cases.receive(tx, dispatched_case("sms_broadcast", "sms_notice_request",
                                      description="改为通知6号楼"), LATER)
    tx.session.commit()
    case = tx.session.get(ProgramCase, 1)
    assert (case.chases, case.description, as_utc(case.received_at), as_utc(case.updated_at)) == \
        (1, "改为通知6号楼", NOW, LATER)


def test_resolving_reports_the_result_and_the_answer_for_the_resident(tx):
    a_case(tx)
    case = cases.finish(tx, OPERATOR, 1, LATER, resolved=True, text="已向5号楼群发停水通知",
                        reply="已通知您楼的居民")
    tx.session.commit()
    assert (case.state, case.result, case.handled_by, as_utc(case.updated_at)) == \
        ("resolved", "已向5号楼群发停水通知", "李", LATER)
    assert tx.published == [{"routing_key": "case.reported", "community": C, "data": {
        "case_id": 1, "program_id": "sms_broadcast", "handler": "李", "status": "resolved",
        "result": "已向5号楼群发停水通知", "reply": "已通知您楼的居民"}}]


def test_returning_reports_why_and_a_recalled_case_cannot_be_finished(tx):
    a_case(tx)
    a_case(tx, case_id=2)
    case = cases.finish(tx, OPERATOR, 1, LATER, resolved=False, text="不属于本项目")
    tx.session.commit()
    assert (case.state, case.result, case.handled_by) == ("returned", "不属于本项目", "李")
    assert tx.published == [{"routing_key": "case.reported", "community": C, "data": {
        "case_id": 1, "program_id": "sms_broadcast", "handler": "李", "status": "returned",
        "note": "不属于本项目"}}]
    cases.recalled(tx, {"case_id": 2}, LATER)
    cases.recalled(tx, {"case_id": 1}, LATER)                  # finished: stays returned
    tx.session.commit()
    assert tx.session.get(ProgramCase, 1).state == "returned"
    with pytest.raises(DomainError) as refused:
        cases.finish(tx, OPERATOR, 2, LATER, resolved=True, text="已群发")
    assert refused.value.code == "case_closed"


def test_staff_see_their_communitys_cases_in_order(tx):
    a_case(tx, case_id=3)
    a_case(tx, case_id=1)
    a_case(tx, case_id=2, community="maple-court")
    assert [(c["case_id"], c["resident"]["phone"]) for c in list_cases(tx.session, OPERATOR)] \
        == [(1, "13800001111"), (3, "13800001111")]


def test_finishing_a_case_is_on_its_communitys_record_with_who_and_what(tx):
    a_case(tx)
    a_case(tx, case_id=2)
    a_case(tx, case_id=3, community="maple-court")
    cases.finish(tx, OPERATOR, 1, LATER, resolved=True, text="已向5号楼群发停水通知",
                 reply="已通知您楼的居民")
    cases.finish(tx, ADMIN, 2, LATER, resolved=False, text="不属于本项目")
    cases.finish(tx, NEIGHBOUR, 3, LATER, resolved=True, text="枫林已通知")
    tx.session.commit()
    at = "2026-11-27T05:00:00Z"                                 # LATER: NOW and three hours
    record = [(c["actor"], c["action"], c["entity"], c["entity_id"], c["note"], c["at"])
              for c in list_changes(tx.session, OPERATOR, ListQuery().load({}))]
    assert record == [
        ("站长", "case_returned", "case", 2, "不属于本项目", at),
        ("李", "case_resolved", "case", 1, "已向5号楼群发停水通知", at)]
    assert [(c["action"], c["entity_id"], c["note"]) for c in
            list_changes(tx.session, NEIGHBOUR, ListQuery().load({}))] == \
        [("case_resolved", 3, "枫林已通知")]
