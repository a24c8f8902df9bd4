"""The association's figures, counted from its records: members, kept dogs and how many are
vaccinated and registered now (a percentage rounded half up to one decimal, exact), the
officers serving, the complaints by kind and by Beijing month with how many were resolved
within their time limit, the talks and warnings, and the reminders to call."""
from collections import Counter
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.i18n import label
from minzi.localtime import local_date, local_month

from ..models import Dog, Member, ProgramCase, Reminder
from .cases import on_time
from .codes import COMPLAINTS, OFFICES
from .dogs import flags, registration_current, vaccination_current
from .officers import serving


def percent(part: int, whole: int) -> str | None:
    """``part`` of ``whole`` in per cent, one decimal, rounded half up; None of nothing."""
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def figures(session: Session, community: str, now: datetime, lang: str = "zh") -> dict:
    today = local_date(now)
    members = session.scalars(select(Member).where(Member.community == community)).all()
    dogs = session.scalars(select(Dog).where(Dog.community == community,
                                             Dog.state == "active")).all()
    vaccinated = sum(vaccination_current(dog, today) for dog in dogs)
    registered = sum(registration_current(dog, today) for dog in dogs)
    officers = Counter(o.role for o in serving(session, community))
    cases = session.scalars(select(ProgramCase).where(ProgramCase.community == community)
                            .order_by(ProgramCase.case_id)).all()
    by_kind = Counter(case.service_code for case in cases)
    months: dict[str, Counter] = {}
    for case in cases:
        months.setdefault(local_month(case.received_at), Counter())[case.service_code] += 1
    resolved = [case for case in cases if case.state == "resolved"]
    reminders = Counter(session.scalars(select(Reminder.state).where(
        Reminder.community == community)).all())
    return {
        "community": community, "as_of": today.isoformat(),
        "members": {"active": sum(m.state == "active" for m in members),
                    "left": sum(m.state == "left" for m in members),
                    "warned": sum(m.warnings > 0 for m in members)},
        "dogs": {"kept": len(dogs), "vaccination_current": vaccinated,
                 "vaccination_current_percent": percent(vaccinated, len(dogs)),
                 "registration_current": registered,
                 "registration_current_percent": percent(registered, len(dogs)),
                 "flagged": sum(bool(flags(dog, today)) for dog in dogs)},
        "officers": [{"role": role, "label": label(OFFICES, role, lang),
                      "count": officers[role]} for role in OFFICES],
        "complaints": {
            "total": len(cases),
            "by_kind": [{"kind": kind, "label": label(COMPLAINTS, kind, lang),
                         "count": by_kind[kind]} for kind in COMPLAINTS],
            "by_month": [{"month": month, "total": sum(counts.values()),
                          "by_kind": {kind: counts[kind] for kind in COMPLAINTS}}
                         for month, counts in sorted(months.items())],
            "open": sum(case.state == "received" for case in cases),
            "resolved": len(resolved),
            "resolved_on_time": sum(on_time(case) for case in resolved),
            "resolved_on_time_percent": percent(sum(on_time(case) for case in resolved),
                                                len(resolved)),
            "returned": sum(case.state == "returned" for case in cases),
            "talks": sum(case.talks or 0 for case in cases),
            "warnings": sum(case.warnings or 0 for case in cases),
        },
        "reminders": {"to_call": reminders["to_call"], "called": reminders["called"]},
    }
