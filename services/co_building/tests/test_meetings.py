"""Six-party joint meetings, rule by rule: all six parties there (a blank name is nobody), the
day not in the future, the issues it took up (open, needing coordination, each once), what it
decided on each issue's record, and the meetings as staff find them; each refusal in both
languages, nothing changed."""
from datetime import UTC, date, datetime

from co_building.domain import cases, issues, meetings

from .conftest import NOW, SIX_PARTIES, STAFF, C, egg_and_hospital, noise_case, refused

AT_LATER = "2026-11-28T01:30:00Z"
LATER = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)      # 09:30 on 28 November in Beijing


def coordination_issues(tx, *case_ids):
    egg_and_hospital(tx)
    for case_id in case_ids:
        noise_case(tx, case_id)
        issues.sort_issue(tx.session, case_id, {"kind": "coordination"}, STAFF, NOW)


def meeting(**extra) -> dict:
    return {"day": date(2026, 11, 26), "place": "社区会议室", "topic": "冷库货车夜间噪音",
            "attendees": SIX_PARTIES, "case_ids": [1], "decisions": "改造冷库", **extra}


def test_a_party_with_only_blank_names_is_missing(tx):
    coordination_issues(tx, 1)
    with refused(tx, "parties_missing", field="attendees", status=422,
                 zh="六方联席会须六方都有人出席，缺少：街道领导",
                 en="A six-party joint meeting needs every party present; missing: "
                    "Street leaders"):
        meetings.record_meeting(tx, C, meeting(attendees={**SIX_PARTIES, "street": ["", ""]}),
                                STAFF, NOW)
    with refused(tx, "parties_missing", field="attendees",
                 zh="六方联席会须六方都有人出席，缺少：人大代表、居民代表、街道领导、社区两委、"
                    "物业公司、辖区单位",
                 en="A six-party joint meeting needs every party present; missing: "
                    "NPC deputies, Resident representatives, Street leaders, "
                    "The community's two committees, Property companies, Local units"):
        meetings.record_meeting(tx, C, meeting(attendees={"guests": ["区领导"]}), STAFF, NOW)


def test_a_meeting_keeps_who_came_without_blanks_or_other_guests(tx):
    coordination_issues(tx, 1)
    held = meetings.record_meeting(tx, C, meeting(
        attendees={**SIX_PARTIES, "street": ["", "街道工委王书记"], "guests": ["区领导"]}),
        {**STAFF, "name": "刘干事"}, LATER)
    assert (held.community, held.day, held.place, held.topic, held.decisions,
            held.created_by, held.case_ids) == (
        "rainbow-city", date(2026, 11, 26), "社区会议室", "冷库货车夜间噪音", "改造冷库",
        "刘干事", [1])
    assert held.created_at == LATER
    assert held.attendees == {**SIX_PARTIES, "street": ["街道工委王书记"]}


def test_a_meeting_is_recorded_once_held(tx):
    coordination_issues(tx, 1)
    with refused(tx, "meeting_in_future", field="day", status=422,
                 zh="联席会的日期不能晚于今天：会后再登记",
                 en="A meeting is recorded once held: its day cannot be in the future"):
        meetings.record_meeting(tx, C, meeting(day=date(2026, 11, 28)), STAFF, NOW)
    # 23:30 on 28 November in Beijing is still the 28th: a meeting that day may be recorded
    late_evening = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)
    assert meetings.record_meeting(tx, C, meeting(day=date(2026, 11, 28)), STAFF,
                                   late_evening).day == date(2026, 11, 28)


def test_each_issue_it_took_up_is_on_its_record_once(tx):
    coordination_issues(tx, 1, 2)
    held = meetings.record_meeting(tx, C, meeting(case_ids=[2, 1, 2]), STAFF, LATER)
    assert held.case_ids == [2, 1]
    for case_id in (1, 2):
        case = cases.get_case(tx.session, case_id, STAFF)
        assert case.meeting_id == held.id
        assert [h for h in case.history if h["action"] == "meeting"] == [
            {"at": AT_LATER, "by": "王书记", "action": "meeting", "note": "改造冷库",
             "meeting_id": held.id, "day": "2026-11-26"}]


def test_the_issues_a_meeting_may_take_up(tx):
    coordination_issues(tx, 1)
    noise_case(tx, 2)                                            # not sorted
    noise_case(tx, 3, community="maple-court")
    with refused(tx, "issue_not_coordination", field="case_ids", status=409,
                 zh="诉求 2 不是办理中的“需协调”诉求，不能提交联席会",
                 en="Issue 2 is not an open issue that needs coordination"):
        meetings.record_meeting(tx, C, meeting(case_ids=[1, 2]), STAFF, NOW)
    with refused(tx, "unknown_issue", field="case_ids", status=422, zh="没有编号为 3 的诉求",
                 en="No issue 3"):
        meetings.record_meeting(tx, C, meeting(case_ids=[1, 3]), STAFF, NOW)
    cases.recalled(tx, {"case_id": 1, "note": None}, NOW)     # still "coordination", not open
    with refused(tx, "issue_not_coordination", field="case_ids",
                 en="Issue 1 is not an open issue that needs coordination"):
        meetings.record_meeting(tx, C, meeting(), STAFF, NOW)
    # a meeting may take up no issue at all
    assert meetings.record_meeting(tx, C, meeting(case_ids=[]), STAFF, NOW).case_ids == []


def test_the_meetings_of_a_community_by_day(tx):
    coordination_issues(tx)
    later = meetings.record_meeting(tx, C, meeting(day=date(2026, 11, 20), case_ids=[]), STAFF,
                                    NOW)
    earlier = meetings.record_meeting(tx, C, meeting(day=date(2026, 10, 9), case_ids=[]), STAFF,
                                      NOW)
    same_day = meetings.record_meeting(tx, C, meeting(day=date(2026, 11, 20), case_ids=[]),
                                       STAFF, NOW)
    elsewhere = meetings.record_meeting(tx, "maple-court", meeting(case_ids=[]), STAFF, NOW)
    assert [m.id for m in meetings.list_meetings(tx.session, C)] == [earlier.id, later.id,
                                                                     same_day.id]
    assert [m.id for m in meetings.list_meetings(tx.session, "maple-court")] == [elsewhere.id]
    assert meetings.get_meeting(tx.session, later.id, C) is later
    with refused(tx, "meeting_not_found", field="meeting_id", status=404,
                 zh=f"没有编号为 {elsewhere.id} 的联席会",
                 en=f"No joint meeting {elsewhere.id}"):
        meetings.get_meeting(tx.session, elsewhere.id, C)
    with refused(tx, "meeting_not_found", field="meeting_id", en="No joint meeting 99"):
        meetings.get_meeting(tx.session, 99, C)
