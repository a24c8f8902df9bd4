"""What the fund's staff API shows: every read for a page or a list is here.

``lang`` picks the labels' language; ``operator`` (one of the fund's own people) sees contact
details in full, anyone else sees them masked.
"""
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from minzi.api import INTAKE, actor_name
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.i18n import label
from minzi.logs import mask_phone
from minzi.money import yuan

from ..models import Case, Cat, Entry, Vaccination
from . import ledger
from .labels import CASE_STATUSES, CAT_SEXES, CAT_STATUSES
from .spending import CATEGORIES


def _iso(moment: datetime | None) -> str | None:
    return isoformat(as_utc(moment)) if moment is not None else None


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _by(who: dict | None) -> str:
    """Who did it, named as every record of the suite names them (``minzi.api.actor_name``);
    what no one of the fund's people did, intake did (a case received, chased, recalled)."""
    return actor_name(who or INTAKE)


# -- money ----------------------------------------------------------------------------------------

def entry_view(entry: Entry, lang: str, *, operator: bool,
               reversed_by: str | None = None) -> dict:
    view = {
        "id": entry.id, "number": entry.number, "kind": entry.kind,
        "kind_label": label(ledger.KINDS, entry.kind, lang),
        "amount": yuan(entry.amount_fen), "change": yuan(entry.delta_fen),
        "occurred_on": _date(entry.occurred_on), "description": entry.description,
        "recorded_by": _by(entry.recorded_by), "recorded_at": _iso(entry.recorded_at),
        "reversed_by": reversed_by,
    }
    if entry.kind == "donation":
        view.update({
            "receipt_no": entry.number,
            "donor_name": entry.donor_name, "anonymous": entry.anonymous,
            "agreed_to_be_named": entry.may_publish_name,
            "public_donor": ledger.public_donor(entry, lang),
            "donor_contact": entry.donor_contact if operator else mask_phone(entry.donor_contact),
            "channel": entry.channel, "channel_label": label(ledger.CHANNELS, entry.channel, lang)})
    if entry.kind in ("expense", "reversal") and entry.category:
        view.update({"category": entry.category,
                     "category_label": label(CATEGORIES, entry.category, lang),
                     "cat_id": entry.cat_id})
    if entry.kind == "expense":
        view.update({"invoice_ref": entry.invoice_ref, "payee": entry.payee,
                     "approved_by": entry.approved_by})
    if entry.kind == "reversal":
        view.update({"reverses": {"id": entry.reverses_id,
                                  "number": entry.reverses.number if entry.reverses else None},
                     "reason": entry.reason})
    return view


def fund_view(session: Session, community: str) -> dict:
    fund = ledger.read_fund(session, community)
    return {"community": community, "balance": yuan(fund.balance_fen),
            "entry_count": fund.entry_count,
            "ledger_sum": yuan(ledger.ledger_sum(session, community))}


def list_entries(session: Session, community: str, query: dict, lang: str, *,
                 operator: bool) -> dict:
    """The ledger, filtered by ``kind``, ``category``, ``cat_id`` and ``month`` (the entry's
    date), a page of ``limit`` from ``offset``."""
    statement = select(Entry).where(Entry.community == community)
    if query["kind"]:
        statement = statement.where(Entry.kind == query["kind"])
    if query["category"]:
        statement = statement.where(Entry.category == query["category"])
    if query["cat_id"] is not None:
        statement = statement.where(Entry.cat_id == query["cat_id"])
    entries = session.scalars(statement.order_by(Entry.id)).all()
    if query["month"]:
        entries = [e for e in entries if e.occurred_on.strftime("%Y-%m") == query["month"]]
    total = len(entries)
    entries = entries[query["offset"]:query["offset"] + query["limit"]]
    reversed_by = ledger.reversed_by(session, [e.id for e in entries])
    return {"total": total, "items": [entry_view(e, lang, operator=operator,
                                                 reversed_by=reversed_by.get(e.id))
                                      for e in entries]}


def one_entry(session: Session, community: str, entry_id: int, lang: str, *,
              operator: bool) -> dict:
    entry = ledger.get_entry(session, community, entry_id)
    return entry_view(entry, lang, operator=operator,
                      reversed_by=ledger.reversed_by(session, [entry.id]).get(entry.id))


# -- cats -----------------------------------------------------------------------------------------

def cat_costs(session: Session, community: str, cat_ids: list[int] | None = None) -> dict[int, int]:
    """``{cat id: fen spent on it}``, net of reversals."""
    query = (select(Entry.cat_id, func.sum(-Entry.delta_fen))
             .where(Entry.community == community, Entry.cat_id.is_not(None))
             .group_by(Entry.cat_id))
    if cat_ids is not None:
        query = query.where(Entry.cat_id.in_(list(cat_ids)))
    return {cat_id: int(total) for cat_id, total in session.execute(query).all()}


def vaccination_view(v: Vaccination) -> dict:
    return {"id": v.id, "cat_id": v.cat_id, "vaccine": v.vaccine, "given_on": _date(v.given_on),
            "next_due_on": _date(v.next_due_on), "vet": v.vet, "recorded_by": _by(v.recorded_by),
            "recorded_at": _iso(v.recorded_at)}


def cat_view(cat: Cat, lang: str, cost_fen: int = 0, *, full: bool = False) -> dict:
    view = {
        "id": cat.id, "name": cat.name, "sex": cat.sex,
        "sex_label": label(CAT_SEXES, cat.sex, lang),
        "colour": cat.colour, "description": cat.description, "found_at": cat.found_at,
        "found_on": _date(cat.found_on), "status": cat.status,
        "status_label": label(CAT_STATUSES, cat.status, lang),
        "sterilised": cat.sterilised_on is not None,
        "sterilised_on": _date(cat.sterilised_on), "sterilised_by": cat.sterilised_by,
        "cost": yuan(cost_fen),
        "created_by": _by(cat.created_by), "created_at": _iso(cat.created_at),
        "updated_by": _by(cat.updated_by), "updated_at": _iso(cat.updated_at),
    }
    if full:
        view["vaccinations"] = [vaccination_view(v) for v in cat.vaccinations]
        view["vet_visits"] = [{
            "id": v.id, "visited_on": _date(v.visited_on), "vet": v.vet, "reason": v.reason,
            "diagnosis": v.diagnosis, "treatment": v.treatment,
            "recorded_by": _by(v.recorded_by),
            "recorded_at": _iso(v.recorded_at)} for v in cat.vet_visits]
        view["history"] = [{"action": e.action, "detail": e.detail, "by": _by(e.by),
                            "at": _iso(e.at)} for e in cat.history]
    return view


def cat_record(session: Session, community: str, cat: Cat, lang: str) -> dict:
    """A cat's whole record, with what was spent on it."""
    return cat_view(cat, lang, cat_costs(session, community, [cat.id]).get(cat.id, 0), full=True)


def cat_with_spending(session: Session, community: str, cat: Cat, lang: str, *,
                      operator: bool) -> dict:
    """A cat's record and every ledger entry that names it."""
    view = cat_record(session, community, cat, lang)
    spending = session.scalars(select(Entry).where(Entry.cat_id == cat.id)
                               .order_by(Entry.id)).all()
    view["spending"] = [entry_view(e, lang, operator=operator) for e in spending]
    return view


def list_cats(session: Session, community: str, status: str | None, lang: str) -> dict:
    query = select(Cat).where(Cat.community == community).order_by(Cat.id)
    if status:
        query = query.where(Cat.status == status)
    cats = session.scalars(query).all()
    costs = cat_costs(session, community)
    return {"total": len(cats), "items": [cat_view(c, lang, costs.get(c.id, 0)) for c in cats]}


def vaccinations_due(session: Session, community: str, today: date, days: int = 30) -> dict:
    """The latest vaccination of each kind per living, un-adopted cat that falls due within
    ``days`` of ``today`` (already overdue included), soonest first."""
    latest = (select(Vaccination.cat_id, Vaccination.vaccine,
                     func.max(Vaccination.id).label("last_id"))
              .group_by(Vaccination.cat_id, Vaccination.vaccine).subquery())
    due = session.scalars(
        select(Vaccination).join(latest, Vaccination.id == latest.c.last_id)
        .join(Cat, Cat.id == Vaccination.cat_id)
        .where(Cat.community == community, Cat.status.in_(("in_shelter", "returned")),
               Vaccination.next_due_on.is_not(None),
               Vaccination.next_due_on <= today + timedelta(days=days))
        .order_by(Vaccination.next_due_on, Vaccination.id)
        .options(selectinload(Vaccination.cat))).all()
    return {"today": today.isoformat(), "days": days, "items": [{
        **vaccination_view(v), "cat_name": v.cat.name, "cat_status": v.cat.status,
        "found_at": v.cat.found_at, "overdue": v.next_due_on < today,
        "days_left": (v.next_due_on - today).days} for v in due]}


# -- cases ----------------------------------------------------------------------------------------

def case_view(case: Case, lang: str, *, operator: bool, full: bool = False) -> dict:
    resident = dict(case.resident or {})
    if not operator and resident.get("phone"):
        resident["phone"] = mask_phone(resident["phone"])
    view = {
        "case_id": case.case_id, "tracking_code": case.tracking_code,
        "service_code": case.service_code, "channel": case.channel,
        "description": case.description, "attributes": case.attributes,
        "address": case.address, "resident": resident, "due_at": _iso(case.due_at),
        "dispatch_note": case.dispatch_note, "status": case.status,
        "status_label": label(CASE_STATUSES, case.status, lang),
        "chase_level": case.chase_level, "result": case.result, "note": case.note,
        "received_at": _iso(case.received_at), "updated_at": _iso(case.updated_at),
        "cats": [{"id": c.id, "name": c.name, "status": c.status} for c in case.cats],
    }
    if full:
        view["history"] = [{"action": e.action, "note": e.note, "by": _by(e.by),
                            "at": _iso(e.at)}
                           for e in case.history]
    return view


def list_cases(session: Session, community: str, status: str | None, lang: str, *,
               operator: bool) -> dict:
    query = select(Case).where(Case.community == community).order_by(Case.id.desc())
    if status:
        query = query.where(Case.status == status)
    cases = session.scalars(query).all()
    return {"total": len(cases),
            "items": [case_view(c, lang, operator=operator) for c in cases]}
