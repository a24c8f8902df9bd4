"""Who may do what, rule by rule (the route matrix tries every route; this states the rules
themselves): the hotline's own staff operate, an admin reads, everyone else is refused with
the code and words that say why."""
import pytest

from minzi.api import Forbidden
from minzi.testing import make_staff

from hotline.domain.access import is_operator, require_operator, require_reader

OWN = [make_staff(role, program_id="hotline") for role in ("program_staff", "handler")]
ADMIN = make_staff("admin")
OTHERS = [make_staff("program_staff", program_id="legal_aid"),
          make_staff("handler", program_id="co_building"), make_staff("receptionist"),
          make_staff("station_head"), make_staff("ops"),
          make_staff("admin", program_id="hotline"),       # an admin is no operator
          make_staff("member_unit", program_id="hotline"), {"role": "program_staff"}]


def refusal(rule, staff) -> tuple:
    with pytest.raises(Forbidden) as err:
        rule(staff)
    return err.value.code, err.value.status, err.value.message_zh, err.value.message_en


def test_the_hotlines_own_staff_operate_and_read():
    for staff in OWN:
        assert is_operator(staff)
        require_operator(staff)
        require_reader(staff)


def test_an_admin_reads_and_does_not_operate():
    require_reader(ADMIN)
    assert not is_operator(ADMIN)
    assert refusal(require_operator, ADMIN) == (
        "not_program_staff", 403, "只有便民服务热线的工作人员可以办理",
        "Only the hotline's staff may do this")


@pytest.mark.parametrize("staff", OTHERS)
def test_everyone_else_is_refused_both(staff):
    assert not is_operator(staff)
    assert refusal(require_operator, staff)[:2] == ("not_program_staff", 403)
    if staff.get("role") != "admin":
        assert refusal(require_reader, staff) == (
            "not_program_staff", 403, "只有便民服务热线的工作人员可以查看",
            "Only the hotline's staff may see this")


def test_no_login_is_asked_to_log_in():
    assert not is_operator(None) and not is_operator({})
    for rule in (require_operator, require_reader):
        assert refusal(rule, None) == ("unauthenticated", 401, "请先登录", "Log in first")
