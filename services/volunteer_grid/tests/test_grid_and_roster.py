"""The grid's places and the roster: names unique where they must be, a volunteer placed on the
grid from the most precise place given, a phone one volunteer's, leaving and coming back, and a
head who cannot leave (or move away) without a successor. Each refusal changes nothing."""
from datetime import date

from minzi.db import as_utc

from volunteer_grid.domain import grid, posts, views, volunteers
from volunteer_grid.models import Activity

from .conftest import NOW, STAFF, TODAY, C, person, refused


def test_places_are_named_once_where_they_must_be(tx, town):
    with refused(tx, "zone_exists", field="name", status=409, zh="小区「一区」已经有了"):
        grid.add_zone(tx, C, {"name": "一区"}, STAFF, NOW)
    with refused(tx, "building_exists", field="name", status=409):
        grid.add_building(tx, C, {"zone_id": town.z2.id, "name": "5号楼"}, STAFF, NOW)
    with refused(tx, "door_exists", field="name", status=409, en="Door 1单元 exists"):
        grid.add_door(tx, C, {"building_id": town.b5.id, "name": "1单元"}, STAFF, NOW)
    # the same door name in another building, and the same zone name in another community
    other = grid.add_door(tx, C, {"building_id": town.b6.id, "name": "1单元"}, STAFF, NOW)
    maple = grid.add_zone(tx, "maple-court", {"name": "一区"}, STAFF, NOW)
    # and the same building name in another community's zone
    assert grid.add_building(tx, "maple-court", {"zone_id": maple.id, "name": "5号楼"}, STAFF,
                             NOW).community == "maple-court"
    assert (other.building_id, other.community, maple.community) == (
        town.b6.id, C, "maple-court")
    assert [z.name for z in grid.zones(tx.session, C)] == ["一区", "二区"]
    assert [b.name for b in grid.buildings(tx.session, C, town.z1.id)] == ["5号楼", "6号楼"]
    assert [d.name for d in grid.doors(tx.session, C, town.b6.id)] == ["1单元"]
    assert [d.name for d in grid.doors(tx.session, C)] == ["1单元", "2单元", "1单元"]
    assert len(grid.buildings(tx.session, C)) == 3     # maple-court's 5号楼 not among them


def test_a_place_not_there_is_named_on_its_field_or_not_found(tx, town):
    with refused(tx, "unknown_zone", field="zone_id", status=422, zh="没有编号为 99 的小区",
                 en="No zone 99"):
        grid.add_building(tx, C, {"zone_id": 99, "name": "7号楼"}, STAFF, NOW)
    with refused(tx, "unknown_building", field="building_id", status=422):
        grid.add_door(tx, "maple-court", {"building_id": town.b5.id, "name": "3单元"}, STAFF,
                      NOW)
    with refused(tx, "door_not_found", field="door_id", status=404, zh="没有编号为 99 的楼门",
                 en="No door 99"):
        grid.get_place(tx.session, grid.Door, C, 99)


def test_a_volunteer_is_placed_from_the_most_precise_place_given(tx, town):
    assert (town.wang.zone_id, town.wang.building_id, town.wang.door_id) == (
        town.z1.id, town.b5.id, town.d2.id)
    assert (town.zhao.zone_id, town.zhao.building_id, town.zhao.door_id) == (
        town.z1.id, town.b6.id, None)
    assert (town.zhou.zone_id, town.zhou.building_id) == (town.z1.id, None)
    assert (town.wang.active, town.wang.joined_on, town.wang.created_by, town.wang.left_on) == (
        True, TODAY, "刘主任", None)
    chen = volunteers.add_volunteer(tx, C, person(
        "陈刚", "13900000006", zone_id=town.z1.id, building_id=town.b5.id, door_id=town.d1.id,
        skills=["patrol", "first_aid", "patrol"], joined_on=date(2008, 7, 1)), STAFF, NOW)
    assert (chen.skills, chen.joined_on) == (["first_aid", "patrol"], date(2008, 7, 1))


def test_a_volunteers_place_must_hang_together_and_exist(tx, town):
    with refused(tx, "not_in_building", field="door_id", status=422):
        volunteers.add_volunteer(tx, C, person("陈刚", "13900000006", building_id=town.b6.id,
                                               door_id=town.d1.id), STAFF, NOW)
    with refused(tx, "not_in_zone", field="building_id", status=422,
                 zh="这座楼不在所填的小区里"):
        volunteers.add_volunteer(tx, C, person("陈刚", "13900000006", zone_id=town.z2.id,
                                               building_id=town.b5.id), STAFF, NOW)
    with refused(tx, "place_required", field="zone_id", status=422):
        volunteers.add_volunteer(tx, C, person("陈刚", "13900000006"), STAFF, NOW)
    with refused(tx, "unknown_zone", field="zone_id", status=422):
        volunteers.add_volunteer(tx, C, person("陈刚", "13900000006", zone_id=99), STAFF, NOW)
    with refused(tx, "unknown_door", field="door_id", status=422):
        volunteers.add_volunteer(tx, "maple-court", person("陈刚", "13900000006",
                                                           door_id=town.d1.id), STAFF, NOW)
    with refused(tx, "unknown_building", field="building_id", status=422,
                 zh="没有编号为 99 的楼", en="No building 99"):
        volunteers.add_volunteer(tx, C, person("陈刚", "13900000006", building_id=99), STAFF,
                                 NOW)
    with refused(tx, "unknown_building", field="building_id", status=422):
        volunteers.add_volunteer(tx, "maple-court", person("陈刚", "13900000006",
                                                           building_id=town.b5.id), STAFF, NOW)


def test_a_phone_is_one_volunteers_and_joining_is_not_in_the_future(tx, town):
    with refused(tx, "volunteer_exists", field="phone", status=409,
                 zh=f"手机号 13900000001 已经登记为志愿者（编号 {town.wang.id}）"):
        volunteers.add_volunteer(tx, C, person("王芳芳", "13900000001", zone_id=town.z2.id),
                                 STAFF, NOW)
    with refused(tx, "volunteer_exists", field="phone",
                 en=f"Phone 13900000001 is already a volunteer's (number {town.wang.id})"):
        volunteers.update_volunteer(tx, C, town.li.id, {"phone": "13900000001"}, STAFF, NOW)
    with refused(tx, "joined_in_future", field="joined_on", status=422,
                 zh="加入日期不能晚于今天", en="The date joined cannot be in the future"):
        volunteers.add_volunteer(tx, C, person("陈刚", "13900000006", zone_id=town.z2.id,
                                               joined_on=date(2026, 11, 28)), STAFF, NOW)
    with refused(tx, "joined_in_future", field="joined_on", zh="加入日期不能晚于今天",
                 en="The date joined cannot be in the future"):
        volunteers.update_volunteer(tx, C, town.li.id, {"joined_on": date(2026, 11, 28)},
                                    STAFF, NOW)
    # one's own phone again is fine
    volunteers.update_volunteer(tx, C, town.wang.id, {"phone": "13900000001",
                                                      "joined_on": TODAY}, STAFF, NOW)


def test_the_same_phone_in_another_community_is_another_volunteer(tx, town):
    east = grid.add_zone(tx, "maple-court", {"name": "东区"}, STAFF, NOW)
    other = volunteers.add_volunteer(tx, "maple-court", person("王芳", "13900000001",
                                                               zone_id=east.id), STAFF, NOW)
    volunteers.update_volunteer(tx, "maple-court", other.id, {"phone": "13900000002"}, STAFF,
                                NOW)
    assert [(v.name, v.phone) for v in volunteers.list_volunteers(tx.session, "maple-court")] \
        == [("王芳", "13900000002")]
    assert [v.phone for v in volunteers.list_volunteers(tx.session, C)][:2] == [
        "13900000001", "13900000002"]


def test_a_volunteers_details_change_and_a_non_head_is_not_announced(tx, town):
    changed = volunteers.update_volunteer(tx, C, town.zhou.id, {
        "name": "周杰伦", "phone": "13900000055", "skills": ["repair", "driving"],
        "building_id": town.b6.id}, STAFF, NOW)
    assert (changed.name, changed.phone, changed.skills, changed.zone_id, changed.building_id,
            changed.door_id) == ("周杰伦", "13900000055", ["driving", "repair"], town.z1.id,
                                 town.b6.id, None)
    assert tx.published == []
    with refused(tx, "volunteer_not_found", field="volunteer_id", status=404,
                 zh=f"没有编号为 {town.zhou.id} 的志愿者", en=f"No volunteer {town.zhou.id}"):
        volunteers.update_volunteer(tx, "maple-court", town.zhou.id, {"name": "x"}, STAFF, NOW)
    with refused(tx, "volunteer_not_found", field="volunteer_id", status=404,
                 zh="没有编号为 99 的志愿者", en="No volunteer 99"):
        volunteers.set_active(tx, C, 99, False, None, STAFF, NOW)


def test_leaving_and_coming_back(tx, town):
    gone = volunteers.set_active(tx, C, town.zhou.id, False, "搬家", STAFF, NOW)
    assert (gone.active, gone.left_on) == (False, TODAY)
    with refused(tx, "already_inactive", field="active", status=409,
                 zh="这位志愿者已经不在岗了", en="The volunteer is already inactive"):
        volunteers.set_active(tx, C, town.zhou.id, False, None, STAFF, NOW)
    back = volunteers.set_active(tx, C, town.zhou.id, True, None, STAFF, NOW)
    assert (back.active, back.left_on) == (True, None)
    with refused(tx, "already_active", field="active", zh="这位志愿者已经是在岗状态",
                 en="The volunteer is already active"):
        volunteers.set_active(tx, C, town.zhou.id, True, None, STAFF, NOW)
    assert [(h["action"], h["detail"]) for h in views.history(
        tx.session, C, "volunteer", town.zhou.id)][-2:] == [
        ("deactivated", {"note": "搬家"}), ("activated", {"note": None})]


def test_a_head_cannot_leave_or_move_away_without_a_successor(tx, town):
    posts.appoint(tx, C, {"level": "building_head", "place_id": town.b5.id,
                          "volunteer_id": town.wang.id}, STAFF, NOW)
    with refused(tx, "holds_a_post", field="active", status=409,
                 zh="这位志愿者还担任5号楼楼长，请先任命接任者或让其卸任",
                 en="The volunteer still holds a post: appoint a successor or let them step "
                    "down first"):
        volunteers.set_active(tx, C, town.wang.id, False, None, STAFF, NOW)
    # another's post does not keep this one from leaving
    assert volunteers.set_active(tx, C, town.zhao.id, False, None, STAFF, NOW).active is False
    with refused(tx, "head_moving_away", field="zone_id", status=409,
                 zh="王芳还担任5号楼楼长，搬走前请先任命接任者",
                 en="The volunteer heads the place they would leave: appoint a successor "
                    "first"):
        volunteers.update_volunteer(tx, C, town.wang.id, {"building_id": town.b6.id}, STAFF,
                                    NOW)
    # moving to another door of the same building keeps her the building's head
    moved = volunteers.update_volunteer(tx, C, town.wang.id, {"door_id": town.d1.id}, STAFF, NOW)
    assert (moved.building_id, moved.door_id) == (town.b5.id, town.d1.id)
    # a zone head moving within the zone, a door head's home given again as it is, and someone
    # heading nothing moving anywhere (while others head places) are not moving away
    posts.appoint(tx, C, {"level": "zone_head", "place_id": town.z1.id,
                          "volunteer_id": town.zhou.id}, STAFF, NOW)
    assert volunteers.update_volunteer(tx, C, town.zhou.id, {"building_id": town.b6.id}, STAFF,
                                       NOW).building_id == town.b6.id
    posts.appoint(tx, C, {"level": "door_head", "place_id": town.d1.id,
                          "volunteer_id": town.li.id}, STAFF, NOW)
    assert volunteers.update_volunteer(tx, C, town.li.id, {"door_id": town.d1.id}, STAFF,
                                       NOW).door_id == town.d1.id
    assert volunteers.update_volunteer(tx, C, town.sun.id, {"building_id": town.b6.id}, STAFF,
                                       NOW).zone_id == town.z1.id
    # a zone alone is a move too
    assert volunteers.update_volunteer(tx, C, town.sun.id, {"zone_id": town.z2.id}, STAFF,
                                       NOW).zone_id == town.z2.id
    assert views.history(tx.session, C, "volunteer", town.sun.id)[-1] == {
        "action": "changed", "by": "刘主任", "at": "2026-11-27T02:00:00Z",
        "detail": {"fields": ["zone_id"]}}
    assert volunteers.update_volunteer(tx, C, town.sun.id, {"joined_on": date(2008, 7, 1)},
                                       STAFF, NOW).joined_on == date(2008, 7, 1)


def test_a_head_of_two_places_is_told_both_before_leaving(tx, town):
    for level, place in (("building_head", town.b5.id), ("door_head", town.d2.id)):
        posts.appoint(tx, C, {"level": level, "place_id": place, "volunteer_id": town.wang.id},
                      STAFF, NOW)
    with refused(tx, "holds_a_post", field="active", status=409,
                 zh="这位志愿者还担任5号楼楼长、5号楼2单元楼门长，请先任命接任者或让其卸任"):
        volunteers.set_active(tx, C, town.wang.id, False, None, STAFF, NOW)


def test_the_roster_filtered(tx, town):
    volunteers.set_active(tx, C, town.zhou.id, False, None, STAFF, NOW)
    volunteers.update_volunteer(tx, C, town.li.id, {"skills": ["patrol"]}, STAFF, NOW)
    names = lambda **kw: [v.name for v in volunteers.list_volunteers(tx.session, C, **kw)]  # noqa: E731
    assert names() == ["王芳", "李强", "赵敏", "孙丽", "周杰"]
    assert names(zone_id=town.z1.id, active=True) == ["王芳", "李强", "赵敏"]
    assert names(active=False) == ["周杰"]
    assert names(building_id=town.b5.id) == ["王芳", "李强"]
    assert names(skill="patrol") == ["李强"]
    assert volunteers.list_volunteers(tx.session, "maple-court") == []


def test_each_place_added_is_on_the_record_with_who_added_it(tx, town):
    added = tx.session.query(Activity).filter(Activity.action == "added",
                                              Activity.entity.in_(("zone", "building", "door")))
    seen = [(a.entity, a.entity_id, a.actor, as_utc(a.at), a.detail, a.community)
            for a in added.order_by(Activity.id)]
    assert seen == [
        ("zone", town.z1.id, "刘主任", NOW, {"name": "一区"}, C),
        ("zone", town.z2.id, "刘主任", NOW, {"name": "二区"}, C),
        ("building", town.b5.id, "刘主任", NOW, {"name": "5号楼", "zone": "一区"}, C),
        ("building", town.b6.id, "刘主任", NOW, {"name": "6号楼", "zone": "一区"}, C),
        ("building", town.b9.id, "刘主任", NOW, {"name": "9号楼", "zone": "二区"}, C),
        ("door", town.d1.id, "刘主任", NOW, {"name": "1单元", "building": "5号楼"}, C),
        ("door", town.d2.id, "刘主任", NOW, {"name": "2单元", "building": "5号楼"}, C)]


def test_a_place_that_does_not_hang_together_is_said_in_both_languages(tx, town):
    with refused(tx, "not_in_building", field="door_id", status=422,
                 zh="这个楼门不在所填的楼里", en="That door is not in the building given"):
        volunteers.add_volunteer(tx, C, person("陈刚", "13900000006", building_id=town.b6.id,
                                               door_id=town.d1.id), STAFF, NOW)
    with refused(tx, "not_in_zone", field="building_id", status=422,
                 zh="这座楼不在所填的小区里", en="That building is not in the zone given"):
        volunteers.add_volunteer(tx, C, person("陈刚", "13900000006", zone_id=town.z2.id,
                                               building_id=town.b5.id), STAFF, NOW)
    with refused(tx, "place_required", field="zone_id", status=422,
                 zh="请写明住在哪个小区（或楼、楼门）",
                 en="Say which zone (or building, or door) they live in"):
        volunteers.add_volunteer(tx, C, person("陈刚", "13900000006"), STAFF, NOW)
    # a door and its own building, and its own zone, hang together
    assert grid.where_on_grid(tx.session, C, {"zone_id": town.z1.id, "building_id": town.b5.id,
                                              "door_id": town.d1.id}) == (
        town.z1.id, town.b5.id, town.d1.id)
