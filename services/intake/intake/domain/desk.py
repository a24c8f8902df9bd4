"""The case desk: one unit of work as the rules see it, and the record-keeping every action shares
(finding a case, its history, messages to the resident, sending it to a program or back to the
station head)."""
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.localtime import BEIJING

from ..models import Case, CaseEvent, Notification, Program, ServiceOffer
from .access import Actor
from .labels import OPEN_STATUSES, SMS_CHANNELS, STATUS_LABELS
from .registry import Offer, Registry

Publish = Callable[..., Any]   # publish(routing_key, data, community=...): into the outbox


def find_case(session: Session, case_id: int, lock: bool = False) -> Case | None:
    """A case by id, or None. ``lock``: hold the case's row until the commit, so two changes to
    one case (two reports, two clerks) happen one after the other, each seeing the other's
    result."""
    if not lock:
        return session.get(Case, case_id)
    query = select(Case).where(Case.id == case_id).with_for_update(of=Case)
    return session.scalars(query).unique().one_or_none()


def get_case(session: Session, case_id: int, staff: Staff | None = None,
             lock: bool = False) -> Case:
    """A case by id (see ``find_case``); staff see only their own community's."""
    case = find_case(session, case_id, lock)
    if case is None or (staff and case.community_id != staff["community"]):
        raise NotFound("case_not_found", f"没有编号为 {case_id} 的诉求",
                       f"No case {case_id}", field="case_id")
    return case


def by_tracking_code(session: Session, code: str | None) -> Case:
    case = session.scalar(select(Case).where(Case.tracking_code == (code or "").upper()))
    if case is None:
        raise NotFound("case_not_found", "查询码不存在，请核对", "No case has this tracking code",
                       field="tracking_code")
    return case


def require_open(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise Conflict("case_closed",
                       f"诉求当前状态为「{label(STATUS_LABELS, case.status)}」，不能这样办理",
                       f"The case is {label(STATUS_LABELS, case.status, 'en').lower()}",
                       field="status")


def join_notes(*parts: str | None) -> str:
    return "；".join(p for p in parts if p)


def local_minute(moment: datetime) -> str:
    """Beijing time, to the minute, for residents' messages."""
    return as_utc(moment).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


class Desk:
    """The rules' view of one transaction: the session, ``publish`` (into the outbox, sent after
    the commit), and ``now``, the one moment every change in it happens at."""

    def __init__(self, session: Session, publish: Publish, now: datetime, *,
                 unassigned_time_limit_hours: float = 24.0) -> None:
        self.session = session
        self.publish = publish
        self.now = now
        self.registry = Registry(session)
        self.unassigned_time_limit_hours = unassigned_time_limit_hours

    # -- the record -------------------------------------------------------------------------------
    def record(self, case: Case, actor: Actor, action: str, note: str | None = None, *,
               from_status: str | None = None, public: bool = True) -> None:
        """A line in the case's history (``public``: shown to the resident too)."""
        self.session.add(CaseEvent(case=case, at=self.now, actor=actor.label, action=action,
                                   from_status=from_status, to_status=case.status, note=note,
                                   public=public))
        case.updated_at = self.now

    def move(self, case: Case, status: str, actor: Actor, action: str, note: str | None = None,
             public: bool = True) -> None:
        before = case.status
        case.status = status
        self.record(case, actor, action, note, from_status=before, public=public)

    def notify(self, case: Case, purpose: str, body: str) -> None:
        """A message to the resident: a text where they left a phone on a channel that can take
        one, else kept for their tracking page; sent after the commit."""
        sequence = 1 + (self.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.case_id == case.id, Notification.purpose == purpose)) or 0)
        channel = "sms" if case.resident_phone and case.channel in SMS_CHANNELS else "tracking"
        self.session.add(Notification(case_id=case.id, purpose=purpose, sequence=sequence,
                                      channel=channel, recipient=case.resident_phone,
                                      body=body, created_at=self.now))

    def ensure_owner(self, case: Case, actor: Actor) -> None:
        """首问负责: the first staff member to take a case up is its owner of record."""
        if case.owner_id is None and actor.staff:
            case.owner_id = actor.staff_id
            self.record(case, actor, "owner_taken", public=False)

    # -- where a case goes ------------------------------------------------------------------------
    def offer_or_error(self, community_id: str, code: str, field: str = "service_code") -> Offer:
        found = self.registry.offer(community_id, code)
        if found is None:
            raise DomainError("unknown_service", f"本社区目前没有「{code}」这项服务",
                              f"No live program offers '{code}' in this community", field=field)
        return found

    def dispatch(self, case: Case, offer: ServiceOffer, program: Program, actor: Actor,
                 note: str | None, action: str = "dispatched") -> None:
        """To the program that offers the service, with its time limit from now."""
        case.service_code = offer.code
        case.program_id = program.program_id
        case.time_limit_hours = offer.time_limit_hours
        case.dispatched_at = self.now
        case.due_at = self.now + timedelta(hours=offer.time_limit_hours)
        case.chase_level = 0
        case.escalated = False
        case.handler = None
        self.move(case, "dispatched", actor, action,
                  note or f"转交「{program.name_zh}」办理：{offer.name_zh}")
        self.session.flush()
        self.publish(f"case.dispatched.{program.program_id}", {
            "case_id": case.id, "tracking_code": case.tracking_code,
            "program_id": program.program_id, "service_code": offer.code,
            "community": case.community_id, "channel": case.channel,
            "description": case.description, "attributes": case.attributes,
            "address": case.address, "lat": case.lat, "long": case.long,
            "resident": {"name": case.resident_name, "phone": case.resident_phone,
                         "contact": case.resident_contact},
            "due_at": isoformat(case.due_at), "note": note,
        }, community=case.community_id)

    def to_station_head(self, case: Case, actor: Actor, note: str,
                        action: str = "awaiting_assignment") -> None:
        """Back to the station head to assign, within the unassigned time limit."""
        case.program_id = None
        case.time_limit_hours = self.unassigned_time_limit_hours
        case.due_at = self.now + timedelta(hours=self.unassigned_time_limit_hours)
        case.chase_level = 0
        case.escalated = False
        self.move(case, "awaiting_assignment", actor, action, note)

    def recall(self, case: Case, note: str | None) -> None:
        """Tell the program handling the case that it is no longer theirs."""
        self.publish(f"case.recalled.{case.program_id}", {
            "case_id": case.id, "tracking_code": case.tracking_code,
            "program_id": case.program_id, "note": note}, community=case.community_id)
