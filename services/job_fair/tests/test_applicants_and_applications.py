"""Applicants with consent, applying once, withdrawing, check-in, interviews and hires."""
from datetime import timedelta

from job_fair.domain import applicants, applications
from job_fair.models import Activity

from .conftest import (
    LI_NA_ID,
    NOW,
    STAFF,
    STANDARD_ID,
    TODAY,
    ZHANG_WEI_ID,
    C,
    applicant_data,
    fair_with_position,
    interviewed,
    refused,
    register,
)


def test_an_applicant_is_registered_only_with_consent_and_a_valid_id_number(tx):
    with refused(tx, "consent_required", field="consent", status=422) as err:
        applicants.register_applicant(tx, C, applicant_data(consent=False), STAFF, NOW)
    assert "同意" in err.value.message_zh and "consent" in err.value.message_en
    with refused(tx, "consent_required"):
        applicants.register_applicant(tx, C, {**applicant_data(), "consent": None}, STAFF, NOW)
    with refused(tx, "invalid_id_number", field="id_number"):
        # the check character of 11010519491231002 is X, not 1
        register(tx, id_number="110105194912310021")
    applicant = register(tx, id_number=STANDARD_ID)
    assert applicant.consent_at == NOW
    assert len(applicant.registration_code) == 8
    with refused(tx, "applicant_exists", field="id_number", status=409):
        register(tx, "另一个人", STANDARD_ID)


def test_an_applicant_applies_to_a_position_once(tx):
    _, _, position = fair_with_position(tx)
    applicant = register(tx)
    application = applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)
    assert application.status == "applied"
    with refused(tx, "already_applied", field="position_id", status=409) as err:
        applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)
    assert "每个岗位只能申请一次" in err.value.message_zh
    applications.withdraw(tx, C, application.id, "applicant", "找到别的工作了", STAFF, NOW)
    with refused(tx, "already_applied"):                  # withdrawn is not a second chance
        applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)
    with refused(tx, "application_closed"):
        applications.withdraw(tx, C, application.id, "employer", None, STAFF, NOW)


def test_an_employer_withdrawing_is_on_the_record_as_the_employers(tx):
    _, _, position = fair_with_position(tx)
    application = applications.apply(tx, C, register(tx).id, position.id, STAFF, NOW)
    applications.withdraw(tx, C, application.id, "employer", "岗位要求持证", STAFF, NOW)
    assert (application.status, application.withdrawn_by) == ("withdrawn", "employer")
    last = tx.session.query(Activity).order_by(Activity.id.desc()).first()
    assert (last.action, last.actor, last.on_behalf_of) == ("withdrawn", "李干事",
                                                            "彩虹城物业公司")


def test_check_in_by_registration_code_once_and_not_beyond_capacity(tx):
    fair, _, _ = fair_with_position(tx)
    fair.capacity = 1
    zhang, li = register(tx), register(tx, "李娜", LI_NA_ID)
    with refused(tx, "unknown_code", field="registration_code", status=422):
        applications.check_in(tx, C, fair.id, "NOSUCH00", STAFF, NOW)
    applications.check_in(tx, C, fair.id, zhang.registration_code, STAFF, NOW)
    with refused(tx, "already_checked_in"):
        applications.check_in(tx, C, fair.id, zhang.registration_code, STAFF, NOW)
    with refused(tx, "fair_full") as err:
        applications.check_in(tx, C, fair.id, li.registration_code, STAFF, NOW)
    assert err.value.message_zh == "招聘会已满员（可容纳 1 人）"
    with refused(tx, "fair_over"):
        applications.check_in(tx, C, fair.id, li.registration_code, STAFF,
                              NOW + timedelta(days=9))


def test_an_interview_needs_the_applicant_checked_in(tx):
    fair, _, position = fair_with_position(tx)
    applicant = register(tx)
    application = applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)
    with refused(tx, "not_checked_in"):
        applications.record_interview(tx, C, application.id, None, STAFF, NOW)
    with refused(tx, "not_interviewed"):
        applications.decide(tx, C, application.id, True, None, STAFF, NOW)
    applications.check_in(tx, C, fair.id, applicant.registration_code, STAFF, NOW)
    applications.record_interview(tx, C, application.id, "沟通顺畅", STAFF, NOW)
    assert application.status == "interviewed"
    with refused(tx, "not_awaiting_interview"):
        applications.record_interview(tx, C, application.id, None, STAFF, NOW)


def test_no_position_hires_more_than_it_asked_for(tx):
    # the position wants 1: the first hired fills it; the second is refused, a "not hired" is fine
    fair, _, position = fair_with_position(tx, count=1)
    first = interviewed(tx, fair, position, register(tx))
    second = interviewed(tx, fair, position, register(tx, "李娜", LI_NA_ID))
    third = interviewed(tx, fair, position, register(tx, "孙秀兰", STANDARD_ID))
    applications.decide(tx, C, first.id, True, "下周一上岗", STAFF, NOW)
    with refused(tx, "position_filled", status=409) as err:
        applications.decide(tx, C, second.id, True, None, STAFF, NOW)
    assert err.value.message_zh == "岗位「物业电工」招 1 人，已经录满"
    applications.decide(tx, C, third.id, False, "经验不足", STAFF, NOW)
    assert [a.status for a in (first, second, third)] == ["hired", "interviewed", "not_hired"]
    hired = tx.session.query(Activity).filter_by(action="hired").one()
    assert hired.on_behalf_of == "彩虹城物业公司"


def test_a_taken_down_position_or_another_communitys_applicant_is_refused(tx):
    _, _, position = fair_with_position(tx)
    applicant = register(tx, id_number=ZHANG_WEI_ID)
    with refused(tx, "unknown_applicant", field="applicant_id"):
        applications.apply(tx, "maple-court", applicant.id, position.id, STAFF, NOW)
    position.status = "withdrawn"
    tx.session.flush()
    with refused(tx, "position_closed"):
        applications.apply(tx, C, applicant.id, position.id, STAFF, NOW)


def test_no_application_to_a_fair_that_is_over_or_an_employer_whose_licence_expired(tx):
    _, employer, position = fair_with_position(tx)              # the fair is on 5 December
    applicant = register(tx)
    with refused(tx, "fair_over", field="position_id"):
        applications.apply(tx, C, applicant.id, position.id, STAFF, NOW + timedelta(days=9))
    employer.licence_valid_until = TODAY                        # its last valid day: 27 November
    tx.session.flush()
    with refused(tx, "licence_expired", field="position_id"):
        applications.apply(tx, C, applicant.id, position.id, STAFF, NOW + timedelta(days=1))
    assert applications.apply(tx, C, applicant.id, position.id, STAFF, NOW).status == "applied"
