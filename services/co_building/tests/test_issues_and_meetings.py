"""A resident's issue from intake: sorted, assigned with a deadline, supervised (by staff, and by
the timer once a Beijing day when overdue), taken to a six-party joint meeting, finished with
its outcome and reported back; each refusal named, changing nothing."""
from datetime import date, datetime, timedelta, timezone

from minzi.testing import dispatched_case

from co_building.domain import cases, issues, meetings, views

from .conftest import (
    ADMIN,
    EGG_CONTACT,
    HOSPITAL_CONTACT,
    NOW,
    SIX_PARTIES,
    STAFF,
    C,
    egg_and_hospital,
    noise_case,
    refused,
)

DEADLINE = date(2026, 12, 1)


def assigned(tx, kind="coordination"):
    """The night trucks' noise (case 1), sorted and given to the egg company until 1 December."""
    egg, hospital = egg_and_hospital(tx)
    noise_case(tx)
    issues.sort_issue(tx.session, 1, {"kind": kind, "note": "涉及驻区单位，需协调"}, STAFF, NOW)
    issues.assign(tx.session, 1, {"unit_id": egg.id, "deadline": DEADLINE}, STAFF, NOW)
    return egg, hospital


def meeting(**extra) -> dict:
    return {"day": date(2026, 11, 26), "place": "社区会议室", "topic": "冷库货车夜间噪音",
            "attendees": SIX_PARTIES, "case_ids": [1],
            "decisions": "禽蛋公司改造冷库，夜间货车改走北门", **extra}


def test_a_case_from_intake_is_accepted_and_kept_with_where_it_is(tx):
    report = cases.receive(tx, {**_dispatched(), "note": "居民多次反映"}, NOW)
    assert report == {"status": "accepted", "note": "共驻共建已收到，将分类并交责任单位办理"}
    case = cases.get_case(tx.session, 1, STAFF)
    shown = views.issue_view(case, "zh", NOW, views.FULL)
    assert (shown["state_name"], shown["kind"], shown["resident"]) == (
        "待分类", None, {"name": "赵大爷", "phone": "13900001111", "address": "彩虹城5号楼"})
    assert [(h["by"], h["action_name"], h["note"]) for h in shown["history"]] == [
        ("intake", "收到诉求", "居民多次反映")]


def _dispatched():
    return dispatched_case("co_building", "night_noise", description="货车夜里吵",
                           resident={"name": "赵大爷", "phone": "13900001111"},
                           address="彩虹城5号楼")


def test_an_issue_is_sorted_before_it_is_assigned_and_the_deadline_is_not_past(tx):
    egg, _ = egg_and_hospital(tx)
    noise_case(tx)
    with refused(tx, "issue_not_sorted", field="kind", status=409,
                 zh="请先把诉求分为“可解决”或“需协调”",
                 en="Sort the issue first: solvable or needs coordination"):
        issues.assign(tx.session, 1, {"unit_id": egg.id, "deadline": DEADLINE}, STAFF, NOW)
    issues.sort_issue(tx.session, 1, {"kind": "coordination"}, STAFF, NOW)
    with refused(tx, "unknown_unit", field="unit_id", status=422, zh="没有编号为 77 的共建单位"):
        issues.assign(tx.session, 1, {"unit_id": 77, "deadline": DEADLINE}, STAFF, NOW)
    with refused(tx, "deadline_in_past", field="deadline", status=422,
                 zh="办结期限不能早于今天", en="The deadline cannot be in the past"):
        issues.assign(tx.session, 1, {"unit_id": egg.id, "deadline": date(2026, 11, 26)}, STAFF,
                      NOW)
    case = issues.assign(tx.session, 1, {"unit_id": egg.id, "deadline": date(2026, 11, 27)},
                         STAFF, NOW)      # today is not in the past
    shown = views.issue_view(case, "en", NOW, views.FULL, egg)
    assert (shown["kind_name"], shown["state_name"], shown["unit"], shown["deadline"]) == (
        "Needs coordination", "In progress", "禽蛋公司", "2026-11-27")
    assert [h["action"] for h in shown["history"]] == ["received", "sorted", "assigned"]


def test_progress_comes_from_staff_or_the_responsible_units_contact_only(tx):
    assigned(tx)
    issues.progress(tx.session, 1, {"note": "已与车队沟通，夜间限速"}, EGG_CONTACT, NOW)
    with refused(tx, "not_your_unit", status=403):
        issues.progress(tx.session, 1, {"note": "不是我们的"}, HOSPITAL_CONTACT, NOW)
    with refused(tx, "case_not_found", status=404):
        issues.progress(tx.session, 1, {"note": "x"},
                        {**EGG_CONTACT, "community": "maple-court"}, NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    assert [(h["by"], h["action"], h["note"]) for h in case.history][-1] == (
        "禽蛋公司刘主任", "progress", "已与车队沟通，夜间限速")


def test_staff_supervise_an_assigned_issue(tx):
    egg_and_hospital(tx)
    noise_case(tx)
    with refused(tx, "issue_not_assigned", field="unit_id", status=409):
        issues.supervise(tx.session, 1, {"note": "请尽快办理"}, STAFF, NOW)
    issues.sort_issue(tx.session, 1, {"kind": "solvable"}, STAFF, NOW)
    issues.assign(tx.session, 1, {"unit_id": 1, "deadline": DEADLINE}, STAFF, NOW)
    case = issues.supervise(tx.session, 1, {"note": "请本周内答复"}, STAFF, NOW)
    assert (case.reminders, case.history[-1]["action"], case.history[-1]["by"]) == (
        1, "supervised", "王书记")


def test_the_timer_reminds_an_overdue_issue_once_a_beijing_day(tx):
    assigned(tx)
    noise_case(tx, 2, "public_facilities")                   # not assigned: no deadline
    beijing = timezone(timedelta(hours=8))
    # the deadline day itself, to its last minute in Beijing, is on time
    assert issues.remind_overdue(tx.session, datetime(2026, 12, 1, 23, 59, tzinfo=beijing)) == []
    # 00:30 on 2 December in Beijing (still 1 December in UTC) is a day late
    first = datetime(2026, 12, 2, 0, 30, tzinfo=beijing)
    assert issues.remind_overdue(tx.session, first) == [1]
    assert issues.remind_overdue(tx.session, first + timedelta(hours=20)) == []   # same day
    assert issues.remind_overdue(tx.session, datetime(2026, 12, 4, 9, tzinfo=beijing)) == [1]
    case = cases.get_case(tx.session, 1, STAFF)
    assert case.reminders == 2
    assert [(h["by"], h["action"], h["note"]) for h in case.history[-2:]] == [
        ("督办", "reminded", "已超过办结期限 2026-12-01 1 天，请责任单位抓紧办理"),
        ("督办", "reminded", "已超过办结期限 2026-12-01 3 天，请责任单位抓紧办理")]
    assert views.issue_view(case, "zh", first, views.FULL)["overdue"] is True
    # a finished issue is no longer reminded
    issues.finish(tx.session, 1, {"result": "已解决"}, STAFF, first, resolved=True)
    assert issues.remind_overdue(tx.session, datetime(2026, 12, 9, 9, tzinfo=beijing)) == []


def test_a_joint_meeting_needs_all_six_parties(tx):
    assigned(tx)
    missing = {**SIX_PARTIES, "property": []}
    missing.pop("npc_deputies")
    with refused(tx, "parties_missing", field="attendees", status=422,
                 zh="六方联席会须六方都有人出席，缺少：人大代表、物业公司",
                 en="A six-party joint meeting needs every party present; missing: "
                    "NPC deputies, Property companies"):
        meetings.record_meeting(tx, C, meeting(attendees=missing), STAFF, NOW)
    with refused(tx, "meeting_in_future", field="day", status=422):
        meetings.record_meeting(tx, C, meeting(day=date(2026, 11, 28)), STAFF, NOW)
    with refused(tx, "unknown_issue", field="case_ids", status=422, zh="没有编号为 9 的诉求"):
        meetings.record_meeting(tx, C, meeting(case_ids=[1, 9]), STAFF, NOW)
    with refused(tx, "unknown_issue", field="case_ids"):
        meetings.record_meeting(tx, "maple-court", meeting(), STAFF, NOW)


def test_a_joint_meeting_takes_up_open_issues_that_need_coordination(tx):
    assigned(tx)
    noise_case(tx, 2, "public_facilities")
    issues.sort_issue(tx.session, 2, {"kind": "solvable"}, STAFF, NOW)
    with refused(tx, "issue_not_coordination", field="case_ids", status=409,
                 zh="诉求 2 不是办理中的“需协调”诉求，不能提交联席会"):
        meetings.record_meeting(tx, C, meeting(case_ids=[1, 2]), STAFF, NOW)
    held = meetings.record_meeting(tx, C, meeting(day=date(2026, 11, 27)), STAFF, NOW)
    shown = views.meeting_view(held, "zh")
    assert [(a["party_name"], a["names"]) for a in shown["attendees"]] == [
        ("人大代表", ["张代表"]), ("居民代表", ["居民代表李阿姨"]),
        ("街道领导", ["街道工委王书记"]),
        ("社区两委", ["社区党委书记", "居委会主任"]), ("物业公司", ["和泓物业经理"]),
        ("辖区单位", ["禽蛋公司党委书记"])]
    case = cases.get_case(tx.session, 1, STAFF)
    assert (case.meeting_id, case.history[-1]["action"], case.history[-1]["note"]) == (
        held.id, "meeting", "禽蛋公司改造冷库，夜间货车改走北门")
    issues.finish(tx.session, 1, {"result": "已解决"}, STAFF, NOW, resolved=True)
    with refused(tx, "issue_not_coordination", field="case_ids"):
        meetings.record_meeting(tx, C, meeting(), STAFF, NOW)


def test_the_outcome_with_a_units_investment_is_reported_for_the_resident(tx):
    egg, _ = assigned(tx)
    noise_case(tx, 2)
    with refused(tx, "issue_not_sorted", field="kind"):
        issues.finish(tx.session, 2, {"result": "x"}, STAFF, NOW, resolved=True)
    outcome = {"result": "禽蛋公司投资700万元改造冷库，噪音问题解决",
               "reply": "赵大爷您好，冷库已改造，夜间货车不再从5号楼旁经过。",
               "investment_fen": 700_000_000, "investment_unit_id": egg.id}
    with refused(tx, "investment_unit_required", field="investment_unit_id", status=422):
        issues.finish(tx.session, 1, {**outcome, "investment_unit_id": None}, STAFF, NOW,
                      resolved=True)
    with refused(tx, "investment_required", field="investment", status=422):
        issues.finish(tx.session, 1, {**outcome, "investment_fen": None}, STAFF, NOW,
                      resolved=True)
    with refused(tx, "unknown_unit", field="investment_unit_id", status=422):
        issues.finish(tx.session, 1, {**outcome, "investment_unit_id": 99}, STAFF, NOW,
                      resolved=True)
    report = issues.finish(tx.session, 1, outcome, STAFF, NOW, resolved=True)
    assert report == {"case_id": 1, "program_id": "co_building", "handler": "王书记",
                      "status": "resolved", "result": "禽蛋公司投资700万元改造冷库，噪音问题解决",
                      "reply": "赵大爷您好，冷库已改造，夜间货车不再从5号楼旁经过。"}
    shown = views.issue_view(cases.get_case(tx.session, 1, STAFF), "zh", NOW, views.FULL)
    # 700_000_000 fen is 7,000,000.00 yuan (the seed's 700万元)
    assert (shown["state_name"], shown["investment"], shown["investment_unit_id"]) == (
        "已办结", "7000000.00", egg.id)
    with refused(tx, "case_closed", field="case_id", status=409):
        issues.finish(tx.session, 1, outcome, STAFF, NOW, resolved=True)
    with refused(tx, "case_closed"):
        issues.sort_issue(tx.session, 1, {"kind": "solvable"}, STAFF, NOW)
    returned = issues.finish(tx.session, 2, {"note": "属于城管执法，请转12345"}, STAFF, NOW,
                             resolved=False)
    assert (returned["status"], returned["note"]) == ("returned", "属于城管执法，请转12345")


def test_intakes_chase_and_recall_are_on_the_issues_record(tx):
    assigned(tx)
    cases.chased(tx, {"case_id": 1, "level": 2, "note": "已超时"}, NOW)
    cases.chased(tx, {"case_id": 5, "level": 1, "note": None}, NOW)     # never received
    cases.recalled(tx, {"case_id": 1, "note": "居民撤回"}, NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    assert (case.chases, [h["action"] for h in case.history][-2:]) == (1, ["escalated",
                                                                         "recalled"])
    assert views.issue_view(case, "zh", NOW, views.FULL)["state_name"] == "已收回"
    with refused(tx, "case_closed"):
        issues.progress(tx.session, 1, {"note": "x"}, STAFF, NOW)


def test_who_sees_the_resident(tx):
    assigned(tx)
    case = cases.get_case(tx.session, 1, EGG_CONTACT)
    assert views.resident_view(case, views.FULL) == {
        "name": "赵大爷", "phone": "13900001111", "address": "彩虹城5号楼"}
    assert views.resident_view(case, views.MASKED) == {
        "name": "赵**", "phone": "139****1111", "address": None}
    assert views.resident_view(case, views.HIDDEN) is None
    assert cases.get_case(tx.session, 1, ADMIN) is case
    assert [c.case_id for c in issues.list_issues(tx.session, C, unit_ids=[2])] == []
    assert [c.case_id for c in issues.list_issues(tx.session, C, kind="coordination")] == [1]
    assert issues.list_issues(tx.session, C, kind="unsorted") == []
