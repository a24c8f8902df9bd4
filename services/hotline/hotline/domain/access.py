"""Who may do what in the hotline.

* The hotline's own staff (``program_staff`` / ``handler`` of ``hotline``) run it: merchants
  (register, check the licence, sign, suspend, reinstate), complaints, the cases and their
  jobs, the doors the card is posted at. They see residents' details in full.
* An admin of the community reads everything, residents' details masked.
* The public reads the guide card (``GET /card``).
Everyone works in their own community: another community's records are not found."""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "hotline"
OPERATOR_ROLES = ("program_staff", "handler")
READER_ROLES = (*OPERATOR_ROLES, "admin")


def is_operator(staff: Staff | None) -> bool:
    return bool(staff) and staff.get("role") in OPERATOR_ROLES \
        and staff.get("program_id") == PROGRAM_ID


def _logged_in(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def require_operator(staff: Staff | None) -> None:
    """The hotline's own staff: they change things and see residents' details in full."""
    _logged_in(staff)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有便民服务热线的工作人员可以办理",
                        "Only the hotline's staff may do this")


def require_reader(staff: Staff | None) -> None:
    """The hotline's staff, or an admin of the community."""
    _logged_in(staff)
    if not (is_operator(staff) or staff.get("role") == "admin"):
        raise Forbidden("not_program_staff", "只有便民服务热线的工作人员可以查看",
                        "Only the hotline's staff may see this")
