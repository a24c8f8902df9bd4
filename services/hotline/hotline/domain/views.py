"""What the hotline's staff API and its public card show. A resident's name, phone and address
(on a case from intake) are shown in full only to the hotline's own staff; an admin sees them
masked. The card shows merchants' business phone numbers, never a resident's."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.localtime import local_date
from minzi.logs import mask_phone

from ..models import Complaint, DoorPosting, Job, Merchant, ProgramCase
from . import complaints, jobs
from .codes import CASE_ACTIONS, CASE_STATES, CATEGORIES, JOB_STATES, MERCHANT_STATUSES
from .figures import average
from .merchants import is_offered, status

FULL, MASKED = "full", "masked"   # how much of a resident a reader sees


def merchant_view(merchant: Merchant, lang: str) -> dict:
    state = status(merchant)
    return {"id": merchant.id, "community": merchant.community, "name": merchant.name,
            "credit_code": merchant.credit_code, "categories": merchant.categories,
            "category_names": [label(CATEGORIES, c, lang) for c in merchant.categories],
            "contact_name": merchant.contact_name, "phone": merchant.phone,
            "address": merchant.address, "status": state,
            "status_name": label(MERCHANT_STATUSES, state, lang),
            "licence_checked_at": isoformat(merchant.licence_checked_at),
            "licence_checked_by": merchant.licence_checked_by,
            "agreement_signed_on": merchant.agreement_signed_on.isoformat()
            if merchant.agreement_signed_on else None,
            "agreement_ref": merchant.agreement_ref, "suspended": merchant.suspended,
            "suspended_reason": merchant.suspended_reason,
            "created_at": isoformat(merchant.created_at), "created_by": merchant.created_by}


def job_view(job: Job, lang: str, merchant: Merchant | None = None) -> dict:
    return {"id": job.id, "case_id": job.case_id, "merchant_id": job.merchant_id,
            "merchant": merchant.name if merchant else None,
            "merchant_phone": merchant.phone if merchant else None,
            "category": job.category, "category_name": label(CATEGORIES, job.category, lang),
            "state": job.state, "state_name": label(JOB_STATES, job.state, lang),
            "picked_by": job.picked_by, "routed_at": isoformat(job.routed_at),
            "routed_by": job.routed_by, "responded_at": isoformat(job.responded_at),
            "responded_in_time": jobs.in_time(job), "came_at": isoformat(job.came_at),
            "done_at": isoformat(job.done_at), "note": job.note, "rating": job.rating,
            "rating_comment": job.rating_comment, "rated_at": isoformat(job.rated_at)}


def complaint_view(complaint: Complaint, merchant: Merchant | None = None) -> dict:
    return {"id": complaint.id, "merchant_id": complaint.merchant_id,
            "merchant": merchant.name if merchant else None, "job_id": complaint.job_id,
            "received_on": complaint.received_on.isoformat(),
            "description": complaint.description, "upheld": complaint.upheld,
            "decision": None if complaint.upheld is None
            else ("upheld" if complaint.upheld else "rejected"),
            "decision_note": complaint.decision_note,
            "decided_at": isoformat(complaint.decided_at), "decided_by": complaint.decided_by,
            "created_by": complaint.created_by}


def merchant_record(session: Session, merchant: Merchant, lang: str, now: datetime) -> dict:
    """A merchant with its jobs, its residents' ratings and the complaints against it."""
    own = jobs.of_merchant(session, merchant.id)
    given = [job.rating for job in own if job.rating is not None]
    return {**merchant_view(merchant, lang),
            "jobs": [job_view(job, lang, merchant) for job in own],
            "open_jobs": sum(job.state in jobs.OPEN for job in own),
            "ratings": {"count": len(given), "average": average(given)},
            "complaints": [complaint_view(c, merchant)
                           for c in complaints.of_merchant(session, merchant.id)],
            "upheld_last_12_months": complaints.upheld_in_last_year(
                session, merchant, local_date(now))}


def _masked_name(name: str | None) -> str | None:
    return name[0] + "*" * (len(name) - 1) if name else name


def resident_view(case: ProgramCase, level: str) -> dict:
    resident = case.resident or {}
    if level == FULL:
        return {**resident, "address": case.address}
    return {"name": _masked_name(resident.get("name")), "phone": mask_phone(resident.get("phone")),
            "address": None}


def case_view(session: Session, case: ProgramCase, lang: str, level: str) -> dict:
    own = jobs.jobs_of(session, case.case_id)
    current = own[-1] if own else None
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code,
            "category_name": label(CATEGORIES, case.service_code, lang),
            "state": case.state, "state_name": label(CASE_STATES, case.state, lang),
            "description": case.description, "attributes": case.attributes,
            "resident": resident_view(case, level), "chases": case.chases,
            "job_state": current.state if current else None,
            "merchant": session.get(Merchant, current.merchant_id).name if current else None,
            "result": case.result, "handled_by": case.handled_by,
            "received_at": isoformat(case.received_at),
            "jobs": [job_view(job, lang, session.get(Merchant, job.merchant_id)) for job in own],
            "history": [{**entry, "action_name": label(CASE_ACTIONS, entry["action"], lang)}
                        for entry in case.history or []]}


def list_cases(session: Session, community: str, lang: str, level: str,
               state: str | None = None) -> list[dict]:
    query = select(ProgramCase).where(ProgramCase.community == community)
    if state is not None:
        query = query.where(ProgramCase.state == state)
    return [case_view(session, case, lang, level)
            for case in session.scalars(query.order_by(ProgramCase.case_id))]


def door_view(door: DoorPosting) -> dict:
    return {"id": door.id, "building": door.building, "door": door.door,
            "posted_on": door.posted_on.isoformat(), "posted_by": door.posted_by}


def card(session: Session, community: str, lang: str) -> dict:
    """The guide card (便民服务导向牌) as posted at the doors: the merchants offered to
    residents by category, with their phone numbers, and how many doors it is posted at."""
    offered = [m for m in session.scalars(select(Merchant).where(
        Merchant.community == community).order_by(Merchant.id)) if is_offered(m)]
    return {"community": community,
            "categories": [{"category": code, "label": label(CATEGORIES, code, lang),
                            "merchants": [{"name": m.name, "phone": m.phone}
                                          for m in offered if code in m.categories]}
                           for code in CATEGORIES],
            # the same, one line a merchant and category, as the card prints it
            "lines": [{"category": code, "label": label(CATEGORIES, code, lang),
                       "name": m.name, "phone": m.phone}
                      for code in CATEGORIES for m in offered if code in m.categories],
            "doors_posted": session.scalar(select(func.count()).select_from(DoorPosting)
                                           .where(DoorPosting.community == community))}
