"""Co-building's figures for a year, from records counted by hand: issues by kind and state (in
both languages), those past their deadline, the reminders, the meetings of the year (its first
and last day in, the days around out), each unit's deeds, the community's own commitments, the
fund; another community's records never counted."""
from datetime import UTC, date, datetime

from co_building.domain import cases, commitments, fund, issues, meetings, units
from co_building.domain.figures import figures

from .conftest import NOW, SIX_PARTIES, STAFF, C, egg_and_hospital, noise_case, unit_data

# 12:00 on 31 December 2026 in Beijing
LAST_DAY = datetime(2026, 12, 31, 4, 0, tzinfo=UTC)
# 00:30 on 1 January 2027 in Beijing, still 31 December in UTC
NEW_YEAR = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
MAPLE = {**STAFF, "community": "maple-court"}


def money(amount_fen, **extra):
    return {"amount": amount_fen, "channel": "cash", "unit_id": None, "donor_name": None,
            "anonymous": False, "agreed_to_be_named": False, "occurred_on": None,
            "description": None, "idempotency_key": None, **extra}


def payment(amount_fen):
    return {"amount": amount_fen, "category": "culture", "invoice_ref": "FP-1",
            "approved_by": "书记", "payee": None, "occurred_on": None, "description": None,
            "idempotency_key": None}


def meeting(day, case_ids=()):
    return {"day": day, "place": "会议室", "topic": "议题", "attendees": SIX_PARTIES,
            "case_ids": list(case_ids), "decisions": "决定"}


def deed(unit_id, due, year=2026, direction="unit"):
    return {"year": year, "direction": direction, "unit_id": unit_id, "title": "实事",
            "due_on": due}


def _records(tx):
    egg, hospital = egg_and_hospital(tx)
    school = units.add_unit(tx, C, unit_data("彩虹城小学", None, kind="school"), STAFF, NOW)
    maple = units.add_unit(tx, "maple-court", unit_data("枫林物业", None), STAFF, NOW)
    # issues: 1 unsorted; 2 solvable, open, deadline 30 November, supervised twice;
    # 3 coordination, supervised once, taken to a meeting, resolved with 1234.56 invested;
    # 4 solvable, returned; 5 coordination, recalled; 6 coordination, resolved, nothing
    # invested; 7 maple-court's (not counted)
    for case_id in range(1, 7):
        noise_case(tx, case_id)
    noise_case(tx, 7, community="maple-court")
    for case_id, kind in ((2, "solvable"), (3, "coordination"), (4, "solvable"),
                          (5, "coordination"), (6, "coordination")):
        issues.sort_issue(tx.session, case_id, {"kind": kind}, STAFF, NOW)
    issues.assign(tx.session, 2, {"unit_id": hospital.id, "deadline": date(2026, 11, 30)},
                  STAFF, NOW)
    issues.assign(tx.session, 3, {"unit_id": egg.id, "deadline": date(2027, 1, 30)}, STAFF,
                  NOW)
    for _ in range(2):
        issues.supervise(tx.session, 2, {"note": "督办"}, STAFF, NOW)
    issues.supervise(tx.session, 3, {"note": "督办"}, STAFF, NOW)
    meetings.record_meeting(tx, C, meeting(date(2026, 11, 27), [3]), STAFF, NOW)
    issues.finish(tx.session, 3, {"result": "改造", "investment_fen": 123_456,
                                  "investment_unit_id": egg.id}, STAFF, NOW, resolved=True)
    issues.finish(tx.session, 4, {"note": "退回"}, STAFF, NOW, resolved=False)
    cases.recalled(tx, {"case_id": 5, "note": None}, NOW)
    issues.finish(tx.session, 6, {"result": "已协调"}, STAFF, NOW, resolved=True)
    issues.sort_issue(tx.session, 7, {"kind": "solvable"}, MAPLE, NOW)
    issues.assign(tx.session, 7, {"unit_id": maple.id, "deadline": date(2026, 11, 30)}, MAPLE,
                  NOW)
    issues.supervise(tx.session, 7, {"note": "督办"}, MAPLE, NOW)
    # meetings: 27 November (above), 1 January and 31 December 2026 in the year; 31 December
    # 2025 and 1 January 2027 not; maple-court's not
    for day in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31)):
        meetings.record_meeting(tx, C, meeting(day), STAFF, LAST_DAY)
    meetings.record_meeting(tx, C, meeting(date(2027, 1, 1)), STAFF, NEW_YEAR)
    meetings.record_meeting(tx, "maple-court", meeting(date(2026, 6, 1)), MAPLE, NOW)
    # deeds of 2026: the egg company's done one (verified) and one due the 30th, reported only
    # (behind on the 31st); the hospital's due the 31st (not behind that day); the school none;
    # the egg company's deed of 2027, maple-court's, and the community's own are not deeds here
    done = commitments.commit(tx, C, deed(egg.id, date(2026, 12, 10)), STAFF, NOW)
    reported = commitments.commit(tx, C, deed(egg.id, date(2026, 12, 30)), STAFF, NOW)
    commitments.commit(tx, C, deed(hospital.id, date(2026, 12, 31)), STAFF, NOW)
    commitments.commit(tx, C, deed(egg.id, date(2027, 3, 1), year=2027), STAFF, NOW)
    commitments.commit(tx, "maple-court", deed(maple.id, date(2026, 12, 1)), MAPLE, NOW)
    ours = commitments.commit(tx, C, deed(egg.id, date(2026, 12, 20), direction="community"),
                              STAFF, NOW)
    commitments.commit(tx, C, deed(None, date(2026, 12, 31), direction="community"), STAFF, NOW)
    for commitment in (done, reported, ours):
        commitments.report_done(tx, C, commitment.id, {"evidence": "照片"}, STAFF, NOW)
    commitments.verify(tx, C, done.id, {}, STAFF, NOW)
    commitments.verify(tx, C, ours.id, {}, STAFF, NOW)
    # the fund: in 1000.00 and 0.50; out 300.25, and 50.00 paid and reversed; maple-court's 99
    fund.contribute(tx, C, money(100_000, unit_id=egg.id), STAFF, NOW)
    fund.contribute(tx, C, money(50), STAFF, NOW)
    fund.spend(tx, C, payment(30_025), STAFF, NOW)
    wrong, _ = fund.spend(tx, C, payment(5_000), STAFF, NOW)
    fund.reverse(tx, C, wrong.id, {"reason": "错账"}, STAFF, NOW)
    fund.contribute(tx, "maple-court", money(9_900), MAPLE, NOW)
    return egg, hospital, school


def test_the_years_figures_counted_by_hand(tx):
    egg, hospital, school = _records(tx)
    found = figures(tx.session, C, 2026, LAST_DAY)
    assert found == {
        "community": "rainbow-city", "year": 2026,
        "issues": {
            "total": 6,
            "by_kind": [
                {"kind": "unsorted", "label": "待分类", "total": 1,
                 "by_state": [{"state": "unsorted", "label": "待分类", "count": 1}]},
                {"kind": "solvable", "label": "可解决", "total": 2,
                 "by_state": [{"state": "open", "label": "办理中", "count": 1},
                              {"state": "returned", "label": "已退回", "count": 1}]},
                {"kind": "coordination", "label": "需协调", "total": 3,
                 "by_state": [{"state": "resolved", "label": "已办结", "count": 2},
                              {"state": "recalled", "label": "已收回", "count": 1}]}],
            # case 2 only (open, due 30 November); 2 + 1 supervisions; case 3 at a meeting
            "overdue": 1, "reminders": 3, "taken_to_meetings": 1,
            "invested_by_units": "1234.56"},
        "meetings": 3,
        "deeds": {"committed": 3, "done": 1, "behind": 1, "by_unit": [
            {"unit_id": egg.id, "unit": "禽蛋公司", "committed": 2, "done": 1, "behind": 1},
            {"unit_id": hospital.id, "unit": "东方建都医院", "committed": 1, "done": 0,
             "behind": 0},
            {"unit_id": school.id, "unit": "彩虹城小学", "committed": 0, "done": 0,
             "behind": 0}]},
        "community_commitments": {"committed": 2, "done": 1},
        # 1000.00 + 0.50 - 300.25 - 50.00 + 50.00 = 700.25; 5 entries
        "fund": {"balance": "700.25", "income": "1000.50", "spending": "300.25",
                 "entry_count": 5}}


def test_the_figures_in_english(tx):
    _records(tx)
    found = figures(tx.session, C, 2026, LAST_DAY, "en")
    assert [(k["label"], [(s["label"], s["count"]) for s in k["by_state"]])
            for k in found["issues"]["by_kind"]] == [
        ("Not yet sorted", [("Not yet sorted", 1)]),
        ("Solvable", [("In progress", 1), ("Returned", 1)]),
        ("Needs coordination", [("Resolved", 2), ("Taken back by intake", 1)])]


def test_without_a_year_the_figures_are_of_the_beijing_year_now(tx):
    _records(tx)
    # at 00:30 on 1 January 2027 in Beijing: the year is 2027, with one meeting and the egg
    # company's one deed, due 1 March, not behind
    found = figures(tx.session, C, None, NEW_YEAR)
    assert (found["year"], found["meetings"], found["deeds"]["committed"],
            found["deeds"]["behind"], found["deeds"]["by_unit"][0]["committed"],
            found["community_commitments"]) == (2027, 1, 1, 0, 1,
                                                {"committed": 0, "done": 0})
    # issues are counted whatever the year; the fund is the fund as it stands
    assert (found["issues"]["total"], found["fund"]["balance"]) == (6, "700.25")


def test_a_community_with_no_records_has_zero_of_everything(tx):
    found = figures(tx.session, "empty-court", 2026, NOW)
    assert found == {
        "community": "empty-court", "year": 2026,
        "issues": {"total": 0, "by_kind": [
            {"kind": "unsorted", "label": "待分类", "total": 0, "by_state": []},
            {"kind": "solvable", "label": "可解决", "total": 0, "by_state": []},
            {"kind": "coordination", "label": "需协调", "total": 0, "by_state": []}],
            "overdue": 0, "reminders": 0, "taken_to_meetings": 0, "invested_by_units": "0.00"},
        "meetings": 0, "deeds": {"committed": 0, "done": 0, "behind": 0, "by_unit": []},
        "community_commitments": {"committed": 0, "done": 0},
        "fund": {"balance": "0.00", "income": "0.00", "spending": "0.00", "entry_count": 0}}
