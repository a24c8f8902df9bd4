"""The fund's staff API (and its one public page), served by the gateway at
``/api/v1/programs/cat_fund/…``.

Thin routes: check who is asking, open one transaction (or a read-only session) on the
service's store, read the clock once, call the rules in ``domain/``. A rule that says no raises
a DomainError, which rolls the whole change back.
"""
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from minzi.api import Context, Response, Router, Staff, read, write
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.store import Transaction

from . import schemas
from .domain import cases, cats, ledger, report, spending, views
from .domain.access import (
    STAFF_ROLES,
    is_operator,
    own_community,
    require_case_reader,
    require_operator,
)
from .models import Case, Cat

router = Router()


# -- money ----------------------------------------------------------------------------------------

def _keyed(ctx: Context, body: dict) -> dict:
    """The HTTP Idempotency-Key header counts as the body's idempotency_key."""
    if not body.get("idempotency_key") and ctx.idempotency_key:
        body["idempotency_key"] = ctx.idempotency_key
    return body


def _money_write(ctx: Context, operation: Callable) -> Response:
    """``operation(session, community, by, now) -> (entry, created)``: 201 for a new entry,
    200 for a request repeated with its idempotency key."""
    require_operator(ctx.staff)
    community = own_community(ctx.staff)

    def work(tx: Transaction) -> Response:
        entry, created = operation(tx.session, community, ctx.actor, utcnow())
        view = views.entry_view(entry, ctx.lang, operator=True)
        view["balance"] = views.fund_view(tx.session, community)["balance"]
        return (201 if created else 200), view
    return write(ctx, work)


@router.route("POST", "/donations", body=schemas.DonationIn, roles=STAFF_ROLES,
              summary="登记捐款（同一幂等键只记一次）/ Record a donation")
def record_donation(ctx: Context, body: dict) -> Response:
    body = _keyed(ctx, body)
    return _money_write(ctx, lambda session, community, by, now: ledger.record_donation(
        session, community, body, by, now))


@router.route("POST", "/expenses", body=schemas.ExpenseIn, roles=STAFF_ROLES,
              summary="登记支出（不能超过余额）/ Record spending")
def record_expense(ctx: Context, body: dict) -> Response:
    body = _keyed(ctx, body)
    return _money_write(ctx, lambda session, community, by, now: spending.record_expense(
        session, community, body, by, now))


@router.route("POST", "/entries/{entry_id:int}/reversal", body=schemas.ReversalIn,
              roles=STAFF_ROLES, summary="冲正一笔账目 / Reverse an entry")
def reverse_entry(ctx: Context, body: dict) -> Response:
    body = _keyed(ctx, body)
    return _money_write(ctx, lambda session, community, by, now: ledger.reverse_entry(
        session, community, ctx.params["entry_id"], body, by, now))


@router.route("GET", "/fund", roles=STAFF_ROLES, summary="基金余额 / The fund's balance")
def fund(ctx: Context) -> Response:
    community = own_community(ctx.staff)
    return 200, read(ctx, lambda session: views.fund_view(session, community))


@router.route("GET", "/entries", query=schemas.EntriesQuery, roles=STAFF_ROLES,
              summary="账目明细 / Ledger entries")
def list_entries(ctx: Context) -> Response:
    community = own_community(ctx.staff)
    return 200, read(ctx, lambda session: views.list_entries(
        session, community, ctx.query, ctx.lang, operator=is_operator(ctx.staff)))


@router.route("GET", "/entries/{entry_id:int}", roles=STAFF_ROLES,
              summary="一笔账目 / One entry")
def get_entry(ctx: Context) -> Response:
    community = own_community(ctx.staff)
    return 200, read(ctx, lambda session: views.one_entry(
        session, community, ctx.params["entry_id"], ctx.lang, operator=is_operator(ctx.staff)))


@router.route("GET", "/report", query=schemas.ReportQuery, public=True,
              summary="公开账目（无需登录）/ Public transparency report")
def public_report(ctx: Context) -> Response:
    now = utcnow()
    return 200, read(ctx, lambda session: report.transparency_report(
        session, ctx.query["community"], ctx.lang, now))


# -- cats -----------------------------------------------------------------------------------------

def _cat_write(ctx: Context, operation: Callable, *args: object, status: int = 200) -> Response:
    """``operation(session, community, *args, by, now)`` changes a cat's record (returning the
    cat, or what it recorded about the cat); the answer is the cat's whole record."""
    require_operator(ctx.staff)
    community = own_community(ctx.staff)

    def work(tx: Transaction) -> Response:
        result = operation(tx.session, community, *args, ctx.actor, utcnow())
        cat = result if isinstance(result, Cat) else result.cat
        tx.session.flush()
        tx.session.expire(cat)
        return status, views.cat_record(tx.session, community, cat, ctx.lang)
    return write(ctx, work)


@router.route("POST", "/cats", body=schemas.CatIn, roles=STAFF_ROLES,
              summary="登记一只猫 / Record a cat")
def create_cat(ctx: Context, body: dict) -> Response:
    return _cat_write(ctx, cats.create_cat, body, status=201)


@router.route("GET", "/cats", query=schemas.CatsQuery, roles=STAFF_ROLES,
              summary="猫的档案 / Cat records")
def list_cats(ctx: Context) -> Response:
    community = own_community(ctx.staff)
    return 200, read(ctx, lambda session: views.list_cats(
        session, community, ctx.query["status"], ctx.lang))


@router.route("GET", "/cats/{cat_id:int}", roles=STAFF_ROLES, summary="一只猫的档案 / One cat")
def get_cat(ctx: Context) -> Response:
    community = own_community(ctx.staff)

    def work(session: Session) -> dict:
        cat = cats.get_cat(session, community, ctx.params["cat_id"])
        return views.cat_with_spending(session, community, cat, ctx.lang,
                                       operator=is_operator(ctx.staff))
    return 200, read(ctx, work)


@router.route("PATCH", "/cats/{cat_id:int}", body=schemas.CatPatch, roles=STAFF_ROLES,
              summary="修改猫的档案或状态 / Update a cat or its status")
def update_cat(ctx: Context, body: dict) -> Response:
    return _cat_write(ctx, cats.update_cat, ctx.params["cat_id"], body)


@router.route("POST", "/cats/{cat_id:int}/sterilisation", body=schemas.SterilisationIn,
              roles=STAFF_ROLES, summary="登记绝育 / Record a sterilisation")
def sterilise(ctx: Context, body: dict) -> Response:
    return _cat_write(ctx, cats.record_sterilisation, ctx.params["cat_id"], body, status=201)


@router.route("POST", "/cats/{cat_id:int}/vaccinations", body=schemas.VaccinationIn,
              roles=STAFF_ROLES, summary="登记疫苗接种 / Record a vaccination")
def vaccinate(ctx: Context, body: dict) -> Response:
    return _cat_write(ctx, cats.record_vaccination, ctx.params["cat_id"], body, status=201)


@router.route("POST", "/cats/{cat_id:int}/vet-visits", body=schemas.VetVisitIn,
              roles=STAFF_ROLES, summary="登记看病 / Record a vet visit")
def vet_visit(ctx: Context, body: dict) -> Response:
    return _cat_write(ctx, cats.record_vet_visit, ctx.params["cat_id"], body, status=201)


@router.route("GET", "/vaccinations/due", query=schemas.DueQuery, roles=STAFF_ROLES,
              summary="即将到期的疫苗（默认30天内，含已过期）/ Vaccinations due soon")
def vaccinations_due(ctx: Context) -> Response:
    community = own_community(ctx.staff)
    today = local_date(utcnow())
    return 200, read(ctx, lambda session: views.vaccinations_due(
        session, community, today, ctx.query["days"]))


# -- cases from intake ----------------------------------------------------------------------------

@router.route("GET", "/cases", query=schemas.CasesQuery, roles=STAFF_ROLES,
              summary="转来的流浪猫案件 / Cases from intake")
def list_cases(ctx: Context) -> Response:
    require_case_reader(ctx.staff)
    community = own_community(ctx.staff)
    return 200, read(ctx, lambda session: views.list_cases(
        session, community, ctx.query["status"], ctx.lang, operator=is_operator(ctx.staff)))


@router.route("GET", "/cases/{case_id:int}", roles=STAFF_ROLES, summary="一个案件 / One case")
def get_case(ctx: Context) -> Response:
    require_case_reader(ctx.staff)
    community = own_community(ctx.staff)

    def work(session: Session) -> dict:
        case = cases.get_case(session, community, ctx.params["case_id"])
        return views.case_view(case, ctx.lang, operator=is_operator(ctx.staff), full=True)
    return 200, read(ctx, work)


def _case_write(ctx: Context, operation: Callable, *args: object) -> Response:
    """``operation(session, community, case_id, *args, by, now) -> (case, report | None)``;
    the report goes to intake in the same transaction."""
    require_operator(ctx.staff)
    community = own_community(ctx.staff)

    def work(tx: Transaction) -> Response:
        case, reported = operation(tx.session, community, ctx.params["case_id"], *args,
                                   ctx.actor, utcnow())
        if reported is not None:
            tx.publish("case.reported", reported, community=community)
        tx.session.flush()
        return 200, views.case_view(case, ctx.lang, operator=True, full=True)
    return write(ctx, work)


@router.route("POST", "/cases/{case_id:int}/cats", body=schemas.LinkCatIn, roles=STAFF_ROLES,
              summary="为案件登记或关联一只猫 / Create or link the case's cat")
def link_cat(ctx: Context, body: dict) -> Response:
    def operation(session: Session, community: str, case_id: int, by: Staff,
                  now: datetime) -> tuple[Case, None]:
        case, _cat = cases.link_cat(session, community, case_id, body, by, now)
        return case, None
    return _case_write(ctx, operation)


@router.route("POST", "/cases/{case_id:int}/progress", body=schemas.ProgressIn,
              roles=STAFF_ROLES, summary="报告进展 / Report progress")
def progress(ctx: Context, body: dict) -> Response:
    return _case_write(ctx, cases.progress_case, body["note"])


@router.route("POST", "/cases/{case_id:int}/resolve", body=schemas.ResolveIn, roles=STAFF_ROLES,
              summary="办结并回复 / Resolve the case")
def resolve(ctx: Context, body: dict) -> Response:
    return _case_write(ctx, cases.resolve_case, body["result"], body.get("reply"))


@router.route("POST", "/cases/{case_id:int}/return", body=schemas.ReturnIn, roles=STAFF_ROLES,
              summary="退回受理窗口 / Return the case to intake")
def return_case(ctx: Context, body: dict) -> Response:
    return _case_write(ctx, cases.return_case, body["note"])
