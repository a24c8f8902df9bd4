"""Applicants and their applications rule by rule, as the fair's staff see them: what a record
keeps, applying once per position, withdrawing, check-in by registration code within each fair's
capacity, interviews of those who came, hires within each position's count, each refusal with
its code, field and words (and nothing written), and the activity record of every change."""
from datetime import date, timedelta

from minzi.testing import make_staff

from job_fair.domain import applicants, applications, employers, fairs, positions
from job_fair.models import CheckIn

from .conftest import (
    LI_NA_ID,
    NOW,
    STAFF,
    STANDARD_ID,
    ZHANG_WEI_ID,
    C,
    activity,
    applicant_data,
    fair_with_position,
    interviewed,
    position_data,
    refused,
    register,
)

OTHER = "maple-court"
DESK = make_staff("program_staff", program_id="job_fair", username="zhao", name="赵干事")
LATER = NOW + timedelta(hours=2)                         # 12:00 in Beijing
# registration codes are read aloud or off a phone at the door: no 0/O, no 1/I/L
CODE_LETTERS = set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
# 7+9+0+5+0+20+2+9+54+0+0+9+0+5+16+12+8 = 156 = 14*11 + 2 -> X
SUN_ID = "11010519900101234X"


def spring_fair(tx, employer, capacity=300):
    """A second fair, on 6 March 2027, the same employer invited, a position of its own."""
    fair = fairs.plan_fair(tx, C, {"title": "春季招聘会", "day": date(2027, 3, 6),
                                   "place": "社区广场", "capacity": capacity}, STAFF, NOW)
    fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
    position = positions.post_position(tx, C, fair.id, position_data(employer.id, title="保安"),
                                       STAFF, NOW)
    return fair, position


# -- applicants -----------------------------------------------------------------------------------

def test_a_registered_applicant_keeps_what_they_told_us_and_their_consent(tx):
    applicant = applicants.register_applicant(tx, C, applicant_data(), DESK, LATER)
    assert (applicant.community, applicant.name, applicant.id_number, applicant.phone,
            applicant.kind, applicant.education, applicant.skills, applicant.preferred_area,
            applicant.expected_pay_fen, applicant.cv) == (
        C, "张伟", ZHANG_WEI_ID, "13800000001", "unemployed", "senior_high", ["电工", "驾驶"],
        "丰台", 500000, "曾在工厂做电工五年")
    assert (applicant.consent_at, applicant.created_at, applicant.created_by) == (
        LATER, LATER, "赵干事")
    assert activity(tx) == [(C, "applicant", 1, "registered", "赵干事", None, LATER, {})]


def test_an_applicant_who_told_us_only_the_essentials(tx):
    data = {"name": "李娜", "id_number": LI_NA_ID, "phone": "13800000002", "kind": "graduate",
            "skills": None, "consent": True}
    applicant = applicants.register_applicant(tx, C, data, STAFF, NOW)
    assert (applicant.education, applicant.skills, applicant.preferred_area,
            applicant.expected_pay_fen, applicant.cv) == (None, [], None, None, None)


def test_registration_codes_are_eight_characters_easy_to_read_aloud(tx):
    people = [register(tx, "张伟"), register(tx, "李娜", LI_NA_ID), register(tx, "孙秀兰", SUN_ID),
              register(tx, "周敏", STANDARD_ID)]
    codes = [p.registration_code for p in people]
    assert [len(code) for code in codes] == [8, 8, 8, 8]
    assert set("".join(codes)) <= CODE_LETTERS
    assert len(set(codes)) == 4


def test_consent_is_a_yes_and_nothing_else(tx):
    for consent in ("yes", 1, "true"):
        with refused(tx, "consent_required", field="consent", status=422):
            applicants.register_applicant(tx, C, applicant_data(consent=consent), STAFF, NOW)
    data = applicant_data()
    del data["consent"]
    with refused(tx, "consent_required", field="consent"):
        applicants.register_applicant(tx, C, data, STAFF, NOW)


def test_the_same_id_number_in_another_community_is_another_applicant(tx):
    register(tx)
    there = applicants.register_applicant(tx, OTHER, applicant_data(), STAFF, NOW)
    assert (there.id, there.community) == (2, OTHER)


def test_an_id_number_registered_twice_names_the_applicant_that_has_it(tx):
    register(tx)
    register(tx, "李娜", LI_NA_ID)
    with refused(tx, "applicant_exists", field="id_number", status=409,
                 zh="这个身份证号码已经登记过了（求职者编号 2）",
                 en="This ID number is already registered (applicant 2)"):
        register(tx, "李娜娜", LI_NA_ID)


def test_an_id_number_with_a_wrong_check_is_refused_without_consent_asked_again(tx):
    # 11010519900101234 checks to X (SUN_ID); 5 is refused
    with refused(tx, "invalid_id_number", field="id_number", status=422):
        register(tx, "孙秀兰", SUN_ID[:17] + "5")


def test_another_communitys_applicant_is_not_found_or_unknown_in_a_form(tx):
    applicant = register(tx)
    with refused(tx, "applicant_not_found", status=404, zh="没有编号为 1 的求职者",
                 en="No applicant 1") as err:
        applicants.get_applicant(tx.session, applicant.id, OTHER)
    assert err.value.field is None
    with refused(tx, "unknown_applicant", field="applicant_id", status=422,
                 zh="没有编号为 1 的求职者", en="No applicant 1"):
        applicants.get_applicant(tx.session, applicant.id, OTHER, field="applicant_id")
    assert applicants.get_applicant(tx.session, applicant.id, C) is applicant


def test_a_registration_code_is_known_only_in_its_own_community(tx):
    here = register(tx)
    there = applicants.register_applicant(tx, OTHER, applicant_data("李娜", LI_NA_ID), STAFF,
                                          NOW)
    assert applicants.by_code(tx.session, here.registration_code, C) is here
    with refused(tx, "unknown_code", field="registration_code", status=422,
                 zh=f"没有登记码为 {there.registration_code} 的求职者",
                 en=f"No applicant has registration code {there.registration_code}"):
        applicants.by_code(tx.session, there.registration_code, C)


# -- applying -------------------------------------------------------------------------------------

def test_an_application_records_who_applied_for_what_and_when(tx):
    _, _, position = fair_with_position(tx)
    register(tx)
    li = register(tx, "李娜", LI_NA_ID)
    application = applications.apply(tx, C, li.id, position.id, DESK, LATER)
    assert (application.community, application.position_id, application.applicant_id,
            application.status, application.applied_at, application.updated_by,
            application.withdrawn_by, application.note, application.interviewed_at,
            application.decided_at) == (C, 1, 2, "applied", LATER, "赵干事", None, None, None,
                                        None)
    assert activity(tx)[-1] == (C, "application", 1, "applied", "赵干事", None, LATER,
                                {"position_id": 1, "applicant_id": 2})


def test_once_per_position_is_per_applicant_and_per_position(tx):
    fair, employer, electrician = fair_with_position(tx)
    guard = positions.post_position(tx, C, fair.id, position_data(employer.id, title="保安"),
                                    STAFF, NOW)
    zhang, li = register(tx), register(tx, "李娜", LI_NA_ID)
    applications.apply(tx, C, zhang.id, electrician.id, STAFF, NOW)
    assert applications.apply(tx, C, zhang.id, guard.id, STAFF, NOW).status == "applied"
    assert applications.apply(tx, C, li.id, electrician.id, STAFF, NOW).status == "applied"
    with refused(tx, "already_applied", field="position_id", status=409,
                 zh="李娜 已经申请过这个岗位（申请编号 3），每个岗位只能申请一次"):
        applications.apply(tx, C, li.id, electrician.id, STAFF, NOW)


def test_no_application_once_the_employer_is_no_longer_verified(tx):
    _, employer, position = fair_with_position(tx)
    applicant = register(tx)
    employers.verify_employer(tx, C, employer.id, {"result": "rejected", "reason": "执照吊销"},
                              STAFF, NOW)
    with refused(tx, "employer_not_verified", field="position_id", status=409):
        applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)


def test_no_application_to_another_communitys_position(tx):
    _, _, position = fair_with_position(tx)
    there = applicants.register_applicant(tx, OTHER, applicant_data(), STAFF, NOW)
    with refused(tx, "unknown_position", field="position_id", status=422,
                 zh="没有编号为 1 的岗位"):
        applications.apply(tx, OTHER, there.id, position.id, STAFF, NOW)


def test_an_application_is_open_to_applying_until_the_end_of_the_fair_day(tx):
    _, _, position = fair_with_position(tx)                        # 5 December
    applicant = register(tx)
    with refused(tx, "fair_over", field="position_id", status=409,
                 zh="招聘会「彩虹城冬季招聘会」已经结束"):
        applications.apply(tx, C, applicant.id, position.id, STAFF,
                           NOW + timedelta(days=8, hours=14))      # 6 December 00:00 Beijing
    on_the_day = NOW + timedelta(days=8, hours=13, minutes=59)      # 5 December 23:59
    assert applications.apply(tx, C, applicant.id, position.id, STAFF,
                              on_the_day).applied_at == on_the_day


# -- withdrawing ----------------------------------------------------------------------------------

def test_an_applicant_withdrawing_is_on_the_record_as_theirs(tx):
    _, _, position = fair_with_position(tx)
    application = applications.apply(tx, C, register(tx).id, position.id, STAFF, NOW)
    applications.withdraw(tx, C, application.id, "applicant", "找到别的工作了", DESK, LATER)
    assert (application.status, application.withdrawn_by, application.note,
            application.decided_at, application.updated_by) == (
        "withdrawn", "applicant", "找到别的工作了", LATER, "赵干事")
    assert activity(tx)[-1] == (C, "application", 1, "withdrawn", "赵干事", None, LATER,
                                {"by": "applicant", "note": "找到别的工作了"})


def test_an_employer_withdrawing_after_the_interview_is_on_the_record_as_the_employers(tx):
    fair, _, position = fair_with_position(tx)
    application = interviewed(tx, fair, position, register(tx))
    applications.withdraw(tx, C, application.id, "employer", None, STAFF, LATER)
    assert (application.status, application.withdrawn_by, application.note) == (
        "withdrawn", "employer", None)
    assert activity(tx)[-1] == (C, "application", 1, "withdrawn", "李干事", "彩虹城物业公司",
                                LATER, {"by": "employer", "note": None})


def test_a_decided_application_cannot_be_withdrawn(tx):
    fair, _, position = fair_with_position(tx)
    hired = interviewed(tx, fair, position, register(tx))
    applications.decide(tx, C, hired.id, True, None, STAFF, NOW)
    turned_down = interviewed(tx, fair, position, register(tx, "李娜", LI_NA_ID))
    applications.decide(tx, C, turned_down.id, False, None, STAFF, NOW)
    for application in (hired, turned_down):
        with refused(tx, "application_closed", status=409,
                     en="This application is decided or withdrawn: it cannot be withdrawn") as err:
            applications.withdraw(tx, C, application.id, "applicant", None, STAFF, NOW)
        assert err.value.field is None


def test_another_communitys_application_is_not_found(tx):
    _, _, position = fair_with_position(tx)
    application = applications.apply(tx, C, register(tx).id, position.id, STAFF, NOW)
    with refused(tx, "application_not_found", status=404, zh="没有编号为 1 的求职申请",
                 en="No application 1"):
        applications.withdraw(tx, OTHER, application.id, "applicant", None, STAFF, NOW)
    with refused(tx, "application_not_found", status=404):
        applications.record_interview(tx, OTHER, application.id, None, STAFF, NOW)
    with refused(tx, "application_not_found", status=404):
        applications.decide(tx, OTHER, application.id, True, None, STAFF, NOW)


# -- checking in ----------------------------------------------------------------------------------

def test_a_check_in_records_who_came_to_which_fair_and_who_let_them_in(tx):
    fair, _, _ = fair_with_position(tx)
    register(tx)
    li = register(tx, "李娜", LI_NA_ID)
    entry = applications.check_in(tx, C, fair.id, li.registration_code, DESK, LATER)
    assert (entry.fair_id, entry.applicant_id, entry.at, entry.by) == (1, 2, LATER, "赵干事")
    assert activity(tx)[-1] == (C, "applicant", 2, "checked_in", "赵干事", None, LATER,
                                {"fair_id": 1})
    assert applications.checked_in(tx.session, fair.id, li.id)


def test_checking_in_at_one_fair_is_not_checking_in_at_another(tx):
    # the spring fair holds 2: 张伟 and 李娜 come to both; 孙秀兰 to the winter one only, yet the
    # spring fair is full with its own two, and 孙秀兰 is turned away there
    winter, employer, _ = fair_with_position(tx)
    spring, _ = spring_fair(tx, employer, capacity=2)
    people = [register(tx), register(tx, "李娜", LI_NA_ID), register(tx, "孙秀兰", SUN_ID)]
    for person in people:
        applications.check_in(tx, C, winter.id, person.registration_code, STAFF, NOW)
    for person in people[:2]:
        applications.check_in(tx, C, spring.id, person.registration_code, STAFF, NOW)
    with refused(tx, "fair_full", field="registration_code", status=409,
                 zh="招聘会已满员（可容纳 2 人）", en="The fair is full (it holds 2)"):
        applications.check_in(tx, C, spring.id, people[2].registration_code, STAFF, NOW)
    assert tx.session.query(CheckIn).count() == 5


def test_a_fair_takes_as_many_as_it_holds(tx):
    # it holds 3: the third is let in, the fourth is not
    fair, _, _ = fair_with_position(tx)
    fair.capacity = 3
    people = [register(tx), register(tx, "李娜", LI_NA_ID), register(tx, "孙秀兰", SUN_ID),
              register(tx, "周敏", STANDARD_ID)]
    for person in people[:3]:
        applications.check_in(tx, C, fair.id, person.registration_code, STAFF, NOW)
    with refused(tx, "fair_full"):
        applications.check_in(tx, C, fair.id, people[3].registration_code, STAFF, NOW)


def test_no_check_in_with_another_communitys_code_or_at_another_communitys_fair(tx):
    fair, _, _ = fair_with_position(tx)
    there = applicants.register_applicant(tx, OTHER, applicant_data(), STAFF, NOW)
    with refused(tx, "unknown_code", field="registration_code", status=422):
        applications.check_in(tx, C, fair.id, there.registration_code, STAFF, NOW)
    with refused(tx, "fair_not_found", status=404):
        applications.check_in(tx, OTHER, fair.id, there.registration_code, STAFF, NOW)


def test_check_in_closes_at_the_end_of_the_fair_day(tx):
    fair, _, _ = fair_with_position(tx)                            # 5 December
    applicant = register(tx)
    with refused(tx, "fair_over", field="fair_id", status=409):
        applications.check_in(tx, C, fair.id, applicant.registration_code, STAFF,
                              NOW + timedelta(days=8, hours=14))   # 6 December 00:00 Beijing
    applications.check_in(tx, C, fair.id, applicant.registration_code, STAFF,
                          NOW + timedelta(days=8, hours=13, minutes=59))


# -- interviews and hires -------------------------------------------------------------------------

def test_an_interview_is_recorded_for_the_employer_with_its_note(tx):
    fair, _, position = fair_with_position(tx)
    applicant = register(tx)
    application = applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)
    applications.check_in(tx, C, fair.id, applicant.registration_code, STAFF, NOW)
    applications.record_interview(tx, C, application.id, "沟通顺畅", DESK, LATER)
    assert (application.status, application.interviewed_at, application.note,
            application.updated_by, application.decided_at) == (
        "interviewed", LATER, "沟通顺畅", "赵干事", None)
    assert activity(tx)[-1] == (C, "application", 1, "interviewed", "赵干事", "彩虹城物业公司",
                                LATER, {"note": "沟通顺畅"})


def test_checked_in_at_another_fair_is_not_at_this_one(tx):
    # 张伟 came to the spring fair, not to the winter one his application is for
    winter, employer, electrician = fair_with_position(tx)
    spring, _ = spring_fair(tx, employer)
    applicant = register(tx)
    application = applications.apply(tx, C, applicant.id, electrician.id, STAFF, NOW)
    applications.check_in(tx, C, spring.id, applicant.registration_code, STAFF, NOW)
    assert not applications.checked_in(tx.session, winter.id, applicant.id)
    with refused(tx, "not_checked_in", status=409,
                 en="The applicant has not checked in at the fair: no interview yet") as err:
        applications.record_interview(tx, C, application.id, None, STAFF, NOW)
    assert err.value.field is None


def test_someone_else_checked_in_does_not_let_this_applicant_be_interviewed(tx):
    fair, _, position = fair_with_position(tx)
    zhang, li = register(tx), register(tx, "李娜", LI_NA_ID)
    application = applications.apply(tx, C, zhang.id, position.id, STAFF, NOW)
    applications.check_in(tx, C, fair.id, li.registration_code, STAFF, NOW)
    with refused(tx, "not_checked_in"):
        applications.record_interview(tx, C, application.id, None, STAFF, NOW)


def test_a_withdrawn_application_is_not_interviewed_or_decided(tx):
    fair, _, position = fair_with_position(tx)
    applicant = register(tx)
    application = applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)
    applications.check_in(tx, C, fair.id, applicant.registration_code, STAFF, NOW)
    applications.withdraw(tx, C, application.id, "applicant", None, STAFF, NOW)
    with refused(tx, "not_awaiting_interview", status=409, zh="这份申请不在待面试状态") as err:
        applications.record_interview(tx, C, application.id, None, STAFF, NOW)
    assert err.value.field is None
    with refused(tx, "not_interviewed", status=409) as err:
        applications.decide(tx, C, application.id, False, None, STAFF, NOW)
    assert err.value.field is None


def test_a_hire_and_a_refusal_are_recorded_for_the_employer(tx):
    fair, _, position = fair_with_position(tx)
    hired = interviewed(tx, fair, position, register(tx))
    not_hired = interviewed(tx, fair, position, register(tx, "李娜", LI_NA_ID))
    applications.decide(tx, C, hired.id, True, "下周一上岗", DESK, LATER)
    applications.decide(tx, C, not_hired.id, False, "经验不足", STAFF, LATER)
    assert (hired.status, hired.decided_at, hired.note, hired.updated_by) == (
        "hired", LATER, "下周一上岗", "赵干事")
    assert (not_hired.status, not_hired.decided_at, not_hired.note, not_hired.updated_by) == (
        "not_hired", LATER, "经验不足", "李干事")
    assert activity(tx)[-2:] == [
        (C, "application", 1, "hired", "赵干事", "彩虹城物业公司", LATER, {"note": "下周一上岗"}),
        (C, "application", 2, "not_hired", "李干事", "彩虹城物业公司", LATER, {"note": "经验不足"})]
    with refused(tx, "not_interviewed", status=409, zh="只有面试过的申请才能决定是否录用"):
        applications.decide(tx, C, hired.id, True, None, STAFF, NOW)


def test_a_position_for_two_hires_two_and_counts_only_its_own_hires(tx):
    # 物业电工 wants 2; the spring fair's 保安 hires 周敏 (not counted here); 孙秀兰 is not hired
    # (not counted); 张伟 and 李娜 are hired; 郑强 is then refused: 2 of 2 taken
    winter, employer, electrician = fair_with_position(tx, count=2)
    spring, guard = spring_fair(tx, employer)
    zhou = register(tx, "周敏", STANDARD_ID)
    applications.decide(tx, C, interviewed(tx, spring, guard, zhou).id, True, None, STAFF, NOW)
    sun = interviewed(tx, winter, electrician, register(tx, "孙秀兰", SUN_ID))
    applications.decide(tx, C, sun.id, False, None, STAFF, NOW)
    zhang = interviewed(tx, winter, electrician, register(tx))
    li = interviewed(tx, winter, electrician, register(tx, "李娜", LI_NA_ID))
    # 7+9+0+5+0+20+2+9+48+0+0+9+0+5+0+0+2 = 116 = 10*11 + 6 -> 6
    zheng = interviewed(tx, winter, electrician, register(tx, "郑强", "110105198001010016"))
    applications.decide(tx, C, zhang.id, True, None, STAFF, NOW)
    applications.decide(tx, C, li.id, True, None, STAFF, NOW)
    with refused(tx, "position_filled", status=409, zh="岗位「物业电工」招 2 人，已经录满",
                 en="The position 物业电工 wants 2 and they are all hired") as err:
        applications.decide(tx, C, zheng.id, True, None, STAFF, NOW)
    assert err.value.field is None
    applications.decide(tx, C, zheng.id, False, "名额已满", STAFF, NOW)
    assert zheng.status == "not_hired"
