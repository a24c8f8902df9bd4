"""Time limits (办理时限): a reminder to the program when a case is overdue (催办), escalation to
the station head (升级督办) when it stays overdue for half its limit again."""
from datetime import timedelta

from sqlalchemy import select

from minzi.api import Conflict
from minzi.db import as_utc

from ..models import Case
from .access import SYSTEM, Actor, require_may
from .desk import Desk, local_minute
from .labels import CHASEABLE


def chase(desk: Desk, case: Case, actor: Actor, note: str | None = None, level: int = 1) -> None:
    """催办: a reminder to the handler; level 2 escalates to the station head."""
    if actor.staff:   # (the station's own clock chases as the system)
        require_may(actor, "chase", case)
    if case.status not in CHASEABLE:
        raise Conflict("not_chaseable", "只有办理中的诉求可以催办", "Only open cases can be chased",
                       field="status")
    case.chase_level = max(case.chase_level, level)
    action = "escalated" if level >= 2 else "chased"
    case.escalated = case.escalated or level >= 2
    desk.record(case, actor, action, note, public=False)
    desk.tell_staff(case, action, note)
    if case.program_id:
        desk.publish(f"case.chased.{case.program_id}", {
            "case_id": case.id, "tracking_code": case.tracking_code,
            "program_id": case.program_id, "level": level, "note": note},
            community=case.community_id)


def chase_overdue(desk: Desk) -> list[tuple[int, int]]:
    """Automatic chasing at ``desk.now``: a reminder when the time limit passes, escalation after
    half the limit again (at once for a case still waiting to be assigned). Returns
    ``(case_id, level)`` for each case chased."""
    chased = []
    query = select(Case).where(Case.status.in_(CHASEABLE), Case.due_at < desk.now,
                               Case.chase_level < 2).order_by(Case.id)
    if desk.session.bind.dialect.name == "postgresql":
        # copies of intake chase side by side: each case is chased by one of them
        query = query.with_for_update(skip_locked=True, of=Case)
    for case in desk.session.scalars(query).unique():
        limit = timedelta(hours=case.time_limit_hours or desk.unassigned_time_limit_hours)
        overdue_by = desk.now - as_utc(case.due_at)
        if case.status == "awaiting_assignment" or overdue_by >= limit / 2:
            chase(desk, case, SYSTEM, f"超过办理时限 {_hours(overdue_by)}，升级至站长督办", level=2)
            chased.append((case.id, 2))
        elif case.chase_level < 1:
            chase(desk, case, SYSTEM,
                  f"已超过办理时限（应于 {local_minute(case.due_at)} 前办结），请尽快办理", level=1)
            chased.append((case.id, 1))
    return chased


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} 小时" if hours >= 1 else f"{max(1, int(delta.total_seconds() // 60))} 分钟"
