"""What the legal-aid home's staff API shows: every read for a page or a list is here, and how
each record looks to whom (the public, the front desk, the program's operators)."""
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.i18n import Names, label
from minzi.localtime import local_range
from minzi.logs import mask_phone

from ..models import (
    Activity,
    Booking,
    ConsultationDay,
    Lawyer,
    Lecture,
    LegalCase,
    Reception,
    Registration,
    Slot,
    Visitor,
)
from .access import Level
from .bookings import active_bookings
from .codes import AREAS_OF_LAW, CASE_STATUSES, LECTURE_STATUSES, OUTCOMES
from .lectures import registered_count

View = dict[str, Any]


def within_days(query: Select, column: Any, day_from: date | None,
                day_to: date | None) -> Select:
    """``query`` limited to moments in ``column`` on the Beijing dates ``day_from`` ..
    ``day_to`` (inclusive; either may be open)."""
    start, end = local_range(day_from, day_to)
    if start:
        query = query.where(column >= start)
    if end:
        query = query.where(column < end)
    return query


def codes(table: Names, lang: str) -> list[View]:
    return [{"code": code, "name": label(table, code, lang)} for code in table]


def _stamp(row: Any) -> View:
    return {"created_at": isoformat(row.created_at), "created_by": row.created_by,
            "updated_at": isoformat(getattr(row, "updated_at", None)),
            "updated_by": getattr(row, "updated_by", None)}


def history(session: Session, community: str, entity: str, entity_id: int) -> list[Activity]:
    return list(session.scalars(select(Activity).where(
        Activity.community == community, Activity.entity == entity,
        Activity.entity_id == entity_id).order_by(Activity.at, Activity.id)))


def activity_view(row: Activity) -> View:
    return {"at": isoformat(row.at), "actor": row.actor, "actor_id": row.actor_id,
            "entity": row.entity, "entity_id": row.entity_id, "action": row.action,
            "detail": row.detail}


# -- lawyers --------------------------------------------------------------------------------------

def list_lawyers(session: Session, community: str, *,
                 include_inactive: bool = False) -> list[Lawyer]:
    query = select(Lawyer).where(Lawyer.community == community).order_by(Lawyer.id)
    if not include_inactive:
        query = query.where(Lawyer.active.is_(True))
    return list(session.scalars(query))


def lawyer_view(lawyer: Lawyer, *, full: bool = True) -> View:
    view = {"id": lawyer.id, "name": lawyer.name, "firm": lawyer.firm}
    if full:
        view.update(phone=lawyer.phone, active=lawyer.active, **_stamp(lawyer))
    return view


# -- lectures -------------------------------------------------------------------------------------

def list_lectures(session: Session, community: str, *, day_from: date | None = None,
                  day_to: date | None = None, status: str | None = None) -> list[Lecture]:
    query = within_days(select(Lecture).where(Lecture.community == community),
                        Lecture.starts_at, day_from, day_to)
    if status:
        query = query.where(Lecture.status == status)
    return list(session.scalars(query.order_by(Lecture.starts_at, Lecture.id)))


def lecture_counts(lecture: Lecture) -> dict[str, int]:
    counts = Counter(r.status for r in lecture.registrations)
    attended = sum(1 for r in lecture.registrations if r.attended and r.status == "registered")
    return {"registered": counts["registered"], "waitlisted": counts["waitlisted"],
            "attended": attended,
            "seats_left": max(lecture.capacity - registered_count(lecture), 0)}


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != "waitlisted":
        return None
    waiting = sorted(r.id for r in registration.lecture.registrations if r.status == "waitlisted")
    return waiting.index(registration.id) + 1


def lecture_view(lecture: Lecture, lang: str) -> View:
    return {"id": lecture.id, "community": lecture.community, "topic": lecture.topic,
            "speaker": lecture.speaker, "starts_at": isoformat(lecture.starts_at),
            "ends_at": isoformat(lecture.ends_at), "place": lecture.place,
            "capacity": lecture.capacity, "description": lecture.description,
            "status": lecture.status,
            "status_name": label(LECTURE_STATUSES, lecture.status, lang),
            **lecture_counts(lecture),
            "held_at": isoformat(lecture.held_at), "held_by": lecture.held_by,
            **_stamp(lecture)}


def registration_view(registration: Registration, *, full: bool = True,
                      code: bool = False) -> View:
    view = {"id": registration.id, "lecture_id": registration.lecture_id,
            "name": registration.name,
            "phone": registration.phone if full else mask_phone(registration.phone),
            "status": registration.status,
            "waitlist_position": waitlist_position(registration),
            "attended": registration.attended,
            "created_at": isoformat(registration.created_at),
            "created_by": registration.created_by}
    if full:
        view.update(attendance_recorded_at=isoformat(registration.attendance_recorded_at),
                    attendance_recorded_by=registration.attendance_recorded_by,
                    promoted_at=isoformat(registration.promoted_at),
                    cancelled_at=isoformat(registration.cancelled_at),
                    cancelled_by=registration.cancelled_by)
    if code:
        view["cancel_code"] = registration.cancel_code
    return view


# -- consultation days and bookings ---------------------------------------------------------------

def list_days(session: Session, community: str, *, day_from: date | None = None,
              day_to: date | None = None) -> list[ConsultationDay]:
    query = select(ConsultationDay).where(ConsultationDay.community == community)
    if day_from:
        query = query.where(ConsultationDay.day >= day_from)
    if day_to:
        query = query.where(ConsultationDay.day <= day_to)
    return list(session.scalars(query.order_by(ConsultationDay.day)))


def booking_view(booking: Booking, *, full: bool = True) -> View:
    """A booking in full (operators) or with the phone masked and the case left out (desk)."""
    slot = booking.slot
    return {"id": booking.id, "day_id": booking.day_id,
            "day": booking.consultation_day.day.isoformat(),
            "slot_id": booking.slot_id, "starts_at": isoformat(slot.starts_at) if slot else None,
            "lawyer": lawyer_view(slot.lawyer, full=False) if slot else None,
            "kind": booking.kind, "name": booking.name,
            "phone": booking.phone if full else mask_phone(booking.phone),
            "case_id": booking.case_id if full else None, "note": booking.note if full else None,
            "status": booking.status, "created_at": isoformat(booking.created_at),
            "created_by": booking.created_by, "cancelled_at": isoformat(booking.cancelled_at),
            "cancelled_by": booking.cancelled_by}


def slot_view(slot: Slot, booking: Booking | None = None, *, level: Level = "public") -> View:
    """A slot; the public sees only whether it is free."""
    view = {"id": slot.id, "starts_at": isoformat(slot.starts_at),
            "ends_at": isoformat(slot.ends_at), "lawyer": lawyer_view(slot.lawyer, full=False),
            "free": booking is None}
    if booking is not None and level != "public":
        view["booking"] = booking_view(booking, full=level == "operator")
    return view


def day_view(session: Session, day: ConsultationDay, *, level: Level = "public") -> View:
    bookings = active_bookings(session, day.id)
    by_slot = {b.active_slot_id: b for b in bookings if b.active_slot_id}
    view = {"id": day.id, "community": day.community, "day": day.day.isoformat(),
            "place": day.place, "note": day.note,
            "slots": [slot_view(s, by_slot.get(s.id), level=level) for s in day.slots],
            "free_slots": sum(1 for s in day.slots if s.id not in by_slot),
            "booked_slots": len(by_slot)}
    if level != "public":
        view["walk_ins"] = [booking_view(b, full=level == "operator") for b in bookings
                            if b.kind == "walk_in" and not b.active_slot_id]
        view.update(_stamp(day))
    return view


# -- receptions and visitors ----------------------------------------------------------------------

def list_receptions(session: Session, community: str, *, day_from: date | None = None,
                    day_to: date | None = None, area_of_law: str | None = None,
                    outcome: str | None = None, limit: int = 200,
                    offset: int = 0) -> tuple[int, list[Reception]]:
    """How many receptions match, and one page of them (latest first)."""
    query = within_days(select(Reception).where(Reception.community == community),
                        Reception.received_at, day_from, day_to)
    if area_of_law:
        query = query.where(Reception.area_of_law == area_of_law)
    if outcome:
        query = query.where(Reception.outcome == outcome)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Reception.received_at.desc(), Reception.id.desc())
                           .limit(limit).offset(offset)).all()
    return total, list(rows)


def earlier_visits(session: Session, reception: Reception) -> list[Reception]:
    return list(session.scalars(select(Reception).where(
        Reception.visitor_id == reception.visitor_id, Reception.id != reception.id,
        Reception.received_at <= reception.received_at)
        .order_by(Reception.received_at.desc(), Reception.id.desc())))


def search_visitors(session: Session, community: str, *, phone: str | None = None,
                    name: str | None = None) -> list[Visitor]:
    query = select(Visitor).where(Visitor.community == community)
    if phone:
        query = query.where(Visitor.phone == phone)
    if name:
        query = query.where(Visitor.name.contains(name))
    return list(session.scalars(query.order_by(Visitor.id).limit(200)))


def reception_view(reception: Reception, lang: str, *, with_visitor: bool = True) -> View:
    view = {"id": reception.id, "received_at": isoformat(reception.received_at),
            "area_of_law": reception.area_of_law,
            "area_of_law_name": label(AREAS_OF_LAW, reception.area_of_law, lang),
            "problem": reception.problem, "outcome": reception.outcome,
            "outcome_name": label(OUTCOMES, reception.outcome, lang),
            "outcome_note": reception.outcome_note, "channel": reception.channel,
            "lawyer": lawyer_view(reception.lawyer, full=False) if reception.lawyer else None,
            "booking_id": reception.booking_id, "case_id": reception.case_id,
            **_stamp(reception)}
    if with_visitor:
        view["visitor"] = {"id": reception.visitor.id, "name": reception.visitor.name,
                           "phone": reception.visitor.phone}
    return view


def reception_page(session: Session, reception: Reception, lang: str, *,
                   with_history: bool = False) -> View:
    """A reception with the visitor's earlier visits (and, for its own page, its history)."""
    view = reception_view(reception, lang)
    view["earlier_visits"] = [reception_view(r, lang, with_visitor=False)
                              for r in earlier_visits(session, reception)]
    if with_history:
        view["history"] = [activity_view(a) for a in
                           history(session, reception.community, "reception", reception.id)]
    return view


def visitor_view(visitor: Visitor, *, with_visits: bool = False, lang: str = "zh") -> View:
    """A visitor; on their own page, with every visit, latest first."""
    view = {"id": visitor.id, "name": visitor.name, "phone": visitor.phone,
            "migrant": visitor.migrant, **_stamp(visitor)}
    if with_visits:
        visits = sorted(visitor.receptions, key=lambda r: (as_utc(r.received_at), r.id),
                        reverse=True)
        view["visits"] = [reception_view(r, lang, with_visitor=False) for r in visits]
    return view


# -- cases ----------------------------------------------------------------------------------------

def list_cases(session: Session, community: str, *, status: str | None = None) -> list[LegalCase]:
    query = select(LegalCase).where(LegalCase.community == community)
    if status:
        query = query.where(LegalCase.status == status)
    return list(session.scalars(query.order_by(LegalCase.received_at.desc(),
                                               LegalCase.id.desc()).limit(500)))


def case_view(case: LegalCase, lang: str, *, session: Session | None = None) -> View:
    """A case with its resident's data (operators only); with ``session``, its history too."""
    view = {"id": case.id, "intake_case_id": case.intake_case_id,
            "tracking_code": case.tracking_code, "community": case.community,
            "service_code": case.service_code, "channel": case.channel,
            "description": case.description, "attributes": case.attributes,
            "area_of_law": case.area_of_law,
            "area_of_law_name": label(AREAS_OF_LAW, case.area_of_law, lang)
            if case.area_of_law else None,
            "address": case.address,
            "resident": {"name": case.resident_name, "phone": case.resident_phone,
                         "contact": case.resident_contact},
            "due_at": isoformat(case.due_at), "dispatch_note": case.dispatch_note,
            "status": case.status, "status_name": label(CASE_STATUSES, case.status, lang),
            "chase_level": case.chase_level, "last_chased_at": isoformat(case.last_chased_at),
            "result": case.result, "reply": case.reply, "note": case.note,
            "handler": case.handler, "received_at": isoformat(case.received_at),
            "updated_at": isoformat(case.updated_at), "updated_by": case.updated_by}
    if session is not None:
        view["history"] = [activity_view(a) for a in
                           history(session, case.community, "case", case.id)]
    return view
