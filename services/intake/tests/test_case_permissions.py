"""Who may do what to a case, as one table (``access.CASE_ACTIONS``), checked against every role
a staff member of the community can have: the case's owner (首问责任人), another receptionist,
the station head, the admin, the handler of the program it is with, and another program's
volunteer. The table below is written by hand from the rules, not read from the code."""
import pytest

from minzi.api import DomainError
from minzi.testing import snapshot

from intake.domain import answers, assignment
from intake.domain.access import CASE_ACTIONS, Actor, may
from intake.domain.registration import register
from intake.models import Base

from .conftest import (
    ADMIN,
    CAT_VOLUNTEER,
    LAWYER,
    RECEPTIONIST,
    SECOND_RECEPTIONIST,
    STATION_HEAD,
    actor,
    desk,
    register_case,
)

PEOPLE = {"owner": RECEPTIONIST, "other receptionist": SECOND_RECEPTIONIST,
          "station head": STATION_HEAD, "admin": ADMIN, "its handler": LAWYER,
          "another program": CAT_VOLUNTEER}
Y, N = True, False
#                owner  other  head   admin  handler  another program
EXPECTED = {
    "transfer":     (Y,    N,     Y,     Y,     Y,       N),
    "chase":        (Y,    N,     Y,     Y,     N,       N),
    "resolve":      (Y,    N,     Y,     Y,     Y,       N),
    "reply":        (Y,    N,     Y,     Y,     N,       N),
    "follow_up":    (Y,    N,     Y,     Y,     N,       N),
    "reopen":       (Y,    N,     Y,     Y,     N,       N),
    "duplicate":    (Y,    N,     Y,     Y,     N,       N),
    "out_of_scope": (Y,    N,     Y,     N,     N,       N),
    "accept_on_behalf": (Y, N,    Y,     Y,     N,       N),
}


def test_the_table_covers_every_action():
    assert set(EXPECTED) == set(CASE_ACTIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_who_may_act_on_a_case_someone_owns(tx, action):
    case = register_case(tx, service_code="labour_dispute", attributes={"employer": "某公司"})
    assert case.owner_id == RECEPTIONIST["id"] and case.program_id == "legal_aid"
    allowed = tuple(may(actor(person), action, case) for person in PEOPLE.values())
    assert dict(zip(PEOPLE, allowed, strict=True)) == \
        dict(zip(PEOPLE, EXPECTED[action], strict=True))


def test_a_case_nobody_owns_yet_is_the_windows_to_take_up(tx):
    case, _ = register(desk(tx), {"community": "rainbow-city", "channel": "open311",
                                  "description": "公司拖欠工资", "service_code": "labour_dispute",
                                  "attributes": {"employer": "某公司"},
                                  "resident_phone": "13700001111"}, Actor("居民（Open311）"))
    assert case.owner_id is None
    for action in CASE_ACTIONS:
        assert may(actor(SECOND_RECEPTIONIST), action, case)      # whoever takes it up owns it
        assert not may(actor(CAT_VOLUNTEER), action, case)


def refused(tx, action, *args):
    before, sent = snapshot(tx.session, Base.metadata), list(tx.published)
    with pytest.raises(DomainError) as error:
        action(*args)
    assert (error.value.code, error.value.status) == ("not_yours", 403)
    zh, en = (error.value.to_body(lang)["error"]["message"] for lang in ("zh", "en"))
    assert (zh, en) == ("这件诉求不由您办理此项操作",
                        "This action on this case is not yours to take")
    assert snapshot(tx.session, Base.metadata) == before and tx.published == sent


def test_another_programs_volunteer_cannot_close_or_answer_a_legal_case(tx):
    """As was tried: a cat-fund volunteer closed a legal case with a referral of their own."""
    case = register_case(tx, service_code="labour_dispute", attributes={"employer": "某公司"})
    cat = actor(CAT_VOLUNTEER)
    refused(tx, answers.close_out_of_scope, desk(tx), case, cat, "不归我们管", "去别处")
    refused(tx, answers.resolve, desk(tx), case, cat, "办好了")
    refused(tx, assignment.transfer, desk(tx), case, cat, "sick_cat", "是猫的事")
    refused(tx, answers.close_out_of_scope, desk(tx), case, actor(ADMIN), "不归本站", "区人社局")
    refused(tx, answers.resolve, desk(tx), case, actor(SECOND_RECEPTIONIST), "办好了")
