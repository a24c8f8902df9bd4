"""What each read shows, written from the README ("Who may do what") and views' docstring:
applicants' ID number, phone and CV in full only for the fair's own staff (``full``) and in
what the staff hand the employer an applicant applied to; an admin sees the ID number as its
first six and last four (``110105********2131``), the phone as its first three and last four
(``138****0001``), and neither CV nor registration code. Lists hold one community's records,
in the order they were made (fairs by day)."""
from datetime import UTC, date, datetime

from minzi.testing import dispatched_case

from job_fair.domain import applications, cases, employers, fairs, positions, views
from job_fair.models import Applicant

from .conftest import (
    CODES,
    LI_NA_ID,
    NOW,
    STAFF,
    ZHANG_WEI_ID,
    C,
    employer_data,
    fair_with_position,
    position_data,
    register,
    verified_employer,
)

OTHER = "maple-court"
AT_NOW = "2026-11-27T02:00:00Z"


def test_the_fairs_staff_see_an_applicant_in_full(tx):
    applicant = register(tx)
    shown = views.applicant_view(applicant, "zh", full=True)
    assert shown == {
        "id": 1, "community": C, "name": "张伟", "id_number": "110105199405122131",
        "phone": "13800000001", "cv": "曾在工厂做电工五年", "cv_masked": False,
        "kind": "unemployed", "kind_name": "失业人员", "education": "senior_high",
        "education_name": "高中 / 中专", "skills": ["电工", "驾驶"], "preferred_area": "丰台",
        "expected_pay": "5000.00", "registration_code": applicant.registration_code,
        "consent_at": AT_NOW, "created_by": "李干事"}
    assert len(applicant.registration_code) > 0


def test_anyone_else_sees_the_id_number_and_phone_masked_and_no_cv(tx):
    applicant = register(tx)
    shown = views.applicant_view(applicant, "en", full=False)
    # 18 characters: the first six, eight stars, the last four
    assert shown["id_number"] == "110105********2131"
    assert shown["phone"] == "138****0001"
    assert (shown["cv"], shown["cv_masked"], shown["registration_code"]) == (None, True, None)
    assert (shown["kind_name"], shown["education_name"]) == (
        "Unemployed", "Senior high / vocational school")


def test_a_phone_too_short_to_mask_is_hidden_whole():
    assert views.mask_phone("13800000001") == "138****0001"
    assert views.mask_phone("12345678") == "123****5678"     # 8 characters: still masked
    assert views.mask_phone("1234567") == "****"
    assert views.mask_phone("") == ""        # no phone: nothing to hide


def test_an_applicant_with_no_expected_pay_shows_none(tx):
    applicant = register(tx, expected_pay_fen=None)
    assert views.applicant_view(applicant, "zh", full=True)["expected_pay"] is None


def test_an_employer_a_fair_and_a_position_as_shown(tx):
    fair, employer, position = fair_with_position(tx)
    assert views.employer_view(employer, "zh", NOW) == {
        "id": 1, "community": C, "name": "彩虹城物业公司", "credit_code": "91350100M000100Y43",
        "licence_valid_until": "2030-12-31", "licence_expired": False,
        "contact_name": "王经理", "phone": "13800000100", "address": "彩虹城1号楼",
        "status": "verified", "status_name": "已审核", "reason": None,
        "verified_at": AT_NOW, "verified_by": "李干事", "created_at": AT_NOW,
        "created_by": "李干事"}
    assert views.employer_view(employer, "en", NOW)["status_name"] == "Verified"
    # the licence runs to 31 December 2030: on 1 January 2031 (Beijing) it has expired
    assert views.employer_view(employer, "zh", datetime(2030, 12, 31, 16, 0, tzinfo=UTC))[
        "licence_expired"] is True
    assert views.employer_view(employer, "zh", datetime(2030, 12, 31, 15, 59, tzinfo=UTC))[
        "licence_expired"] is False
    assert views.fair_view(fair) == {
        "id": 1, "community": C, "title": "彩虹城冬季招聘会", "day": "2026-12-05",
        "place": "社区活动室", "capacity": 300, "created_by": "李干事"}
    assert views.position_view(position, employer, "en") == {
        "id": 1, "fair_id": 1, "employer_id": 1, "employer": "彩虹城物业公司",
        "title": "物业电工", "count": 2, "skills": ["电工"], "education": "junior_high",
        "education_name": "Junior high school", "area": "丰台", "work_place": "彩虹城小区",
        "pay_min": "4500.00", "pay_max": "6000.00", "status": "open", "created_by": "李干事"}


def test_a_rejected_employer_shows_why(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    employers.verify_employer(tx, C, employer.id, {"result": "rejected", "reason": "执照模糊"},
                              STAFF, NOW)
    shown = views.employer_view(employer, "zh", NOW)
    assert (shown["status"], shown["status_name"], shown["reason"]) == (
        "rejected", "审核未通过", "执照模糊")


def test_an_application_and_a_check_in_as_shown(tx):
    fair, _, position = fair_with_position(tx)
    applicant = register(tx)
    application = applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)
    assert views.application_view(application, "zh") == {
        "id": 1, "position_id": 1, "applicant_id": 1, "status": "applied",
        "status_name": "已投递", "withdrawn_by": None, "note": None, "applied_at": AT_NOW,
        "interviewed_at": None, "decided_at": None, "updated_by": "李干事"}
    assert views.application_view(application, "en")["status_name"] == "Applied"
    entry = applications.check_in(tx, C, fair.id, applicant.registration_code, STAFF, NOW)
    assert views.check_in_view(entry, applicant) == {
        "fair_id": 1, "applicant_id": 1, "name": "张伟", "at": AT_NOW, "by": "李干事"}


def test_lists_hold_one_community_in_order(tx):
    first = verified_employer(tx, "甲公司", CODES[1])
    employers.register_employer(tx, C, employer_data("乙公司", CODES[2]), STAFF, NOW)
    third = verified_employer(tx, "丙公司", CODES[3])
    employers.register_employer(tx, OTHER, employer_data("别处公司", CODES[4]), STAFF, NOW)
    assert [e.name for e in views.list_employers(tx.session, C, None)] == [
        "甲公司", "乙公司", "丙公司"]
    assert views.list_employers(tx.session, C, "verified") == [first, third]
    assert [e.name for e in views.list_employers(tx.session, C, "pending")] == ["乙公司"]
    assert [e.name for e in views.list_employers(tx.session, OTHER, None)] == ["别处公司"]

    # planned out of order: listed by day, the same day by when planned
    for title, day in (("冬", date(2026, 12, 20)), ("秋", date(2026, 12, 1)),
                       ("冬二", date(2026, 12, 20))):
        fairs.plan_fair(tx, C, {"title": title, "day": day, "place": "活动室", "capacity": 50},
                        STAFF, NOW)
    fairs.plan_fair(tx, OTHER, {"title": "别处", "day": date(2026, 12, 2), "place": "活动室",
                                "capacity": 50}, STAFF, NOW)
    assert [f.title for f in views.list_fairs(tx.session, C)] == ["秋", "冬", "冬二"]
    assert [f.title for f in views.list_fairs(tx.session, OTHER)] == ["别处"]

    register(tx, "张伟", ZHANG_WEI_ID)
    register(tx, "李娜", LI_NA_ID)
    applicants_module_other = register(tx, "王芳", "11010519491231002X")
    applicants_module_other.community = OTHER
    assert [a.name for a in views.list_applicants(tx.session, C)] == ["张伟", "李娜"]
    assert [a.name for a in views.list_applicants(tx.session, OTHER)] == ["王芳"]


def test_the_public_sees_only_open_positions_of_verified_employers_with_valid_licences(tx):
    fair, employer, first = fair_with_position(tx)
    second = verified_employer(tx, "短期公司", CODES[5], licence_valid_until=date(2026, 12, 31))
    fairs.invite(tx, C, fair.id, second.id, STAFF, NOW)
    short = positions.post_position(tx, C, fair.id, position_data(second.id, title="保洁"),
                                    STAFF, NOW)
    closed = positions.post_position(tx, C, fair.id, position_data(employer.id, title="保安"),
                                     STAFF, NOW)
    closed.status = "closed"

    def titles(now, public):
        return [(p.title, e.name) for p, e in views.list_positions(tx.session, fair, now,
                                                                   public=public)]
    both = [("物业电工", "彩虹城物业公司"), ("保洁", "短期公司")]
    assert titles(NOW, public=True) == both
    assert titles(NOW, public=False) == both
    # 1 January 2027 in Beijing: the second licence has expired; staff still see the position
    new_year = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    assert titles(new_year, public=True) == [("物业电工", "彩虹城物业公司")]
    assert titles(new_year, public=False) == both
    # the property company found rejected afterwards: the public no longer sees its position
    employers.verify_employer(tx, C, employer.id, {"result": "rejected", "reason": "吊销"},
                              STAFF, NOW)
    assert titles(NOW, public=True) == [("保洁", "短期公司")]
    assert short.id == 2 and first.id == 1


def test_a_fairs_applicants_are_those_who_applied_or_checked_in(tx):
    fair, employer, position = fair_with_position(tx)
    zhang, li = register(tx), register(tx, "李娜", LI_NA_ID)
    wang = register(tx, "王芳", "11010519491231002X")
    second = positions.post_position(tx, C, fair.id, position_data(employer.id, title="保安"),
                                     STAFF, NOW)
    # 李娜 applies twice, 张伟 only checks in, 王芳 does neither
    a1 = applications.apply(tx, C, li.id, second.id, STAFF, NOW)
    a2 = applications.apply(tx, C, li.id, position.id, STAFF, NOW)
    applications.check_in(tx, C, fair.id, zhang.registration_code, STAFF, NOW)
    listed = views.fair_applicants(tx.session, fair)
    assert [(a.name, [(x.id, p.title, e.name) for x, p, e in apps], arrived)
            for a, apps, arrived in listed] == [
        ("张伟", [], True),
        ("李娜", [(a1.id, "保安", "彩虹城物业公司"), (a2.id, "物业电工", "彩虹城物业公司")],
         False)]
    assert wang.id not in [a.id for a, _, _ in listed]
    other = fairs.plan_fair(tx, C, {"title": "别的招聘会", "day": date(2026, 12, 12),
                                    "place": "活动室", "capacity": 50}, STAFF, NOW)
    assert views.fair_applicants(tx.session, other) == []


def test_an_employer_is_handed_its_own_applicants_in_full_and_no_one_elses(tx):
    fair, employer, position = fair_with_position(tx)
    other = verified_employer(tx, "别家公司", CODES[6])
    fairs.invite(tx, C, fair.id, other.id, STAFF, NOW)
    elsewhere = positions.post_position(tx, C, fair.id, position_data(other.id, title="厨师"),
                                        STAFF, NOW)
    zhang, li = register(tx), register(tx, "李娜", LI_NA_ID)
    applications.apply(tx, C, zhang.id, position.id, STAFF, NOW)
    applications.apply(tx, C, li.id, elsewhere.id, STAFF, NOW)
    handed = views.employer_applications(tx.session, employer, "zh")
    assert len(handed) == 1
    assert handed[0]["position"] == "物业电工"
    assert handed[0]["status_name"] == "已投递"
    assert handed[0]["applicant"]["id_number"] == "110105199405122131"
    assert handed[0]["applicant"]["phone"] == "13800000001"
    assert handed[0]["applicant"]["cv"] == "曾在工厂做电工五年"
    assert [h["applicant"]["name"] for h in views.employer_applications(
        tx.session, other, "en")] == ["李娜"]


def test_the_record_of_who_did_what_is_one_entitys_in_order(tx):
    fair, employer, _ = fair_with_position(tx)
    employers.verify_employer(tx, C, employer.id, {"result": "rejected", "reason": "吊销"},
                              STAFF, NOW)
    seen = views.history(tx.session, C, "employer", employer.id)
    assert [h["action"] for h in seen] == ["registered", "verified", "rejected"]
    assert seen[2] == {"action": "rejected", "by": "李干事", "on_behalf_of": None,
                       "at": AT_NOW, "detail": {"reason": "吊销"}}
    assert views.history(tx.session, OTHER, "employer", employer.id) == []
    assert views.history(tx.session, C, "employer", employer.id + 1) == []
    assert [h["action"] for h in views.history(tx.session, C, "fair", fair.id)] == [
        "planned", "invited"]


def test_cases_are_listed_by_number_for_their_community(tx):
    for case_id, community in ((5, C), (2, C), (3, OTHER)):
        cases.receive(tx, dispatched_case("job_fair", "job_seeking", case_id=case_id,
                                          community=community), NOW)
    listed = views.list_cases(tx.session, C)
    assert [c["case_id"] for c in listed] == [2, 5]
    assert listed[0] == {
        "case_id": 2, "tracking_code": "TEST000002", "community": C,
        "service_code": "job_seeking", "state": "received", "description": "居民来访求助",
        "resident": {"name": "张三", "phone": "13800001111"}, "attributes": {}, "chases": 0,
        "result": None, "handled_by": None,
        "history": [{"at": AT_NOW, "by": "intake", "action": "received", "note": None}]}
    assert [c["case_id"] for c in views.list_cases(tx.session, OTHER)] == [3]


def test_an_employer_handed_its_applicants_reads_them_in_its_language(tx):
    _, employer, position = fair_with_position(tx)
    applications.apply(tx, C, register(tx).id, position.id, STAFF, NOW)
    handed = views.employer_applications(tx.session, employer, "en")
    assert (handed[0]["status_name"], handed[0]["applicant"]["kind_name"],
            handed[0]["applicant"]["education_name"]) == (
        "Applied", "Unemployed", "Senior high / vocational school")


def test_an_application_shows_when_it_was_interviewed_and_decided(tx):
    fair, _, position = fair_with_position(tx)
    later = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    application = applications.apply(tx, C, register(tx).id, position.id, STAFF, NOW)
    applicant = tx.session.get(Applicant, application.applicant_id)
    applications.check_in(tx, C, fair.id, applicant.registration_code, STAFF, later)
    applications.record_interview(tx, C, application.id, "谈得不错", STAFF, later)
    applications.decide(tx, C, application.id, True, None, STAFF, later)
    shown = views.application_view(application, "zh")
    assert (shown["applied_at"], shown["interviewed_at"], shown["decided_at"]) == (
        AT_NOW, "2026-12-05T03:00:00Z", "2026-12-05T03:00:00Z")
    assert (shown["status"], shown["status_name"]) == ("hired", "已录用")


def test_a_fairs_positions_are_its_own(tx):
    fair, employer, _ = fair_with_position(tx)
    other = fairs.plan_fair(tx, C, {"title": "春季招聘会", "day": date(2027, 3, 6),
                                    "place": "社区广场", "capacity": 100}, STAFF, NOW)
    fairs.invite(tx, C, other.id, employer.id, STAFF, NOW)
    positions.post_position(tx, C, other.id, position_data(employer.id, title="绿化工"),
                            STAFF, NOW)
    for public in (True, False):
        assert [p.title for p, _ in views.list_positions(tx.session, fair, NOW,
                                                         public=public)] == ["物业电工"]
        assert [p.title for p, _ in views.list_positions(tx.session, other, NOW,
                                                         public=public)] == ["绿化工"]


def test_an_employer_with_no_licence_date_shows_none(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    employer.licence_valid_until = None
    assert views.employer_view(employer, "zh", NOW)["licence_valid_until"] is None
