"""The cases intake hands the flea market: received, chased, recalled; then answered. A resident
who wants a stall (``flea_market_stall``) is signed up for a market from the case, and the case
is resolved with a reply naming the day, the place and the stall number; a question about
swapping or giving things (``flea_market_swap``) is resolved with the answer; either may be
returned with why and where to go instead."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import Conflict, NotFound, Staff, actor_name
from minzi.envelope import isoformat
from minzi.store import Transaction

from ..models import ProgramCase
from . import signups
from .access import PROGRAM_ID
from .codes import STALL_REQUEST
from .markets import get_market

INTAKE = "intake"
RECEIVED = "received"


def record(case: ProgramCase, by: str, action: str, now: datetime, note: str | None = None,
           **detail: object) -> None:
    """Every change on the case's own record: who, when, what."""
    case.updated_at = now
    case.history = [*(case.history or []), {"at": isoformat(now), "by": by,
                                            "action": action, "note": note, **detail}]


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A case from intake (``case.dispatched``); returns the report to send back."""
    case = program_cases.keep(tx.session, ProgramCase, data, now)
    record(case, INTAKE, "received", now, data.get("note"))
    return {"status": "accepted", "note": "跳蚤市场已收到，将尽快答复"}


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


def list_cases(session: Session, community: str, state: str | None = None) -> list[ProgramCase]:
    statement = select(ProgramCase).where(ProgramCase.community == community)
    if state is not None:
        statement = statement.where(ProgramCase.state == state)
    return list(session.scalars(statement.order_by(ProgramCase.case_id)))


def _open(case: ProgramCase) -> None:
    if case.state != RECEIVED:
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")


def finish(case: ProgramCase, staff: Staff, now: datetime, *, resolved: bool, text: str,
           reply: str | None = None) -> dict:
    """Resolve (with a result) or return (with why) a case; returns the report for intake."""
    _open(case)
    case.state = "resolved" if resolved else "returned"
    case.result = text
    case.handled_by = actor_name(staff)
    record(case, actor_name(staff), case.state, now, text)
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": actor_name(staff)}
    if resolved:
        return {**report, "status": "resolved", "result": text, "reply": reply}
    return {**report, "status": "returned", "note": text}


def stall_reply(market, signup) -> str:
    """What the resident reads: the day, the place, the stall number, and how to cancel."""
    return (f"您好，已为您报名 {market.day.isoformat()} 在{market.place}举办的跳蚤市场"
            f"（{market.theme}），摊位号 {signup.stall_no}。如不能来，请在市场前一天前告诉"
            "社区服务站，以便把摊位让给其他居民。")


def sign_up_from_case(tx: Transaction, case_id: int, data: dict, staff: Staff,
                      now: datetime) -> tuple[ProgramCase, dict]:
    """A resident who asked for a stall, signed up for the market staff chose (by the phone
    on the case; what they bring from the form, else from the case), and the case resolved
    with the reply. Returns the case and the report for intake."""
    case = get_case(tx.session, case_id, staff)
    _open(case)
    if case.service_code != STALL_REQUEST:
        raise Conflict("not_a_stall_request", "这件诉求不是摊位报名，请直接答复",
                       "This case does not ask for a stall; answer it instead",
                       field="case_id")
    market = get_market(tx.session, data["market_id"], case.community)
    resident = case.resident or {}
    signup = signups.sign_up(tx, case.community, market.id, {
        "name": resident.get("name") or "居民", "phone": resident.get("phone"),
        "goods": data.get("goods") or (case.attributes or {}).get("goods")
        or case.description}, staff, now, case_id=case.case_id)
    case.signup_id = signup.id
    record(case, actor_name(staff), "signed_up", now, None, market_id=market.id,
           stall_no=signup.stall_no)
    reply = data.get("reply") or stall_reply(market, signup)
    report = finish(case, staff, now, resolved=True, reply=reply,
                    text=f"已报名 {market.day.isoformat()} 的跳蚤市场，摊位号 {signup.stall_no}")
    return case, report
