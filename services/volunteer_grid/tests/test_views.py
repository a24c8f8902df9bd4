"""What the staff API shows, read the way it reads it: the whole grid from the command down with
each place's heads, a volunteer with their posts, duties and time, a duty with its volunteers, a
case with its record, the record of changes; phones in full for the grid's staff, masked for an
admin."""
from datetime import date, timedelta

from minzi.testing import dispatched_case

from volunteer_grid.domain import cases, duties, grid, posts, views, volunteers

from .conftest import NOW, STAFF, TODAY, C, person

LATER = NOW + timedelta(days=30)


def appoint(tx, level, place_id, volunteer, when=NOW, **extra):
    return posts.appoint(tx, C, {"level": level, "place_id": place_id,
                                 "volunteer_id": volunteer.id, **extra}, STAFF, when)


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
    assert [(h["name"], h["phone"]) for h in seen["deputy_commanders"]] == [
        ("周杰", "13900000005")]
    first, second = seen["zones"]
    assert (first["name"], first["head_name"], first["head_phone"], first["deputy_names"],
            first["buildings"]) == ("一区", "周杰", "13900000005", "王芳、李强", 2)
    assert (second["name"], second["head_name"], second["deputies"]) == ("二区", None, [])
    b5, b6 = first["buildings_list"]
    assert (b5["name"], b5["zone"], b5["head_name"], b5["head_phone"], b5["doors"]) == (
        "5号楼", "一区", "王芳", "13900000001", 2)
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


def test_a_zone_with_its_head_and_deputies_since_when(tx, town):
    head = appoint(tx, "zone_head", town.z1.id, town.zhou)
    deputy = appoint(tx, "deputy_zone_head", town.z1.id, town.wang, when=LATER)
    assert views.zone_view(tx.session, town.z1, views.FULL) == {
        "id": town.z1.id, "name": "一区", "head_name": "周杰", "head_phone": "13900000005",
        "head_volunteer_id": town.zhou.id, "head_post_id": head.id,
        "deputies": [{"post_id": deputy.id, "volunteer_id": town.wang.id, "name": "王芳",
                      "phone": "13900000001", "since": "2026-12-27T02:00:00Z"}],
        "deputy_names": "王芳", "buildings": 2, "created_by": "刘主任"}


def test_a_post_as_the_staff_and_an_admin_read_it_in_both_languages(tx, town):
    first = appoint(tx, "building_head", town.b5.id, town.wang, note="居民推选")
    second = appoint(tx, "building_head", town.b5.id, town.li, when=LATER, note="王芳搬家")
    assert views.post_view(tx.session, first, "en", views.FULL) == {
        "id": first.id, "level": "building_head", "level_name": "Building head",
        "place_id": town.b5.id, "title": "Building head, 5号楼", "volunteer_id": town.wang.id,
        "name": "王芳", "phone": "13900000001", "started_at": "2026-11-27T02:00:00Z",
        "started_by": "刘主任", "note": "居民推选", "ended_at": "2026-12-27T02:00:00Z",
        "ended_by": "刘主任", "end_reason": "replaced", "end_reason_name": "Replaced",
        "end_note": "王芳搬家", "current": False}
    assert views.post_view(tx.session, second, "zh", views.MASKED) == {
        "id": second.id, "level": "building_head", "level_name": "楼长",
        "place_id": town.b5.id, "title": "5号楼楼长", "volunteer_id": town.li.id,
        "name": "李强", "phone": "139****0002", "started_at": "2026-12-27T02:00:00Z",
        "started_by": "刘主任", "note": "王芳搬家", "ended_at": None, "ended_by": None,
        "end_reason": None, "end_reason_name": None, "end_note": None, "current": True}
    gone = appoint(tx, "building_head", town.b6.id, town.zhao)
    posts.step_down(tx, C, gone.id, {"note": "年纪大了"}, STAFF, LATER)
    assert (views.post_view(tx.session, gone, "en", views.FULL)["end_reason_name"],
            views.post_view(tx.session, gone, "zh", views.FULL)["end_reason_name"]) == (
        "Stepped down", "卸任")


def test_a_volunteer_read_field_by_field_posts_earliest_first_duties_by_day(tx, town):
    volunteers.update_volunteer(tx, C, town.wang.id, {"skills": ["patrol"]}, STAFF, NOW)
    door = appoint(tx, "door_head", town.d2.id, town.wang, when=LATER)
    deputy = appoint(tx, "deputy_zone_head", town.z1.id, town.wang)
    building = appoint(tx, "building_head", town.b5.id, town.wang)
    plan = {"kind": "patrol", "title": "夜间巡逻", "zone_id": None, "day": TODAY}
    today = duties.add_duty(tx, C, plan, STAFF, NOW)
    visit = duties.add_duty(tx, C, {**plan, "kind": "visit", "title": "入户走访",
                                    "day": date(2026, 11, 20)}, STAFF, NOW)
    cleanup = duties.add_duty(tx, C, {**plan, "kind": "cleanup", "title": "楼道清洁",
                                      "day": date(2026, 11, 20)}, STAFF, NOW)
    for duty in (today, visit, cleanup):
        duties.assign(tx, C, duty.id, {"volunteer_ids": [town.wang.id]}, STAFF, NOW)
    duties.record_minutes(tx, C, visit.id, {"volunteer_id": town.wang.id, "minutes": 90},
                          STAFF, NOW)
    seen = views.volunteer_view(tx.session, town.wang, "en", views.FULL, full=True)
    held = seen.pop("posts")
    assert seen == {
        "id": town.wang.id, "name": "王芳", "phone": "13900000001", "zone_id": town.z1.id,
        "zone": "一区", "building_id": town.b5.id, "building": "5号楼", "door_id": town.d2.id,
        "door": "2单元", "skills": ["patrol"], "skill_names": "Patrol",
        "joined_on": "2026-11-27", "active": True, "left_on": None, "case_id": None,
        "created_by": "刘主任",
        "duties": [
            {"duty_id": visit.id, "title": "入户走访", "day": "2026-11-20",
             "kind_name": "Home visits", "minutes": 90, "hours": "1:30"},
            {"duty_id": cleanup.id, "title": "楼道清洁", "day": "2026-11-20",
             "kind_name": "Clean-up", "minutes": None, "hours": None},
            {"duty_id": today.id, "title": "夜间巡逻", "day": "2026-11-27",
             "kind_name": "Patrol", "minutes": None, "hours": None}],
        "minutes": 90, "hours": "1:30"}
    # the posts held since 27 November (in the order given) before the one since 27 December,
    # phones as the reader sees them
    assert [(p["id"], p["title"], p["phone"], p["started_at"]) for p in held] == [
        (deputy.id, "Deputy zone head, 一区", "13900000001", "2026-11-27T02:00:00Z"),
        (building.id, "Building head, 5号楼", "13900000001", "2026-11-27T02:00:00Z"),
        (door.id, "Door head, 5号楼2单元", "13900000001", "2026-12-27T02:00:00Z")]
    volunteers.set_active(tx, C, town.zhou.id, False, "搬家", STAFF, NOW)
    assert views.volunteer_view(tx.session, town.zhou, "zh", views.MASKED) == {
        "id": town.zhou.id, "name": "周杰", "phone": "139****0005", "zone_id": town.z1.id,
        "zone": "一区", "building_id": None, "building": None, "door_id": None, "door": None,
        "skills": [], "skill_names": "", "joined_on": "2026-11-27", "active": False,
        "left_on": "2026-11-27", "case_id": None, "created_by": "刘主任"}


def test_a_duty_of_a_zone_read_field_by_field(tx, town):
    duty = duties.add_duty(tx, C, {"kind": "notice_delivery", "title": "送停水通知",
                                   "zone_id": town.z1.id, "day": TODAY, "note": "每户一份"},
                           STAFF, NOW)
    duties.assign(tx, C, duty.id, {"volunteer_ids": [town.li.id, town.wang.id]}, STAFF, NOW)
    duties.record_minutes(tx, C, duty.id, {"volunteer_id": town.li.id, "minutes": 45}, STAFF,
                          LATER)
    assert views.duty_view(tx.session, duty, "en", full=True) == {
        "id": duty.id, "kind": "notice_delivery", "kind_name": "Notices delivery",
        "title": "送停水通知", "zone_id": town.z1.id, "zone": "一区", "day": "2026-11-27",
        "note": "每户一份", "assigned": 2, "minutes": 45, "hours": "0:45",
        "created_by": "刘主任",
        "volunteers": [
            {"volunteer_id": town.li.id, "name": "李强", "minutes": 45, "hours": "0:45",
             "recorded_by": "刘主任", "recorded_at": "2026-12-27T02:00:00Z"},
            {"volunteer_id": town.wang.id, "name": "王芳", "minutes": None, "hours": None,
             "recorded_by": None, "recorded_at": None}]}
    short = views.duty_view(tx.session, duty, "zh")
    assert ("volunteers" in short, short["kind_name"], short["zone"]) == (False, "通知送达",
                                                                          "一区")


def test_a_case_read_field_by_field_with_its_record_in_english(tx, town):
    cases.receive(tx, dispatched_case("volunteer_grid", "building_head_report", case_id=5,
                                      description="楼道灯坏了", address="彩虹城5号楼",
                                      attributes={"building": "5号楼"}, note="居民很着急",
                                      resident={"name": "赵大爷", "phone": "13900001111"}), NOW)
    cases.chased(tx, {"case_id": 5, "level": 1, "note": "请尽快"}, NOW)
    appoint(tx, "building_head", town.b5.id, town.wang)
    cases.forward(tx, 5, {"building_id": town.b5.id}, STAFF, NOW)
    cases.progress(tx, 5, {"note": "灯泡已买"}, STAFF, LATER)
    cases.finish(tx, 5, {"result": "灯已修好", "reply": "楼道灯已修好"}, STAFF, LATER,
                 resolved=True)
    at, later = "2026-11-27T02:00:00Z", "2026-12-27T02:00:00Z"
    assert views.case_view(cases.get_case(tx.session, 5, STAFF), "en", views.FULL) == {
        "case_id": 5, "tracking_code": "TEST000005", "community": C,
        "service_code": "building_head_report", "state": "resolved", "state_name": "Resolved",
        "description": "楼道灯坏了",
        "resident": {"name": "赵大爷", "phone": "13900001111", "address": "彩虹城5号楼"},
        "attributes": {"building": "5号楼"}, "chases": 1, "building_id": town.b5.id,
        "forwarded_to": "王芳", "result": "灯已修好", "handled_by": "刘主任",
        "history": [
            {"at": at, "by": "intake", "action": "received", "note": "居民很着急",
             "action_name": "Received"},
            {"at": at, "by": "intake", "action": "chased", "note": "请尽快",
             "action_name": "Chased"},
            {"at": at, "by": "刘主任", "action": "forwarded", "note": None,
             "building": "5号楼", "head": "王芳",
             "action_name": "Forwarded to the building head"},
            {"at": later, "by": "刘主任", "action": "progress", "note": "灯泡已买",
             "action_name": "Progress"},
            {"at": later, "by": "刘主任", "action": "resolved", "note": "灯已修好",
             "action_name": "Resolved"}]}
    # a resident intake knows nothing of: nothing to mask
    cases.receive(tx, dispatched_case("volunteer_grid", "volunteer_signup", case_id=6,
                                      resident=None), NOW)
    assert views.case_view(cases.get_case(tx.session, 6, STAFF), "zh", views.MASKED)[
        "resident"] == {"name": None, "phone": None, "address": None}


def test_the_public_list_of_heads_names_only(tx, town):
    appoint(tx, "commander", None, town.sun)
    appoint(tx, "deputy_commander", None, town.zhou)
    appoint(tx, "deputy_commander", None, town.zhao)
    appoint(tx, "zone_head", town.z1.id, town.wang)
    appoint(tx, "zone_head", town.z1.id, town.zhou, when=LATER)      # replaces 王芳
    appoint(tx, "deputy_zone_head", town.z1.id, town.wang)
    appoint(tx, "deputy_zone_head", town.z1.id, town.li)
    appoint(tx, "zone_head", town.z2.id, town.sun)
    appoint(tx, "building_head", town.b5.id, town.li)
    gone = appoint(tx, "building_head", town.b6.id, town.zhao)
    posts.step_down(tx, C, gone.id, {}, STAFF, LATER)
    appoint(tx, "door_head", town.d2.id, town.wang)                 # door heads are not listed
    # another community's grid and heads stay there
    elsewhere = grid.add_zone(tx, "maple-court", {"name": "一区"}, STAFF, NOW)
    maple = volunteers.add_volunteer(tx, "maple-court", person(
        "钱多", "13900000009", zone_id=elsewhere.id), STAFF, NOW)
    posts.appoint(tx, "maple-court", {"level": "zone_head", "place_id": elsewhere.id,
                                      "volunteer_id": maple.id}, STAFF, NOW)
    assert views.public_heads(tx.session, C) == {
        "community": C, "commander": ["孙丽"], "deputy_commanders": ["周杰", "赵敏"],
        "zones": [
            {"zone": "一区", "zone_head": ["周杰"], "deputy_zone_heads": ["王芳", "李强"],
             "buildings": [{"building": "5号楼", "building_head": ["李强"]},
                           {"building": "6号楼", "building_head": []}]},
            {"zone": "二区", "zone_head": ["孙丽"], "deputy_zone_heads": [],
             "buildings": [{"building": "9号楼", "building_head": []}]}],
        "items": [
            {"zone": "一区", "building": "5号楼", "zone_head": "周杰", "building_head": "李强"},
            {"zone": "一区", "building": "6号楼", "zone_head": "周杰", "building_head": ""},
            {"zone": "二区", "building": "9号楼", "zone_head": "孙丽", "building_head": ""}]}
    assert views.public_heads(tx.session, "maple-court") == {
        "community": "maple-court", "commander": [], "deputy_commanders": [],
        "zones": [{"zone": "一区", "zone_head": ["钱多"], "deputy_zone_heads": [],
                   "buildings": []}],
        "items": []}


def test_a_building_and_a_door_with_their_heads(tx, town):
    building = appoint(tx, "building_head", town.b5.id, town.wang)
    door = appoint(tx, "door_head", town.d1.id, town.li)
    assert views.building_view(tx.session, town.b5, views.FULL) == {
        "id": town.b5.id, "name": "5号楼", "zone_id": town.z1.id, "zone": "一区",
        "head_name": "王芳", "head_phone": "13900000001", "head_volunteer_id": town.wang.id,
        "head_post_id": building.id, "doors": 2, "created_by": "刘主任"}
    assert views.door_view(tx.session, town.d1, views.MASKED) == {
        "id": town.d1.id, "name": "1单元", "building_id": town.b5.id, "building": "5号楼",
        "zone_id": town.z1.id, "head_name": "李强", "head_phone": "139****0002",
        "head_volunteer_id": town.li.id, "head_post_id": door.id, "created_by": "刘主任"}
