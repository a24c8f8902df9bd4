"""Employers, fairs and positions rule by rule, as the fair's staff see them: what a record keeps,
the Beijing day a licence or a fair ends on, each refusal with its code, field and words (and
nothing written), and the activity record of every change."""
from datetime import UTC, date, datetime, timedelta

from minzi.testing import make_staff

from job_fair.domain import employers, fairs, positions
from job_fair.models import Invitation

from .conftest import (
    CODES,
    FAIR_DAY,
    NOW,
    STAFF,
    STANDARD_CODE,
    TODAY,
    C,
    activity,
    employer_data,
    position_data,
    refused,
    verified_employer,
)

OTHER = "maple-court"
HEAD = make_staff("program_staff", program_id="job_fair", username="wang", name="王站长")
LATER = NOW + timedelta(hours=3)                        # 13:00 in Beijing, the same day
# 27 November 23:59 and 28 November 00:00 in Beijing (UTC+8)
LAST_MINUTE = datetime(2026, 11, 27, 15, 59, tzinfo=UTC)
NEXT_DAY = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


def plan(tx, day=FAIR_DAY, now=NOW, **extra):
    return fairs.plan_fair(tx, C, {"title": "彩虹城冬季招聘会", "day": day, "place": "社区活动室",
                                   "capacity": 300, **extra}, STAFF, now)


# -- employers ------------------------------------------------------------------------------------

def test_a_registered_employer_keeps_its_licence_as_typed_and_waits(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    assert (employer.community, employer.name, employer.credit_code,
            employer.licence_valid_until, employer.contact_name, employer.phone,
            employer.address) == (C, "彩虹城物业公司", STANDARD_CODE, date(2030, 12, 31), "王经理",
                                  "13800000100", "彩虹城1号楼")
    assert (employer.status, employer.reason, employer.verified_at, employer.verified_by,
            employer.created_at, employer.created_by) == ("pending", None, None, None, NOW,
                                                          "李干事")
    assert activity(tx) == [(C, "employer", 1, "registered", "李干事", None, NOW, {})]


def test_an_employer_without_an_address_is_registered_without_one(tx):
    data = employer_data()
    del data["address"]
    assert employers.register_employer(tx, C, data, STAFF, NOW).address is None


def test_the_same_code_in_another_community_is_another_employer(tx):
    employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    there = employers.register_employer(tx, OTHER, employer_data(), STAFF, NOW)
    assert (there.id, there.community, there.status) == (2, OTHER, "pending")


def test_a_code_registered_twice_names_the_employer_that_has_it(tx):
    employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    employers.register_employer(tx, C, employer_data("快递站", CODES[1]), STAFF, NOW)
    with refused(tx, "employer_exists", field="credit_code", status=409,
                 zh="这个统一社会信用代码已经登记过了（单位编号 2）",
                 en="This credit code is already registered (employer 2)"):
        employers.register_employer(tx, C, employer_data("快递站分部", CODES[1]), STAFF, NOW)


def test_a_code_with_a_wrong_check_is_refused_before_anything_else(tx):
    # a valid code's check character changed (3 -> 4), by a staff member of another community
    with refused(tx, "invalid_credit_code", field="credit_code", status=422):
        employers.register_employer(tx, OTHER, employer_data(code=STANDARD_CODE[:17] + "4"),
                                    STAFF, NOW)


def test_a_rejection_keeps_its_reason_trimmed_and_a_later_verification_clears_it(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    employers.verify_employer(tx, C, employer.id, {"result": "rejected",
                                                   "reason": "  执照复印件不清楚 "}, STAFF, NOW)
    assert (employer.status, employer.reason, employer.verified_at, employer.verified_by) == (
        "rejected", "执照复印件不清楚", NOW, "李干事")
    # the clear copy brought in: the head of the station verifies it three hours later
    employers.verify_employer(tx, C, employer.id, {"result": "verified", "reason": " 已补交 "},
                              HEAD, LATER)
    assert (employer.status, employer.reason, employer.verified_at, employer.verified_by) == (
        "verified", None, LATER, "王站长")
    assert activity(tx)[1:] == [
        (C, "employer", 1, "rejected", "李干事", None, NOW, {"reason": "执照复印件不清楚"}),
        (C, "employer", 1, "verified", "王站长", None, LATER, {"reason": "已补交"})]


def test_a_verification_without_a_reason_records_none(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    employers.verify_employer(tx, C, employer.id, {"result": "verified", "reason": "   "},
                              STAFF, NOW)
    assert activity(tx)[-1] == (C, "employer", 1, "verified", "李干事", None, NOW,
                                {"reason": None})


def test_a_rejection_with_only_spaces_for_a_reason_is_refused(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    with refused(tx, "reason_required", field="reason", status=422):
        employers.verify_employer(tx, C, employer.id, {"result": "rejected", "reason": None},
                                  STAFF, NOW)


def test_an_expired_licence_may_still_be_rejected(tx):
    employer = employers.register_employer(
        tx, C, employer_data(licence_valid_until=TODAY - timedelta(days=1)), STAFF, NOW)
    employers.verify_employer(tx, C, employer.id, {"result": "rejected", "reason": "执照过期"},
                              STAFF, NOW)
    assert (employer.status, employer.reason) == ("rejected", "执照过期")


def test_a_licence_is_valid_to_the_end_of_its_last_day_in_beijing(tx):
    # valid until 27 November: verified at 23:59 that evening, refused from midnight
    employer = employers.register_employer(
        tx, C, employer_data(licence_valid_until=TODAY), STAFF, NOW)
    with refused(tx, "licence_expired", field="licence_valid_until", status=409):
        employers.verify_employer(tx, C, employer.id, {"result": "verified"}, STAFF, NEXT_DAY)
    employers.verify_employer(tx, C, employer.id, {"result": "verified"}, STAFF, LAST_MINUTE)
    employers.require_may_publish(employer, LAST_MINUTE)
    with refused(tx, "licence_expired", field="employer_id", status=409,
                 zh="用人单位「彩虹城物业公司」的营业执照已过有效期，不能发布岗位或参会"):
        employers.require_may_publish(employer, NEXT_DAY)


def test_a_long_term_licence_never_expires(tx):
    # 长期: no last day on the licence
    employer = verified_employer(tx, licence_valid_until=None)
    assert employer.licence_valid_until is None
    employers.require_may_publish(employer, datetime(2060, 1, 1, tzinfo=UTC))


def test_a_rejected_employer_publishes_nothing(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    employers.verify_employer(tx, C, employer.id, {"result": "rejected", "reason": "执照不符"},
                              STAFF, NOW)
    with refused(tx, "employer_not_verified", field="employer_id", status=409):
        employers.require_may_publish(employer, NOW)


def test_another_communitys_employer_is_not_found_or_unknown_in_a_form(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    with refused(tx, "employer_not_found", status=404, zh="没有编号为 1 的用人单位",
                 en="No employer 1") as err:
        employers.get_employer(tx.session, employer.id, OTHER)
    assert err.value.field is None
    with refused(tx, "unknown_employer", field="employer_id", status=422,
                 zh="没有编号为 1 的用人单位", en="No employer 1"):
        employers.get_employer(tx.session, employer.id, OTHER, field="employer_id")
    with refused(tx, "employer_not_found", status=404):
        employers.verify_employer(tx, OTHER, employer.id, {"result": "verified"}, STAFF, NOW)
    assert employers.get_employer(tx.session, employer.id, C, field="employer_id") is employer


# -- fairs ----------------------------------------------------------------------------------------

def test_a_planned_fair_keeps_its_day_place_and_capacity(tx):
    fair = plan(tx, capacity=120)
    assert (fair.community, fair.title, fair.day, fair.place, fair.capacity, fair.created_at,
            fair.created_by) == (C, "彩虹城冬季招聘会", FAIR_DAY, "社区活动室", 120, NOW, "李干事")
    assert activity(tx) == [(C, "fair", 1, "planned", "李干事", None, NOW, {})]


def test_the_past_is_the_past_in_beijing(tx):
    # at 00:00 on 28 November in Beijing (still the 27th in UTC) a fair on the 27th is past
    with refused(tx, "fair_in_past", field="day", status=422):
        plan(tx, day=TODAY, now=NEXT_DAY)
    assert plan(tx, day=TODAY, now=LAST_MINUTE).day == TODAY
    assert plan(tx, day=date(2026, 11, 28), now=NEXT_DAY).day == date(2026, 11, 28)


def test_a_fair_is_open_until_the_end_of_its_day_in_beijing(tx):
    fair = plan(tx)                                                 # 5 December
    employer = verified_employer(tx)
    end_of_day = datetime(2026, 12, 5, 15, 59, tzinfo=UTC)          # 23:59 in Beijing
    after = datetime(2026, 12, 5, 16, 0, tzinfo=UTC)                # 6 December 00:00
    with refused(tx, "fair_over", field="fair_id", status=409,
                 zh="招聘会「彩虹城冬季招聘会」已经结束",
                 en="The job fair 彩虹城冬季招聘会 is over"):
        fairs.invite(tx, C, fair.id, employer.id, STAFF, after)
    fairs.invite(tx, C, fair.id, employer.id, STAFF, end_of_day)
    with refused(tx, "fair_over", field="position_id"):
        fairs.require_not_over(fair, after, "position_id")


def test_an_invitation_names_the_fair_the_employer_and_who_invited_it(tx):
    fair = plan(tx)
    verified_employer(tx)
    second = verified_employer(tx, "快递站", CODES[1])
    invitation = fairs.invite(tx, C, fair.id, second.id, HEAD, LATER)
    assert (invitation.fair_id, invitation.employer_id, invitation.invited_at,
            invitation.invited_by) == (1, 2, LATER, "王站长")
    assert activity(tx)[-1] == (C, "fair", 1, "invited", "王站长", None, LATER,
                                {"employer_id": 2})


def test_an_employer_may_be_invited_to_two_fairs_and_a_fair_may_invite_two(tx):
    winter, spring = plan(tx), plan(tx, day=date(2027, 3, 6), title="春季招聘会")
    first = verified_employer(tx)
    second = verified_employer(tx, "快递站", CODES[1])
    fairs.invite(tx, C, winter.id, first.id, STAFF, NOW)
    fairs.invite(tx, C, spring.id, first.id, STAFF, NOW)
    fairs.invite(tx, C, winter.id, second.id, STAFF, NOW)
    assert sorted((i.fair_id, i.employer_id) for i in tx.session.query(Invitation)) == [
        (1, 1), (1, 2), (2, 1)]
    assert fairs.invitation_of(tx.session, spring.id, second.id) is None


def test_an_employer_whose_licence_expired_is_not_invited(tx):
    fair = plan(tx)
    employer = verified_employer(tx, licence_valid_until=date(2026, 11, 30))
    with refused(tx, "licence_expired", field="employer_id", status=409):
        fairs.invite(tx, C, fair.id, employer.id, STAFF, datetime(2026, 12, 1, 2, tzinfo=UTC))


def test_another_communitys_fair_is_not_found_or_unknown_in_a_form(tx):
    fair = plan(tx)
    with refused(tx, "fair_not_found", status=404, zh="没有编号为 1 的招聘会",
                 en="No job fair 1") as err:
        fairs.get_fair(tx.session, fair.id, OTHER)
    assert err.value.field is None
    with refused(tx, "unknown_fair", field="fair_id", status=422, zh="没有编号为 1 的招聘会",
                 en="No job fair 1"):
        fairs.get_fair(tx.session, fair.id, OTHER, field="fair_id")
    with refused(tx, "unknown_fair", field="fair_id", status=422, zh="没有编号为 2 的招聘会"):
        fairs.get_fair(tx.session, 2, C, field="fair_id")
    assert fairs.get_fair(tx.session, fair.id, C, field="fair_id") is fair


def test_an_employer_of_another_community_is_unknown_to_a_fair(tx):
    fair = plan(tx)
    elsewhere = employers.register_employer(tx, OTHER, employer_data(), STAFF, NOW)
    employers.verify_employer(tx, OTHER, elsewhere.id, {"result": "verified"}, STAFF, NOW)
    with refused(tx, "unknown_employer", field="employer_id", status=422):
        fairs.invite(tx, C, fair.id, elsewhere.id, STAFF, NOW)


# -- positions ------------------------------------------------------------------------------------

def invited(tx):
    fair = plan(tx)
    employer = verified_employer(tx)
    fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
    return fair, employer


def test_a_posted_position_keeps_its_requirements_and_exact_pay(tx):
    fair, employer = invited(tx)
    # 4,500.50 to 6,000.99 yuan a month, kept to the fen
    position = positions.post_position(tx, C, fair.id, position_data(
        employer.id, title="物业电工", count=3, skills=["电工", "焊工"], education="college",
        area="丰台", work_place="彩虹城小区", pay_min_fen=450050, pay_max_fen=600099), HEAD,
        LATER)
    assert (position.community, position.fair_id, position.employer_id, position.title,
            position.count, position.skills, position.education, position.area,
            position.work_place, position.pay_min_fen, position.pay_max_fen, position.status,
            position.created_at, position.created_by) == (
        C, 1, 1, "物业电工", 3, ["电工", "焊工"], "college", "丰台", "彩虹城小区", 450050, 600099,
        "open", LATER, "王站长")
    # staff post it for the employer: the record names both
    assert activity(tx)[-1] == (C, "position", 1, "posted", "王站长", "彩虹城物业公司", LATER,
                                {"fair_id": 1})


def test_a_position_asking_for_nothing_in_particular(tx):
    fair, employer = invited(tx)
    data = position_data(employer.id, skills=None)
    del data["education"], data["area"]
    position = positions.post_position(tx, C, fair.id, data, STAFF, NOW)
    assert (position.skills, position.education, position.area) == ([], None, None)


def test_a_pay_of_one_amount_is_a_range_of_one(tx):
    fair, employer = invited(tx)
    position = positions.post_position(tx, C, fair.id, position_data(
        employer.id, pay_min_fen=500000, pay_max_fen=500000), STAFF, NOW)
    assert (position.pay_min_fen, position.pay_max_fen) == (500000, 500000)
    with refused(tx, "pay_range", field="pay_min", status=422):
        positions.post_position(tx, C, fair.id, position_data(
            employer.id, pay_min_fen=500001, pay_max_fen=500000), STAFF, NOW)


def test_an_employer_invited_to_another_fair_only_posts_nothing_here(tx):
    fair, employer = invited(tx)
    spring = plan(tx, day=date(2027, 3, 6))
    with refused(tx, "employer_not_invited", field="employer_id", status=409,
                 zh="「彩虹城物业公司」没有受邀参加这场招聘会，请先邀请",
                 en="彩虹城物业公司 is not invited to this fair: invite it first"):
        positions.post_position(tx, C, spring.id, position_data(employer.id), STAFF, NOW)
    assert positions.post_position(tx, C, fair.id, position_data(employer.id), STAFF,
                                   NOW).fair_id == fair.id


def test_a_position_for_an_unknown_employer_or_at_an_unknown_fair(tx):
    fair, employer = invited(tx)
    with refused(tx, "unknown_employer", field="employer_id", status=422,
                 zh="没有编号为 5 的用人单位"):
        positions.post_position(tx, C, fair.id, position_data(5), STAFF, NOW)
    with refused(tx, "fair_not_found", status=404):
        positions.post_position(tx, OTHER, fair.id, position_data(employer.id), STAFF, NOW)


def test_a_position_is_refused_once_the_employers_licence_has_expired(tx):
    fair, employer = invited(tx)
    employer.licence_valid_until = TODAY
    with refused(tx, "licence_expired", field="employer_id", status=409):
        positions.post_position(tx, C, fair.id, position_data(employer.id), STAFF, NEXT_DAY)


def test_another_communitys_position_is_not_found_or_unknown_in_a_form(tx):
    fair, employer = invited(tx)
    position = positions.post_position(tx, C, fair.id, position_data(employer.id), STAFF, NOW)
    with refused(tx, "position_not_found", status=404, zh="没有编号为 1 的岗位",
                 en="No position 1") as err:
        positions.get_position(tx.session, position.id, OTHER)
    assert err.value.field is None
    with refused(tx, "unknown_position", field="position_id", status=422,
                 zh="没有编号为 1 的岗位", en="No position 1"):
        positions.get_position(tx.session, position.id, OTHER, field="position_id")
    with refused(tx, "position_not_found", status=404, zh="没有编号为 2 的岗位"):
        positions.get_position(tx.session, 2, C)
    assert positions.get_position(tx.session, position.id, C) is position
