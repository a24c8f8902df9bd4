"""The public transparency report: what anyone may read about the fund, without logging in.

The balance; income and spending in total, by month and by category; every entry by number;
the cats. Donors appear by name only when they agreed to it, contact details never, and free
text is masked. Income is donations net of their reversals; spending is payments net of
theirs; each is booked in the month of its own date.
"""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.ledger import totals as ledger_totals
from minzi.logs import mask
from minzi.money import yuan

from ..models import Cat, Entry
from . import ledger
from .access import PROGRAM_NAME
from .labels import CAT_STATUSES
from .spending import CATEGORIES


def _public_cat(cat: Cat | None) -> dict | None:
    if cat is None:
        return None
    return {"id": cat.id, "name": cat.name}


def transparency_report(session: Session, community: str, lang: str, now: datetime) -> dict:
    """The report as of ``now`` (what the fund's last movement says, or ``now`` before any)."""
    fund = ledger.read_fund(session, community)
    entries = ledger.BOOKS.entries(session, community, selectinload(Entry.cat))
    figures = ledger_totals(entries)
    reversal_of = {e.reverses_id: e.number for e in entries if e.reverses_id}

    donations, payments, reversals = [], [], []
    for entry in entries:
        line = {"number": entry.number, "date": entry.occurred_on.isoformat(),
                "amount": yuan(entry.amount_fen), "reversed_by": reversal_of.get(entry.id)}
        if entry.kind == "donation":
            donations.append({**line, "donor": ledger.public_donor(entry, lang),
                              "channel": entry.channel,
                              "channel_label": label(ledger.CHANNELS, entry.channel, lang)})
        elif entry.kind == "expense":
            payments.append({**line, "category": entry.category,
                             "category_label": label(CATEGORIES, entry.category, lang),
                             "cat": _public_cat(entry.cat),
                             "description": mask(entry.description or "") or None,
                             "payee": mask(entry.payee or "") or None,
                             "invoice_ref": entry.invoice_ref,
                             "approved_by": entry.approved_by})
        else:
            reversals.append({**line, "reverses": entry.reverses.number,
                              "kind_reversed": entry.reverses.kind,
                              "reason": mask(entry.reason or "")})

    def categories(amounts: dict[str, int]) -> list[dict]:
        return [{"category": code, "label": label(CATEGORIES, code, lang),
                 "amount": yuan(amounts[code])} for code in CATEGORIES if amounts.get(code)]

    by_month = [{"month": month["month"], "income": yuan(month["income"]),
                 "spending": yuan(month["spending"]),
                 "spending_by_category": categories(month["spending_by_category"]),
                 "balance_at_month_end": yuan(month["balance_at_month_end"])}
                for month in figures["by_month"]]
    cats = session.execute(select(Cat.status, func.count()).where(Cat.community == community)
                           .group_by(Cat.status)).all()
    sterilised = session.scalar(select(func.count()).select_from(Cat).where(
        Cat.community == community, Cat.sterilised_on.is_not(None)))
    return {
        "community": community,
        "fund": PROGRAM_NAME[1] if lang == "en" else PROGRAM_NAME[0],
        "currency": "CNY",
        "as_of": isoformat(as_utc(fund.updated_at) if fund.updated_at else now),
        "balance": yuan(fund.balance_fen),
        "total_income": yuan(figures["income"]),
        "total_spending": yuan(figures["spending"]),
        "entry_count": figures["entry_count"],
        "spending_by_category": categories(figures["spending_by_category"]),
        "by_month": by_month,
        "donations": donations,
        "spending": payments,
        "reversals": reversals,
        "cats": {"total": sum(n for _, n in cats), "sterilised": sterilised or 0,
                 "by_status": [{"status": s, "label": label(CAT_STATUSES, s, lang), "count": n}
                               for s, n in sorted(cats)]},
        "notes": ("金额单位为元；捐款人仅在本人同意时署名，其余显示为“匿名”。"
                  "更正以冲正记录体现，原记录不删改。" if lang != "en" else
                  "Amounts in yuan. Donors are named only with their consent, otherwise shown "
                  "as \"Anonymous\". Corrections appear as reversals; no entry is ever edited."),
    }
