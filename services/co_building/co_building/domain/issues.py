"""What co-building does with a resident's issue (a case from intake):

1. sort it: ``solvable`` (可解决) or ``coordination`` (needs coordination, 需协调);
2. assign it to a responsible member unit with a deadline (not in the past);
3. supervise it (督办) until done: staff note their supervision, and once the deadline has
   passed the service's timer reminds once a Beijing day (``remind_overdue``), on the record;
4. take the hard ones to a six-party joint meeting (``meetings``);
5. record the outcome — a unit's investment in exact yuan among it — and report the result and
   the reply to intake, which answers the resident. Or return it to intake, saying why.
An issue's record (``history``) says who did what, when."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, Staff, actor_name
from minzi.localtime import local_date
from minzi.program_cases import RECEIVED

from ..models import ProgramCase
from .access import PROGRAM_ID
from .cases import get_case, record
from .units import get_unit

SUPERVISOR = "督办"   # how the record names the timer's reminders


def require_open(case: ProgramCase) -> None:
    if case.state != RECEIVED:
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")


def require_sorted(case: ProgramCase) -> None:
    if case.kind is None:
        raise Conflict("issue_not_sorted", "请先把诉求分为“可解决”或“需协调”",
                       "Sort the issue first: solvable or needs coordination", field="kind")


def sort_issue(session: Session, case_id: int, data: dict[str, Any], who: Staff,
               now: datetime) -> ProgramCase:
    case = get_case(session, case_id, who)
    require_open(case)
    case.kind = data["kind"]
    record(case, actor_name(who), "sorted", now, data.get("note"), kind=case.kind)
    return case


def assign(session: Session, case_id: int, data: dict[str, Any], who: Staff,
           now: datetime) -> ProgramCase:
    """The responsible unit and the deadline (a Beijing date, today or later)."""
    case = get_case(session, case_id, who)
    require_open(case)
    require_sorted(case)
    unit = get_unit(session, data["unit_id"], case.community, field="unit_id")
    if data["deadline"] < local_date(now):
        raise DomainError("deadline_in_past", "办结期限不能早于今天",
                          "The deadline cannot be in the past", field="deadline", status=422)
    case.unit_id = unit.id
    case.deadline = data["deadline"]
    case.last_reminded_on = None
    record(case, actor_name(who), "assigned", now, data.get("note"), unit=unit.name,
           deadline=case.deadline.isoformat())
    return case


def progress(session: Session, case_id: int, data: dict[str, Any], who: Staff,
             now: datetime) -> ProgramCase:
    """What has been done so far, by staff or by the responsible unit's contact."""
    case = get_case(session, case_id, who)
    require_open(case)
    record(case, actor_name(who), "progress", now, data["note"])
    return case


def supervise(session: Session, case_id: int, data: dict[str, Any], who: Staff,
              now: datetime) -> ProgramCase:
    """Staff supervise (督办) an assigned issue: a reminder to its unit, counted."""
    case = get_case(session, case_id, who)
    require_open(case)
    if case.unit_id is None:
        raise Conflict("issue_not_assigned", "请先交给责任单位并定好期限，再督办",
                       "Assign the issue to a unit with a deadline before supervising it",
                       field="unit_id")
    case.reminders += 1
    record(case, actor_name(who), "supervised", now, data["note"])
    return case


def is_overdue(case: ProgramCase, now: datetime) -> bool:
    return case.state == RECEIVED and case.deadline is not None \
        and case.deadline < local_date(now)


def remind_overdue(session: Session, now: datetime) -> list[int]:
    """The timer's supervision: each open issue past its deadline is reminded once a Beijing day,
    on its record. Returns the case ids reminded."""
    today = local_date(now)
    late = session.scalars(select(ProgramCase).where(
        ProgramCase.state == RECEIVED, ProgramCase.deadline < today).order_by(
        ProgramCase.case_id).with_for_update(skip_locked=True))
    reminded = []
    for case in late:
        if case.last_reminded_on is not None and case.last_reminded_on >= today:
            continue
        case.reminders += 1
        case.last_reminded_on = today
        days = (today - case.deadline).days
        record(case, SUPERVISOR, "reminded", now,
               f"已超过办结期限 {case.deadline.isoformat()} {days} 天，请责任单位抓紧办理",
               days_late=days)
        reminded.append(case.case_id)
    return reminded


def finish(session: Session, case_id: int, data: dict[str, Any], who: Staff, now: datetime,
           *, resolved: bool) -> dict:
    """The outcome (with the reply for the resident, and a unit's investment if there was one),
    or the issue handed back to intake with why. Returns the report for intake."""
    case = get_case(session, case_id, who)
    require_open(case)
    by = actor_name(who)
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": by}
    if not resolved:
        case.state, case.result, case.handled_by = "returned", data["note"], by
        record(case, by, "returned", now, data["note"])
        return {**report, "status": "returned", "note": data["note"]}
    require_sorted(case)
    investment, investor = data.get("investment_fen"), data.get("investment_unit_id")
    if investment is not None and investor is None:
        raise DomainError("investment_unit_required", "写明投入资金的是哪家共建单位",
                          "Say which member unit invested", field="investment_unit_id",
                          status=422)
    if investor is not None and investment is None:
        raise DomainError("investment_required", "写明该单位投入的金额",
                          "Say how much the unit invested", field="investment", status=422)
    unit = get_unit(session, investor, case.community, field="investment_unit_id") \
        if investor is not None else None
    case.state, case.result, case.handled_by = "resolved", data["result"], by
    case.investment_fen = investment
    case.investment_unit_id = unit.id if unit else None
    record(case, by, "resolved", now, data["result"],
           investment_unit=unit.name if unit else None, investment_fen=investment)
    return {**report, "status": "resolved", "result": data["result"], "reply": data.get("reply")}


def list_issues(session: Session, community: str, *, kind: str | None = None,
                unit_ids: list[int] | None = None) -> list[ProgramCase]:
    query = select(ProgramCase).where(ProgramCase.community == community)
    if kind == "unsorted":
        query = query.where(ProgramCase.kind.is_(None))
    elif kind is not None:
        query = query.where(ProgramCase.kind == kind)
    if unit_ids is not None:
        query = query.where(ProgramCase.unit_id.in_(unit_ids))
    return list(session.scalars(query.order_by(ProgramCase.case_id)))


def stage(case: ProgramCase) -> str:
    """The issue's state as the figures count it: unsorted, open, resolved, returned, recalled."""
    if case.state == RECEIVED:
        return "open" if case.kind else "unsorted"
    return case.state
