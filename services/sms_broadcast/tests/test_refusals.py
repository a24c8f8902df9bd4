"""Every named refusal of sms_broadcast's rules, provoked, with nothing changed: the rule raises
before it touches a row, so even a caller that went on to commit would write nothing (the
database is compared in the same session, whose pending changes it flushes)."""
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
    "unknown_building": (None, lambda tx, g: grid.update_head(
        tx, OPERATOR, Building, 999, {"head_name": "某楼长"}, NOW)),
    "unknown_door": (None, lambda tx, g: grid.update_head(
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
