"""The one window's rules on a database of their own: no broker, no nameko."""
from datetime import timedelta

import pytest
from marshmallow import ValidationError

from minzi.api import Conflict, DomainError, Forbidden
from minzi.testing import statements_sent
from minzi.trust import UntrustedSender

from intake.domain import answers, assignment, chasing, registrations, reports
from intake.domain.access import Actor
from intake.domain.figures import figures
from intake.domain.registration import register, submitted
from intake.domain.registry import Registry
from intake.models import Notification

from .conftest import (
    LAWYER,
    MAPLE_RECEPTIONIST,
    NOW,
    RECEPTIONIST,
    STATION_HEAD,
    actor,
    desk,
    published_keys,
    register_case,
)


def test_the_first_receiver_owns_the_case_and_it_is_routed_by_its_words(tx):
    case = register_case(tx, attributes={})
    assert case.owner_id == RECEPTIONIST["id"]
    assert case.service_code == "labour_dispute" and case.status == "dispatched"
    assert published_keys(tx) == ["case.dispatched.legal_aid"]
    assert tx.published[0]["data"]["resident"]["phone"] == "13800001111"
    assert case.due_at - case.dispatched_at == timedelta(hours=48)
    receipt = tx.session.query(Notification).one()
    assert case.tracking_code in receipt.body and receipt.channel == "sms"
    assert "预计 2026-11-29 10:00 前办结" in receipt.body       # 48 h on, in Beijing time


def test_a_request_nobody_obviously_handles_goes_to_the_station_head(tx):
    case = register_case(tx, description="小区路灯不亮")
    assert case.status == "awaiting_assignment" and tx.published == []
    with pytest.raises(Forbidden):
        assignment.assign(desk(tx), case, actor(RECEPTIONIST), "legal_consultation")
    assignment.assign(desk(tx), case, actor(STATION_HEAD), "legal_consultation", "请律师看看")
    assert case.status == "dispatched" and published_keys(tx) == ["case.dispatched.legal_aid"]


def test_an_absent_handler_is_covered_by_the_owner(tx):
    case = register_case(tx)
    assignment.accept(desk(tx), case, actor(RECEPTIONIST), on_behalf_of="李律师")
    assert case.status == "accepted" and case.handler == "李律师"
    assert case.events[-1].action == "accepted_on_behalf"


def test_only_the_programs_staff_accept_for_themselves(tx):
    case = register_case(tx)
    with pytest.raises(Forbidden):
        assignment.accept(desk(tx), case, actor(RECEPTIONIST))
    assignment.accept(desk(tx), case, actor(LAWYER))
    assert case.handler == "李律师" and case.first_response_at == NOW


def test_transfer_recalls_from_one_program_and_dispatches_to_the_other(tx):
    case = register_case(tx)
    assignment.transfer(desk(tx), case, actor(RECEPTIONIST), "sick_cat", "居民说的是猫的事")
    assert published_keys(tx) == ["case.dispatched.legal_aid", "case.recalled.legal_aid",
                                  "case.dispatched.cat_fund"]
    assert case.program_id == "cat_fund" and case.time_limit_hours == 24


def test_overdue_cases_are_chased_then_escalated(tx):
    case = register_case(tx)
    later = case.due_at + timedelta(minutes=1)
    assert chasing.chase_overdue(desk(tx, later)) == [(case.id, 1)]
    assert chasing.chase_overdue(desk(tx, later)) == []      # once per level
    assert not case.escalated
    much_later = case.due_at + timedelta(hours=24)            # half the 48 h limit again
    assert chasing.chase_overdue(desk(tx, much_later)) == [(case.id, 2)]
    assert case.escalated
    assert published_keys(tx)[-2:] == ["case.chased.legal_aid", "case.chased.legal_aid"]
    assert [e.action for e in case.events][-2:] == ["chased", "escalated"]


def test_a_program_report_resolves_and_the_owner_replies(tx):
    case = register_case(tx)
    d = desk(tx)
    assert reports.apply_report(d, {"case_id": case.id, "program_id": "cat_fund",
                                    "status": "accepted"}) is False   # not its case
    reports.apply_report(d, {"case_id": case.id, "program_id": "legal_aid",
                             "status": "accepted", "handler": "李律师"})
    reports.apply_report(d, {"case_id": case.id, "program_id": "legal_aid", "status": "resolved",
                             "result": "公司同意月底前支付", "reply": None})
    assert case.status == "resolved"        # the owner answers the resident, not the program
    with pytest.raises(Forbidden):
        answers.reply(d, case, actor(LAWYER), "……")
    answers.reply(d, case, actor(RECEPTIONIST), "您好，公司已同意月底前支付拖欠工资。")
    assert case.status == "replied"
    reply = tx.session.query(Notification).filter_by(purpose="reply").one()
    assert reply.body.endswith("拖欠工资。")
    answers.follow_up(d, case, actor(RECEPTIONIST), resolved=True, satisfied=False, note="嫌慢")
    answers.reopen(d, case, actor(RECEPTIONIST), "居民要求书面材料")
    assert case.status == "dispatched" and case.reopened_count == 1


def test_without_an_owner_the_programs_answer_goes_straight_to_the_resident(tx):
    case, _ = register(desk(tx), {"community": "rainbow-city", "channel": "open311",
                                  "description": "楼下有只受伤的猫", "service_code": "sick_cat",
                                  "resident_phone": "13911112222"}, Actor("居民"))
    reports.apply_report(desk(tx), {"case_id": case.id, "program_id": "cat_fund",
                                    "status": "resolved", "result": "已送医",
                                    "reply": "猫已送到宠物医院，谢谢您。"})
    assert case.status == "replied" and case.reply == "猫已送到宠物医院，谢谢您。"


def test_a_repeat_of_an_open_request_is_linked_not_worked_twice(tx):
    first = register_case(tx, attributes={"employer": "某公司"}, service_code="labour_dispute")
    second = register_case(tx, attributes={"employer": "某公司"}, service_code="labour_dispute",
                           description="还是工资的事")
    assert second.status == "duplicate" and second.duplicate_of_id == first.id
    assert published_keys(tx) == ["case.dispatched.legal_aid"]
    d = desk(tx)
    answers.resolve(d, first, actor(RECEPTIONIST), "已调解")
    answers.reply(d, first, actor(RECEPTIONIST), "已调解成功")
    assert second.reply == "已调解成功"      # the resident who asked again hears too


def test_out_of_scope_closes_with_an_explanation_and_a_referral(tx):
    case = register_case(tx, description="想办护照")
    answers.close_out_of_scope(desk(tx), case, actor(RECEPTIONIST), "护照不在社区办理范围。",
                               "丰台区出入境接待大厅")
    assert case.status == "out_of_scope" and "出入境" in case.reply
    with pytest.raises(Conflict):
        chasing.chase(desk(tx), case, actor(STATION_HEAD))


def test_attributes_are_checked_against_the_service_definition(tx):
    with pytest.raises(ValidationError) as error:
        register_case(tx, service_code="labour_dispute", attributes={"colour": "red"})
    assert set(error.value.messages["attributes"]) == {"colour", "employer"}


def test_staff_register_only_for_their_own_community(tx):
    with pytest.raises(DomainError):
        register_case(tx, MAPLE_RECEPTIONIST, community="rainbow-city")
    case = register_case(tx, MAPLE_RECEPTIONIST, description="漏水")
    assert case.status == "awaiting_assignment"   # no program serves maple-court yet


def test_when_a_program_goes_its_waiting_cases_return_and_residents_are_told(tx):
    case = register_case(tx)
    registry = Registry(tx.session)
    assert registry.withdraw("legal_aid", "la-1") is True
    moved = reports.program_gone(desk(tx), "legal_aid")
    assert moved == [case.id] and case.status == "awaiting_assignment"
    told = tx.session.query(Notification).filter_by(purpose="program_gone").one()
    assert "暂停服务" in told.body
    assert registry.offer("rainbow-city", "labour_dispute") is None
    # the program, should it come back, hears the case is no longer its own
    assert tx.published[-1] == {
        "routing_key": "case.recalled.legal_aid", "community": "rainbow-city",
        "data": {"case_id": case.id, "tracking_code": case.tracking_code,
                 "program_id": "legal_aid", "note": "「普法互助家园」暂停服务，已改由站长另行安排"}}


def test_a_program_that_stops_announcing_expires(tx):
    registry = Registry(tx.session)
    assert registry.expire(NOW + timedelta(seconds=29)) == []   # heartbeats every 10 s
    later = NOW + timedelta(seconds=31)                         # gone after 30 s
    assert sorted(registry.expire(later)) == ["cat_fund", "legal_aid"]
    assert registry.live_offers("rainbow-city") == []


def test_figures_count_the_three_rates_and_on_time(tx):
    d = desk(tx)
    one = register_case(tx)
    two = register_case(tx, resident_phone="13900000000", description="法律咨询：合同问题")
    assignment.accept(d, one, actor(LAWYER))
    answers.resolve(d, one, actor(LAWYER), "已解决")
    answers.reply(d, one, actor(RECEPTIONIST), "已解决")
    answers.follow_up(d, one, actor(RECEPTIONIST), resolved=True, satisfied=True)
    rows = figures([one, two], ("program",))
    assert rows == [{"program": "legal_aid", "received": 2, "responded": 1, "resolved": 1,
                     "resolved_on_time": 1, "followed_up": 1, "followup_resolved": 1,
                     "satisfied": 1, "response_rate": 0.5, "resolution_rate": 1.0,
                     "satisfaction_rate": 1.0, "on_time_rate": 1.0}]


def test_a_submission_for_a_service_not_offered_now_still_lands(tx):
    case, created = submitted(desk(tx), {
        "request_key": "r1", "community": "rainbow-city", "channel": "sms",
        "description": "楼道灯坏了", "resident": {"phone": "13800001111"},
        "service_code": "street_lights", "reference": {"program_id": "sms_broadcast",
                                                        "kind": "broadcast", "id": "4"}})
    assert created and case.status == "awaiting_assignment" and case.service_code is None
    again, created = submitted(desk(tx), {
        "request_key": "r1", "community": "rainbow-city", "channel": "sms",
        "description": "楼道灯坏了", "resident": {"phone": "13800001111"}})
    assert not created and again.id == case.id


def test_the_same_address_written_with_other_spaces_is_the_same_place(tx):
    first = register_case(tx, resident_phone=None, address="彩虹城 3号楼　2单元",
                          attributes={"employer": "甲"}, service_code="labour_dispute")
    second = register_case(tx, resident_phone="13900009999", address="彩虹城3号楼2单元",
                           attributes={"employer": "甲"}, service_code="labour_dispute")
    third = register_case(tx, resident_phone="13900008888", address="彩虹城4号楼",
                          attributes={"employer": "甲"}, service_code="labour_dispute")
    assert second.duplicate_of_id == first.id and third.duplicate_of_id is None


def test_an_address_asked_about_again_with_spaces_or_other_capitals_is_the_same_place(tx):
    first = register_case(tx, resident_phone=None, address="彩虹城3号楼B座",
                          attributes={"employer": "甲"}, service_code="labour_dispute")
    for address in ("彩虹城 3号楼 b座", "彩虹城3号楼　B座"):        # a space, a full-width space
        again = register_case(tx, resident_phone=None, address=address,
                              attributes={"employer": "甲"}, service_code="labour_dispute")
        assert again.duplicate_of_id == first.id


def test_cases_held_together_are_found_again_without_a_statement(tx):
    """A batch of reports holds its cases' rows in one statement, in the order of their ids;
    each report then finds its case without a round trip of its own."""
    from intake.domain.desk import find_case, hold_cases
    cases = [register_case(tx, resident_phone=f"1380000{n:04d}") for n in range(3)]
    tx.session.flush()
    ids = [case.id for case in reversed(cases)]
    statements = statements_sent(tx.session.get_bind())
    held = hold_cases(tx.session, [*ids, ids[0]])
    assert [case.id for case in held] == sorted(ids)
    assert len(statements) == 1
    assert [find_case(tx.session, i, lock=True) for i in ids] == list(reversed(cases))
    assert len(statements) == 1
    assert hold_cases(tx.session, []) == [] and len(statements) == 1


def test_reports_received_together_are_applied_in_order_and_the_ignored_ones_returned(tx):
    first = register_case(tx, resident_phone="13800000001")
    second = register_case(tx, resident_phone="13800000002")
    accepted = {"case_id": first.id, "program_id": "legal_aid", "status": "accepted",
                "handler": "李律师"}
    foreign = {"case_id": second.id, "program_id": "cat_fund", "status": "accepted"}
    progress = {"case_id": second.id, "program_id": "legal_aid", "status": "in_progress",
                "note": "已约见用人单位"}
    ignored = reports.apply_reports(desk(tx), [
        (accepted, "legal_aid"), (foreign, "cat_fund"), (dict(accepted), "legal_aid"),
        (progress, "legal_aid")], development=True)
    assert ignored == [foreign, accepted]          # not its case; accepted already
    assert (first.status, first.handler) == ("accepted", "李律师")
    assert [(e.action, e.note) for e in second.events][-1] == ("progress", "已约见用人单位")
    # where programs must be registered, a report from one that is not is refused, whole
    with pytest.raises(DomainError) as refused:
        reports.apply_reports(desk(tx), [(progress, "legal_aid")], development=False)
    assert refused.value.code == "program_not_registered"
    # registered, a program's report is taken from its own bus user only
    registrations.register_at_start(tx.session, ["legal_aid"], ["rainbow-city"], NOW)
    assert reports.apply_reports(desk(tx), [(progress, "legal_aid")], development=False) == []
    with pytest.raises(UntrustedSender):
        reports.apply_reports(desk(tx), [(progress, "cat_fund")], development=False)
