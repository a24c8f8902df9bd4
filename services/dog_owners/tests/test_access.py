"""Who may do what, rule by rule (the route matrix tries every route; these state each check):
the association's own staff change things; its staff and the community's admins read; no one
else, and a caller without a login is told to log in."""
import pytest

from minzi.api import Forbidden
from minzi.testing import make_staff

from dog_owners.domain.access import is_operator, require_operator, require_reader

STAFF = make_staff("program_staff", program_id="dog_owners")
HANDLER = make_staff("handler", program_id="dog_owners")
ADMIN = make_staff("admin")
OTHERS = [make_staff("program_staff", program_id="cat_fund"),
          make_staff("handler", program_id="cat_fund"), make_staff("receptionist"),
          make_staff("station_head"), make_staff("ops"),
          make_staff("member_unit", program_id="dog_owners"),
          make_staff("admin", program_id="dog_owners") | {"role": "resident"}]


def refusal(check, staff) -> tuple[str, int, str, str]:
    with pytest.raises(Forbidden) as err:
        check(staff)
    return err.value.code, err.value.status, err.value.message_zh, err.value.message_en


def test_the_associations_staff_operate_and_read():
    for staff in (STAFF, HANDLER):
        assert is_operator(staff)
        require_operator(staff)
        require_reader(staff)


def test_an_admin_reads_and_changes_nothing():
    assert not is_operator(ADMIN)
    require_reader(ADMIN)
    assert refusal(require_operator, ADMIN) == (
        "not_program_staff", 403, "只有养犬自律协会的工作人员可以办理",
        "Only the dog-owners' association's staff may do this")


@pytest.mark.parametrize("staff", OTHERS)
def test_everyone_else_is_refused(staff):
    assert not is_operator(staff)
    assert refusal(require_operator, staff)[:2] == ("not_program_staff", 403)
    assert refusal(require_reader, staff) == (
        "not_program_staff", 403, "只有养犬自律协会的工作人员可以查看",
        "Only the dog-owners' association's staff may see this")


@pytest.mark.parametrize("check", [require_operator, require_reader])
def test_without_a_login_log_in_first(check):
    assert not is_operator(None) and not is_operator({})
    assert refusal(check, None) == ("unauthenticated", 401, "请先登录", "Log in first")
