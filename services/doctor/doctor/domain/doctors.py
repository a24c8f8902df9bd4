"""The program's own list of doctors: a staff account (its username) registered as a doctor of
the community by an admin or the program's staff, with what the notice board shows — name,
mobile number, service pledge. A doctor taken off the list (``active`` false) no longer reads
medical data, and leaves the public card."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, NotFound, Staff, actor_name
from minzi.store import Transaction

from ..models import Doctor


def get_doctor(session: Session, doctor_id: int, community: str) -> Doctor:
    doctor = session.get(Doctor, doctor_id)
    if doctor is None or doctor.community != community:
        raise NotFound("doctor_not_found", f"没有编号为 {doctor_id} 的片儿医",
                       f"No doctor {doctor_id}", field="doctor_id")
    return doctor


def register(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
             now: datetime) -> Doctor:
    taken = tx.session.scalar(select(Doctor).where(Doctor.community == community,
                                                   Doctor.username == data["username"]))
    if taken is not None:
        raise Conflict("doctor_exists", "这个账号已经登记为片儿医",
                       "This account is already registered as a doctor", field="username")
    by = actor_name(who)
    doctor = Doctor(community=community, username=data["username"], name=data["name"],
                    phone=data["phone"], pledge=data["pledge"], active=True, created_at=now,
                    created_by=by, updated_at=now, updated_by=by)
    tx.session.add(doctor)
    tx.session.flush()
    return doctor


def update(tx: Transaction, community: str, doctor_id: int, data: dict[str, Any], who: Staff,
           now: datetime) -> Doctor:
    """The card's phone or pledge changed, or the doctor taken off (or back on) the list."""
    doctor = get_doctor(tx.session, doctor_id, community)
    for key in ("name", "phone", "pledge", "active"):
        if data.get(key) is not None:
            setattr(doctor, key, data[key])
    doctor.updated_at, doctor.updated_by = now, actor_name(who)
    return doctor


def list_doctors(session: Session, community: str, *, active_only: bool = False) -> list[Doctor]:
    query = select(Doctor).where(Doctor.community == community)
    if active_only:
        query = query.where(Doctor.active.is_(True))
    return list(session.scalars(query.order_by(Doctor.id)))
