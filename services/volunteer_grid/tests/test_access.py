"""Who may run the volunteer grid and who may only read it, said in the grid's own words: its
own staff change things and see phones; the community's admin reads; nobody else does."""
from minzi.testing import make_staff

from volunteer_grid.domain import access

from .conftest import ADMIN, STAFF, refused

HANDLER = make_staff("handler", program_id="volunteer_grid", username="zhao", name="赵干事")
OTHERS = (make_staff("program_staff", program_id="cat_fund"),
          make_staff("handler", program_id="sms_broadcast"), make_staff("station_head"),
          make_staff("receptionist"), make_staff("ops"))


def test_the_grids_own_staff_run_it(tx):
    for staff in (STAFF, HANDLER):
        assert access.is_operator(staff)
        access.require_operator(staff)
        access.require_reader(staff)


def test_an_admin_reads_the_grid_but_does_not_run_it(tx):
    access.require_reader(ADMIN)
    assert not access.is_operator(ADMIN)
    with refused(tx, "not_program_staff", status=403, zh="只有志愿者网格的工作人员可以办理",
                 en="Only the volunteer grid's staff may do this"):
        access.require_operator(ADMIN)


def test_anyone_else_neither_runs_nor_reads_it(tx):
    for staff in OTHERS:
        assert not access.is_operator(staff)
        with refused(tx, "not_program_staff", status=403):
            access.require_operator(staff)
        with refused(tx, "not_program_staff", status=403, zh="只有志愿者网格的工作人员可以查看",
                     en="Only the volunteer grid's staff may see this"):
            access.require_reader(staff)


def test_the_public_is_asked_to_log_in(tx):
    assert not access.is_operator(None)
    for rule in (access.require_operator, access.require_reader):
        with refused(tx, "unauthenticated", status=401, zh="请先登录", en="Log in first"):
            rule(None)
