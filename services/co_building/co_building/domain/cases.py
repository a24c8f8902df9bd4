"""The cases intake hands co-building (a resident's issue): received, chased, recalled; what
co-building does with them is in ``issues``."""
from datetime import datetime

from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import NotFound, Staff
from minzi.envelope import isoformat
from minzi.store import Transaction

from ..models import ProgramCase, Unit
from .access import is_member, require_unit_contact

INTAKE = "intake"


def record(case: ProgramCase, by: str, action: str, now: datetime, note: str | None = None,
           **detail: object) -> None:
    """Every change on the issue's own record: who, when, what."""
    case.updated_at = now
    case.history = [*(case.history or []), {"at": isoformat(now), "by": by, "action": action,
                                            "note": note, **detail}]


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A case from intake (``case.dispatched``); returns the report to send back. A case sent
    again after a recall is open again, and sorted again."""
    case = program_cases.keep(tx.session, ProgramCase, data, now)
    case.address = data.get("address")
    case.reminders = case.reminders or 0
    record(case, INTAKE, "received", now, data.get("note"))
    return {"status": "accepted", "note": "共驻共建已收到，将分类并交责任单位办理"}


def chased(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake's reminder (level 1) or escalation (level 2) for an overdue case."""
    case = program_cases.count_chase(tx.session, ProgramCase, notice, now)
    if case is not None:
        record(case, INTAKE, "chased" if notice["level"] < 2 else "escalated", now,
               notice.get("note"))


def recalled(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake took the case back (transferred, closed, a duplicate): stop working it."""
    case = program_cases.recall(tx.session, ProgramCase, notice, now)
    if case is not None:
        record(case, INTAKE, "recalled", now, notice.get("note"))


def case_not_found(case_id: int) -> NotFound:
    return NotFound("case_not_found", f"没有编号为 {case_id} 的诉求", f"No case {case_id}",
                    field="case_id")


def get_case(session: Session, case_id: int, staff: Staff) -> ProgramCase:
    """An issue of the caller's own community; another community's is not found. A member
    unit's contact reaches only the issues assigned to their unit."""
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != staff["community"]:
        raise case_not_found(case_id)
    if is_member(staff):
        unit = session.get(Unit, case.unit_id) if case.unit_id else None
        require_unit_contact(staff, case.unit_id, unit.contact_username if unit else None)
    return case
