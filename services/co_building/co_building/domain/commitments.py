"""The year's dual commitments (社区共建双承诺): the community commits to activities for the
units' residents and staff; each unit's party branch commits to 1–2 deeds for the community. Each
has a due date; whoever did it reports it done with evidence, and co-building's staff verify it.
A unit is behind when a deed of its is past its due date and not verified."""
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Commitment, Unit
from .access import is_member, require_unit_contact
from .activity import record
from .units import get_unit

DEEDS_PER_YEAR = 2   # each branch does 1–2 deeds a year (社区共建双承诺)


def commitment_not_found(commitment_id: int) -> NotFound:
    return NotFound("commitment_not_found", f"没有编号为 {commitment_id} 的承诺",
                    f"No commitment {commitment_id}", field="commitment_id")


def get_commitment(session: Session, commitment_id: int, community: str,
                   staff: Staff | None = None) -> Commitment:
    """A commitment of ``community``; a member unit's contact (``staff``) reaches only their own
    unit's deeds (another's, or the community's own commitments, are refused)."""
    found = session.get(Commitment, commitment_id)
    if found is None or found.community != community:
        raise commitment_not_found(commitment_id)
    if staff is not None and is_member(staff):
        unit = session.get(Unit, found.unit_id) if found.direction == "unit" else None
        require_unit_contact(staff, found.unit_id, unit.contact_username if unit else None)
    return found


def commit(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
           now: datetime) -> Commitment:
    """A commitment for ``year``, due within that year and not before today. A unit's deed
    names its unit; the community's commitment may name one unit or none (to every unit)."""
    direction, unit_id, due = data["direction"], data.get("unit_id"), data["due_on"]
    if direction == "unit" and unit_id is None:
        raise DomainError("unit_required", "单位承诺须写明是哪家共建单位",
                          "A unit's commitment names the unit", field="unit_id", status=422)
    unit = get_unit(tx.session, unit_id, community, field="unit_id") \
        if unit_id is not None else None
    if due < local_date(now):
        raise DomainError("due_in_past", "完成期限不能早于今天",
                          "The due date cannot be in the past", field="due_on", status=422)
    if due.year != data["year"]:
        raise DomainError("due_outside_year", f"完成期限应在 {data['year']} 年内",
                          f"The due date must be within {data['year']}", field="due_on",
                          status=422)
    if direction == "unit":
        deeds = tx.session.scalar(select(func.count()).select_from(Commitment).where(
            Commitment.unit_id == unit.id, Commitment.year == data["year"],
            Commitment.direction == "unit"))
        if deeds >= DEEDS_PER_YEAR:
            raise Conflict("too_many_deeds",
                           f"「{unit.name}」{data['year']} 年已承诺 {deeds} 件实事，"
                           f"每年 1 至 {DEEDS_PER_YEAR} 件",
                           f"{unit.name} has already committed {deeds} deeds for "
                           f"{data['year']}: one or two a year", field="unit_id")
    commitment = Commitment(community=community, year=data["year"], direction=direction,
                            unit_id=unit.id if unit else None, title=data["title"],
                            detail=data.get("detail"), due_on=due, status="committed",
                            created_at=now, created_by=actor_name(who))
    tx.session.add(commitment)
    tx.session.flush()
    record(tx, community, "commitment", commitment.id, "committed", who, now,
           unit_id=commitment.unit_id, due_on=due.isoformat())
    return commitment


def report_done(tx: Transaction, community: str, commitment_id: int, data: dict[str, Any],
                who: Staff, now: datetime) -> Commitment:
    """The deed is done: what shows it (``evidence``, and where a document is kept). The unit's
    contact reports their own unit's deeds; staff report any. Reporting again adds to the
    record and replaces the evidence, until it is verified."""
    commitment = get_commitment(tx.session, commitment_id, community, who)
    if commitment.status == "verified":
        raise Conflict("already_verified", "这项承诺已经核实完成，不能再改",
                       "The commitment is already verified done", field="commitment_id")
    commitment.status = "reported"
    commitment.evidence = data["evidence"]
    commitment.evidence_ref = data.get("evidence_ref")
    commitment.evidence_at = now
    commitment.evidence_by = actor_name(who)
    record(tx, community, "commitment", commitment.id, "reported_done", who, now,
           evidence=data["evidence"], evidence_ref=data.get("evidence_ref"))
    return commitment


def verify(tx: Transaction, community: str, commitment_id: int, data: dict[str, Any],
           who: Staff, now: datetime) -> Commitment:
    """Co-building's staff confirm the deed done; only with evidence on record."""
    commitment = get_commitment(tx.session, commitment_id, community)
    if commitment.status == "verified":
        raise Conflict("already_verified", "这项承诺已经核实完成", "The commitment is already "
                       "verified done", field="commitment_id")
    if not commitment.evidence:
        raise DomainError("evidence_required", "还没有完成情况的证明材料，不能核实",
                          "There is no evidence that it was done: it cannot be verified",
                          field="evidence", status=422)
    commitment.status = "verified"
    commitment.verified_at = now
    commitment.verified_by = actor_name(who)
    record(tx, community, "commitment", commitment.id, "verified", who, now,
           note=data.get("note"))
    return commitment


def is_behind(commitment: Commitment, now: datetime) -> bool:
    return commitment.status != "verified" and commitment.due_on < local_date(now)


def list_commitments(session: Session, community: str, *, year: int | None = None,
                     unit_id: int | None = None, direction: str | None = None) -> list[Commitment]:
    query = select(Commitment).where(Commitment.community == community)
    if year is not None:
        query = query.where(Commitment.year == year)
    if unit_id is not None:
        query = query.where(Commitment.unit_id == unit_id)
    if direction is not None:
        query = query.where(Commitment.direction == direction)
    return list(session.scalars(query.order_by(Commitment.due_on, Commitment.id)))


def units_behind(session: Session, community: str, now: datetime,
                 year: int | None = None) -> list[tuple[Unit, list[Commitment]]]:
    """The units with a deed past its due date and not verified, with those deeds."""
    late: dict[int, list[Commitment]] = {}
    for commitment in list_commitments(session, community, year=year, direction="unit"):
        if is_behind(commitment, now):
            late.setdefault(commitment.unit_id, []).append(commitment)
    return [(session.get(Unit, unit_id), deeds) for unit_id, deeds in sorted(late.items())]
