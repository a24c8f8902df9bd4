"""Residents' health records (健康档案), opened only with consent.

A record is opened with the resident's consent on it: who consented (the resident, or a
guardian), on which date, and how — a signed form (its reference) or verbally before a named
witness. It holds basic data (name, sex, birth date, phone, address), chronic conditions,
allergies, blood-pressure and glucose readings with their dates, and visit notes.

Consent can be withdrawn. The record is then closed: nobody reads its medical data and nothing
new is added, but it is kept — a medical record is kept at least 15 years from the resident's
last visit (《医疗机构病历管理规定》第二十九条, outpatient records) — until ``retain_until``.

A record's own history says who did what when, never the values (no medical data there)."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.envelope import isoformat
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import HealthRecord, Reading, VisitNote

OPEN, WITHDRAWN = "open", "withdrawn"
RETENTION_YEARS = 15
RETENTION_RULE = ("按《医疗机构病历管理规定》，档案自最后一次诊疗之日起至少保存15年，"
                  "到期前封存保管",
                  "Kept closed for at least 15 years from the last visit, as the rules on medical "
                  "records require")


def years_later(day: date, years: int) -> date:
    """The same day ``years`` on (29 February on the 28th in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _note(record: HealthRecord, who: Staff, action: str, now: datetime, **detail: Any) -> None:
    record.updated_at = now
    record.history = [*(record.history or []),
                      {"at": isoformat(now), "by": actor_name(who), "action": action, **detail}]


def _not_after_today(day: date, now: datetime, code: str, field: str, zh: str, en: str) -> None:
    if day > local_date(now):
        raise DomainError(code, zh, en, field=field, status=422)


def get_record(session: Session, record_id: int, community: str, *,
               field: str = "record_id") -> HealthRecord:
    record = session.get(HealthRecord, record_id)
    if record is None or record.community != community:
        raise NotFound("record_not_found", f"没有编号为 {record_id} 的健康档案",
                       f"No health record {record_id}", field=field)
    return record


def require_open(record: HealthRecord) -> None:
    """A record whose consent was withdrawn is closed: not read, not added to."""
    if record.state != OPEN:
        raise Conflict("record_closed", "居民已撤回同意，这份健康档案已封存，不能查看或添加内容",
                       "The resident withdrew consent: this record is closed to reading and "
                       "to new entries", field="record_id")


def open_record(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
                now: datetime) -> HealthRecord:
    """Open a record with the consent recorded on it."""
    method = data["consent_method"]
    if method == "signed_form" and not data.get("consent_form_ref"):
        raise DomainError("consent_form_required", "书面同意请填写同意书编号",
                          "A signed consent needs the form's reference",
                          field="consent_form_ref", status=422)
    if method == "verbal_witnessed" and not data.get("consent_witness"):
        raise DomainError("witness_required", "口头同意须写明见证人",
                          "Verbal consent needs a named witness", field="consent_witness",
                          status=422)
    _not_after_today(data["consent_on"], now, "consent_in_future", "consent_on",
                     "同意日期不能晚于今天", "The consent date cannot be in the future")
    _not_after_today(data["birth_date"], now, "birth_in_future", "birth_date",
                     "出生日期不能晚于今天", "The birth date cannot be in the future")
    same = tx.session.scalar(select(HealthRecord).where(
        HealthRecord.community == community, HealthRecord.name == data["name"],
        HealthRecord.phone == data["phone"], HealthRecord.birth_date == data["birth_date"],
        HealthRecord.state == OPEN))
    if same is not None:
        raise Conflict("record_exists", f"这位居民已有健康档案（编号 {same.id}）",
                       f"This resident already has a health record ({same.id})", field="name")
    by = actor_name(who)
    record = HealthRecord(
        community=community, name=data["name"], sex=data["sex"], birth_date=data["birth_date"],
        phone=data["phone"], address=data["address"], conditions=data.get("conditions") or [],
        allergies=data.get("allergies") or [], state=OPEN,
        consent_by=data.get("consent_by") or data["name"], consent_method=method,
        consent_on=data["consent_on"], consent_form_ref=data.get("consent_form_ref"),
        consent_witness=data.get("consent_witness"), consent_recorded_by=by,
        last_entry_on=data["consent_on"], history=[], created_at=now, updated_at=now)
    tx.session.add(record)
    tx.session.flush()
    _note(record, who, "opened", now, consent_method=method)
    return record


def update_details(tx: Transaction, community: str, record_id: int, data: dict[str, Any],
                   who: Staff, now: datetime) -> HealthRecord:
    """Basic data, chronic conditions, allergies: what is given replaces what was there."""
    record = get_record(tx.session, record_id, community)
    require_open(record)
    changed = sorted(key for key in ("phone", "address", "conditions", "allergies")
                     if key in data and data[key] is not None)
    for key in changed:
        setattr(record, key, data[key])
    _note(record, who, "updated", now, fields=changed)
    return record


def _reading(record: HealthRecord, data: dict[str, Any], who: Staff, now: datetime,
             source: str, *, clinic_id: int | None = None,
             case_id: int | None = None) -> Reading:
    if data["kind"] == "blood_pressure" and data["diastolic"] >= data["systolic"]:
        raise DomainError("diastolic_not_below_systolic", "舒张压（低压）应低于收缩压（高压）",
                          "The diastolic pressure must be below the systolic",
                          field="diastolic", status=422)
    _not_after_today(data["measured_on"], now, "measured_in_future", "measured_on",
                     "测量日期不能晚于今天", "The measurement date cannot be in the future")
    reading = Reading(
        community=record.community, record_id=record.id, kind=data["kind"],
        systolic=data.get("systolic") if data["kind"] == "blood_pressure" else None,
        diastolic=data.get("diastolic") if data["kind"] == "blood_pressure" else None,
        glucose_tenths=data.get("glucose_tenths") if data["kind"] == "glucose" else None,
        fasting=data.get("fasting") if data["kind"] == "glucose" else None,
        measured_on=data["measured_on"], source=source, clinic_id=clinic_id, case_id=case_id,
        recorded_by=actor_name(who), recorded_at=now)
    record.last_entry_on = max(record.last_entry_on, reading.measured_on)
    _note(record, who, "reading", now, kind=data["kind"], source=source)
    return reading


def add_reading(session: Session, record: HealthRecord, data: dict[str, Any], who: Staff,
                now: datetime, source: str = "visit", *, clinic_id: int | None = None,
                case_id: int | None = None) -> Reading:
    """A blood-pressure or glucose reading, with its date, into an open record."""
    require_open(record)
    reading = _reading(record, data, who, now, source, clinic_id=clinic_id, case_id=case_id)
    session.add(reading)
    session.flush()
    return reading


def add_note(session: Session, record: HealthRecord, data: dict[str, Any], who: Staff,
             now: datetime, source: str = "visit", *, case_id: int | None = None) -> VisitNote:
    require_open(record)
    _not_after_today(data["seen_on"], now, "seen_in_future", "seen_on",
                     "诊疗日期不能晚于今天", "The visit date cannot be in the future")
    note = VisitNote(community=record.community, record_id=record.id, seen_on=data["seen_on"],
                     text=data["text"], source=source, case_id=case_id,
                     recorded_by=actor_name(who), recorded_at=now)
    record.last_entry_on = max(record.last_entry_on, note.seen_on)
    _note(record, who, "note", now, source=source)
    session.add(note)
    session.flush()
    return note


def withdraw(tx: Transaction, community: str, record_id: int, data: dict[str, Any],
             who: Staff, now: datetime) -> HealthRecord:
    """The resident withdrew consent (on ``withdrawn_on``): the record is closed, kept until
    ``retain_until``."""
    record = get_record(tx.session, record_id, community)
    require_open(record)
    day = data["withdrawn_on"]
    _not_after_today(day, now, "withdrawn_in_future", "withdrawn_on",
                     "撤回日期不能晚于今天", "The withdrawal date cannot be in the future")
    if day < record.consent_on:
        raise DomainError("withdrawn_before_consent", "撤回日期不能早于同意日期",
                          "Consent cannot be withdrawn before it was given",
                          field="withdrawn_on", status=422)
    record.state = WITHDRAWN
    record.withdrawn_on = day
    record.withdrawal_recorded_by = actor_name(who)
    record.withdrawal_note = data.get("note")
    record.retain_until = years_later(record.last_entry_on, RETENTION_YEARS)
    _note(record, who, "withdrawn", now)
    return record


def list_records(session: Session, community: str, *, name: str | None = None,
                 state: str | None = None) -> list[HealthRecord]:
    query = select(HealthRecord).where(HealthRecord.community == community)
    if name:
        query = query.where(HealthRecord.name.contains(name))
    if state:
        query = query.where(HealthRecord.state == state)
    return list(session.scalars(query.order_by(HealthRecord.id)))


def readings_of(session: Session, record: HealthRecord) -> list[Reading]:
    return list(session.scalars(select(Reading).where(Reading.record_id == record.id)
                                .order_by(Reading.measured_on.desc(), Reading.id.desc())))


def notes_of(session: Session, record: HealthRecord) -> list[VisitNote]:
    return list(session.scalars(select(VisitNote).where(VisitNote.record_id == record.id)
                                .order_by(VisitNote.seen_on.desc(), VisitNote.id.desc())))
