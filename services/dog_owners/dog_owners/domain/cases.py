"""The complaints intake hands the association (犬便, 犬吠扰民, 遛狗不拴绳, 犬只伤人):

1. received and accepted; a bite (犬只伤人, an emergency: 2 hours) is accepted and at once
   given the advice to wash the wound and get rabies shots within 24 hours, as a progress
   note (``in_progress``) the resident reads by their tracking code;
2. linked to the member (and dog) when the owner is known;
3. the association's talk with the owner recorded, a warning counted on the case and on the
   member when one is given;
4. resolved with a reply the resident reads by their tracking code, or returned to intake with
   why and where to go (the police for a bite, …).
A complaint's record (``history``) says who did what, when."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.program_cases import RECEIVED
from minzi.store import Transaction

from ..models import ProgramCase
from .access import PROGRAM_ID
from .codes import REFERRALS
from .dogs import get_dog
from .members import get_member

INTAKE = "intake"
BITE = "dog_bite"
BITE_ADVICE = ("被犬只咬伤、抓伤请立即用肥皂水和清水交替冲洗伤口至少15分钟，并在24小时内到狂犬病"
               "免疫预防门诊接种狂犬疫苗；需要报警请拨打110。")
ACCEPTED = "养犬自律协会已收到，将联系犬主并答复您"


def record(case: ProgramCase, by: str, action: str, now: datetime, note: str | None = None,
           **detail: object) -> None:
    """Every change on the complaint's own record: who, when, what."""
    case.updated_at = now
    case.history = [*(case.history or []), {"at": isoformat(now), "by": by, "action": action,
                                            "note": note, **detail}]


def _due_at(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, str) and value:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    return None


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A complaint from intake (``case.dispatched``); returns the report to send back (a bite's
    two reports it sends itself, in order). A case sent again after a recall is open again."""
    case = program_cases.keep(tx.session, ProgramCase, data, now)
    case.address = data.get("address")
    case.due_at = _due_at(data.get("due_at"))
    case.talks, case.warnings = case.talks or 0, case.warnings or 0
    case.finished_at = None
    record(case, INTAKE, "received", now, data.get("note"))
    if case.service_code != BITE:
        return {"status": "accepted", "note": ACCEPTED}
    # a bite: accepted, and at once a progress note the resident reads by their tracking code
    for status, note in (("accepted", f"{ACCEPTED}。{BITE_ADVICE}"), ("in_progress", BITE_ADVICE)):
        tx.publish("case.reported", {"case_id": case.case_id, "program_id": PROGRAM_ID,
                                     "status": status, "note": note}, community=case.community)
    record(case, PROGRAM_ID, "advised", now, BITE_ADVICE)
    return None


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
    """A complaint of the caller's own community; another community's is not found."""
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != staff["community"]:
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的投诉", f"No case {case_id}",
                       field="case_id")
    return case


def require_open(case: ProgramCase) -> None:
    if case.state != RECEIVED:
        raise Conflict("case_closed", "这件投诉已经办完或已被收回", "The case is no longer open",
                       field="case_id")


def link(session: Session, case_id: int, data: dict[str, Any], who: Staff,
         now: datetime) -> ProgramCase:
    """The owner (a member) and, if known, which of their dogs."""
    case = get_case(session, case_id, who)
    require_open(case)
    member = get_member(session, data["member_id"], case.community, field="member_id")
    dog = None
    if data.get("dog_id") is not None:
        dog = get_dog(session, data["dog_id"], case.community, field="dog_id")
        if dog.member_id != member.id:
            raise DomainError("not_members_dog", f"犬只「{dog.name}」不是{member.name}的",
                              f"{dog.name} is not {member.name}'s dog", field="dog_id",
                              status=422)
    case.member_id, case.dog_id = member.id, dog.id if dog else None
    record(case, actor_name(who), "linked", now, data.get("note"), member=member.name,
           dog=dog.name if dog else None)
    return case


def talk(session: Session, case_id: int, data: dict[str, Any], who: Staff,
         now: datetime) -> ProgramCase:
    """The association talked with the owner; a warning, if given, counts on the case and on
    the member."""
    case = get_case(session, case_id, who)
    require_open(case)
    if case.member_id is None:
        raise Conflict("owner_not_linked", "请先查明犬主（关联会员），再记录谈话",
                       "Identify the owner (link a member) before recording a talk",
                       field="member_id")
    member = get_member(session, case.member_id, case.community)
    case.talks += 1
    action = "talked"
    if data.get("warning"):
        case.warnings += 1
        member.warnings += 1
        action = "warned"
    record(case, actor_name(who), action, now, data["note"], member=member.name)
    return case


def finish(session: Session, case_id: int, data: dict[str, Any], who: Staff, now: datetime,
           *, resolved: bool) -> dict:
    """The answer for the resident, or the case handed back to intake with why and where to
    go. Returns the report for intake."""
    case = get_case(session, case_id, who)
    require_open(case)
    by = actor_name(who)
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": by}
    case.handled_by, case.finished_at = by, now
    if not resolved:
        referral = data.get("referral")
        note = data["note"] + (f"（请联系：{REFERRALS[referral][0]}）" if referral else "")
        case.state, case.result, case.referral = "returned", note, referral
        record(case, by, "returned", now, note, referral=referral)
        return {**report, "status": "returned", "note": note}
    case.state, case.result = "resolved", data["result"]
    record(case, by, "resolved", now, data["result"])
    return {**report, "status": "resolved", "result": data["result"], "reply": data.get("reply")}


def on_time(case: ProgramCase) -> bool:
    """Resolved by the time limit intake set (a case without one is on time when resolved)."""
    return case.state == "resolved" and (case.due_at is None or case.finished_at is None
                                         or as_utc(case.finished_at) <= as_utc(case.due_at))


def list_cases(session: Session, community: str, *, service_code: str | None = None,
               state: str | None = None, member_id: int | None = None) -> list[ProgramCase]:
    query = select(ProgramCase).where(ProgramCase.community == community)
    if service_code is not None:
        query = query.where(ProgramCase.service_code == service_code)
    if state is not None:
        query = query.where(ProgramCase.state == state)
    if member_id is not None:
        query = query.where(ProgramCase.member_id == member_id)
    return list(session.scalars(query.order_by(ProgramCase.case_id)))
