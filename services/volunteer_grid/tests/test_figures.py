"""The seed's volunteer grid, entered through the staff API as staff would, and the figures
counted from those records: "彩虹城社区由五个小区组成，180多名志愿者分布其中 … 选出小区区长、
副区长，楼长、楼门长 … 以居委会主任、副主任为正副总指挥".

What is entered, and the counts written beside it by hand:
* 5 zones, 29 buildings (the seed's 29 residential buildings: 6, 6, 6, 6 and 5 to a zone) and
  90 doors (the seed's 90 building doors: 3 to a building, 4 in the first building of the first
  three zones: 19 + 19 + 19 + 18 + 15 = 90);
* 183 volunteers ("180多名"): 40, 36, 38, 34 and 35 to a zone, the i-th of a zone at the zone's
  (i mod doors)-th door; the last three of 五区 leave: 180 active;
* heads: the first volunteer at each door is its door head (90), the door head of a building's
  first door its building head (29), the first of each zone its zone head (5), the 2nd and 3rd
  its deputies (10); the commander the first of 一区, the deputies the 4th of 一区 and of 二区 (2);
* duties: a patrol in each zone on 10 October 2025 and a notices delivery on 10 November 2025,
  each for the first 10 volunteers of the zone: 90 minutes each in October, 45 in November (60
  in 五区): by zone 10×90 + 10×45 = 1350 (22:30), 五区 10×90 + 10×60 = 1500 (25:00); by month
  October 50×90 = 4500 (75:00), November 40×45 + 10×60 = 2400 (40:00); in all 6900 (115:00).
"""
import re
from types import SimpleNamespace

import pytest

from minzi.testing import make_staff, standalone_store

from volunteer_grid.api import router
from volunteer_grid.models import Inbox, Outbox

STAFF = make_staff("program_staff", program_id="volunteer_grid", username="liu", name="刘主任")
ZONES = ("一区", "二区", "三区", "四区", "五区")
BUILDINGS = (6, 6, 6, 6, 5)
VOLUNTEERS = (40, 36, 38, 34, 35)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    with standalone_store("volunteer_grid", Outbox, Inbox,
                          tmp_path_factory.mktemp("seed") / "volunteer_grid.db") as store:
        service = SimpleNamespace(store=store.get_dependency(None), program=SimpleNamespace(
            manifest={"communities": ["rainbow-city"]}))

        def call(method, path, body=None, query=None, staff=STAFF):
            answer = router.dispatch({"method": method, "path": path, "query": query or {},
                                      "body": body, "staff": staff, "lang": "zh"},
                                     service=service)
            assert answer["status"] in (200, 201), (path, body, answer)
            return answer["body"]

        zones = []
        plan = zip(ZONES, BUILDINGS, VOLUNTEERS, strict=True)
        for number, (name, buildings, people) in enumerate(plan):
            zone = call("POST", "/zones", {"name": name})
            doors, firsts = [], []
            for b in range(buildings):
                building = call("POST", "/buildings", {"zone_id": zone["id"],
                                                       "name": f"{number + 1}-{b + 1}号楼"})
                for d in range(4 if b == 0 and number < 3 else 3):
                    doors.append(call("POST", "/doors", {"building_id": building["id"],
                                                         "name": f"{d + 1}单元"}))
                firsts.append((building, len(doors) - (4 if b == 0 and number < 3 else 3)))
            members = [call("POST", "/volunteers", {
                "name": f"{name}志愿者{i + 1}", "phone": f"13{number}{i:08d}",
                "door_id": doors[i % len(doors)]["id"], "skills": ["patrol"]})
                for i in range(people)]
            for d, door in enumerate(doors):
                call("POST", "/posts", {"level": "door_head", "place_id": door["id"],
                                        "volunteer_id": members[d]["id"]})
            for building, first_door in firsts:
                call("POST", "/posts", {"level": "building_head", "place_id": building["id"],
                                        "volunteer_id": members[first_door]["id"]})
            call("POST", "/posts", {"level": "zone_head", "place_id": zone["id"],
                                    "volunteer_id": members[0]["id"]})
            for deputy in members[1:3]:
                call("POST", "/posts", {"level": "deputy_zone_head", "place_id": zone["id"],
                                        "volunteer_id": deputy["id"]})
            zones.append((zone, members))
        call("POST", "/posts", {"level": "commander", "volunteer_id": zones[0][1][0]["id"]})
        for _, members in zones[:2]:
            call("POST", "/posts", {"level": "deputy_commander",
                                    "volunteer_id": members[3]["id"]})
        for leaver in zones[4][1][-3:]:
            call("POST", f"/volunteers/{leaver['id']}/active", {"active": False, "note": "搬走"})
        for number, (zone, members) in enumerate(zones):
            for day, kind, minutes in (("2025-10-10", "patrol", 90),
                                       ("2025-11-10", "notice_delivery",
                                        60 if number == 4 else 45)):
                duty = call("POST", "/duties", {"kind": kind, "title": f"{zone['name']}{kind}",
                                                "zone_id": zone["id"], "day": day})
                team = [m["id"] for m in members[:10]]
                call("POST", f"/duties/{duty['id']}/assignments", {"volunteer_ids": team})
                for volunteer_id in team:
                    call("POST", f"/duties/{duty['id']}/minutes",
                         {"volunteer_id": volunteer_id, "minutes": minutes})
        yield SimpleNamespace(call=call, zones=zones)


def test_the_seeds_volunteers_and_their_zones(seeded):
    figures = seeded.call("GET", "/figures")
    assert (figures["volunteers"]["total"], figures["volunteers"]["active"],
            figures["volunteers"]["inactive"]) == (183, 180, 3)
    assert [(z["zone"], z["active"], z["total"]) for z in figures["volunteers"]["by_zone"]] == [
        ("一区", 40, 40), ("二区", 36, 36), ("三区", 38, 38), ("四区", 34, 34), ("五区", 32, 35)]


def test_the_heads_by_level(seeded):
    heads = seeded.call("GET", "/figures")["heads"]
    assert [(h["label"], h["count"]) for h in heads["by_level"]] == [
        ("总指挥", 1), ("副总指挥", 2), ("区长", 5), ("副区长", 10), ("楼长", 29),
        ("楼门长", 90)]
    assert (heads["zones_without_head"], heads["buildings_without_head"],
            heads["doors_without_head"]) == (0, 0, 0)


def test_the_hours_by_zone_and_month(seeded):
    hours = seeded.call("GET", "/figures")["hours"]
    assert (hours["minutes"], hours["hours"]) == (6900, "115:00")
    assert [(z["zone"], z["minutes"], z["hours"]) for z in hours["by_zone"]] == [
        ("一区", 1350, "22:30"), ("二区", 1350, "22:30"), ("三区", 1350, "22:30"),
        ("四区", 1350, "22:30"), ("五区", 1500, "25:00")]
    assert [(m["month"], m["minutes"], m["hours"]) for m in hours["by_month"]] == [
        ("2025-10", 4500, "75:00"), ("2025-11", 2400, "40:00")]
    assert [(r["zone"], r["month"], r["minutes"]) for r in hours["by_zone_month"]] == [
        ("一区", "2025-10", 900), ("一区", "2025-11", 450), ("二区", "2025-10", 900),
        ("二区", "2025-11", 450), ("三区", "2025-10", 900), ("三区", "2025-11", 450),
        ("四区", "2025-10", 900), ("四区", "2025-11", 450), ("五区", "2025-10", 900),
        ("五区", "2025-11", 600)]
    november = seeded.call("GET", "/figures", query={"month": "2025-11"})
    assert (november["hours"]["minutes"], november["duties"]["total"],
            [k["label"] for k in november["duties"]["by_kind"]]) == (2400, 5, ["通知送达"])


def test_the_hours_by_volunteer(seeded):
    items = seeded.call("GET", "/hours")["items"]
    # the 50 who served: 五区's ten 150 minutes each (90 + 60), the others 135 (90 + 45)
    assert len(items) == 50
    assert [(i["name"], i["minutes"], i["hours"], i["duties"]) for i in items[:2]] == [
        ("五区志愿者1", 150, "2:30", 2), ("五区志愿者2", 150, "2:30", 2)]
    assert (items[10]["name"], items[10]["zone"], items[10]["minutes"]) == (
        "一区志愿者1", "一区", 135)
    october = seeded.call("GET", "/hours", query={"month": "2025-10"})["items"]
    assert {i["minutes"] for i in october} == {90}


def test_residents_read_the_heads_names_and_no_phones(seeded):
    public = seeded.call("GET", "/public/heads", query={"community": "rainbow-city"},
                         staff=None)
    assert len(public["items"]) == 29
    assert public["commander"] == ["一区志愿者1"]
    assert public["deputy_commanders"] == ["一区志愿者4", "二区志愿者4"]
    first = public["zones"][0]
    assert (first["zone"], first["zone_head"], first["deputy_zone_heads"]) == (
        "一区", ["一区志愿者1"], ["一区志愿者2", "一区志愿者3"])
    assert first["buildings"][1] == {"building": "1-2号楼", "building_head": ["一区志愿者5"]}
    assert public["items"][1] == {"zone": "一区", "building": "1-2号楼",
                                  "zone_head": "一区志愿者1", "building_head": "一区志愿者5"}
    assert re.search(r"1[3-9][0-9]{9}", str(public)) is None     # no mobile number
