"""Employers, their licences and the gate on publishing; fairs and invitations."""
from datetime import date, timedelta

import pytest

from job_fair.domain import employers, fairs, positions
from job_fair.domain.credit_code import CHECK, DIVISION, FORM, ORG_CHECK, credit_code_problem
from job_fair.models import Activity

from .conftest import (
    CODES,
    FAIR_DAY,
    NOW,
    STAFF,
    STANDARD_CODE,
    TODAY,
    C,
    employer_data,
    position_data,
    refused,
    verified_employer,
)


def test_the_standards_example_and_the_codes_worked_out_by_hand_are_valid():
    assert [credit_code_problem(code) for code in CODES] == [None] * 10
    # printed on Huawei's business licence: 914403001922038216
    assert credit_code_problem("914403001922038216") is None


@pytest.mark.parametrize(("code", "problem"), [
    ("91350100M000100Y4", FORM),                 # 17 characters
    ("91350100M000100Y433", FORM),               # 19
    ("91350100M000100I43", FORM),                # I is not used
    ("91350100m000100Y43", FORM),                # lower case
    ("91A50100M000100Y43", DIVISION),            # the division is digits
    ("91350100M000100Y53", ORG_CHECK),           # the organisation code's check: 4, not 5
    ("91350100M000100Y44", CHECK),               # the check character: 3, not 4
    ("91350101M000100Y43", CHECK),               # one digit changed: the check is H
])
def test_a_wrong_credit_code_is_named(code, problem):
    assert credit_code_problem(code) == problem


def test_an_employer_is_registered_pending_and_verified_on_the_record(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    assert (employer.status, employer.created_by) == ("pending", "李干事")
    employers.verify_employer(tx, C, employer.id, {"result": "verified"}, STAFF, NOW)
    assert (employer.status, employer.verified_by) == ("verified", "李干事")
    assert [a.action for a in tx.session.query(Activity).order_by(Activity.id)] == [
        "registered", "verified"]


def test_an_invalid_credit_code_is_refused_and_nothing_is_written(tx):
    with refused(tx, "invalid_credit_code", field="credit_code", status=422) as err:
        employers.register_employer(tx, C, employer_data(code="91350100M000100Y44"), STAFF, NOW)
    assert err.value.message_zh == "统一社会信用代码无效，请核对营业执照"
    assert err.value.message_en.startswith("The unified social credit code is not valid")


def test_the_same_credit_code_twice_is_refused(tx):
    employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    with refused(tx, "employer_exists", field="credit_code", status=409):
        employers.register_employer(tx, C, employer_data("另一家"), STAFF, NOW)


def test_a_rejection_needs_a_reason_and_keeps_it(tx):
    employer = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    with refused(tx, "reason_required", field="reason"):
        employers.verify_employer(tx, C, employer.id, {"result": "rejected"}, STAFF, NOW)
    employers.verify_employer(tx, C, employer.id, {"result": "rejected",
                                                   "reason": "营业执照复印件不清楚"}, STAFF, NOW)
    assert (employer.status, employer.reason) == ("rejected", "营业执照复印件不清楚")
    with refused(tx, "already_decided"):
        employers.verify_employer(tx, C, employer.id, {"result": "rejected", "reason": "x"},
                                  STAFF, NOW)


def test_an_expired_licence_cannot_be_verified(tx):
    employer = employers.register_employer(
        tx, C, employer_data(licence_valid_until=TODAY - timedelta(days=1)), STAFF, NOW)
    with refused(tx, "licence_expired", status=409):
        employers.verify_employer(tx, C, employer.id, {"result": "verified"}, STAFF, NOW)


def test_a_licence_valid_until_today_still_counts(tx):
    employer = verified_employer(tx, licence_valid_until=TODAY)
    assert employer.status == "verified"
    employers.require_may_publish(employer, NOW)


def plan(tx, day=FAIR_DAY, capacity=300):
    return fairs.plan_fair(tx, C, {"title": "彩虹城冬季招聘会", "day": day,
                                   "place": "社区活动室", "capacity": capacity}, STAFF, NOW)


def test_a_fair_in_the_past_is_refused_and_today_is_not_the_past(tx):
    with refused(tx, "fair_in_past", field="day", status=422) as err:
        plan(tx, day=date(2026, 11, 26))
    assert err.value.message_zh == "招聘会日期不能早于今天"
    assert plan(tx, day=TODAY).day == TODAY


def test_an_unverified_or_rejected_employer_is_not_invited_and_posts_nothing(tx):
    fair = plan(tx)
    pending = employers.register_employer(tx, C, employer_data(), STAFF, NOW)
    with refused(tx, "employer_not_verified", field="employer_id", status=409) as err:
        fairs.invite(tx, C, fair.id, pending.id, STAFF, NOW)
    assert "资质尚未审核通过" in err.value.message_zh
    assert "is not verified" in err.value.message_en
    with refused(tx, "employer_not_verified"):
        positions.post_position(tx, C, fair.id, position_data(pending.id), STAFF, NOW)
    employers.verify_employer(tx, C, pending.id, {"result": "rejected", "reason": "执照不符"},
                              STAFF, NOW)
    with refused(tx, "employer_not_verified"):
        fairs.invite(tx, C, fair.id, pending.id, STAFF, NOW)


def test_an_employer_whose_licence_expired_after_verification_posts_nothing(tx):
    fair = plan(tx)
    employer = verified_employer(tx, licence_valid_until=date(2026, 12, 1))
    fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
    later = NOW + timedelta(days=5)                    # 2 December in Beijing
    with refused(tx, "licence_expired", field="employer_id") as err:
        positions.post_position(tx, C, fair.id, position_data(employer.id), STAFF, later)
    assert "营业执照已过有效期" in err.value.message_zh


def test_an_employer_posts_only_at_a_fair_it_is_invited_to_and_pay_is_a_range(tx):
    fair = plan(tx)
    employer = verified_employer(tx)
    with refused(tx, "employer_not_invited", field="employer_id"):
        positions.post_position(tx, C, fair.id, position_data(employer.id), STAFF, NOW)
    fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
    with refused(tx, "already_invited"):
        fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
    with refused(tx, "pay_range", field="pay_min"):
        positions.post_position(tx, C, fair.id, position_data(
            employer.id, pay_min_fen=600001, pay_max_fen=600000), STAFF, NOW)
    position = positions.post_position(tx, C, fair.id, position_data(employer.id), STAFF, NOW)
    assert (position.pay_min_fen, position.pay_max_fen, position.status) == (
        450000, 600000, "open")
    posted = tx.session.query(Activity).filter_by(entity="position").one()
    assert (posted.actor, posted.on_behalf_of) == ("李干事", "彩虹城物业公司")


def test_a_fair_that_is_over_takes_no_invitations_or_positions(tx):
    fair = plan(tx)
    employer = verified_employer(tx)
    after = NOW + timedelta(days=9)                    # 6 December
    with refused(tx, "fair_over"):
        fairs.invite(tx, C, fair.id, employer.id, STAFF, after)


def test_another_communitys_employer_and_fair_are_not_found(tx):
    fair = plan(tx)
    employer = verified_employer(tx)
    with refused(tx, "fair_not_found", status=404):
        fairs.invite(tx, "maple-court", fair.id, employer.id, STAFF, NOW)
    with refused(tx, "unknown_employer", field="employer_id", status=422):
        fairs.invite(tx, C, fair.id, employer.id + 1, STAFF, NOW)
    assert employers.get_employer(tx.session, employer.id, C).credit_code == STANDARD_CODE


def test_no_position_at_a_fair_that_is_over(tx):
    fair = plan(tx)
    employer = verified_employer(tx)
    fairs.invite(tx, C, fair.id, employer.id, STAFF, NOW)
    with refused(tx, "fair_over", field="fair_id") as err:
        positions.post_position(tx, C, fair.id, position_data(employer.id), STAFF,
                                NOW + timedelta(days=9))
    assert err.value.message_zh == "招聘会「彩虹城冬季招聘会」已经结束"
    with refused(tx, "fair_not_found", status=404):
        positions.post_position(tx, C, fair.id + 1, position_data(employer.id), STAFF, NOW)
