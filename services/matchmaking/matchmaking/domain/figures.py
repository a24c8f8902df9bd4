"""The studio's figures for a period, by Beijing month: counts only, no one's data."""
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.db import as_utc
from minzi.i18n import label
from minzi.localtime import local_month, local_range

from ..models import Consultation, Introduction, Member, OutcomeStep, Verification
from .codes import FIGURE_LABELS, MEMBER_STATUSES
from .introductions import STAGE

FIGURES = ("registered", "verified", "rejected", "consultations", "introductions", "met",
           "dating", "married", "ended")


def figures(session: Session, community: str, day_from: date | None = None,
            day_to: date | None = None, lang: str = "zh") -> dict:
    """The studio's figures for a period (Beijing dates, both ends included), by month.

    registered: members who registered; verified / rejected: police checks recorded with that
    result; consultations: phone consultations; introductions: introductions made; met /
    dating / married: introductions that reached that stage (or a later one) in the period;
    ended: introductions that ended."""
    start, end = local_range(day_from, day_to)

    def inside(moment: datetime) -> bool:
        moment = as_utc(moment)
        return (start is None or moment >= start) and (end is None or moment < end)

    months: defaultdict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))

    def count(key: str, moment: datetime) -> None:
        months[local_month(moment)][key] += 1

    for (moment,) in session.execute(select(Member.registered_at).where(
            Member.community == community)):
        if inside(moment):
            count("registered", moment)
    for result, moment in session.execute(
            select(Verification.result, Verification.recorded_at).join(Member)
            .where(Member.community == community)):
        if inside(moment):
            count(result, moment)
    for (moment,) in session.execute(select(Consultation.called_at).where(
            Consultation.community == community)):
        if inside(moment):
            count("consultations", moment)
    steps = defaultdict(list)
    for intro_id, introduced_at, outcome, at in session.execute(
            select(Introduction.id, Introduction.introduced_at, OutcomeStep.outcome,
                   OutcomeStep.at).join(OutcomeStep)
            .where(Introduction.community == community)
            .order_by(OutcomeStep.at, OutcomeStep.id)):
        steps[intro_id].append((outcome, at))
        if outcome == "pending" and inside(introduced_at):
            count("introductions", introduced_at)
    for intro_steps in steps.values():
        # the first time an introduction reached each stage: one that jumped from pending to
        # dating has also met
        for stage in ("met", "dating", "married"):
            reached = next((at for outcome, at in intro_steps
                            if outcome in STAGE and STAGE[outcome] >= STAGE[stage]), None)
            if reached is not None and inside(reached):
                count(stage, reached)
        for outcome, at in intro_steps:
            if outcome == "ended" and inside(at):
                count("ended", at)

    totals = dict.fromkeys(FIGURES, 0)
    for row in months.values():
        for key in FIGURES:
            totals[key] += row[key]
    status_counts = dict(session.execute(select(Member.status, func.count()).where(
        Member.community == community).group_by(Member.status)).all())
    return {
        "community": community,
        "from": day_from.isoformat() if day_from else None,
        "to": day_to.isoformat() if day_to else None,
        "totals": totals,
        "couples": {"met": totals["met"], "dating": totals["dating"],
                    "married": totals["married"]},
        "by_month": [{"month": month, **months[month]} for month in sorted(months)],
        "members_now": [{"status": code, "name": label(MEMBER_STATUSES, code, lang),
                         "count": status_counts.get(code, 0)} for code in MEMBER_STATUSES],
        "labels": {key: label(FIGURE_LABELS, key, lang) for key in FIGURES},
    }
