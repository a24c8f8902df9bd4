"""Stalls at a market (摊位报名): a resident signs up once per market (by their phone), never
more residents than the market has stalls, each given the lowest stall number free; a sign-up
is cancelled before the market's day, which frees its stall for someone else. Sign-ups close
when the market's day begins, or when it is held or cancelled."""
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.localtime import local_date

from ..models import Market, Signup
from .markets import PLANNED, get_market, record

SIGNED_UP, CANCELLED = "signed_up", "cancelled"


def resident_key(phone: str | None) -> str:
    """The digits of a phone: the same resident however the number was typed."""
    return re.sub(r"\D", "", phone or "")


def standing(session: Session, market_id: int) -> list[Signup]:
    """The sign-ups of a market that still stand, by stall number."""
    return list(session.scalars(select(Signup).where(
        Signup.market_id == market_id, Signup.state == SIGNED_UP).order_by(Signup.stall_no)))


def list_signups(session: Session, market_id: int) -> list[Signup]:
    """Every sign-up of a market, cancelled ones too, in the order they came."""
    return list(session.scalars(select(Signup).where(Signup.market_id == market_id)
                                .order_by(Signup.id)))


def get_signup(session: Session, signup_id: int, community: str, *,
               field: str = "signup_id") -> Signup:
    signup = session.get(Signup, signup_id)
    if signup is None or signup.community != community:
        raise NotFound("signup_not_found", f"没有编号为 {signup_id} 的摊位报名",
                       f"No stall sign-up number {signup_id}", field=field)
    return signup


def _open_for_signup(market: Market, now: datetime) -> None:
    if market.state != PLANNED or local_date(now) >= market.day:
        raise Conflict("signup_closed",
                       f"{market.day.isoformat()} 的跳蚤市场已停止报名",
                       f"Sign-ups for the market of {market.day.isoformat()} are closed",
                       field="market_id")


def sign_up(tx, community: str, market_id: int, data: dict, who: Staff, now: datetime, *,
            case_id: int | None = None) -> Signup:
    """A stall for a resident (``name``, ``phone``, ``goods`` they bring)."""
    market = get_market(tx.session, market_id, community, lock=True)
    _open_for_signup(market, now)
    key = resident_key(data.get("phone"))
    if not key:
        raise DomainError("phone_required", "报名摊位需要居民的电话",
                          "A stall needs the resident's phone", field="phone")
    taken = standing(tx.session, market.id)
    mine = next((s for s in taken if s.resident_key == key), None)
    if mine is not None:
        raise Conflict("already_signed_up",
                       f"这位居民已报名本次市场，摊位号 {mine.stall_no}",
                       f"This resident already has stall {mine.stall_no} at this market",
                       field="phone")
    if len(taken) >= market.stall_count:
        raise Conflict("market_full",
                       f"本次市场的 {market.stall_count} 个摊位已报满",
                       f"All {market.stall_count} stalls of this market are taken",
                       field="market_id")
    numbers = {s.stall_no for s in taken}
    stall_no = next(n for n in range(1, market.stall_count + 1) if n not in numbers)
    signup = Signup(community=community, market_id=market.id, stall_no=stall_no,
                    name=data["name"], phone=data["phone"], resident_key=key,
                    goods=data.get("goods"), state=SIGNED_UP, case_id=case_id,
                    created_at=now, created_by=actor_name(who))
    tx.session.add(signup)
    tx.session.flush()
    record(market, who, "signup", now, None, stall_no=stall_no)
    return signup


def cancel(tx, community: str, signup_id: int, data: dict, who: Staff,
           now: datetime) -> Signup:
    """A resident's stall given up, before the market's day (``too_late_to_cancel``)."""
    signup = get_signup(tx.session, signup_id, community)
    market = get_market(tx.session, signup.market_id, community, lock=True)
    if signup.state == CANCELLED:
        raise Conflict("already_cancelled", f"摊位报名 {signup.id} 已经取消",
                       f"Stall sign-up {signup.id} is already cancelled", field="signup_id")
    if market.state != PLANNED or local_date(now) >= market.day:
        raise Conflict("too_late_to_cancel",
                       f"摊位须在市场当天（{market.day.isoformat()}）之前取消",
                       f"A stall is cancelled before the market's day "
                       f"({market.day.isoformat()})", field="signup_id")
    signup.state = CANCELLED
    signup.cancelled_at = now
    signup.cancelled_by = actor_name(who)
    signup.cancel_reason = data.get("reason")
    record(market, who, "signup_cancelled", now, data.get("reason"), stall_no=signup.stall_no)
    return signup
