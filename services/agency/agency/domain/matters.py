"""A matter worked end to end by one agent (全程代理):

1. an agent takes it (接手) and owns it to the end; only the owner moves it, and hands it to
   another agent on the record when they must (转交);
2. the documents checklist: each document the resident brought, ticked as received;
3. the item's steps, one at a time and in order — documents checked, submitted to the outside
   office, waiting on it, the result collected, handed to the resident — each step a rule: no
   step skipped or done twice, the documents step only with every document in, the old-age
   card's age check only for a resident 60 or over on the day (from the ID number's birth date);
   each step done is reported to intake as ``in_progress`` with the step's Chinese name, so the
   resident sees by their tracking code where the matter is;
4. resolved (only once the last step is done) with the reply for the resident, or returned with
   why and where to go instead.
A matter's record (``history``) says who did what, when."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, Forbidden, NotFound, Staff, actor_name
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.idcard import id_number_problem
from minzi.localtime import local_date
from minzi.program_cases import RECEIVED

from ..models import ProgramCase
from .access import PROGRAM_ID
from .cases import get_case, record
from .catalogue import ITEMS, Item, Step
from .codes import OFFICES

OLD_AGE = 60


def item_of(case: ProgramCase) -> Item:
    return ITEMS[case.service_code]


def require_open(case: ProgramCase) -> None:
    if case.state != RECEIVED:
        raise Conflict("matter_closed", "这件代理事项已经办完或已被收回",
                       "The matter is no longer open", field="case_id")


def require_owner(case: ProgramCase, who: Staff) -> None:
    """Only the agent who owns the matter moves it."""
    if case.owner_username is None:
        raise Conflict("matter_not_taken", "这件事项还没有代理员接手，请先接手",
                       "No agent has taken this matter yet: take it first", field="case_id")
    if case.owner_username != who.get("username"):
        raise Forbidden("not_your_matter", f"这件事项由代理员{case.owner_name}全程负责，"
                        "只有他/她本人可以办理或转交",
                        f"This matter is {case.owner_name}'s: only they may work or hand it on")


def _report(case: ProgramCase, who: Staff, status: str, **body: Any) -> dict:
    return {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": actor_name(who),
            "status": status, **body}


def _open_and_owned(session: Session, case_id: int, who: Staff) -> ProgramCase:
    case = get_case(session, case_id, who)
    require_open(case)
    require_owner(case, who)
    return case


# -- taking and handing on -------------------------------------------------------------------------

def take(session: Session, case_id: int, data: dict[str, Any], who: Staff,
         now: datetime) -> dict:
    """The agent takes the matter and owns it to the end. Returns the report for intake."""
    case = get_case(session, case_id, who)
    require_open(case)
    if case.owner_username is not None:
        raise Conflict("matter_already_taken", f"这件事项已由代理员{case.owner_name}接手",
                       f"{case.owner_name} has already taken this matter", field="case_id")
    case.owner_username, case.owner_name = who["username"], actor_name(who)
    record(case, actor_name(who), "taken", now, data.get("note"))
    return _report(case, who, "in_progress",
                   note=f"{item_of(case).zh}：已有专职代理员接手，全程代办")


def hand_off(session: Session, case_id: int, data: dict[str, Any], who: Staff,
             now: datetime) -> ProgramCase:
    """The owner hands the matter to another agent (leave, a shift), saying why: the new agent
    owns it from here, on the record."""
    case = _open_and_owned(session, case_id, who)
    if data["to_username"] == case.owner_username:
        raise DomainError("same_agent", "不能转交给自己", "You cannot hand a matter to yourself",
                          field="to_username", status=422)
    before = case.owner_name
    case.owner_username, case.owner_name = data["to_username"], data["to_name"]
    record(case, actor_name(who), "handed_off", now, data["note"], from_agent=before,
           to_agent=data["to_name"])
    return case


# -- documents ---------------------------------------------------------------------------------

def missing_documents(case: ProgramCase) -> list[str]:
    received = case.documents or {}
    return [d.code for d in item_of(case).documents if d.code not in received]


def receive_document(session: Session, case_id: int, code: str, data: dict[str, Any],
                     who: Staff, now: datetime) -> ProgramCase:
    """A document the resident brought, ticked on the checklist."""
    case = _open_and_owned(session, case_id, who)
    document = item_of(case).document(code)
    if document is None:
        raise NotFound("document_not_found", f"“{item_of(case).zh}”不需要材料 {code}",
                       f"{item_of(case).en} needs no document {code}", field="document")
    if code in (case.documents or {}):
        raise Conflict("document_already_received", f"{document.zh}已经收到过了",
                       f"{document.en} was already received", field="document")
    case.documents = {**(case.documents or {}),
                      code: {"at": isoformat(now), "by": actor_name(who), "note": data.get("note")}}
    record(case, actor_name(who), "document", now, data.get("note"), document=document.zh)
    return case


# -- steps -------------------------------------------------------------------------------------

def done_codes(case: ProgramCase) -> list[str]:
    return [entry["code"] for entry in case.steps_done or []]


def next_step(case: ProgramCase) -> Step | None:
    done = done_codes(case)
    return next((s for s in item_of(case).steps if s.code not in done), None)


def birth_date(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def age_on(id_number: str, day: date) -> int:
    """Whole years from the ID number's birth date to ``day`` (the birthday itself counts)."""
    born = birth_date(id_number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_age(id_number: str | None, now: datetime) -> str:
    """The old-age card's rule: 60 or over on the (Beijing) day, by the ID number's birth date.
    Returns the number checked."""
    if not id_number:
        raise DomainError("id_number_required", "请填写申请人的身份证号，用于核验年龄",
                          "Give the applicant's ID number to check their age",
                          field="id_number", status=422)
    problem = id_number_problem(id_number)
    if problem is not None:
        raise DomainError("id_number_invalid", "身份证号不正确，请核对", problem,
                          field="id_number", status=422)
    age = age_on(id_number, local_date(now))
    if age < OLD_AGE:
        raise DomainError("under_60", f"申请人今天{age}周岁，未满60周岁，不能办理《老年证》",
                          f"The applicant is {age} today, under 60: no old-age card yet",
                          field="id_number", status=422)
    return id_number


def _progress_note(item: Item, step: Step, following: Step | None) -> str:
    """What the resident reads: the step done, in Chinese, and what comes next."""
    note = f"{item.zh}：已完成“{step.zh}”（{label(OFFICES, step.office)}）"
    if following is not None:
        note += f"，下一步：“{following.zh}”（{label(OFFICES, following.office)}）"
    return note


def complete_step(session: Session, case_id: int, code: str, data: dict[str, Any], who: Staff,
                  now: datetime) -> dict:
    """The next step of the matter done. Returns the ``in_progress`` report for intake."""
    case = _open_and_owned(session, case_id, who)
    item = item_of(case)
    step = item.step(code)
    if step is None:
        raise NotFound("step_not_found", f"“{item.zh}”没有步骤 {code}",
                       f"{item.en} has no step {code}", field="step")
    if code in done_codes(case):
        raise Conflict("step_already_done", f"“{step.zh}”已经完成了",
                       f"“{step.en}” is already done", field="step")
    expected = next_step(case)
    if expected.code != code:
        raise Conflict("step_out_of_order", f"不能跳过步骤：下一步应是“{expected.zh}”",
                       f"No step may be skipped: the next is “{expected.en}”", field="step")
    detail: dict[str, Any] = {}
    if step.kind == "documents":
        missing = missing_documents(case)
        if missing:
            names = "、".join(item.document(c).zh for c in missing)
            raise Conflict("documents_missing", f"材料不齐，还缺：{names}",
                           "Documents missing: " + ", ".join(item.document(c).en
                                                              for c in missing),
                           field="documents")
    if step.rule == "age_60":
        case.id_number = check_age(data.get("id_number") or case.id_number, now)
        detail["age"] = age_on(case.id_number, local_date(now))
    case.steps_done = [*(case.steps_done or []), {"code": code, "at": isoformat(now),
                                                  "by": actor_name(who),
                                                  "note": data.get("note")}]
    following = next_step(case)
    record(case, actor_name(who), "step", now, data.get("note"), step=step.zh, **detail)
    return _report(case, who, "in_progress", note=_progress_note(item, step, following))


# -- the end -----------------------------------------------------------------------------------

def finish(session: Session, case_id: int, data: dict[str, Any], who: Staff, now: datetime,
           *, resolved: bool) -> dict:
    """Resolved once the last step is done (with the reply for the resident), or returned with
    why and where to go. Returns the report for intake."""
    case = _open_and_owned(session, case_id, who)
    by = actor_name(who)
    if not resolved:
        case.state, case.result, case.handled_by, case.finished_at = \
            "returned", data["note"], by, now
        record(case, by, "returned", now, data["note"])
        return _report(case, who, "returned", note=data["note"])
    remaining = next_step(case)
    if remaining is not None:
        raise Conflict("steps_unfinished", f"还有步骤没有完成：下一步是“{remaining.zh}”",
                       f"Steps remain: the next is “{remaining.en}”", field="step")
    case.state, case.result, case.handled_by, case.finished_at = "resolved", data["result"], by, now
    record(case, by, "resolved", now, data["result"])
    return _report(case, who, "resolved", result=data["result"], reply=data.get("reply"))


# -- finding matters ---------------------------------------------------------------------------

def stage(case: ProgramCase) -> str:
    """waiting (no agent yet), working, resolved, returned, recalled."""
    if case.state == RECEIVED:
        return "working" if case.owner_username else "waiting"
    return case.state


def is_late(case: ProgramCase, now: datetime) -> bool:
    """Past the item's time limit: finished after it, or still open after it."""
    due = as_utc(case.due_at)
    if case.state == RECEIVED:
        return now > due
    return case.finished_at is not None and as_utc(case.finished_at) > due


def list_matters(session: Session, community: str, *, item: str | None = None,
                 stage_is: str | None = None, agent: str | None = None) -> list[ProgramCase]:
    query = select(ProgramCase).where(ProgramCase.community == community)
    if item is not None:
        query = query.where(ProgramCase.service_code == item)
    if agent is not None:
        query = query.where(ProgramCase.owner_username == agent)
    found = session.scalars(query.order_by(ProgramCase.case_id.desc()))
    return [case for case in found if stage_is is None or stage(case) == stage_is]


def earlier_matters(session: Session, case: ProgramCase) -> list[ProgramCase]:
    """The same phone's earlier matters in this program (and community), newest first."""
    if not case.phone:
        return []
    return list(session.scalars(select(ProgramCase).where(
        ProgramCase.community == case.community, ProgramCase.phone == case.phone,
        ProgramCase.case_id < case.case_id).order_by(ProgramCase.case_id.desc())))
