"""Who may see members' data: the studio's own staff and admins, of their own community."""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "matchmaking"
OPERATOR_ROLES = ("program_staff", "handler")
STAFF_ROLES = (*OPERATOR_ROLES, "admin")


def is_operator(staff: Staff | None) -> bool:
    """The studio's own staff (program_staff / handler of matchmaking) or an admin."""
    if not staff:
        return False
    role = staff.get("role")
    return role == "admin" or (role in OPERATOR_ROLES and staff.get("program_id") == PROGRAM_ID)


def require_operator(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有红娘工作室的工作人员可以查看和办理",
                        "Only the matchmaking studio's staff may see or do this")
    if not staff.get("community"):
        raise Forbidden("no_community", "您的账号没有所属社区", "Your account has no community")
