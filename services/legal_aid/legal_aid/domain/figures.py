"""The legal-aid home's figures for a period, counted from the records (never kept as counters):
lectures held and their attendance, visitors received and problems solved, by area of law and by
month (Beijing dates and months)."""
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from minzi.i18n import label
from minzi.localtime import local_month

from ..models import Booking, ConsultationDay, Lecture, LegalCase, Reception, Registration, Slot
from .codes import AREAS_OF_LAW, OUTCOMES
from .views import within_days


def _attendance(session: Session, held_ids: set[int]) -> Counter:
    """Who came to each lecture held: marked present (walk-ins included). Only a seat is marked
    present, and a held lecture's seats can no longer be cancelled."""
    if not held_ids:
        return Counter()
    return Counter(dict(session.execute(
        select(Registration.lecture_id, func.count()).where(
            Registration.lecture_id.in_(held_ids), Registration.attended.is_(True))
        .group_by(Registration.lecture_id)).all()))


def _consultation_days(session: Session, community: str, day_from: date | None,
                       day_to: date | None) -> dict[str, int]:
    days = session.execute(select(ConsultationDay.id).where(
        ConsultationDay.community == community,
        *([ConsultationDay.day >= day_from] if day_from else []),
        *([ConsultationDay.day <= day_to] if day_to else []))).scalars().all()
    slots, kinds = 0, {}
    if days:
        slots = session.scalar(select(func.count()).select_from(Slot)
                               .where(Slot.day_id.in_(days)))
        kinds = dict(session.execute(select(Booking.kind, func.count()).where(
            Booking.day_id.in_(days), Booking.status == "active")
            .group_by(Booking.kind)).all())
    return {"days": len(days), "slots": slots or 0, "booked": kinds.get("booked", 0),
            "walk_ins": kinds.get("walk_in", 0)}


def figures(session: Session, community: str, day_from: date | None = None,
            day_to: date | None = None, lang: str = "zh") -> dict[str, Any]:
    """The program's figures for a period (Beijing dates, both ends included), counted from the
    records: lectures held and their attendance, visitors received, problems solved."""
    def within(column: Any, query: Select) -> Select:
        return within_days(query, column, day_from, day_to)

    months: defaultdict[str, dict[str, int]] = defaultdict(
        lambda: {"lectures_held": 0, "attendance": 0, "received": 0, "solved": 0})
    lectures = session.execute(within(Lecture.starts_at, select(
        Lecture.id, Lecture.starts_at, Lecture.status).where(
            Lecture.community == community))).all()
    held_ids = {row.id for row in lectures if row.status == "held"}
    attendance = _attendance(session, held_ids)
    for row in lectures:
        if row.status == "held":
            months[local_month(row.starts_at)]["lectures_held"] += 1
            months[local_month(row.starts_at)]["attendance"] += attendance[row.id]

    receptions = session.execute(within(Reception.received_at, select(
        Reception.received_at, Reception.area_of_law, Reception.outcome, Reception.visitor_id)
        .where(Reception.community == community))).all()
    by_area: defaultdict[str, dict[str, int]] = defaultdict(lambda: {"received": 0, "solved": 0})
    by_outcome: Counter = Counter()
    for row in receptions:
        months[local_month(row.received_at)]["received"] += 1
        by_area[row.area_of_law]["received"] += 1
        by_outcome[row.outcome] += 1
        if row.outcome == "solved":
            months[local_month(row.received_at)]["solved"] += 1
            by_area[row.area_of_law]["solved"] += 1

    cases = Counter(dict(session.execute(within(LegalCase.received_at, select(
        LegalCase.status, func.count()).where(LegalCase.community == community)
        .group_by(LegalCase.status))).all()))

    return {
        "community": community,
        "from": day_from.isoformat() if day_from else None,
        "to": day_to.isoformat() if day_to else None,
        "lectures": {"planned": sum(1 for r in lectures if r.status == "planned"),
                     "held": len(held_ids),
                     "cancelled": sum(1 for r in lectures if r.status == "cancelled"),
                     "attendance": sum(attendance.values())},
        "receptions": {"received": len(receptions),
                       "visitors": len({r.visitor_id for r in receptions}),
                       "solved": by_outcome["solved"],
                       "by_outcome": [{"code": code, "name": label(OUTCOMES, code, lang),
                                       "count": by_outcome[code]} for code in OUTCOMES]},
        "consultation_days": _consultation_days(session, community, day_from, day_to),
        "cases": {"received": sum(cases.values()),
                  "open": cases["accepted"] + cases["booked"],
                  "resolved": cases["resolved"], "returned": cases["returned"],
                  "recalled": cases["recalled"]},
        "by_area_of_law": [{"code": code, "name": label(AREAS_OF_LAW, code, lang),
                            **by_area[code]} for code in AREAS_OF_LAW if code in by_area],
        "by_month": [{"month": month, **months[month]} for month in sorted(months)],
    }
