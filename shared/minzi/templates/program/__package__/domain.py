"""__PROGRAM_ID__'s rules, as plain Python: no nameko here."""
from minzi.api import Conflict, Forbidden, NotFound
from minzi.envelope import isoformat, utcnow

from .models import ProgramCase

PROGRAM_ID = "__PROGRAM_ID__"
OPERATOR_ROLES = ("program_staff", "handler")


def record(case, by, action, note=None):
    """Every change on the case's own record: who, when, what."""
    case.updated_at = utcnow()
    case.history = [*(case.history or []), {"at": isoformat(case.updated_at), "by": by,
                                            "action": action, "note": note}]


def require_operator(staff):
    """The program's own staff, or an admin, of the community in question."""
    if staff is None:
        raise Forbidden("unauthenticated", "请先登录", "Log in first", status=401)
    if staff["role"] == "admin" or (staff["role"] in OPERATOR_ROLES
                                    and staff.get("program_id") == PROGRAM_ID):
        return
    raise Forbidden("not_program_staff", "只有本项目工作人员可以操作", "Only this program's staff")


def receive(session, data):
    """A case from intake (``case.dispatched``); returns the report to send back."""
    case = session.get(ProgramCase, data["case_id"])
    if case is None:
        case = ProgramCase(case_id=data["case_id"], chases=0)
        session.add(case)
    case.tracking_code = data["tracking_code"]
    case.community = data["community"]
    case.service_code = data["service_code"]
    case.description = data["description"]
    case.resident = data.get("resident") or {}
    case.attributes = data.get("attributes") or {}
    case.state = "received"
    record(case, "intake", "received", data.get("note"))
    return {"case_id": case.case_id, "program_id": PROGRAM_ID, "status": "accepted",
            "note": "已收到，正在办理"}


def chased(session, data):
    case = session.get(ProgramCase, data["case_id"])
    if case is not None:
        case.chases += 1
        record(case, "intake", "chased", data.get("note"))


def recalled(session, data):
    case = session.get(ProgramCase, data["case_id"])
    if case is not None and case.state == "received":
        case.state = "recalled"
        record(case, "intake", "recalled", data.get("note"))


def get_case(session, case_id, staff):
    case = session.get(ProgramCase, case_id)
    if case is None or case.community != staff["community"]:
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的诉求", f"No case {case_id}",
                       field="case_id")
    return case


def finish(case, staff, *, resolved, text, reply=None):
    """Resolve (with a result) or return (with why) a case; returns the report for intake."""
    if case.state != "received":
        raise Conflict("case_closed", "这件诉求已经办完或已被收回", "The case is no longer open",
                       field="case_id")
    case.state = "resolved" if resolved else "returned"
    case.result = text
    case.handled_by = staff["name"]
    record(case, f"{staff['name']}（{staff['username']}）", case.state, text)
    report = {"case_id": case.case_id, "program_id": PROGRAM_ID, "handler": staff["name"]}
    if resolved:
        return {**report, "status": "resolved", "result": text, "reply": reply}
    return {**report, "status": "returned", "note": text}


def case_view(case):
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code, "state": case.state,
            "description": case.description, "resident": case.resident,
            "attributes": case.attributes, "chases": case.chases, "result": case.result,
            "handled_by": case.handled_by, "history": case.history or []}
