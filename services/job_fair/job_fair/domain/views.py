"""What the job fair's staff API shows. Applicants' ID number, phone and CV are shown in full
only to the fair's own staff (``full=True``), who also hand an employer the full data of the
applicants who applied to it (``employer_applications``); everywhere else they are masked."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.idcard import mask_id_number
from minzi.localtime import local_date
from minzi.logs import mask_phone

from ..models import (
    Activity,
    Applicant,
    Application,
    CheckIn,
    Employer,
    Fair,
    Position,
    ProgramCase,
)
from .codes import APPLICANT_KINDS, APPLICATION_STATUSES, EDUCATION, EMPLOYER_STATUSES
from .employers import licence_expired
from .matching import yuan


def employer_view(employer: Employer, lang: str, now: datetime) -> dict:

    return {"id": employer.id, "community": employer.community, "name": employer.name,
            "credit_code": employer.credit_code,
            "licence_valid_until": employer.licence_valid_until.isoformat()
            if employer.licence_valid_until else None,
            "licence_expired": licence_expired(employer, local_date(now)),
            "contact_name": employer.contact_name, "phone": employer.phone,
            "address": employer.address, "status": employer.status,
            "status_name": label(EMPLOYER_STATUSES, employer.status, lang),
            "reason": employer.reason, "verified_at": isoformat(employer.verified_at),
            "verified_by": employer.verified_by, "created_at": isoformat(employer.created_at),
            "created_by": employer.created_by}


def fair_view(fair: Fair) -> dict:
    return {"id": fair.id, "community": fair.community, "title": fair.title,
            "day": fair.day.isoformat(), "place": fair.place, "capacity": fair.capacity,
            "created_by": fair.created_by}


def position_view(position: Position, employer: Employer, lang: str) -> dict:
    return {"id": position.id, "fair_id": position.fair_id, "employer_id": employer.id,
            "employer": employer.name, "title": position.title, "count": position.count,
            "skills": position.skills, "education": position.education,
            "education_name": label(EDUCATION, position.education, lang),
            "area": position.area, "work_place": position.work_place,
            "pay_min": yuan(position.pay_min_fen), "pay_max": yuan(position.pay_max_fen),
            "status": position.status, "created_by": position.created_by}


def applicant_view(applicant: Applicant, lang: str, *, full: bool) -> dict:
    return {"id": applicant.id, "community": applicant.community, "name": applicant.name,
            "id_number": applicant.id_number if full else mask_id_number(applicant.id_number),
            "phone": applicant.phone if full else mask_phone(applicant.phone),
            "cv": applicant.cv if full else None, "cv_masked": not full,
            "kind": applicant.kind, "kind_name": label(APPLICANT_KINDS, applicant.kind, lang),
            "education": applicant.education,
            "education_name": label(EDUCATION, applicant.education, lang),
            "skills": applicant.skills, "preferred_area": applicant.preferred_area,
            "expected_pay": None if applicant.expected_pay_fen is None
            else yuan(applicant.expected_pay_fen),
            "registration_code": applicant.registration_code if full else None,
            "consent_at": isoformat(applicant.consent_at),
            "created_by": applicant.created_by}


def application_view(application: Application, lang: str) -> dict:
    return {"id": application.id, "position_id": application.position_id,
            "applicant_id": application.applicant_id, "status": application.status,
            "status_name": label(APPLICATION_STATUSES, application.status, lang),
            "withdrawn_by": application.withdrawn_by, "note": application.note,
            "applied_at": isoformat(application.applied_at),
            "interviewed_at": isoformat(application.interviewed_at),
            "decided_at": isoformat(application.decided_at),
            "updated_by": application.updated_by}


def check_in_view(entry: CheckIn, applicant: Applicant) -> dict:
    return {"fair_id": entry.fair_id, "applicant_id": applicant.id, "name": applicant.name,
            "at": isoformat(entry.at), "by": entry.by}


def list_employers(session: Session, community: str, status: str | None) -> list[Employer]:
    query = select(Employer).where(Employer.community == community)
    if status:
        query = query.where(Employer.status == status)
    return list(session.scalars(query.order_by(Employer.id)))


def list_fairs(session: Session, community: str) -> list[Fair]:
    return list(session.scalars(select(Fair).where(Fair.community == community)
                                .order_by(Fair.day, Fair.id)))


def list_positions(session: Session, fair: Fair, now: datetime, *,
                   public: bool) -> list[tuple[Position, Employer]]:
    """A fair's open positions; the public sees only those of verified employers whose licence
    is still valid."""

    rows = session.execute(select(Position, Employer).join(
        Employer, Employer.id == Position.employer_id).where(
        Position.fair_id == fair.id, Position.status == "open").order_by(Position.id)).all()
    if public:
        today = local_date(now)
        rows = [(p, e) for p, e in rows
                if e.status == "verified" and not licence_expired(e, today)]
    return list(rows)


def list_applicants(session: Session, community: str) -> list[Applicant]:
    return list(session.scalars(select(Applicant).where(Applicant.community == community)
                                .order_by(Applicant.id)))


def fair_applicants(session: Session, fair: Fair) -> list[tuple[Applicant, list]]:
    """Everyone who applied to one of the fair's positions or checked in at it, with what became
    of each of their applications there (for the applicant list and its spreadsheet)."""
    rows = session.execute(select(Application, Position, Employer).join(
        Position, Position.id == Application.position_id).join(
        Employer, Employer.id == Position.employer_id).where(
        Position.fair_id == fair.id).order_by(Application.id)).all()
    by_applicant: dict[int, list] = {}
    for application, position, employer in rows:
        by_applicant.setdefault(application.applicant_id, []).append(
            (application, position, employer))
    arrived = set(session.scalars(select(CheckIn.applicant_id).where(
        CheckIn.fair_id == fair.id)))
    ids = sorted(set(by_applicant) | arrived)
    applicants = {a.id: a for a in session.scalars(select(Applicant).where(
        Applicant.id.in_(ids)))} if ids else {}
    return [(applicants[i], by_applicant.get(i, []), i in arrived) for i in ids]


def employer_applications(session: Session, employer: Employer, lang: str) -> list[dict]:
    """What the fair's staff hand an employer: who applied to its positions, in full (the
    employer an applicant applied to may see their data)."""
    rows = session.execute(select(Application, Position, Applicant).join(
        Position, Position.id == Application.position_id).join(
        Applicant, Applicant.id == Application.applicant_id).where(
        Position.employer_id == employer.id).order_by(Application.id)).all()
    return [{**application_view(application, lang), "position": position.title,
             "applicant": applicant_view(applicant, lang, full=True)}
            for application, position, applicant in rows]


def history(session: Session, community: str, entity: str, entity_id: int) -> list[dict]:
    return [{"action": a.action, "by": a.actor, "on_behalf_of": a.on_behalf_of,
             "at": isoformat(a.at), "detail": a.detail}
            for a in session.scalars(select(Activity).where(
                Activity.community == community, Activity.entity == entity,
                Activity.entity_id == entity_id).order_by(Activity.id))]


def case_view(case: ProgramCase) -> dict:
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code, "state": case.state,
            "description": case.description, "resident": case.resident,
            "attributes": case.attributes, "chases": case.chases, "result": case.result,
            "handled_by": case.handled_by, "history": case.history or []}


def list_cases(session: Session, community: str) -> list[dict]:
    cases = session.scalars(select(ProgramCase).where(ProgramCase.community == community)
                            .order_by(ProgramCase.case_id))
    return [case_view(case) for case in cases]
