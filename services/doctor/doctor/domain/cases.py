"""The house calls (上门出诊/巡诊) and health consultations intake hands the program:

1. received (``case.dispatched``), waiting for a doctor;
2. accepted by a registered doctor;
3. visited (or answered): the doctor's note on the case, and — when the resident has an open
   record (consented) and is its resident (the same phone) — the note and readings go into the
   record too; readings without a consented record are not kept;
4. resolved with a reply the resident reads by tracking code, or returned with why and where to
   go instead (an emergency: call 120 at once).
A case's record (``history``) says who did what, when; a visit's medical note is not in it."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import ProgramCase
from .access import PROGRAM_ID
from .records import add_note, add_reading, get_record, require_open

INTAKE = "intake"
RECEIVED, ACCEPTED = "received", "accepted"
OPEN_STATES = (RECEIVED, ACCEPTED)


def record(case: ProgramCase, by: str, action: str, now: datetime, note: str | None = None) -> None:
    """Every change on the case's own record: who, when, what."""
    case.updated_at = now
    case.history = [*(case.history or []), {"at": isoformat(now), "by": by,
                                            "action": action, "note": note}]


def _moment(value: datetime | str | None) -> datetime | None:
    """Intake's due time: a moment as the contract's schema loads it, or its ISO text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return as_utc(value)


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A case from intake; returns the report to send back. A case sent again after a recall is
    waiting for a doctor again."""
    case = program_cases.keep(tx.session, ProgramCase, data, now)
    case.address = data.get("address")
    case.due_at = _moment(data.get("due_at"))
    case.accepted_by = None
    case.finished_at = None
    record(case, INTAKE, "received", now, data.get("note"))
    return {"status": "accepted",
            "note": "片儿医已收到，医生接诊后会与您联系；如是急症请立即拨打120"}


def chased(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake's reminder (level 1) or escalation (level 2) for an overdue case."""
    case = program_cases.count_chase(tx.session, ProgramCase, notice, now)
    if case is not None:
        record(case, INTAKE, "chased" if notice["level"] < 2 else "escalated", now,
               notice.get("note"))


def recalled(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake took the case back (transferred, closed, a duplicate): stop working it. An
    accepted case is taken back as well."""
    case = tx.session.get(ProgramCase, notice["case_id"])
    if case is not None and case.state in OPEN_STATES:
        case.state = "recalled"
        record(case, INTAKE, "recalled", now, notice.get("note"))


def get_case(session: Session, case_id: int, staff: Staff) -> ProgramCase:
    """A case of the caller's own community; another community's is not found."""
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != staff["community"]:
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的诉求", f"No case {case_id}",
                       field="case_id")
    return case


def _require_open(case: ProgramCase) -> None:
    if case.state not in OPEN_STATES:
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")


def _require_accepted(case: ProgramCase) -> None:
    _require_open(case)
    if case.state != ACCEPTED:
        raise Conflict("not_accepted", "请医生先接诊", "A doctor must accept the case first",
                       field="case_id")


def accept(session: Session, case_id: int, who: Staff, now: datetime) -> ProgramCase:
    case = get_case(session, case_id, who)
    _require_open(case)
    if case.state == ACCEPTED:
        raise Conflict("already_accepted", f"{case.accepted_by} 已经接诊",
                       f"Already accepted by {case.accepted_by}", field="case_id")
    case.state, case.accepted_by = ACCEPTED, actor_name(who)
    record(case, actor_name(who), "accepted", now)
    return case


def visit(session: Session, case_id: int, data: dict[str, Any], who: Staff,
          now: datetime) -> ProgramCase:
    """The doctor went (or answered the consultation): the note on the case, and into the
    resident's record when one is named."""
    case = get_case(session, case_id, who)
    _require_accepted(case)
    readings = data.get("readings") or []
    day = data["visited_on"]
    if day > local_date(now):
        raise DomainError("visited_in_future", "出诊日期不能晚于今天",
                          "The visit date cannot be in the future", field="visited_on",
                          status=422)
    if readings and data.get("record_id") is None:
        raise DomainError("record_required",
                          "测量结果只记入居民同意建立的健康档案：请选择档案，或只写诊疗情况",
                          "Readings are kept only in a consented health record: name the "
                          "record, or write the note alone", field="record_id", status=422)
    if data.get("record_id") is not None:
        health = get_record(session, data["record_id"], case.community)
        require_open(health)
        if health.phone != (case.resident or {}).get("phone"):
            raise DomainError("not_same_resident",
                              "提出诉求的居民与这份健康档案不是同一人（电话不同）",
                              "The resident who asked is not this record's resident (another "
                              "phone)", field="record_id", status=422)
        for reading in readings:
            add_reading(session, health, {**reading, "measured_on": day}, who, now,
                        "house_call", case_id=case.case_id)
        add_note(session, health, {"seen_on": day, "text": data["note"]}, who, now,
                 "house_call", case_id=case.case_id)
        case.record_id = health.id
    case.visited_on, case.visit_note = day, data["note"]
    record(case, actor_name(who), "visited", now)
    return case


def finish(session: Session, case_id: int, data: dict[str, Any], who: Staff, now: datetime, *,
           resolved: bool) -> dict:
    """Resolve (the result, and the reply the resident reads) an accepted case, or return an
    open one with why and where to go instead. Returns the report for intake."""
    case = get_case(session, case_id, who)
    by = actor_name(who)
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": by}
    if not resolved:
        _require_open(case)
        case.state, case.result, case.handled_by = "returned", data["note"], by
        case.finished_at = now
        record(case, by, "returned", now, data["note"])
        return {**report, "status": "returned", "note": data["note"]}
    _require_accepted(case)
    case.state, case.result, case.handled_by = "resolved", data["result"], by
    case.finished_at = now
    record(case, by, "resolved", now, data["result"])
    return {**report, "status": "resolved", "result": data["result"], "reply": data.get("reply")}


def list_cases(session: Session, community: str, *, state: str | None = None) -> list[ProgramCase]:
    query = select(ProgramCase).where(ProgramCase.community == community)
    if state:
        query = query.where(ProgramCase.state == state)
    return list(session.scalars(query.order_by(ProgramCase.case_id)))


def on_time(case: ProgramCase) -> bool | None:
    """Finished by its due time (True), after it (False), or not finished / no due time (None)."""
    if case.finished_at is None or case.due_at is None or case.state == "recalled":
        return None
    return as_utc(case.finished_at) <= as_utc(case.due_at)
