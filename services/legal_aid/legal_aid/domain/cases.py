"""The cases intake hands the legal-aid home: received with the resident's data and accepted at
once, chased, recalled (``receive`` / ``chased`` / ``recalled``, called by ``minzi.program``);
booked into a consultation day, noted, then resolved or returned by the program's staff. Every
step the resident should hear of is reported to intake (``case.reported``)."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import INTAKE, Conflict, Staff, actor_name
from minzi.db import as_utc
from minzi.i18n import label
from minzi.localtime import BEIJING
from minzi.store import Transaction

from ..models import Booking, LegalCase
from .bookings import cancel_case_bookings, take
from .codes import (
    AREAS_OF_LAW,
    CASE_STATUSES,
    OPEN_CASE,
    PROGRAM_ID,
    PROGRAM_NAME,
    SERVICE_AREAS,
)
from .consultations import get_day
from .records import get_or_404, record, touch


def case_by_intake_id(session: Session, intake_case_id: int) -> LegalCase | None:
    return session.scalar(select(LegalCase).where(LegalCase.intake_case_id == intake_case_id))


# -- from intake ----------------------------------------------------------------------------------

def receive(tx: Transaction, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A case from intake (``case.dispatched``): keep it with its resident's data and accept it.
    Dispatched again (after a recall, or reopened), it is ours again. Returns the report."""
    attributes = data.get("attributes") or {}
    area = attributes.get("area_of_law") or SERVICE_AREAS.get(data["service_code"])
    resident = data.get("resident") or {}
    values = {"tracking_code": data["tracking_code"], "community": data["community"],
              "service_code": data["service_code"], "channel": data.get("channel"),
              "description": data["description"], "attributes": attributes,
              "area_of_law": area if area in AREAS_OF_LAW else None,
              "address": data.get("address"), "resident_name": resident.get("name"),
              "resident_phone": resident.get("phone"),
              "resident_contact": resident.get("contact"), "due_at": as_utc(data.get("due_at")),
              "dispatch_note": data.get("note")}
    case = case_by_intake_id(tx.session, data["case_id"])
    if case is None:
        case = LegalCase(intake_case_id=data["case_id"], status="accepted", received_at=now,
                         **values)
        tx.session.add(case)
        action = "received"
    else:
        for key, value in values.items():
            setattr(case, key, value)
        if case.status not in OPEN_CASE:
            case.status = "accepted"
            case.result = case.reply = None
            case.chase_level = 0
        action = "received_again"
    touch(case, INTAKE, now)
    tx.session.flush()
    record(tx, case.community, "case", case.id, action, INTAKE, now,
           tracking_code=case.tracking_code, service_code=case.service_code)
    return {"status": "accepted", "handler": PROGRAM_NAME["zh"],
            "note": "普法互助家园已受理，将安排志愿律师与您联系"}


def chased(tx: Transaction, notice: dict[str, Any], now: datetime) -> None:
    """Intake's reminder (level 1) or escalation (level 2) for an open case, kept on the case (the
    contract makes a notice without a level a reminder)."""
    case = case_by_intake_id(tx.session, notice["case_id"])
    if case is None or case.status not in OPEN_CASE:  # never ours, or no longer open
        return
    level = notice["level"]
    case.chase_level = max(case.chase_level, level)
    case.last_chased_at = now
    touch(case, INTAKE, now)
    record(tx, case.community, "case", case.id, "chased", INTAKE, now, level=level,
           note=notice.get("note"))


def recalled(tx: Transaction, notice: dict[str, Any], now: datetime) -> None:
    """Intake took an open case back: it is closed and its slot freed."""
    case = case_by_intake_id(tx.session, notice["case_id"])
    if case is None or case.status not in OPEN_CASE:
        return
    cancel_case_bookings(tx, case, "案件已被撤回", INTAKE, now)
    case.status = "recalled"
    case.note = notice.get("note")
    touch(case, INTAKE, now)
    record(tx, case.community, "case", case.id, "recalled", INTAKE, now, note=notice.get("note"))


# -- the program's staff work it ------------------------------------------------------------------

def get_case(session: Session, case_id: int, community: str) -> LegalCase:
    return get_or_404(session, LegalCase, case_id, community, "case_not_found", "没有这个案件",
                      "No such case")


def _open_case(session: Session, case_id: int, community: str) -> LegalCase:
    case = get_case(session, case_id, community)
    if case.status not in OPEN_CASE:
        raise Conflict("case_closed",
                       f"案件当前状态为「{label(CASE_STATUSES, case.status)}」，不能再办理",
                       f"The case is {case.status}; it can no longer be worked")
    return case


def _report(tx: Transaction, case: LegalCase, status: str, actor: Staff, **fields: Any) -> None:
    data = {"case_id": case.intake_case_id, "program_id": PROGRAM_ID, "status": status,
            "handler": actor_name(actor)}
    data.update({k: v for k, v in fields.items() if v is not None})
    tx.publish("case.reported", data, community=case.community)


def book_case(tx: Transaction, community: str, case_id: int, data: dict[str, Any], actor: Staff,
              now: datetime) -> tuple[LegalCase, Booking]:
    """Book the case's resident into a consultation day (a booking it had is replaced) and tell
    intake when and with whom."""
    case = _open_case(tx.session, case_id, community)
    day = get_day(tx.session, data["day_id"], community, lock=True)
    cancel_case_bookings(tx, case, "改约", actor, now)
    tx.session.flush()
    booking = take(tx, day, {"slot_id": data.get("slot_id"), "name": case.resident_name or "居民",
                             "phone": case.resident_phone, "note": f"案件 {case.tracking_code}"},
                   "booked", actor, now, case=case)
    case.status = "booked"
    touch(case, actor, now)
    when = as_utc(booking.slot.starts_at).astimezone(BEIJING)
    note = (f"已为您预约 {when:%Y-%m-%d %H:%M} 法律咨询（{booking.slot.lawyer.name}律师），"
            f"地点：{day.place}")
    if data.get("note"):
        note += f"。{data['note']}"
    record(tx, community, "case", case.id, "booked", actor, now, booking_id=booking.id)
    _report(tx, case, "in_progress", actor, note=note)
    return case, booking


def _worked(tx: Transaction, case: LegalCase, action: str, actor: Staff, now: datetime,
            detail: dict[str, Any], status: str, **report: Any) -> LegalCase:
    """Staff worked the case: on its record, and reported to intake with ``status``."""
    case.handler = actor_name(actor)
    touch(case, actor, now)
    record(tx, case.community, "case", case.id, action, actor, now, **detail)
    _report(tx, case, status, actor, **report)
    return case


def note_case(tx: Transaction, community: str, case_id: int, note: str, actor: Staff,
              now: datetime) -> LegalCase:
    """A progress note, passed on to intake for the resident."""
    case = _open_case(tx.session, case_id, community)
    case.note = note
    return _worked(tx, case, "noted", actor, now, {"note": note}, "in_progress", note=note)


def resolve_case(tx: Transaction, community: str, case_id: int, data: dict[str, Any],
                 actor: Staff, now: datetime) -> LegalCase:
    """Resolve the case; intake hears the result (and the reply for the resident)."""
    case = _open_case(tx.session, case_id, community)
    case.status = "resolved"
    case.result = data["result"]
    case.reply = data.get("reply")
    return _worked(tx, case, "resolved", actor, now, {"result": case.result}, "resolved",
                   result=case.result, reply=case.reply, note=data.get("note"))


def return_case(tx: Transaction, community: str, case_id: int, note: str, actor: Staff,
                now: datetime) -> LegalCase:
    """Hand the case back to intake, saying why (and where the resident should go)."""
    case = _open_case(tx.session, case_id, community)
    cancel_case_bookings(tx, case, "案件退回", actor, now)
    case.status = "returned"
    case.note = note
    return _worked(tx, case, "returned", actor, now, {"note": note}, "returned", note=note)
