"""What the staff API shows, read the way it reads it: the whole grid from the command down with
each place's heads, a volunteer with their posts, duties and time, a duty with its volunteers, a
case with its record, the record of changes; phones in full for the grid's staff, masked for an
admin."""
from minzi.testing import dispatched_case

from volunteer_grid.domain import cases, duties, posts, views, volunteers

from .conftest import NOW, STAFF, C


def appoint(tx, level, place_id, volunteer):
    return posts.appoint(tx, C, {"level": level, "place_id": place_id,
                                 "volunteer_id": volunteer.id}, STAFF, NOW)


def test_the_whole_grid_from_the_command_down(tx, town):
    appoint(tx, "commander", None, town.sun)
    appoint(tx, "deputy_commander", None, town.zhou)
    appoint(tx, "zone_head", town.z1.id, town.zhou)
    appoint(tx, "deputy_zone_head", town.z1.id, town.wang)
    appoint(tx, "deputy_zone_head", town.z1.id, town.li)
    appoint(tx, "building_head", town.b5.id, town.wang)
    door = appoint(tx, "door_head", town.d1.id, town.li)
    seen = views.grid_view(tx.session, C, views.FULL)
    assert [(h["name"], h["phone"]) for h in seen["commander"]] == [("孙丽", "13900000004")]
    assert [h["name"] for h in seen["deputy_commanders"]] == ["周杰"]
    first, second = seen["zones"]
    assert (first["name"], first["head_name"], first["head_phone"], first["deputy_names"],
            first["buildings"]) == ("一区", "周杰", "13900000005", "王芳、李强", 2)
    assert (second["name"], second["head_name"], second["deputies"]) == ("二区", None, [])
    b5, b6 = first["buildings_list"]
    assert (b5["name"], b5["zone"], b5["head_name"], b5["doors"]) == ("5号楼", "一区", "王芳", 2)
    assert (b6["name"], b6["head_name"], b6["head_post_id"], b6["doors_list"]) == (
        "6号楼", None, None, [])
    d1, d2 = b5["doors_list"]
    assert (d1["name"], d1["building"], d1["zone_id"], d1["head_name"], d1["head_phone"],
            d1["head_volunteer_id"], d1["head_post_id"]) == (
        "1单元", "5号楼", town.z1.id, "李强", "13900000002", town.li.id, door.id)
    assert d2["head_name"] is None
    masked = views.grid_view(tx.session, C, views.MASKED)
    assert masked["zones"][0]["head_phone"] == "139****0005"
    assert masked["commander"][0]["phone"] == "139****0004"
    assert views.command_view(tx.session, "maple-court", views.FULL) == {
        "commander": [], "deputy_commanders": []}


def test_a_volunteer_with_their_posts_duties_and_time(tx, town):
    first = appoint(tx, "building_head", town.b5.id, town.wang)
    appoint(tx, "building_head", town.b5.id, town.li)
    patrol = duties.add_duty(tx, C, {"kind": "patrol", "title": "夜间巡逻", "zone_id": None,
                                     "day": NOW.date()}, STAFF, NOW)
    duties.assign(tx, C, patrol.id, {"volunteer_ids": [town.wang.id, town.li.id]}, STAFF, NOW)
    duties.record_minutes(tx, C, patrol.id, {"volunteer_id": town.wang.id, "minutes": 125},
                          STAFF, NOW)
    volunteers.update_volunteer(tx, C, town.wang.id, {"skills": ["first_aid", "patrol"]},
                                STAFF, NOW)
    wang = views.volunteer_view(tx.session, town.wang, "zh", views.FULL, full=True)
    assert (wang["name"], wang["phone"], wang["zone"], wang["building"], wang["door"],
            wang["skill_names"], wang["joined_on"], wang["active"], wang["left_on"]) == (
        "王芳", "13900000001", "一区", "5号楼", "2单元", "急救、巡逻", "2026-11-27", True, None)
    assert [(p["id"], p["title"], p["current"], p["end_reason"], p["end_reason_name"])
            for p in wang["posts"]] == [(first.id, "5号楼楼长", False, "replaced", "已由他人接任")]
    assert [(d["title"], d["kind_name"], d["minutes"], d["hours"]) for d in wang["duties"]] == [
        ("夜间巡逻", "治安巡逻", 125, "2:05")]
    assert (wang["minutes"], wang["hours"]) == (125, "2:05")
    assert views.volunteer_view(tx.session, town.wang, "en", views.FULL, full=True)[
        "skill_names"] == "First aid、Patrol"
    li = views.volunteer_view(tx.session, town.li, "zh", views.MASKED, full=True)
    assert (li["phone"], li["duties"][0]["minutes"], li["duties"][0]["hours"], li["hours"]) == (
        "139****0002", None, None, "0:00")
    plain = views.volunteer_view(tx.session, town.zhou, "zh", views.FULL)
    assert ("posts" not in plain, plain["building"], plain["door"]) == (True, None, None)
    seen = views.duty_view(tx.session, patrol, "zh", full=True)
    assert (seen["zone"], seen["assigned"], seen["minutes"], seen["hours"]) == (
        "全社区", 2, 125, "2:05")
    assert [(v["name"], v["minutes"], v["hours"], v["recorded_by"]) for v in
            seen["volunteers"]] == [("王芳", 125, "2:05", "刘主任"), ("李强", None, None, None)]
    assert views.duty_view(tx.session, patrol, "en")["zone"] == "Whole community"


def test_a_case_as_staff_and_as_an_admin_see_it(tx, town):
    cases.receive(tx, dispatched_case("volunteer_grid", "building_head_report", case_id=5,
                                      description="楼道灯坏了", address="彩虹城5号楼",
                                      resident={"name": "赵大爷", "phone": "13900001111"}), NOW)
    cases.receive(tx, dispatched_case("volunteer_grid", "volunteer_signup", case_id=6), NOW)
    cases.finish(tx, 6, {"note": "请到居委会登记"}, STAFF, NOW, resolved=False)
    case = cases.get_case(tx.session, 5, STAFF)
    full = views.case_view(case, "zh", views.FULL)
    assert (full["resident"], full["state_name"], full["history"][0]["action_name"]) == (
        {"name": "赵大爷", "phone": "13900001111", "address": "彩虹城5号楼"},
        "办理中", "收到诉求")
    masked = views.case_view(case, "en", views.MASKED)
    assert (masked["resident"], masked["state_name"]) == (
        {"name": "赵**", "phone": "139****1111", "address": None}, "In progress")
    assert [c.case_id for c in views.list_cases(tx.session, C)] == [5, 6]
    assert [c.case_id for c in views.list_cases(tx.session, C, "returned")] == [6]
    assert views.list_cases(tx.session, "maple-court") == []


def test_the_record_of_changes(tx, town):
    volunteers.set_active(tx, C, town.zhou.id, False, "搬家", STAFF, NOW)
    assert views.history(tx.session, C, "volunteer", town.zhou.id) == [
        {"action": "added", "by": "刘主任", "at": "2026-11-27T02:00:00Z",
         "detail": {"name": "周杰"}},
        {"action": "deactivated", "by": "刘主任", "at": "2026-11-27T02:00:00Z",
         "detail": {"note": "搬家"}}]
    assert views.history(tx.session, "maple-court", "volunteer", town.zhou.id) == []
    assert views.history(tx.session, C, "zone", town.z1.id) == [
        {"action": "added", "by": "刘主任", "at": "2026-11-27T02:00:00Z",
         "detail": {"name": "一区"}}]
