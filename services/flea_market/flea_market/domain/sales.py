"""Charity sales (义卖) on ``minzi.ledger``, the exact-money books of the stray-cat fund and the
co-building fund: amounts exact to the fen, never below zero, a mistake undone by a reversal
(never an edit), a request repeated with its idempotency key recorded once, every entry with who
recorded it and when.

Each sale's proceeds at a charity market are money in (its entry number, ``FM-2026-000001``,
is the receipt number); the money handed to the market's beneficiary is money out, with the
beneficiary's receipt and who approved it, never more than that market raised and has not yet
handed over. The public report shows what each market raised and where it went."""
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from minzi.api import Conflict, DomainError, Staff, actor
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.ledger import CHANNELS, Ledger, is_income, public_donor
from minzi.localtime import local_date
from minzi.logs import mask
from minzi.money import yuan

from ..models import Entry, Fund, Market, NumberSeries
from .markets import CANCELLED, HELD, get_market, list_markets
from .signups import get_signup

BOOKS = Ledger(Fund, Entry, NumberSeries, prefix="FM", columns=("market_id", "signup_id"))
HANDOVER = "handover"
CATEGORIES = {HANDOVER: ("善款移交受助方", "Handed to the beneficiary")}
FUND_NAME = ("跳蚤市场义卖善款", "Flea market charity sales")


def _charity_market(session: Session, community: str, market_id: int, now: datetime) -> Market:
    market = get_market(session, market_id, community)
    if not market.charity:
        raise DomainError("not_a_charity_sale", f"{market.day.isoformat()} 的跳蚤市场不是义卖",
                          f"The market of {market.day.isoformat()} is not a charity sale",
                          field="market_id")
    if market.state == CANCELLED:
        raise Conflict("market_cancelled", f"{market.day.isoformat()} 的跳蚤市场已取消",
                       f"The market of {market.day.isoformat()} was cancelled",
                       field="market_id")
    if market.day > local_date(now):
        raise DomainError("market_not_yet",
                          f"跳蚤市场在 {market.day.isoformat()} 举办，当天或之后才能登记义卖款",
                          f"The market is on {market.day.isoformat()}: its sales are recorded "
                          "on the day or after", field="market_id")
    return market


def money_of(session: Session, community: str) -> dict[int, dict[str, int]]:
    """Per market, in fen: ``raised`` (sales net of their reversals), ``handed_over`` (to the
    beneficiary, net of reversals), ``held`` (the difference) and ``sales`` (those standing)."""
    found: dict[int, dict[str, int]] = defaultdict(
        lambda: {"raised": 0, "handed_over": 0, "held": 0, "sales": 0})
    for entry in BOOKS.entries(session, community):
        money = found[entry.market_id]
        if is_income(entry):
            money["raised"] += entry.delta_fen
            money["sales"] += 1 if entry.kind == "donation" else -1
        else:
            money["handed_over"] -= entry.delta_fen
        money["held"] += entry.delta_fen
    return dict(found)


def record_sale(tx, community: str, market_id: int, data: dict[str, Any], who: Staff,
                now: datetime) -> tuple[Entry, bool]:
    """A sale's proceeds at a charity market (on the market's day unless another is given);
    ``signup_id`` the stall that sold, if one of this market's did."""
    market = _charity_market(tx.session, community, market_id, now)
    data = {**data, "market_id": market.id, "occurred_on": data.get("occurred_on") or market.day}
    if data.get("signup_id") is not None:
        signup = get_signup(tx.session, data["signup_id"], community)
        if signup.market_id != market.id:
            raise DomainError("signup_of_another_market",
                              f"摊位报名 {signup.id} 不属于这次市场",
                              f"Stall sign-up {signup.id} is not of this market",
                              field="signup_id")
    entry, created = BOOKS.record_donation(tx.session, community, data, actor(who), now)
    return entry, created


def hand_over(tx, community: str, market_id: int, data: dict[str, Any], who: Staff,
              now: datetime) -> tuple[Entry, bool]:
    """Money a market raised handed to its beneficiary (the payee, by default the market's),
    with the beneficiary's receipt (``invoice_ref``) and who approved it: never more than the
    market still holds (``more_than_raised``)."""
    market = _charity_market(tx.session, community, market_id, now)
    data = {**data, "market_id": market.id, "signup_id": None, "category": HANDOVER,
            "payee": data.get("payee") or market.beneficiary}

    def within_what_was_raised() -> None:
        held = money_of(tx.session, community).get(market.id, {}).get("held", 0)
        if data["amount"] > held:
            raise DomainError(
                "more_than_raised",
                f"这次市场尚未移交的善款只有 {yuan(held)} 元，不能移交 {yuan(data['amount'])} 元",
                f"This market holds only {yuan(held)} yuan not yet handed over, not "
                f"{yuan(data['amount'])} yuan", field="amount")
    return BOOKS.record_expense(tx.session, community, data, actor(who), now,
                                check=within_what_was_raised)


def reverse(tx, community: str, entry_id: int, data: dict[str, Any], who: Staff,
            now: datetime) -> tuple[Entry, bool]:
    return BOOKS.reverse_entry(tx.session, community, entry_id, data, actor(who), now)


def entry_view(entry: Entry, lang: str, *, reversed_by: str | None = None) -> dict:
    """An entry as staff see it (the seller's contact is for the flea market's staff only)."""
    view = {"id": entry.id, "number": entry.number, "kind": entry.kind,
            "amount": yuan(entry.amount_fen), "change": yuan(entry.delta_fen),
            "occurred_on": entry.occurred_on.isoformat(), "description": entry.description,
            "market_id": entry.market_id, "signup_id": entry.signup_id,
            "recorded_by": (entry.recorded_by or {}).get("name"),
            "recorded_at": isoformat(as_utc(entry.recorded_at)), "reversed_by": reversed_by}
    if entry.kind == "donation":
        view.update(donor_name=entry.donor_name, public_donor=public_donor(entry, lang),
                    channel=entry.channel, channel_label=label(CHANNELS, entry.channel, lang))
    if entry.kind == "expense":
        view.update(category=entry.category, category_label=label(CATEGORIES, entry.category,
                                                                  lang),
                    invoice_ref=entry.invoice_ref, payee=entry.payee,
                    approved_by=entry.approved_by)
    if entry.kind == "reversal":
        view.update(reverses=entry.reverses.number, reason=entry.reason)
    return view


def ledger_view(session: Session, community: str, lang: str,
                market_id: int | None = None) -> dict:
    """The books' balance and every entry (of one market, given ``market_id``)."""
    fund = BOOKS.read_fund(session, community)
    entries = [e for e in BOOKS.entries(session, community)
               if market_id is None or e.market_id == market_id]
    reversed_by = BOOKS.reversed_by(session, [e.id for e in entries])
    return {"community": community, "balance": yuan(fund.balance_fen),
            "ledger_sum": yuan(BOOKS.ledger_sum(session, community)),
            "items": [entry_view(e, lang, reversed_by=reversed_by.get(e.id)) for e in entries]}


def market_money_view(money: dict[str, int] | None) -> dict:
    money = money or {"raised": 0, "handed_over": 0, "held": 0, "sales": 0}
    return {"raised": yuan(money["raised"]), "handed_over": yuan(money["handed_over"]),
            "held": yuan(money["held"]), "sales": money["sales"]}


def public_report(session: Session, community: str, lang: str, now: datetime) -> dict:
    """What anyone may read, without logging in: the markets held and their head counts, and
    for each charity sale what it raised, what was handed to whom (with the beneficiary's
    receipt) and what is still held. Sellers appear by name only when they agreed to it;
    contacts never; free text is masked."""
    fund = BOOKS.read_fund(session, community)
    entries = BOOKS.entries(session, community)
    money = money_of(session, community)
    reversal_of = {e.reverses_id: e.number for e in entries if e.reverses_id}
    markets = sorted(list_markets(session, community), key=lambda m: (m.day, m.id))
    held = [m for m in markets if m.state == HELD]
    themes = {m.id: m for m in markets}
    charity = [{"market_id": m.id, "day": m.day.isoformat(), "theme": m.theme,
                "beneficiary": m.beneficiary, **market_money_view(money.get(m.id))}
               for m in markets if m.charity and m.state != CANCELLED]

    def where(entry: Entry) -> dict:
        market = themes[entry.market_id]
        return {"number": entry.number, "date": entry.occurred_on.isoformat(),
                "amount": yuan(entry.amount_fen), "market_id": market.id,
                "market_day": market.day.isoformat(), "theme": market.theme,
                "reversed_by": reversal_of.get(entry.id)}
    raised = sum(m["raised"] for m in money.values())
    handed = sum(m["handed_over"] for m in money.values())
    return {
        "community": community, "fund": FUND_NAME[1] if lang == "en" else FUND_NAME[0],
        "currency": "CNY",
        "as_of": isoformat(as_utc(fund.updated_at) if fund.updated_at else now),
        "markets_held": len(held),
        "participants": sum(m.participants or 0 for m in held),
        "total_raised": yuan(raised), "total_handed_over": yuan(handed),
        "balance": yuan(fund.balance_fen),
        "charity_sales": charity,
        "sales": [{**where(e), "from": public_donor(e, lang)}
                  for e in entries if e.kind == "donation"],
        "handovers": [{**where(e), "to": mask(e.payee or ""), "receipt": e.invoice_ref,
                       "approved_by": e.approved_by}
                      for e in entries if e.kind == "expense"],
        "reversals": [{"number": e.number, "date": e.occurred_on.isoformat(),
                       "amount": yuan(e.amount_fen), "reverses": e.reverses.number,
                       "reason": mask(e.reason or "")}
                      for e in entries if e.kind == "reversal"],
        "notes": ("金额单位为元；每笔义卖款的编号即收据号。义卖者仅在本人同意时署名，其余显示为"
                  "“匿名”。更正以冲正记录体现，原记录不删改。" if lang != "en" else
                  "Amounts in yuan; each sale's number is its receipt number. Sellers are named "
                  "only with their consent, otherwise \"Anonymous\". Corrections appear as "
                  "reversals; no entry is ever edited."),
    }
