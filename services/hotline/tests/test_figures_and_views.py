"""The figures counted from the records, and what the card and the staff API's views show:
merchants by category, calls by category and Beijing month, answers in time, the average
rating per merchant (exact, half up), complaints; the card with only the offered merchants;
the resident in full for the hotline's staff and masked for an admin."""
from datetime import UTC, date, datetime, timedelta

from hotline.domain import cases, complaints, doors, jobs, merchants, views
from hotline.domain.figures import average, figures

from .conftest import (
    BAIDU,
    HUAWEI,
    MAPLE_STAFF,
    NOW,
    STAFF,
    TENCENT,
    TODAY,
    XIAOMI,
    C,
    call,
    merchant_data,
    signed,
)

# 23:30 on 31 October in Beijing is 15:30 UTC; 00:30 on 1 November is 16:30 UTC on 31 October
LAST_OCTOBER_NIGHT = datetime(2026, 10, 31, 15, 30, tzinfo=UTC)
FIRST_NOVEMBER_NIGHT = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)


def test_the_average_rating_is_exact_to_one_decimal_half_up():
    assert [average(r) for r in ([], [5], [5, 4], [4, 4, 5], [5, 5, 4], [1, 2])] == [
        None, "5.0", "4.5", "4.3", "4.7", "1.5"]
    # 4.25 and 4.35 are exactly between: half up
    assert (average([4, 4, 4, 5]), average([4, 4, 5, 5, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4, 5, 5,
                                            4, 4, 5, 5])) == ("4.3", "4.4")


def world(tx):
    """Two domestic-help merchants (one suspended), a water station, an unsigned repairer;
    four calls over two months, their jobs, ratings and complaints. Counted by hand below."""
    home = signed(tx, "好帮手家政", BAIDU, ["domestic_help", "elderly_care"])
    water = signed(tx, "清泉水站", HUAWEI, ["water_delivery"])
    merchants.register(tx, C, merchant_data("快修家电", XIAOMI, ["appliance_repair"]), STAFF, NOW)
    gone = signed(tx, "安心家政", TENCENT)
    merchants.suspend_by_staff(tx, C, gone.id, {"reason": "停业"}, STAFF, NOW)
    call(tx, 1, "domestic_help", when=LAST_OCTOBER_NIGHT)
    call(tx, 2, "water_delivery", when=FIRST_NOVEMBER_NIGHT)
    call(tx, 3, "water_delivery", when=NOW)
    call(tx, 4, "appliance_repair", when=NOW)
    call(tx, 9, "water_delivery", community="maple-court")
    first = jobs.route(tx.session, 1, {}, STAFF, NOW)
    for answer in ("accepted", "came", "done"):
        jobs.respond(tx.session, first.id, {"response": answer}, STAFF,
                     NOW + timedelta(minutes=10))
    jobs.rate(tx.session, first.id, {"rating": 5}, STAFF, NOW)
    second = jobs.route(tx.session, 2, {}, STAFF, NOW)
    jobs.respond(tx.session, second.id, {"response": "declined"}, STAFF,
                 NOW + timedelta(hours=3))
    third = jobs.route(tx.session, 3, {}, STAFF, NOW)
    for answer in ("accepted", "came", "done"):
        jobs.respond(tx.session, third.id, {"response": answer}, STAFF, NOW)
    jobs.rate(tx.session, third.id, {"rating": 4}, STAFF, NOW)
    cases.finish(cases.get_case(tx.session, 3, STAFF), "done", STAFF, NOW, resolved=True,
                 text="送到")
    cases.finish(cases.get_case(tx.session, 4, STAFF), None, STAFF, NOW, resolved=False,
                 text="没有签约家电维修")
    complaint = complaints.file(tx, C, home.id, {"received_on": TODAY, "description": "迟到"},
                                STAFF, NOW)
    complaints.decide(tx, C, complaint.id, {"upheld": True, "note": "属实"}, STAFF, NOW)
    complaints.file(tx, C, water.id, {"received_on": TODAY, "description": "水桶脏"},
                    STAFF, NOW)
    for building, door in (("1号楼", "1单元"), ("1号楼", "2单元"), ("5号楼", "2单元")):
        doors.post(tx, C, {"building": building, "door": door, "posted_on": TODAY}, STAFF, NOW)
    return home, water


def test_the_figures_count_the_records(tx):
    home, water = world(tx)
    found = figures(tx.session, C)
    assert found["merchants"] == {
        "total": 4, "offered": 2, "suspended": 1,
        "by_category": [
            {"category": "domestic_help", "label": "家政服务", "registered": 2, "offered": 1},
            {"category": "appliance_repair", "label": "家电维修", "registered": 1, "offered": 0},
            {"category": "water_delivery", "label": "送水（水站）", "registered": 1,
             "offered": 1},
            {"category": "elderly_care", "label": "养老服务", "registered": 1, "offered": 1},
            {"category": "leisure", "label": "休闲服务", "registered": 0, "offered": 0}]}
    assert found["doors_posted"] == 3
    # calls 1 (31 October, Beijing), 2, 3 and 4 (November); maple-court's not counted
    assert found["calls"] == {
        "total": 4,
        "by_category": [{"category": "domestic_help", "label": "家政服务", "count": 1},
                        {"category": "appliance_repair", "label": "家电维修", "count": 1},
                        {"category": "water_delivery", "label": "送水（水站）", "count": 2},
                        {"category": "elderly_care", "label": "养老服务", "count": 0},
                        {"category": "leisure", "label": "休闲服务", "count": 0}],
        "by_month": [
            {"month": "2026-10", "total": 1, "domestic_help": 1, "appliance_repair": 0,
             "water_delivery": 0, "elderly_care": 0, "leisure": 0},
            {"month": "2026-11", "total": 3, "domestic_help": 0, "appliance_repair": 1,
             "water_delivery": 2, "elderly_care": 0, "leisure": 0}],
        "resolved": 1, "returned": 1}
    # three jobs: the first answered in 10 minutes, the second declined after 3 hours, the
    # third at once
    assert found["jobs"] == {"routed": 3, "picked_by_rule": 3, "responded": 3,
                             "responded_in_time": 2, "declined": 1, "done": 2}
    assert found["ratings"] == [
        {"merchant_id": home.id, "merchant": "好帮手家政", "count": 1, "average": "5.0"},
        {"merchant_id": water.id, "merchant": "清泉水站", "count": 1, "average": "4.0"}]
    assert found["complaints"] == {"received": 2, "upheld": 1, "rejected": 0, "pending": 1}
    assert (found["from"], found["to"]) == (None, None)


def test_the_calls_of_a_period_are_counted_by_beijing_dates(tx):
    world(tx)
    october = figures(tx.session, C, date(2026, 10, 1), date(2026, 10, 31), "en")
    assert (october["calls"]["total"], october["jobs"]["routed"], october["from"],
            october["to"]) == (1, 1, "2026-10-01", "2026-10-31")
    assert october["calls"]["by_category"][0]["label"] == "Housekeeping"
    november = figures(tx.session, C, date(2026, 11, 1))
    assert (november["calls"]["total"], november["jobs"]["routed"]) == (3, 2)
    # merchants, doors and complaints are the community's, whatever the period
    assert (november["merchants"]["total"], november["doors_posted"]) == (4, 3)


def test_a_period_runs_from_beijing_midnight_of_its_first_day_to_midnight_after_its_last(tx):
    # 00:00 on 1 October in Beijing is 16:00 UTC on 30 September; 00:00 on 1 November is
    # 16:00 UTC on 31 October
    call(tx, 1, when=datetime(2026, 9, 30, 15, 59, 59, tzinfo=UTC))   # 23:59:59 on 30 Sept
    call(tx, 2, when=datetime(2026, 9, 30, 16, 0, tzinfo=UTC))        # 00:00 on 1 October
    call(tx, 3, when=datetime(2026, 10, 31, 16, 0, tzinfo=UTC))       # 00:00 on 1 November
    october = figures(tx.session, C, date(2026, 10, 1), date(2026, 10, 31))
    assert (october["calls"]["total"], october["calls"]["by_month"][0]["month"]) == (
        1, "2026-10")


def test_the_figures_in_english_name_the_categories_and_count_each_decision(tx):
    _, water = world(tx)
    rejected = complaints.file(tx, C, water.id, {"received_on": TODAY, "description": "慢"},
                               STAFF, NOW)
    complaints.decide(tx, C, rejected.id, {"upheld": False, "note": "不属实"}, STAFF, NOW)
    found = figures(tx.session, C, lang="en")
    assert found["community"] == C
    assert [(c["label"], c["registered"]) for c in found["merchants"]["by_category"]] == [
        ("Housekeeping", 2), ("Appliance repair", 1), ("Water delivery", 1),
        ("Elderly care", 1), ("Leisure", 0)]
    assert [c["label"] for c in found["calls"]["by_category"]] == [
        "Housekeeping", "Appliance repair", "Water delivery", "Elderly care", "Leisure"]
    # upheld: home's; rejected: the one just decided; pending: water's first
    assert found["complaints"] == {"received": 3, "upheld": 1, "rejected": 1, "pending": 1}


def test_another_community_counts_only_its_own(tx):
    world(tx)
    found = figures(tx.session, "maple-court")
    assert (found["calls"]["total"], found["merchants"]["total"], found["doors_posted"],
            found["complaints"]["received"]) == (1, 0, 0, 0)


def test_the_card_lists_only_the_offered_merchants_by_category(tx):
    world(tx)
    card = views.card(tx.session, C, "zh")
    assert [(c["label"], c["merchants"]) for c in card["categories"]] == [
        ("家政服务", [{"name": "好帮手家政", "phone": "010-67890001"}]),
        ("家电维修", []),
        ("送水（水站）", [{"name": "清泉水站", "phone": "010-67890001"}]),
        ("养老服务", [{"name": "好帮手家政", "phone": "010-67890001"}]),
        ("休闲服务", [])]
    assert [(line["category"], line["name"]) for line in card["lines"]] == [
        ("domestic_help", "好帮手家政"), ("water_delivery", "清泉水站"),
        ("elderly_care", "好帮手家政")]
    assert (card["doors_posted"], card["community"]) == (3, C)
    assert views.card(tx.session, "maple-court", "en")["categories"][0] == {
        "category": "domestic_help", "label": "Housekeeping", "merchants": []}
    assert views.card(tx.session, C, "en")["lines"][:2] == [
        {"category": "domestic_help", "label": "Housekeeping", "name": "好帮手家政",
         "phone": "010-67890001"},
        {"category": "water_delivery", "label": "Water delivery", "name": "清泉水站",
         "phone": "010-67890001"}]


def test_the_staff_see_the_resident_in_full_and_an_admin_masked(tx):
    world(tx)
    case = cases.get_case(tx.session, 1, STAFF)
    full = views.case_view(tx.session, case, "zh", views.FULL)
    masked = views.case_view(tx.session, case, "en", views.MASKED)
    assert full["resident"] == {"name": "赵大妈", "phone": "13900001111",
                                "address": "彩虹城5号楼2单元"}
    assert masked["resident"] == {"name": "赵**", "phone": "139****1111", "address": None}
    assert (full["merchant"], full["job_state"], full["category_name"], masked["state_name"],
            masked["category_name"]) == ("好帮手家政", "done", "家政服务", "Being handled",
                                         "Housekeeping")
    assert [(j["merchant"], j["state_name"], j["responded_in_time"], j["rating"])
            for j in full["jobs"]] == [("好帮手家政", "已完成", True, 5)]
    assert [h["action_name"] for h in full["history"]] == [
        "收到来电", "派单给商户", "商户接单", "商户上门", "服务完成", "居民评价"]
    assert [c["case_id"] for c in views.list_cases(tx.session, C, "zh", views.FULL)] == [
        1, 2, 3, 4]
    assert [c["case_id"] for c in views.list_cases(tx.session, C, "zh", views.FULL,
                                                   "resolved")] == [3]
    unrouted = views.case_view(tx.session, cases.get_case(tx.session, 4, STAFF), "zh",
                               views.FULL)
    assert (unrouted["merchant"], unrouted["job_state"], unrouted["jobs"]) == (None, None, [])
    nameless = views.resident_view(cases.get_case(tx.session, 9, MAPLE_STAFF), views.MASKED)
    assert nameless["name"] == "赵**"


def test_a_merchants_page_shows_its_jobs_ratings_and_complaints(tx):
    home, water = world(tx)
    page = views.merchant_record(tx.session, home, "en", NOW)
    assert (page["name"], page["status"], page["status_name"], page["category_names"],
            page["open_jobs"], page["ratings"], page["upheld_last_12_months"]) == (
        "好帮手家政", "offered", "Signed: offered to residents", ["Housekeeping", "Elderly care"],
        0, {"count": 1, "average": "5.0"}, 1)
    assert [(j["case_id"], j["state"], j["rating"]) for j in page["jobs"]] == [(1, "done", 5)]
    # each job and complaint on the page names the merchant, the job in the reader's language
    assert [(j["merchant"], j["merchant_phone"], j["category_name"], j["state_name"])
            for j in page["jobs"]] == [("好帮手家政", "010-67890001", "Housekeeping", "Done")]
    assert [(c["description"], c["decision"]) for c in page["complaints"]] == [("迟到", "upheld")]
    assert [c["merchant"] for c in page["complaints"]] == ["好帮手家政"]
    pending = views.merchant_record(tx.session, water, "zh", NOW)
    assert [(c["decision"], c["upheld"]) for c in pending["complaints"]] == [(None, None)]
    assert (pending["agreement_signed_on"], pending["licence_checked_by"]) == ("2026-11-27",
                                                                               "王站长")
    rejected = complaints.file(tx, C, water.id, {"received_on": TODAY, "description": "慢"},
                               STAFF, NOW)
    complaints.decide(tx, C, rejected.id, {"upheld": False, "note": "不属实"}, STAFF, NOW)
    assert views.complaint_view(rejected)["decision"] == "rejected"
    fresh = merchants.register(tx, C, merchant_data("新店", "91110000802100492E"), STAFF, NOW)
    assert (views.merchant_view(fresh, "zh")["agreement_signed_on"],
            views.merchant_view(fresh, "zh")["licence_checked_at"]) == (None, None)


def test_doors_are_posted_once_each_and_not_in_the_future(tx):
    from .conftest import refused
    doors.post(tx, C, {"building": "5号楼", "door": "2单元", "posted_on": TODAY}, STAFF, NOW)
    with refused(tx, "door_already_posted", field="door", status=409,
                 zh="5号楼2单元已经张贴过导向牌了",
                 en="The card is already posted at 5号楼 2单元"):
        doors.post(tx, C, {"building": "5号楼", "door": "2单元", "posted_on": TODAY}, STAFF,
                   NOW)
    with refused(tx, "posted_in_future", field="posted_on", status=422,
                 zh="张贴日期不能晚于今天", en="The posting day cannot be in the future"):
        doors.post(tx, C, {"building": "5号楼", "door": "3单元",
                           "posted_on": TODAY + timedelta(days=1)}, STAFF, NOW)
    doors.post(tx, "maple-court", {"building": "5号楼", "door": "2单元", "posted_on": TODAY},
               MAPLE_STAFF, NOW)
    assert [(d.building, d.door, d.posted_by) for d in doors.list_doors(tx.session, C)] == [
        ("5号楼", "2单元", "王站长")]
    assert views.door_view(doors.list_doors(tx.session, C)[0]) == {
        "id": 1, "building": "5号楼", "door": "2单元", "posted_on": "2026-11-27",
        "posted_by": "王站长"}


def test_the_card_lists_a_categorys_merchants_in_the_order_they_registered(tx):
    signed(tx, "好帮手家政", BAIDU, phone="010-67890001")
    signed(tx, "安心家政", TENCENT, ["domestic_help", "elderly_care"], phone="010-67890002")
    signed(tx, "巧手家政", XIAOMI, phone="010-67890003")
    card = views.card(tx.session, C, "zh")
    assert card["categories"][0] == {
        "category": "domestic_help", "label": "家政服务",
        "merchants": [{"name": "好帮手家政", "phone": "010-67890001"},
                      {"name": "安心家政", "phone": "010-67890002"},
                      {"name": "巧手家政", "phone": "010-67890003"}]}
    assert [(line["category"], line["name"]) for line in card["lines"]] == [
        ("domestic_help", "好帮手家政"), ("domestic_help", "安心家政"),
        ("domestic_help", "巧手家政"), ("elderly_care", "安心家政")]


def test_a_merchants_page_lists_its_jobs_in_the_order_they_were_routed(tx):
    home = signed(tx, "好帮手家政", BAIDU)
    for case_id in (1, 2, 3):
        call(tx, case_id)
    for case_id in (2, 1, 3):
        jobs.route(tx.session, case_id, {"merchant_id": home.id}, STAFF, NOW)
        if case_id != 3:
            job = jobs.jobs_of(tx.session, case_id)[0]
            for answer in ("accepted", "came", "done"):
                jobs.respond(tx.session, job.id, {"response": answer}, STAFF, NOW)
    page = views.merchant_record(tx.session, home, "zh", NOW)
    assert [(j["case_id"], j["state_name"]) for j in page["jobs"]] == [
        (2, "已完成"), (1, "已完成"), (3, "已派单，待商户答复")]


def test_the_doors_are_listed_in_the_order_they_were_posted(tx):
    for building, door in (("5号楼", "2单元"), ("1号楼", "1单元"), ("3号楼", "4单元")):
        doors.post(tx, C, {"building": building, "door": door, "posted_on": TODAY}, STAFF, NOW)
    assert [(d.building, d.door) for d in doors.list_doors(tx.session, C)] == [
        ("5号楼", "2单元"), ("1号楼", "1单元"), ("3号楼", "4单元")]
