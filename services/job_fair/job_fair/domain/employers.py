"""Employers: registered with their business licence, verified or rejected (with a reason) by
the fair's staff. An employer may publish positions only while it is verified and its licence
is still valid (``require_may_publish``)."""
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Employer
from .activity import record
from .credit_code import credit_code_problem

FIELDS = ("name", "credit_code", "licence_valid_until", "contact_name", "phone", "address")


def get_employer(session: Session, employer_id: int, community: str, *,
                 field: str | None = None) -> Employer:
    employer = session.get(Employer, employer_id)
    if employer is None or employer.community != community:
        if field:
            raise DomainError("unknown_employer", f"没有编号为 {employer_id} 的用人单位",
                              f"No employer {employer_id}", field=field, status=422)
        raise NotFound("employer_not_found", f"没有编号为 {employer_id} 的用人单位",
                       f"No employer {employer_id}")
    return employer


def licence_expired(employer: Employer, today: date) -> bool:
    return employer.licence_valid_until is not None and employer.licence_valid_until < today


def register_employer(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
                      now: datetime) -> Employer:
    """A new employer, awaiting verification of its licence."""
    code = data["credit_code"]
    if credit_code_problem(code):
        raise DomainError("invalid_credit_code", "统一社会信用代码无效，请核对营业执照",
                          "The unified social credit code is not valid: check the licence",
                          field="credit_code", status=422)
    same = tx.session.scalars(select(Employer).where(Employer.community == community,
                                                     Employer.credit_code == code)).first()
    if same is not None:
        raise Conflict("employer_exists",
                       f"这个统一社会信用代码已经登记过了（单位编号 {same.id}）",
                       f"This credit code is already registered (employer {same.id})",
                       field="credit_code")
    employer = Employer(community=community, status="pending", created_at=now,
                        created_by=actor_name(who), **{k: data.get(k) for k in FIELDS})
    tx.session.add(employer)
    tx.session.flush()
    record(tx, community, "employer", employer.id, "registered", who, now)
    return employer


def verify_employer(tx: Transaction, community: str, employer_id: int, data: dict[str, Any],
                    who: Staff, now: datetime) -> Employer:
    """Staff checked the licence: ``verified``, or ``rejected`` with a reason. An expired
    licence cannot be verified."""
    employer = get_employer(tx.session, employer_id, community)
    result, reason = data["result"], (data.get("reason") or "").strip() or None
    if employer.status == result:
        raise Conflict("already_decided", "这家单位已经是这个审核结果了",
                       "The employer already has this result", field="result")
    if result == "rejected" and not reason:
        raise DomainError("reason_required", "审核不通过时请写明原因",
                          "Say why the employer is rejected", field="reason", status=422)
    if result == "verified" and licence_expired(employer, local_date(now)):
        raise Conflict("licence_expired", "营业执照已过有效期，不能通过审核",
                       "The business licence has expired: it cannot be verified",
                       field="licence_valid_until")
    employer.status = result
    employer.reason = reason if result == "rejected" else None
    employer.verified_at = now
    employer.verified_by = actor_name(who)
    record(tx, community, "employer", employer.id, result, who, now, reason=reason)
    return employer


def require_may_publish(employer: Employer, now: datetime, field: str = "employer_id") -> None:
    """The gate: an unverified, rejected or expired employer publishes nothing."""
    if employer.status != "verified":
        raise Conflict("employer_not_verified",
                       f"用人单位「{employer.name}」的资质尚未审核通过，不能发布岗位或参会",
                       f"Employer {employer.name} is not verified: it cannot post positions "
                       "or take part in a fair", field=field)
    if licence_expired(employer, local_date(now)):
        raise Conflict("licence_expired",
                       f"用人单位「{employer.name}」的营业执照已过有效期，不能发布岗位或参会",
                       f"Employer {employer.name}'s business licence has expired: it cannot "
                       "post positions or take part in a fair", field=field)
