"""三率 (response, resolution, satisfaction) and the on-time rate, as 12345 hotlines are judged."""
from collections.abc import Iterable, Sequence

from minzi.db import as_utc
from minzi.localtime import local_month

from ..models import Case

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
