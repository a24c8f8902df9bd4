"""Repeated requests: linked to a matter still being handled, never to one already answered, and
whoever asked again hears the answer, however the matter ends."""
import re

import pytest

from intake.domain import answers, assignment, duplicates
from intake.domain.registry import Registry
from intake.models import Notification

from .conftest import (
    LEGAL_AID,
    NOW,
    RECEPTIONIST,
    REPEAT_LOOK,
    actor,
    desk,
    planned,
    published_keys,
    register_case,
)

WAGES = {"service_code": "labour_dispute", "attributes": {"employer": "某公司"},
         "resident_phone": "13800001111"}


def answer(tx, case, ending):
    d, clerk = desk(tx), actor(RECEPTIONIST)
    if ending == "out_of_scope":
        answers.close_out_of_scope(d, case, clerk, "工资纠纷请找劳动监察。", "区劳动监察大队")
        return
    answers.resolve(d, case, clerk, "已调解")
    answers.reply(d, case, clerk, "已调解成功")
    if ending == "closed":
        answers.follow_up(d, case, clerk, resolved=True, satisfied=True)


def receipts(tx, case):
    return [n.body for n in tx.session.query(Notification).filter_by(case_id=case.id,
                                                                     purpose="receipt")]


@pytest.mark.parametrize("ending", ["replied", "closed", "out_of_scope"])
def test_asking_again_after_the_answer_is_a_new_case_that_gets_worked(tx, ending):
    first = register_case(tx, **WAGES)
    answer(tx, first, ending)
    assert first.status == ending

    again = register_case(tx, description="工资又被拖欠了", **WAGES)

    # a case of its own, sent to the program, with its own promise of an answer
    assert again.status == "dispatched" and again.duplicate_of_id is None
    assert again.id != first.id and again.program_id == "legal_aid"
    dispatched = [m["data"]["case_id"] for m in tx.published
                  if m["routing_key"] == "case.dispatched.legal_aid"]
    assert dispatched == [first.id, again.id]
    [receipt] = receipts(tx, again)
    assert again.tracking_code in receipt and "同一事项" not in receipt


def test_asking_again_while_it_is_handled_is_linked_and_promised_the_same_answer(tx):
    first = register_case(tx, **WAGES)
    again = register_case(tx, description="工资的事怎么样了", **WAGES)
    assert again.status == "duplicate" and again.duplicate_of_id == first.id
    [receipt] = receipts(tx, again)
    assert first.tracking_code not in receipt and "一并答复" in receipt


def test_repeats_follow_their_case_when_staff_link_it_to_another(tx):
    primary = register_case(tx, **WAGES)
    case = register_case(tx, resident_phone="13900002222", description="法律咨询：合同")
    repeat = register_case(tx, resident_phone="13900002222", description="法律咨询：合同，再问")
    assert repeat.duplicate_of_id == case.id

    duplicates.mark_duplicate(desk(tx), case, actor(RECEPTIONIST), primary)
    assert (case.duplicate_of_id, repeat.duplicate_of_id) == (primary.id, primary.id)

    answer(tx, primary, "replied")
    # other residents (another phone) hear that it was answered, not what the first was told
    for resident in (case, repeat):
        assert resident.reply == "您反映的同一事项已经办理并答复。如需了解详情，请联系社区服务站。"
        [reply] = tx.session.query(Notification).filter_by(case_id=resident.id,
                                                           purpose="reply").all()
        assert resident.tracking_code in reply.body and "已调解成功" not in reply.body
        assert primary.tracking_code not in reply.body


def test_repeats_hear_an_out_of_scope_answer_too(tx):
    primary = register_case(tx, **WAGES)
    repeat = register_case(tx, description="工资的事", **WAGES)
    answer(tx, primary, "out_of_scope")
    referred = "工资纠纷请找劳动监察。 建议您联系：区劳动监察大队"
    assert (repeat.reply, repeat.replied_at) == (referred, NOW)
    [reply] = tx.session.query(Notification).filter_by(case_id=repeat.id, purpose="reply").all()
    assert reply.body == f"【彩虹城社区服务站】您的诉求（{repeat.tracking_code}）：{referred}"
    event = repeat.events[-1]
    assert (event.action, event.actor, event.note) == ("out_of_scope", "王接待", referred)


def test_a_repeat_is_not_sent_to_the_program_a_second_time_when_the_case_moves(tx):
    first = register_case(tx, **WAGES)
    register_case(tx, description="工资的事", **WAGES)
    assignment.transfer(desk(tx), first, actor(RECEPTIONIST), "legal_consultation", "先咨询")
    assert published_keys(tx) == ["case.dispatched.legal_aid", "case.recalled.legal_aid",
                                  "case.dispatched.legal_aid"]
    assert [m["data"]["case_id"] for m in tx.published] == [first.id] * 3


def test_only_the_same_person_or_place_about_the_same_service_in_the_same_community(tx):
    """A repeat is the same phone or the same address, about the same service, in the same
    community, while the first is open; anything else is a case of its own."""
    first = register_case(tx, address="3号楼", **WAGES)
    other_service = register_case(tx, description="想找律师咨询",
                                  **{**WAGES, "service_code": "legal_consultation",
                                     "attributes": {}})
    other_person = register_case(tx, resident_phone="13900000001", address="5号楼",
                                 description="公司拖欠工资")
    same_place = register_case(tx, resident_phone="13900000002", address="3号楼",
                               description="公司拖欠工资")
    anonymous = register_case(tx, resident_phone=None, description="公司拖欠工资")
    unclassified = register_case(tx, description="又来问问",
                                 resident_phone=WAGES["resident_phone"])
    assert [c.duplicate_of_id for c in (other_service, other_person, anonymous,
                                        unclassified)] == [None, None, None, None]
    assert same_place.duplicate_of_id == first.id
    assert (other_service.service_code, unclassified.status) == \
        ("legal_consultation", "awaiting_assignment")
    asked_again = register_case(tx, description="又来问问", resident_phone=WAGES["resident_phone"])
    assert (asked_again.status, asked_again.duplicate_of_id) == ("awaiting_assignment", None)
    Registry(tx.session).announce({**LEGAL_AID, "communities": ["rainbow-city", "maple-court"]},
                                  NOW)
    elsewhere = register_case(tx, {**RECEPTIONIST, "community": "maple-court", "id": 4},
                              description="公司拖欠工资", **WAGES)
    assert elsewhere.duplicate_of_id is None


def test_a_second_repeat_joins_the_first_case_not_the_repeat(tx):
    first = register_case(tx, **WAGES)
    register_case(tx, description="工资的事", **WAGES)
    third = register_case(tx, description="工资的事，第三次", **WAGES)
    assert third.duplicate_of_id == first.id


def test_the_look_for_a_repeat_reads_each_way_by_its_own_index(tx):
    """The case a request's key made, and the open case it repeats by phone or by address, are
    each looked up by an index of that value: what a registration reads does not grow with the
    station's open cases (SQLite; PostgreSQL's plans: ``test_reads_on_postgresql``)."""
    by_index = {"key": "request_key", "phone": "ix_cases_repeat_phone",
                "address": "ix_cases_repeat_address"}
    for ways in (("key", "phone", "address"), ("phone", "address"), ("address",), ("phone",),
                 ("key",)):
        statement = duplicates._looking_for("key" in ways, "phone" in ways, "address" in ways)
        plan = planned(tx.session.connection(), statement, REPEAT_LOOK, "EXPLAIN QUERY PLAN")
        assert "SCAN cases" not in plan, plan
        # (the key's index is the one SQLite makes for its UNIQUE: named by the column here)
        searched = {column if column == "request_key" else index for index, column in
                    re.findall(r"SEARCH cases USING INDEX (\w+) \((\S+)=\?", plan)}
        assert searched == {by_index[way] for way in ways}, plan
