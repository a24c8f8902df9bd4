"""What the studio's staff API shows: every read for a page or a list is here.

Ages are counted on ``today`` (a Beijing date) the caller passes in. ID numbers are masked
everywhere except on a member's own record; one member is shown to another as a profile without
phone, ID number or birth date."""
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from minzi.envelope import isoformat
from minzi.i18n import Names, label
from minzi.localtime import local_date, local_range

from ..models import Activity, Consultation, Introduction, Member, ProgramCase, Verification
from .cases import get_case
from .codes import (
    EDUCATION,
    GENDERS,
    MEMBER_STATUSES,
    OUTCOMES,
    TOPICS,
    VERIFICATION_RESULTS,
)
from .identity import age_on, mask_id_number
from .members import get_member, married, require_visible

# -- one record as the API shows it ----------------------------------------------------------------


def _ts(moment: datetime | None) -> str | None:
    """A stored moment as the API writes it (``isoformat`` reads SQLite's zoneless ones as UTC and
    leaves None as None)."""
    return isoformat(moment)


def _education(member: Member, lang: str) -> str | None:
    """``label`` leaves an education not given as None."""
    return label(EDUCATION, member.education, lang)


def member_view(member: Member, lang: str, today: date, *, full_id: bool = False) -> dict:
    return {"id": member.id, "community": member.community, "name": member.name,
            "gender": member.gender, "gender_name": label(GENDERS, member.gender, lang),
            "birth_date": member.birth_date.isoformat(),
            "age": age_on(member.birth_date, today), "phone": member.phone,
            "id_number": member.id_number if full_id else mask_id_number(member.id_number),
            "education": member.education, "education_name": _education(member, lang),
            "occupation": member.occupation, "introduction": member.introduction,
            "looking_for": member.looking_for, "status": member.status,
            "status_name": label(MEMBER_STATUSES, member.status, lang),
            "visible_to_others": member.status == "verified",
            "verified_at": _ts(member.verified_at), "withdrawn_reason": member.withdrawn_reason,
            "registered_at": _ts(member.registered_at), "created_at": _ts(member.created_at),
            "created_by": member.created_by, "updated_at": _ts(member.updated_at),
            "updated_by": member.updated_by}


def profile_view(member: Member, lang: str, today: date) -> dict:
    """What the studio may show one member about another: no phone, no ID number, no birth date."""
    return {"id": member.id, "name": member.name, "gender": member.gender,
            "gender_name": label(GENDERS, member.gender, lang),
            "age": age_on(member.birth_date, today),
            "education": member.education, "education_name": _education(member, lang),
            "occupation": member.occupation, "introduction": member.introduction,
            "looking_for": member.looking_for}


def verification_view(verification: Verification, lang: str) -> dict:
    return {"id": verification.id, "member_id": verification.member_id,
            "result": verification.result,
            "result_name": label(VERIFICATION_RESULTS, verification.result, lang),
            "police_station": verification.police_station, "officer": verification.officer,
            "reason": verification.reason, "checked_at": _ts(verification.checked_at),
            "recorded_at": _ts(verification.recorded_at),
            "recorded_by": verification.recorded_by}


def consultation_view(consultation: Consultation, lang: str) -> dict:
    return {"id": consultation.id, "community": consultation.community,
            "caller_name": consultation.caller_name, "phone": consultation.phone,
            "member_id": consultation.member_id, "topic": consultation.topic,
            "topic_name": label(TOPICS, consultation.topic, lang), "notes": consultation.notes,
            "staff_name": consultation.staff_name, "called_at": _ts(consultation.called_at),
            "created_at": _ts(consultation.created_at), "created_by": consultation.created_by}


def _side(member: Member) -> dict:
    return {"id": member.id, "name": member.name, "gender": member.gender}


def introduction_view(intro: Introduction, lang: str) -> dict:
    return {"id": intro.id, "community": intro.community,
            "first_member": _side(intro.first_member),
            "second_member": _side(intro.second_member),
            "introduced_at": _ts(intro.introduced_at), "introduced_by": intro.introduced_by,
            "note": intro.note, "outcome": intro.outcome,
            "outcome_name": label(OUTCOMES, intro.outcome, lang),
            "outcome_at": _ts(intro.outcome_at), "open": intro.open_pair is not None,
            "history": [{"outcome": step.outcome,
                         "outcome_name": label(OUTCOMES, step.outcome, lang),
                         "at": _ts(step.at), "note": step.note,
                         "recorded_at": _ts(step.recorded_at),
                         "recorded_by": step.recorded_by} for step in intro.steps],
            "updated_at": _ts(intro.updated_at), "updated_by": intro.updated_by}


def case_view(case: ProgramCase) -> dict:
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code, "state": case.state,
            "description": case.description, "resident": case.resident,
            "attributes": case.attributes, "chases": case.chases, "result": case.result,
            "handled_by": case.handled_by, "received_at": _ts(case.received_at),
            "updated_at": _ts(case.updated_at)}


def activity_view(row: Activity) -> dict:
    return {"at": _ts(row.at), "actor": row.actor, "actor_id": row.actor_id,
            "entity": row.entity, "entity_id": row.entity_id, "action": row.action,
            "detail": row.detail}


def codes(lang: str) -> dict:
    def listed(table: Names) -> list[dict]:
        return [{"code": code, "name": label(table, code, lang)} for code in table]
    return {"genders": listed(GENDERS), "education": listed(EDUCATION),
            "member_statuses": listed(MEMBER_STATUSES), "topics": listed(TOPICS),
            "outcomes": listed(OUTCOMES), "verification_results": listed(VERIFICATION_RESULTS)}


# -- lists -----------------------------------------------------------------------------------------

def history(session: Session, community: str, entity: str, entity_id: int) -> list[Activity]:
    """Who changed the record, when, oldest first."""
    return list(session.scalars(select(Activity).where(
        Activity.community == community, Activity.entity == entity,
        Activity.entity_id == entity_id).order_by(Activity.at, Activity.id)))


def list_members(session: Session, community: str, *, status: str | None = None,
                 gender: str | None = None, search: str | None = None) -> list[Member]:
    query = select(Member).where(Member.community == community)
    if status:
        query = query.where(Member.status == status)
    if gender:
        query = query.where(Member.gender == gender)
    if search:
        like = f"%{search}%"
        query = query.where(or_(Member.name.like(like), Member.phone.like(like)))
    return list(session.scalars(query.order_by(Member.id)))


def list_consultations(session: Session, community: str, *, day_from: date | None = None,
                       day_to: date | None = None,
                       member_id: int | None = None) -> list[Consultation]:
    start, end = local_range(day_from, day_to)
    query = select(Consultation).where(Consultation.community == community)
    if start:
        query = query.where(Consultation.called_at >= start)
    if end:
        query = query.where(Consultation.called_at < end)
    if member_id is not None:
        query = query.where(Consultation.member_id == member_id)
    return list(session.scalars(query.order_by(Consultation.called_at, Consultation.id)))


def list_introductions(session: Session, community: str, *, outcome: str | None = None,
                       member_id: int | None = None) -> list[Introduction]:
    query = select(Introduction).where(Introduction.community == community)
    if outcome:
        query = query.where(Introduction.outcome == outcome)
    if member_id is not None:
        query = query.where(or_(Introduction.first_member_id == member_id,
                                Introduction.second_member_id == member_id))
    return list(session.scalars(query.order_by(Introduction.id)))


def list_cases(session: Session, community: str, *,
               state: str | None = None) -> list[ProgramCase]:
    query = select(ProgramCase).where(ProgramCase.community == community)
    if state:
        query = query.where(ProgramCase.state == state)
    return list(session.scalars(query.order_by(ProgramCase.case_id)))


def candidates(session: Session, community: str, member_id: int, now: datetime, *,
               age_from: int | None = None, age_to: int | None = None) -> list[Member]:
    """Whom the studio could introduce a member to: verified members of the other gender (which
    leaves the member out), not already in an open introduction with them, not married through
    the studio; of an age (on ``now``'s Beijing date) between ``age_from`` and ``age_to`` when
    given."""
    member = get_member(session, member_id, community)
    require_visible(member, "member_id")
    rows = session.scalars(select(Member).where(
        Member.community == community, Member.status == "verified",
        Member.gender != member.gender).order_by(Member.id)).all()
    open_with = set()
    for intro in session.scalars(select(Introduction).where(
            Introduction.open_pair.is_not(None),
            or_(Introduction.first_member_id == member.id,
                Introduction.second_member_id == member.id))):
        open_with.add(intro.first_member_id)
        open_with.add(intro.second_member_id)
    today = local_date(now)
    found = []
    for row in rows:
        age = age_on(row.birth_date, today)
        if (age_from and age < age_from) or (age_to and age > age_to):
            continue
        if row.id in open_with or married(session, row.id):
            continue
        found.append(row)
    return found


# -- pages -----------------------------------------------------------------------------------------

def member_record(session: Session, community: str, member_id: int, lang: str,
                  today: date) -> dict:
    """A member's own record: their data in full, the police checks, introductions,
    consultations, and who changed what."""
    member = get_member(session, member_id, community)
    view = member_view(member, lang, today, full_id=True)
    view["verifications"] = [verification_view(v, lang) for v in member.verifications]
    view["introductions"] = [introduction_view(i, lang) for i in
                             list_introductions(session, community, member_id=member.id)]
    view["consultations"] = [consultation_view(c, lang) for c in
                             list_consultations(session, community, member_id=member.id)]
    view["history"] = [activity_view(a) for a in history(session, community, "member", member.id)]
    return view


def case_record(session: Session, community: str, case_id: int) -> dict:
    view = case_view(get_case(session, case_id, community))
    view["history"] = [activity_view(a) for a in history(session, community, "case", case_id)]
    return view
