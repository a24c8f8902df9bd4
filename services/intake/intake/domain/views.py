"""What intake shows: every read for the staff API, the resident's tracking page and ops is here.
A resident's phone is shown in full only to staff who need it (``access.can_see_personal_data``);
the tracking page shows no staff names and no one else's data."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from minzi.api import Staff
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.logs import mask_phone

from ..models import Case, CaseEvent, Community, Notification, Program, urgency_rank
from ..models import Staff as StaffRow
from .access import can_see_personal_data
from .figures import counted
from .labels import (
    ACTION_LABELS,
    CHASEABLE,
    OPEN_STATUSES,
    ROLE_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
)
from .registry import Offer, Registry
from .search import exact_conditions, word_conditions, words


def _name(zh: str, en: str | None, lang: str) -> str:
    return zh if lang == "zh" else en or zh


def _names(zh: str, en: str | None, lang: str) -> dict:
    """A name with both languages, as a directory lists it: ``name`` in the reader's language,
    and both beside it."""
    return {"name": _name(zh, en, lang), "name_zh": zh, "name_en": en}


# -- cases ----------------------------------------------------------------------------------------

CHASES = ("chased", "escalated")
_UNKNOWN = object()


def last_chase(case: Case, history: list[CaseEvent] | None = None) -> CaseEvent | None:
    """The latest chase or escalation on a case's record (``history``, else ``case.events``),
    or None."""
    lines = case.events if history is None else history
    return next((e for e in reversed(lines) if e.action in CHASES), None)


def last_chases(session: Session, case_ids: list[int]) -> dict[int, CaseEvent]:
    """``last_chase`` of each of some cases, in one query."""
    if not case_ids:
        return {}
    latest = select(func.max(CaseEvent.id)).where(
        CaseEvent.case_id.in_(case_ids), CaseEvent.action.in_(CHASES)).group_by(CaseEvent.case_id)
    return {e.case_id: e for e in session.scalars(select(CaseEvent).where(
        CaseEvent.id.in_(latest)))}


def owner_name(case: Case, staff: Staff | None) -> str | None:
    """The name of the staff member who answers for a case; when that is who is asking, the
    name the gateway vouched for, without reading their row."""
    if staff is not None and case.owner_id == staff["id"]:
        return staff["name"]
    return case.owner.name if case.owner else None


def case_view(case: Case, staff: Staff | None, lang: str, now: datetime,
              with_history: bool = False, chase: object = _UNKNOWN,
              history: list[CaseEvent] | None = None) -> dict:
    """A case as staff see it; ``overdue`` as of ``now``; ``last_chase``: the latest chase or
    escalation, for the staff who answer for it (``chase``: already looked up). ``history``:
    the case's lines when known without reading them (``Desk.lines_recorded`` of a case
    registered in this transaction), else ``case.events``."""
    chase = last_chase(case, history) if chase is _UNKNOWN else chase
    show = can_see_personal_data(case, staff)
    view = {
        "id": case.id, "tracking_code": case.tracking_code, "community": case.community_id,
        "channel": case.channel, "status": case.status,
        "status_label": label(STATUS_LABELS, case.status, lang),
        "description": case.description, "service_code": case.service_code,
        "program_id": case.program_id, "owner_id": case.owner_id,
        "owner": owner_name(case, staff), "handler": case.handler,
        "resident_name": case.resident_name,
        "resident_phone": case.resident_phone if show else mask_phone(case.resident_phone),
        "resident_contact": case.resident_contact if show else None,
        "address": case.address, "lat": case.lat, "long": case.long,
        "attributes": case.attributes, "reference": case.reference,
        "urgency": case.urgency, "urgency_label": label(URGENCY_LABELS, case.urgency, lang),
        "time_limit_hours": case.time_limit_hours,
        "due_at": isoformat(case.due_at), "overdue": bool(
            case.due_at and case.status in CHASEABLE and as_utc(case.due_at) < now),
        "chase_level": case.chase_level, "escalated": case.escalated,
        "last_chase": event_view(chase, lang) if chase is not None else None,
        "duplicate_of": case.duplicate_of_id, "result": case.result, "reply": case.reply,
        "explanation": case.explanation, "referral": case.referral,
        "followup_resolved": case.followup_resolved, "followup_satisfied": case.followup_satisfied,
        "reopened_count": case.reopened_count,
        "created_at": isoformat(case.created_at), "resolved_at": isoformat(case.resolved_at),
        "replied_at": isoformat(case.replied_at), "closed_at": isoformat(case.closed_at),
    }
    if with_history:
        view["history"] = [event_view(e, lang)
                           for e in (case.events if history is None else history)]
    return view


def event_view(event: CaseEvent, lang: str) -> dict:
    return {"at": isoformat(event.at), "actor": event.actor, "action": event.action,
            "action_label": label(ACTION_LABELS, event.action, lang),
            "from_status": event.from_status, "to_status": event.to_status, "note": event.note}


def queue_order(of=Case) -> list:
    """Every queue's order: the most urgent class first (a case without one counts as general),
    then soonest due, then the oldest."""
    return [urgency_rank(of.urgency), of.due_at.is_(None), of.due_at, of.id]


def has_grams(session: Session) -> bool:
    """The database indexes texts' two-character pieces for the searches (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


# how many cases at the head of a queue a search for words reads first (see ``_with_words``)
QUEUE_HEAD = 3000


def list_cases(session: Session, staff: Staff, q: dict, lang: str, now: datetime) -> list[dict]:
    """A staff member's queue (``q``: queue, status, program_id, limit, offset) in its order
    (``queue_order``), narrowed by a search (``search``); ``overdue`` as of ``now``; each case
    with its latest chase."""
    queue = [Case.community_id == staff["community"], *exact_conditions(q)]
    if q["queue"] == "mine":
        queue += [Case.owner_id == staff["id"], Case.status.in_(OPEN_STATUSES)]
    elif q["queue"] == "overdue":
        queue += [Case.status.in_(CHASEABLE), Case.due_at < now]
    elif q["queue"] == "escalated":
        queue += [Case.escalated.is_(True), Case.status.in_(OPEN_STATUSES)]
    elif q["queue"] == "unassigned":
        queue.append(Case.status == "awaiting_assignment")
    elif q["queue"] == "program":
        queue += [Case.program_id == (q["program_id"] or staff.get("program_id")),
                  Case.status.in_(OPEN_STATUSES)]
    if q["status"]:
        queue.append(Case.status == q["status"])
    if q["program_id"]:
        queue.append(Case.program_id == q["program_id"])
    if words(q):
        cases = _with_words(session, queue, q)
    else:
        cases = _page(session, select(Case).where(*queue), Case, q)
    chases = last_chases(session, [c.id for c in cases])
    return [case_view(c, staff, lang, now, chase=chases.get(c.id)) for c in cases]


def _page(session: Session, query, of, q: dict) -> list[Case]:
    return session.scalars(query.order_by(*queue_order(of)).offset(q["offset"])
                           .limit(q["limit"])).unique().all()


def _with_words(session: Session, queue: list, q: dict) -> list[Case]:
    """The page of the queue whose cases have the words asked for. A word may be in a great
    many cases (a common request: "漏水") or in a few (a name); the database cannot tell which
    before it reads them. So the head of the queue is read first, in order, each case's texts
    tested as they come: for a common word the page is there. Only when it is not are the
    cases with the words looked up by their index (PostgreSQL's pieces of two characters) and
    sorted: then they are few, since the head had too few of them."""
    if q["offset"] + q["limit"] <= QUEUE_HEAD:
        head = aliased(Case, select(Case).where(*queue).order_by(*queue_order())
                       .limit(QUEUE_HEAD).subquery("head"))
        found = _page(session, select(head).where(*word_conditions(q, of=head)), head, q)
        if len(found) == q["limit"]:
            return found
    # every match, by the index (MATERIALIZED: not the queue walked to find them one by one),
    # with what the queue sorts by; the page's cases read again whole, and only they
    matches = select(Case.id, *(key.label(f"key{i}") for i, key in enumerate(queue_order()))) \
        .where(*queue, *word_conditions(q, grams=has_grams(session))) \
        .cte("matches").prefix_with("MATERIALIZED", dialect="postgresql")
    page = select(matches.c.id).order_by(*list(matches.c)[1:]).offset(q["offset"]) \
        .limit(q["limit"]).subquery("page")
    return session.scalars(select(Case).join(page, Case.id == page.c.id)
                           .order_by(*queue_order())).unique().all()


def tracking_view(case: Case, session: Session, lang: str = "zh") -> dict:
    """What a resident sees with the tracking code: no staff names, no other person's data."""
    primary = session.get(Case, case.duplicate_of_id) if case.duplicate_of_id else None
    program = session.get(Program, case.program_id) if case.program_id else None
    # the program's latest progress note (an in_progress report: where the matter is now)
    latest = next((e for e in reversed(case.events)
                   if e.public and e.action == "progress" and e.note), None)
    return {
        "tracking_code": case.tracking_code, "status": case.status,
        "status_label": label(STATUS_LABELS, case.status, lang),
        "description": case.description,
        "program": _name(program.name_zh, program.name_en, lang) if program else None,
        "created_at": isoformat(case.created_at), "expected_at": isoformat(case.due_at)
        if case.status in OPEN_STATUSES else None,
        # the case it joined, by its public id: its tracking code is another resident's key
        "reply": case.reply, "duplicate_of": primary.public_id if primary else None,
        "can_give_feedback": case.status == "replied",
        "progress": {"at": isoformat(latest.at), "note": latest.note} if latest else None,
        "history": [{"at": isoformat(e.at), "action": label(ACTION_LABELS, e.action, lang)}
                    for e in case.events if e.public],
    }


# -- messages to residents ------------------------------------------------------------------------

def notification_view(n: Notification) -> dict:
    return {"id": n.id, "purpose": n.purpose, "channel": n.channel, "status": n.status,
            "body": n.body, "created_at": isoformat(n.created_at),
            "sent_at": isoformat(n.sent_at), "error": n.error}


def case_notifications(session: Session, case: Case) -> list[dict]:
    rows = session.scalars(select(Notification).where(Notification.case_id == case.id)
                           .order_by(Notification.id))
    return [notification_view(n) for n in rows]


def community_notifications(session: Session, community: str, limit: int) -> list[dict]:
    """The latest messages to the community's residents, newest first."""
    rows = session.scalars(select(Notification).join(Case).where(
        Case.community_id == community).order_by(Notification.id.desc()).limit(limit))
    return [notification_view(n) for n in rows]


# -- people, communities, programs ----------------------------------------------------------------

def staff_view(staff: StaffRow, lang: str = "zh") -> dict:
    return {"id": staff.id, "username": staff.username, "name": staff.name, "role": staff.role,
            "role_label": label(ROLE_LABELS, staff.role, lang), "community": staff.community_id,
            "program_id": staff.program_id, "active": staff.active,
            "must_change_password": bool(staff.must_change_password)}


def list_staff(session: Session, community: str, lang: str = "zh") -> list[dict]:
    rows = session.scalars(select(StaffRow).where(StaffRow.community_id == community)
                           .order_by(StaffRow.id))
    return [staff_view(s, lang) for s in rows]


def list_communities(session: Session, lang: str) -> list[dict]:
    return [{"id": c.id, **_names(c.name_zh, c.name_en, lang)}
            for c in session.scalars(select(Community).order_by(Community.id))]


def list_programs(session: Session, lang: str) -> list[dict]:
    return [{"program_id": p.program_id, **_names(p.name_zh, p.name_en, lang),
             "live": p.live, "rpc_service": p.rpc_service,
             "communities": p.manifest.get("communities", []),
             "service_types": [t["code"] for t in p.manifest.get("service_types", [])],
             "last_seen": isoformat(p.last_seen)} for p in Registry(session).programs()]


def program_directory(session: Session) -> list[dict]:
    """Every program known, for the gateway to route its staff API."""
    return [{"program_id": p.program_id, "rpc_service": p.rpc_service, "live": p.live,
             "name": p.name_zh} for p in Registry(session).programs()]


def offer_view(found: Offer, lang: str) -> dict:
    """A service type a community can ask for, and the program that serves it."""
    o, p = found
    return {"service_code": o.code, **_names(o.name_zh, o.name_en, lang),
            "program_id": p.program_id, "program": _name(p.name_zh, p.name_en, lang),
            "time_limit_hours": o.time_limit_hours, "urgency": o.urgency,
            "urgency_label": label(URGENCY_LABELS, o.urgency, lang), "keywords": o.keywords,
            "attributes": o.attributes}


def list_services(session: Session, community: str, lang: str) -> list[dict]:
    return [offer_view(found, lang) for found in Registry(session).live_offers(community)]


# -- figures --------------------------------------------------------------------------------------

def community_figures(session: Session, community: str, q: dict) -> dict:
    """The rates for a community's cases registered between two Beijing dates (``q``: date_from,
    date_to, program_id, group_by)."""
    groups = tuple(g.strip() for g in q["group_by"].split(",") if g.strip())
    return {"group_by": list(groups),
            "rows": counted(session, community, q.get("date_from"), q.get("date_to"),
                            q.get("program_id"), groups)}


def case_counts(session: Session, now: datetime) -> dict:
    """Open cases, and those overdue at ``now``, by community and program (for ops' metrics)."""
    open_rows = session.execute(
        select(Case.community_id, Case.program_id, Case.status, func.count())
        .where(Case.status.in_(OPEN_STATUSES))
        .group_by(Case.community_id, Case.program_id, Case.status)).all()
    overdue_rows = session.execute(
        select(Case.community_id, Case.program_id, func.count())
        .where(Case.status.in_(CHASEABLE), Case.due_at < now)
        .group_by(Case.community_id, Case.program_id)).all()
    return {"open": [{"community": c, "program": p or "", "status": s, "count": n}
                     for c, p, s, n in open_rows],
            "overdue": [{"community": c, "program": p or "", "count": n}
                        for c, p, n in overdue_rows]}
