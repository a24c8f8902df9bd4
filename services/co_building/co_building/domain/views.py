"""What co-building's staff API shows. A resident's name, phone and address (on an issue from
intake) are shown in full only to co-building's own staff; an admin sees them masked, and a
member unit's contact, who works on the issue, sees the issue without them."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.logs import mask_phone
from minzi.money import yuan

from ..models import Activity, Agreement, Commitment, Meeting, ProgramCase, Unit
from .codes import (
    COMMITMENT_STATUSES,
    DIRECTIONS,
    ISSUE_ACTIONS,
    ISSUE_KINDS,
    ISSUE_STATES,
    PARTIES,
    UNIT_KINDS,
)
from .commitments import is_behind
from .issues import is_overdue, stage

FULL, MASKED, HIDDEN = "full", "masked", "hidden"   # how much of a resident a reader sees


def unit_view(unit: Unit, lang: str) -> dict:
    return {"id": unit.id, "community": unit.community, "name": unit.name, "kind": unit.kind,
            "kind_name": label(UNIT_KINDS, unit.kind, lang), "party_branch": unit.party_branch,
            "contact_name": unit.contact_name, "contact_phone": unit.contact_phone,
            "contact_username": unit.contact_username, "created_at": isoformat(unit.created_at),
            "created_by": unit.created_by}


def agreement_view(agreement: Agreement) -> dict:
    return {"id": agreement.id, "unit_id": agreement.unit_id,
            "signed_on": agreement.signed_on.isoformat(),
            "valid_from": agreement.valid_from.isoformat(),
            "valid_until": agreement.valid_until.isoformat(), "terms": agreement.terms,
            "document_ref": agreement.document_ref, "created_by": agreement.created_by}


def commitment_view(commitment: Commitment, lang: str, now: datetime) -> dict:
    return {"id": commitment.id, "year": commitment.year, "direction": commitment.direction,
            "direction_name": label(DIRECTIONS, commitment.direction, lang),
            "unit_id": commitment.unit_id, "title": commitment.title,
            "detail": commitment.detail, "due_on": commitment.due_on.isoformat(),
            "status": commitment.status,
            "status_name": label(COMMITMENT_STATUSES, commitment.status, lang),
            "behind": is_behind(commitment, now), "evidence": commitment.evidence,
            "evidence_ref": commitment.evidence_ref,
            "evidence_at": isoformat(commitment.evidence_at),
            "evidence_by": commitment.evidence_by,
            "verified_at": isoformat(commitment.verified_at),
            "verified_by": commitment.verified_by, "created_by": commitment.created_by}


def meeting_view(meeting: Meeting, lang: str) -> dict:
    return {"id": meeting.id, "day": meeting.day.isoformat(), "place": meeting.place,
            "topic": meeting.topic,
            "attendees": [{"party": party, "party_name": label(PARTIES, party, lang),
                           "names": meeting.attendees.get(party, [])} for party in PARTIES],
            "case_ids": meeting.case_ids, "decisions": meeting.decisions,
            "created_by": meeting.created_by}


def _masked_name(name: str | None) -> str | None:
    return name[0] + "*" * (len(name) - 1) if name else name


def resident_view(case: ProgramCase, level: str) -> dict | None:
    resident = case.resident or {}
    if level == FULL:
        return {**resident, "address": case.address}
    if level == MASKED:
        return {"name": _masked_name(resident.get("name")),
                "phone": mask_phone(resident.get("phone")), "address": None}
    return None


def issue_view(case: ProgramCase, lang: str, now: datetime, level: str,
               unit: Unit | None = None) -> dict:
    state = stage(case)
    return {"case_id": case.case_id, "tracking_code": case.tracking_code,
            "community": case.community, "service_code": case.service_code,
            "description": case.description, "attributes": case.attributes,
            "resident": resident_view(case, level), "kind": case.kind,
            "kind_name": label(ISSUE_KINDS, case.kind, lang), "state": state,
            "state_name": label(ISSUE_STATES, state, lang), "unit_id": case.unit_id,
            "unit": unit.name if unit else None,
            "deadline": case.deadline.isoformat() if case.deadline else None,
            "overdue": is_overdue(case, now), "reminders": case.reminders or 0,
            "chases": case.chases, "meeting_id": case.meeting_id, "result": case.result,
            "investment": yuan(case.investment_fen) if case.investment_fen is not None else None,
            "investment_unit_id": case.investment_unit_id, "handled_by": case.handled_by,
            "history": [{**entry, "action_name": label(ISSUE_ACTIONS, entry["action"], lang)}
                        for entry in case.history or []]}


def issue_views(session: Session, cases: list[ProgramCase], lang: str, now: datetime,
                level: str) -> list[dict]:
    return [issue_view(case, lang, now, level,
                       session.get(Unit, case.unit_id) if case.unit_id else None)
            for case in cases]


def list_units(session: Session, community: str) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.community == community)
                                .order_by(Unit.id)))


def history(session: Session, community: str, entity: str, entity_id: int) -> list[dict]:
    return [{"action": a.action, "by": a.actor, "at": isoformat(a.at), "detail": a.detail}
            for a in session.scalars(select(Activity).where(
                Activity.community == community, Activity.entity == entity,
                Activity.entity_id == entity_id).order_by(Activity.id))]
