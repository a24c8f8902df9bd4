"""Who may do what in the dog-owners' association.

* The association's own staff (``program_staff`` / ``handler`` of ``dog_owners``) run it:
  settings, pledge versions, members and their dogs, officers, reminders, complaints; they see
  members' and residents' phones in full.
* An admin of the community reads everything, phones masked.
* The public reads the pledge (《彩虹城社区养犬人文明公约》).
Everyone works in their own community."""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "dog_owners"
OPERATOR_ROLES = ("program_staff", "handler")
READER_ROLES = (*OPERATOR_ROLES, "admin")


def is_operator(staff: Staff | None) -> bool:
    return bool(staff) and staff.get("role") in OPERATOR_ROLES \
        and staff.get("program_id") == PROGRAM_ID


def _logged_in(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def require_operator(staff: Staff | None) -> None:
    """The association's own staff: they change things and see phones in full."""
    _logged_in(staff)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有养犬自律协会的工作人员可以办理",
                        "Only the dog-owners' association's staff may do this")


def require_reader(staff: Staff | None) -> None:
    """The association's staff, or an admin of the community."""
    _logged_in(staff)
    if not (is_operator(staff) or staff.get("role") == "admin"):
        raise Forbidden("not_program_staff", "只有养犬自律协会的工作人员可以查看",
                        "Only the dog-owners' association's staff may see this")
