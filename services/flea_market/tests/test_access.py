"""Who may do what, rule by rule: the flea market's own staff change things; they and an admin
of the community read; anyone else is refused, a caller without a login first of all."""
import pytest

from minzi.api import Forbidden
from minzi.testing import make_staff

from flea_market.domain import access

STAFF = make_staff("program_staff", program_id="flea_market")
HANDLER = make_staff("handler", program_id="flea_market")
ADMIN = make_staff("admin")
OTHER_PROGRAM = make_staff("program_staff", program_id="cat_fund")
RECEPTIONIST = make_staff("receptionist", program_id="flea_market")


def test_the_flea_markets_own_staff_are_its_operators():
    assert access.is_operator(STAFF) and access.is_operator(HANDLER)
    assert not access.is_operator(ADMIN)
    assert not access.is_operator(OTHER_PROGRAM)
    assert not access.is_operator(RECEPTIONIST)      # a role that works no program's cases
    assert not access.is_operator(None) and not access.is_operator({})


@pytest.mark.parametrize("rule", [access.require_operator, access.require_reader])
def test_no_login_is_told_to_log_in(rule):
    with pytest.raises(Forbidden) as err:
        rule(None)
    assert (err.value.code, err.value.status, err.value.message_zh, err.value.message_en) == (
        "unauthenticated", 401, "请先登录", "Log in first")


def test_only_operators_change_things():
    access.require_operator(STAFF)
    access.require_operator(HANDLER)
    for who in (ADMIN, OTHER_PROGRAM, RECEPTIONIST):
        with pytest.raises(Forbidden) as err:
            access.require_operator(who)
        assert (err.value.code, err.value.status, err.value.message_zh,
                err.value.message_en) == ("not_program_staff", 403,
                                          "只有跳蚤市场的工作人员可以办理",
                                          "Only the flea market's staff may do this")


def test_operators_and_admins_read():
    for who in (STAFF, HANDLER, ADMIN):
        access.require_reader(who)
    for who in (OTHER_PROGRAM, RECEPTIONIST):
        with pytest.raises(Forbidden) as err:
            access.require_reader(who)
        assert (err.value.code, err.value.status, err.value.message_zh,
                err.value.message_en) == ("not_program_staff", 403,
                                          "只有跳蚤市场的工作人员可以查看",
                                          "Only the flea market's staff may see this")
