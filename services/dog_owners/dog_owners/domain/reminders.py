"""Dogs whose rabies vaccination or 养犬登记证 falls due within the station's ``reminder_days``
(30) are reminded once per dog, kind and due date: the service's timer calls ``remind_due``
with the moment, and each reminder is a row whose unique key (dog, kind, due date) is the
claim — two copies of the service running the timer at once make one row, the second's insert
failing on the key and passing over it.

The platform has no way for a program to text a resident (the contract lets a program announce
itself, report on cases and hand intake new requests; SMS broadcasts are sms_broadcast's own),
so a reminder is kept for the association's staff to call the owner, and the call's outcome is
recorded on it. A dog with no vaccination on record is due from the day it was entered."""
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minzi.api import Conflict, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Dog, Reminder
from . import settings
from .activity import record


def due_dates(dog: Dog) -> list[tuple[str, date]]:
    """(kind, due date) of each paper the dog must renew."""
    vaccination = dog.vaccinated_until or local_date(dog.created_at)
    return [("vaccination", vaccination), ("registration", dog.registration_expires_on)]


def falling_due(dog: Dog, today: date, days: int) -> list[tuple[str, date]]:
    """The dog's due dates within ``days`` from ``today`` (and those already passed)."""
    horizon = today + timedelta(days=days)
    return [(kind, due) for kind, due in due_dates(dog) if due <= horizon]


def _exists(session: Session, dog: Dog, kind: str, due: date) -> bool:
    return session.scalars(select(Reminder.id).where(
        Reminder.dog_id == dog.id, Reminder.kind == kind, Reminder.due_on == due)).first() \
        is not None


def remind_due(session: Session, now: datetime) -> list[tuple[int, str, date]]:
    """The timer's work: a reminder for each kept dog's due date within the days ahead, once.
    Returns (dog id, kind, due date) of the reminders made now."""
    today, made, days_of = local_date(now), [], {}
    for dog in session.scalars(select(Dog).where(Dog.state == "active").order_by(Dog.id)):
        if dog.community not in days_of:
            days_of[dog.community] = settings.current(session, dog.community)["reminder_days"]
        for kind, due in falling_due(dog, today, days_of[dog.community]):
            if _exists(session, dog, kind, due):
                continue
            try:
                with session.begin_nested():
                    session.add(Reminder(community=dog.community, dog_id=dog.id, kind=kind,
                                         due_on=due, state="to_call", created_at=now))
            except IntegrityError:   # another copy of the service made it first
                continue
            made.append((dog.id, kind, due))
    return made


def reminder_not_found(reminder_id: int) -> NotFound:
    return NotFound("reminder_not_found", f"没有编号为 {reminder_id} 的提醒",
                    f"No reminder {reminder_id}", field="reminder_id")


def called(tx: Transaction, community: str, reminder_id: int, data: dict[str, Any],
           who: Staff, now: datetime) -> Reminder:
    """Staff called the owner: what came of it."""
    reminder = tx.session.get(Reminder, reminder_id)
    if reminder is None or reminder.community != community:
        raise reminder_not_found(reminder_id)
    if reminder.state != "to_call":
        raise Conflict("reminder_done", "这条提醒已经电话通知过了",
                       "This reminder has already been called", field="reminder_id")
    reminder.state, reminder.called_at = "called", now
    reminder.called_by, reminder.outcome = actor_name(who), data["outcome"]
    record(tx, community, "reminder", reminder.id, "called", who, now, outcome=data["outcome"])
    return reminder


def list_reminders(session: Session, community: str, *,
                   state: str | None = None) -> list[Reminder]:
    query = select(Reminder).where(Reminder.community == community)
    if state is not None:
        query = query.where(Reminder.state == state)
    return list(session.scalars(query.order_by(Reminder.due_on, Reminder.id)))
