"""The posts of the grid: one zone, building or door head at a time (deputies several), only an
active volunteer living there, a replaced head kept on the record, and every appointment,
replacement, stepping down and change of a head's phone published for the SMS broadcasts."""
from datetime import timedelta

from volunteer_grid.domain import posts, views, volunteers
from volunteer_grid.domain.figures import hours_text

from .conftest import NOW, STAFF, C, refused

LATER = NOW + timedelta(days=30)


def appoint(tx, level, place_id, volunteer, when=NOW, **extra):
    return posts.appoint(tx, C, {"level": level, "place_id": place_id,
                                 "volunteer_id": volunteer.id, **extra}, STAFF, when)


def test_an_appointment_is_published_with_the_place_and_the_head(tx, town):
    post = appoint(tx, "door_head", town.d2.id, town.wang, note="居民推选")
    assert (post.level, post.place_id, post.volunteer_id, post.started_at, post.started_by,
            post.note, post.ended_at) == ("door_head", town.d2.id, town.wang.id, NOW, "刘主任",
                                          "居民推选", None)
    assert tx.published == [{"routing_key": "volunteer_grid.head_appointed", "community": C,
                             "data": {
        "post_id": post.id, "level": "door_head", "reason": "appointed",
        "zone": {"id": town.z1.id, "name": "一区"},
        "building": {"id": town.b5.id, "name": "5号楼"},
        "door": {"id": town.d2.id, "name": "2单元"},
        "head": {"volunteer_id": town.wang.id, "name": "王芳", "phone": "13900000001"},
        "previous": None, "at": "2026-11-27T02:00:00Z"}}]
    assert posts.post_title(tx.session, post) == "5号楼2单元楼门长"
    assert posts.post_title(tx.session, post, "en") == "Door head, 5号楼2单元"
    chief = appoint(tx, "commander", None, town.sun)
    assert (posts.post_title(tx.session, chief), posts.post_title(tx.session, chief, "en")) == (
        "总指挥", "Commander")


def test_replacing_a_head_ends_the_old_holding_and_keeps_it(tx, town):
    first = appoint(tx, "building_head", town.b5.id, town.wang)
    second = appoint(tx, "building_head", town.b5.id, town.li, when=LATER, note="王芳身体不适")
    assert (first.ended_at, first.ended_by, first.end_reason, first.end_note) == (
        LATER, "刘主任", "replaced", "王芳身体不适")
    assert [p.volunteer_id for p in posts.history(tx.session, C, "building_head",
                                                  town.b5.id)] == [town.wang.id, town.li.id]
    assert [p.id for p in posts.current_posts(tx.session, C, level="building_head",
                                              place_id=town.b5.id)] == [second.id]
    event = tx.published[-1]
    assert (event["routing_key"], event["data"]["reason"], event["data"]["head"]["name"],
            event["data"]["previous"], event["data"]["door"]) == (
        "volunteer_grid.head_appointed", "replaced", "李强",
        {"volunteer_id": town.wang.id, "name": "王芳", "phone": "13900000001"}, None)


def test_the_record_keeps_who_appointed_whom_and_whom_a_new_head_replaced(tx, town):
    first = appoint(tx, "building_head", town.b5.id, town.wang)
    second = appoint(tx, "building_head", town.b5.id, town.li, when=LATER)
    assert views.history(tx.session, C, "post", first.id) == [
        {"action": "appointed", "by": "刘主任", "at": "2026-11-27T02:00:00Z",
         "detail": {"level": "building_head", "place_id": town.b5.id,
                    "volunteer_id": town.wang.id, "previous": None}},
        {"action": "replaced", "by": "刘主任", "at": "2026-12-27T02:00:00Z",
         "detail": {"by_volunteer": town.li.id}}]
    assert views.history(tx.session, C, "post", second.id) == [
        {"action": "appointed", "by": "刘主任", "at": "2026-12-27T02:00:00Z",
         "detail": {"level": "building_head", "place_id": town.b5.id,
                    "volunteer_id": town.li.id, "previous": town.wang.id}}]


def test_deputies_may_be_several_and_the_commanders_have_no_place(tx, town):
    appoint(tx, "deputy_zone_head", town.z1.id, town.wang)
    appoint(tx, "deputy_zone_head", town.z1.id, town.li)
    appoint(tx, "zone_head", town.z1.id, town.zhou)
    assert (tx.published[-1]["data"]["zone"], tx.published[-1]["data"]["building"]) == (
        {"id": town.z1.id, "name": "一区"}, None)
    appoint(tx, "commander", None, town.sun)
    appoint(tx, "deputy_commander", None, town.zhao)
    appoint(tx, "deputy_commander", None, town.wang)
    held = posts.current_posts(tx.session, C)
    assert sorted((p.level, p.volunteer_id) for p in held) == sorted([
        ("deputy_zone_head", town.wang.id), ("deputy_zone_head", town.li.id),
        ("zone_head", town.zhou.id), ("commander", town.sun.id),
        ("deputy_commander", town.zhao.id), ("deputy_commander", town.wang.id)])
    assert tx.published[3]["data"]["zone"] is None
    assert tx.published[3]["data"]["level"] == "commander"
    # a second commander replaces the first
    appoint(tx, "commander", None, town.li)
    assert [p.volunteer_id for p in posts.current_posts(tx.session, C, level="commander",
                                                        place_id=None)] == [town.li.id]


def test_who_may_hold_a_post(tx, town):
    volunteers.set_active(tx, C, town.zhou.id, False, None, STAFF, NOW)
    with refused(tx, "volunteer_inactive", field="volunteer_id", status=409,
                 zh="周杰已不在岗，不能任职", en="周杰 is not an active volunteer"):
        appoint(tx, "zone_head", town.z1.id, town.zhou)
    with refused(tx, "lives_elsewhere", field="volunteer_id", status=422,
                 zh="孙丽不住在一区，不能担任这里的区长", en="孙丽 does not live in 一区"):
        appoint(tx, "zone_head", town.z1.id, town.sun)
    with refused(tx, "lives_elsewhere", field="volunteer_id"):
        appoint(tx, "building_head", town.b5.id, town.zhao)
    with refused(tx, "lives_elsewhere", field="volunteer_id"):
        appoint(tx, "door_head", town.d1.id, town.wang)
    appoint(tx, "door_head", town.d2.id, town.wang)
    with refused(tx, "already_holds", field="volunteer_id", status=409,
                 zh="王芳已经担任这个职务", en="王芳 already holds this post"):
        appoint(tx, "door_head", town.d2.id, town.wang)
    appoint(tx, "deputy_zone_head", town.z1.id, town.li)
    with refused(tx, "already_holds", field="volunteer_id"):
        appoint(tx, "deputy_zone_head", town.z1.id, town.li)


def test_a_post_names_its_place_rightly(tx, town):
    with refused(tx, "no_place_for_level", field="place_id", status=422,
                 zh="总指挥是全社区的，不属于某个地方",
                 en="A Commander is the whole community's: give no place"):
        appoint(tx, "commander", town.z1.id, town.wang)
    with refused(tx, "place_required", field="place_id", status=422, zh="请写明是哪个楼的楼长",
                 en="Say which building"):
        appoint(tx, "building_head", None, town.wang)
    with refused(tx, "unknown_building", field="place_id", status=422):
        appoint(tx, "building_head", 99, town.wang)
    with refused(tx, "unknown_zone", field="place_id"):
        posts.appoint(tx, "maple-court", {"level": "zone_head", "place_id": town.z1.id,
                                          "volunteer_id": town.wang.id}, STAFF, NOW)
    with refused(tx, "unknown_volunteer", field="volunteer_id", status=422,
                 zh="没有编号为 99 的志愿者", en="No volunteer 99"):
        posts.appoint(tx, C, {"level": "zone_head", "place_id": town.z1.id,
                              "volunteer_id": 99}, STAFF, NOW)
    with refused(tx, "unknown_volunteer", field="volunteer_id", status=422,
                 zh=f"没有编号为 {town.wang.id} 的志愿者", en=f"No volunteer {town.wang.id}"):
        posts.appoint(tx, "maple-court", {"level": "commander", "place_id": None,
                                          "volunteer_id": town.wang.id}, STAFF, NOW)


def test_stepping_down_leaves_the_place_without_a_head_and_says_so(tx, town):
    post = appoint(tx, "building_head", town.b6.id, town.zhao)
    ended = posts.step_down(tx, C, post.id, {"note": "年纪大了"}, STAFF, LATER)
    assert (ended.ended_at, ended.end_reason, ended.end_note) == (LATER, "stepped_down",
                                                                   "年纪大了")
    assert posts.current_posts(tx.session, C, level="building_head", place_id=town.b6.id) == []
    vacated = tx.published[-1]
    assert (vacated["routing_key"], vacated["data"]["head"], vacated["data"]["reason"],
            vacated["data"]["building"], vacated["data"]["previous"]["name"]) == (
        "volunteer_grid.head_vacated", None, "stepped_down",
        {"id": town.b6.id, "name": "6号楼"}, "赵敏")
    assert (ended.ended_by, vacated["data"]["at"]) == ("刘主任", "2026-12-27T02:00:00Z")
    assert views.history(tx.session, C, "post", post.id)[-1] == {
        "action": "stepped_down", "by": "刘主任", "at": "2026-12-27T02:00:00Z",
        "detail": {"note": "年纪大了"}}
    with refused(tx, "post_ended", field="post_id", status=409, zh="这项任职已经结束了",
                 en="The post has already ended"):
        posts.step_down(tx, C, post.id, {}, STAFF, LATER)
    with refused(tx, "post_not_found", field="post_id", status=404,
                 zh=f"没有编号为 {post.id} 的任职记录", en=f"No post {post.id}"):
        posts.step_down(tx, "maple-court", post.id, {}, STAFF, LATER)
    # now free to leave
    assert volunteers.set_active(tx, C, town.zhao.id, False, None, STAFF, LATER).active is False


def test_a_heads_new_phone_is_sent_on_for_each_post_they_hold(tx, town):
    appoint(tx, "door_head", town.d2.id, town.wang)
    appoint(tx, "building_head", town.b5.id, town.wang)
    appoint(tx, "door_head", town.d1.id, town.li)         # another head: not theirs to send
    tx.published.clear()
    volunteers.update_volunteer(tx, C, town.wang.id, {"phone": "13700000001"}, STAFF, LATER)
    assert [(m["data"]["level"], m["data"]["reason"], m["data"]["head"]["phone"],
             m["data"]["at"]) for m in tx.published] == [
        ("door_head", "details_changed", "13700000001", "2026-12-27T02:00:00Z"),
        ("building_head", "details_changed", "13700000001", "2026-12-27T02:00:00Z")]
    # skills are not the SMS broadcasts' business
    tx.published.clear()
    volunteers.update_volunteer(tx, C, town.wang.id, {"skills": ["patrol"]}, STAFF, LATER)
    assert tx.published == []


def test_hours_are_written_as_hours_and_minutes():
    assert [hours_text(m) for m in (0, 5, 60, 125, 1440, 10_001)] == [
        "0:00", "0:05", "1:00", "2:05", "24:00", "166:41"]


def test_a_posts_history_is_its_own_holders_earliest_first(tx, town):
    appoint(tx, "door_head", town.d2.id, town.wang, when=LATER)
    appoint(tx, "building_head", town.b6.id, town.zhao, when=NOW)
    appoint(tx, "zone_head", town.z1.id, town.li, when=NOW)
    appoint(tx, "building_head", town.b5.id, town.wang, when=LATER)
    earlier = appoint(tx, "deputy_zone_head", town.z1.id, town.wang, when=NOW)
    same_time = appoint(tx, "deputy_zone_head", town.z1.id, town.zhou, when=NOW)
    later = appoint(tx, "deputy_zone_head", town.z1.id, town.zhao, when=LATER)
    assert [p.id for p in posts.history(tx.session, C, "deputy_zone_head", town.z1.id)] == [
        earlier.id, same_time.id, later.id]
    assert [p.volunteer_id for p in posts.history(tx.session, C, "building_head",
                                                  town.b5.id)] == [town.wang.id]
    assert posts.history(tx.session, C, "building_head", town.b9.id) == []
    assert posts.history(tx.session, "maple-court", "deputy_zone_head", town.z1.id) == []
    assert posts.history(tx.session, C, "commander", None) == []
    # the commanders' posts have no place, and are their own history
    chief = appoint(tx, "commander", None, town.sun, when=LATER)
    assert [p.id for p in posts.history(tx.session, C, "commander", None)] == [chief.id]


def test_a_posts_history_by_when_each_began_whatever_the_order_entered(tx, town):
    later = appoint(tx, "deputy_zone_head", town.z1.id, town.zhao, when=LATER)
    first = appoint(tx, "deputy_zone_head", town.z1.id, town.wang)
    second = appoint(tx, "deputy_zone_head", town.z1.id, town.li)
    assert [p.id for p in posts.history(tx.session, C, "deputy_zone_head", town.z1.id)] == [
        first.id, second.id, later.id]
