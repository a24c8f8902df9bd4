"""Who may do what at the neighbourhood doctor's.

* Medical data — a health record's conditions, allergies, readings and visit notes, the record
  list itself, a house call's visit note — is read and written only by a registered doctor: a
  staff account of the program (``program_staff`` / ``handler`` of ``doctor``) whose username is
  on the program's own list of doctors of the community (``doctors``), still active.
* The program's other staff (a clerk arranging clinic days) plan clinics, sign residents up,
  record attendance, and see the house calls' requests; they see names and sign-ups, never
  conditions, readings or notes.
* An admin of the community, and the program's staff, keep the list of doctors and read the
  figures (counts only). The station's other roles see nothing; another program's staff
  neither.
* The public reads the doctor's card: name, phone, pledge, the clinic days to come.
Everyone works in their own community: another community's record is not found.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Forbidden, Staff

from ..models import Doctor

PROGRAM_ID = "doctor"
OPERATOR_ROLES = ("program_staff", "handler")
MANAGER_ROLES = (*OPERATOR_ROLES, "admin")


def is_program_staff(staff: Staff | None) -> bool:
    return bool(staff) and staff.get("role") in OPERATOR_ROLES \
        and staff.get("program_id") == PROGRAM_ID


def _logged_in(staff: Staff | None) -> None:
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)


def require_program_staff(staff: Staff | None) -> None:
    """The program's own staff: doctors and clerks."""
    _logged_in(staff)
    if not is_program_staff(staff):
        raise Forbidden("not_program_staff", "只有片儿医项目的工作人员可以办理",
                        "Only the neighbourhood doctor's staff may do this")


def require_admin(staff: Staff | None) -> None:
    """Who is a doctor is the community admin's to say: medical data opens to whoever is on
    the list, so no one of the program's staff puts anyone on it, themselves least of all."""
    _logged_in(staff)
    if staff.get("role") != "admin":
        raise Forbidden("not_admin", "只有社区管理员可以登记或停用片儿医",
                        "Only the community's admin may register or take off a doctor")


def require_manager(staff: Staff | None) -> None:
    """The program's staff, or an admin of the community (the list of doctors, the figures)."""
    _logged_in(staff)
    if not (is_program_staff(staff) or staff.get("role") == "admin"):
        raise Forbidden("not_program_staff", "只有片儿医项目的工作人员和管理员可以办理",
                        "Only the neighbourhood doctor's staff and admins may do this")


def doctor_of(session: Session, staff: Staff | None) -> Doctor | None:
    """The caller's entry on the list of doctors of their community, when they are the
    program's staff and the entry is active; else None."""
    if not is_program_staff(staff) or not staff.get("username"):
        return None
    return session.scalar(select(Doctor).where(
        Doctor.community == staff.get("community"), Doctor.username == staff["username"],
        Doctor.active.is_(True)))


def is_doctor(session: Session, staff: Staff | None) -> bool:
    return doctor_of(session, staff) is not None


def require_doctor(session: Session, staff: Staff | None) -> Doctor:
    """A registered doctor of the caller's community: only they touch medical data."""
    _logged_in(staff)
    doctor = doctor_of(session, staff)
    if doctor is None:
        raise Forbidden("not_doctor", "只有登记在册的片儿医可以查看或填写健康档案和诊疗记录",
                        "Only a registered doctor may read or write health records and "
                        "medical notes")
    return doctor
