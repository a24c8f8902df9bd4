"""Complaints against a merchant, and the rule: once 3 complaints received in the last 12
months (after the same day a year ago, up to today) are upheld, the merchant is suspended from
routing; it is reinstated only when fewer than 3 remain in the 12 months."""
from datetime import UTC, date, datetime, timedelta

from hotline.domain import complaints, jobs, merchants
from hotline.domain.activity import history

from .conftest import MAPLE_STAFF, NOW, STAFF, TODAY, XIAOMI, C, call, refused, signed

LATER = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


def complain(tx, merchant, received_on=TODAY, upheld: bool | None = True, now=NOW, **extra):
    complaint = complaints.file(tx, C, merchant.id, {"received_on": received_on,
                                                     "description": "上门迟到两小时", **extra},
                                STAFF, now)
    if upheld is not None:
        complaints.decide(tx, C, complaint.id, {"upheld": upheld, "note": "已核实"}, STAFF, now)
    return complaint


def test_the_third_upheld_complaint_of_the_year_suspends_the_merchant(tx):
    merchant = signed(tx)
    complain(tx, merchant, date(2026, 1, 5))
    complain(tx, merchant, date(2026, 6, 1))
    complain(tx, merchant, date(2026, 11, 1), upheld=False)     # not upheld: not counted
    complain(tx, merchant, date(2026, 11, 20), upheld=None)     # not decided: not counted
    assert (merchant.suspended, merchants.is_offered(merchant)) == (False, True)
    complain(tx, merchant, date(2026, 11, 26))
    assert (merchant.suspended, merchant.suspended_reason) == (
        True, "近12个月有 3 次投诉属实，自动暂停派单")
    assert merchants.status(merchant) == "suspended"
    assert history(tx.session, C, "merchant", merchant.id)[-1] == {
        "action": "suspended", "by": "王站长", "at": "2026-11-27T02:00:00Z",
        "detail": {"reason": "近12个月有 3 次投诉属实，自动暂停派单"}}


def test_a_complaint_of_a_year_ago_to_the_day_no_longer_counts(tx):
    merchant = signed(tx)
    complain(tx, merchant, date(2025, 11, 27))      # the same day a year ago: outside
    complain(tx, merchant, date(2025, 11, 28))      # the day after: inside
    complain(tx, merchant, TODAY)
    assert complaints.upheld_in_last_year(tx.session, merchant, TODAY) == 2
    assert not merchant.suspended
    complain(tx, merchant, TODAY)
    assert merchant.suspended


def test_the_fourth_upheld_complaint_leaves_the_merchant_suspended_as_it_was(tx):
    merchant = signed(tx)
    for _ in range(3):
        complain(tx, merchant)
    merchant.suspended_reason = "已暂停"
    complain(tx, merchant)
    assert (merchant.suspended, merchant.suspended_reason) == (True, "已暂停")
    assert [h["action"] for h in history(tx.session, C, "merchant", merchant.id)].count(
        "suspended") == 1


def test_reinstating_waits_until_the_complaints_are_more_than_a_year_old(tx):
    merchant = signed(tx)
    for day in (date(2026, 3, 1), date(2026, 5, 1), date(2026, 11, 1)):
        complain(tx, merchant, day)
    assert merchant.suspended
    with refused(tx, "too_many_complaints", field="merchant_id", status=409):
        complaints.reinstate(tx, C, merchant.id, {"reason": "整改"}, STAFF, NOW)
    # on 1 March 2027 the complaint of 1 March 2026 is a year old: two remain
    complaints.reinstate(tx, C, merchant.id, {"reason": "整改完成"}, STAFF, LATER)
    assert merchants.is_offered(merchant)
    assert history(tx.session, C, "merchant", merchant.id)[-1] == {
        "action": "reinstated", "by": "王站长", "at": "2027-03-01T02:00:00Z",
        "detail": {"reason": "整改完成"}}


def test_the_year_before_29_february_is_28_february():
    assert complaints.year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert complaints.year_before(date(2026, 11, 27)) == date(2025, 11, 27)


def test_a_complaint_may_name_one_of_the_merchants_jobs_only(tx):
    merchant = signed(tx)
    other = signed(tx, "安心家政", XIAOMI)
    call(tx)
    job = jobs.route(tx.session, 1, {"merchant_id": merchant.id}, STAFF, NOW)
    named = complain(tx, merchant, upheld=None, job_id=job.id)
    assert (named.job_id, named.merchant_id, named.upheld, named.created_by) == (
        job.id, merchant.id, None, "王站长")
    with refused(tx, "unknown_job", field="job_id", status=422,
                 zh=f"这家商户没有编号为 {job.id} 的派单", en=f"The merchant has no job {job.id}"):
        complain(tx, other, upheld=None, job_id=job.id)
    with refused(tx, "unknown_job", field="job_id", status=422):
        complain(tx, merchant, upheld=None, job_id=99)


def test_a_complaint_is_decided_once_and_not_received_in_the_future(tx):
    merchant = signed(tx)
    complaint = complain(tx, merchant, upheld=False)
    assert (complaint.upheld, complaint.decision_note, complaint.decided_by,
            complaint.decided_at) == (False, "已核实", "王站长", NOW)
    with refused(tx, "already_decided", field="complaint_id", status=409,
                 zh="这件投诉已经处理过了", en="This complaint has already been decided"):
        complaints.decide(tx, C, complaint.id, {"upheld": True, "note": "改判"}, STAFF, NOW)
    with refused(tx, "received_in_future", field="received_on", status=422,
                 zh="投诉日期不能晚于今天", en="The complaint cannot be received in the future"):
        complain(tx, merchant, TODAY + timedelta(days=1), upheld=None)
    with refused(tx, "complaint_not_found", field="complaint_id", status=404,
                 zh=f"没有编号为 {complaint.id} 的投诉", en=f"No complaint {complaint.id}"):
        complaints.decide(tx, "maple-court", complaint.id, {"upheld": True, "note": "x"},
                          MAPLE_STAFF, NOW)
    assert [(h["action"], h["detail"]) for h in history(tx.session, C, "complaint",
                                                        complaint.id)] == [
        ("received", {"merchant_id": merchant.id}), ("rejected", {"note": "已核实"})]


def test_complaints_are_listed_pending_or_decided(tx):
    merchant = signed(tx)
    decided = complain(tx, merchant, upheld=True)
    pending = complain(tx, merchant, upheld=None)
    assert complaints.list_complaints(tx.session, C) == [decided, pending]
    assert complaints.list_complaints(tx.session, C, pending=True) == [pending]
    assert complaints.list_complaints(tx.session, C, pending=False) == [decided]
    assert complaints.list_complaints(tx.session, "maple-court") == []
    assert complaints.of_merchant(tx.session, merchant.id) == [decided, pending]


def test_only_the_merchants_own_upheld_complaints_count(tx):
    merchant = signed(tx)
    other = signed(tx, "安心家政", XIAOMI)
    complain(tx, other)
    complain(tx, other)
    complain(tx, merchant)
    assert [complaints.upheld_in_last_year(tx.session, m, TODAY) for m in (merchant, other)] \
        == [1, 2]
    assert (merchant.suspended, other.suspended) == (False, False)


def test_an_upheld_complaint_is_on_the_record_with_who_received_and_decided_it(tx):
    merchant = signed(tx)
    complaint = complain(tx, merchant, upheld=True)
    assert history(tx.session, C, "complaint", complaint.id) == [
        {"action": "received", "by": "王站长", "at": "2026-11-27T02:00:00Z",
         "detail": {"merchant_id": merchant.id}},
        {"action": "upheld", "by": "王站长", "at": "2026-11-27T02:00:00Z",
         "detail": {"note": "已核实"}}]
