"""The cases intake hands sms_broadcast (a request for a notice, a subscription matter): received,
chased, recalled (the kit's case rules), then resolved or returned by staff."""
from datetime import datetime

from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import Conflict, NotFound, Staff, actor_name
from minzi.store import Transaction

from ..models import ProgramCase
from .access import PROGRAM_ID
from .changes import record


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A case from intake (``case.dispatched``); returns the report to send back."""
    program_cases.keep(tx.session, ProgramCase, data, now)
    return {"status": "accepted", "note": "已收到，正在办理"}


def chased(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake's reminder (level 1) or escalation (level 2) for an overdue case."""
    program_cases.count_chase(tx.session, ProgramCase, notice, now)


def recalled(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake took the case back (transferred, closed, a duplicate): stop working it."""
    program_cases.recall(tx.session, ProgramCase, notice, now)


def get_case(session: Session, case_id: int, staff: Staff) -> ProgramCase:
    """A case of the staff member's own community; another community's is not found."""
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != staff["community"]:
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的诉求", f"No case {case_id}",
                       field="case_id")
    return case


def finish(tx: Transaction, staff: Staff, case_id: int, now: datetime, *, resolved: bool,
           text: str, reply: str | None = None) -> ProgramCase:
    """Resolve (with a result) or return (with why) an open case; the report goes to intake in
    the same transaction."""
    case = get_case(tx.session, case_id, staff)
    if case.state != "received":
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")
    case.state = "resolved" if resolved else "returned"
    case.result = text
    case.handled_by = actor_name(staff)
    case.updated_at = now
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": actor_name(staff)}
    if resolved:
        report.update(status="resolved", result=text, reply=reply)
    else:
        report.update(status="returned", note=text)
    tx.publish("case.reported", report, community=case.community)
    record(tx.session, case.community, actor_name(staff),
           "case_resolved" if resolved else "case_returned", "case", case.case_id, text, now)
    return case
