"""Who may do what (``domain/access.py``), as plain Python: each check with each kind of caller,
its refusal's code, status and words."""
import pytest

from minzi.api import Forbidden
from minzi.testing import make_staff

from co_building.domain import access

STAFF = make_staff("program_staff", program_id="co_building", username="wang")
HANDLER = make_staff("handler", program_id="co_building", username="qian")
ADMIN = make_staff("admin", username="root")
CONTACT = make_staff("member_unit", program_id="co_building", username="egg-contact")
STRAY = make_staff("member_unit", program_id="job_fair", username="egg-contact")
OTHER_STAFF = make_staff("program_staff", program_id="job_fair", username="li")
DESK = make_staff("receptionist", username="desk")

# who passes each check, written from the rules (README "Who may do what")
PASSES = {
    access.require_operator: {"staff", "handler"},
    access.require_reader: {"staff", "handler", "admin"},
    access.require_reader_or_member: {"staff", "handler", "admin", "contact"},
    access.require_staff_or_member: {"staff", "handler", "contact"},
    access.require_member: {"contact"},
}
CALLERS = {"staff": STAFF, "handler": HANDLER, "admin": ADMIN, "contact": CONTACT,
           "stray": STRAY, "other_staff": OTHER_STAFF, "desk": DESK}


@pytest.mark.parametrize("check", list(PASSES), ids=lambda c: c.__name__)
def test_each_check_lets_in_only_those_the_rules_name(check):
    for name, caller in CALLERS.items():
        if name in PASSES[check]:
            check(caller)
        else:
            with pytest.raises(Forbidden) as refused:
                check(caller)
            assert refused.value.status == 403 and refused.value.code in (
                "not_program_staff", "not_member_unit"), name
    with pytest.raises(Forbidden) as nobody:
        check(None)
    assert (nobody.value.status, nobody.value.code, nobody.value.message_zh,
            nobody.value.message_en) == (401, "unauthenticated", "请先登录", "Log in first")


def test_the_refusals_say_who_may():
    with pytest.raises(Forbidden) as refused:
        access.require_operator(ADMIN)
    assert (refused.value.message_zh, refused.value.message_en) == (
        "只有共驻共建的工作人员可以办理", "Only co-building's staff may do this")
    with pytest.raises(Forbidden) as refused:
        access.require_reader(CONTACT)
    assert (refused.value.message_zh, refused.value.message_en) == (
        "只有共驻共建的工作人员可以查看", "Only co-building's staff may see this")
    with pytest.raises(Forbidden) as refused:
        access.require_member(STAFF)
    assert (refused.value.code, refused.value.message_zh, refused.value.message_en) == (
        "not_member_unit", "只有共建单位联系人可以查看",
        "Only a member unit's contact may see this")
    with pytest.raises(Forbidden) as refused:
        access.require_reader_or_member(DESK)
    assert (refused.value.message_zh, refused.value.message_en) == (
        "只有共驻共建的工作人员和共建单位联系人可以查看",
        "Only co-building's staff and member units' contacts may see this")
    with pytest.raises(Forbidden) as refused:
        access.require_staff_or_member(ADMIN)
    assert (refused.value.message_zh, refused.value.message_en) == (
        "只有共驻共建的工作人员和共建单位联系人可以办理",
        "Only co-building's staff and member units' contacts may do this")


def test_a_contact_is_the_one_whose_username_the_unit_names():
    assert access.is_contact_of(CONTACT, 1, "egg-contact") is True
    assert access.is_contact_of(CONTACT, 1, "hospital") is False
    assert access.is_contact_of(CONTACT, 1, None) is False          # a unit with no contact
    assert access.is_contact_of(CONTACT, None, "egg-contact") is False
    assert access.is_contact_of(STRAY, 1, "egg-contact") is False   # not co-building's role
    assert access.is_contact_of(STAFF, 1, "wang") is False
    access.require_unit_contact(STAFF, 1, "egg-contact")            # staff pass
    access.require_unit_contact(ADMIN, 1, None)
    access.require_unit_contact(CONTACT, 1, "egg-contact")
    with pytest.raises(Forbidden) as refused:
        access.require_unit_contact(CONTACT, 2, "hospital")
    assert (refused.value.status, refused.value.code, refused.value.message_en) == (
        403, "not_your_unit", "This is not your member unit's record")
