"""Complaints against a merchant, and the rule that stops routing to a merchant residents have
too often been right to complain about: once ``SUSPEND_AFTER`` (3) complaints received in the
last 12 months are upheld, the merchant is suspended from routing, on the record. Staff may
reinstate it only when fewer than that remain in the 12 months."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Complaint, Job, Merchant
from . import merchants
from .activity import record

SUSPEND_AFTER = 3
SUSPENDED_FOR = "近12个月有 {count} 次投诉属实，自动暂停派单"


def year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def upheld_in_last_year(session: Session, merchant: Merchant, today: date) -> int:
    """Upheld complaints received after the same day a year ago, up to today."""
    since = year_before(today)
    return sum(1 for c in session.scalars(select(Complaint).where(
        Complaint.merchant_id == merchant.id, Complaint.upheld.is_(True)))
        if since < c.received_on <= today)


def file(tx: Transaction, community: str, merchant_id: int, data: dict[str, Any], who: Staff,
         now: datetime) -> Complaint:
    """A complaint received (not in the future), perhaps about one of the merchant's jobs."""
    merchant = merchants.get_merchant(tx.session, merchant_id, community)
    if data["received_on"] > local_date(now):
        raise DomainError("received_in_future", "投诉日期不能晚于今天",
                          "The complaint cannot be received in the future",
                          field="received_on", status=422)
    job_id = data.get("job_id")
    if job_id is not None:
        job = tx.session.get(Job, job_id)
        if job is None or job.merchant_id != merchant.id:
            raise DomainError("unknown_job", f"这家商户没有编号为 {job_id} 的派单",
                              f"The merchant has no job {job_id}", field="job_id", status=422)
    complaint = Complaint(community=community, merchant_id=merchant.id, job_id=job_id,
                          received_on=data["received_on"], description=data["description"],
                          created_at=now, created_by=actor_name(who))
    tx.session.add(complaint)
    tx.session.flush()
    record(tx, community, "complaint", complaint.id, "received", who, now,
           merchant_id=merchant.id)
    return complaint


def get_complaint(session: Session, complaint_id: int, community: str) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or complaint.community != community:
        raise NotFound("complaint_not_found", f"没有编号为 {complaint_id} 的投诉",
                       f"No complaint {complaint_id}", field="complaint_id")
    return complaint


def decide(tx: Transaction, community: str, complaint_id: int, data: dict[str, Any],
           who: Staff, now: datetime) -> Complaint:
    """Upheld or not, once, with why. An upheld complaint that brings the merchant's count in
    the last 12 months to ``SUSPEND_AFTER`` suspends it."""
    complaint = get_complaint(tx.session, complaint_id, community)
    if complaint.upheld is not None:
        raise Conflict("already_decided", "这件投诉已经处理过了",
                       "This complaint has already been decided", field="complaint_id")
    complaint.upheld = data["upheld"]
    complaint.decision_note = data["note"]
    complaint.decided_at = now
    complaint.decided_by = actor_name(who)
    record(tx, community, "complaint", complaint.id, "upheld" if data["upheld"] else "rejected",
           who, now, note=data["note"])
    tx.session.flush()
    merchant = tx.session.get(Merchant, complaint.merchant_id)
    count = upheld_in_last_year(tx.session, merchant, local_date(now))
    if complaint.upheld and count >= SUSPEND_AFTER and not merchant.suspended:
        merchants.suspend(tx, merchant, SUSPENDED_FOR.format(count=count), who, now)
    return complaint


def of_merchant(session: Session, merchant_id: int) -> list[Complaint]:
    return list(session.scalars(select(Complaint).where(Complaint.merchant_id == merchant_id)
                                .order_by(Complaint.id)))


def list_complaints(session: Session, community: str, *,
                    pending: bool | None = None) -> list[Complaint]:
    query = select(Complaint).where(Complaint.community == community)
    if pending is True:
        query = query.where(Complaint.upheld.is_(None))
    elif pending is False:
        query = query.where(Complaint.upheld.is_not(None))
    return list(session.scalars(query.order_by(Complaint.id)))


def reinstate(tx: Transaction, community: str, merchant_id: int, data: dict[str, Any],
              who: Staff, now: datetime) -> Merchant:
    """Staff route to a suspended merchant again, with why; refused while its upheld
    complaints of the last 12 months are still ``SUSPEND_AFTER`` or more."""
    merchant = merchants.get_merchant(tx.session, merchant_id, community)
    count = upheld_in_last_year(tx.session, merchant, local_date(now))
    return merchants.reinstate(tx, community, merchant_id, data, who, now, count, SUSPEND_AFTER)
