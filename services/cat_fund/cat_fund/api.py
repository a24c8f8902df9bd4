"""The fund's staff API (and its one public page), on the shared Router.

The gateway forwards ``/api/v1/programs/cat_fund/<path>`` here. Every handler opens one
transaction on the service's store; a rule that says no raises a DomainError, which rolls the
whole change back.
"""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from minzi.api import DomainError, Forbidden, Router
from minzi.db import as_utc
from minzi.envelope import isoformat
from minzi.logs import mask_phone

from . import domain, ledger, schemas
from .domain import (
    CASE_STATUSES,
    CAT_SEXES,
    CAT_STATUSES,
    STAFF_ROLES,
    actor,
    is_operator,
    public_donor,
)
from .ledger import CATEGORIES, CHANNELS, KINDS, label, yuan
from .models import Entry

router = Router()
BEIJING = timezone(timedelta(hours=8))
DEFAULT_COMMUNITY = "rainbow-city"


def today():
    """The date in Beijing: what a receipt or an invoice says."""
    return datetime.now(BEIJING).date()


def community_of(ctx):
    community = (ctx.staff or {}).get("community")
    if not community:
        raise Forbidden("no_community", "您的账号未归属任何社区", "Your account belongs to no community")
    return community


def require_operator(ctx):
    if not is_operator(ctx.staff):
        raise Forbidden("not_fund_operator", "只有流浪猫爱心基金会的工作人员可以进行此操作",
                        "Only the stray-cat fund's staff may do this")


def store(ctx):
    return ctx.service.store


def _iso(moment):
    return isoformat(as_utc(moment)) if moment is not None else None


def _date(value):
    return value.isoformat() if value is not None else None


# -- views ----------------------------------------------------------------------------------------

def entry_view(entry, ctx, reversed_by=None):
    lang = ctx.lang
    view = {
        "id": entry.id, "number": entry.number, "kind": entry.kind,
        "kind_label": label(KINDS, entry.kind, lang),
        "amount": yuan(entry.amount_fen), "change": yuan(entry.delta_fen),
        "occurred_on": _date(entry.occurred_on), "description": entry.description,
        "recorded_by": entry.recorded_by, "recorded_at": _iso(entry.recorded_at),
        "reversed_by": reversed_by,
    }
    if entry.kind == "donation":
        operator = is_operator(ctx.staff)
        view.update({
            "receipt_no": entry.number,
            "donor_name": entry.donor_name, "anonymous": entry.anonymous,
            "agreed_to_be_named": entry.may_publish_name,
            "public_donor": public_donor(entry, lang),
            "donor_contact": entry.donor_contact if operator else mask_phone(entry.donor_contact),
            "channel": entry.channel, "channel_label": label(CHANNELS, entry.channel, lang)})
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


def cat_view(cat, ctx, cost_fen=0, *, full=False):
    lang = ctx.lang
    view = {
        "id": cat.id, "name": cat.name, "sex": cat.sex, "sex_label": label(CAT_SEXES, cat.sex, lang),
        "colour": cat.colour, "description": cat.description, "found_at": cat.found_at,
        "found_on": _date(cat.found_on), "status": cat.status,
        "status_label": label(CAT_STATUSES, cat.status, lang),
        "sterilised": cat.sterilised_on is not None,
        "sterilised_on": _date(cat.sterilised_on), "sterilised_by": cat.sterilised_by,
        "cost": yuan(cost_fen),
        "created_by": cat.created_by, "created_at": _iso(cat.created_at),
        "updated_by": cat.updated_by, "updated_at": _iso(cat.updated_at),
    }
    if full:
        view["vaccinations"] = [vaccination_view(v) for v in cat.vaccinations]
        view["vet_visits"] = [{
            "id": v.id, "visited_on": _date(v.visited_on), "vet": v.vet, "reason": v.reason,
            "diagnosis": v.diagnosis, "treatment": v.treatment, "recorded_by": v.recorded_by,
            "recorded_at": _iso(v.recorded_at)} for v in cat.vet_visits]
        view["history"] = [{"action": e.action, "detail": e.detail, "by": e.by,
                            "at": _iso(e.at)} for e in cat.history]
    return view


def vaccination_view(v):
    return {"id": v.id, "cat_id": v.cat_id, "vaccine": v.vaccine, "given_on": _date(v.given_on),
            "next_due_on": _date(v.next_due_on), "vet": v.vet, "recorded_by": v.recorded_by,
            "recorded_at": _iso(v.recorded_at)}


def case_view(case, ctx, *, full=False):
    resident = dict(case.resident or {})
    if not is_operator(ctx.staff) and resident.get("phone"):
        resident["phone"] = mask_phone(resident["phone"])
    view = {
        "case_id": case.case_id, "tracking_code": case.tracking_code,
        "service_code": case.service_code, "channel": case.channel,
        "description": case.description, "attributes": case.attributes,
        "address": case.address, "resident": resident, "due_at": _iso(case.due_at),
        "dispatch_note": case.dispatch_note, "status": case.status,
        "status_label": label(CASE_STATUSES, case.status, ctx.lang),
        "chase_level": case.chase_level, "result": case.result, "note": case.note,
        "received_at": _iso(case.received_at), "updated_at": _iso(case.updated_at),
        "cats": [{"id": c.id, "name": c.name, "status": c.status} for c in case.cats],
    }
    if full:
        view["history"] = [{"action": e.action, "note": e.note, "by": e.by, "at": _iso(e.at)}
                           for e in case.history]
    return view


# -- money ----------------------------------------------------------------------------------------

def _keyed(ctx, body):
    """The HTTP Idempotency-Key header counts as the body's idempotency_key."""
    if not body.get("idempotency_key") and ctx.idempotency_key:
        body["idempotency_key"] = ctx.idempotency_key
    return body


def _money_write(ctx, operation, *args):
    require_operator(ctx)
    community = community_of(ctx)
    with store(ctx).transaction(community=community) as tx:
        entry, created = operation(tx.session, community, *args, actor(ctx.staff), today())
        view = entry_view(entry, ctx)
        view["balance"] = yuan(ledger.read_fund(tx.session, community).balance_fen)
    return (201 if created else 200), view


@router.route("POST", "/donations", body=schemas.DonationIn, roles=STAFF_ROLES,
              summary="登记捐款（同一幂等键只记一次）/ Record a donation")
def record_donation(ctx, body):
    return _money_write(ctx, ledger.record_donation, _keyed(ctx, body))


@router.route("POST", "/expenses", body=schemas.ExpenseIn, roles=STAFF_ROLES,
              summary="登记支出（不能超过余额）/ Record spending")
def record_expense(ctx, body):
    return _money_write(ctx, ledger.record_expense, _keyed(ctx, body))


@router.route("POST", "/entries/{entry_id}/reversal", body=schemas.ReversalIn, roles=STAFF_ROLES,
              summary="冲正一笔账目 / Reverse an entry")
def reverse_entry(ctx, body):
    entry_id = _int_param(ctx, "entry_id")
    body = _keyed(ctx, body)
    return _money_write(ctx, lambda s, c, by, day: ledger.reverse_entry(s, c, entry_id, body,
                                                                          by, day))


def _int_param(ctx, name):
    try:
        return int(ctx.params[name])
    except ValueError:
        raise DomainError("not_found", "没有这个地址", "No such path", status=404) from None


@router.route("GET", "/fund", roles=STAFF_ROLES, summary="基金余额 / The fund's balance")
def fund(ctx):
    community = community_of(ctx)
    with store(ctx).session() as session:
        fund = ledger.read_fund(session, community)
        return 200, {"community": community, "balance": yuan(fund.balance_fen),
                     "entry_count": fund.entry_count,
                     "ledger_sum": yuan(ledger.ledger_sum(session, community))}


@router.route("GET", "/entries", query=schemas.EntriesQuery, roles=STAFF_ROLES,
              summary="账目明细 / Ledger entries")
def list_entries(ctx):
    community = community_of(ctx)
    q = ctx.query
    with store(ctx).session() as session:
        query = select(Entry).where(Entry.community == community)
        if q["kind"]:
            query = query.where(Entry.kind == q["kind"])
        if q["category"]:
            query = query.where(Entry.category == q["category"])
        if q["cat_id"] is not None:
            query = query.where(Entry.cat_id == q["cat_id"])
        entries = session.scalars(query.order_by(Entry.id)).all()
        if q["month"]:
            entries = [e for e in entries if e.occurred_on.strftime("%Y-%m") == q["month"]]
        total = len(entries)
        entries = entries[q["offset"]:q["offset"] + q["limit"]]
        reversed_by = ledger.reversed_by(session, [e.id for e in entries])
        return 200, {"total": total,
                     "items": [entry_view(e, ctx, reversed_by.get(e.id)) for e in entries]}


@router.route("GET", "/entries/{entry_id}", roles=STAFF_ROLES, summary="一笔账目 / One entry")
def get_entry(ctx):
    community = community_of(ctx)
    with store(ctx).session() as session:
        entry = ledger.get_entry(session, community, _int_param(ctx, "entry_id"))
        return 200, entry_view(entry, ctx, ledger.reversed_by(session, [entry.id]).get(entry.id))


@router.route("GET", "/report", query=schemas.ReportQuery, public=True,
              summary="公开账目（无需登录）/ Public transparency report")
def report(ctx):
    community = ctx.query["community"]
    with store(ctx).session() as session:
        return 200, domain.transparency_report(session, community, ctx.lang)


# -- cats -----------------------------------------------------------------------------------------

def _cat_write(ctx, operation, *args, status=200):
    require_operator(ctx)
    community = community_of(ctx)
    with store(ctx).transaction(community=community) as tx:
        result = operation(tx.session, community, *args, actor(ctx.staff))
        cat = result if isinstance(result, domain.Cat) else result.cat
        tx.session.flush()
        tx.session.expire(cat)
        view = cat_view(cat, ctx, ledger.cat_costs(tx.session, community, [cat.id]).get(cat.id, 0),
                        full=True)
    return status, view


@router.route("POST", "/cats", body=schemas.CatIn, roles=STAFF_ROLES,
              summary="登记一只猫 / Record a cat")
def create_cat(ctx, body):
    return _cat_write(ctx, domain.create_cat, body, status=201)


@router.route("GET", "/cats", query=schemas.CatsQuery, roles=STAFF_ROLES,
              summary="猫的档案 / Cat records")
def list_cats(ctx):
    community = community_of(ctx)
    with store(ctx).session() as session:
        cats = domain.list_cats(session, community, ctx.query["status"])
        costs = ledger.cat_costs(session, community)
        return 200, {"total": len(cats),
                     "items": [cat_view(c, ctx, costs.get(c.id, 0)) for c in cats]}


@router.route("GET", "/cats/{cat_id}", roles=STAFF_ROLES, summary="一只猫的档案 / One cat")
def get_cat(ctx):
    community = community_of(ctx)
    with store(ctx).session() as session:
        cat = domain.get_cat(session, community, _int_param(ctx, "cat_id"))
        costs = ledger.cat_costs(session, community, [cat.id])
        view = cat_view(cat, ctx, costs.get(cat.id, 0), full=True)
        spending = session.scalars(select(Entry).where(Entry.cat_id == cat.id)
                                   .order_by(Entry.id)).all()
        view["spending"] = [entry_view(e, ctx) for e in spending]
        return 200, view


@router.route("PATCH", "/cats/{cat_id}", body=schemas.CatPatch, roles=STAFF_ROLES,
              summary="修改猫的档案或状态 / Update a cat or its status")
def update_cat(ctx, body):
    return _cat_write(ctx, domain.update_cat, _int_param(ctx, "cat_id"), body)


@router.route("POST", "/cats/{cat_id}/sterilisation", body=schemas.SterilisationIn,
              roles=STAFF_ROLES, summary="登记绝育 / Record a sterilisation")
def sterilise(ctx, body):
    return _cat_write(ctx, domain.record_sterilisation, _int_param(ctx, "cat_id"), body,
                      status=201)


@router.route("POST", "/cats/{cat_id}/vaccinations", body=schemas.VaccinationIn,
              roles=STAFF_ROLES, summary="登记疫苗接种 / Record a vaccination")
def vaccinate(ctx, body):
    return _cat_write(ctx, domain.record_vaccination, _int_param(ctx, "cat_id"), body,
                      status=201)


@router.route("POST", "/cats/{cat_id}/vet-visits", body=schemas.VetVisitIn,
              roles=STAFF_ROLES, summary="登记看病 / Record a vet visit")
def vet_visit(ctx, body):
    return _cat_write(ctx, domain.record_vet_visit, _int_param(ctx, "cat_id"), body,
                      status=201)


@router.route("GET", "/vaccinations/due", query=schemas.DueQuery, roles=STAFF_ROLES,
              summary="即将到期的疫苗（默认30天内，含已过期）/ Vaccinations due soon")
def vaccinations_due(ctx):
    community = community_of(ctx)
    day = today()
    with store(ctx).session() as session:
        due = domain.vaccinations_due(session, community, day, ctx.query["days"])
        return 200, {"today": day.isoformat(), "days": ctx.query["days"], "items": [{
            **vaccination_view(v), "cat_name": v.cat.name, "cat_status": v.cat.status,
            "found_at": v.cat.found_at, "overdue": v.next_due_on < day,
            "days_left": (v.next_due_on - day).days} for v in due]}


# -- cases from intake ----------------------------------------------------------------------------

@router.route("GET", "/cases", query=schemas.CasesQuery, roles=STAFF_ROLES,
              summary="转来的流浪猫案件 / Cases from intake")
def list_cases(ctx):
    _require_case_reader(ctx)
    community = community_of(ctx)
    with store(ctx).session() as session:
        cases = domain.list_cases(session, community, ctx.query["status"])
        return 200, {"total": len(cases), "items": [case_view(c, ctx) for c in cases]}


def _require_case_reader(ctx):
    if ctx.staff.get("role") != "station_head":
        require_operator(ctx)


@router.route("GET", "/cases/{case_id}", roles=STAFF_ROLES, summary="一个案件 / One case")
def get_case(ctx):
    _require_case_reader(ctx)
    community = community_of(ctx)
    with store(ctx).session() as session:
        case = domain.get_case(session, community, _int_param(ctx, "case_id"))
        return 200, case_view(case, ctx, full=True)


def _case_write(ctx, operation, *args):
    require_operator(ctx)
    community = community_of(ctx)
    with store(ctx).transaction(community=community) as tx:
        case, report = operation(tx.session, community, _int_param(ctx, "case_id"), *args,
                                 actor(ctx.staff))
        if report is not None:
            tx.publish("case.reported", report, community=community)
        tx.session.flush()
        view = case_view(case, ctx, full=True)
    return 200, view


@router.route("POST", "/cases/{case_id}/cats", body=schemas.LinkCatIn, roles=STAFF_ROLES,
              summary="为案件登记或关联一只猫 / Create or link the case's cat")
def link_cat(ctx, body):
    def operation(session, community, case_id, by):
        case, _cat = domain.link_cat(session, community, case_id, body, by)
        return case, None
    return _case_write(ctx, operation)


@router.route("POST", "/cases/{case_id}/progress", body=schemas.ProgressIn, roles=STAFF_ROLES,
              summary="报告进展 / Report progress")
def progress(ctx, body):
    return _case_write(ctx, domain.progress_case, body["note"])


@router.route("POST", "/cases/{case_id}/resolve", body=schemas.ResolveIn, roles=STAFF_ROLES,
              summary="办结并回复 / Resolve the case")
def resolve(ctx, body):
    return _case_write(ctx, domain.resolve_case, body["result"], body.get("reply"))


@router.route("POST", "/cases/{case_id}/return", body=schemas.ReturnIn, roles=STAFF_ROLES,
              summary="退回受理窗口 / Return the case to intake")
def return_case(ctx, body):
    return _case_write(ctx, domain.return_case, body["note"])
