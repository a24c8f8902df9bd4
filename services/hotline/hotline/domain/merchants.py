"""Merchants offering convenience services, and the vetting (经严格考核) before residents are
sent to them: registered with the business licence's credit code and the categories they
serve; the licence checked by staff; the agreement with the station signed. A merchant is
offered to residents only when vetted, signed and not suspended (``is_offered``)."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date
from minzi.store import Transaction

from ..models import Merchant
from . import credit_code
from .activity import record

FIELDS = ("name", "credit_code", "contact_name", "phone", "address")


def status(merchant: Merchant) -> str:
    """registered → vetted (licence checked) → offered (agreement signed); or suspended."""
    if merchant.suspended:
        return "suspended"
    if merchant.licence_checked_at is None:
        return "registered"
    return "offered" if merchant.agreement_signed_on is not None else "vetted"


def is_offered(merchant: Merchant) -> bool:
    return status(merchant) == "offered"


def get_merchant(session: Session, merchant_id: int, community: str, *,
                 field: str | None = None) -> Merchant:
    """A merchant of ``community``. Named in a body (``field``), an unknown one is a 422 naming
    that field; in a path, a 404."""
    merchant = session.get(Merchant, merchant_id)
    if merchant is None or merchant.community != community:
        if field:
            raise DomainError("unknown_merchant", f"没有编号为 {merchant_id} 的商户",
                              f"No merchant {merchant_id}", field=field, status=422)
        raise NotFound("merchant_not_found", f"没有编号为 {merchant_id} 的商户",
                       f"No merchant {merchant_id}", field="merchant_id")
    return merchant


def register(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
             now: datetime) -> Merchant:
    """A merchant with a valid credit code not registered before in the community."""
    code = data["credit_code"]
    if credit_code.problem(code):
        raise DomainError("invalid_credit_code", "统一社会信用代码无效，请核对营业执照",
                          "The unified social credit code is not valid: check the licence",
                          field="credit_code", status=422)
    same = tx.session.scalars(select(Merchant).where(Merchant.community == community,
                                                     Merchant.credit_code == code)).first()
    if same is not None:
        raise Conflict("merchant_exists", f"这个统一社会信用代码已经登记过了（商户 {same.id}）",
                       f"This credit code is already registered (merchant {same.id})",
                       field="credit_code")
    merchant = Merchant(community=community, categories=list(dict.fromkeys(data["categories"])),
                        suspended=False, created_at=now, created_by=actor_name(who),
                        **{key: data.get(key) for key in FIELDS})
    tx.session.add(merchant)
    tx.session.flush()
    record(tx, community, "merchant", merchant.id, "registered", who, now,
           categories=merchant.categories)
    return merchant


def check_licence(tx: Transaction, community: str, merchant_id: int, data: dict[str, Any],
                  who: Staff, now: datetime) -> Merchant:
    """Staff have seen the licence and checked it against the register: who, when."""
    merchant = get_merchant(tx.session, merchant_id, community)
    if merchant.licence_checked_at is not None:
        raise Conflict("already_vetted", "这家商户的执照已经核验过了",
                       "This merchant's licence has already been checked", field="merchant_id")
    merchant.licence_checked_at = now
    merchant.licence_checked_by = actor_name(who)
    record(tx, community, "merchant", merchant.id, "licence_checked", who, now,
           note=data.get("note"))
    return merchant


def sign_agreement(tx: Transaction, community: str, merchant_id: int, data: dict[str, Any],
                   who: Staff, now: datetime) -> Merchant:
    """The agreement with the station, signed once the licence is checked, on a day not in
    the future."""
    merchant = get_merchant(tx.session, merchant_id, community)
    if merchant.licence_checked_at is None:
        raise Conflict("not_vetted", "请先核验商户的营业执照，再签协议",
                       "Check the merchant's licence before signing the agreement",
                       field="merchant_id")
    if merchant.agreement_signed_on is not None:
        raise Conflict("already_signed", "这家商户已经签过协议了",
                       "This merchant has already signed the agreement", field="merchant_id")
    if data["signed_on"] > local_date(now):
        raise DomainError("signed_in_future", "签订日期不能晚于今天",
                          "The signing date cannot be in the future", field="signed_on",
                          status=422)
    merchant.agreement_signed_on = data["signed_on"]
    merchant.agreement_ref = data["agreement_ref"]
    record(tx, community, "merchant", merchant.id, "agreement_signed", who, now,
           signed_on=data["signed_on"].isoformat(), agreement_ref=data["agreement_ref"])
    return merchant


def suspend(tx: Transaction, merchant: Merchant, reason: str, who: Staff, now: datetime) -> None:
    merchant.suspended = True
    merchant.suspended_reason = reason
    record(tx, merchant.community, "merchant", merchant.id, "suspended", who, now,
           reason=reason)


def suspend_by_staff(tx: Transaction, community: str, merchant_id: int, data: dict[str, Any],
                     who: Staff, now: datetime) -> Merchant:
    merchant = get_merchant(tx.session, merchant_id, community)
    if merchant.suspended:
        raise Conflict("already_suspended", "这家商户已经暂停派单了",
                       "This merchant is already suspended", field="merchant_id")
    suspend(tx, merchant, data["reason"], who, now)
    return merchant


def reinstate(tx: Transaction, community: str, merchant_id: int, data: dict[str, Any],
              who: Staff, now: datetime, upheld_recently: int, limit: int) -> Merchant:
    """Routing to the merchant again; not while its upheld complaints of the last 12 months
    (``upheld_recently``) are still at the ``limit``."""
    merchant = get_merchant(tx.session, merchant_id, community)
    if not merchant.suspended:
        raise Conflict("not_suspended", "这家商户没有被暂停", "This merchant is not suspended",
                       field="merchant_id")
    if upheld_recently >= limit:
        raise Conflict("too_many_complaints",
                       f"这家商户近12个月有 {upheld_recently} 次投诉属实，不能恢复派单",
                       f"This merchant has {upheld_recently} upheld complaints in the last "
                       "12 months and cannot be reinstated", field="merchant_id")
    merchant.suspended = False
    merchant.suspended_reason = None
    record(tx, community, "merchant", merchant.id, "reinstated", who, now,
           reason=data["reason"])
    return merchant


def list_merchants(session: Session, community: str, *, category: str | None = None,
                   merchant_status: str | None = None) -> list[Merchant]:
    found = session.scalars(select(Merchant).where(Merchant.community == community)
                            .order_by(Merchant.id))
    return [m for m in found if (category is None or category in m.categories)
            and (merchant_status is None or status(m) == merchant_status)]
