"""Matching with reasons, a fair's figures counted by hand, what is masked for whom, the xlsx, and
cases from intake."""
from io import BytesIO

from openpyxl import load_workbook

from minzi.testing import dispatched_case, make_staff

from job_fair.domain import applications, cases, employers, fairs, matching, positions, views
from job_fair.domain.export import fair_workbook
from job_fair.domain.figures import figures

from .conftest import (
    CODES,
    LI_NA_ID,
    NOW,
    STAFF,
    STANDARD_ID,
    C,
    fair_with_position,
    interviewed,
    position_data,
    refused,
    register,
    verified_employer,
)


def test_positions_are_ranked_for_an_applicant_with_the_reasons(tx):
    # 张伟: senior high, skills 电工 and 驾驶, wants 丰台 and 5,000 yuan a month
    fair, employer, electrician = fair_with_position(tx)   # 电工, junior high+, 丰台, 4500-6000
    driver = positions.post_position(tx, C, fair.id, position_data(
        employer.id, title="司机", skills=["驾驶", "电工"], education="senior_high",
        area="丰台", pay_min_fen=500000, pay_max_fen=700000), STAFF, NOW)
    clerk = positions.post_position(tx, C, fair.id, position_data(
        employer.id, title="文员", skills=["办公软件"], education="college", area="朝阳",
        pay_min_fen=300000, pay_max_fen=450050), STAFF, NOW)
    other = verified_employer(tx, "快递站", CODES[1])
    fairs.invite(tx, C, fair.id, other.id, STAFF, NOW)
    employers.verify_employer(tx, C, other.id, {"result": "rejected", "reason": "执照过期换新"},
                              STAFF, NOW)
    ranked = matching.match(tx.session, register(tx), fair.id, NOW)
    # 司机 and 物业电工 meet all four; 司机 shares two skills, so it comes first; 文员 meets none.
    # The rejected employer's positions (none posted) would not be listed.
    assert [(m["title"], m["score"]) for m in ranked] == [("司机", 4), ("物业电工", 4),
                                                          ("文员", 0)]
    assert ranked[0]["reasons"] == ["技能符合：驾驶、电工", "学历要求高中 / 中专及以上：符合",
                                    "工作区域丰台与意向相同",
                                    "月薪 5000.00–7000.00 元达到期望的 5000.00 元"]
    assert ranked[2]["gaps"] == ["缺少所需技能：办公软件", "学历要求大专及以上：不符合",
                                 "工作区域朝阳与意向不同",
                                 "月薪 3000.00–4500.50 元低于期望的 5000.00 元"]
    english = matching.match(tx.session, register(tx, "李娜", LI_NA_ID, skills=[],
                                                  preferred_area=None, expected_pay_fen=None),
                             fair.id, NOW, "en")
    assert english[0]["gaps"] == ["Lacks the skills asked for: 驾驶, 电工"]
    assert (electrician.id, driver.id, clerk.id) == (1, 2, 3)


def test_a_fairs_figures_come_out_of_its_records(tx):
    # by hand: 1 employer, 2 positions wanting 2 + 3 = 5; 张伟 applies to both, 李娜 to one and
    # withdraws, 孙秀兰 only checks in; 张伟 checks in, is interviewed for both, hired for one.
    # applicants: 张伟, 李娜 (withdrawn: not counted), 孙秀兰 (checked in) -> 2;
    # applications not withdrawn: 2; check-ins 2; interviews 2; hires 1
    fair, employer, first = fair_with_position(tx)
    second = positions.post_position(tx, C, fair.id, position_data(employer.id, count=3),
                                     STAFF, NOW)
    zhang, li, sun = register(tx), register(tx, "李娜", LI_NA_ID), register(tx, "孙秀兰",
                                                                          STANDARD_ID)
    one = interviewed(tx, fair, first, zhang)
    two = applications.apply(tx, C, zhang.id, second.id, STAFF, NOW)
    applications.record_interview(tx, C, two.id, None, STAFF, NOW)
    applications.decide(tx, C, one.id, True, None, STAFF, NOW)
    gone = applications.apply(tx, C, li.id, first.id, STAFF, NOW)
    applications.withdraw(tx, C, gone.id, "applicant", None, STAFF, NOW)
    applications.check_in(tx, C, fair.id, sun.registration_code, STAFF, NOW)
    found = figures(tx.session, fair)
    assert found["totals"] == {"employers": 1, "positions": 2, "openings": 5, "applicants": 2,
                               "applications": 2, "check_ins": 2, "interviews": 2, "hires": 1}
    assert found["labels"]["hires"] == "录用"
    assert figures(tx.session, fair, "en")["labels"]["check_ins"] == "Check-ins"


def test_personal_data_is_whole_only_for_the_fairs_staff(tx):
    applicant = register(tx)
    whole = views.applicant_view(applicant, "zh", full=True)
    masked = views.applicant_view(applicant, "zh", full=False)
    assert (whole["id_number"], whole["phone"], whole["cv"]) == (
        "110105199405122131", "13800000001", "曾在工厂做电工五年")
    assert (masked["id_number"], masked["phone"], masked["cv"], masked["registration_code"]) == (
        "110105********2131", "138****1111"[:3] + "****" + "0001", None, None)


def test_the_employer_applied_to_gets_its_applicants_in_full_and_no_one_elses(tx):
    _, employer, position = fair_with_position(tx)
    other = verified_employer(tx, "快递站", CODES[1])
    applications.apply(tx, C, register(tx).id, position.id, STAFF, NOW)
    handed = views.employer_applications(tx.session, employer, "zh")
    assert [(a["position"], a["applicant"]["id_number"], a["applicant"]["phone"])
            for a in handed] == [("物业电工", "110105199405122131", "13800000001")]
    assert views.employer_applications(tx.session, other, "zh") == []


def test_the_spreadsheet_holds_the_figures_and_the_applicant_list(tx):
    fair, _, position = fair_with_position(tx)
    hired = interviewed(tx, fair, position, register(tx))
    applications.decide(tx, C, hired.id, True, None, STAFF, NOW)
    for full, id_number, phone in ((True, "110105199405122131", "13800000001"),
                                   (False, "110105********2131", "138****0001")):
        book = load_workbook(BytesIO(fair_workbook(tx.session, fair, full=full)))
        assert book.sheetnames == ["数据", "求职者"]
        rows = list(book["数据"].values)
        assert rows == [("招聘会", "彩虹城冬季招聘会"), ("日期", "2026-12-05"),
                        ("地点", "社区活动室"), ("参会单位", 1), ("岗位", 1), ("招聘人数", 2),
                        ("求职者", 1), ("投递", 1), ("签到", 1), ("面试", 1), ("录用", 1)]
        people = list(book["求职者"].values)
        assert people[1] == (1, "张伟", id_number, phone, "失业人员", "是",
                             "彩虹城物业公司 物业电工", "已录用")


def test_a_case_from_intake_is_received_resolved_once_with_the_reply(tx):
    report = cases.receive(tx, dispatched_case("job_fair", "job_seeking"), NOW)
    assert report["status"] == "accepted"
    case = cases.get_case(tx.session, 1, STAFF)
    done = cases.finish(case, STAFF, NOW, resolved=True, text="已登记求职，推荐物业电工岗位",
                        reply="您好，已为您登记，12月5日招聘会请带身份证到社区活动室。")
    assert done == {"case_id": 1, "program_id": "job_fair", "handler": "李干事",
                    "status": "resolved", "result": "已登记求职，推荐物业电工岗位",
                    "reply": "您好，已为您登记，12月5日招聘会请带身份证到社区活动室。"}
    with refused(tx, "case_closed"):
        cases.finish(case, STAFF, NOW, resolved=False, text="退回")
    with refused(tx, "case_not_found", status=404):
        cases.get_case(tx.session, 1, make_staff(program_id="job_fair",
                                                 community="maple-court"))
