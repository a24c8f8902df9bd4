"""The cases intake hands the volunteer grid, and what the grid does with them:

* ``volunteer_signup`` (志愿者报名): a resident wants to volunteer. Staff enrol them on the
  roster (where they live, their skills), which resolves the case with a reply saying so.
* ``building_head_report`` (向楼长反映): a matter for the resident's building head. Staff forward
  it to the building's head now (named on the record), note progress, and resolve it with the
  reply for the resident.
Any case may be returned to intake with why. A case's record (``history``) says who did what."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from minzi import program_cases
from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.store import Transaction

from ..models import Building, ProgramCase, Volunteer, Zone
from . import posts
from .access import PROGRAM_ID
from .codes import LEVELS
from .grid import get_place
from .volunteers import add_volunteer

INTAKE = "intake"
SIGNUP, HEAD_REPORT = "volunteer_signup", "building_head_report"


def record(case: ProgramCase, by: str, action: str, now: datetime, note: str | None = None,
           **detail: object) -> None:
    """Every change on the case's own record: who, when, what."""
    case.updated_at = now
    case.history = [*(case.history or []), {"at": isoformat(now), "by": by, "action": action,
                                            "note": note, **detail}]


def receive(tx: Transaction, data: dict, now: datetime) -> dict:
    """A case from intake (``case.dispatched``); returns the report to send back."""
    case = program_cases.keep(tx.session, ProgramCase, data, now)
    case.address = data.get("address")
    record(case, INTAKE, "received", now, data.get("note"))
    note = "志愿者网格已收到报名，将尽快与您联系登记" if case.service_code == SIGNUP \
        else "志愿者网格已收到，将转给您所在楼的楼长"
    return {"status": "accepted", "note": note}


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


def _open(case: ProgramCase, service_code: str | None = None) -> None:
    if case.state != program_cases.RECEIVED:
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")
    if service_code is not None and case.service_code != service_code:
        raise Conflict("wrong_service", "这件诉求不是这一类，不能这样办理",
                       "This case is not of that kind", field="case_id")


def _resolve(case: ProgramCase, by: str, now: datetime, result: str, reply: str | None) -> dict:
    case.state, case.result, case.handled_by = "resolved", result, by
    record(case, by, "resolved", now, result)
    return {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": by,
            "status": "resolved", "result": result, "reply": reply}


def enrol(tx: Transaction, case_id: int, data: dict[str, Any], who: Staff,
          now: datetime) -> tuple[Volunteer, dict]:
    """A resident's signing up, made a volunteer of the roster with the name and phone intake
    has (or those staff give), and the case resolved with a reply. Returns the volunteer and
    the report for intake."""
    case = get_case(tx.session, case_id, who)
    _open(case, SIGNUP)
    resident = case.resident or {}
    details = {"name": data.get("name") or resident.get("name"),
               "phone": data.get("phone") or resident.get("phone")}
    for key, value in details.items():
        if not value:
            raise DomainError(f"{key}_required", "诉求里没有报名人的" +
                              ("姓名" if key == "name" else "手机号") + "，请填写",
                              f"The case has no {key}: give it", field=key, status=422)
    volunteer = add_volunteer(tx, case.community, {**data, **details}, who, now,
                              case_id=case.case_id)
    zone = tx.session.get(Zone, volunteer.zone_id)
    by = actor_name(who)
    record(case, by, "enrolled", now, volunteer_id=volunteer.id)
    reply = data.get("reply") or (
        f"{volunteer.name}您好，您已登记为彩虹城社区志愿者，编入{zone.name}。"
        "区长、楼长会与您联系安排值勤，感谢您的奉献！")
    return volunteer, _resolve(case, by, now, f"已登记为志愿者（编号 {volunteer.id}，{zone.name}）",
                               reply)


def forward(tx: Transaction, case_id: int, data: dict[str, Any], who: Staff,
            now: datetime) -> ProgramCase:
    """A matter handed to the building's head now; a building with no head is refused."""
    case = get_case(tx.session, case_id, who)
    _open(case, HEAD_REPORT)
    building = get_place(tx.session, Building, case.community, data["building_id"],
                         field="building_id")
    held = posts.current_posts(tx.session, case.community, level="building_head",
                               place_id=building.id)
    if not held:
        raise Conflict("no_head", f"{building.name}现在没有{label(LEVELS, 'building_head')}，"
                       "请先在网格里任命", f"{building.name} has no building head now: "
                       "appoint one first", field="building_id")
    head = tx.session.get(Volunteer, held[0].volunteer_id)
    case.building_id, case.forwarded_to = building.id, head.name
    record(case, actor_name(who), "forwarded", now, data.get("note"), building=building.name,
           head=head.name)
    return case


def progress(tx: Transaction, case_id: int, data: dict[str, Any], who: Staff,
             now: datetime) -> ProgramCase:
    case = get_case(tx.session, case_id, who)
    _open(case)
    record(case, actor_name(who), "progress", now, data["note"])
    return case


def finish(tx: Transaction, case_id: int, data: dict[str, Any], who: Staff, now: datetime, *,
           resolved: bool) -> dict:
    """Resolve (with a result and the reply) or return (with why); the report for intake."""
    case = get_case(tx.session, case_id, who)
    _open(case)
    by = actor_name(who)
    if resolved:
        return _resolve(case, by, now, data["result"], data.get("reply"))
    case.state, case.result, case.handled_by = "returned", data["note"], by
    record(case, by, "returned", now, data["note"])
    return {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": by,
            "status": "returned", "note": data["note"]}
