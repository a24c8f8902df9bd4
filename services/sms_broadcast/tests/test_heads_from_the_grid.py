"""Heads come from the volunteer grid, where they are appointed: its events set the head of a
zone, building or door here (the place found by name, made when it is new), a head who stepped
down is cleared, an older event than the one applied changes nothing, and staff cannot type a
head through the API (``head_from_volunteer_grid``)."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.envelope import isoformat
from minzi.testing import snapshot

from sms_broadcast.domain import grid
from sms_broadcast.models import Base, Building, Change, Door, Zone

from .conftest import NOW, C

LATER = NOW + timedelta(hours=1)


def event(level="building_head", head=("王芳", "13900000001"), at=NOW, door=None,
          building="5号楼", zone="一片区"):
    return {"post_id": 1, "level": level, "reason": "appointed",
            "zone": {"id": 7, "name": zone}, "building": {"id": 8, "name": building}
            if building else None, "door": {"id": 9, "name": door} if door else None,
            "head": {"volunteer_id": 3, "name": head[0], "phone": head[1]} if head else None,
            "previous": None, "at": isoformat(at)}


def test_an_appointment_sets_the_head_of_the_place_it_names(tx, grid):
    building = grid_mod_apply(tx, event())
    assert building is grid["b5"]
    assert (building.head_name, building.head_phone, building.updated_by,
            building.updated_at) == ("王芳", "13900000001", "志愿者网格", NOW)
    zone = grid_mod_apply(tx, event("zone_head", ("周杰", "+86 139 0000 0005"), building=None))
    assert (zone is grid["z1"], zone.head_name, zone.head_phone) == (True, "周杰", "13900000005")
    door = grid_mod_apply(tx, event("door_head", ("李强", "13900000002"), door="2单元"))
    assert (door is grid["d2"], door.head_name) == (True, "李强")
    changes = tx.session.query(Change).filter(Change.actor == "志愿者网格").order_by(Change.id)
    assert [(c.action, c.entity, c.note) for c in changes] == [
        ("head_appointed", "building", "王芳"), ("head_appointed", "zone", "周杰"),
        ("head_appointed", "door", "李强")]


def grid_mod_apply(tx, data):
    return grid.apply_head(tx.session, C, data, LATER)


def test_a_place_the_grid_has_and_this_program_not_yet_is_made(tx, grid):
    door = grid_mod_apply(tx, event("door_head", door="1单元", building="7号楼", zone="三片区"))
    building = tx.session.get(Building, door.building_id)
    zone = tx.session.get(Zone, building.zone_id)
    assert (zone.name, building.name, door.name, door.head_name, door.created_by,
            door.community) == ("三片区", "7号楼", "1单元", "王芳", "志愿者网格", C)
    # made once: the next event about the same places finds them
    again = grid_mod_apply(tx, event("door_head", ("李强", "13900000002"), at=LATER,
                                     door="1单元", building="7号楼", zone="三片区"))
    assert again is door and again.head_name == "李强"
    assert tx.session.query(Door).filter(Door.name == "1单元").count() == 1
    assert tx.session.query(Zone).filter(Zone.name == "三片区").count() == 1


def test_a_head_who_stepped_down_is_cleared_and_an_older_event_changes_nothing(tx, grid):
    grid_mod_apply(tx, event(at=LATER))
    vacated = grid_mod_apply(tx, event(head=None, at=LATER + timedelta(minutes=1)))
    assert (vacated.head_name, vacated.head_phone) == (None, None)
    assert tx.session.query(Change).filter(Change.action == "head_vacated").count() == 1
    before = snapshot(tx.session, Base.metadata)
    stale = grid_mod_apply(tx, event(head=("赵敏", "13900000003"), at=LATER))
    assert stale.head_name is None
    assert snapshot(tx.session, Base.metadata) == before


def test_the_commanders_are_not_texted_as_heads_here(tx, grid):
    before = snapshot(tx.session, Base.metadata)
    assert grid_mod_apply(tx, event("commander", building=None, zone=None) | {"zone": None}) \
        is None
    assert grid_mod_apply(tx, event("deputy_zone_head", building=None)) is None
    assert snapshot(tx.session, Base.metadata) == before


def test_a_later_grids_event_with_fields_this_program_does_not_know_is_read_as_before(tx, grid):
    """The contract's rule for consumers (docs/contract.md): fields added by a later version of
    the volunteer grid are ignored, and a level this program does not text (one the grid might
    add) changes nothing, rather than parking the event."""
    later = event("building_head", ("王芳", "13900000001"))
    later["term_ends_on"] = "2027-11-30"
    later["head"] |= {"email": "wangfang@example.cn", "skills": ["急救"]}
    later["building"] |= {"floors": 6}
    building = grid_mod_apply(tx, later)
    assert building is grid["b5"]
    assert (building.head_name, building.head_phone) == ("王芳", "13900000001")
    before = snapshot(tx.session, Base.metadata)
    assert grid_mod_apply(tx, event("floor_head", ("李强", "13900000002"), at=LATER)) is None
    assert snapshot(tx.session, Base.metadata) == before


def test_a_head_with_a_number_that_is_not_a_mobile_is_refused_and_nothing_changes(tx, grid):
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(DomainError) as refused:
        grid_mod_apply(tx, event(head=("王芳", "010-8888")))
    assert (refused.value.code, refused.value.field) == ("bad_phone", "head_phone")
    tx.session.rollback()
    assert snapshot(tx.session, Base.metadata) == before


def test_typing_a_head_by_hand_is_refused_pointing_to_the_volunteer_grid():
    refusal = grid.head_typed_by_hand("head_phone")
    assert (refusal.code, refusal.field, refusal.status) == (
        "head_from_volunteer_grid", "head_phone", 422)
    assert refusal.message_zh.startswith(
        "区长、楼长、门长由志愿者网格（区长负责制）任命，这里不能手填")
    assert "volunteer grid" in refusal.message_en
