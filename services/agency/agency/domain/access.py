"""Who may do what in the agency program.

* The program's agents (``program_staff`` / ``handler`` of ``agency``) take matters and work
  them; only the agent who owns a matter moves it (documents, steps, hand-off, resolve, return).
  They see the resident's phone and ID number in full.
* An admin of the community reads everything, the resident's details masked.
* Anyone reads the items catalogue (what to bring, the steps).
Everyone works in their own community."""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "agency"
OPERATOR_ROLES = ("program_staff", "handler")
READER_ROLES = (*OPERATOR_ROLES, "admin")


def is_operator(staff: Staff | None) -> bool:
    return bool(staff) and staff.get("role") in OPERATOR_ROLES \
        and staff.get("program_id") == PROGRAM_ID


def _logged_in(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def require_operator(staff: Staff | None) -> None:
    """An agent of the program."""
    _logged_in(staff)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有全程代理的代理员可以办理",
                        "Only the agency's agents may do this")


def require_reader(staff: Staff | None) -> None:
    """An agent, or an admin of the community."""
    _logged_in(staff)
    if not (is_operator(staff) or staff.get("role") == "admin"):
        raise Forbidden("not_program_staff", "只有全程代理的代理员可以查看",
                        "Only the agency's agents may see this")
