"""Every named refusal of the job fair, as the user reads it: its code, the field it names, its
HTTP status, its words in Chinese and in English — and nothing written (the snapshot of every
row before and after, ``refused`` in conftest.py)."""
from datetime import timedelta

from minzi.testing import dispatched_case

from job_fair.domain import applicants, applications, cases, employers, fairs, positions

from .conftest import (
    CODES,
    FAIR_DAY,
    LI_NA_ID,
    NOW,
    STAFF,
    STANDARD_CODE,
    TODAY,
    ZHANG_WEI_ID,
    C,
    applicant_data,
    employer_data,
    fair_with_position,
    interviewed,
    position_data,
    refused,
    register,
    verified_employer,
)

LATER = NOW + timedelta(days=9)          # 6 December: the fair of 5 December is over


def test_employers(tx):
    with refused(tx, "invalid_credit_code", field="credit_code", status=422,
                 zh="统一社会信用代码无效，请核对营业执照",
                 en="The unified social credit code is not valid: check the licence"):
        employers.register_employer(tx, C, employer_data(code="91350100M000100Y44"), STAFF, NOW)
    first = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    with refused(tx, "employer_exists", field="credit_code", status=409,
                 zh="这个统一社会信用代码已经登记过了（单位编号 1）",
                 en="This credit code is already registered (employer 1)"):
        employers.register_employer(tx, C, employer_data("另一家", STANDARD_CODE), STAFF, NOW)
    with refused(tx, "reason_required", field="reason", status=422,
                 zh="审核不通过时请写明原因", en="Say why the employer is rejected"):
        employers.verify_employer(tx, C, first.id, {"result": "rejected", "reason": "  "},
                                  STAFF, NOW)
    with refused(tx, "employer_not_found", status=404, zh="没有编号为 9 的用人单位",
                 en="No employer 9"):
        employers.verify_employer(tx, C, 9, {"result": "verified"}, STAFF, NOW)
    with refused(tx, "employer_not_verified", field="employer_id", status=409,
                 zh="用人单位「彩虹城物业公司」的资质尚未审核通过，不能发布岗位或参会",
                 en="Employer 彩虹城物业公司 is not verified: it cannot post positions or "
                    "take part in a fair"):
        employers.require_may_publish(first, NOW)
    employers.verify_employer(tx, C, first.id, {"result": "verified"}, STAFF, NOW)
    with refused(tx, "already_decided", field="result", status=409,
                 zh="这家单位已经是这个审核结果了", en="The employer already has this result"):
        employers.verify_employer(tx, C, first.id, {"result": "verified"}, STAFF, NOW)
    old = employers.register_employer(tx, C, employer_data(
        "旧单位", CODES[1], licence_valid_until=TODAY - timedelta(days=1)), STAFF, NOW)
    with refused(tx, "licence_expired", field="licence_valid_until", status=409,
                 zh="营业执照已过有效期，不能通过审核",
                 en="The business licence has expired: it cannot be verified"):
        employers.verify_employer(tx, C, old.id, {"result": "verified"}, STAFF, NOW)
    first.licence_valid_until = TODAY - timedelta(days=1)
    tx.session.flush()
    with refused(tx, "licence_expired", field="position_id", status=409,
                 zh="用人单位「彩虹城物业公司」的营业执照已过有效期，不能发布岗位或参会",
                 en="Employer 彩虹城物业公司's business licence has expired: it cannot post "
                    "positions or take part in a fair"):
        employers.require_may_publish(first, NOW, "position_id")


def test_fairs_and_positions(tx):
    with refused(tx, "fair_in_past", field="day", status=422, zh="招聘会日期不能早于今天",
                 en="A job fair cannot be planned for a day in the past"):
        fairs.plan_fair(tx, C, {"title": "旧的", "day": TODAY - timedelta(days=1),
                                "place": "活动室", "capacity": 10}, STAFF, NOW)
    fair, employer, _ = fair_with_position(tx)
    with refused(tx, "fair_not_found", status=404, zh="没有编号为 7 的招聘会", en="No job fair 7"):
        fairs.invite(tx, C, 7, employer.id, STAFF, NOW)
    with refused(tx, "unknown_employer", field="employer_id", status=422,
                 zh="没有编号为 8 的用人单位", en="No employer 8"):
        fairs.invite(tx, C, fair.id, 8, STAFF, NOW)
    with refused(tx, "already_invited", field="employer_id", status=409,
                 zh="「彩虹城物业公司」已经受邀参加这场招聘会",
                 en="彩虹城物业公司 is already invited to this fair"):
        fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
    with refused(tx, "fair_over", field="fair_id", status=409,
                 zh="招聘会「彩虹城冬季招聘会」已经结束",
                 en="The job fair 彩虹城冬季招聘会 is over"):
        fairs.invite(tx, C, fair.id, employer.id, STAFF, LATER)
    other = verified_employer(tx, "快递站", CODES[1])
    with refused(tx, "employer_not_invited", field="employer_id", status=409,
                 zh="「快递站」没有受邀参加这场招聘会，请先邀请",
                 en="快递站 is not invited to this fair: invite it first"):
        positions.post_position(tx, C, fair.id, position_data(other.id), STAFF, NOW)
    with refused(tx, "pay_range", field="pay_min", status=422, zh="最低工资不能高于最高工资",
                 en="The lowest pay cannot be above the highest"):
        positions.post_position(tx, C, fair.id, position_data(
            employer.id, pay_min_fen=500001, pay_max_fen=500000), STAFF, NOW)
    assert fair.day == FAIR_DAY


def test_applicants(tx):
    with refused(tx, "consent_required", field="consent", status=422,
                 zh="求职者须同意本站保存其个人信息（身份证号、电话、简历）后才能登记",
                 en="The applicant must consent to the station keeping their data (ID number, "
                    "phone, CV) before registering"):
        applicants.register_applicant(tx, C, applicant_data(consent=False), STAFF, NOW)
    with refused(tx, "invalid_id_number", field="id_number", status=422,
                 zh="身份证号码无效，请核对", en="The ID number is not valid: please check it"):
        applicants.register_applicant(tx, C, applicant_data(id_number="110105199405122132"),
                                      STAFF, NOW)
    register(tx)
    with refused(tx, "applicant_exists", field="id_number", status=409,
                 zh="这个身份证号码已经登记过了（求职者编号 1）",
                 en="This ID number is already registered (applicant 1)"):
        register(tx, "又一个张伟", ZHANG_WEI_ID)
    with refused(tx, "applicant_not_found", status=404, zh="没有编号为 5 的求职者",
                 en="No applicant 5"):
        applicants.get_applicant(tx.session, 5, C)


def test_applications_and_the_fair_day(tx):
    fair, _, position = fair_with_position(tx, count=1)
    zhang, li = register(tx), register(tx, "李娜", LI_NA_ID)
    with refused(tx, "unknown_position", field="position_id", status=422,
                 zh="没有编号为 6 的岗位", en="No position 6"):
        applications.apply(tx, C, zhang.id, 6, STAFF, NOW)
    with refused(tx, "unknown_applicant", field="applicant_id", status=422,
                 zh="没有编号为 6 的求职者", en="No applicant 6"):
        applications.apply(tx, C, 6, position.id, STAFF, NOW)
    first = interviewed(tx, fair, position, zhang)
    with refused(tx, "already_applied", field="position_id", status=409,
                 zh="张伟 已经申请过这个岗位（申请编号 1），每个岗位只能申请一次",
                 en="张伟 has already applied to this position (application 1): one "
                    "application per position"):
        applications.apply(tx, C, zhang.id, position.id, STAFF, NOW)
    with refused(tx, "application_not_found", status=404, zh="没有编号为 4 的求职申请",
                 en="No application 4"):
        applications.withdraw(tx, C, 4, "applicant", None, STAFF, NOW)
    with refused(tx, "unknown_code", field="registration_code", status=422,
                 zh="没有登记码为 ZZZZ2222 的求职者",
                 en="No applicant has registration code ZZZZ2222"):
        applications.check_in(tx, C, fair.id, "ZZZZ2222", STAFF, NOW)
    with refused(tx, "already_checked_in", field="registration_code", status=409,
                 zh="张伟 已经签到过了", en="张伟 has already checked in"):
        applications.check_in(tx, C, fair.id, zhang.registration_code, STAFF, NOW)
    second = applications.apply(tx, C, li.id, position.id, STAFF, NOW)
    with refused(tx, "not_checked_in", status=409,
                 zh="求职者还没有在招聘会签到，不能记录面试",
                 en="The applicant has not checked in at the fair: no interview yet"):
        applications.record_interview(tx, C, second.id, None, STAFF, NOW)
    with refused(tx, "not_interviewed", status=409, zh="只有面试过的申请才能决定是否录用",
                 en="Only an interviewed application can be decided"):
        applications.decide(tx, C, second.id, True, None, STAFF, NOW)
    with refused(tx, "not_awaiting_interview", status=409, zh="这份申请不在待面试状态",
                 en="This application is not waiting for an interview"):
        applications.record_interview(tx, C, first.id, None, STAFF, NOW)
    applications.decide(tx, C, first.id, True, None, STAFF, NOW)
    applications.check_in(tx, C, fair.id, li.registration_code, STAFF, NOW)
    applications.record_interview(tx, C, second.id, None, STAFF, NOW)
    with refused(tx, "position_filled", status=409, zh="岗位「物业电工」招 1 人，已经录满",
                 en="The position 物业电工 wants 1 and they are all hired"):
        applications.decide(tx, C, second.id, True, None, STAFF, NOW)
    with refused(tx, "application_closed", status=409,
                 zh="这份申请已经有结果或已撤回，不能撤回",
                 en="This application is decided or withdrawn: it cannot be withdrawn"):
        applications.withdraw(tx, C, first.id, "employer", None, STAFF, NOW)
    fair.capacity = 2
    sun = register(tx, "孙秀兰", "11010519491231002X")
    with refused(tx, "fair_full", field="registration_code", status=409,
                 zh="招聘会已满员（可容纳 2 人）", en="The fair is full (it holds 2)"):
        applications.check_in(tx, C, fair.id, sun.registration_code, STAFF, NOW)
    position.status = "withdrawn"
    tx.session.flush()
    with refused(tx, "position_closed", field="position_id", status=409,
                 zh="这个岗位已经撤下", en="This position was taken down"):
        applications.apply(tx, C, sun.id, position.id, STAFF, NOW)


def test_cases(tx):
    cases.receive(tx, dispatched_case("job_fair", "job_seeking"), NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    cases.finish(case, STAFF, NOW, resolved=False, text="请到社保所办理")
    with refused(tx, "case_closed", field="case_id", status=409,
                 zh="这件诉求已经办完或已被收回", en="The case is no longer open"):
        cases.finish(case, STAFF, NOW, resolved=True, text="办了")
    with refused(tx, "case_not_found", field="case_id", status=404, zh="没有编号为 2 的诉求",
                 en="No case 2"):
        cases.get_case(tx.session, 2, STAFF)
