"""Who may do what at the flea market.

* The flea market's own staff (``program_staff`` / ``handler`` of ``flea_market``) run it:
  markets, stalls, sales and the money handed over, cases from intake.
* An admin of the community reads everything, residents' phones masked.
* The public reads the charity sales' report.
Everyone works in their own community."""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "flea_market"
OPERATOR_ROLES = ("program_staff", "handler")
READER_ROLES = (*OPERATOR_ROLES, "admin")


def is_operator(staff: Staff | None) -> bool:
    return bool(staff) and staff.get("role") in OPERATOR_ROLES \
        and staff.get("program_id") == PROGRAM_ID


def _logged_in(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def require_operator(staff: Staff | None) -> None:
    """The flea market's own staff: they change things and see residents' phones in full."""
    _logged_in(staff)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有跳蚤市场的工作人员可以办理",
                        "Only the flea market's staff may do this")


def require_reader(staff: Staff | None) -> None:
    """The flea market's staff, or an admin of the community."""
    _logged_in(staff)
    if not (is_operator(staff) or staff.get("role") == "admin"):
        raise Forbidden("not_program_staff", "只有跳蚤市场的工作人员可以查看",
                        "Only the flea market's staff may see this")
