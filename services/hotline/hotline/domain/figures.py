"""The hotline's figures, counted from its records: merchants by category (registered, offered
to residents, suspended), the doors the card is posted at, calls by category and by Beijing
month, the jobs routed and how merchants answered (in time: within 2 hours), the average
rating per merchant, and complaints."""
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.i18n import label
from minzi.localtime import local_month, local_range

from ..models import Complaint, DoorPosting, Job, Merchant, ProgramCase
from .codes import CATEGORIES
from .jobs import in_time
from .merchants import status


def average(ratings: list[int]) -> str | None:
    """The mean of 1–5 ratings to one decimal, exactly (half up): [5, 4] → "4.5"."""
    if not ratings:
        return None
    mean = Decimal(sum(ratings)) / Decimal(len(ratings))
    return str(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def figures(session: Session, community: str, day_from: date | None = None,
            day_to: date | None = None, lang: str = "zh") -> dict:
    merchants = list(session.scalars(select(Merchant).where(Merchant.community == community)
                                     .order_by(Merchant.id)))
    start, end = local_range(day_from, day_to)
    query = select(ProgramCase).where(ProgramCase.community == community)
    if start is not None:
        query = query.where(ProgramCase.received_at >= start)
    if end is not None:
        query = query.where(ProgramCase.received_at < end)
    calls = list(session.scalars(query))
    case_ids = {case.case_id for case in calls}
    jobs = [job for job in session.scalars(select(Job).where(Job.community == community)
                                           .order_by(Job.id)) if job.case_id in case_ids]
    complaints = list(session.scalars(select(Complaint).where(Complaint.community == community)))

    months: dict[str, Counter] = {}
    for case in calls:
        months.setdefault(local_month(case.received_at), Counter())[case.service_code] += 1
    by_category = Counter(case.service_code for case in calls)
    responded = [job for job in jobs if job.responded_at is not None]
    ratings: dict[int, list[int]] = {}
    for job in jobs:
        if job.rating is not None:
            ratings.setdefault(job.merchant_id, []).append(job.rating)
    names = {m.id: m.name for m in merchants}
    return {
        "community": community,
        "from": day_from.isoformat() if day_from else None,
        "to": day_to.isoformat() if day_to else None,
        "merchants": {
            "total": len(merchants),
            "offered": sum(status(m) == "offered" for m in merchants),
            "suspended": sum(m.suspended for m in merchants),
            "by_category": [{"category": code, "label": label(CATEGORIES, code, lang),
                             "registered": sum(code in m.categories for m in merchants),
                             "offered": sum(code in m.categories and status(m) == "offered"
                                            for m in merchants)}
                            for code in CATEGORIES]},
        "doors_posted": session.scalar(select(func.count()).select_from(DoorPosting).where(
            DoorPosting.community == community)),
        "calls": {
            "total": len(calls),
            "by_category": [{"category": code, "label": label(CATEGORIES, code, lang),
                             "count": by_category[code]} for code in CATEGORIES],
            "by_month": [{"month": month, "total": sum(counts.values()),
                          **{code: counts[code] for code in CATEGORIES}}
                         for month, counts in sorted(months.items())],
            "resolved": sum(case.state == "resolved" for case in calls),
            "returned": sum(case.state == "returned" for case in calls)},
        "jobs": {
            "routed": len(jobs),
            "picked_by_rule": sum(job.picked_by == "rule" for job in jobs),
            "responded": len(responded),
            "responded_in_time": sum(in_time(job) for job in responded),
            "declined": sum(job.state == "declined" for job in jobs),
            "done": sum(job.state == "done" for job in jobs)},
        "ratings": [{"merchant_id": merchant_id, "merchant": names[merchant_id],
                     "count": len(given), "average": average(given)}
                    for merchant_id, given in sorted(ratings.items())],
        "complaints": {
            "received": len(complaints),
            "upheld": sum(c.upheld is True for c in complaints),
            "rejected": sum(c.upheld is False for c in complaints),
            "pending": sum(c.upheld is None for c in complaints)},
    }
