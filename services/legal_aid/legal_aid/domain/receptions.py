"""Visitors received by the legal-aid home: who came, the area of law, what came of it, which
lawyer received them. A visitor is known again by their phone number."""
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import DomainError, Staff
from minzi.store import Transaction

from ..models import Booking, Lawyer, LegalCase, Reception, Visitor
from .codes import AREAS_OF_LAW, OUTCOMES
from .lawyers import active_lawyer
from .records import get_or_404, new, record, touch


def check_area(code: str) -> str:
    if code not in AREAS_OF_LAW:
        raise DomainError("unknown_area_of_law", f"没有这个法律领域：{code}",
                          f"Unknown area of law: {code}", field="area_of_law", status=422)
    return code


def find_or_add_visitor(tx: Transaction, community: str, data: dict[str, Any], actor: Staff,
                        now: datetime) -> Visitor:
    """The visitor with this phone number (their name and migrant flag brought up to date), or a
    new one."""
    session = tx.session
    phone = data.get("phone") or None
    visitor = None
    if phone:
        visitor = session.scalar(select(Visitor).where(Visitor.community == community,
                                                       Visitor.phone == phone))
    if visitor is None:
        visitor = new(Visitor, actor, now, community=community, name=data["name"], phone=phone,
                      migrant=data.get("migrant"))
        session.add(visitor)
        session.flush()
        record(tx, community, "visitor", visitor.id, "added", actor, now)
        return visitor
    changed = False
    if data.get("name") and data["name"] != visitor.name:
        visitor.name, changed = data["name"], True
    if data.get("migrant") is not None and data["migrant"] != visitor.migrant:
        visitor.migrant, changed = data["migrant"], True
    if changed:
        touch(visitor, actor, now)
        record(tx, community, "visitor", visitor.id, "updated", actor, now)
    return visitor


def get_visitor(session: Session, visitor_id: int, community: str) -> Visitor:
    return get_or_404(session, Visitor, visitor_id, community, "visitor_not_found",
                      "没有这位来访者", "No such visitor")


def _linked(session: Session, community: str,
            data: dict[str, Any]) -> tuple[Booking | None, LegalCase | None]:
    """The booking and the case a reception names, if any; another community's are unknown."""
    booking = case = None
    if data.get("booking_id"):
        booking = session.get(Booking, data["booking_id"])
        if booking is None or booking.consultation_day.community != community:
            raise DomainError("unknown_booking", "没有这条预约", "No such booking",
                              field="booking_id", status=422)
    if data.get("case_id"):
        case = session.get(LegalCase, data["case_id"])
        if case is None or case.community != community:
            raise DomainError("unknown_case", "没有这个案件", "No such case", field="case_id",
                              status=422)
    return booking, case


def _visitor(tx: Transaction, community: str, data: dict[str, Any], booking: Booking | None,
             case: LegalCase | None, actor: Staff, now: datetime) -> Visitor:
    """Who came: named, or the person the booking or the case is for."""
    if data.get("visitor_id"):
        return get_visitor(tx.session, data["visitor_id"], community)
    if data.get("visitor"):
        person = data["visitor"]
    elif booking is not None:
        person = {"name": booking.name, "phone": booking.phone}
    elif case is not None:
        person = {"name": case.resident_name or "居民", "phone": case.resident_phone}
    else:
        raise DomainError("visitor_required", "请填写来访者（或选择已有来访者）",
                          "Say who the visitor is", field="visitor", status=422)
    return find_or_add_visitor(tx, community, person, actor, now)


def record_reception(tx: Transaction, community: str, data: dict[str, Any], actor: Staff,
                     now: datetime) -> Reception:
    """One visit: who came, the area of law, what came of it, which lawyer received them."""
    session = tx.session
    check_area(data["area_of_law"])
    if data["outcome"] not in OUTCOMES:
        raise DomainError("unknown_outcome", "没有这个结果代码", "Unknown outcome code",
                          field="outcome", status=422)
    received_at = data.get("received_at") or now
    if received_at > now + timedelta(minutes=5):
        raise DomainError("received_in_future", "接待时间不能在将来",
                          "The reception cannot be in the future", field="received_at",
                          status=422)
    lawyer: Lawyer | None = (active_lawyer(session, community, data["lawyer_id"])
                             if data.get("lawyer_id") else None)
    booking, case = _linked(session, community, data)
    visitor = _visitor(tx, community, data, booking, case, actor, now)
    if lawyer is None and booking is not None and booking.slot is not None:
        lawyer = booking.slot.lawyer
    channel = "case" if case else ("booked" if booking and booking.kind == "booked" else "walk_in")
    reception = new(Reception, actor, now, community=community, visitor_id=visitor.id,
                    received_at=received_at, area_of_law=data["area_of_law"],
                    problem=data.get("problem"), outcome=data["outcome"],
                    outcome_note=data.get("outcome_note"),
                    lawyer_id=lawyer.id if lawyer else None,
                    booking_id=booking.id if booking else None,
                    case_id=case.id if case else None, channel=channel)
    session.add(reception)
    session.flush()
    record(tx, community, "reception", reception.id, "recorded", actor, now,
           visitor_id=visitor.id, area_of_law=reception.area_of_law, outcome=reception.outcome)
    return reception


def get_reception(session: Session, reception_id: int, community: str) -> Reception:
    return get_or_404(session, Reception, reception_id, community, "reception_not_found",
                      "没有这条接待记录", "No such reception record")


def update_reception(tx: Transaction, community: str, reception_id: int, data: dict[str, Any],
                     actor: Staff, now: datetime) -> Reception:
    """Change what is known of a visit (e.g. a pending problem later solved); every change is on
    the record with what it was before."""
    reception = get_reception(tx.session, reception_id, community)
    if "area_of_law" in data:
        check_area(data["area_of_law"])
    if data.get("lawyer_id"):
        active_lawyer(tx.session, community, data["lawyer_id"])
    changed = {}
    for key in ("area_of_law", "outcome", "outcome_note", "problem", "lawyer_id"):
        if key in data and getattr(reception, key) != data[key]:
            changed[key] = {"from": getattr(reception, key), "to": data[key]}
            setattr(reception, key, data[key])
    if changed:
        touch(reception, actor, now)
        record(tx, community, "reception", reception.id, "updated", actor, now, **changed)
    return reception
