"""Who may do what in the job fair, written from the README's table ("Who may do what") and
the access module's docstring, not from the checks themselves:

| who                                              | change things | read (staff views) |
|--------------------------------------------------|---------------|--------------------|
| program_staff of job_fair                        | yes           | yes, in full       |
| handler of job_fair                              | yes           | yes, in full       |
| admin of the community                           | no (403)      | yes, masked        |
| receptionist, station head, ops                  | no (403)      | no (403)           |
| program_staff / handler of another program       | no (403)      | no (403)           |
| program_staff / handler of no program            | no (403)      | no (403)           |
| nobody logged in                                 | no (401)      | no (401)           |
"""
import pytest

from minzi.api import DomainError, Forbidden
from minzi.testing import make_staff

from job_fair.domain.access import is_operator, require_operator, require_reader

from .conftest import refused, verified_employer

FAIR_STAFF = make_staff("program_staff", program_id="job_fair")
HANDLER = make_staff("handler", program_id="job_fair")
ADMIN = make_staff("admin")
OTHERS = {
    "receptionist": make_staff("receptionist"),
    "station head": make_staff("station_head"),
    "ops": make_staff("ops"),
    "legal aid's staff": make_staff("program_staff", program_id="legal_aid"),
    "matchmaking's handler": make_staff("handler", program_id="matchmaking"),
    "staff of no program": make_staff("program_staff", program_id=None),
    "a handler of no program": make_staff("handler", program_id=None),
    "a receptionist named for the job fair": make_staff("receptionist", program_id="job_fair"),
}

LOG_IN = ("unauthenticated", 401, "请先登录", "Log in first")
MAY_NOT_DO = ("not_program_staff", 403, "只有社区招聘会的工作人员可以办理",
              "Only the job fair's staff may do this")
MAY_NOT_SEE = ("not_program_staff", 403, "只有社区招聘会的工作人员可以查看",
               "Only the job fair's staff may see this")


def answer(check, staff):
    """None when ``check`` lets ``staff`` through, else the refusal as the caller sees it."""
    try:
        check(staff)
    except DomainError as err:
        assert isinstance(err, Forbidden)
        assert err.field is None
        assert err.to_body("zh") == {"error": {"code": err.code, "message": err.message_zh}}
        assert err.to_body("en") == {"error": {"code": err.code, "message": err.message_en}}
        return err.code, err.status, err.message_zh, err.message_en
    return None


def test_the_fairs_own_staff_may_do_and_see_everything():
    for staff in (FAIR_STAFF, HANDLER):
        assert is_operator(staff) is True
        assert answer(require_operator, staff) is None
        assert answer(require_reader, staff) is None


def test_an_admin_of_the_community_may_read_but_not_change():
    # an admin is an admin whatever program the account names
    for admin in (ADMIN, make_staff("admin", program_id="job_fair")):
        assert is_operator(admin) is False
        assert answer(require_reader, admin) is None
        assert answer(require_operator, admin) == MAY_NOT_DO


@pytest.mark.parametrize("who", sorted(OTHERS))
def test_anyone_else_may_neither_do_nor_see(who):
    staff = OTHERS[who]
    assert is_operator(staff) is False
    assert answer(require_operator, staff) == MAY_NOT_DO
    assert answer(require_reader, staff) == MAY_NOT_SEE


def test_nobody_logged_in_is_asked_to_log_in_first():
    assert is_operator(None) is False
    assert is_operator({}) is False
    assert answer(require_operator, None) == LOG_IN
    assert answer(require_reader, None) == LOG_IN


def test_a_refusal_changes_nothing(tx):
    verified_employer(tx)
    with refused(tx, "not_program_staff", status=403, zh=MAY_NOT_DO[2]):
        require_operator(ADMIN)
    with refused(tx, "not_program_staff", status=403, en=MAY_NOT_SEE[3]):
        require_reader(OTHERS["receptionist"])
    with refused(tx, "unauthenticated", status=401):
        require_reader(None)
