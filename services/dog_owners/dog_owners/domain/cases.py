"""The cases intake hands dog_owners: received, chased, recalled, then resolved or returned."""
from datetime import datetime

from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import Conflict, NotFound, Staff, actor_name
from minzi.envelope import isoformat
from minzi.store import Transaction

from ..models import ProgramCase
from .access import PROGRAM_ID

INTAKE = "intake"


def record(case: ProgramCase, by: str, action: str, now: datetime, note: str | None = None) -> None:
    """Every change on the case's own record: who, when, what."""
    case.updated_at = now
    case.history = [*(case.history or []), {"at": isoformat(now), "by": by,
                                            "action": action, "note": note}]


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A case from intake (``case.dispatched``); returns the report to send back."""
    case = program_cases.keep(tx.session, ProgramCase, data, now)
    record(case, INTAKE, "received", now, data.get("note"))
    return {"status": "accepted", "note": "已收到，正在办理"}


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
    """A case of the staff member's own community; another community's is not found."""
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != staff["community"]:
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的诉求", f"No case {case_id}",
                       field="case_id")
    return case


def finish(case: ProgramCase, staff: Staff, now: datetime, *, resolved: bool, text: str,
           reply: str | None = None) -> dict:
    """Resolve (with a result) or return (with why) a case; returns the report for intake."""
    if case.state != "received":
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")
    case.state = "resolved" if resolved else "returned"
    case.result = text
    case.handled_by = actor_name(staff)
    record(case, actor_name(staff), case.state, now, text)
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": actor_name(staff)}
    if resolved:
        return {**report, "status": "resolved", "result": text, "reply": reply}
    return {**report, "status": "returned", "note": text}
