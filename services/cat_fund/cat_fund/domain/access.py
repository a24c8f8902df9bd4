"""Who may do what in the fund.

Any station staff may read the fund's books and its cats' records; only the fund's own people
(its program staff and handlers, and admins) move money, keep the records and work cases. The
station head may also read the cases. Everyone works in their own community.
"""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "cat_fund"
PROGRAM_NAME = ("流浪猫爱心基金会", "Stray-cat charity fund")
OPERATOR_ROLES = ("program_staff", "handler")
STAFF_ROLES = ("receptionist", "handler", "station_head", "program_staff", "admin")


def is_operator(staff: Staff | None) -> bool:
    """Fund operators: the program's own staff and handlers, and admins."""
    if not staff:
        return False
    if staff.get("role") == "admin":
        return True
    return staff.get("role") in OPERATOR_ROLES and staff.get("program_id") == PROGRAM_ID


def require_operator(staff: Staff | None) -> None:
    if not is_operator(staff):
        raise Forbidden("not_fund_operator", "只有流浪猫爱心基金会的工作人员可以进行此操作",
                        "Only the stray-cat fund's staff may do this")


def require_case_reader(staff: Staff | None) -> None:
    """The fund's operators, and the station head, who follows every case of the station."""
    if (staff or {}).get("role") != "station_head":
        require_operator(staff)


def own_community(staff: Staff | None) -> str:
    """The community whose fund the staff member works with. Unlike ``minzi.api.community_of``
    there is no ``?community=`` and no default: the fund's books are only ever read and kept by
    staff of their own community, and an account with none is refused."""
    community = (staff or {}).get("community")
    if not community:
        raise Forbidden("no_community", "您的账号未归属任何社区",
                        "Your account belongs to no community")
    return community
