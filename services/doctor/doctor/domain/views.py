"""What 片儿医's staff API and public card show. Medical data (conditions, allergies, readings,
visit notes) is in ``record_view`` and in a case's ``medical`` part, which the API builds only
for a registered doctor; a closed record shows only that it is closed and until when it is
kept."""
from datetime import date, datetime

from sqlalchemy.orm import Session

from minzi.envelope import isoformat
from minzi.i18n import label, pick
from minzi.localtime import local_date

from ..models import Clinic, Doctor, HealthRecord, ProgramCase, Reading, SignUp, VisitNote
from .cases import on_time
from .clinics import list_clinics, sign_ups_of
from .codes import (
    CASE_ACTIONS,
    CASE_STATES,
    CONSENT_METHODS,
    OFFERS,
    READING_KINDS,
    RECORD_ACTIONS,
    RECORD_STATES,
    SEXES,
    SOURCES,
)
from .doctors import list_doctors
from .records import OPEN, RETENTION_RULE, notes_of, readings_of


def doctor_view(doctor: Doctor) -> dict:
    return {"id": doctor.id, "username": doctor.username, "name": doctor.name,
            "phone": doctor.phone, "pledge": doctor.pledge, "active": doctor.active,
            "created_by": doctor.created_by, "updated_by": doctor.updated_by,
            "updated_at": isoformat(doctor.updated_at)}


def offers_view(codes: list[str], lang: str) -> list[dict]:
    return [{"code": code, "name": label(OFFERS, code, lang)} for code in codes]


def clinic_view(session: Session, clinic: Clinic, lang: str, now: datetime, *,
                with_sign_ups: bool = False) -> dict:
    rows = sign_ups_of(session, clinic)
    view = {"id": clinic.id, "day": clinic.day.isoformat(), "hours": clinic.hours,
            "place": clinic.place, "capacity": clinic.capacity,
            "offers": offers_view(clinic.offers, lang),
            "offer_names": "、".join(label(OFFERS, c, lang) for c in clinic.offers),
            "signed_up": len(rows), "places_left": max(clinic.capacity - len(rows), 0),
            "attended": sum(r.attended for r in rows), "held": clinic.day <= local_date(now),
            "created_by": clinic.created_by}
    if with_sign_ups:
        view["sign_ups"] = [sign_up_view(r) for r in rows]
    return view


def sign_up_view(entry: SignUp) -> dict:
    return {"id": entry.id, "clinic_id": entry.clinic_id, "name": entry.name,
            "phone": entry.phone, "signed_up_at": isoformat(entry.signed_up_at),
            "signed_up_by": entry.signed_up_by, "attended": entry.attended,
            "attendance_by": entry.attendance_by}


def card(session: Session, community: str, lang: str, now: datetime) -> dict:
    """The doctor's card on the notice board: who, their mobile, their pledge, and the free
    clinic days to come. Nothing of any resident."""
    today = local_date(now)
    return {"community": community,
            "doctors": [{"name": d.name, "phone": d.phone, "pledge": d.pledge}
                        for d in list_doctors(session, community, active_only=True)],
            "clinics": [{"day": c.day.isoformat(), "hours": c.hours, "place": c.place,
                         "offers": "、".join(label(OFFERS, o, lang) for o in c.offers),
                         "places_left": max(c.capacity - len(sign_ups_of(session, c)), 0)}
                        for c in list_clinics(session, community, upcoming_from=today)],
            "notice": pick(lang, "小病不出社区门：有事请打片儿医电话；急症请立即拨打120",
                           "For minor illness, call the neighbourhood doctor; in an "
                           "emergency call 120 at once")}


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def record_summary(record: HealthRecord, lang: str, now: datetime) -> dict:
    """A line of the records list (the doctor's): who, and whether it is open."""
    return {"id": record.id, "name": record.name, "sex_name": label(SEXES, record.sex, lang),
            "age": _age(record.birth_date, local_date(now)), "state": record.state,
            "state_name": label(RECORD_STATES, record.state, lang),
            "consent_on": record.consent_on.isoformat()}


def reading_view(reading: Reading, lang: str) -> dict:
    glucose = reading.glucose_tenths
    value = f"{reading.systolic}/{reading.diastolic} mmHg" if reading.kind == "blood_pressure" \
        else f"{glucose // 10}.{glucose % 10} mmol/L"
    return {"id": reading.id, "kind": reading.kind,
            "kind_name": label(READING_KINDS, reading.kind, lang),
            "systolic": reading.systolic, "diastolic": reading.diastolic,
            "glucose": f"{glucose // 10}.{glucose % 10}" if glucose is not None else None,
            "fasting": reading.fasting, "value": value,
            "measured_on": reading.measured_on.isoformat(), "source": reading.source,
            "source_name": label(SOURCES, reading.source, lang), "clinic_id": reading.clinic_id,
            "case_id": reading.case_id, "recorded_by": reading.recorded_by}


def note_view(note: VisitNote, lang: str) -> dict:
    return {"id": note.id, "seen_on": note.seen_on.isoformat(), "text": note.text,
            "source": note.source, "source_name": label(SOURCES, note.source, lang),
            "case_id": note.case_id, "recorded_by": note.recorded_by}


def consent_view(record: HealthRecord, lang: str) -> dict:
    return {"by": record.consent_by, "method": record.consent_method,
            "method_name": label(CONSENT_METHODS, record.consent_method, lang),
            "on": record.consent_on.isoformat(), "form_ref": record.consent_form_ref,
            "witness": record.consent_witness, "recorded_by": record.consent_recorded_by,
            "withdrawn_on": record.withdrawn_on.isoformat() if record.withdrawn_on else None,
            "withdrawal_recorded_by": record.withdrawal_recorded_by}


def closed_view(record: HealthRecord, lang: str) -> dict:
    """A record closed by withdrawn consent: that it exists, closed, kept until when."""
    return {"id": record.id, "name": record.name, "state": record.state,
            "state_name": label(RECORD_STATES, record.state, lang),
            "consent": consent_view(record, lang),
            "retain_until": record.retain_until.isoformat(),    # set when consent is withdrawn
            "retention": pick(lang, *RETENTION_RULE)}


def record_view(session: Session, record: HealthRecord, lang: str, now: datetime) -> dict:
    """A whole open record, for a registered doctor; a closed one as ``closed_view``."""
    if record.state != OPEN:
        return closed_view(record, lang)
    return {**record_summary(record, lang, now), "sex": record.sex,
            "birth_date": record.birth_date.isoformat(), "phone": record.phone,
            "address": record.address, "conditions": record.conditions,
            "conditions_text": "、".join(record.conditions),
            "allergies": record.allergies, "allergies_text": "、".join(record.allergies),
            "consent": consent_view(record, lang),
            "readings": [reading_view(r, lang) for r in readings_of(session, record)],
            "notes": [note_view(n, lang) for n in notes_of(session, record)],
            "history": [{**entry, "action_name": label(RECORD_ACTIONS, entry["action"], lang)}
                        for entry in record.history or []]}


def case_view(case: ProgramCase, lang: str, *, medical: bool) -> dict:
    """A house call; its visit note and the record it went into only for a doctor."""
    view = {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code,
            "state": case.state, "state_name": label(CASE_STATES, case.state, lang),
            "description": case.description, "resident": {**(case.resident or {}),
                                                          "address": case.address},
            "attributes": case.attributes, "chases": case.chases,
            "due_at": isoformat(case.due_at), "accepted_by": case.accepted_by,
            "visited_on": case.visited_on.isoformat() if case.visited_on else None,
            "result": case.result, "handled_by": case.handled_by,
            "finished_at": isoformat(case.finished_at), "on_time": on_time(case),
            "history": [{**entry, "action_name": label(CASE_ACTIONS, entry["action"], lang)}
                        for entry in case.history or []]}
    if medical:
        view["medical"] = {"visit_note": case.visit_note, "record_id": case.record_id}
    return view
