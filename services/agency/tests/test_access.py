"""Who may do what (``domain/access.py``), rule by rule: the agents of this program work, an
admin of the community reads, everyone else is refused with a named code."""
import pytest

from minzi.api import Forbidden
from minzi.testing import make_staff

from agency.domain.access import is_operator, require_operator, require_reader

AGENT = make_staff("program_staff", program_id="agency")
HANDLER = make_staff("handler", program_id="agency")
ADMIN = make_staff("admin")
OTHERS = [make_staff("program_staff", program_id="legal_aid"),
          make_staff("handler", program_id="cat_fund"), make_staff("receptionist"),
          make_staff("station_head"), make_staff("ops"),
          make_staff("member_unit", program_id="agency")]


def refusal(rule, staff):
    with pytest.raises(Forbidden) as err:
        rule(staff)
    return err.value.code, err.value.status, err.value.message_zh, err.value.message_en


def test_the_agents_work_and_read():
    for staff in (AGENT, HANDLER):
        assert is_operator(staff)
        require_operator(staff)
        require_reader(staff)


def test_an_admin_reads_but_does_not_work():
    assert not is_operator(ADMIN)
    require_reader(ADMIN)
    assert refusal(require_operator, ADMIN) == (
        "not_program_staff", 403, "只有全程代理的代理员可以办理",
        "Only the agency's agents may do this")


@pytest.mark.parametrize("staff", OTHERS)
def test_everyone_else_is_refused(staff):
    assert not is_operator(staff)
    assert refusal(require_operator, staff) == (
        "not_program_staff", 403, "只有全程代理的代理员可以办理",
        "Only the agency's agents may do this")
    assert refusal(require_reader, staff) == (
        "not_program_staff", 403, "只有全程代理的代理员可以查看",
        "Only the agency's agents may see this")


def test_without_a_login_the_answer_is_401():
    assert not is_operator(None)
    for rule in (require_operator, require_reader):
        assert refusal(rule, None) == ("unauthenticated", 401, "请先登录", "Log in first")
