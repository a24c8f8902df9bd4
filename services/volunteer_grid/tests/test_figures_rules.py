"""The figures' rules on a small grid, each count written by hand: who counts as active, the
heads now (not those replaced), the places still without a head, minutes by the zone a volunteer
lives in and the Beijing month of the duty's day, a month's figures alone, and the list by
volunteer, most minutes first."""
from datetime import date

from volunteer_grid.domain import duties, posts, volunteers
from volunteer_grid.domain.figures import figures, hours_by_volunteer

from .conftest import NOW, STAFF, C


def served(tx, town, day, zone, people_minutes, kind="patrol"):
    duty = duties.add_duty(tx, C, {"kind": kind, "title": "值勤", "zone_id": zone, "day": day},
                           STAFF, NOW)
    duties.assign(tx, C, duty.id, {"volunteer_ids": [v.id for v, _ in people_minutes]}, STAFF,
                  NOW)
    for volunteer, minutes in people_minutes:
        if minutes is not None:
            duties.record_minutes(tx, C, duty.id, {"volunteer_id": volunteer.id,
                                                   "minutes": minutes}, STAFF, NOW)
    return duty


def test_volunteers_and_heads_counted_from_the_records(tx, town):
    volunteers.set_active(tx, C, town.zhou.id, False, None, STAFF, NOW)
    appoint = lambda level, place, who: posts.appoint(  # noqa: E731
        tx, C, {"level": level, "place_id": place, "volunteer_id": who.id}, STAFF, NOW)
    appoint("building_head", town.b5.id, town.wang)
    appoint("building_head", town.b5.id, town.li)          # replaces 王芳: one head, not two
    appoint("door_head", town.d1.id, town.li)
    appoint("zone_head", town.z2.id, town.sun)
    appoint("deputy_zone_head", town.z1.id, town.wang)
    appoint("deputy_zone_head", town.z1.id, town.zhao)
    counted = figures(tx.session, C)
    # 5 volunteers, 周杰 left: 4 active; 一区 has 王芳, 李强, 赵敏 active and 周杰 not
    assert (counted["volunteers"]["total"], counted["volunteers"]["active"],
            counted["volunteers"]["inactive"]) == (5, 4, 1)
    assert [(z["zone"], z["active"], z["total"]) for z in counted["volunteers"]["by_zone"]] == [
        ("一区", 3, 4), ("二区", 1, 1)]
    assert {h["level"]: h["count"] for h in counted["heads"]["by_level"]} == {
        "commander": 0, "deputy_commander": 0, "zone_head": 1, "deputy_zone_head": 2,
        "building_head": 1, "door_head": 1}
    # 一区 has no zone head; 6号楼 and 9号楼 no building head; 2单元 no door head
    assert (counted["heads"]["zones_without_head"], counted["heads"]["buildings_without_head"],
            counted["heads"]["doors_without_head"]) == (1, 2, 1)
    assert [h["label"] for h in figures(tx.session, C, "en")["heads"]["by_level"]][:2] == [
        "Commander", "Deputy commander"]
    assert figures(tx.session, "maple-court")["volunteers"]["total"] == 0
    # a head for 一区 and 2单元: no zone and no door left without one
    appoint("zone_head", town.z1.id, town.zhao)
    appoint("door_head", town.d2.id, town.wang)
    heads = figures(tx.session, C)["heads"]
    assert (heads["zones_without_head"], heads["doors_without_head"]) == (0, 0)


def test_minutes_by_zone_month_and_volunteer(tx, town):
    # 王芳 and 赵敏 live in 一区, 孙丽 in 二区; the duty's own zone does not decide
    served(tx, town, date(2026, 10, 31), town.z1.id, [(town.wang, 120), (town.sun, 45)])
    served(tx, town, date(2026, 11, 1), None, [(town.wang, 30), (town.zhao, 61)],
           kind="notice_delivery")
    served(tx, town, date(2026, 11, 2), town.z2.id, [(town.sun, 15), (town.li, None)])
    counted = figures(tx.session, C)
    hours = counted["hours"]
    # 120 + 45 + 30 + 61 + 15 = 271; 李强's minutes not yet recorded count nothing
    assert (hours["minutes"], hours["hours"]) == (271, "4:31")
    # 一区: 王芳 150 + 赵敏 61 = 211; 二区: 孙丽 45 + 15 = 60
    assert [(z["zone"], z["minutes"], z["hours"]) for z in hours["by_zone"]] == [
        ("一区", 211, "3:31"), ("二区", 60, "1:00")]
    # October: 120 + 45 = 165; November: 30 + 61 + 15 = 106
    assert [(m["month"], m["minutes"]) for m in hours["by_month"]] == [("2026-10", 165),
                                                                        ("2026-11", 106)]
    assert [(r["zone"], r["month"], r["minutes"], r["hours"])
            for r in hours["by_zone_month"]] == [
        ("一区", "2026-10", 120, "2:00"), ("一区", "2026-11", 91, "1:31"),
        ("二区", "2026-10", 45, "0:45"), ("二区", "2026-11", 15, "0:15")]
    assert (counted["duties"]["total"], [(k["kind"], k["label"], k["count"]) for k in
                                         counted["duties"]["by_kind"]]) == (
        3, [("patrol", "治安巡逻", 2), ("notice_delivery", "通知送达", 1)])
    assert (counted["community"], [(z["zone_id"], z["zone"]) for z in hours["by_zone"]],
            [(z["zone_id"], z["zone"]) for z in counted["volunteers"]["by_zone"]]) == (
        C, [(town.z1.id, "一区"), (town.z2.id, "二区")],
        [(town.z1.id, "一区"), (town.z2.id, "二区")])
    assert [k["label"] for k in figures(tx.session, C, "en")["duties"]["by_kind"]] == [
        "Patrol", "Notices delivery"]
    november = figures(tx.session, C, month="2026-11")
    assert (november["month"], november["hours"]["minutes"], november["duties"]["total"],
            [z["minutes"] for z in november["hours"]["by_zone"]]) == ("2026-11", 106, 2,
                                                                      [91, 15])
    # by volunteer, most minutes first; the same minutes in volunteer order
    assert [(v["name"], v["zone"], v["duties"], v["minutes"], v["hours"])
            for v in hours_by_volunteer(tx.session, C)] == [
        ("王芳", "一区", 2, 150, "2:30"), ("赵敏", "一区", 1, 61, "1:01"),
        ("孙丽", "二区", 2, 60, "1:00")]
    assert hours_by_volunteer(tx.session, C, "2026-10") == [
        {"volunteer_id": town.wang.id, "name": "王芳", "zone": "一区", "duties": 1,
         "minutes": 120, "hours": "2:00"},
        {"volunteer_id": town.sun.id, "name": "孙丽", "zone": "二区", "duties": 1,
         "minutes": 45, "hours": "0:45"}]
    served(tx, town, date(2026, 11, 3), None, [(town.zhou, 61)])
    assert [v["name"] for v in hours_by_volunteer(tx.session, C, "2026-11")] == [
        "赵敏", "周杰", "王芳", "孙丽"]
    assert hours_by_volunteer(tx.session, "maple-court") == []
