"""Who handles a case, as its record and the programs' messages show it: the station head assigns
(and takes a case nobody owned), a program's handler accepts under their own name or the one
they give, the owner accepts for an absent handler, and a transfer recalls the case first."""
from datetime import timedelta

import pytest

from minzi.api import NotFound

from intake.domain import assignment
from intake.domain.desk import by_tracking_code, get_case

from .conftest import (
    CAT_VOLUNTEER,
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

HOUR = timedelta(hours=1)


def last(case):
    event = case.events[-1]
    return event.action, event.actor, event.note


def test_the_station_head_assigns_and_reassigns(tx):
    lamp = register_case(tx, description="小区路灯不亮")
    lamp.owner_id = None
    assignment.assign(desk(tx, NOW + HOUR), lamp, actor(STATION_HEAD), "legal_consultation")
    assert (lamp.status, lamp.program_id, lamp.service_code, lamp.owner_id,
            lamp.time_limit_hours, lamp.dispatched_at, lamp.due_at) == \
        ("dispatched", "legal_aid", "legal_consultation", STATION_HEAD["id"], 168, NOW + HOUR,
         NOW + HOUR + 168 * HOUR)
    assert [e.action for e in lamp.events][-2:] == ["owner_taken", "assigned"]
    assert last(lamp)[2] == "转交「普法互助家园」办理：法律咨询"
    assert published_keys(tx) == ["case.dispatched.legal_aid"]
    assignment.assign(desk(tx), lamp, actor(STATION_HEAD), "sick_cat", "其实是猫的事")
    assert published_keys(tx)[-2:] == ["case.recalled.legal_aid", "case.dispatched.cat_fund"]
    assert tx.published[-2]["data"]["note"] == "其实是猫的事"
    assert tx.published[-1]["data"]["note"] == "其实是猫的事"
    assert last(lamp) == ("assigned", "赵站长", "其实是猫的事")
    assignment.assign(desk(tx), lamp, actor(STATION_HEAD), "sick_cat")
    assert published_keys(tx)[-1] == "case.dispatched.cat_fund"   # the same program: no recall
    assert published_keys(tx).count("case.recalled.cat_fund") == 0
    wages = register_case(tx, resident_phone="13900000002")
    assignment.assign(desk(tx), wages, actor(STATION_HEAD), "sick_cat")
    assert tx.published[-2]["data"]["note"] == "站长改派"


def test_a_handler_accepts_under_their_name_or_the_one_they_give(tx):
    wages = register_case(tx)
    assignment.accept(desk(tx, NOW + HOUR), wages, actor(LAWYER))
    assert (wages.status, wages.handler, wages.first_response_at) == \
        ("accepted", "李律师", NOW + HOUR)
    assert last(wages) == ("accepted", "李律师", "承办人：李律师")
    cat = register_case(tx, description="楼下有只病猫", resident_phone="13900000002")
    assignment.accept(desk(tx), cat, actor(CAT_VOLUNTEER), handler="小刘", note="马上去")
    assert cat.handler == "小刘" and last(cat)[2] == "承办人：小刘；马上去"
    consult = register_case(tx, description="想找律师咨询", resident_phone="13900000003")
    assignment.accept(desk(tx), consult, actor(STATION_HEAD))     # a manager may accept
    assert consult.handler == "赵站长"


def test_the_owner_accepts_for_an_absent_handler(tx):
    wages = register_case(tx)
    assignment.accept(desk(tx), wages, actor(RECEPTIONIST), on_behalf_of="李律师", note="明天到")
    assert (wages.status, wages.handler, wages.first_response_at) == ("accepted", "李律师", NOW)
    assert last(wages) == ("accepted_on_behalf", "王接待",
                           "承办人 李律师 不在，代为接收并转交；明天到")
    orphan = register_case(tx, resident_phone="13900000002")
    orphan.owner_id = None
    assignment.accept(desk(tx), orphan, actor(STATION_HEAD), on_behalf_of="李律师")
    assert orphan.owner_id == STATION_HEAD["id"]


def test_a_transfer_recalls_the_case_and_restarts_its_time_limit(tx):
    wages = register_case(tx)
    assignment.accept(desk(tx), wages, actor(LAWYER))
    assignment.transfer(desk(tx, NOW + HOUR), wages, actor(LAWYER), "sick_cat", "是猫的事")
    assert (wages.status, wages.program_id, wages.service_code, wages.handler,
            wages.due_at, wages.chase_level, wages.escalated) == \
        ("dispatched", "cat_fund", "sick_cat", None, NOW + 25 * HOUR, 0, False)
    assert tx.published[-2]["data"]["note"] == "是猫的事"
    assert tx.published[-1]["data"]["note"] == "转办：是猫的事"
    assert last(wages) == ("transferred", "李律师", "转办：是猫的事")
    lamp = register_case(tx, description="小区路灯不亮", resident_phone="13900000002")
    sent = len(tx.published)
    assignment.transfer(desk(tx), lamp, actor(RECEPTIONIST), "sick_cat", "猫")
    assert published_keys(tx)[sent:] == ["case.dispatched.cat_fund"]     # nothing to recall


def test_a_case_is_found_by_id_in_ones_community_and_by_code_in_any_case(tx):
    wages = register_case(tx)
    assert get_case(tx.session, wages.id, RECEPTIONIST) is wages
    assert get_case(tx.session, wages.id, lock=True) is wages
    assert by_tracking_code(tx.session, wages.tracking_code.lower()) is wages
    for refused in (lambda: get_case(tx.session, wages.id, MAPLE_RECEPTIONIST),
                    lambda: get_case(tx.session, wages.id + 1),
                    lambda: by_tracking_code(tx.session, None)):
        with pytest.raises(NotFound) as error:
            refused()
        assert (error.value.code, error.value.status) == ("case_not_found", 404)


def test_what_a_case_not_found_says(tx):
    with pytest.raises(NotFound) as error:
        by_tracking_code(tx.session, "ABCDEFGHJK")
    assert error.value.to_body("zh") == {"error": {
        "code": "case_not_found", "message": "查询码不存在，请核对",
        "fields": {"tracking_code": ["查询码不存在，请核对"]}}}
    assert error.value.to_body("en")["error"]["message"] == "No case has this tracking code"
    with pytest.raises(NotFound) as error:
        get_case(tx.session, 42, RECEPTIONIST)
    assert error.value.to_body("zh") == {"error": {
        "code": "case_not_found", "message": "没有编号为 42 的诉求",
        "fields": {"case_id": ["没有编号为 42 的诉求"]}}}
    assert error.value.to_body("en")["error"]["message"] == "No case 42"
