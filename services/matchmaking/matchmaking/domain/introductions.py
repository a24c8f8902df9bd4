"""Introductions: two different verified members, one open introduction per pair, and how it went
(forward only: pending → met → dating → married, or ended from any open stage)."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.db import as_utc
from minzi.i18n import label
from minzi.store import Transaction

from ..models import Introduction, OutcomeStep
from .activity import not_in_future, record
from .codes import OUTCOMES
from .members import get_member, married, require_visible

# how far along an introduction is; "ended" may follow any open stage
STAGE = {"pending": 0, "met": 1, "dating": 2, "married": 3}
FINAL_OUTCOMES = ("married", "ended")


def pair(a: int, b: int) -> str:
    """The key of an open introduction between ``a`` and ``b``, either way round."""
    low, high = sorted((a, b))
    return f"{low}:{high}"


def _married_refused(member_id: int, field: str) -> Conflict:
    return Conflict("member_married", f"会员 {member_id} 已经通过工作室结婚",
                    f"Member {member_id} has married through the studio", field=field)


def introduce(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
              now: datetime) -> Introduction:
    """Introduce two verified members to each other."""
    session = tx.session
    first_id, second_id = data["first_member_id"], data["second_member_id"]
    if first_id == second_id:
        raise DomainError("same_member", "不能把会员介绍给自己",
                          "A member cannot be introduced to themselves",
                          field="second_member_id", status=422)
    # locked in id order, so two introductions of the same people wait for each other
    locked = {member_id: get_member(session, member_id, community, lock=True,
                                    field="first_member_id" if member_id == first_id
                                    else "second_member_id")
              for member_id in sorted((first_id, second_id))}
    first, second = locked[first_id], locked[second_id]
    require_visible(first, "first_member_id")
    require_visible(second, "second_member_id")
    for member, field in ((first, "first_member_id"), (second, "second_member_id")):
        if married(session, member.id):
            raise _married_refused(member.id, field)
    key = pair(first.id, second.id)
    existing = session.scalars(select(Introduction).where(Introduction.open_pair == key)).first()
    if existing is not None:
        raise Conflict("introduction_open",
                       f"这两位会员已经有一次进行中的介绍（编号 {existing.id}）",
                       f"These two members already have an open introduction ({existing.id})",
                       field="second_member_id")
    introduced_at = not_in_future(data.get("introduced_at") or now, now, "introduced_at")
    name = actor_name(who)
    intro = Introduction(community=community, first_member_id=first.id,
                         second_member_id=second.id, open_pair=key,
                         introduced_at=introduced_at, introduced_by=name, note=data.get("note"),
                         outcome="pending", outcome_at=introduced_at, updated_at=now,
                         updated_by=name)
    session.add(intro)
    session.flush()
    session.add(OutcomeStep(introduction_id=intro.id, outcome="pending", note=data.get("note"),
                            at=introduced_at, recorded_at=now, recorded_by=name))
    record(tx, community, "introduction", intro.id, "introduced", who, now,
           first_member_id=first.id, second_member_id=second.id)
    session.flush()
    session.refresh(intro)
    return intro


def get_introduction(session: Session, intro_id: int, community: str, *,
                     lock: bool = False) -> Introduction:
    intro = session.get(Introduction, intro_id, with_for_update=lock or None)
    if intro is None or intro.community != community:
        raise NotFound("introduction_not_found", f"没有编号为 {intro_id} 的介绍",
                       f"No introduction {intro_id}")
    return intro


def set_outcome(tx: Transaction, community: str, intro_id: int, data: dict[str, Any],
                who: Staff, now: datetime) -> Introduction:
    """How an introduction went: forward only (pending → met → dating → married), or ended from
    any open stage. Married and ended are final."""
    intro = get_introduction(tx.session, intro_id, community, lock=True)
    if data["outcome"] == "married":
        for member_id in sorted((intro.first_member_id, intro.second_member_id)):
            get_member(tx.session, member_id, community, lock=True)
    outcome = data["outcome"]
    current = intro.outcome
    if current in FINAL_OUTCOMES:
        raise Conflict("introduction_closed",
                       f"这次介绍已经是“{label(OUTCOMES, current)}”，不能再改",
                       f"This introduction is already {label(OUTCOMES, current, 'en').lower()}",
                       field="outcome")
    if outcome != "ended" and STAGE[outcome] <= STAGE[current]:
        raise Conflict("outcome_backwards",
                       f"不能从“{label(OUTCOMES, current)}”改为“{label(OUTCOMES, outcome)}”",
                       f"Cannot go from {label(OUTCOMES, current, 'en').lower()} to "
                       f"{label(OUTCOMES, outcome, 'en').lower()}", field="outcome")
    at = not_in_future(data.get("at") or now, now, "at")
    if at < as_utc(intro.outcome_at):
        raise DomainError("before_last_outcome", "时间不能早于上一次进展",
                          "This cannot be earlier than the last change", field="at",
                          status=422)
    if outcome == "married":
        for member_id in (intro.first_member_id, intro.second_member_id):
            if married(tx.session, member_id):
                raise _married_refused(member_id, "outcome")
    name = actor_name(who)
    tx.session.add(OutcomeStep(introduction_id=intro.id, outcome=outcome,
                               note=data.get("note"), at=at, recorded_at=now,
                               recorded_by=name))
    intro.outcome, intro.outcome_at = outcome, at
    if outcome in FINAL_OUTCOMES:
        intro.open_pair = None
    intro.updated_at, intro.updated_by = now, name
    record(tx, community, "introduction", intro.id, f"outcome_{outcome}", who, now,
           previous=current, note=data.get("note"))
    tx.session.flush()
    tx.session.refresh(intro)
    return intro
