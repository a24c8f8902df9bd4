"""Who may work sms_broadcast: its own staff and admins operate; any of the station's staff may
look at the grid, the broadcasts and the figures, with residents' phones masked (the router keeps
out the ops account, which is for the ops pages only)."""
from minzi.api import Forbidden, Staff
from minzi.logs import mask_phone

PROGRAM_ID = "sms_broadcast"
OPERATOR_ROLES = ("program_staff", "handler")


def is_operator(staff: Staff | None) -> bool:
    return bool(staff) and (staff.get("role") == "admin" or (
        staff.get("role") in OPERATOR_ROLES and staff.get("program_id") == PROGRAM_ID))


def require_staff(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def require_operator(staff: Staff | None) -> None:
    """The program's own staff, or an admin, of the community in question."""
    require_staff(staff)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有本项目工作人员可以操作",
                        "Only this program's staff may do this")


def shown_phone(phone: str | None, staff: Staff | None) -> str | None:
    """A phone in full for the program's operators, masked for anyone else."""
    return phone if is_operator(staff) else mask_phone(phone)
