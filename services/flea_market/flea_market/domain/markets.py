"""Market days (跳蚤市场): planned with a date, a place, a theme, a number of stalls and, for a
charity sale (义卖), who the money is for; held, with the head count staff made at the day; or
cancelled before it, with the reason (the stalls signed up for it are cancelled with it).

A market may be entered for a day already past (the station's earlier markets go on the record
too); it is held only on or after its day."""
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, NotFound, Staff, actor_name
from minzi.envelope import isoformat
from minzi.localtime import local_date

from ..models import Market, Signup

PLANNED, HELD, CANCELLED = "planned", "held", "cancelled"


def record(market: Market, who: Staff, action: str, now: datetime,
           note: str | None = None, **detail: Any) -> None:
    """Every change on the market's own record: who, when, what."""
    market.history = [*(market.history or []), {"at": isoformat(now), "by": actor_name(who),
                                                "action": action, "note": note, **detail}]


def get_market(session: Session, market_id: int, community: str, *, field: str = "market_id",
               lock: bool = False) -> Market:
    """A market of the community; another community's is not found. ``lock`` holds its row
    until the transaction ends (sign-ups to one market are taken one at a time)."""
    statement = select(Market).where(Market.id == market_id)
    if lock:
        statement = statement.with_for_update()
    market = session.scalars(statement).one_or_none()
    if market is None or market.community != community:
        raise NotFound("market_not_found", f"没有编号为 {market_id} 的跳蚤市场",
                       f"No flea market number {market_id}", field=field)
    return market


def list_markets(session: Session, community: str, state: str | None = None) -> list[Market]:
    """The community's markets, the latest day first."""
    statement = select(Market).where(Market.community == community)
    if state is not None:
        statement = statement.where(Market.state == state)
    return list(session.scalars(statement.order_by(Market.day.desc(), Market.id.desc())))


def plan(tx, community: str, data: dict, who: Staff, now: datetime) -> Market:
    """A market day. A charity sale names who the money is for (``beneficiary_required``);
    a market that is no charity sale has no beneficiary."""
    charity = bool(data.get("charity"))
    if charity and not data.get("beneficiary"):
        raise DomainError("beneficiary_required", "义卖市场须写明善款捐给谁",
                          "A charity sale must say who the money is for", field="beneficiary")
    market = Market(community=community, day=data["day"], place=data["place"],
                    theme=data["theme"], charity=charity,
                    beneficiary=data.get("beneficiary") if charity else None,
                    stall_count=data["stall_count"], state=PLANNED, history=[],
                    created_at=now, created_by=actor_name(who))
    record(market, who, "planned", now)
    tx.session.add(market)
    tx.session.flush()
    return market


def _must_be_planned(market: Market) -> None:
    if market.state == HELD:
        raise Conflict("already_held", f"{market.day.isoformat()} 的跳蚤市场已经举办",
                       f"The market of {market.day.isoformat()} has already been held",
                       field="market_id")
    if market.state == CANCELLED:
        raise Conflict("market_cancelled", f"{market.day.isoformat()} 的跳蚤市场已取消",
                       f"The market of {market.day.isoformat()} was cancelled",
                       field="market_id")


def hold(tx, community: str, market_id: int, data: dict, who: Staff, now: datetime) -> Market:
    """The market took place: the head count staff made at the day (``participants``). Only on
    or after its day (``market_not_yet``), and once."""
    market = get_market(tx.session, market_id, community, lock=True)
    _must_be_planned(market)
    if market.day > local_date(now):
        raise DomainError("market_not_yet",
                          f"跳蚤市场在 {market.day.isoformat()} 举办，当天或之后才能登记参与人数",
                          f"The market is on {market.day.isoformat()}: its head count is "
                          "recorded on the day or after", field="market_id")
    market.state = HELD
    market.participants = data["participants"]
    market.counted_by = actor_name(who)
    market.counted_at = now
    record(market, who, "held", now, data.get("note"), participants=data["participants"])
    return market


def cancel(tx, community: str, market_id: int, data: dict, who: Staff,
           now: datetime) -> Market:
    """Called off before it was held, with the reason; every stall signed up for it is
    cancelled too."""
    market = get_market(tx.session, market_id, community, lock=True)
    _must_be_planned(market)
    market.state = CANCELLED
    market.cancel_reason = data["reason"]
    record(market, who, "cancelled", now, data["reason"])
    standing = tx.session.scalars(select(Signup).where(Signup.market_id == market.id,
                                                       Signup.state == "signed_up"))
    for signup in standing:
        signup.state = "cancelled"
        signup.cancelled_at = now
        signup.cancelled_by = actor_name(who)
        signup.cancel_reason = f"市场取消：{data['reason']}"
    return market
