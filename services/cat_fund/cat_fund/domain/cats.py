"""The cats' records: found, sterilised, vaccinated, seen by a vet, and where they are now.

Every change goes on the cat's own history (who, when, what). A cat recorded as deceased keeps
its record but takes no new status and no vaccination.
"""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from minzi.api import DomainError, NotFound, Staff

from ..models import Cat, CatEvent, Vaccination, VetVisit


def cat_event(session: Session, cat: Cat, action: str, detail: dict, by: Staff,
              now: datetime) -> None:
    """A line on the cat's history; the cat is marked as changed by ``by`` at ``now``."""
    session.add(CatEvent(cat_id=cat.id, action=action, detail=detail, by=by, at=now))
    cat.updated_by = by
    cat.updated_at = now


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


def create_cat(session: Session, community: str, data: dict, by: Staff, now: datetime) -> Cat:
    cat = Cat(community=community, name=data.get("name"), sex=data.get("sex") or "unknown",
              colour=data.get("colour"), description=data.get("description"),
              found_at=data["found_at"], found_on=data["found_on"],
              status=data.get("status") or "in_shelter",
              sterilised_on=data.get("sterilised_on"), sterilised_by=data.get("sterilised_by"),
              created_by=by, created_at=now, updated_by=by, updated_at=now)
    if (cat.sterilised_on is None) != (cat.sterilised_by is None):
        raise DomainError("sterilisation_incomplete", "绝育需同时填写日期和兽医",
                          "A sterilisation needs both its date and the vet",
                          field="sterilised_by" if cat.sterilised_by is None else "sterilised_on")
    session.add(cat)
    session.flush()
    cat_event(session, cat, "created", _jsonable(data), by, now)
    return cat


def get_cat(session: Session, community: str, cat_id: int, *, lock: bool = False,
            field: str | None = None) -> Cat:
    """A cat of the community (locked until the transaction ends with ``lock``); another
    community's is not found."""
    cat = session.get(Cat, cat_id, with_for_update=lock or None)
    if cat is None or cat.community != community:
        raise NotFound("cat_not_found", f"没有编号为 {cat_id} 的猫", f"No cat number {cat_id}",
                       field=field)
    return cat


def update_cat(session: Session, community: str, cat_id: int, data: dict, by: Staff,
               now: datetime) -> Cat:
    cat = get_cat(session, community, cat_id, lock=True)
    if cat.status == "deceased" and data.get("status") not in (None, "deceased"):
        raise DomainError("cat_deceased", "这只猫已登记死亡，状态不能再改",
                          "This cat is recorded as deceased; its status cannot change",
                          field="status")
    changes = {}
    for key, value in data.items():
        if getattr(cat, key) != value:
            changes[key] = {"from": getattr(cat, key), "to": value}
            setattr(cat, key, value)
    if changes:
        cat_event(session, cat, "status_changed" if set(changes) == {"status"} else "updated",
                  {k: _jsonable(v) for k, v in changes.items()}, by, now)
    return cat


def record_sterilisation(session: Session, community: str, cat_id: int, data: dict, by: Staff,
                         now: datetime) -> Cat:
    cat = get_cat(session, community, cat_id, lock=True)
    if cat.sterilised_on is not None:
        raise DomainError("already_sterilised",
                          f"这只猫已于 {cat.sterilised_on.isoformat()} 绝育（{cat.sterilised_by}）",
                          f"This cat was already sterilised on {cat.sterilised_on.isoformat()} "
                          f"({cat.sterilised_by})")
    if data["date"] < cat.found_on:
        raise DomainError("before_found", "绝育日期早于发现日期",
                          "The date is before the cat was found", field="date")
    cat.sterilised_on, cat.sterilised_by = data["date"], data["vet"]
    cat_event(session, cat, "sterilised", _jsonable(data), by, now)
    return cat


def record_vaccination(session: Session, community: str, cat_id: int, data: dict, by: Staff,
                       now: datetime) -> Vaccination:
    cat = get_cat(session, community, cat_id, lock=True)
    if cat.status == "deceased":
        raise DomainError("cat_deceased", "这只猫已登记死亡", "This cat is recorded as deceased")
    vaccination = Vaccination(cat_id=cat.id, vaccine=data["vaccine"], given_on=data["given_on"],
                              next_due_on=data.get("next_due_on"), vet=data.get("vet"),
                              recorded_by=by, recorded_at=now)
    session.add(vaccination)
    session.flush()
    cat_event(session, cat, "vaccinated", _jsonable(data), by, now)
    return vaccination


def record_vet_visit(session: Session, community: str, cat_id: int, data: dict, by: Staff,
                     now: datetime) -> VetVisit:
    cat = get_cat(session, community, cat_id, lock=True)
    visit = VetVisit(cat_id=cat.id, visited_on=data["visited_on"], vet=data["vet"],
                     reason=data["reason"], diagnosis=data.get("diagnosis"),
                     treatment=data.get("treatment"), recorded_by=by, recorded_at=now)
    session.add(visit)
    session.flush()
    cat_event(session, cat, "vet_visit", _jsonable(data), by, now)
    return visit
