"""A fair's figures against records counted by hand, with records of another fair, a position
taken down and a withdrawn application beside them that must not be counted."""
from datetime import date

from job_fair.domain import applications, fairs, positions
from job_fair.domain.figures import figures

from .conftest import (
    CODES,
    LI_NA_ID,
    NOW,
    STAFF,
    STANDARD_ID,
    C,
    fair_with_position,
    position_data,
    register,
    verified_employer,
)

# GB 11643 check characters of the other applicants, by hand:
# 7+9+0+5+0+20+2+9+54+0+0+9+0+5+16+12+8 = 156 = 14*11 + 2 -> X
SUN_ID = "11010519900101234X"
# 7+9+0+5+0+20+2+9+48+0+0+9+0+5+0+0+2 = 116 = 10*11 + 6 -> 6
ZHENG_ID = "110105198001010016"
# 7+9+0+5+0+20+2+9+54+15+0+9+0+5+0+0+2 = 137 = 12*11 + 5 -> 7
WANG_ID = "110105199501010017"
# 7+9+0+5+0+20+2+9+54+18+0+9+0+5+0+0+4 = 142 = 12*11 + 10 -> 2
WU_ID = "110105199601010022"


def test_a_fairs_figures_count_only_its_own_open_records(tx):
    # The winter fair (5 December): the property company and 快递站 invited; 物业电工 wants 2,
    # 保洁 3, 保安 4 (taken down: not counted). The spring fair: the property company, 电梯工
    # wanting 5.
    # 张伟 applies to 物业电工, checks in, interviewed, hired.
    # 李娜 applies to 物业电工 and 保洁, checks in, interviewed for both, not hired for 物业电工.
    # 孙秀兰 applies to 保洁 and never comes.  周敏 applies to 物业电工 and withdraws.
    # 郑强 only checks in.  吴芳 applied to 保安 before it was taken down.
    # 王磊 applies to the spring fair's 电梯工, checks in there, is hired there.
    # Winter, by hand:
    #   employers 2; positions 2 (物业电工, 保洁); openings 2 + 3 = 5
    #   applicants 张伟, 李娜, 孙秀兰 (applied), 郑强 (came) = 4 (not 周敏, 吴芳 or 王磊)
    #   applications 张伟-物业电工, 李娜-物业电工, 李娜-保洁, 孙秀兰-保洁 = 4
    #   check-ins 张伟, 李娜, 郑强 = 3; interviews 张伟 (hired), 李娜 ×2 (not hired, waiting) = 3
    #   hires 1
    winter, employer, electrician = fair_with_position(tx, count=2)
    cleaner = positions.post_position(tx, C, winter.id, position_data(
        employer.id, title="保洁", count=3), STAFF, NOW)
    guard = positions.post_position(tx, C, winter.id, position_data(
        employer.id, title="保安", count=4), STAFF, NOW)
    courier = verified_employer(tx, "快递站", CODES[1])
    fairs.invite(tx, C, winter.id, courier.id, STAFF, NOW)
    spring = fairs.plan_fair(tx, C, {"title": "春季招聘会", "day": date(2027, 3, 6),
                                     "place": "社区广场", "capacity": 500}, STAFF, NOW)
    fairs.invite(tx, C, spring.id, employer.id, STAFF, NOW)
    lift = positions.post_position(tx, C, spring.id, position_data(
        employer.id, title="电梯工", count=5), STAFF, NOW)

    zhang, li, sun = register(tx), register(tx, "李娜", LI_NA_ID), register(tx, "孙秀兰", SUN_ID)
    zhou, zheng = register(tx, "周敏", STANDARD_ID), register(tx, "郑强", ZHENG_ID)
    wang, wu = register(tx, "王磊", WANG_ID), register(tx, "吴芳", WU_ID)

    def apply(person, position):
        return applications.apply(tx, C, person.id, position.id, STAFF, NOW)

    def come(person, fair):
        applications.check_in(tx, C, fair.id, person.registration_code, STAFF, NOW)

    def interview(application):
        return applications.record_interview(tx, C, application.id, None, STAFF, NOW)

    hired = apply(zhang, electrician)
    li_electrician, li_cleaner = apply(li, electrician), apply(li, cleaner)
    apply(sun, cleaner)
    applications.withdraw(tx, C, apply(zhou, electrician).id, "applicant", None, STAFF, NOW)
    apply(wu, guard)
    guard.status = "withdrawn"
    spring_hire = apply(wang, lift)
    for person, fair in ((zhang, winter), (li, winter), (zheng, winter), (wang, spring)):
        come(person, fair)
    for application in (hired, li_electrician, li_cleaner, spring_hire):
        interview(application)
    applications.decide(tx, C, hired.id, True, None, STAFF, NOW)
    applications.decide(tx, C, li_electrician.id, False, None, STAFF, NOW)
    applications.decide(tx, C, spring_hire.id, True, None, STAFF, NOW)
    tx.session.flush()

    assert figures(tx.session, winter) == {
        "fair_id": 1, "title": "彩虹城冬季招聘会", "day": "2026-12-05", "place": "社区活动室",
        "totals": {"employers": 2, "positions": 2, "openings": 5, "applicants": 4,
                   "applications": 4, "check_ins": 3, "interviews": 3, "hires": 1},
        "labels": {"employers": "参会单位", "positions": "岗位", "openings": "招聘人数",
                   "applicants": "求职者", "applications": "投递", "check_ins": "签到",
                   "interviews": "面试", "hires": "录用"}}
    # spring, by hand: 1 employer, 电梯工 wanting 5, 王磊 applied, came, interviewed, hired
    assert figures(tx.session, spring, "en") == {
        "fair_id": 2, "title": "春季招聘会", "day": "2027-03-06", "place": "社区广场",
        "totals": {"employers": 1, "positions": 1, "openings": 5, "applicants": 1,
                   "applications": 1, "check_ins": 1, "interviews": 1, "hires": 1},
        "labels": {"employers": "Employers", "positions": "Positions",
                   "openings": "People wanted", "applicants": "Applicants",
                   "applications": "Applications", "check_ins": "Check-ins",
                   "interviews": "Interviews", "hires": "Hires"}}


def test_a_fair_with_nothing_yet_counts_nothing(tx):
    fair = fairs.plan_fair(tx, C, {"title": "夏季招聘会", "day": date(2027, 6, 5),
                                   "place": "社区广场", "capacity": 100}, STAFF, NOW)
    assert figures(tx.session, fair)["totals"] == {
        "employers": 0, "positions": 0, "openings": 0, "applicants": 0, "applications": 0,
        "check_ins": 0, "interviews": 0, "hires": 0}


def test_an_applicant_who_applied_and_came_is_one_applicant(tx):
    # 张伟 applies to two positions and checks in: one person, two applications
    fair, employer, first = fair_with_position(tx)
    second = positions.post_position(tx, C, fair.id, position_data(employer.id, title="保洁"),
                                     STAFF, NOW)
    zhang = register(tx)
    for position in (first, second):
        applications.apply(tx, C, zhang.id, position.id, STAFF, NOW)
    applications.check_in(tx, C, fair.id, zhang.registration_code, STAFF, NOW)
    totals = figures(tx.session, fair)["totals"]
    assert (totals["applicants"], totals["applications"], totals["check_ins"]) == (1, 2, 1)
