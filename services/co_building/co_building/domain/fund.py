"""The co-building fund (共建基金, 13,000+ yuan in the seed) on ``minzi.ledger``, the same
exact-money books as the stray-cat fund: amounts exact to the fen, never below zero, a mistake
undone by a reversal (never an edit), a request repeated with its idempotency key recorded once,
every entry with who recorded it and when.

Money comes in from member units (named: the unit's contribution is public) or from others (named
in public only if they agreed); it goes out on co-building's activities by category, each
payment with its invoice and who approved it. The public report is what anyone may read."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from minzi.api import Staff, actor
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.i18n import Names, label
from minzi.ledger import CHANNELS, Ledger, public_donor
from minzi.logs import mask
from minzi.money import yuan
from minzi.store import Transaction

from ..models import Entry, Fund, NumberSeries
from .activity import record
from .units import get_unit

BOOKS = Ledger(Fund, Entry, NumberSeries, prefix="CB", columns=("unit_id",))
# what the fund is spent on: the seed's 实事 (社区文化、社区治安、文明创建、慰问困难群众)
CATEGORIES: Names = {
    "culture": ("社区文化活动", "Community culture"),
    "security": ("社区治安", "Community safety"),
    "civility": ("文明创建", "Civic campaigns"),
    "care": ("慰问困难群众", "Visiting residents in difficulty"),
    "facilities": ("公共设施", "Public facilities"),
    "other": ("其他", "Other"),
}
FUND_NAME = ("共驻共建基金", "Co-building fund")


def contribute(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
               now: datetime) -> tuple[Entry, bool]:
    """Money in; a member unit's contribution (``unit_id``) is in its name."""
    data = dict(data)
    if data.get("unit_id") is not None:
        unit = get_unit(tx.session, data["unit_id"], community, field="unit_id")
        data.update(donor_name=unit.name, agreed_to_be_named=True, anonymous=False)
    entry, created = BOOKS.record_donation(tx.session, community, data, actor(who), now)
    if created:
        record(tx, community, "fund", entry.id, "contribution", who, now, number=entry.number,
               amount=yuan(entry.amount_fen))
    return entry, created


def spend(tx: Transaction, community: str, data: dict[str, Any], who: Staff,
          now: datetime) -> tuple[Entry, bool]:
    """Money out, never more than the balance (``insufficient_funds``, nothing written)."""
    entry, created = BOOKS.record_expense(tx.session, community, {**data, "unit_id": None},
                                          actor(who), now)
    if created:
        record(tx, community, "fund", entry.id, "payment", who, now, number=entry.number,
               amount=yuan(entry.amount_fen))
    return entry, created


def reverse(tx: Transaction, community: str, entry_id: int, data: dict[str, Any], who: Staff,
            now: datetime) -> tuple[Entry, bool]:
    entry, created = BOOKS.reverse_entry(tx.session, community, entry_id, data, actor(who), now)
    if created:
        record(tx, community, "fund", entry.id, "reversal", who, now, number=entry.number,
               reverses=entry.reverses.number, reason=entry.reason)
    return entry, created


def entry_view(entry: Entry, lang: str, *, reversed_by: str | None = None) -> dict:
    """An entry as staff see it (the donor's contact is for co-building's staff only; the
    routes that show it say who reads it)."""
    view = {"id": entry.id, "number": entry.number, "kind": entry.kind,
            "amount": yuan(entry.amount_fen), "change": yuan(entry.delta_fen),
            "occurred_on": entry.occurred_on.isoformat(), "description": entry.description,
            "recorded_by": (entry.recorded_by or {}).get("name"),
            "recorded_at": isoformat(as_utc(entry.recorded_at)), "reversed_by": reversed_by,
            "unit_id": entry.unit_id}
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


def ledger_view(session: Session, community: str, lang: str) -> dict:
    """The fund's balance and every entry, for co-building's staff and the admin."""
    fund = BOOKS.read_fund(session, community)
    entries = BOOKS.entries(session, community)
    reversed_by = BOOKS.reversed_by(session, [e.id for e in entries])
    return {"community": community, "balance": yuan(fund.balance_fen),
            "ledger_sum": yuan(BOOKS.ledger_sum(session, community)),
            "items": [entry_view(e, lang, reversed_by=reversed_by.get(e.id)) for e in entries]}


def public_report(session: Session, community: str, lang: str, now: datetime) -> dict:
    """What anyone may read about the fund, without logging in: the balance, income and spending
    in total, by month and by category, every entry by number. Contributors appear by name only
    when they are member units or agreed to it; contacts never; free text is masked."""
    fund = BOOKS.read_fund(session, community)
    entries = BOOKS.entries(session, community)
    sums = BOOKS.totals(session, community)
    reversal_of = {e.reverses_id: e.number for e in entries if e.reverses_id}

    def categories(amounts: dict) -> list[dict]:
        return [{"category": code, "label": label(CATEGORIES, code, lang),
                 "amount": yuan(amounts[code])} for code in CATEGORIES if amounts.get(code)]

    income, spending, reversals = [], [], []
    for entry in entries:
        line = {"number": entry.number, "date": entry.occurred_on.isoformat(),
                "amount": yuan(entry.amount_fen), "reversed_by": reversal_of.get(entry.id)}
        if entry.kind == "donation":
            income.append({**line, "from": public_donor(entry, lang)})
        elif entry.kind == "expense":
            spending.append({**line, "category": entry.category,
                             "category_label": label(CATEGORIES, entry.category, lang),
                             "description": mask(entry.description or "") or None,
                             "payee": mask(entry.payee or "") or None,
                             "invoice_ref": entry.invoice_ref, "approved_by": entry.approved_by})
        else:
            reversals.append({**line, "reverses": entry.reverses.number,
                              "reason": mask(entry.reason or "")})
    return {
        "community": community, "fund": FUND_NAME[1] if lang == "en" else FUND_NAME[0],
        "currency": "CNY",
        "as_of": isoformat(as_utc(fund.updated_at) if fund.updated_at else now),
        "balance": yuan(fund.balance_fen), "total_income": yuan(sums["income"]),
        "total_spending": yuan(sums["spending"]), "entry_count": sums["entry_count"],
        "spending_by_category": categories(sums["spending_by_category"]),
        "by_month": [{"month": m["month"], "income": yuan(m["income"]),
                      "spending": yuan(m["spending"]),
                      "balance_at_month_end": yuan(m["balance_at_month_end"])}
                     for m in sums["by_month"]],
        "income": income, "spending": spending, "reversals": reversals,
        "notes": ("金额单位为元；共建单位的出资署单位名称，个人仅在本人同意时署名，"
                  "其余显示为“匿名”。更正以冲正记录体现，原记录不删改。" if lang != "en" else
                  "Amounts in yuan. Member units' contributions are in their names; others are "
                  "named only with their consent, otherwise \"Anonymous\". Corrections appear "
                  "as reversals; no entry is ever edited."),
    }
