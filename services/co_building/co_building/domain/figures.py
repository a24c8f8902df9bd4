"""Co-building's figures, counted from its records: the issues by kind and state (with those
past their deadline, the reminders, the meetings and what units invested), each unit's deeds
committed and done in a year, the community's own commitments, and the fund's balance and use."""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.i18n import label
from minzi.localtime import local_date
from minzi.money import yuan

from ..models import Meeting, ProgramCase, Unit
from .codes import ISSUE_KINDS, ISSUE_STATES
from .commitments import is_behind, list_commitments
from .fund import BOOKS
from .issues import is_overdue, stage

UNSORTED = "unsorted"


def figures(session: Session, community: str, year: int | None, now: datetime,
            lang: str = "zh") -> dict:
    year = year or local_date(now).year
    issues = list(session.scalars(select(ProgramCase).where(ProgramCase.community == community)))
    kinds = [UNSORTED, *ISSUE_KINDS]
    by_kind = {kind: dict.fromkeys(ISSUE_STATES, 0) for kind in kinds}
    for case in issues:
        by_kind[case.kind or UNSORTED][stage(case)] += 1
    invested = sum(case.investment_fen or 0 for case in issues if case.state == "resolved")
    meetings = session.scalars(select(Meeting).where(
        Meeting.community == community, Meeting.day >= date(year, 1, 1),
        Meeting.day <= date(year, 12, 31))).all()

    commitments = list_commitments(session, community, year=year)
    units = session.scalars(select(Unit).where(Unit.community == community)
                            .order_by(Unit.id)).all()
    deeds = []
    for unit in units:
        own = [c for c in commitments if c.direction == "unit" and c.unit_id == unit.id]
        deeds.append({"unit_id": unit.id, "unit": unit.name, "committed": len(own),
                      "done": sum(c.status == "verified" for c in own),
                      "behind": sum(is_behind(c, now) for c in own)})
    ours = [c for c in commitments if c.direction == "community"]
    sums = BOOKS.totals(session, community)
    return {
        "community": community, "year": year,
        "issues": {
            "total": len(issues),
            "by_kind": [{"kind": kind, "label": label(ISSUE_KINDS, kind, lang)
                         if kind != UNSORTED else label(ISSUE_STATES, kind, lang),
                         "total": sum(by_kind[kind].values()),
                         "by_state": [{"state": state, "label": label(ISSUE_STATES, state, lang),
                                       "count": count}
                                      for state, count in by_kind[kind].items() if count]}
                        for kind in kinds],
            "overdue": sum(is_overdue(case, now) for case in issues),
            "reminders": sum(case.reminders or 0 for case in issues),
            "taken_to_meetings": sum(case.meeting_id is not None for case in issues),
            "invested_by_units": yuan(invested),
        },
        "meetings": len(meetings),
        "deeds": {"committed": sum(d["committed"] for d in deeds),
                  "done": sum(d["done"] for d in deeds),
                  "behind": sum(d["behind"] for d in deeds), "by_unit": deeds},
        "community_commitments": {"committed": len(ours),
                                  "done": sum(c.status == "verified" for c in ours)},
        "fund": {"balance": yuan(BOOKS.read_fund(session, community).balance_fen),
                 "income": yuan(sums["income"]), "spending": yuan(sums["spending"]),
                 "entry_count": sums["entry_count"]},
    }
