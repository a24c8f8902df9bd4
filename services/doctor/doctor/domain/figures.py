"""片儿医's figures, counted from its records: health records open (and closed by withdrawn
consent), free clinics held with their sign-ups and attendance, and house calls by the month
they came in — resolved, returned, still open, and finished on time (by intake's due time).
Counts only: no medical data."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.localtime import local_date, local_month

from ..models import Clinic, HealthRecord, ProgramCase, SignUp
from .cases import OPEN_STATES, on_time
from .records import OPEN, WITHDRAWN


def _count(session: Session, query) -> int:
    return session.scalar(query)


def figures(session: Session, community: str, now: datetime) -> dict:
    today = local_date(now)
    records = {state: _count(session, select(func.count(HealthRecord.id)).where(
        HealthRecord.community == community, HealthRecord.state == state))
        for state in (OPEN, WITHDRAWN)}

    clinics = []
    for clinic in session.scalars(select(Clinic).where(Clinic.community == community)
                                  .order_by(Clinic.day, Clinic.id)):
        rows = session.scalars(select(SignUp).where(SignUp.clinic_id == clinic.id)).all()
        clinics.append({"clinic_id": clinic.id, "day": clinic.day.isoformat(),
                        "place": clinic.place, "held": clinic.day <= today,
                        "signed_up": len(rows), "attended": sum(r.attended for r in rows)})
    held = [c for c in clinics if c["held"]]

    months: dict[str, dict] = {}
    for case in session.scalars(select(ProgramCase).where(ProgramCase.community == community)
                                .order_by(ProgramCase.case_id)):
        month = months.setdefault(local_month(case.received_at), {
            "month": local_month(case.received_at), "received": 0, "resolved": 0,
            "returned": 0, "open": 0, "recalled": 0, "on_time": 0, "late": 0})
        month["received"] += 1
        month["open" if case.state in OPEN_STATES else case.state] += 1
        timely = on_time(case)
        if timely is not None:
            month["on_time" if timely else "late"] += 1
    by_month = [months[key] for key in sorted(months)]
    finished = sum(m["on_time"] + m["late"] for m in by_month)
    timely = sum(m["on_time"] for m in by_month)
    return {
        "community": community,
        "records": {"open": records[OPEN], "withdrawn": records[WITHDRAWN]},
        "clinics": {"held": len(held), "planned": len(clinics) - len(held),
                    "signed_up": sum(c["signed_up"] for c in held),
                    "attended": sum(c["attended"] for c in held), "by_clinic": clinics},
        "house_calls": {"received": sum(m["received"] for m in by_month),
                        "finished": finished, "on_time": timely,
                        "on_time_rate": f"{100 * timely / finished:.1f}%" if finished else None,
                        "by_month": by_month},
    }
