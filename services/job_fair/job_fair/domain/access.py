"""Who may do what in the job fair.

* The job fair's own staff (``program_staff`` / ``handler`` of ``job_fair``) run it: employers,
  fairs, positions, applicants, check-in, cases. Employers have no accounts: staff act on an
  employer's behalf (posting its positions, recording its interviews and hires, withdrawing its
  applications), and the record names both the staff member and the employer.
* An admin of the community may read everything, with applicants' personal data masked (an
  admin keeps accounts; the fair's staff need the data, the admin does not).
* The public reads the fairs, the open positions of verified employers and the figures.
Everyone works in their own community."""
from minzi.api import Forbidden, Staff

PROGRAM_ID = "job_fair"
OPERATOR_ROLES = ("program_staff", "handler")
READER_ROLES = (*OPERATOR_ROLES, "admin")


def is_operator(staff: Staff | None) -> bool:
    return bool(staff) and staff.get("role") in OPERATOR_ROLES \
        and staff.get("program_id") == PROGRAM_ID


def _logged_in(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def require_operator(staff: Staff | None) -> None:
    """The fair's own staff: they change things and see personal data in full."""
    _logged_in(staff)
    if not is_operator(staff):
        raise Forbidden("not_program_staff", "只有社区招聘会的工作人员可以办理",
                        "Only the job fair's staff may do this")


def require_reader(staff: Staff | None) -> None:
    """The fair's own staff, or an admin of the community (who sees personal data masked)."""
    _logged_in(staff)
    if not (is_operator(staff) or staff.get("role") == "admin"):
        raise Forbidden("not_program_staff", "只有社区招聘会的工作人员可以查看",
                        "Only the job fair's staff may see this")
