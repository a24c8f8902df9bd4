"""The cases intake hands the job fair, as docs/contract.md says: a ``case.dispatched`` case is
received and answered with ``accepted``; a ``case.chased`` reminder (level 1) or escalation
(level 2) is counted; a ``case.recalled`` case is no longer worked; the fair's staff resolve a
case with a result (and a reply for the resident) or return it with why, once. Every change is
on the case's own record: who, when, what."""
from datetime import UTC, datetime

from minzi.testing import dispatched_case, make_staff

from job_fair.domain import cases
from job_fair.models import ProgramCase

from .conftest import NOW, STAFF, refused, snapshot

LATER = datetime(2026, 11, 28, 6, 30, tzinfo=UTC)
AT_NOW, AT_LATER = "2026-11-27T02:00:00Z", "2026-11-28T06:30:00Z"
NOTE = "站长分派：请尽快联系"


def notice(case_id=1, **extra):
    return {"case_id": case_id, "tracking_code": f"TEST{case_id:06d}", "program_id": "job_fair",
            "note": None, **extra}


def received(tx, case_id=1, **extra):
    report = cases.receive(tx, dispatched_case("job_fair", "job_seeking", case_id=case_id,
                                               **extra), NOW)
    return report, tx.session.get(ProgramCase, case_id)


def test_a_dispatched_case_is_kept_as_intake_sent_it_and_accepted(tx):
    report, case = received(tx, note=NOTE, attributes={"kind": "unemployed"})
    assert report == {"status": "accepted", "note": "已收到，正在办理"}
    assert (case.case_id, case.tracking_code, case.community, case.service_code) == (
        1, "TEST000001", "rainbow-city", "job_seeking")
    assert case.description == "居民来访求助"
    assert case.resident == {"name": "张三", "phone": "13800001111"}
    assert case.attributes == {"kind": "unemployed"}
    assert (case.state, case.chases, case.result, case.handled_by) == ("received", 0, None, None)
    assert case.received_at.replace(tzinfo=UTC) == NOW
    assert case.history == [{"at": AT_NOW, "by": "intake", "action": "received", "note": NOTE}]


def test_reminders_and_escalations_are_counted_on_the_record(tx):
    _, case = received(tx)
    cases.chased(tx, notice(level=1, note="已超时，请尽快办理"), LATER)
    cases.chased(tx, notice(level=2), LATER)
    assert case.chases == 2
    assert case.state == "received"
    assert case.history[1:] == [
        {"at": AT_LATER, "by": "intake", "action": "chased", "note": "已超时，请尽快办理"},
        {"at": AT_LATER, "by": "intake", "action": "escalated", "note": None}]


def test_a_chase_or_recall_of_a_case_never_received_changes_nothing(tx):
    received(tx)
    before = snapshot(tx)
    cases.chased(tx, notice(2, level=1), LATER)
    cases.recalled(tx, notice(2), LATER)
    assert snapshot(tx) == before


def test_a_recalled_case_is_no_longer_worked(tx):
    _, case = received(tx)
    cases.recalled(tx, notice(note="已转交社保所"), LATER)
    assert case.state == "recalled"
    assert case.updated_at.replace(tzinfo=UTC) == LATER
    assert case.history[-1] == {"at": AT_LATER, "by": "intake", "action": "recalled",
                                "note": "已转交社保所"}
    with refused(tx, "case_closed", field="case_id", status=409,
                 zh="这件诉求已经办完或已被收回", en="The case is no longer open"):
        cases.finish(case, STAFF, LATER, resolved=True, text="已登记")


def test_a_recall_after_the_answer_changes_nothing(tx):
    _, case = received(tx)
    cases.finish(case, STAFF, NOW, resolved=True, text="已登记求职")
    before = snapshot(tx)
    cases.recalled(tx, notice(), LATER)
    assert snapshot(tx) == before
    assert case.state == "resolved"


def test_a_case_dispatched_again_after_a_recall_is_worked_once_more(tx):
    _, case = received(tx)
    cases.recalled(tx, notice(), LATER)
    cases.receive(tx, dispatched_case("job_fair", "job_seeking", note="重新分派"), LATER)
    assert case.state == "received"
    assert [h["action"] for h in case.history] == ["received", "recalled", "received"]
    assert case.history[-1]["note"] == "重新分派"


def test_resolving_reports_the_result_and_the_reply_for_intake(tx):
    _, case = received(tx)
    report = cases.finish(case, STAFF, LATER, resolved=True, text="已登记求职",
                          reply="您好，12月5日请到社区活动室。")
    assert report == {"case_id": 1, "program_id": "job_fair", "handler": "李干事",
                      "status": "resolved", "result": "已登记求职",
                      "reply": "您好，12月5日请到社区活动室。"}
    assert (case.state, case.result, case.handled_by) == ("resolved", "已登记求职", "李干事")
    assert case.updated_at.replace(tzinfo=UTC) == LATER
    assert case.history[-1] == {"at": AT_LATER, "by": "李干事", "action": "resolved",
                                "note": "已登记求职"}


def test_a_result_without_a_reply_reports_no_reply(tx):
    _, case = received(tx)
    report = cases.finish(case, STAFF, NOW, resolved=True, text="已登记求职")
    assert report["reply"] is None


def test_returning_hands_it_back_with_why(tx):
    _, case = received(tx)
    staff = make_staff("handler", program_id="job_fair", name="", username="wang")
    report = cases.finish(case, staff, LATER, resolved=False, text="不是招聘会的事，请找社保所")
    assert report == {"case_id": 1, "program_id": "job_fair", "handler": "wang",
                      "status": "returned", "note": "不是招聘会的事，请找社保所"}
    assert (case.state, case.result, case.handled_by) == (
        "returned", "不是招聘会的事，请找社保所", "wang")
    assert case.history[-1] == {"at": AT_LATER, "by": "wang", "action": "returned",
                                "note": "不是招聘会的事，请找社保所"}
    with refused(tx, "case_closed", field="case_id", status=409):
        cases.finish(case, STAFF, LATER, resolved=False, text="再退一次")


def test_a_case_is_found_only_in_the_staff_members_community(tx):
    received(tx, case_id=3)
    assert cases.get_case(tx.session, 3, STAFF).case_id == 3
    with refused(tx, "case_not_found", field="case_id", status=404,
                 zh="没有编号为 4 的诉求", en="No case 4"):
        cases.get_case(tx.session, 4, STAFF)
    with refused(tx, "case_not_found", field="case_id", status=404,
                 zh="没有编号为 3 的诉求", en="No case 3"):
        cases.get_case(tx.session, 3, make_staff(program_id="job_fair", community="maple-court"))
