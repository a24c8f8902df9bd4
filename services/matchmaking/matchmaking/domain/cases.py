"""The cases intake hands the studio: received, chased, recalled, then resolved or returned."""
from datetime import datetime

from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import INTAKE, Conflict, NotFound, Staff, actor_name
from minzi.store import Transaction

from ..models import ProgramCase
from .access import PROGRAM_ID
from .activity import record


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A case from intake (``case.dispatched``); returns the report to send back."""
    case = program_cases.keep(tx.session, ProgramCase, data, now)
    record(tx, case.community, "case", case.case_id, "received", INTAKE, now,
           service_code=case.service_code)
    return {"status": "accepted", "note": "红娘工作室已收到，将尽快与您联系"}


def chased(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake's reminder (level 1) or escalation (level 2) for an overdue case."""
    case = program_cases.count_chase(tx.session, ProgramCase, notice, now)
    if case is not None:
        record(tx, case.community, "case", case.case_id, "chased", INTAKE, now,
               level=notice.get("level"), note=notice.get("note"))


def recalled(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake took the case back (transferred, closed, a duplicate): stop working it."""
    case = program_cases.recall(tx.session, ProgramCase, notice, now)
    if case is not None:
        record(tx, case.community, "case", case.case_id, "recalled", INTAKE, now,
               note=notice.get("note"))


def get_case(session: Session, case_id: int, community: str) -> ProgramCase:
    """A case of ``community``; another community's is not found."""
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != community:
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的诉求", f"No case {case_id}",
                       field="case_id")
    return case


def finish(tx: Transaction, community: str, case_id: int, who: Staff, now: datetime, *,
           resolved: bool, text: str, reply: str | None = None) -> ProgramCase:
    """Resolve (with a result) or return (with why) a case; the report goes to intake in the same
    transaction."""
    case = get_case(tx.session, case_id, community)
    if case.state != "received":
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")
    case.state = "resolved" if resolved else "returned"
    case.result = text
    case.handled_by = actor_name(who)
    case.updated_at = now
    record(tx, community, "case", case.case_id, case.state, who, now, text=text)
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": actor_name(who)}
    if resolved:
        report = {**report, "status": "resolved", "result": text, "reply": reply}
    else:
        report = {**report, "status": "returned", "note": text}
    tx.publish("case.reported", report, community=case.community)
    return case
