"""The legal-aid home (普法互助家园) as its users meet it: started with the suite, reached through
Open311 and the gateway's staff API, and counted in its public figures."""
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest
import requests

from minzi.testing import wait_for

from ..conftest import OPEN311_KEY, ProgramClient, tracking_code

pytestmark = pytest.mark.e2e

BEIJING = timezone(timedelta(hours=8))
PROGRAM = "/api/v1/programs/legal_aid"
SERVICE_NAMES = {
    "legal_consultation": "法律咨询",
    "labour_dispute": "劳动争议",
    "tenancy_dispute": "房屋租赁纠纷",
    "family_dispute": "婚姻家庭纠纷",
    "migrant_legal_help": "流动人口法律援助",
    "law_lecture_request": "普法讲座报名与建议",
}


@pytest.fixture
def running(suite):
    return suite.start_with("legal_aid", "labour_dispute")


def program_operator(suite, username="law-desk"):
    return ProgramClient(suite, "legal_aid", suite.add_staff(username, "王律助", "program_staff",
                                                         "legal_aid", "law-desk-pass-1"))


def beijing(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(BEIJING)


def month_of(iso):
    return f"{beijing(iso):%Y-%m}"


def month_bounds(day):
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def track(suite, code):
    return requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()


# -- (a) an Open311 labour dispute, from the resident to the reply --------------------------------

def test_a_labour_dispute_from_open311_is_booked_with_a_lawyer_and_answered(running):
    suite = running
    offered = {s["service_code"]: s for s in requests.get(
        suite.url("/open311/v2/services.json?jurisdiction_id=rainbow-city"), timeout=10).json()}
    assert {code: offered[code]["service_name"] for code in SERVICE_NAMES
            if code in offered} == SERVICE_NAMES
    definition = requests.get(suite.url("/open311/v2/services/legal_consultation.json"),
                              timeout=10).json()
    area = next(a for a in definition["attributes"] if a["code"] == "area_of_law")
    assert area["required"] is True
    assert {"key": "labour", "name": "劳动争议 / Labour dispute"} in area["values"]

    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
        "service_code": "labour_dispute",
        "description": "在工地干了三个月，老板拖欠工资一万二，一直不给",
        "address_string": "彩虹城8号楼3单元", "phone": "13800005555", "first_name": "建国",
        "last_name": "刘", "attribute[employer]": "彩虹建筑劳务公司",
        "attribute[amount_owed]": "12000"})
    assert posted.status_code == 201, posted.text
    code, public_id = tracking_code(posted), posted.json()[0]["service_request_id"]

    view = wait_for(lambda: (lambda v: v if v["status"] == "accepted" else None)(
        track(suite, code)), message="the legal-aid home to accept the case")
    assert view["program"] == "普法互助家园"

    operator = program_operator(suite)
    cases = operator.get("/cases")["items"]
    assert [c["tracking_code"] for c in cases] == [code]
    case = cases[0]
    assert (case["status"], case["service_code"], case["area_of_law"]) == \
        ("accepted", "labour_dispute", "labour")
    assert case["resident"]["phone"] == "13800005555"
    assert case["attributes"]["employer"] == "彩虹建筑劳务公司"

    # a consultation day tomorrow (Beijing) with a volunteer lawyer's afternoon slot
    lawyer = operator.ok("POST", "/lawyers", {"name": "陈明", "firm": "彩虹律师事务所",
                                              "phone": "13900006666"})
    tomorrow = (datetime.now(BEIJING) + timedelta(days=1)).date()
    day = operator.ok("POST", "/consultation-days", {
        "day": tomorrow.isoformat(), "place": "社区服务站二楼调解室",
        "slots": [{"lawyer_id": lawyer["id"], "starts_at": f"{tomorrow}T14:00:00",
                   "ends_at": f"{tomorrow}T15:00:00", "minutes": 30}]})
    assert [s["lawyer"]["name"] for s in day["slots"]] == ["陈明", "陈明"]
    slot = day["slots"][1]

    booked = operator.ok("POST", f"/cases/{case['id']}/book",
                         {"day_id": day["id"], "slot_id": slot["id"],
                          "note": "请带上劳动合同和工资条"})
    assert booked["case"]["status"] == "booked"
    assert booked["booking"]["slot_id"] == slot["id"]
    assert booked["booking"]["lawyer"]["name"] == "陈明"
    assert booked["booking"]["phone"] == "13800005555"
    # the slot is no longer free for anyone else
    public_day = ProgramClient(suite, "legal_aid").get(f"/consultation-days/{day['id']}")
    assert [s["free"] for s in public_day["slots"]] == [True, False]
    assert "booking" not in public_day["slots"][1]

    # intake heard when and with whom; the resident sees progress
    wait_for(lambda: "办理进展" in [h["action"] for h in track(suite, code)["history"]],
             message="the booking to reach intake")
    admin = suite.login()
    intake_case = next(c for c in requests.get(suite.url("/api/v1/cases"), headers=admin,
                                               timeout=10).json() if c["tracking_code"] == code)
    history = requests.get(suite.url(f"/api/v1/cases/{intake_case['id']}"), headers=admin,
                           timeout=10).json()["history"]
    progress = [h["note"] for h in history if h["action"] == "progress"]
    assert len(progress) == 1
    assert f"{tomorrow} 14:30" in progress[0] and "陈明律师" in progress[0]
    assert "社区服务站二楼调解室" in progress[0] and "请带上劳动合同和工资条" in progress[0]

    reply = "您好，陈明律师已为您起草劳动仲裁申请书，请于下周一前往区劳动人事争议仲裁院递交。"
    resolved = operator.ok("POST", f"/cases/{case['id']}/resolve",
                           {"result": "律师接待，指导申请劳动仲裁", "reply": reply}, status=200)
    assert resolved["status"] == "resolved"

    view = wait_for(lambda: (lambda v: v if v["status"] == "replied" else None)(
        track(suite, code)), message="the reply to reach the resident")
    assert view["reply"] == reply
    assert view["status_label"] == "已答复"
    assert view["can_give_feedback"] is True
    one = requests.get(suite.url(f"/open311/v2/requests/{public_id}.json?jurisdiction_id="
                                 "rainbow-city"), timeout=10).json()[0]
    assert (one["status"], one["status_notes"]) == ("closed", "已答复")   # the public: no reply
    assert one["agency_responsible"] == "普法互助家园"

    # the program keeps its own record of what happened
    record = operator.get(f"/cases/{case['id']}")
    assert record["status"] == "resolved" and record["reply"] == reply
    assert [h["action"] for h in record["history"]] == ["received", "booked", "resolved"]
    # a closed case cannot be worked again
    operator.refused("POST", f"/cases/{case['id']}/resolve", {"result": "再次办结"}, 409,
                     "case_closed")


# -- (b) a month of lectures, consultation days and receptions; the figures -----------------------

def test_a_month_of_lectures_and_consultation_days_gives_the_right_figures(running):
    suite = running
    operator = program_operator(suite)
    public = ProgramClient(suite, "legal_aid")
    now = datetime.now(BEIJING)

    # -- a lecture with two seats, starting in a few seconds; a third resident waits and moves
    # up when a seat is freed; attendance is taken once it has begun
    starts = now + timedelta(seconds=15)
    lecture = operator.ok("POST", "/lectures", {
        "topic": "劳动合同与欠薪维权", "speaker": "陈明律师", "starts_at": starts.isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(), "place": "社区活动室", "capacity": 2})
    other = operator.ok("POST", "/lectures", {
        "topic": "租房合同要点", "speaker": "李芳律师",
        "starts_at": (now + timedelta(hours=4)).isoformat(), "place": "社区活动室",
        "capacity": 30})
    called_off = operator.ok("POST", "/lectures", {
        "topic": "婚姻家庭与继承", "speaker": "李芳律师",
        "starts_at": (now + timedelta(hours=5)).isoformat(), "place": "社区活动室",
        "capacity": 30})
    operator.refused("POST", "/lectures", {
        "topic": "过去的讲座", "speaker": "陈明律师",
        "starts_at": (now - timedelta(hours=1)).isoformat(), "place": "社区活动室",
        "capacity": 10}, 422, "lecture_in_past")

    path = f"/lectures/{lecture['id']}/registrations"
    anna = public.ok("POST", path, {"name": "周安娜", "phone": "13700000001"})
    bo = public.ok("POST", path, {"name": "吴波", "phone": "13700000002"})
    cui = public.ok("POST", path, {"name": "崔晨", "phone": "13700000003"})
    assert [r["status"] for r in (anna, bo, cui)] == ["registered", "registered", "waitlisted"]
    assert cui["waitlist_position"] == 1
    assert anna["phone"] != "13700000001" and anna["cancel_code"]  # the public sees it masked
    public.refused("POST", path, {"name": "周安娜", "phone": "13700000001"}, 409,
                   "already_registered")
    listed = public.get("/lectures", community="rainbow-city")["items"]
    first = next(item for item in listed if item["id"] == lecture["id"])
    assert (first["registered"], first["waitlisted"], first["seats_left"]) == (2, 1, 0)

    cancel = f"{path}/{anna['id']}/cancel"
    public.refused("POST", cancel, {"code": "not-the-code"}, 403, "wrong_cancel_code")
    cancelled = public.ok("POST", cancel, {"code": anna["cancel_code"]}, status=200)
    assert cancelled["registration"]["status"] == "cancelled"
    assert [r["id"] for r in cancelled["promoted"]] == [cui["id"]]
    seen = operator.get(f"/lectures/{lecture['id']}")
    assert {r["name"]: r["status"] for r in seen["registrations"]} == {
        "周安娜": "cancelled", "吴波": "registered", "崔晨": "registered"}
    assert (seen["registered"], seen["waitlisted"]) == (2, 0)

    attendance = {"present": [cui["id"]], "absent": [bo["id"]],
                  "walk_ins": [{"name": "赵六", "phone": "13700000004"}]}
    operator.refused("POST", f"/lectures/{lecture['id']}/attendance", attendance, 409,
                     "lecture_not_started")

    def taken():
        response = operator.call("POST", f"/lectures/{lecture['id']}/attendance", attendance)
        return response.json() if response.status_code == 200 else None
    held = wait_for(taken, timeout=40, interval=0.5, message="the lecture to begin")
    assert (held["status"], held["attended"]) == ("held", 2)
    operator.refused("POST", f"/lectures/{lecture['id']}/attendance",
                     {"present": [anna["id"]]}, 422, "not_registered")
    assert operator.ok("POST", f"/lectures/{called_off['id']}/cancel",
                       {"reason": "主讲律师临时出差"}, status=200)["status"] == "cancelled"

    # -- two consultation days, two volunteer lawyers
    chen = operator.ok("POST", "/lawyers", {"name": "陈明", "firm": "彩虹律师事务所"})
    li = operator.ok("POST", "/lawyers", {"name": "李芳", "firm": "枫林律师事务所"})
    day1_date = (now + timedelta(days=1)).date()
    day2_date = (now + timedelta(days=2)).date()
    operator.refused("POST", "/consultation-days", {
        "day": (now - timedelta(days=1)).date().isoformat(), "place": "社区服务站"},
        422, "day_in_past")
    day1 = operator.ok("POST", "/consultation-days", {
        "day": day1_date.isoformat(), "place": "社区服务站二楼", "slots": [
            {"lawyer_id": chen["id"], "starts_at": f"{day1_date}T09:00:00",
             "ends_at": f"{day1_date}T11:00:00", "minutes": 30},
            {"lawyer_id": li["id"], "starts_at": f"{day1_date}T09:00:00",
             "ends_at": f"{day1_date}T10:00:00", "minutes": 30}]})
    assert len(day1["slots"]) == 6
    day2 = operator.ok("POST", "/consultation-days",
                       {"day": day2_date.isoformat(), "place": "社区服务站二楼"})
    day2 = operator.ok("POST", f"/consultation-days/{day2['id']}/slots", {"slots": [
        {"lawyer_id": chen["id"], "starts_at": f"{day2_date}T14:00:00",
         "ends_at": f"{day2_date}T15:00:00", "minutes": 30},
        {"lawyer_id": li["id"], "starts_at": f"{day2_date}T14:00:00",
         "ends_at": f"{day2_date}T15:00:00"}]})
    assert len(day2["slots"]) == 3

    # bad slots are refused by name and add nothing (not even the good ones sent with them)
    slots1 = f"/consultation-days/{day1['id']}/slots"
    error = operator.refused("POST", slots1, {"slots": [
        {"lawyer_id": li["id"], "starts_at": f"{day1_date}T11:00:00",
         "ends_at": f"{day1_date}T12:00:00"},
        {"lawyer_id": chen["id"], "starts_at": f"{day1_date}T10:30:00",
         "ends_at": f"{day1_date}T11:30:00"}]}, 409, "slot_overlap")
    assert "陈明" in error["message"] and "slots.1.starts_at" in error["fields"]
    error = operator.refused("POST", slots1, {"slots": [
        {"lawyer_id": li["id"], "starts_at": (now - timedelta(hours=2)).isoformat(),
         "ends_at": (now - timedelta(hours=1)).isoformat()}]}, 422, "slot_in_past")
    assert "starts_at" in error["fields"]
    error = operator.refused("POST", slots1, {"slots": [
        {"lawyer_id": 999999, "starts_at": f"{day1_date}T15:00:00",
         "ends_at": f"{day1_date}T16:00:00"}]}, 422, "unknown_lawyer")
    assert "lawyer_id" in error["fields"]
    assert len(operator.get(f"/consultation-days/{day1['id']}")["slots"]) == 6

    # -- bookings: a refused double booking, a refused taken slot, a cancellation, a walk-in
    slot_ids = [s["id"] for s in day1["slots"]]
    bookings1 = f"/consultation-days/{day1['id']}/bookings"
    mrs_he = operator.ok("POST", bookings1, {"name": "何秀英", "phone": "13600000011",
                                             "slot_id": slot_ids[0], "note": "邻居占用楼道"})
    assert mrs_he["kind"] == "booked" and mrs_he["slot_id"] == slot_ids[0]
    operator.refused("POST", bookings1, {"name": "何秀英", "phone": "13600000011",
                                         "slot_id": slot_ids[1]}, 409, "already_booked_that_day")
    operator.refused("POST", bookings1, {"name": "孙强", "phone": "13600000012",
                                         "slot_id": slot_ids[0]}, 409, "slot_taken")
    sun = operator.ok("POST", bookings1, {"name": "孙强", "phone": "13600000012"})
    assert sun["slot_id"] in slot_ids[1:]       # the first free slot
    operator.ok("POST", f"/bookings/{sun['id']}/cancel", {"reason": "居民改期"}, status=200)
    operator.refused("POST", f"/bookings/{sun['id']}/cancel", {}, 409, "booking_cancelled")
    walk_in = operator.ok("POST", f"/consultation-days/{day1['id']}/walk-ins",
                          {"name": "马丽", "phone": "13600000013", "slot_id": sun["slot_id"]})
    assert walk_in["kind"] == "walk_in" and walk_in["slot_id"] == sun["slot_id"]
    operator.ok("POST", f"/consultation-days/{day2['id']}/bookings",
                {"name": "孙强", "phone": "13600000012"})
    free1 = public.get(f"/consultation-days/{day1['id']}")
    assert (free1["free_slots"], free1["booked_slots"]) == (4, 2)
    assert all("booking" not in s for s in free1["slots"])

    # -- receptions, with outcomes across areas of law
    receptions = []

    def receive(body):
        reception = operator.ok("POST", "/receptions", body)
        receptions.append(reception)
        return reception

    solved = receive({"booking_id": mrs_he["id"], "area_of_law": "neighbour",
                      "problem": "邻居长期在楼道堆放杂物", "outcome": "solved",
                      "outcome_note": "律师陪同调解，邻居已清理"})
    assert solved["lawyer"]["name"] == "陈明" and solved["visitor"]["name"] == "何秀英"
    assert solved["channel"] == "booked"
    advised = receive({"booking_id": walk_in["id"], "area_of_law": "tenancy",
                       "problem": "房东不退押金", "outcome": "advised"})
    assert advised["channel"] == "walk_in"
    referred = receive({"visitor": {"name": "阿依古丽", "phone": "13600000014", "migrant": True},
                        "area_of_law": "migrant", "problem": "居住证办理被拒",
                        "outcome": "referred", "outcome_note": "转介区法律援助中心",
                        "lawyer_id": li["id"]})
    pending = receive({"visitor": {"name": "阿依古丽", "phone": "13600000014"},
                       "area_of_law": "labour", "problem": "被辞退未获经济补偿",
                       "outcome": "pending", "lawyer_id": chen["id"]})
    assert pending["visitor"]["id"] == referred["visitor"]["id"]
    assert [v["id"] for v in pending["earlier_visits"]] == [referred["id"]]
    receive({"visitor": {"name": "钱多多", "phone": "13600000015"},
             "area_of_law": "family", "problem": "子女抚养费",
             "outcome": "pending"})
    updated = operator.ok("PATCH", f"/receptions/{pending['id']}",
                          {"outcome": "solved", "outcome_note": "用人单位已支付补偿"}, status=200)
    assert updated["outcome"] == "solved"
    visitor = operator.get(f"/visitors/{referred['visitor']['id']}")
    assert visitor["migrant"] is True and len(visitor["visits"]) == 2

    # a reception from last month, to show the months are kept apart
    last_month = (now.date().replace(day=1) - timedelta(days=1)).replace(day=15)
    earlier = operator.ok("POST", "/receptions", {
        "visitor": {"name": "郑伟", "phone": "13600000016"}, "area_of_law": "tenancy",
        "outcome": "solved", "received_at": f"{last_month}T10:00:00"})
    assert month_of(earlier["received_at"]) == f"{last_month:%Y-%m}"

    # bad receptions are refused by name and record nothing
    before = operator.get("/receptions")["total"]
    operator.refused("POST", "/receptions", {"visitor": {"name": "路人"},
                                             "area_of_law": "space_law", "outcome": "solved"},
                     422, "unknown_area_of_law")
    operator.refused("POST", "/receptions", {"visitor": {"name": "路人"}, "area_of_law": "labour",
                                             "outcome": "solved", "lawyer_id": 999999},
                     422, "unknown_lawyer")
    operator.refused("POST", "/receptions", {
        "visitor": {"name": "路人"}, "area_of_law": "labour", "outcome": "solved",
        "received_at": (now + timedelta(days=1)).isoformat()}, 422, "received_in_future")
    operator.refused("POST", "/receptions", {"area_of_law": "labour", "outcome": "solved"},
                     422, "visitor_required")
    assert operator.get("/receptions")["total"] == before == 6
    assert operator.get("/visitors", name="路人")["items"] == []

    # -- the figures, from the records, for the month (anyone may read them)
    expected_months = defaultdict(lambda: {"lectures_held": 0, "attendance": 0, "received": 0,
                                           "solved": 0})
    expected_months[month_of(held["starts_at"])]["lectures_held"] += 1
    expected_months[month_of(held["starts_at"])]["attendance"] += 2
    for reception in receptions:
        row = expected_months[month_of(reception["received_at"])]
        row["received"] += 1
        row["solved"] += reception is solved or reception is pending
    month_start = beijing(receptions[0]["received_at"]).date().replace(day=1)
    _, month_end = month_bounds(max(day2_date, beijing(other["starts_at"]).date()))
    # (everything is normally in one month; the bounds also hold at a month's end)

    figures = public.get("/figures", **{"from": month_start.isoformat(),
                                        "to": month_end.isoformat()})
    assert figures["lectures"] == {"planned": 1, "held": 1, "cancelled": 1, "attendance": 2}
    assert figures["receptions"] == {
        "received": 5, "visitors": 4, "solved": 2,
        "by_outcome": [{"code": "solved", "name": "已解决", "count": 2},
                       {"code": "advised", "name": "已提供法律意见", "count": 1},
                       {"code": "referred", "name": "已转介", "count": 1},
                       {"code": "pending", "name": "待跟进", "count": 1}]}
    assert figures["consultation_days"] == {"days": 2, "slots": 9, "booked": 2, "walk_ins": 1}
    assert figures["by_area_of_law"] == [       # in the order of the areas-of-law list
        {"code": "labour", "name": "劳动争议", "received": 1, "solved": 1},
        {"code": "tenancy", "name": "房屋租赁", "received": 1, "solved": 0},
        {"code": "family", "name": "婚姻家庭", "received": 1, "solved": 0},
        {"code": "neighbour", "name": "邻里纠纷", "received": 1, "solved": 1},
        {"code": "migrant", "name": "流动人口权益", "received": 1, "solved": 0}]
    assert figures["by_month"] == [{"month": m, **expected_months[m]}
                                   for m in sorted(expected_months)]
    assert figures["cases"]["received"] == 0

    # last month holds only last month's reception; with no bounds, everything
    last_start, last_end = month_bounds(last_month)
    previous = public.get("/figures", **{"from": last_start.isoformat(),
                                         "to": last_end.isoformat()})
    assert previous["receptions"]["received"] == 1 and previous["receptions"]["solved"] == 1
    assert previous["lectures"]["held"] == 0 and previous["consultation_days"]["days"] == 0
    assert previous["by_month"] == [{"month": f"{last_month:%Y-%m}", "lectures_held": 0,
                                     "attendance": 0, "received": 1, "solved": 1}]
    everything = public.get("/figures")
    assert (everything["receptions"]["received"], everything["receptions"]["visitors"],
            everything["receptions"]["solved"]) == (6, 5, 3)
    tenancy = next(r for r in everything["by_area_of_law"] if r["code"] == "tenancy")
    assert (tenancy["received"], tenancy["solved"]) == (2, 1)
    assert [m["month"] for m in everything["by_month"]] == sorted(
        {f"{last_month:%Y-%m}", *expected_months})
