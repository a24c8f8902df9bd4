"""Who may do what in the volunteer grid.

* The grid's own staff (``program_staff`` / ``handler`` of ``volunteer_grid``) run it: the grid,
  volunteers, posts, duties and hours, cases; they see volunteers' and residents' phones.
* An admin of the community reads everything, phones masked.
* The public reads the names of the zone and building heads (no phones).
Everyone works in their own community; another community's records are not found."""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "volunteer_grid"
OPERATOR_ROLES = ("program_staff", "handler")
READER_ROLES = (*OPERATOR_ROLES, "admin")


def is_operator(staff: Staff | None) -> bool:
    return bool(staff) and staff.get("role") in OPERATOR_ROLES \
        and staff.get("program_id") == PROGRAM_ID


def _logged_in(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def require_operator(staff: Staff | None) -> None:
    """The grid's own staff: they change things and see phones in full."""
    _logged_in(staff)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有志愿者网格的工作人员可以办理",
                        "Only the volunteer grid's staff may do this")


def require_reader(staff: Staff | None) -> None:
    """The grid's staff, or an admin of the community."""
    _logged_in(staff)
    if not (is_operator(staff) or staff.get("role") == "admin"):
        raise Forbidden("not_program_staff", "只有志愿者网格的工作人员可以查看",
                        "Only the volunteer grid's staff may see this")
