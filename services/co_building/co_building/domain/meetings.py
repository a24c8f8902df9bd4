"""Six-party joint meetings (六方联席会 / 六方会诊): NPC deputies, resident representatives,
street leaders, the community's two committees, property companies and local units meet on the
issues that need coordination. A meeting is recorded once held: its day (not in the future),
who of each of the six parties was there (every party, or it was not a six-party meeting), the
issues it took up (open, sorted as needing coordination) and what it decided."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.program_cases import RECEIVED
from minzi.store import Transaction

from ..models import Meeting, ProgramCase
from .activity import record
from .cases import record as record_on_case
from .codes import PARTIES


def record_meeting(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
                   now: datetime) -> Meeting:
    if data["day"] > local_date(now):
        raise DomainError("meeting_in_future", "联席会的日期不能晚于今天：会后再登记",
                          "A meeting is recorded once held: its day cannot be in the future",
                          field="day", status=422)
    attendees = {party: [name for name in data["attendees"].get(party, []) if name]
                 for party in PARTIES}
    missing = [party for party, names in attendees.items() if not names]
    if missing:
        raise DomainError(
            "parties_missing",
            "六方联席会须六方都有人出席，缺少：" + "、".join(PARTIES[p][0] for p in missing),
            "A six-party joint meeting needs every party present; missing: "
            + ", ".join(PARTIES[p][1] for p in missing), field="attendees", status=422)
    cases = []
    for case_id in dict.fromkeys(data["case_ids"]):
        case = tx.session.get(ProgramCase, case_id)
        if case is None or case.community != community:
            raise DomainError("unknown_issue", f"没有编号为 {case_id} 的诉求",
                              f"No issue {case_id}", field="case_ids", status=422)
        if case.state != RECEIVED or case.kind != "coordination":
            raise Conflict("issue_not_coordination",
                           f"诉求 {case_id} 不是办理中的“需协调”诉求，不能提交联席会",
                           f"Issue {case_id} is not an open issue that needs coordination",
                           field="case_ids")
        cases.append(case)
    meeting = Meeting(community=community, day=data["day"], place=data["place"],
                      topic=data["topic"], attendees=attendees,
                      case_ids=[case.case_id for case in cases], decisions=data["decisions"],
                      created_at=now, created_by=actor_name(who))
    tx.session.add(meeting)
    tx.session.flush()
    for case in cases:
        case.meeting_id = meeting.id
        record_on_case(case, actor_name(who), "meeting", now, data["decisions"],
                       meeting_id=meeting.id, day=meeting.day.isoformat())
    record(tx, community, "meeting", meeting.id, "held", who, now,
           case_ids=meeting.case_ids)
    return meeting


def get_meeting(session: Session, meeting_id: int, community: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.community != community:
        raise NotFound("meeting_not_found", f"没有编号为 {meeting_id} 的联席会",
                       f"No joint meeting {meeting_id}", field="meeting_id")
    return meeting


def list_meetings(session: Session, community: str) -> list[Meeting]:
    return list(session.scalars(select(Meeting).where(Meeting.community == community)
                                .order_by(Meeting.day, Meeting.id)))
