"""What programs say about the cases they hold: accepted, progress, resolved (with the answer),
returned; and what happens to their cases when a program stops serving."""
from sqlalchemy import select

from ..models import Case
from .access import SYSTEM, Actor
from .answers import resolve, send_reply
from .desk import Desk, find_case, hold_cases
from .registrations import admit_report

REPORTABLE = ("dispatched", "accepted")   # a program reports on a case it holds


def apply_report(desk: Desk, report: dict) -> bool:
    """A program's ``case.reported``. Returns False when it is ignored (stale or foreign)."""
    case = find_case(desk.session, report["case_id"], lock=True)
    if case is None or case.program_id != report["program_id"] or \
            case.status not in REPORTABLE:
        return False
    name = desk.registry.name(report["program_id"], report["program_id"])
    actor = Actor(name + (f"·{report['handler']}" if report.get("handler") else ""))
    status = report["status"]
    if status == "accepted":
        if case.status == "accepted":
            return False
        case.handler = report.get("handler") or case.handler
        case.first_response_at = case.first_response_at or desk.now
        desk.move(case, "accepted", actor, "accepted", report.get("note"))
    elif status == "in_progress":
        desk.record(case, actor, "progress", report.get("note"))
    elif status == "resolved":
        resolve(desk, case, actor, report["result"], handler=report.get("handler"))
        if case.owner_id is None:  # nobody at the window took it up: answer straight away
            send_reply(desk, case, actor, report.get("reply") or report["result"])
        elif report.get("reply"):
            case.reply = report["reply"]  # a draft for the owner
    elif status == "returned":
        desk.record(case, actor, "returned", report["note"])
        desk.to_station_head(case, actor, f"承办方退回：{report['note']}")
    return True


def apply_reports(desk: Desk, received: list[tuple[dict, str | None]], *,
                  development: bool) -> list[dict]:
    """Programs' reports received together, each with who sent it, in the desk's transaction:
    their cases held in one statement, each program admitted once from each sender (refused,
    the whole transaction is, see ``registrations.admit_report``), each report applied in
    order. Returns the reports ignored (stale or foreign)."""
    _cases = hold_cases(desk.session, [report["case_id"] for report, _ in received])
    # each program's record is held while the reports are applied: the session knows its name
    admitted: dict[tuple, object] = {}
    ignored = []
    for report, sender in received:
        if (report["program_id"], sender) not in admitted:
            admitted[report["program_id"], sender] = admit_report(
                desk.session, report["program_id"], sender, development=development)
        if not apply_report(desk, report):
            ignored.append(report)
    return ignored


def program_gone(desk: Desk, program_id: str) -> list[int]:
    """The program stopped serving: its unaccepted cases go back to the station head and the
    resident is told, rather than left waiting. Returns the ids of the cases moved."""
    name = desk.registry.name(program_id, program_id)
    moved = []
    for case in desk.session.scalars(select(Case).where(
            Case.program_id == program_id, Case.status == "dispatched")):
        # should the program come back, it knows the case is no longer its own
        desk.recall(case, f"「{name}」暂停服务，已改由站长另行安排")
        desk.to_station_head(case, SYSTEM, f"「{name}」暂停服务，改由站长另行安排",
                             action="program_gone")
        desk.notify(case, "program_gone", (
            f"【彩虹城社区服务站】原定承办您诉求（{case.tracking_code}）的「{name}」暂停服务，"
            "站长正在另行安排，我们会尽快答复您。"))
        moved.append(case.id)
    return moved
