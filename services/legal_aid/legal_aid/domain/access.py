"""Who may do what at the legal-aid home.

* the public (no login; here also another program's staff and ops): lecture listings,
  registering for a lecture and cancelling with the code they were given, the consultation
  days' free slots, the figures;
* the station's front desk (receptionist, station_head): book a resident into a consultation day,
  cancel a booking; they see residents' phone numbers masked;
* the program's operators (program_staff / handler of ``legal_aid``, and admin): everything,
  including residents' personal data.

Whoever is logged in works in their own community: another community's record is not found.
"""
from typing import Literal

from minzi.api import Forbidden, Staff

from .codes import PROGRAM_ID

OPERATOR_ROLES = ("program_staff", "handler", "admin")
DESK_ROLES = (*OPERATOR_ROLES, "receptionist", "station_head")

Level = Literal["operator", "desk", "public"]


def is_operator(staff: Staff | None) -> bool:
    """An admin, or the program's own staff."""
    staff = staff or {}
    role = staff.get("role")
    return role == "admin" or (role in ("program_staff", "handler")
                               and staff.get("program_id") == PROGRAM_ID)


def is_desk(staff: Staff | None) -> bool:
    """The program's operators or the station's front desk."""
    return is_operator(staff) or (staff or {}).get("role") in ("receptionist", "station_head")


def require_operator(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有普法互助家园的工作人员可以这样做",
                        "Only the legal-aid home's staff may do this")


def require_desk(staff: Staff | None) -> None:
    """The station's front desk or the program's operators; another program's staff are not."""
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)
    if not is_desk(staff):
        raise Forbidden("not_desk", "只有服务站前台和普法互助家园的工作人员可以这样做",
                        "Only the station's front desk and the legal-aid home's staff may do this")


def level(staff: Staff | None) -> Level:
    """How much of a booking the person sees: in full, masked, or only that the slot is taken."""
    return "operator" if is_operator(staff) else ("desk" if is_desk(staff) else "public")
