"""三率 (response, resolution, satisfaction) and the on-time rate, as 12345 hotlines are judged."""
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import delete, func, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from minzi.db import as_utc
from minzi.localtime import local_month

from ..models import ANSWERED, FIGURE_COUNTS, Case, case_figures_changes, case_figures_daily

GROUPS = ("program", "month", "community")
UNASSIGNED = "(未分派)"


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


def counted(session: Session, community_id: str, day_from: date | None, day_to: date | None,
            program_id: str | None = None, group_by: Sequence[str] = GROUPS) -> list[dict]:
    """``figures`` of a community's cases registered on the Beijing dates ``day_from`` ..
    ``day_to`` (either open), from the days' counts and the changes not yet folded into them,
    added in one statement."""
    def rows_of(table):
        query = select(table.c.community_id, table.c.day, table.c.program_id,
                       *(table.c[name] for name in FIGURE_COUNTS)) \
            .where(table.c.community_id == community_id)
        if day_from:
            query = query.where(table.c.day >= day_from)
        if day_to:
            query = query.where(table.c.day <= day_to)
        if program_id:
            query = query.where(table.c.program_id == program_id)
        return query
    both = union_all(rows_of(case_figures_daily), rows_of(case_figures_changes)).subquery()
    month = func.to_char(both.c.day, "YYYY-MM") \
        if session.get_bind().dialect.name == "postgresql" else func.strftime("%Y-%m", both.c.day)
    keys = {"program": both.c.program_id, "month": month, "community": both.c.community_id}
    columns = [keys[g] for g in group_by]
    query = select(*(keys[g].label(g) for g in group_by),
                   *(func.sum(both.c[name]).label(name) for name in FIGURE_COUNTS))
    if columns:
        query = query.group_by(*columns)
    groups: dict[tuple, dict] = {}
    for found in session.execute(query):
        row = found._asdict()
        if "program" in row:
            row["program"] = row["program"] or UNASSIGNED
        row.update({name: int(row[name] or 0) for name in FIGURE_COUNTS})
        if row["received"]:       # (no case at all: no row, as ``figures`` gives none)
            groups[tuple(row[g] for g in group_by)] = row
    return _with_rates(groups)


def fold_changes(session: Session) -> int:
    """Adds the changes written so far to their days' counts, and forgets them; returns how
    many days' rows it wrote. Those of transactions not yet committed stay for the next time.
    On PostgreSQL in one statement (the changes taken are exactly those added: two copies of
    intake folding at once each take their own); on SQLite, whose writers take turns, in two
    within this transaction."""
    changes = case_figures_changes
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    taken = delete(changes).returning(*changes.c).cte("taken") if on_postgresql else changes
    summed = select(taken.c.community_id, taken.c.day, taken.c.program_id,
                    *(func.sum(taken.c[n]) for n in FIGURE_COUNTS)) \
        .group_by(taken.c.community_id, taken.c.day, taken.c.program_id)
    adding = (postgresql.insert if on_postgresql else sqlite.insert)(case_figures_daily) \
        .from_select(("community_id", "day", "program_id", *FIGURE_COUNTS), summed)
    folded = session.execute(adding.on_conflict_do_update(
        index_elements=["community_id", "day", "program_id"],
        set_={n: case_figures_daily.c[n] + adding.excluded[n] for n in FIGURE_COUNTS})).rowcount
    if not on_postgresql:
        session.execute(delete(changes))
    return folded


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
