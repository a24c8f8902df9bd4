"""Free clinic days (义诊): the date, hours and place, how many places, what is offered
(blood pressure, glucose, a consultation …). Residents sign up once per clinic (known by their
phone), up to its capacity; on the day (or after) the program's staff record who came; the
doctor puts the readings taken there into the records of attendees who consented."""
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Clinic, HealthRecord, Reading, SignUp
from .codes import OFFERS
from .records import add_note, add_reading, get_record, require_open


def get_clinic(session: Session, clinic_id: int, community: str, *, lock: bool = False) -> Clinic:
    clinic = session.get(Clinic, clinic_id, with_for_update=lock)
    if clinic is None or clinic.community != community:
        raise NotFound("clinic_not_found", f"没有编号为 {clinic_id} 的义诊",
                       f"No free clinic {clinic_id}", field="clinic_id")
    return clinic


def plan(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
         now: datetime) -> Clinic:
    if data["day"] < local_date(now):
        raise DomainError("clinic_in_past", "义诊日期不能早于今天",
                          "A free clinic cannot be planned in the past", field="day", status=422)
    clinic = Clinic(community=community, day=data["day"], hours=data["hours"],
                    place=data["place"], capacity=data["capacity"],
                    offers=[code for code in OFFERS if code in data["offers"]],
                    created_at=now, created_by=actor_name(who))
    tx.session.add(clinic)
    tx.session.flush()
    return clinic


def sign_ups_of(session: Session, clinic: Clinic) -> list[SignUp]:
    return list(session.scalars(select(SignUp).where(SignUp.clinic_id == clinic.id)
                                .order_by(SignUp.id)))


def taken(session: Session, clinic: Clinic) -> int:
    return session.scalar(select(func.count(SignUp.id)).where(SignUp.clinic_id == clinic.id))


def sign_up(tx: Transaction, community: str, clinic_id: int, data: dict[str, Any], who: Staff,
            now: datetime) -> SignUp:
    """A resident signed up: once per clinic, while it has places, before its day is over."""
    clinic = get_clinic(tx.session, clinic_id, community, lock=True)
    if clinic.day < local_date(now):
        raise Conflict("clinic_over", "这次义诊已经结束，不能再报名",
                       "This free clinic is over", field="clinic_id")
    already = tx.session.scalar(select(SignUp).where(SignUp.clinic_id == clinic.id,
                                                     SignUp.phone == data["phone"]))
    if already is not None:
        raise Conflict("already_signed_up", "这位居民已经报名了这次义诊",
                       "This resident has already signed up for this clinic", field="phone")
    if taken(tx.session, clinic) >= clinic.capacity:
        raise Conflict("clinic_full", f"这次义诊的 {clinic.capacity} 个名额已满",
                       f"All {clinic.capacity} places are taken", field="clinic_id")
    entry = SignUp(community=community, clinic_id=clinic.id, name=data["name"],
                   phone=data["phone"], signed_up_at=now, signed_up_by=actor_name(who),
                   attended=False)
    tx.session.add(entry)
    tx.session.flush()
    return entry


def get_sign_up(session: Session, clinic: Clinic, sign_up_id: int, *,
                field: str = "sign_up_id") -> SignUp:
    entry = session.get(SignUp, sign_up_id)
    if entry is None or entry.clinic_id != clinic.id:
        raise NotFound("sign_up_not_found", f"这次义诊没有编号为 {sign_up_id} 的报名",
                       f"No sign-up {sign_up_id} for this clinic", field=field)
    return entry


def record_attendance(tx: Transaction, community: str, clinic_id: int, sign_up_id: int,
                      data: dict[str, Any], who: Staff, now: datetime) -> SignUp:
    """Who came (or, corrected, did not), on the clinic's day or after."""
    clinic = get_clinic(tx.session, clinic_id, community)
    entry = get_sign_up(tx.session, clinic, sign_up_id)
    if clinic.day > local_date(now):
        raise Conflict("clinic_not_yet", "义诊当天或之后才能登记到场",
                       "Attendance is recorded on the clinic's day or after", field="clinic_id")
    entry.attended = data["attended"]
    entry.attendance_by, entry.attendance_at = actor_name(who), now
    return entry


def take_reading(tx: Transaction, community: str, clinic_id: int, data: dict[str, Any],
                 who: Staff, now: datetime) -> tuple[HealthRecord, Reading]:
    """A reading taken at the clinic, into the record of the attendee it was taken from —
    who came, whose record is open (consented), and who is the record's resident (the same
    phone)."""
    clinic = get_clinic(tx.session, clinic_id, community)
    entry = get_sign_up(tx.session, clinic, data["sign_up_id"])
    record = get_record(tx.session, data["record_id"], community)
    if not entry.attended:
        raise Conflict("not_attended", "这位居民没有登记到场，不能记录义诊测量结果",
                       "This resident is not recorded as having come", field="sign_up_id")
    require_open(record)
    if record.phone != entry.phone:
        raise DomainError("not_same_resident", "报名的居民与这份健康档案不是同一人（电话不同）",
                          "The attendee is not this record's resident (another phone)",
                          field="record_id", status=422)
    if data["kind"] not in clinic.offers:
        raise DomainError("not_offered", "这次义诊没有这项检查", "This clinic does not offer this",
                          field="kind", status=422)
    reading = add_reading(tx.session, record, {**data, "measured_on": clinic.day}, who, now,
                          "clinic", clinic_id=clinic.id)
    if data.get("note"):
        add_note(tx.session, record, {"seen_on": clinic.day, "text": data["note"]}, who, now,
                 "clinic")
    return record, reading


def list_clinics(session: Session, community: str, *, upcoming_from=None) -> list[Clinic]:
    query = select(Clinic).where(Clinic.community == community)
    if upcoming_from is not None:
        query = query.where(Clinic.day >= upcoming_from)
    return list(session.scalars(query.order_by(Clinic.day, Clinic.id)))
