"""The cases intake hands the hotline (a resident's call): received, chased, recalled; routed
as jobs to merchants (``jobs``); then resolved with a reply for the resident, or returned with
where else to turn."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import Conflict, NotFound, Staff, actor_name
from minzi.envelope import isoformat
from minzi.program_cases import RECEIVED
from minzi.store import Transaction

from ..models import Job, ProgramCase
from .access import PROGRAM_ID

INTAKE = "intake"
OPEN_JOB_STATES = ("routed", "accepted", "came")     # a merchant is on it
ACCEPTED_NOTE = "便民服务热线已收到，正在为您联系签约商户"


def record(case: ProgramCase, by: str, action: str, now: datetime, note: str | None = None,
           **detail: object) -> None:
    """Every change on the case's own record: who, when, what."""
    case.updated_at = now
    case.history = [*(case.history or []), {"at": isoformat(now), "by": by, "action": action,
                                            "note": note, **detail}]


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A case from intake (``case.dispatched``); returns the report to send back. A case sent
    again after a recall is open again, and routed again."""
    case = program_cases.keep(tx.session, ProgramCase, data, now)
    case.address = data.get("address")
    record(case, INTAKE, "received", now, data.get("note"))
    return {"status": "accepted", "note": ACCEPTED_NOTE}


def chased(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake's reminder (level 1) or escalation (level 2) for an overdue case."""
    case = program_cases.count_chase(tx.session, ProgramCase, notice, now)
    if case is not None:
        record(case, INTAKE, "chased" if notice["level"] < 2 else "escalated", now,
               notice.get("note"))


def recalled(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake took the case back (transferred, closed, a duplicate): stop working it. A job a
    merchant still had of it is withdrawn (no longer open: the merchant is free for others)."""
    case = program_cases.recall(tx.session, ProgramCase, notice, now)
    if case is not None:
        withdrawn = [job.id for job in tx.session.scalars(select(Job).where(
            Job.case_id == case.case_id, Job.state.in_(OPEN_JOB_STATES)).order_by(Job.id))]
        for job_id in withdrawn:
            tx.session.get(Job, job_id).state = "withdrawn"
        record(case, INTAKE, "recalled", now, notice.get("note"), withdrawn_jobs=withdrawn)


def get_case(session: Session, case_id: int, staff: Staff) -> ProgramCase:
    """A case of the caller's own community; another community's is not found."""
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != staff["community"]:
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的来电",
                       f"No case {case_id}", field="case_id")
    return case


def require_open(case: ProgramCase) -> None:
    if case.state != RECEIVED:
        raise Conflict("case_closed", "这件来电已经办完或已被收回", "The case is no longer open",
                       field="case_id")


def finish(case: ProgramCase, latest_job_state: str | None, staff: Staff, now: datetime, *,
           resolved: bool, text: str, reply: str | None = None) -> dict:
    """Resolve (with the result, and the reply the resident reads) or return (with why and
    where else to turn) a case; returns the report for intake. Neither while a merchant is on
    a job of it; resolving not right after a merchant declined (route it again, or return
    it)."""
    require_open(case)
    if latest_job_state in OPEN_JOB_STATES:
        raise Conflict("job_open", "商户还在办理这件来电，请等商户答复或完成",
                       "A merchant is still on this case: wait for its answer or the job done",
                       field="case_id")
    if resolved and latest_job_state == "declined":
        raise Conflict("job_declined", "商户拒单了：请改派其他商户，或退回并说明去处",
                       "The merchant declined: route the case to another, or return it",
                       field="case_id")
    by = actor_name(staff)
    case.state = "resolved" if resolved else "returned"
    case.result = text
    case.handled_by = by
    record(case, by, case.state, now, text)
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": by}
    if resolved:
        return {**report, "status": "resolved", "result": text, "reply": reply}
    return {**report, "status": "returned", "note": text}
