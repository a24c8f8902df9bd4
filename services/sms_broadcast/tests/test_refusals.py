"""Every named refusal of sms_broadcast's rules, provoked, with nothing changed: the rule raises
before it touches a row, so even a caller that went on to commit would write nothing (the
database is compared in the same session, whose pending changes it flushes)."""
import warnings
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.testing import dispatched_case, snapshot

from sms_broadcast.domain import access, broadcasts, cases, consent, contacts, grid, sending
from sms_broadcast.models import Base, Building, Door, Zone

from .conftest import NEIGHBOUR, NOW, OPERATOR, RECEPTIONIST, broadcast, reply

ZHANG = "13800001111"


def nobody_left_in_9(tx, g):
    reply(tx, "TD", "gw-zhao", phone="13800004444")            # 9号楼's only resident


def a_broadcast_sent(tx, g):
    return broadcast(tx, g)


def a_case_resolved(tx, g):
    cases.receive(tx, dispatched_case("sms_broadcast", "sms_notice_request"), NOW)
    cases.finish(tx, OPERATOR, 1, NOW, resolved=True, text="已群发")
    tx.session.commit()
    tx.published.clear()


REFUSALS = {
    # who may operate
    "unauthenticated": (None, lambda tx, g: access.require_operator(None)),
    "not_program_staff": (None, lambda tx, g: access.require_operator(RECEPTIONIST)),
    # the grid
    "name_empty": (None, lambda tx, g: grid.create_zone(tx, OPERATOR, {"name": "  "}, NOW)),
    "bad_phone": (None, lambda tx, g: grid.update_head(
        tx, OPERATOR, Zone, g["z1"].id, {"head_name": "新区长", "head_phone": "139"}, NOW)),
    "zone_exists": (None, lambda tx, g: grid.create_zone(tx, OPERATOR, {"name": "一片区"}, NOW)),
    "building_exists": (None, lambda tx, g: grid.create_building(
        tx, OPERATOR, {"zone_id": g["z2"].id, "name": "5号楼"}, NOW)),
    "door_exists": (None, lambda tx, g: grid.create_door(
        tx, OPERATOR, {"building_id": g["b5"].id, "name": "2单元"}, NOW)),
    "unknown_zone": (None, lambda tx, g: grid.create_building(
        tx, NEIGHBOUR, {"zone_id": g["z1"].id, "name": "1号楼"}, NOW)),
    "unknown_building": (None, lambda tx, g: grid.create_door(
        tx, OPERATOR, {"building_id": 999, "name": "3单元"}, NOW)),
    "unknown_door": (None, lambda tx, g: contacts.create_contact(
        tx, NEIGHBOUR, {"phone": "13800009999", "door_id": g["d2"].id}, NOW)),
    # a place named in the path: another community's is not found, as one that never was
    "zone_not_found": (None, lambda tx, g: grid.update_head(
        tx, NEIGHBOUR, Zone, g["z1"].id, {"head_name": "某区长"}, NOW)),
    "building_not_found": (None, lambda tx, g: grid.update_head(
        tx, OPERATOR, Building, 999, {"head_name": "某楼长"}, NOW)),
    "door_not_found": (None, lambda tx, g: grid.update_head(
        tx, NEIGHBOUR, Door, g["d2"].id, {"head_name": "某门长"}, NOW)),
    # residents
    "place_required": (None, lambda tx, g: contacts.create_contact(
        tx, OPERATOR, {"name": "孙七", "phone": "13800009999"}, NOW)),
    "door_not_in_building": (None, lambda tx, g: contacts.create_contact(
        tx, OPERATOR, {"phone": "13800009999", "door_id": g["d2"].id,
                       "building_id": g["b6"].id}, NOW)),
    "building_not_in_zone": (None, lambda tx, g: contacts.update_contact(
        tx, OPERATOR, g["li"].id, {"name": "李四四", "building_id": g["b5"].id,
                                   "zone_id": g["z2"].id}, NOW)),
    "contact_exists": (None, lambda tx, g: contacts.update_contact(
        tx, OPERATOR, g["li"].id, {"name": "李四四", "phone": ZHANG}, NOW)),
    "contact_not_found": (None, lambda tx, g: consent.staff_consent(
        tx, NEIGHBOUR, contacts.get_contact(tx.session, NEIGHBOUR["community"], g["zhang"].id),
        True, "本人要求", NOW)),
    # broadcasts
    "text_empty": (None, lambda tx, g: broadcasts.create_broadcast(
        tx, OPERATOR, {"text": " \n "}, NOW)),
    "text_too_long": (None, lambda tx, g: broadcasts.create_broadcast(
        tx, OPERATOR, {"text": "通" * 501}, NOW)),
    "unknown_target": (None, lambda tx, g: broadcasts.create_broadcast(
        tx, OPERATOR, {"text": "通知", "target": "street"}, NOW)),
    "schedule_in_past": (None, lambda tx, g: broadcasts.create_broadcast(
        tx, OPERATOR, {"text": "通知", "scheduled_at": NOW - timedelta(seconds=1)}, NOW)),
    "no_recipients": (nobody_left_in_9, lambda tx, g: broadcasts.create_broadcast(
        tx, OPERATOR, {"text": "通知", "target": "building", "building_id": g["b9"].id}, NOW)),
    "broadcast_not_found": (a_broadcast_sent, lambda tx, g: broadcasts.retry_failed(
        tx, NEIGHBOUR, g["made"].id, NOW)),
    "not_scheduled": (a_broadcast_sent, lambda tx, g: broadcasts.cancel_broadcast(
        tx, OPERATOR, g["made"].id, NOW)),
    "message_not_found": (a_broadcast_sent, lambda tx, g: sending.delivery_report(
        tx.session, {"reference": "minzi-sms-999", "status": "delivered"}, NOW)),
    # cases from intake
    "case_not_found": (a_case_resolved, lambda tx, g: cases.finish(
        tx, NEIGHBOUR, 1, NOW, resolved=False, text="退回")),
    "case_closed": (a_case_resolved, lambda tx, g: cases.finish(
        tx, OPERATOR, 1, NOW, resolved=False, text="退回")),
}


@pytest.mark.parametrize("code", REFUSALS)
def test_a_refusal_is_named_and_changes_nothing(tx, grid, code):
    setup, attempt = REFUSALS[code]
    given = dict(grid)
    if setup is not None:
        given["made"] = setup(tx, grid)
        tx.session.commit()
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(DomainError) as refused:
        attempt(tx, given)
    assert refused.value.code == code
    assert snapshot(tx.session, Base.metadata) == before
    assert tx.published == []


# What the person refused reads, in both languages, with the field it is shown against: the
# status, the field and the words (numbers, names and masked phones of the attempt above filled in).
READ = {row[0]: row[1:] for row in [
    ("unauthenticated", 401, None, "请先登录", "Log in first"),
    ("not_program_staff", 403, None,
     "只有本项目工作人员可以操作", "Only this program's staff may do this"),
    ("name_empty", 422, "name", "名称不能为空", "The name must not be empty"),
    ("bad_phone", 422, "head_phone",
     "手机号应为 11 位大陆手机号码", "A phone must be an 11-digit mainland mobile number"),
    ("zone_exists", 409, "name", "片区「一片区」已存在", "Zone '一片区' already exists"),
    ("building_exists", 409, "name", "楼「5号楼」已存在", "Building '5号楼' already exists"),
    ("door_exists", 409, "name", "「5号楼2单元」已存在", "Door '2单元' already exists"),
    ("unknown_zone", 422, "zone_id", "没有编号为 1 的片区", "No zone 1"),
    ("unknown_building", 422, "building_id", "没有编号为 999 的楼", "No building 999"),
    ("unknown_door", 422, "door_id", "没有编号为 1 的门（单元）", "No door 1"),
    ("zone_not_found", 404, "id", "没有编号为 1 的片区", "No zone 1"),
    ("building_not_found", 404, "id", "没有编号为 999 的楼", "No building 999"),
    ("door_not_found", 404, "id", "没有编号为 1 的门（单元）", "No door 1"),
    ("place_required", 422, "zone_id",
     "请填写居民所在的片区、楼或门（单元）", "Give the resident's zone, building or door"),
    ("door_not_in_building", 422, "door_id",
     "该门（单元）不在所填的楼", "The door is not in that building"),
    ("building_not_in_zone", 422, "building_id",
     "该楼不在所填的片区", "The building is not in that zone"),
    ("contact_exists", 409, "phone",
     "手机号 138****1111 已登记", "Phone 138****1111 is already registered"),
    ("contact_not_found", 404, "contact_id", "没有编号为 1 的居民", "No resident 1"),
    ("text_empty", 422, "text", "短信内容不能为空", "The text must not be empty"),
    ("text_too_long", 422, "text",
     "短信内容不能超过 500 字（现有 501 字）",
     "The text may have at most 500 characters (501 given)"),
    ("unknown_target", 422, "target",
     "发送范围应为 community / zone / building", "The target is community, zone or building"),
    ("schedule_in_past", 422, "scheduled_at",
     "预约发送时间已经过去", "The scheduled time is in the past"),
    ("no_recipients", 422, "target",
     "「二片区 9号楼」没有可以接收短信的居民", "Nobody in '二片区 9号楼' can receive the message"),
    ("broadcast_not_found", 404, "broadcast_id", "没有编号为 1 的群发", "No broadcast 1"),
    ("not_scheduled", 409, "broadcast_id",
     "只能取消尚未发送的预约群发", "Only a scheduled broadcast not yet sent can be cancelled"),
    ("message_not_found", 404, "reference", "没有这条短信", "No such message"),
    ("case_not_found", 404, "case_id", "没有编号为 1 的诉求", "No case 1"),
    ("case_closed", 409, "case_id", "这件诉求已经办完或已被收回", "The case is no longer open"),
]}


@pytest.mark.parametrize("code", REFUSALS)
def test_a_refusal_says_what_went_wrong_in_chinese_and_english(tx, grid, code):
    setup, attempt = REFUSALS[code]
    given = dict(grid)
    if setup is not None:
        given["made"] = setup(tx, grid)
        tx.session.commit()
    with pytest.raises(DomainError) as refused:
        attempt(tx, given)
    error = refused.value
    assert (error.status, error.field, error.message_zh, error.message_en) == READ[code]



# a new place and the place it is in (from the grid in conftest)
NEW_PLACES = {"zone": (grid.create_zone, {"name": "三片区"}),
              "building": (grid.create_building, {"name": "7号楼", "zone_id": "z1"}),
              "door": (grid.create_door, {"name": "3单元", "building_id": "b5"})}


@pytest.mark.parametrize("place", NEW_PLACES)
def test_a_new_places_head_with_a_bad_phone_is_refused_on_that_field(tx, grid, place):
    make, data = NEW_PLACES[place]
    data = {k: grid[v].id if k.endswith("_id") else v for k, v in data.items()}
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(DomainError) as refused:
        make(tx, OPERATOR, {**data, "head_name": "新负责人", "head_phone": "1390000"}, NOW)
    assert (refused.value.code, refused.value.field) == ("bad_phone", "head_phone")
    assert snapshot(tx.session, Base.metadata) == before
    assert tx.published == []


@pytest.mark.parametrize("place, data, code, field", [
    ("building", {"name": "7号楼"}, "unknown_zone", "zone_id"),
    ("door", {"name": "3单元"}, "unknown_building", "building_id"),
])
def test_a_place_made_without_the_place_it_is_in_is_a_named_refusal(tx, grid, place, data,
                                                                     code, field):
    """Without the id at all, the refusal is the same as for an unknown one, and comes from
    the rule, not from the database layer (which warns now and may raise later on a missing
    key: every warning is an error here)."""
    make = NEW_PLACES[place][0]
    before = snapshot(tx.session, Base.metadata)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DomainError) as refused:
            make(tx, OPERATOR, data, NOW)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert snapshot(tx.session, Base.metadata) == before
