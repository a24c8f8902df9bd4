"""Every case an answer, as the record and the resident's messages show it: what programs report
(accepted, progress, resolved, returned), the owner's reply, the follow-up's verdict, reopening,
and an out-of-scope answer; the residents who asked again hear the same."""
from datetime import timedelta

from intake.domain import answers, assignment, duplicates, reports
from intake.domain.access import Actor
from intake.domain.registry import Registry
from intake.models import Notification

from .conftest import (
    LAWYER,
    NOW,
    RECEPTIONIST,
    SECOND_RECEPTIONIST,
    STATION_HEAD,
    actor,
    desk,
    published_keys,
    register_case,
)

HOUR = timedelta(hours=1)
REFERRED = "工伤认定不在本站。 建议您联系：区人社局"


def report(tx, case, status, now=NOW + HOUR, **fields):
    return reports.apply_report(desk(tx, now), {"case_id": case.id, "program_id": "legal_aid",
                                                "status": status, **fields})


def messages(tx, case, purpose="reply"):
    return [n.body for n in tx.session.query(Notification)
            .filter_by(case_id=case.id, purpose=purpose).order_by(Notification.id)]


def last(case):
    event = case.events[-1]
    return event.action, event.actor, event.note


def test_what_a_program_reports_on_its_case(tx):
    case = register_case(tx)
    assert report(tx, case, "in_progress", note="已联系用人单位") is True
    assert last(case) == ("progress", "普法互助家园", "已联系用人单位")
    assert case.status == "dispatched" and case.first_response_at is None
    assert report(tx, case, "accepted", handler="李律师", note="今天联系") is True
    assert (case.status, case.handler, case.first_response_at) == ("accepted", "李律师",
                                                                   NOW + HOUR)
    assert last(case) == ("accepted", "普法互助家园·李律师", "今天联系")
    assert report(tx, case, "accepted", now=NOW + 2 * HOUR) is False   # already: ignored
    assert report(tx, case, "resolved", now=NOW + 3 * HOUR, result="已调解",
                  reply="公司同意支付") is True
    assert (case.status, case.result, case.reply, case.handler, case.resolved_at,
            case.first_response_at) == ("resolved", "已调解", "公司同意支付", "李律师",
                                        NOW + 3 * HOUR, NOW + HOUR)
    assert messages(tx, case) == []          # a draft: the owner answers the resident
    assert report(tx, case, "in_progress", note="迟到的消息") is False   # no longer theirs
    assert reports.apply_report(desk(tx), {"case_id": 999, "program_id": "legal_aid",
                                           "status": "accepted"}) is False


def test_a_program_accepting_without_a_name_keeps_the_handler(tx):
    case = register_case(tx)
    assignment.accept(desk(tx), case, actor(RECEPTIONIST), on_behalf_of="李律师")
    assert report(tx, case, "resolved", result="已解决", handler="王律师") is True
    assert case.handler == "王律师" and case.first_response_at == NOW
    other = register_case(tx, resident_phone="13900000002", service_code="legal_consultation",
                          description="咨询合同")
    report(tx, other, "accepted")
    assert other.handler is None and last(other)[1] == "普法互助家园"


def test_a_returned_case_goes_back_to_the_station_head(tx):
    case = register_case(tx)
    assert report(tx, case, "returned", note="不属于劳动争议") is True
    assert (case.status, case.program_id, case.chase_level, case.escalated) == \
        ("awaiting_assignment", None, 0, False)
    assert case.due_at == NOW + HOUR + 24 * HOUR
    assert [(e.action, e.note) for e in case.events][-2:] == [
        ("returned", "不属于劳动争议"), ("awaiting_assignment", "承办方退回：不属于劳动争议")]


def test_when_nobody_at_the_window_owns_it_the_programs_answer_is_sent(tx):
    case = register_case(tx)
    case.owner_id = None                   # as when a program took it in
    report(tx, case, "resolved", result="已调解")          # no reply: the result is the answer
    assert (case.status, case.reply, case.replied_at) == ("replied", "已调解", NOW + HOUR)
    assert messages(tx, case) == [
        f"【彩虹城社区服务站】您的诉求（{case.tracking_code}）答复：已调解"]


def test_the_owner_or_a_manager_replies_and_the_resident_follows_up(tx):
    case = register_case(tx)
    answers.resolve(desk(tx), case, actor(LAWYER), "已调解")
    assert case.owner_id == RECEPTIONIST["id"]             # still the first receiver's
    answers.reply(desk(tx, NOW + HOUR), case, actor(STATION_HEAD), "已调解，月底支付")
    assert (case.status, case.reply, case.replied_at) == ("replied", "已调解，月底支付", NOW + HOUR)
    assert last(case) == ("replied", "赵站长", "已调解，月底支付")
    answers.follow_up(desk(tx, NOW + 2 * HOUR), case, actor(RECEPTIONIST), True, True)
    assert (case.status, case.followup_resolved, case.followup_satisfied, case.closed_at) == \
        ("closed", True, True, NOW + 2 * HOUR)
    assert last(case) == ("followed_up", "王接待", "已解决，满意")
    answers.follow_up(desk(tx), case, actor(RECEPTIONIST), False, False, "还没收到钱")
    assert last(case)[2] == "未解决，不满意；还没收到钱"
    assert (case.followup_resolved, case.followup_satisfied) == (False, False)


def test_a_case_nobody_owned_is_owned_by_whoever_answers_it(tx):
    case = register_case(tx)
    case.owner_id = None
    answers.resolve(desk(tx), case, actor(SECOND_RECEPTIONIST), "当场解答")
    assert case.owner_id == SECOND_RECEPTIONIST["id"]
    assert [e.action for e in case.events][-2:] == ["owner_taken", "resolved"]
    taken = case.events[-2]                 # the station's own record, not the resident's page
    assert (taken.actor, taken.public) == ("刘接待", False)
    assert case.first_response_at == NOW


def test_reopening_sends_it_back_where_it_was_or_to_the_station_head(tx):
    case = register_case(tx)
    answers.resolve(desk(tx), case, actor(RECEPTIONIST), "已调解")
    answers.reply(desk(tx), case, actor(RECEPTIONIST), "已调解")
    answers.follow_up(desk(tx), case, actor(RECEPTIONIST), True, False)
    answers.reopen(desk(tx, NOW + HOUR), case, actor(RECEPTIONIST), "居民要求书面材料")
    assert (case.status, case.program_id, case.reopened_count, case.closed_at,
            case.resolved_at, case.replied_at, case.due_at) == \
        ("dispatched", "legal_aid", 1, None, None, None, NOW + HOUR + 48 * HOUR)
    assert [(e.action, e.note) for e in case.events][-2:] == [
        ("reopened", "居民要求书面材料"), ("dispatched", "重新办理：居民要求书面材料")]
    assert published_keys(tx).count("case.dispatched.legal_aid") == 2
    Registry(tx.session).withdraw("legal_aid", "la-1")
    answers.resolve(desk(tx), case, actor(RECEPTIONIST), "再次调解")
    answers.reply(desk(tx), case, actor(RECEPTIONIST), "再次调解")
    answers.reopen(desk(tx), case, actor(RECEPTIONIST), "还是不行")
    replies = tx.session.query(Notification).filter_by(case_id=case.id, purpose="reply") \
        .order_by(Notification.id).all()
    assert [(n.sequence, n.body.split("答复：")[1]) for n in replies] == \
        [(1, "已调解"), (2, "再次调解")]           # each reply to the resident numbered in turn
    assert (case.status, case.program_id, case.reopened_count) == \
        ("awaiting_assignment", None, 2)
    assert last(case)[2] == "重新办理：还是不行"
    lamp = register_case(tx, description="小区路灯不亮", resident_phone="13900000002")
    answers.resolve(desk(tx), lamp, actor(RECEPTIONIST), "已报物业")      # never had a service
    answers.reply(desk(tx), lamp, actor(RECEPTIONIST), "已报物业")
    answers.reopen(desk(tx, NOW + HOUR), lamp, actor(RECEPTIONIST), "灯还是不亮")
    assert (lamp.status, lamp.program_id, lamp.service_code, lamp.due_at) == \
        ("awaiting_assignment", None, None, NOW + 25 * HOUR)
    [lamp_reply] = tx.session.query(Notification).filter_by(case_id=lamp.id, purpose="reply")
    assert lamp_reply.sequence == 1             # numbered per case: the wages replies are not its


def test_a_case_resolved_at_the_window_is_recalled_from_the_program_holding_it(tx):
    held = register_case(tx)                                 # dispatched to the legal-aid home
    answers.resolve(desk(tx), held, actor(RECEPTIONIST), "当场已解答，无需律师")
    assert held.status == "resolved"
    assert tx.published[-1] == {
        "routing_key": "case.recalled.legal_aid", "community": "rainbow-city",
        "data": {"case_id": held.id, "tracking_code": held.tracking_code,
                 "program_id": "legal_aid", "note": "已由服务站办结：当场已解答，无需律师"}}
    # the program's own answer (its report) is no recall of itself
    reported = register_case(tx, description="劳动合同纠纷", resident_phone="13900000003")
    sent = len(tx.published)
    answers.resolve(desk(tx), reported, Actor("普法互助家园"), "律师已调解")
    assert reported.status == "resolved" and len(tx.published) == sent


def test_out_of_scope_is_explained_with_a_referral_and_the_program_told(tx):
    case = register_case(tx)
    answers.close_out_of_scope(desk(tx, NOW + HOUR), case, actor(STATION_HEAD),
                               "工伤认定不在本站。", "区人社局")
    assert (case.status, case.explanation, case.referral, case.reply, case.replied_at,
            case.closed_at, case.first_response_at) == \
        ("out_of_scope", "工伤认定不在本站。", "区人社局", REFERRED, NOW + HOUR, NOW + HOUR,
         NOW + HOUR)
    assert tx.published[-1] == {
        "routing_key": "case.recalled.legal_aid", "community": "rainbow-city",
        "data": {"case_id": case.id, "tracking_code": case.tracking_code,
                 "program_id": "legal_aid", "note": "工伤认定不在本站。"}}
    assert messages(tx, case) == [
        f"【彩虹城社区服务站】您的诉求（{case.tracking_code}）：{REFERRED}"]
    assert last(case) == ("out_of_scope", "赵站长", REFERRED)
    assert case.owner_id == RECEPTIONIST["id"]      # the first receiver stays the owner
    lamp = register_case(tx, description="小区路灯不亮", resident_phone="13900000002")
    lamp.owner_id = None                            # as when a program took it in
    sent = len(tx.published)
    answers.close_out_of_scope(desk(tx), lamp, actor(SECOND_RECEPTIONIST), "路灯归物业。", "物业")
    assert len(tx.published) == sent            # no program held it: nobody to recall
    assert lamp.owner_id == SECOND_RECEPTIONIST["id"]       # whoever answers owns it
    assert [e.action for e in lamp.events][-2:] == ["owner_taken", "out_of_scope"]


def test_those_who_asked_again_hear_the_answer_and_are_told_of_the_link(tx):
    first = register_case(tx)
    again = register_case(tx, description="工资还没发")
    assert again.duplicate_of_id == first.id and again.program_id == "legal_aid"
    # (the first case's tracking code is the first resident's key: never told to another)
    assert messages(tx, again, "receipt") == [
        f"您的诉求已受理（查询码 {again.tracking_code}）。同一事项已在办理中，我们将一并答复您。"]
    assert [e.action for e in first.events][-1] == "duplicate_received"
    assert first.events[-1].note == f"重复诉求 {again.tracking_code} 已并入本件"
    assert (again.events[-1].action, again.events[-1].note) == \
        ("duplicate_linked", f"与诉求 {first.tracking_code} 相同，已并案办理")
    answers.resolve(desk(tx), first, actor(RECEPTIONIST), "已调解")
    answers.reply(desk(tx, NOW + HOUR), first, actor(RECEPTIONIST), "月底支付")
    assert (again.reply, again.replied_at) == ("月底支付", NOW + HOUR)
    assert messages(tx, again) == [
        f"【彩虹城社区服务站】您的诉求（{again.tracking_code}）答复：月底支付"]
    assert last(again) == ("replied", "王接待", "月底支付")


def test_staff_link_a_case_to_another_and_its_repeats_follow(tx):
    lamp = register_case(tx, description="小区路灯不亮", resident_phone="13900000002")
    wages = register_case(tx)
    duplicates.mark_duplicate(desk(tx), lamp, actor(STATION_HEAD), wages)
    assert (lamp.status, lamp.duplicate_of_id) == ("duplicate", wages.id)
    assert messages(tx, lamp, "duplicate") == [
        f"您的诉求（{lamp.tracking_code}）与正在办理的同一事项合并办理，将一并答复您。"]
    cat = register_case(tx, description="楼下有只病猫", resident_phone="13900000003")
    duplicates.mark_duplicate(desk(tx), cat, actor(RECEPTIONIST), wages)
    assert tx.published[-1]["routing_key"] == "case.recalled.cat_fund"
    assert tx.published[-1]["data"]["note"] == f"并入 {wages.tracking_code}"


def test_when_a_program_stops_serving_its_waiting_cases_go_to_the_station_head(tx):
    waiting = register_case(tx)
    taken = register_case(tx, resident_phone="13900000002")
    report(tx, taken, "accepted", handler="李律师")
    cat = register_case(tx, description="楼下有只病猫", resident_phone="13900000003")
    Registry(tx.session).withdraw("legal_aid", "la-1")
    assert reports.program_gone(desk(tx, NOW + HOUR), "legal_aid") == [waiting.id]
    assert (waiting.status, waiting.program_id, waiting.due_at) == \
        ("awaiting_assignment", None, NOW + 25 * HOUR)
    assert last(waiting) == ("program_gone", "系统", "「普法互助家园」暂停服务，改由站长另行安排")
    assert messages(tx, waiting, "program_gone") == [
        f"【彩虹城社区服务站】原定承办您诉求（{waiting.tracking_code}）的「普法互助家园」暂停服务，"
        "站长正在另行安排，我们会尽快答复您。"]
    assert (taken.status, cat.status, cat.program_id) == ("accepted", "dispatched", "cat_fund")
    assert reports.program_gone(desk(tx), "nobody") == []


def test_a_program_never_registered_is_named_by_its_id(tx):
    case = register_case(tx)
    case.program_id = "ghost"
    reports.program_gone(desk(tx), "ghost")
    assert last(case)[2] == "「ghost」暂停服务，改由站长另行安排"
    other = register_case(tx, resident_phone="13900000002")
    other.program_id = "ghost"
    assert reports.apply_report(desk(tx), {"case_id": other.id, "program_id": "ghost",
                                           "status": "in_progress", "note": "在办"}) is True
    assert last(other) == ("progress", "ghost", "在办")
