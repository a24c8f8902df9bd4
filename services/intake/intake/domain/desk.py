"""The case desk: one unit of work as the rules see it, and the record-keeping every action shares
(finding a case, its history, messages to the resident, sending it to a program or back to the
station head)."""
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, event, func, insert, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached

from minzi.api import Conflict, DomainError, NotFound, Staff
from minzi.contract import URGENCIES, URGENCY_HOURS
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.localtime import BEIJING

from ..models import Case, CaseEvent, Notification, Program, ServiceOffer
from ..models import Staff as StaffRow
from .access import Actor
from .labels import OPEN_STATUSES, SMS_CHANNELS, STATUS_LABELS
from .registry import Offer, Registry

Publish = Callable[..., Any]   # publish(routing_key, data, community=...): into the outbox
# statements made once, their values given at each call (SQLAlchemy works out a statement's
# cache key each time one is built)
NEW_MESSAGE = insert(Notification.__table__)
NEW_HISTORY_LINES = insert(CaseEvent.__table__)
CASE_LOCKED = select(Case).where(Case.id == bindparam("case_id")).with_for_update(of=Case)
NEW_CASE = insert(Case.__table__).returning(*Case.__table__.c)
CASE_COLUMNS = {attribute.key: attribute.columns[0].key
                for attribute in inspect(Case).column_attrs}
RELATIONSHIPS = set(inspect(Case).relationships.keys())


# a case's history lines recorded in a session and not yet written (``Desk.record``)
_HISTORY = "intake.history"


@event.listens_for(Session, "after_flush_postexec")
def _write_history(session: Session, _context) -> None:
    """The history lines recorded since the last flush, written through their table in one
    statement, now that every case they belong to has its id. A case's lines are what a
    registration and a report write most (two or three a case), and the unit of work's flush of
    each, as objects, cost more CPU than the statement. Nothing reads them back but as the
    case's ``events``, which ``Desk.record`` has read again when they were loaded."""
    _write_lines(session, session.info.pop(_HISTORY, None))


def _write_lines(session: Session, lines: list[tuple[Case, dict]] | None) -> None:
    if lines:
        session.connection().execute(NEW_HISTORY_LINES,
                                     [{"case_id": case.id, **line} for case, line in lines])


@event.listens_for(Session, "after_rollback")
def _forget_history(session: Session) -> None:
    """Lines recorded in a transaction that was rolled back are never written."""
    session.info.pop(_HISTORY, None)


# the ids of the cases whose rows this session's transaction holds (``hold_cases``)
_HELD = "intake.held_cases"


def find_case(session: Session, case_id: int, lock: bool = False) -> Case | None:
    """A case by id, or None. ``lock``: hold the case's row until the commit, so two changes to
    one case (two reports, two clerks) happen one after the other, each seeing the other's
    result."""
    if not lock or case_id in session.info.get(_HELD, ()):
        return session.get(Case, case_id)
    return session.scalars(CASE_LOCKED, {"case_id": case_id}).unique().one_or_none()


def hold_cases(session: Session, case_ids) -> list[Case]:
    """Holds the rows of several cases until the commit, in one statement and in the order of
    their ids (two transactions holding some of the same cases never wait for each other in a
    circle); ``find_case(..., lock=True)`` then finds them without a round trip. Returns the
    cases, to be kept while they are worked on (the session keeps only what is referenced)."""
    ids = sorted(set(case_ids))
    if not ids:
        return []
    cases = list(session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id)
                                 .with_for_update(of=Case)).unique())
    session.info.setdefault(_HELD, set()).update(ids)
    return cases


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


def more_urgent(*urgencies: str | None) -> str | None:
    """The most urgent of some urgency classes (None: no class)."""
    given = [u for u in urgencies if u]
    return min(given, key=URGENCIES.index) if given else None


def limit_for(hours: float, urgency: str | None) -> float:
    """A time limit as a case's urgency class has it: never longer than the class's hours."""
    return min(hours, URGENCY_HOURS[urgency]) if urgency else hours


class Desk:
    """The rules' view of one transaction: the session, ``publish`` (into the outbox, sent after
    the commit), and ``now``, the one moment every change in it happens at.
    ``messages_only_kept``: the station sends no text (no SMS gateway), so a message is written
    as kept (``recorded``) at once, leaving the notification relay nothing to do."""

    def __init__(self, session: Session, publish: Publish, now: datetime, *,
                 unassigned_time_limit_hours: float = 24.0,
                 messages_only_kept: bool = False) -> None:
        self.session = session
        self.publish = publish
        self.now = now
        self.registry = Registry(session)
        self.unassigned_time_limit_hours = unassigned_time_limit_hours
        self.messages_only_kept = messages_only_kept
        self.recorded: list[tuple[Case, dict]] = []   # every line this desk recorded

    # -- the record -------------------------------------------------------------------------------
    def record(self, case: Case, actor: Actor, action: str, note: str | None = None, *,
               from_status: str | None = None, public: bool = True) -> None:
        """A line in the case's history (``public``: shown to the resident too). Written at
        the next flush, which the case's new ``updated_at`` makes sure of (``_write_history``)."""
        line = {"at": self.now, "actor": actor.label, "action": action,
                "from_status": from_status, "to_status": case.status, "note": note,
                "public": public}
        self.session.info.setdefault(_HISTORY, []).append((case, line))
        self.recorded.append((case, line))
        case.updated_at = self.now
        if "events" in case.__dict__:   # loaded: read again, with this line, when next read
            self.session.expire(case, ["events"])

    def write(self, case: Case) -> None:
        """The case's changes written now, so that it has its id. A case new in this
        transaction, never added to the session, goes in through its table in one statement
        that returns its row, with its history lines after it; it is then the session's as if
        it had been read. The unit of work's flush of one new case cost more CPU than the
        statement (docs/benchmarks.md)."""
        if not inspect(case).transient or RELATIONSHIPS & case.__dict__.keys():
            # known to the session already, or with a related object set (its owner as a row,
            # say), which only the unit of work turns into its columns
            self.session.add(case)
            self.session.flush()
            return
        given = {key: value for key, value in case.__dict__.items() if key in CASE_COLUMNS}
        row = self.session.execute(
            NEW_CASE, {CASE_COLUMNS[key]: value for key, value in given.items()}).one()._mapping
        for key, column in CASE_COLUMNS.items():
            if key not in given:        # its id, and what the table's defaults gave it
                setattr(case, key, row[column])
        make_transient_to_detached(case)
        self.session.add(case)
        # its lines now; a line of a case still without its id waits for that case's flush
        waiting = self.session.info.pop(_HISTORY, [])
        _write_lines(self.session, [(of, line) for of, line in waiting if of.id is not None])
        self.session.info[_HISTORY] = [(of, line) for of, line in waiting if of.id is None]

    def lines_recorded(self, case: Case) -> list[CaseEvent]:
        """The history lines this desk recorded for ``case``, as objects to read only (never
        added to the session): the whole history of a case registered in this transaction,
        shown in the registration's answer without reading back what was just written."""
        return [CaseEvent(**line) for of, line in self.recorded if of is case]

    def move(self, case: Case, status: str, actor: Actor, action: str, note: str | None = None,
             public: bool = True) -> None:
        before = case.status
        case.status = status
        self.record(case, actor, action, note, from_status=before, public=public)

    def notify(self, case: Case, purpose: str, body: str, first: bool = False) -> None:
        """A message to the resident: a text where they left a phone on a channel that can take
        one, else kept for their tracking page; sent after the commit. ``first``: the case is
        being registered in this transaction, so it has no message yet (nothing to count)."""
        sequence = 1 if first else 1 + (self.session.scalar(
            select(func.count()).select_from(Notification).where(
                Notification.case_id == case.id, Notification.purpose == purpose)) or 0)
        channel = "sms" if case.resident_phone and case.channel in SMS_CHANNELS else "tracking"
        self._message(case_id=case.id, purpose=purpose, sequence=sequence, channel=channel,
                      recipient=case.resident_phone, body=body)

    def _message(self, **fields) -> None:
        kept = {"status": "recorded", "sent_at": self.now} if self.messages_only_kept else {}
        # into the table at once (the case is written before its messages): nothing in the
        # transaction reads a message back as an object, and the unit of work's flush of one
        # cost more CPU than its statement
        self.session.execute(NEW_MESSAGE, {**fields, **kept, "created_at": self.now})

    def tell_staff(self, case: Case, action: str, note: str | None) -> list[StaffRow]:
        """A chase (``chased``) or an escalation (``escalated``) told to the staff who answer for
        the case: its owner, its handler where the handler the program reported has an account
        of the program in the community, and for an escalation the community's station heads
        (the program itself hears of it on the bus, ``case.chased``). Each gets a
        message on the case's record of messages (``staff_chased`` / ``staff_escalated``): a
        text where their account has a phone, else kept for them to read (their queue shows
        the chase too, see ``views.list_cases``). Returns who was told."""
        told = [case.owner] if case.owner is not None and case.owner.active else []
        ours = (StaffRow.community_id == case.community_id, StaffRow.active.is_(True))
        if case.program_id and case.handler:
            told += [h for h in self.session.scalars(select(StaffRow).where(
                *ours, StaffRow.program_id == case.program_id, StaffRow.name == case.handler)
                .order_by(StaffRow.id)) if h not in told]
        if action == "escalated":
            told += [h for h in self.session.scalars(select(StaffRow).where(
                *ours, StaffRow.role == "station_head").order_by(StaffRow.id)) if h not in told]
        what = "超时升级至站长督办" if action == "escalated" else "催办"
        purpose = f"staff_{action}"
        for person in told:
            sequence = 1 + (self.session.scalar(
                select(func.count()).select_from(Notification).where(
                    Notification.case_id == case.id, Notification.purpose == purpose)) or 0)
            self._message(
                case_id=case.id, purpose=purpose, sequence=sequence,
                channel="sms" if person.phone else "staff",
                recipient=person.phone or f"staff:{person.id}",
                body=f"{person.name}：诉求 #{case.id}{what}" + (f"：{note}" if note else ""))
        return told

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
        """To the program that offers the service, with its time limit from now: the offer's,
        or shorter where the case is more urgent (an urgency only rises, on a transfer too)."""
        case.service_code = offer.code
        case.program_id = program.program_id
        case.urgency = more_urgent(case.urgency, offer.urgency)
        case.time_limit_hours = limit_for(offer.time_limit_hours, case.urgency)
        case.dispatched_at = self.now
        case.due_at = self.now + timedelta(hours=case.time_limit_hours)
        case.chase_level = 0
        case.escalated = False
        case.handler = None
        self.move(case, "dispatched", actor, action,
                  note or f"转交「{program.name_zh}」办理：{offer.name_zh}")
        self.write(case)
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
        """Back to the station head to assign, within the unassigned time limit (or the case's
        urgency class's, where that is shorter)."""
        case.program_id = None
        case.time_limit_hours = limit_for(self.unassigned_time_limit_hours, case.urgency)
        case.due_at = self.now + timedelta(hours=case.time_limit_hours)
        case.chase_level = 0
        case.escalated = False
        self.move(case, "awaiting_assignment", actor, action, note)

    def recall(self, case: Case, note: str | None) -> None:
        """Tell the program handling the case that it is no longer theirs."""
        self.publish(f"case.recalled.{case.program_id}", {
            "case_id": case.id, "tracking_code": case.tracking_code,
            "program_id": case.program_id, "note": note}, community=case.community_id)
