"""Matching an applicant to a fair's positions, scored by hand: one point for each of the four
things a position asks that the applicant meets (skills in common, schooling at least the one
asked for, the area they prefer, the highest pay reaching what they expect), best first; a tie
goes to more skills in common, then to the higher top pay, then to the position posted first.
Only open positions of this fair whose employer is verified with a valid licence are offered."""
from datetime import UTC, date, datetime

from job_fair.domain import employers, fairs, matching, positions

from .conftest import (
    CODES,
    LI_NA_ID,
    NOW,
    STAFF,
    TODAY,
    C,
    position_data,
    register,
    verified_employer,
)


def fair_with(tx, *wanted, employer=None):
    """A fair on 5 December with the property company invited and the positions ``wanted``
    (each a dict of what differs from conftest's 物业电工) posted in that order."""
    fair = fairs.plan_fair(tx, C, {"title": "彩虹城冬季招聘会", "day": date(2026, 12, 5),
                                   "place": "社区活动室", "capacity": 300}, STAFF, NOW)
    employer = employer or verified_employer(tx)
    fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
    posted = [positions.post_position(tx, C, fair.id, position_data(employer.id, **extra),
                                      STAFF, NOW) for extra in wanted]
    return fair, employer, posted


# 王磊: a bachelor's degree, skills 电工, 驾驶 and 焊工, prefers 丰台, expects 5,000 yuan
def wang(tx):
    return register(tx, "王磊", LI_NA_ID, education="bachelor", skills=["电工", "驾驶", "焊工"],
                    preferred_area="丰台", expected_pay_fen=500000)


def test_the_order_is_score_then_skills_then_top_pay_then_the_first_posted(tx):
    # score / skills in common / top pay, worked out for 王磊:
    #   甲 电工, college, 丰台, up to 6,000       4 / 1 / 6000
    #   乙 电工 驾驶, master (he has less), 8,000  3 / 2 / 8000
    #   丙 电工, college, 丰台, up to 7,000       4 / 1 / 7000
    #   丁 驾驶 电工, bachelor (his), 5,000 (his) 4 / 2 / 5000
    #   戊 as 甲, posted later                    4 / 1 / 6000
    # -> 丁 (more skills), 丙 (higher pay), 甲, 戊 (posted first first), 乙 (lower score)
    fair, _, _ = fair_with(
        tx, {"title": "甲", "skills": ["电工"], "education": "college", "pay_max_fen": 600000},
        {"title": "乙", "skills": ["电工", "驾驶"], "education": "master", "pay_max_fen": 800000},
        {"title": "丙", "skills": ["电工"], "education": "college", "pay_max_fen": 700000},
        {"title": "丁", "skills": ["驾驶", "电工"], "education": "bachelor",
         "pay_min_fen": 400000, "pay_max_fen": 500000},
        {"title": "戊", "skills": ["电工"], "education": "college", "pay_max_fen": 600000})
    ranked = matching.match(tx.session, wang(tx), fair.id, NOW)
    assert [(m["title"], m["score"], m["skills_matched"], m["pay_max"]) for m in ranked] == [
        ("丁", 4, 2, "5000.00"), ("丙", 4, 1, "7000.00"), ("甲", 4, 1, "6000.00"),
        ("戊", 4, 1, "6000.00"), ("乙", 3, 2, "8000.00")]
    assert [m["position_id"] for m in ranked] == [4, 3, 1, 5, 2]


def test_a_match_says_what_is_met_and_what_is_not_in_english(tx):
    # 焊工 asked, 王磊 has it; a doctorate asked, he has a bachelor's; 朝阳, he prefers 丰台;
    # 3,000.05 to 4,999.99 yuan, below the 5,000 he expects: 1 of 4
    fair, _, _ = fair_with(tx, {"title": "焊工", "skills": ["焊工", "电焊证"],
                                "education": "doctorate", "area": "朝阳",
                                "pay_min_fen": 300005, "pay_max_fen": 499999})
    assert matching.match(tx.session, wang(tx), fair.id, NOW, "en") == [{
        "position_id": 1, "title": "焊工", "employer": "彩虹城物业公司", "score": 1,
        "skills_matched": 1, "pay_max": "4999.99",
        "reasons": ["Skills match: 焊工"],
        "gaps": ["Doctorate or above: not met", "Works in 朝阳, not the area preferred",
                 "Pay 3000.05-4999.99 yuan is below the 5000.00 yuan expected"]}]


def test_a_match_in_english_that_meets_everything(tx):
    fair, _, _ = fair_with(tx, {"title": "司机", "skills": ["驾驶", "电工"],
                                "education": "bachelor", "area": "丰台",
                                "pay_min_fen": 500000, "pay_max_fen": 500000})
    found = matching.match(tx.session, wang(tx), fair.id, NOW, "en")
    assert (found[0]["reasons"], found[0]["gaps"]) == (
        ["Skills match: 驾驶, 电工", "Bachelor's degree or above: met",
         "Works in 丰台, as preferred",
         "Pay 5000.00-5000.00 yuan reaches the 5000.00 yuan expected"],
        [])


def test_the_same_in_chinese(tx):
    fair, _, _ = fair_with(tx, {"title": "焊工", "skills": ["焊工", "电焊证"],
                                "education": "doctorate", "area": "朝阳",
                                "pay_min_fen": 300005, "pay_max_fen": 499999})
    found = matching.match(tx.session, wang(tx), fair.id, NOW)
    assert (found[0]["reasons"], found[0]["gaps"]) == (
        ["技能符合：焊工"],
        ["学历要求博士及以上：不符合", "工作区域朝阳与意向不同",
         "月薪 3000.05–4999.99 元低于期望的 5000.00 元"])


def test_what_neither_side_states_is_not_a_reason(tx):
    # a position asking no skills, schooling or area; an applicant stating no area or pay:
    # nothing to meet, nothing missed
    fair, _, _ = fair_with(tx, {"title": "保洁", "skills": [], "education": None, "area": None})
    applicant = register(tx, skills=[], education=None, preferred_area=None,
                         expected_pay_fen=None)
    assert [(m["score"], m["reasons"], m["gaps"]) for m in
            matching.match(tx.session, applicant, fair.id, NOW)] == [(0, [], [])]


def test_an_area_counts_only_when_both_name_one(tx):
    # the position in 丰台, the applicant with no preference; then the other way round
    fair, _, _ = fair_with(tx, {"title": "保安", "skills": [], "education": None, "area": "丰台"},
                           {"title": "保洁", "skills": [], "education": None, "area": None})
    anywhere = register(tx, preferred_area=None, expected_pay_fen=None)
    assert [m["reasons"] + m["gaps"] for m in
            matching.match(tx.session, anywhere, fair.id, NOW)] == [[], []]
    applicant = register(tx, "李娜", LI_NA_ID, preferred_area="丰台", expected_pay_fen=None)
    assert [m["reasons"] for m in matching.match(tx.session, applicant, fair.id, NOW)] == [
        ["工作区域丰台与意向相同"], []]


def test_no_schooling_stated_meets_no_schooling_asked_for(tx):
    fair, _, _ = fair_with(tx, {"title": "保洁", "skills": [], "education": "primary",
                                "area": None})
    applicant = register(tx, education=None, expected_pay_fen=None)
    assert matching.match(tx.session, applicant, fair.id, NOW, "en")[0]["gaps"] == [
        "Primary school or above: not met"]


def test_an_applicant_with_no_skills_on_record_lacks_every_skill_asked(tx):
    fair, _, _ = fair_with(tx, {"title": "电工", "skills": ["电工", "焊工"], "education": None,
                                "area": None})
    applicant = register(tx, expected_pay_fen=None)
    applicant.skills = None                  # a record kept from before skills were asked
    found = matching.match(tx.session, applicant, fair.id, NOW)
    assert (found[0]["score"], found[0]["skills_matched"], found[0]["gaps"]) == (
        0, 0, ["缺少所需技能：电工、焊工"])


def test_only_the_fairs_open_positions_of_employers_who_may_publish_are_offered(tx):
    # the property company posts 物业电工 and 保洁 (then takes 保洁 down); 快递站 is rejected
    # after posting 快递员; 超市's licence ran out yesterday; 药店's runs out today (still valid);
    # another fair has 保安: only 物业电工 and 药店's 店员 are offered
    fair, _, (electrician, cleaner) = fair_with(tx, {}, {"title": "保洁"})
    courier = verified_employer(tx, "快递站", CODES[1])
    shop = verified_employer(tx, "超市", CODES[2])
    chemist = verified_employer(tx, "药店", CODES[3], licence_valid_until=TODAY)
    for employer, title in ((courier, "快递员"), (shop, "理货员"), (chemist, "店员")):
        fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
        positions.post_position(tx, C, fair.id, position_data(employer.id, title=title),
                                STAFF, NOW)
    cleaner.status = "withdrawn"
    employers.verify_employer(tx, C, courier.id, {"result": "rejected", "reason": "执照吊销"},
                              STAFF, NOW)
    shop.licence_valid_until = date(2026, 11, 26)
    fair_with(tx, {"title": "保安"}, employer=verified_employer(tx, "学校", CODES[4]))
    tx.session.flush()
    # 23:59 on 27 November in Beijing: 药店's last valid minute
    late = datetime(2026, 11, 27, 15, 59, tzinfo=UTC)
    ranked = matching.match(tx.session, register(tx), fair.id, late)
    assert [(m["title"], m["employer"]) for m in ranked] == [("物业电工", "彩虹城物业公司"),
                                                             ("店员", "药店")]
    assert electrician.id == 1
    # from midnight 药店's licence has expired too
    midnight = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert [m["title"] for m in matching.match(tx.session, register(
        tx, "李娜", LI_NA_ID), fair.id, midnight)] == ["物业电工"]


def test_pay_is_shown_to_the_fen():
    assert [matching.yuan(fen) for fen in (0, 5, 450050, 600099, 1234567)] == [
        "0.00", "0.05", "4500.50", "6000.99", "12345.67"]
