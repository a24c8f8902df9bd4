"""The stray-cat cases intake hands the fund, and how its people work them.

Intake's side (the kit's ``case_rules``): ``receive`` (``case.dispatched``: kept and accepted),
``chased`` (a reminder or an escalation), ``recalled`` (intake took the case back). The staff's
side: a cat linked to the case, progress reported, then resolved (with the reply for the
resident) or returned (saying why). What intake must hear is returned as the ``case.reported``
body, for the caller to publish in the same transaction.
"""
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import DomainError, NotFound, Staff, actor_name
from minzi.store import Transaction

from ..models import Case, CaseCat, CaseEvent, Cat
from .access import PROGRAM_ID, PROGRAM_NAME
from .cats import cat_event, create_cat, get_cat

_log = logging.getLogger(__name__)

OPEN_CASE = ("accepted", "in_progress")
ACCEPTED_NOTE = "流浪猫爱心基金会已受理，志愿者将尽快前往查看"


def _case_event(session: Session, case: Case, action: str, note: str | None, by: Staff | None,
                now: datetime) -> None:
    session.add(CaseEvent(case_pk=case.id, action=action, note=note, by=by, at=now))
    case.updated_at = now


def report(case: Case, status: str, *, by: Staff | None = None, note: str | None = None,
           result: str | None = None, reply: str | None = None) -> dict:
    """The ``case.reported`` body; the fund itself is the handler of what no one person did."""
    body = {"case_id": case.case_id, "program_id": PROGRAM_ID, "status": status,
            "handler": actor_name(by) if by else PROGRAM_NAME[0], "note": note}
    if result is not None:
        body["result"] = result
    if reply is not None:
        body["reply"] = reply
    return body


# -- intake's side --------------------------------------------------------------------------------

def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A ``case.dispatched`` body: keep the case and accept it; returns the report.

    A case dispatched here again (after a recall or a return) is worked afresh."""
    session = tx.session
    case = _find_case(session, data["community"], data["case_id"])
    fields = {
        "tracking_code": data["tracking_code"], "service_code": data["service_code"],
        "channel": data.get("channel"), "description": data["description"],
        "attributes": data.get("attributes") or {}, "address": data.get("address"),
        "resident": data.get("resident") or {}, "due_at": data.get("due_at"),
        "dispatch_note": data.get("note")}
    if case is None:
        case = Case(community=data["community"], case_id=data["case_id"], status="accepted",
                    chase_level=0, received_at=now, updated_at=now, **fields)
        session.add(case)
        session.flush()
        _case_event(session, case, "received", data.get("note"), None, now)
    else:
        for key, value in fields.items():
            setattr(case, key, value)
        if case.status not in OPEN_CASE:
            case.status, case.result, case.chase_level = "accepted", None, 0
        _case_event(session, case, "received_again", data.get("note"), None, now)
    return report(case, "accepted", note=ACCEPTED_NOTE)


def chased(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake's reminder (level 1) or escalation (level 2) for an overdue case."""
    case = _find_case(tx.session, notice["community"], notice["case_id"])
    if case is None:
        _log.warning("case.chased for unknown case %s: nothing to do", notice["case_id"])
        return
    level = notice["level"]
    case.chase_level = max(case.chase_level, level)
    _case_event(tx.session, case, "chased" if level < 2 else "escalated", notice.get("note"),
                None, now)


def recalled(tx: Transaction, notice: dict, now: datetime) -> None:
    """Intake took the case back (transferred, closed, a duplicate): it is no longer worked."""
    case = _find_case(tx.session, notice["community"], notice["case_id"])
    if case is None:
        _log.warning("case.recalled for unknown case %s: nothing to do", notice["case_id"])
        return
    if case.status in OPEN_CASE:
        case.status = "recalled"
    _case_event(tx.session, case, "recalled", notice.get("note"), None, now)


# -- the staff's side -----------------------------------------------------------------------------

def _find_case(session: Session, community: str | None, case_id: int) -> Case | None:
    return session.scalars(select(Case).where(Case.community == community,
                                              Case.case_id == case_id)).first()


def get_case(session: Session, community: str, case_id: int) -> Case:
    case = _find_case(session, community, case_id)
    if case is None:
        raise NotFound("case_not_found", f"没有案件 {case_id}", f"No case {case_id}")
    return case


def _not_recalled(case: Case) -> Case:
    if case.status == "recalled":
        raise DomainError("case_recalled", "该案件已被受理窗口撤回，不能再办理",
                          "Intake has taken this case back; it cannot be worked here")
    return case


def _open_case(session: Session, community: str, case_id: int) -> Case:
    case = _not_recalled(get_case(session, community, case_id))
    if case.status not in OPEN_CASE:
        raise DomainError("case_closed", "该案件已办结或已退回",
                          "This case is already resolved or returned")
    return case


def link_cat(session: Session, community: str, case_id: int, data: dict, by: Staff,
             now: datetime) -> tuple[Case, Cat]:
    """The case's cat: one of the community's cats (``cat_id``) or a new record (``cat``).
    Linking the same cat again changes nothing."""
    case = _not_recalled(get_case(session, community, case_id))
    if data.get("cat_id") is not None:
        cat = get_cat(session, community, data["cat_id"])
    else:
        cat = create_cat(session, community, data["cat"], by, now)
    if session.get(CaseCat, (case.id, cat.id)) is None:
        session.add(CaseCat(case_pk=case.id, cat_id=cat.id))
        _case_event(session, case, "cat_linked", f"#{cat.id} {cat.name or ''}".strip(), by, now)
        cat_event(session, cat, "case_linked",
                  {"case_id": case.case_id, "tracking_code": case.tracking_code}, by, now)
    session.flush()
    session.expire(case, ["cats"])
    return case, cat


def progress_case(session: Session, community: str, case_id: int, note: str, by: Staff,
                  now: datetime) -> tuple[Case, dict]:
    case = _open_case(session, community, case_id)
    case.status = "in_progress"
    _case_event(session, case, "in_progress", note, by, now)
    return case, report(case, "in_progress", by=by, note=note)


def resolve_case(session: Session, community: str, case_id: int, result: str,
                 reply: str | None, by: Staff, now: datetime) -> tuple[Case, dict]:
    case = _open_case(session, community, case_id)
    case.status, case.result = "resolved", result
    _case_event(session, case, "resolved", result, by, now)
    return case, report(case, "resolved", by=by, result=result, reply=reply)


def return_case(session: Session, community: str, case_id: int, note: str, by: Staff,
                now: datetime) -> tuple[Case, dict]:
    case = _open_case(session, community, case_id)
    case.status, case.note = "returned", note
    _case_event(session, case, "returned", note, by, now)
    return case, report(case, "returned", by=by, note=note)
