"""The cases intake hands the agency program (a resident's matter): received, chased,
recalled, and finding one; what the agent does with a matter is in ``matters``."""
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import NotFound, Staff
from minzi.envelope import isoformat
from minzi.store import Transaction

from ..models import ProgramCase
from .catalogue import ITEMS

INTAKE = "intake"


def record(case: ProgramCase, by: str, action: str, now: datetime, note: str | None = None,
           **detail: object) -> None:
    """Every change on the matter's own record: who, when, what."""
    case.updated_at = now
    case.history = [*(case.history or []), {"at": isoformat(now), "by": by, "action": action,
                                            "note": note, **detail}]


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A case from intake (``case.dispatched``); returns the report to send back. The matter is
    kept with the resident's phone (to find their earlier matters) and is due the item's own
    time limit after it arrived. A case sent again after a recall is open again, where it was."""
    case = program_cases.keep(tx.session, ProgramCase, data, now)
    case.phone = (case.resident or {}).get("phone") or None
    if case.due_at is None:
        case.due_at = now + timedelta(hours=ITEMS[case.service_code].time_limit_hours)
    case.steps_done = case.steps_done or []
    case.documents = case.documents or {}
    record(case, INTAKE, "received", now, data.get("note"))
    return {"status": "accepted",
            "note": f"全程代理已收到（{ITEMS[case.service_code].zh}），将由一名代理员全程代办"}


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


def get_case(session: Session, case_id: int, staff: Staff) -> ProgramCase:
    """A matter of the caller's own community; another community's is not found."""
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != staff["community"]:
        raise NotFound("matter_not_found", f"没有编号为 {case_id} 的代理事项",
                       f"No matter {case_id}", field="case_id")
    return case
