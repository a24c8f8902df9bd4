"""Who may do what in co-building.

* Co-building's own staff (``program_staff`` / ``handler`` of ``co_building``) run it: units,
  agreements, commitments, issues, meetings, the fund.
* An admin of the community reads everything, residents' details masked.
* A member unit's own contact (role ``member_unit``, given by an admin to an intake account with
  ``program_id`` co_building) sees and updates only what is their unit's: the unit, its
  commitments (reporting a deed done, with evidence) and the issues assigned to it (progress).
  Staff link the unit to the account by its username (``contact_username``); another unit's
  records of the community are refused (403), another community's are not found (404).
* The public reads the fund's report.
Everyone works in their own community."""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "co_building"
OPERATOR_ROLES = ("program_staff", "handler")
READER_ROLES = (*OPERATOR_ROLES, "admin")
MEMBER_ROLE = "member_unit"


def is_operator(staff: Staff | None) -> bool:
    return bool(staff) and staff.get("role") in OPERATOR_ROLES \
        and staff.get("program_id") == PROGRAM_ID


def is_member(staff: Staff | None) -> bool:
    return bool(staff) and staff.get("role") == MEMBER_ROLE \
        and staff.get("program_id") == PROGRAM_ID


def _logged_in(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def require_operator(staff: Staff | None) -> None:
    """Co-building's own staff: they change things and see residents' details in full."""
    _logged_in(staff)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有共驻共建的工作人员可以办理",
                        "Only co-building's staff may do this")


def require_reader(staff: Staff | None) -> None:
    """Co-building's staff, or an admin of the community."""
    _logged_in(staff)
    if not (is_operator(staff) or staff.get("role") == "admin"):
        raise Forbidden("not_program_staff", "只有共驻共建的工作人员可以查看",
                        "Only co-building's staff may see this")


def require_member(staff: Staff | None) -> None:
    """A member unit's contact of co-building."""
    _logged_in(staff)
    if not is_member(staff):
        raise Forbidden("not_member_unit", "只有共建单位联系人可以查看",
                        "Only a member unit's contact may see this")


def require_reader_or_member(staff: Staff | None) -> None:
    """Staff and admins, or a member unit's contact (who then reaches only their unit's
    records, ``require_unit_contact``)."""
    _logged_in(staff)
    if not (is_operator(staff) or is_member(staff) or staff.get("role") == "admin"):
        raise Forbidden("not_program_staff", "只有共驻共建的工作人员和共建单位联系人可以查看",
                        "Only co-building's staff and member units' contacts may see this")


def require_staff_or_member(staff: Staff | None) -> None:
    """Co-building's staff, or a member unit's contact (for their own unit's records)."""
    _logged_in(staff)
    if not (is_operator(staff) or is_member(staff)):
        raise Forbidden("not_program_staff", "只有共驻共建的工作人员和共建单位联系人可以办理",
                        "Only co-building's staff and member units' contacts may do this")


def is_contact_of(staff: Staff | None, unit_id: int | None, contact_username: str | None) -> bool:
    return is_member(staff) and unit_id is not None and bool(contact_username) \
        and contact_username == staff.get("username")


def require_unit_contact(staff: Staff, unit_id: int | None,
                         contact_username: str | None) -> None:
    """A member unit's contact reaches only their own unit's records (a record of the community
    found first: another community's is not found, as for everyone). Staff and admins pass."""
    if is_member(staff) and not is_contact_of(staff, unit_id, contact_username):
        raise Forbidden("not_your_unit", "这不是您所在共建单位的记录",
                        "This is not your member unit's record")
