"""What the association's staff API shows. Phones (a member's, a complaining resident's) are
shown in full only to the association's own staff; an admin sees them masked, and a resident's
address not at all."""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.localtime import local_date
from minzi.logs import mask_phone

from ..models import Activity, Dog, Member, Officer, Pledge, ProgramCase, Reminder, Vaccination
from . import dogs as dog_rules
from . import members as member_rules
from .cases import on_time
from .codes import (
    CASE_ACTIONS,
    CASE_STATES,
    COMPLAINTS,
    DOG_FLAGS,
    DOG_STATES,
    MEMBER_STATES,
    OFFICES,
    REFERRALS,
    REMINDER_KINDS,
    REMINDER_STATES,
    SEXES,
    SIZE_CLASSES,
)

FULL, MASKED = "full", "masked"   # how much of a phone a reader sees


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _phone(phone: str | None, level: str) -> str | None:
    return phone if level == FULL else mask_phone(phone)


def pledge_view(pledge: Pledge) -> dict:
    return {"id": pledge.id, "version": pledge.version, "title": pledge.title,
            "text": pledge.text, "effective_on": _day(pledge.effective_on),
            "created_by": pledge.created_by}


def member_view(member: Member, lang: str, level: str, session: Session | None = None) -> dict:
    view = {"id": member.id, "name": member.name, "phone": _phone(member.phone, level),
            "household": member.household, "state": member.state,
            "state_name": label(MEMBER_STATES, member.state, lang),
            "warnings": member.warnings, "joined_on": _day(member.joined_on),
            "left_on": _day(member.left_on), "created_by": member.created_by}
    if session is not None:
        signed = member_rules.signatures_of(session, member)
        view["pledge_version"] = signed[-1][1].version if signed else None
        view["signed_on"] = _day(signed[-1][0].signed_on) if signed else None
    return view


def member_record(session: Session, member: Member, lang: str, level: str,
                  now: datetime) -> dict:
    return {**member_view(member, lang, level, session),
            "signatures": [{"pledge_version": pledge.version, "title": pledge.title,
                            "signed_on": _day(signature.signed_on),
                            "recorded_by": signature.recorded_by}
                           for signature, pledge in member_rules.signatures_of(session, member)],
            "dogs": [dog_view(dog, lang, now) for dog in dog_rules.dogs_of(session, member)]}


def dog_view(dog: Dog, lang: str, now: datetime, owner: Member | None = None,
             level: str = FULL) -> dict:
    today = local_date(now)
    found = dog_rules.flags(dog, today)
    view = {"id": dog.id, "member_id": dog.member_id, "name": dog.name, "breed": dog.breed,
            "size_class": dog.size_class,
            "size_class_name": label(SIZE_CLASSES, dog.size_class, lang),
            "shoulder_height_cm": dog.shoulder_height_cm, "sex": dog.sex,
            "sex_name": label(SEXES, dog.sex, lang), "colour": dog.colour,
            "registration_no": dog.registration_no,
            "registration_expires_on": _day(dog.registration_expires_on),
            "vaccinated_until": _day(dog.vaccinated_until),
            "vaccination_current": dog_rules.vaccination_current(dog, today),
            "state": dog.state, "state_name": label(DOG_STATES, dog.state, lang),
            "gone_reason": dog.gone_reason, "flags": found,
            "flag_names": "；".join(label(DOG_FLAGS, flag, lang) for flag in found) or None}
    if owner is not None:
        view.update(owner=owner.name, owner_phone=_phone(owner.phone, level),
                    household=owner.household)
    return view


def vaccination_view(shot: Vaccination) -> dict:
    return {"id": shot.id, "given_on": _day(shot.given_on), "valid_until": _day(shot.valid_until),
            "clinic": shot.clinic, "certificate_no": shot.certificate_no,
            "recorded_by": shot.recorded_by}


def dog_record(session: Session, dog: Dog, lang: str, level: str, now: datetime) -> dict:
    owner = session.get(Member, dog.member_id)
    return {**dog_view(dog, lang, now, owner, level),
            "vaccinations": [vaccination_view(v) for v in dog_rules.vaccinations_of(session, dog)]}


def officer_view(officer: Officer, member: Member, lang: str) -> dict:
    return {"id": officer.id, "member_id": officer.member_id, "name": member.name,
            "role": officer.role, "role_name": label(OFFICES, officer.role, lang),
            "elected_on": _day(officer.elected_on), "ended_on": _day(officer.ended_on),
            "serving": officer.ended_on is None, "note": officer.note,
            "created_by": officer.created_by}


def reminder_view(reminder: Reminder, dog: Dog, owner: Member, lang: str, level: str,
                  now: datetime) -> dict:
    return {"id": reminder.id, "dog_id": dog.id, "dog": dog.name, "owner": owner.name,
            "owner_phone": _phone(owner.phone, level), "household": owner.household,
            "kind": reminder.kind, "kind_name": label(REMINDER_KINDS, reminder.kind, lang),
            "due_on": _day(reminder.due_on),
            "overdue": reminder.due_on < local_date(now), "state": reminder.state,
            "state_name": label(REMINDER_STATES, reminder.state, lang),
            "created_at": isoformat(reminder.created_at),
            "called_at": isoformat(reminder.called_at), "called_by": reminder.called_by,
            "outcome": reminder.outcome}


def reminder_views(session: Session, reminders: list[Reminder], lang: str, level: str,
                   now: datetime) -> list[dict]:
    found = []
    for reminder in reminders:
        dog = session.get(Dog, reminder.dog_id)
        found.append(reminder_view(reminder, dog, session.get(Member, dog.member_id), lang,
                                   level, now))
    return found


def resident_view(case: ProgramCase, level: str) -> dict:
    resident = case.resident or {}
    if level == FULL:
        return {**resident, "address": case.address}
    name = resident.get("name")
    return {"name": name[0] + "*" * (len(name) - 1) if name else name,
            "phone": mask_phone(resident.get("phone")), "address": None}


def case_view(session: Session, case: ProgramCase, lang: str, level: str) -> dict:
    member = session.get(Member, case.member_id) if case.member_id else None
    dog = session.get(Dog, case.dog_id) if case.dog_id else None
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code,
            "kind_name": label(COMPLAINTS, case.service_code, lang),
            "urgent": case.service_code == "dog_bite",
            "state": case.state, "state_name": label(CASE_STATES, case.state, lang),
            "description": case.description, "attributes": case.attributes,
            "resident": resident_view(case, level), "due_at": isoformat(case.due_at),
            "member_id": case.member_id, "member": member.name if member else None,
            "dog_id": case.dog_id, "dog": dog.name if dog else None,
            "talks": case.talks or 0, "warnings": case.warnings or 0, "chases": case.chases,
            "result": case.result, "referral": case.referral,
            "referral_name": label(REFERRALS, case.referral, lang),
            "handled_by": case.handled_by, "finished_at": isoformat(case.finished_at),
            "on_time": on_time(case) if case.state == "resolved" else None,
            "history": [{**entry, "action_name": label(CASE_ACTIONS, entry["action"], lang)}
                        for entry in case.history or []]}


def history(session: Session, community: str, entity: str, entity_id: int) -> list[dict]:
    return [{"action": a.action, "by": a.actor, "at": isoformat(a.at), "detail": a.detail}
            for a in session.scalars(select(Activity).where(
                Activity.community == community, Activity.entity == entity,
                Activity.entity_id == entity_id).order_by(Activity.id))]
