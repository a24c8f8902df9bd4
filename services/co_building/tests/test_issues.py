"""A resident's issue, rule by rule: intake's case received (and sent again), chased and
recalled; sorting, assigning, supervising, the timer's daily reminder at Beijing's day
boundaries, the outcome or the issue handed back; each entry of the issue's record with its note,
and each refusal with its code, field, Chinese and English words, and nothing changed."""
from datetime import UTC, date, datetime, timedelta, timezone

from minzi.testing import dispatched_case

from co_building.domain import cases, issues, units

from .conftest import (
    ADMIN,
    EGG_CONTACT,
    HOSPITAL_CONTACT,
    NOW,
    STAFF,
    C,
    egg_and_hospital,
    noise_case,
    refused,
    unit_data,
)

BEIJING = timezone(timedelta(hours=8))
AT_NOW = "2026-11-27T02:00:00Z"
LATER = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)      # 09:30 on 28 November in Beijing
AT_LATER = "2026-11-28T01:30:00Z"


def sorted_and_assigned(tx, deadline=date(2026, 12, 1), kind="coordination"):
    egg, hospital = egg_and_hospital(tx)
    noise_case(tx)
    issues.sort_issue(tx.session, 1, {"kind": kind}, STAFF, NOW)
    issues.assign(tx.session, 1, {"unit_id": egg.id, "deadline": deadline}, STAFF, NOW)
    return egg, hospital


def test_a_case_from_intake_is_kept_with_its_note_and_when_it_came(tx):
    report = cases.receive(tx, dispatched_case("co_building", "road_access", case_id=7,
                                               address="彩虹城北门", note="断头路"), NOW)
    assert report == {"status": "accepted", "note": "共驻共建已收到，将分类并交责任单位办理"}
    case = cases.get_case(tx.session, 7, STAFF)
    assert case.received_at.replace(tzinfo=UTC) == NOW          # as the database keeps it
    assert (case.address, case.reminders, case.chases, case.history) == (
        "彩虹城北门", 0, 0,
        [{"at": AT_NOW, "by": "intake", "action": "received", "note": "断头路"}])


def test_a_case_sent_again_after_a_recall_is_open_again_with_its_record_kept(tx):
    sorted_and_assigned(tx)
    issues.supervise(tx.session, 1, {"note": "请尽快"}, STAFF, NOW)
    cases.recalled(tx, {"case_id": 1, "note": "转街道"}, NOW)
    cases.recalled(tx, {"case_id": 1, "note": "又一次"}, NOW)     # no longer open: nothing
    cases.recalled(tx, {"case_id": 8, "note": "没收到过"}, NOW)   # never here: nothing
    cases.receive(tx, dispatched_case("co_building", "night_noise", address="彩虹城6号楼",
                                      note="街道退回"), LATER)
    case = cases.get_case(tx.session, 1, STAFF)
    # 1 supervision before the recall is still counted
    assert (case.state, case.address, case.reminders) == ("received", "彩虹城6号楼", 1)
    assert [(h["by"], h["action"], h["note"]) for h in case.history] == [
        ("intake", "received", None), ("王书记", "sorted", None), ("王书记", "assigned", None),
        ("王书记", "supervised", "请尽快"), ("intake", "recalled", "转街道"),
        ("intake", "received", "街道退回")]
    with refused(tx, "case_not_found", field="case_id", status=404,
                 zh="没有编号为 8 的诉求", en="No case 8"):
        cases.get_case(tx.session, 8, STAFF)


def test_intakes_reminder_and_escalation_are_counted_on_the_record(tx):
    sorted_and_assigned(tx)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "请办理"}, NOW)
    cases.chased(tx, {"case_id": 1, "level": 2, "note": "已升级"}, LATER)
    case = cases.get_case(tx.session, 1, STAFF)
    assert case.chases == 2
    assert case.history[-2:] == [
        {"at": AT_NOW, "by": "intake", "action": "chased", "note": "请办理"},
        {"at": AT_LATER, "by": "intake", "action": "escalated", "note": "已升级"}]
    assert case.updated_at == LATER        # the issue's last change


def test_an_unassigned_issue_is_no_member_units(tx):
    egg_and_hospital(tx)
    noise_case(tx)
    with refused(tx, "not_your_unit", status=403):
        cases.get_case(tx.session, 1, EGG_CONTACT)
    with refused(tx, "case_not_found", field="case_id", status=404, en="No case 1"):
        cases.get_case(tx.session, 1, {**ADMIN, "community": "maple-court"})


def test_sorting_and_assigning_are_on_the_record_with_their_notes(tx):
    egg, hospital = egg_and_hospital(tx)
    noise_case(tx)
    issues.sort_issue(tx.session, 1, {"kind": "solvable", "note": "物业可解决"}, STAFF, NOW)
    issues.sort_issue(tx.session, 1, {"kind": "coordination"}, STAFF, NOW)   # sorted again
    issues.assign(tx.session, 1, {"unit_id": egg.id, "deadline": date(2026, 12, 1),
                                  "note": "限期整改"}, STAFF, NOW)
    case = issues.assign(tx.session, 1, {"unit_id": hospital.id, "deadline": date(2026, 12, 5)},
                         STAFF, LATER)
    assert (case.kind, case.unit_id, case.deadline) == ("coordination", hospital.id,
                                                        date(2026, 12, 5))
    assert case.history[1:] == [
        {"at": AT_NOW, "by": "王书记", "action": "sorted", "note": "物业可解决",
         "kind": "solvable"},
        {"at": AT_NOW, "by": "王书记", "action": "sorted", "note": None, "kind": "coordination"},
        {"at": AT_NOW, "by": "王书记", "action": "assigned", "note": "限期整改", "unit": "禽蛋公司",
         "deadline": "2026-12-01"},
        {"at": AT_LATER, "by": "王书记", "action": "assigned", "note": None,
         "unit": "东方建都医院", "deadline": "2026-12-05"}]


def test_an_issue_cannot_be_assigned_to_a_unit_of_another_community(tx):
    egg, _ = egg_and_hospital(tx)
    noise_case(tx, 2, community="maple-court")
    issues.sort_issue(tx.session, 2, {"kind": "solvable"}, {**STAFF, "community": "maple-court"},
                      NOW)
    with refused(tx, "unknown_unit", field="unit_id", status=422, en=f"No member unit {egg.id}"):
        issues.assign(tx.session, 2, {"unit_id": egg.id, "deadline": date(2026, 12, 1)},
                      {**STAFF, "community": "maple-court"}, NOW)


def test_a_closed_issue_says_so_in_both_languages(tx):
    sorted_and_assigned(tx)
    issues.finish(tx.session, 1, {"result": "已解决"}, STAFF, NOW, resolved=True)
    for act in (lambda: issues.sort_issue(tx.session, 1, {"kind": "solvable"}, STAFF, NOW),
                lambda: issues.assign(tx.session, 1, {"unit_id": 1, "deadline": date(2026, 12, 9)},
                                      STAFF, NOW),
                lambda: issues.progress(tx.session, 1, {"note": "x"}, STAFF, NOW),
                lambda: issues.supervise(tx.session, 1, {"note": "x"}, STAFF, NOW),
                lambda: issues.finish(tx.session, 1, {"note": "x"}, STAFF, NOW, resolved=False)):
        with refused(tx, "case_closed", field="case_id", status=409,
                     zh="这件诉求已经办完或已被收回", en="The case is no longer open"):
            act()


def test_staff_supervision_is_counted_each_time(tx):
    egg_and_hospital(tx)
    noise_case(tx)
    issues.sort_issue(tx.session, 1, {"kind": "solvable"}, STAFF, NOW)
    with refused(tx, "issue_not_assigned", field="unit_id", status=409,
                 zh="请先交给责任单位并定好期限，再督办",
                 en="Assign the issue to a unit with a deadline before supervising it"):
        issues.supervise(tx.session, 1, {"note": "请尽快办理"}, STAFF, NOW)
    issues.assign(tx.session, 1, {"unit_id": 1, "deadline": date(2026, 12, 1)}, STAFF, NOW)
    issues.supervise(tx.session, 1, {"note": "第一次督办"}, STAFF, NOW)
    case = issues.supervise(tx.session, 1, {"note": "第二次督办"}, STAFF, LATER)
    assert case.reminders == 2
    assert case.history[-2:] == [
        {"at": AT_NOW, "by": "王书记", "action": "supervised", "note": "第一次督办"},
        {"at": AT_LATER, "by": "王书记", "action": "supervised", "note": "第二次督办"}]


def test_progress_is_on_the_record_by_who_wrote_it(tx):
    sorted_and_assigned(tx)
    issues.progress(tx.session, 1, {"note": "已约谈车队"}, EGG_CONTACT, LATER)
    case = issues.progress(tx.session, 1, {"note": "已回访"}, STAFF, LATER)
    assert case.history[-2:] == [
        {"at": AT_LATER, "by": "禽蛋公司刘主任", "action": "progress", "note": "已约谈车队"},
        {"at": AT_LATER, "by": "王书记", "action": "progress", "note": "已回访"}]
    with refused(tx, "not_your_unit", status=403, en="This is not your member unit's record"):
        issues.progress(tx.session, 1, {"note": "x"}, HOSPITAL_CONTACT, LATER)


def test_the_timer_reminds_once_a_beijing_day_from_the_day_after_the_deadline(tx):
    sorted_and_assigned(tx, deadline=date(2026, 12, 1))
    noise_case(tx, 2)                                   # open, never assigned: no deadline
    noise_case(tx, 3, community="maple-court")
    issues.sort_issue(tx.session, 3, {"kind": "solvable"}, {**STAFF, "community": "maple-court"},
                      NOW)
    issues.assign(tx.session, 3, {"unit_id": _maple_unit(tx), "deadline": date(2026, 12, 1)},
                  {**STAFF, "community": "maple-court"}, NOW)
    # 23:59:59 on 1 December in Beijing: the deadline day itself, on time
    assert issues.remind_overdue(tx.session, datetime(2026, 12, 1, 23, 59, 59,
                                                      tzinfo=BEIJING)) == []
    # 00:00 on 2 December in Beijing (16:00 on 1 December UTC): one day late, both communities
    midnight = datetime(2026, 12, 2, 0, 0, tzinfo=BEIJING)
    assert issues.remind_overdue(tx.session, midnight) == [1, 3]
    # 23:59 the same Beijing day: already reminded
    assert issues.remind_overdue(tx.session, datetime(2026, 12, 2, 23, 59, tzinfo=BEIJING)) == []
    # the next Beijing day, 00:00: two days late
    assert issues.remind_overdue(tx.session, datetime(2026, 12, 3, 0, 0, tzinfo=BEIJING)) == [
        1, 3]
    case = cases.get_case(tx.session, 1, STAFF)
    assert (case.reminders, case.last_reminded_on) == (2, date(2026, 12, 3))
    assert case.history[-2:] == [
        {"at": "2026-12-01T16:00:00Z", "by": "督办", "action": "reminded",
         "note": "已超过办结期限 2026-12-01 1 天，请责任单位抓紧办理", "days_late": 1},
        {"at": "2026-12-02T16:00:00Z", "by": "督办", "action": "reminded",
         "note": "已超过办结期限 2026-12-01 2 天，请责任单位抓紧办理", "days_late": 2}]
    assert issues.is_overdue(case, midnight) is True
    assert issues.is_overdue(case, datetime(2026, 12, 1, 23, 59, tzinfo=BEIJING)) is False


def test_an_issue_sent_back_the_day_another_was_reminded_is_reminded_that_day(tx):
    egg, _ = sorted_and_assigned(tx, deadline=date(2026, 11, 28))
    noise_case(tx, 2)
    issues.sort_issue(tx.session, 2, {"kind": "solvable"}, STAFF, NOW)
    issues.assign(tx.session, 2, {"unit_id": egg.id, "deadline": date(2026, 11, 28)}, STAFF, NOW)
    cases.recalled(tx, {"case_id": 2, "note": "转街道"}, NOW)
    morning = datetime(2026, 11, 30, 9, 0, tzinfo=BEIJING)
    assert issues.remind_overdue(tx.session, morning) == [1]
    # intake sends case 2 back that afternoon: still past its deadline of the 28th; case 1,
    # reminded this morning, is passed over, case 2 is reminded
    noise_case(tx, 2)
    afternoon = datetime(2026, 11, 30, 15, 0, tzinfo=BEIJING)
    assert issues.remind_overdue(tx.session, afternoon) == [2]
    assert cases.get_case(tx.session, 2, STAFF).history[-1]["note"] == (
        "已超过办结期限 2026-11-28 2 天，请责任单位抓紧办理")


def _maple_unit(tx):
    return units.add_unit(tx, "maple-court", unit_data("枫林物业", None), STAFF, NOW).id


def test_a_new_deadline_is_reminded_afresh_once_it_has_passed(tx):
    sorted_and_assigned(tx, deadline=date(2026, 11, 28))
    on_the_30th = datetime(2026, 11, 30, 9, 0, tzinfo=BEIJING)
    assert issues.remind_overdue(tx.session, on_the_30th) == [1]
    # given a new deadline that same day, the 30th itself; reminded again on 1 December
    issues.assign(tx.session, 1, {"unit_id": 1, "deadline": date(2026, 11, 30)}, STAFF,
                  on_the_30th)
    assert cases.get_case(tx.session, 1, STAFF).last_reminded_on is None
    assert issues.remind_overdue(tx.session, on_the_30th) == []
    assert issues.remind_overdue(tx.session, datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING)) == [1]
    case = cases.get_case(tx.session, 1, STAFF)
    assert (case.reminders, case.history[-1]["note"]) == (
        2, "已超过办结期限 2026-11-30 1 天，请责任单位抓紧办理")


def test_a_returned_or_recalled_issue_is_not_reminded(tx):
    sorted_and_assigned(tx)
    noise_case(tx, 2)
    issues.sort_issue(tx.session, 2, {"kind": "solvable"}, STAFF, NOW)
    issues.assign(tx.session, 2, {"unit_id": 1, "deadline": date(2026, 12, 1)}, STAFF, NOW)
    issues.finish(tx.session, 1, {"note": "不属于本计划"}, STAFF, NOW, resolved=False)
    cases.recalled(tx, {"case_id": 2, "note": None}, NOW)
    assert issues.remind_overdue(tx.session, datetime(2026, 12, 5, 9, tzinfo=BEIJING)) == []


def test_the_outcome_and_a_returned_issue_as_intake_hears_them(tx):
    egg, _ = sorted_and_assigned(tx)
    noise_case(tx, 2)
    issues.sort_issue(tx.session, 2, {"kind": "solvable"}, STAFF, NOW)
    with refused(tx, "investment_unit_required", field="investment_unit_id", status=422,
                 zh="写明投入资金的是哪家共建单位", en="Say which member unit invested"):
        issues.finish(tx.session, 1, {"result": "x", "investment_fen": 100}, STAFF, NOW,
                      resolved=True)
    with refused(tx, "investment_required", field="investment", status=422,
                 zh="写明该单位投入的金额", en="Say how much the unit invested"):
        issues.finish(tx.session, 1, {"result": "x", "investment_unit_id": egg.id}, STAFF, NOW,
                      resolved=True)
    with refused(tx, "unknown_unit", field="investment_unit_id", status=422,
                 zh="没有编号为 99 的共建单位"):
        issues.finish(tx.session, 1, {"result": "x", "investment_fen": 100,
                                      "investment_unit_id": 99}, STAFF, NOW, resolved=True)
    # no reply written: intake hears none
    assert issues.finish(tx.session, 2, {"result": "已修好路灯"}, {**STAFF, "name": "钱干事"},
                         LATER, resolved=True) == {
        "case_id": 2, "program_id": "co_building", "handler": "钱干事", "status": "resolved",
        "result": "已修好路灯", "reply": None}
    case2 = cases.get_case(tx.session, 2, STAFF)
    assert (case2.state, case2.result, case2.handled_by, case2.investment_fen,
            case2.investment_unit_id) == ("resolved", "已修好路灯", "钱干事", None, None)
    assert case2.history[-1] == {"at": AT_LATER, "by": "钱干事", "action": "resolved",
                                 "note": "已修好路灯", "investment_unit": None,
                                 "investment_fen": None}
    assert issues.finish(tx.session, 1, {"note": "属于城管执法，请转12345"},
                         {**STAFF, "name": "钱干事"}, LATER, resolved=False) == {
        "case_id": 1, "program_id": "co_building", "handler": "钱干事", "status": "returned",
        "note": "属于城管执法，请转12345"}
    case1 = cases.get_case(tx.session, 1, STAFF)
    assert (case1.state, case1.result, case1.handled_by, case1.history[-1]) == (
        "returned", "属于城管执法，请转12345", "钱干事",
        {"at": AT_LATER, "by": "钱干事", "action": "returned", "note": "属于城管执法，请转12345"})


def test_an_unsorted_issue_may_be_returned_but_not_resolved(tx):
    egg_and_hospital(tx)
    noise_case(tx)
    with refused(tx, "issue_not_sorted", field="kind", status=409,
                 zh="请先把诉求分为“可解决”或“需协调”",
                 en="Sort the issue first: solvable or needs coordination"):
        issues.finish(tx.session, 1, {"result": "x"}, STAFF, NOW, resolved=True)
    assert issues.finish(tx.session, 1, {"note": "重复"}, STAFF, NOW,
                         resolved=False)["status"] == "returned"


def test_the_list_of_issues_by_kind_unit_and_community(tx):
    egg, hospital = egg_and_hospital(tx)
    for case_id in (3, 1, 2, 4):
        noise_case(tx, case_id)
    noise_case(tx, 5, community="maple-court")
    issues.sort_issue(tx.session, 1, {"kind": "coordination"}, STAFF, NOW)
    issues.sort_issue(tx.session, 2, {"kind": "solvable"}, STAFF, NOW)
    issues.sort_issue(tx.session, 3, {"kind": "solvable"}, STAFF, NOW)
    issues.assign(tx.session, 2, {"unit_id": egg.id, "deadline": date(2026, 12, 1)}, STAFF, NOW)
    issues.assign(tx.session, 3, {"unit_id": hospital.id, "deadline": date(2026, 12, 1)}, STAFF,
                  NOW)

    def ids(**filters):
        return [c.case_id for c in issues.list_issues(tx.session, C, **filters)]
    # 1 coordination; 2 solvable (egg); 3 solvable (hospital); 4 unsorted; 5 another community's
    assert ids() == [1, 2, 3, 4]
    assert ids(kind="unsorted") == [4]
    assert ids(kind="solvable") == [2, 3]
    assert ids(kind="coordination") == [1]
    assert ids(unit_ids=[egg.id]) == [2]
    assert ids(unit_ids=[egg.id, hospital.id], kind="solvable") == [2, 3]
    assert ids(unit_ids=[]) == []
    assert [issues.stage(c) for c in issues.list_issues(tx.session, C)] == [
        "open", "open", "open", "unsorted"]
