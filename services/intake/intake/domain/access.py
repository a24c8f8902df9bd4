"""Who acts on a case, what their role lets them do, and who may read a resident's details."""
from dataclasses import dataclass, field

from minzi.api import Forbidden, Staff, actor_name
from minzi.i18n import label

from ..models import Case
from .labels import ROLE_LABELS

MANAGERS = ("station_head", "admin")
SEE_EVERY_RESIDENT = ("receptionist", "station_head", "admin")


@dataclass
class Actor:
    """Who does something: a staff member (``staff``), or a resident (by tracking code), a
    program, the system. ``label`` is how the case's record names them."""
    label: str
    staff: Staff | None = field(default=None, kw_only=True)

    @classmethod
    def of_staff(cls, staff: Staff) -> "Actor":
        return cls(f"{actor_name(staff)}（{label(ROLE_LABELS, staff['role'])}）", staff=staff)

    @property
    def staff_id(self) -> int | None:
        return self.staff["id"] if self.staff else None

    @property
    def role(self) -> str | None:
        return self.staff["role"] if self.staff else None

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS


SYSTEM = Actor("系统")
RESIDENT = Actor("居民")


def require_staff(actor: Actor, *roles: str) -> None:
    """Staff only (of these roles, when given)."""
    if actor.staff is None or (roles and actor.role not in roles):
        raise Forbidden("forbidden", "您的角色无权进行此操作", "Your role may not do this")


def can_see_personal_data(case: Case, staff: Staff | None) -> bool:
    """A resident's phone and contact in full: the window's receptionists and managers, the case's
    owner, and the staff of the program handling it. Everyone else sees the phone masked."""
    if staff is None:
        return False
    if staff["role"] in SEE_EVERY_RESIDENT or case.owner_id == staff["id"]:
        return True
    return case.program_id is not None and staff.get("program_id") == case.program_id
