"""三率 (response, resolution, satisfaction) and the on-time rate, as 12345 hotlines are judged."""
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from minzi.db import as_utc
from minzi.localtime import local_month

from ..models import BEIJING_MONTH, Case

GROUPS = ("program", "month", "community")
UNASSIGNED = "(未分派)"
ANSWERED = ("replied", "closed", "out_of_scope")


def figures(cases: Iterable[Case], group_by: Sequence[str] = GROUPS) -> list[dict]:
    """The rates for ``cases``, one row per group (program, Beijing month of registration,
    community, as asked), sorted by the group's key.

    response rate     cases that got a first response (accepted or answered) / cases received
    resolution rate   follow-ups that said "resolved" / follow-ups
    satisfaction rate follow-ups that said "satisfied" / follow-ups
    on-time rate      cases resolved by their deadline / cases resolved
    Duplicates are counted with the case they repeat, not again.
    """
    groups: dict[tuple, dict] = {}
    for case in cases:
        if case.status == "duplicate":
            continue
        key_parts = {"program": case.program_id or UNASSIGNED,
                     "month": local_month(case.created_at),
                     "community": case.community_id}
        key = tuple(key_parts[g] for g in group_by)
        row = groups.setdefault(key, {**{g: key_parts[g] for g in group_by}, "received": 0,
                                      "responded": 0, "resolved": 0, "resolved_on_time": 0,
                                      "followed_up": 0, "followup_resolved": 0, "satisfied": 0})
        row["received"] += 1
        if case.first_response_at:
            row["responded"] += 1
        if case.resolved_at or case.status in ANSWERED:
            row["resolved"] += 1
            done = as_utc(case.resolved_at or case.replied_at)
            if case.due_at is None or (done and done <= as_utc(case.due_at)):
                row["resolved_on_time"] += 1
        if case.followup_resolved is not None:
            row["followed_up"] += 1
            row["followup_resolved"] += int(bool(case.followup_resolved))
            row["satisfied"] += int(bool(case.followup_satisfied))
    return _with_rates(groups)


def _count(condition: ColumnElement) -> ColumnElement:
    # (COUNT ... FILTER: no CASE to evaluate per case, and 0 rather than NULL for none)
    return func.count().filter(condition)


_ANSWERED = or_(Case.resolved_at.is_not(None), Case.status.in_(ANSWERED))
_DONE = func.coalesce(Case.resolved_at, Case.replied_at)
# what ``figures`` counts of each case, as SQL counts
COUNTS = {
    "received": func.count(),
    "responded": _count(Case.first_response_at.is_not(None)),
    "resolved": _count(_ANSWERED),
    "resolved_on_time": _count(and_(_ANSWERED,
                                    or_(Case.due_at.is_(None), Case.due_at >= _DONE))),
    "followed_up": _count(Case.followup_resolved.is_not(None)),
    "followup_resolved": _count(Case.followup_resolved.is_(True)),
    "satisfied": _count(and_(Case.followup_resolved.is_not(None),
                             Case.followup_satisfied.is_(True))),
}


def _local_month(dialect: str) -> ColumnElement:
    """``local_month`` of a case's registration, in SQL: the month's first moment on PostgreSQL
    (cheaper than to_char per case; ``models.BEIJING_MONTH``, which its statistics know), its
    ``YYYY-MM`` on SQLite, which keeps UTC. Beijing has been UTC+8 all year round since 1992."""
    if dialect == "postgresql":
        return literal_column(BEIJING_MONTH)
    return func.strftime("%Y-%m", Case.created_at, "+8 hours")


def figures_of(session: Session, where: Sequence[ColumnElement],
               group_by: Sequence[str] = GROUPS) -> list[dict]:
    """``figures`` of the cases ``where`` says, counted in the database."""
    keys = {"program": Case.program_id,
            "month": _local_month(session.get_bind().dialect.name),
            "community": Case.community_id}
    columns = [keys[g] for g in group_by]
    query = select(*columns, *COUNTS.values()).where(*where, Case.status != "duplicate")
    if columns:
        query = query.group_by(*columns)
    groups: dict[tuple, dict] = {}
    for found in session.execute(query):
        parts = dict(zip(group_by, found[:len(columns)], strict=True))
        if "program" in parts:
            parts["program"] = parts["program"] or UNASSIGNED
        if isinstance(parts.get("month"), datetime):
            parts["month"] = f"{parts['month']:%Y-%m}"
        counts = dict(zip(COUNTS, found[len(columns):], strict=True))
        if not counts["received"]:
            continue   # (no case at all: no row, as ``figures`` gives none)
        key = tuple(parts[g] for g in group_by)
        row = groups.setdefault(key, {**parts, **dict.fromkeys(COUNTS, 0)})
        for name, n in counts.items():
            row[name] += int(n)
    return _with_rates(groups)


def _with_rates(groups: dict[tuple, dict]) -> list[dict]:
    out = []
    for key in sorted(groups):
        row = groups[key]
        row["response_rate"] = rate(row["responded"], row["received"])
        row["resolution_rate"] = rate(row["followup_resolved"], row["followed_up"])
        row["satisfaction_rate"] = rate(row["satisfied"], row["followed_up"])
        row["on_time_rate"] = rate(row["resolved_on_time"], row["resolved"])
        out.append(row)
    return out


def rate(part: int, whole: int) -> float | None:
    return None if not whole else round(part / whole, 4)
