"""A resident rates the answer to their case once, while it awaits that rating; unsatisfied, they
may have it worked again, and rate the new answer. Anyone holding the tracking code can do no
more than that: a rated case, or one not yet answered, takes no rating and changes nothing."""
import pytest

from minzi.api import DomainError
from minzi.testing import snapshot

from intake.domain import answers, assignment
from intake.models import Base

from .conftest import LAWYER, RECEPTIONIST, actor, desk, register_case


def answered(tx):
    case = register_case(tx, service_code="labour_dispute", attributes={"employer": "某公司"})
    assignment.accept(desk(tx), case, actor(LAWYER))
    answers.resolve(desk(tx), case, actor(LAWYER), "已调解")
    answers.reply(desk(tx), case, actor(RECEPTIONIST), "经调解，公司同意月底前付清")
    return case


def refused_feedback(tx, case):
    before, sent = snapshot(tx.session, Base.metadata), list(tx.published)
    with pytest.raises(DomainError) as error:
        answers.resident_feedback(desk(tx), case, resolved=False, satisfied=False,
                                  comment="再评一次", reopen_wanted=True)
    assert (error.value.code, error.value.status, error.value.field) == \
        ("feedback_not_expected", 409, "status")
    assert snapshot(tx.session, Base.metadata) == before and tx.published == sent


def test_a_rating_is_taken_once(tx):
    case = answered(tx)
    answers.resident_feedback(desk(tx), case, resolved=True, satisfied=True, comment="谢谢")
    assert (case.status, case.followup_resolved, case.followup_satisfied) == ("closed", True, True)
    refused_feedback(tx, case)          # nobody re-rates it, nor reopens it with the code


def test_a_case_not_yet_answered_takes_no_rating(tx):
    case = register_case(tx, service_code="labour_dispute", attributes={"employer": "某公司"})
    refused_feedback(tx, case)
    assignment.accept(desk(tx), case, actor(LAWYER))
    answers.resolve(desk(tx), case, actor(LAWYER), "已调解")   # resolved, reply still pending
    refused_feedback(tx, case)


def test_unsatisfied_it_is_worked_again_and_the_new_answer_is_rated(tx):
    case = answered(tx)
    answers.resident_feedback(desk(tx), case, resolved=False, satisfied=False,
                              comment="钱还没到", reopen_wanted=True)
    assert (case.status, case.reopened_count) == ("dispatched", 1)
    refused_feedback(tx, case)          # while it is worked again, there is nothing to rate
    assignment.accept(desk(tx), case, actor(LAWYER))
    answers.resolve(desk(tx), case, actor(LAWYER), "已督促公司付款")
    answers.reply(desk(tx), case, actor(RECEPTIONIST), "款项已到账")
    answers.resident_feedback(desk(tx), case, resolved=True, satisfied=True)
    assert (case.status, case.followup_satisfied) == ("closed", True)


def test_satisfied_or_not_asking_it_stays_closed(tx):
    case = answered(tx)
    answers.resident_feedback(desk(tx), case, resolved=True, satisfied=False, reopen_wanted=False)
    assert (case.status, case.reopened_count) == ("closed", 0)
