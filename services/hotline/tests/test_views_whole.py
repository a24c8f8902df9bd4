"""Each view of the staff API whole, field by field, as a page shows it: a merchant, a job, a
complaint, a call, a door, the record of who did what. Expected values are the records' own,
written out by hand."""
from datetime import timedelta

from minzi.testing import dispatched_case

from hotline.domain import cases, complaints, doors, jobs, merchants, views
from hotline.domain.activity import history

from .conftest import BAIDU, NOW, STAFF, TODAY, C, call, merchant_data, signed

AT_NOW = "2026-11-27T02:00:00Z"
AT_LATER = "2026-11-27T02:30:00Z"


def test_a_merchant_whole(tx):
    merchant = merchants.register(tx, C, merchant_data(categories=["domestic_help",
                                                                    "elderly_care"]), STAFF, NOW)
    assert views.merchant_view(merchant, "zh") == {
        "id": 1, "community": C, "name": "好帮手家政", "credit_code": BAIDU,
        "categories": ["domestic_help", "elderly_care"], "category_names": ["家政服务", "养老服务"],
        "contact_name": "刘经理", "phone": "010-67890001", "address": "彩虹城底商12号",
        "status": "registered", "status_name": "已登记，待核验执照", "licence_checked_at": None,
        "licence_checked_by": None, "agreement_signed_on": None, "agreement_ref": None,
        "suspended": False, "suspended_reason": None, "created_at": AT_NOW,
        "created_by": "王站长"}
    merchants.check_licence(tx, C, 1, {}, STAFF, NOW)
    merchants.sign_agreement(tx, C, 1, {"signed_on": TODAY, "agreement_ref": "BM-1"}, STAFF,
                             NOW)
    merchants.suspend_by_staff(tx, C, 1, {"reason": "停业"}, STAFF, NOW)
    seen = views.merchant_view(merchant, "en")
    assert {key: seen[key] for key in ("category_names", "status", "status_name",
                                       "licence_checked_at", "licence_checked_by",
                                       "agreement_signed_on", "agreement_ref", "suspended",
                                       "suspended_reason")} == {
        "category_names": ["Housekeeping", "Elderly care"], "status": "suspended",
        "status_name": "Suspended", "licence_checked_at": AT_NOW, "licence_checked_by": "王站长",
        "agreement_signed_on": "2026-11-27", "agreement_ref": "BM-1", "suspended": True,
        "suspended_reason": "停业"}


def test_a_job_and_a_call_whole(tx):
    home = signed(tx)
    call(tx)
    job = jobs.route(tx.session, 1, {"note": "请今天上门"}, STAFF, NOW)
    later = NOW + timedelta(minutes=30)
    for answer in ("accepted", "came", "done"):
        jobs.respond(tx.session, job.id, {"response": answer, "note": "已完成"}, STAFF, later)
    jobs.rate(tx.session, job.id, {"rating": 4, "comment": "不错"}, STAFF, later)
    expected_job = {
        "id": 1, "case_id": 1, "merchant_id": home.id, "merchant": "好帮手家政",
        "merchant_phone": "010-67890001", "category": "domestic_help",
        "category_name": "家政服务", "state": "done", "state_name": "已完成",
        "picked_by": "rule", "routed_at": AT_NOW, "routed_by": "王站长",
        "responded_at": AT_LATER, "responded_in_time": True, "came_at": AT_LATER,
        "done_at": AT_LATER, "note": "已完成", "rating": 4, "rating_comment": "不错",
        "rated_at": AT_LATER}
    assert views.job_view(job, "zh", home) == expected_job
    assert views.job_view(job, "en", None)["merchant"] is None
    case = views.case_view(tx.session, cases.get_case(tx.session, 1, STAFF), "zh", views.FULL)
    history_seen = case.pop("history")
    assert case == {
        "case_id": 1, "tracking_code": "TEST000001", "community": C,
        "service_code": "domestic_help", "category_name": "家政服务", "state": "received",
        "state_name": "办理中", "description": "想找个钟点工每周打扫两次", "attributes": {},
        "resident": {"name": "赵大妈", "phone": "13900001111", "address": "彩虹城5号楼2单元"},
        "chases": 0, "job_state": "done", "merchant": "好帮手家政", "result": None,
        "handled_by": None, "received_at": AT_NOW, "jobs": [expected_job]}
    assert history_seen[1] == {"at": AT_NOW, "by": "王站长", "action": "routed",
                               "note": "请今天上门", "job_id": 1, "merchant": "好帮手家政",
                               "picked_by": "rule", "action_name": "派单给商户"}
    assert history_seen[-1] == {"at": AT_LATER, "by": "王站长", "action": "rated",
                                "note": "不错", "job_id": 1, "rating": 4,
                                "action_name": "居民评价"}
    in_english = views.case_view(tx.session, cases.get_case(tx.session, 1, STAFF), "en",
                                 views.MASKED)
    assert [h["action_name"] for h in in_english["history"]] == [
        "Call received", "Routed to a merchant", "The merchant accepted", "The merchant came",
        "Service done", "The resident's rating"]
    assert (in_english["category_name"], in_english["jobs"][0]["state_name"],
            in_english["jobs"][0]["category_name"]) == ("Housekeeping", "Done", "Housekeeping")
    (listed,) = views.list_cases(tx.session, C, "en", views.FULL)
    assert (listed["state_name"], listed["resident"]["phone"]) == ("Being handled",
                                                                   "13900001111")
    (masked,) = views.list_cases(tx.session, C, "zh", views.MASKED)
    assert (masked["state_name"], masked["resident"]["phone"]) == ("办理中", "139****1111")


def test_a_resident_without_a_name_is_masked_as_none(tx):
    for case_id, resident in ((1, {"name": None, "phone": "13900001111"}), (2, {})):
        cases.receive(tx, dispatched_case("hotline", "leisure", case_id=case_id,
                                          resident=resident), NOW)
    masked = [views.resident_view(cases.get_case(tx.session, case_id, STAFF), views.MASKED)
              for case_id in (1, 2)]
    assert masked == [{"name": None, "phone": "139****1111", "address": None},
                      {"name": None, "phone": None, "address": None}]


def test_a_complaint_and_a_merchants_page_whole(tx):
    home = signed(tx)
    complaint = complaints.file(tx, C, home.id, {"received_on": TODAY, "description": "迟到"},
                                STAFF, NOW)
    assert views.complaint_view(complaint, home) == {
        "id": 1, "merchant_id": home.id, "merchant": "好帮手家政", "job_id": None,
        "received_on": "2026-11-27", "description": "迟到", "upheld": None, "decision": None,
        "decision_note": None, "decided_at": None, "decided_by": None, "created_by": "王站长"}
    complaints.decide(tx, C, 1, {"upheld": True, "note": "属实"}, STAFF, NOW)
    seen = views.complaint_view(complaint)
    assert (seen["merchant"], seen["upheld"], seen["decision"], seen["decision_note"],
            seen["decided_at"], seen["decided_by"]) == (None, True, "upheld", "属实", AT_NOW,
                                                        "王站长")
    page = views.merchant_record(tx.session, home, "zh", NOW)
    assert (page["jobs"], page["open_jobs"], page["ratings"], len(page["complaints"]),
            page["upheld_last_12_months"]) == ([], 0, {"count": 0, "average": None}, 1, 1)
    call(tx)
    jobs.route(tx.session, 1, {}, STAFF, NOW)
    assert views.merchant_record(tx.session, home, "zh", NOW)["open_jobs"] == 1


def test_the_record_of_who_did_what(tx):
    doors.post(tx, C, {"building": "1号楼", "door": "1单元", "posted_on": TODAY}, STAFF, NOW)
    assert history(tx.session, C, "door", 1) == [
        {"action": "posted", "by": "王站长", "at": AT_NOW,
         "detail": {"building": "1号楼", "door": "1单元"}}]
    assert history(tx.session, "maple-court", "door", 1) == []
    assert history(tx.session, C, "merchant", 1) == []
