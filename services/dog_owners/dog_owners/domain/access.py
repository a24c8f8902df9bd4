"""Who may work dog_owners's cases."""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "dog_owners"
OPERATOR_ROLES = ("program_staff", "handler")


def require_operator(staff: Staff | None) -> None:
    """The program's own staff, or an admin (the community is checked where a case is read)."""
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)
    if staff["role"] == "admin" or (staff["role"] in OPERATOR_ROLES
                                    and staff.get("program_id") == PROGRAM_ID):
        return
    raise Forbidden("not_program_staff", "只有本项目工作人员可以操作", "Only this program's staff")
