"""Member units of the co-building committee and their signed responsibility agreements."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Agreement, Unit
from .access import require_unit_contact
from .activity import record

FIELDS = ("name", "kind", "party_branch", "contact_name", "contact_phone", "contact_username")
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_username")


def unit_not_found(unit_id: int) -> NotFound:
    return NotFound("unit_not_found", f"没有编号为 {unit_id} 的共建单位",
                    f"No member unit {unit_id}", field="unit_id")


def get_unit(session: Session, unit_id: int, community: str, *, field: str | None = None,
             staff: Staff | None = None) -> Unit:
    """A unit of ``community``. Named in a body (``field``), an unknown one is a 422 naming that
    field; in a path, a 404. A member unit's contact (``staff``) reaches only their own unit."""
    unit = session.get(Unit, unit_id)
    if unit is None or unit.community != community:
        if field:
            raise DomainError("unknown_unit", f"没有编号为 {unit_id} 的共建单位",
                              f"No member unit {unit_id}", field=field, status=422)
        raise unit_not_found(unit_id)
    if staff is not None:
        require_unit_contact(staff, unit.id, unit.contact_username)
    return unit


def _name_free(session: Session, community: str, name: str, unit_id: int | None = None) -> None:
    same = session.scalars(select(Unit).where(Unit.community == community,
                                              Unit.name == name)).first()
    if same is not None and same.id != unit_id:
        raise Conflict("unit_exists", f"共建单位「{name}」已经登记过了（编号 {same.id}）",
                       f"Member unit {name} is already registered (number {same.id})",
                       field="name")


def add_unit(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
             now: datetime) -> Unit:
    _name_free(tx.session, community, data["name"])
    unit = Unit(community=community, created_at=now, created_by=actor_name(who),
                **{key: data.get(key) for key in FIELDS})
    tx.session.add(unit)
    tx.session.flush()
    record(tx, community, "unit", unit.id, "added", who, now)
    return unit


def update_contact(tx: Transaction, community: str, unit_id: int, data: dict[str, Any],
                   who: Staff, now: datetime) -> Unit:
    """A new contact for the unit, and the intake account that logs in for it (or none)."""
    unit = get_unit(tx.session, unit_id, community)
    before = {key: getattr(unit, key) for key in CONTACT_FIELDS}
    for key in CONTACT_FIELDS:
        setattr(unit, key, data.get(key))
    record(tx, community, "unit", unit.id, "contact_changed", who, now,
           before=before, after={key: data.get(key) for key in CONTACT_FIELDS})
    return unit


def add_agreement(tx: Transaction, community: str, unit_id: int, data: dict[str, Any],
                  who: Staff, now: datetime) -> Agreement:
    """A signed responsibility agreement: signed by today, in force from one day to a later
    one."""
    unit = get_unit(tx.session, unit_id, community)
    if data["signed_on"] > local_date(now):
        raise DomainError("signed_in_future", "签订日期不能晚于今天",
                          "The signing date cannot be in the future", field="signed_on",
                          status=422)
    if data["valid_until"] < data["valid_from"]:
        raise DomainError("agreement_period", "有效期的结束日期不能早于开始日期",
                          "The agreement cannot end before it starts", field="valid_until",
                          status=422)
    agreement = Agreement(community=community, unit_id=unit.id, created_at=now,
                          created_by=actor_name(who),
                          **{key: data[key] for key in ("signed_on", "valid_from", "valid_until",
                                                        "terms", "document_ref")})
    tx.session.add(agreement)
    tx.session.flush()
    record(tx, community, "unit", unit.id, "agreement_signed", who, now,
           agreement_id=agreement.id, document_ref=agreement.document_ref)
    return agreement


def agreements_of(session: Session, unit: Unit) -> list[Agreement]:
    return list(session.scalars(select(Agreement).where(Agreement.unit_id == unit.id)
                                .order_by(Agreement.signed_on, Agreement.id)))


def units_of_contact(session: Session, community: str, username: str) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.community == community,
                                                   Unit.contact_username == username)
                                .order_by(Unit.id)))
