"""Who acts on a case, what their role lets them do, and who may read a resident's details."""
from dataclasses import dataclass, field

from minzi.api import Forbidden, Staff, actor_name

from ..models import Case

MANAGERS = ("station_head", "admin")


@dataclass
class Actor:
    """Who does something: a staff member (``staff``), or a resident (by tracking code), a
    program, the system. ``label`` is how the case's record names them: a staff member as every
    record of the suite does (``minzi.api.actor_name``)."""
    label: str
    staff: Staff | None = field(default=None, kw_only=True)

    @classmethod
    def of_staff(cls, staff: Staff) -> "Actor":
        return cls(actor_name(staff), staff=staff)

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


# Who may do what to a case, in one place. A case's people:
#   "owner"        its first-inquiry owner (首问责任人), or any window staff while nobody owns it
#                  (whoever takes it up becomes its owner);
#   "program"      staff of the program the case is with;
#   "station_head" the station head; "manager" the station head or the admin.
CASE_ACTIONS: dict[str, frozenset[str]] = {
    "transfer": frozenset({"owner", "manager", "program"}),   # the program: "not ours, theirs"
    "chase": frozenset({"owner", "manager"}),
    "resolve": frozenset({"owner", "manager", "program"}),
    "reply": frozenset({"owner", "manager"}),
    "follow_up": frozenset({"owner", "manager"}),
    "reopen": frozenset({"owner", "manager"}),
    "duplicate": frozenset({"owner", "manager"}),
    "out_of_scope": frozenset({"owner", "station_head"}),
    "accept_on_behalf": frozenset({"owner", "manager"}),
}
# Who reads a resident's phone and contact in full (not an action: taking a case up does not
# come with it, and a case nobody owns yet has no owner to show it to).
SEE_RESIDENT = frozenset({"owner", "program", "station_head"})
WINDOW = ("receptionist", "station_head", "admin")


def people_of(case: Case, staff: Staff | None) -> set[str]:
    """What the staff member is to ``case``."""
    if staff is None:
        return set()
    found = set()
    if case.owner_id == staff["id"] or (case.owner_id is None and staff["role"] in WINDOW):
        found.add("owner")
    if case.program_id is not None and staff.get("program_id") == case.program_id and \
            staff["role"] in ("handler", "program_staff"):
        found.add("program")
    if staff["role"] in MANAGERS:
        found.add("manager")
    if staff["role"] == "station_head":
        found.add("station_head")
    return found


def may(actor: Actor, action: str, case: Case) -> bool:
    return bool(CASE_ACTIONS[action] & people_of(case, actor.staff))


def require_may(actor: Actor, action: str, case: Case) -> None:
    require_staff(actor)
    if not may(actor, action, case):
        raise Forbidden("not_yours", "这件诉求不由您办理此项操作",
                        "This action on this case is not yours to take")


def can_see_personal_data(case: Case, staff: Staff | None) -> bool:
    """A resident's phone and contact in full: the case's owner, the staff of the program
    handling it, and the station head, who answers for every case of the station. Everyone else
    (another receptionist, the admin, who keeps accounts, not cases) sees the phone masked. A case
    nobody owns yet is shown masked to the window until someone takes it up and so owns it."""
    people = people_of(case, staff)
    if case.owner_id is None:
        people.discard("owner")
    return bool(SEE_RESIDENT & people)
