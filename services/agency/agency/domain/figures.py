"""The agency program's figures, counted from its matters: by item (with the seed's twelve
items offered), by stage, on time or late against each item's own time limit, and by the
Beijing month they arrived in."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.i18n import label
from minzi.localtime import local_month

from ..models import ProgramCase
from .catalogue import ITEMS
from .codes import STAGES
from .matters import is_late, stage


def _timeliness(cases: list[ProgramCase], now: datetime) -> dict:
    """Resolved within the item's limit or after it, and open matters already past it."""
    resolved = [c for c in cases if c.state == "resolved"]
    on_time = sum(1 for c in resolved if not is_late(c, now))
    open_late = sum(1 for c in cases if c.state == "received" and is_late(c, now))
    return {"resolved_on_time": on_time, "resolved_late": len(resolved) - on_time,
            "open_overdue": open_late,
            "on_time_rate": round(on_time / len(resolved), 4) if resolved else None}


def figures(session: Session, community: str, now: datetime, lang: str = "zh") -> dict:
    cases = list(session.scalars(select(ProgramCase).where(
        ProgramCase.community == community).order_by(ProgramCase.case_id)))
    by_item = []
    for code, item in ITEMS.items():
        own = [c for c in cases if c.service_code == code]
        counts = dict.fromkeys(STAGES, 0)
        for case in own:
            counts[stage(case)] += 1
        by_item.append({"item": code, "name": item.zh if lang == "zh" else item.en,
                        "named_in_seed": item.seed, "time_limit_hours": item.time_limit_hours,
                        "matters": len(own), **counts, **_timeliness(own, now)})
    by_stage = dict.fromkeys(STAGES, 0)
    for case in cases:
        by_stage[stage(case)] += 1
    months: dict[str, list[ProgramCase]] = {}
    for case in cases:
        months.setdefault(local_month(case.received_at), []).append(case)
    return {
        "items_offered": len(ITEMS),
        "items_named_in_seed": sum(1 for item in ITEMS.values() if item.seed),
        "matters": len(cases),
        "by_stage": [{"stage": s, "name": label(STAGES, s, lang), "matters": by_stage[s]}
                     for s in STAGES],
        "by_item": by_item,
        "timeliness": _timeliness(cases, now),
        "by_month": [{"month": month, "matters": len(own),
                      "resolved": sum(1 for c in own if c.state == "resolved"),
                      **{k: v for k, v in _timeliness(own, now).items()
                         if k in ("resolved_on_time", "resolved_late")}}
                     for month, own in sorted(months.items())],
    }
