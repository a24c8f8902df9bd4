"""The flea market's staff API, served by the gateway at /api/v1/programs/flea_market/…

Who may do what (``domain/access.py``):
* the public (no token): the charity sales' report;
* the flea market's own staff (program_staff / handler of ``flea_market``): everything,
  residents' phones in full;
* an admin of the community: reads what the staff read, residents masked.
Every other caller gets 403; another community's records are not found (404).

Each route checks who is asking, reads the clock once and hands the rules ``now``.
"""
from collections.abc import Callable
from typing import Any

from minzi.api import Context, Response, Router, community_of, read, write
from minzi.envelope import utcnow
from minzi.store import Transaction

from . import schemas
from .domain import cases, markets, sales, signups, views
from .domain.access import (
    OPERATOR_ROLES,
    READER_ROLES,
    is_operator,
    require_operator,
    require_reader,
)
from .domain.figures import figures as market_figures

router = Router()


def _guarded(method: str, path: str, check: Callable, roles: tuple, **kwargs: Any) -> Callable:
    def decorator(handler: Callable) -> Callable:
        def guarded(ctx: Context, *args: Any) -> Response:
            check(ctx.staff)
            return handler(ctx, *args)
        guarded.__name__ = handler.__name__
        router.route(method, path, roles=roles, **kwargs)(guarded)
        return handler
    return decorator


def staff_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A route that changes something: the flea market's own staff only."""
    return _guarded(method, path, require_operator, OPERATOR_ROLES, **kwargs)


def reader_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A read for the flea market's staff and admins (admins see residents masked)."""
    return _guarded(method, path, require_reader, READER_ROLES, **kwargs)


def _level(ctx: Context) -> str:
    return views.FULL if is_operator(ctx.staff) else views.MASKED


def _keyed(ctx: Context, body: dict) -> dict:
    """The HTTP Idempotency-Key header counts as the body's idempotency_key."""
    if not body.get("idempotency_key") and ctx.idempotency_key:
        body["idempotency_key"] = ctx.idempotency_key
    return body


# -- markets ---------------------------------------------------------------------------------------

def _market_summary(session, market, ctx: Context) -> dict:
    return views.market_view(market, ctx.lang,
                             stalls_taken=len(signups.standing(session, market.id)))


def _market_record(session, market, ctx: Context) -> dict:
    money = sales.money_of(session, market.community).get(market.id)
    return {**_market_summary(session, market, ctx),
            "signups": [views.signup_view(s, ctx.lang, _level(ctx))
                        for s in signups.list_signups(session, market.id)],
            "money": sales.market_money_view(money),
            "entries": sales.ledger_view(session, market.community, ctx.lang,
                                         market_id=market.id)["items"]}


@reader_route("GET", "/markets", query=schemas.MarketQuery,
              summary="跳蚤市场（最近的在前）/ Market days, the latest first")
def list_markets(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [
        _market_summary(s, m, ctx) for m in markets.list_markets(s, community,
                                                                 ctx.query["state"])]})


@staff_route("POST", "/markets", body=schemas.MarketIn,
             summary="安排一次跳蚤市场 / Plan a market day")
def plan_market(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: _market_record(
        tx.session, markets.plan(tx, community, body, ctx.staff, now), ctx))


@reader_route("GET", "/markets/{market_id:int}",
              summary="一次跳蚤市场：摊位、报名、人数、义卖 / A market: stalls, head count, sales")
def market(ctx: Context) -> Response:
    community, market_id = community_of(ctx), ctx.params["market_id"]
    return 200, read(ctx, lambda s: _market_record(
        s, markets.get_market(s, market_id, community), ctx))


def _market_write(ctx: Context, rule: Callable, body: dict) -> Response:
    community, market_id, now = community_of(ctx), ctx.params["market_id"], utcnow()
    return 200, write(ctx, lambda tx: _market_record(
        tx.session, rule(tx, community, market_id, body, ctx.staff, now), ctx))


@staff_route("POST", "/markets/{market_id:int}/head-count", body=schemas.HeadCountIn,
             summary="已举办：登记当天清点的参与人数 / Held: record the head count")
def hold_market(ctx: Context, body: dict) -> Response:
    return _market_write(ctx, markets.hold, body)


@staff_route("POST", "/markets/{market_id:int}/cancellation", body=schemas.ReasonIn,
             summary="取消市场（已报名的摊位一并取消）/ Cancel a market, and its stalls")
def cancel_market(ctx: Context, body: dict) -> Response:
    return _market_write(ctx, markets.cancel, body)


# -- stalls ----------------------------------------------------------------------------------------

@staff_route("POST", "/markets/{market_id:int}/signups", body=schemas.SignupIn,
             summary="为居民报名摊位（每人每次一个）/ Sign a resident up for a stall")
def sign_up(ctx: Context, body: dict) -> Response:
    community, market_id, now = community_of(ctx), ctx.params["market_id"], utcnow()
    return 201, write(ctx, lambda tx: views.signup_view(
        signups.sign_up(tx, community, market_id, body, ctx.staff, now), ctx.lang,
        _level(ctx)))


@staff_route("POST", "/signups/{signup_id:int}/cancellation", body=schemas.SignupCancelIn,
             summary="取消摊位（市场前一天及之前）/ Cancel a stall, before the day")
def cancel_signup(ctx: Context, body: dict) -> Response:
    community, signup_id, now = community_of(ctx), ctx.params["signup_id"], utcnow()
    return 200, write(ctx, lambda tx: views.signup_view(
        signups.cancel(tx, community, signup_id, body, ctx.staff, now), ctx.lang,
        _level(ctx)))


# -- charity sales' money --------------------------------------------------------------------------

def _money(ctx: Context, rule: Callable, *args: Any) -> Response:
    """``rule(tx, community, *args, who, now) -> (entry, created)``: 201 for a new entry, 200
    for a request repeated with its idempotency key."""
    community, now = community_of(ctx), utcnow()

    def work(tx: Transaction) -> Response:
        entry, created = rule(tx, community, *args, ctx.staff, now)
        view = sales.entry_view(entry, ctx.lang)
        view["balance"] = sales.ledger_view(tx.session, community, ctx.lang)["balance"]
        return (201 if created else 200), view
    return write(ctx, work)


@staff_route("POST", "/markets/{market_id:int}/sales", body=schemas.SaleIn,
             summary="登记义卖款（编号即收据号）/ Record a sale's proceeds")
def record_sale(ctx: Context, body: dict) -> Response:
    return _money(ctx, sales.record_sale, ctx.params["market_id"], _keyed(ctx, body))


@staff_route("POST", "/markets/{market_id:int}/handovers", body=schemas.HandoverIn,
             summary="善款移交受助方（不超过本次所得）/ Hand the money to the beneficiary")
def hand_over(ctx: Context, body: dict) -> Response:
    return _money(ctx, sales.hand_over, ctx.params["market_id"], _keyed(ctx, body))


@reader_route("GET", "/ledger", summary="义卖善款账目 / The charity sales' ledger")
def ledger(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: sales.ledger_view(s, community, ctx.lang))


@staff_route("POST", "/ledger/entries/{entry_id:int}/reversal", body=schemas.ReversalIn,
             summary="冲正一笔账目 / Reverse an entry")
def reverse(ctx: Context, body: dict) -> Response:
    return _money(ctx, sales.reverse, ctx.params["entry_id"], _keyed(ctx, body))


@router.route("GET", "/report", public=True,
              summary="跳蚤市场义卖公开账目 / The charity sales' public report")
def public_report(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: sales.public_report(s, community, ctx.lang, now))


@reader_route("GET", "/figures",
              summary="数据：市场、人数、摊位、义卖 / Figures: markets, people, stalls, sales")
def figures(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: market_figures(s, community, ctx.lang))


# -- cases from intake -----------------------------------------------------------------------------

@reader_route("GET", "/cases", query=schemas.CaseQuery,
              summary="收到的诉求 / Cases received")
def list_cases(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [
        views.case_view(c, ctx.lang, _level(ctx))
        for c in cases.list_cases(s, community, ctx.query["state"])]})


@reader_route("GET", "/cases/{case_id:int}", summary="一件诉求 / One case")
def get_case(ctx: Context) -> Response:
    return 200, read(ctx, lambda s: views.case_view(
        cases.get_case(s, ctx.params["case_id"], ctx.staff), ctx.lang, _level(ctx)))


def _report(ctx: Context, work: Callable[[Transaction], tuple]) -> Response:
    def done(tx: Transaction) -> dict:
        case, report = work(tx)
        tx.publish("case.reported", report, community=case.community)
        return views.case_view(case, ctx.lang, _level(ctx))
    return 200, write(ctx, done)


@staff_route("POST", "/cases/{case_id:int}/signup", body=schemas.CaseSignupIn,
             summary="为来件居民报名摊位并答复 / Sign the resident up for a stall, and reply")
def case_signup(ctx: Context, body: dict) -> Response:
    now = utcnow()
    return _report(ctx, lambda tx: cases.sign_up_from_case(tx, ctx.params["case_id"], body,
                                                           ctx.staff, now))


def _finish(ctx: Context, resolved: bool, text: str, reply: str | None = None) -> Response:
    now = utcnow()

    def work(tx: Transaction) -> tuple:
        case = cases.get_case(tx.session, ctx.params["case_id"], ctx.staff)
        return case, cases.finish(case, ctx.staff, now, resolved=resolved, text=text,
                                  reply=reply)
    return _report(ctx, work)


@staff_route("POST", "/cases/{case_id:int}/resolve", body=schemas.ResolveIn,
             summary="办结并答复 / Resolve, with the answer for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    return _finish(ctx, True, body["result"], body.get("reply"))


@staff_route("POST", "/cases/{case_id:int}/return", body=schemas.ReturnIn,
             summary="退回（说明原因与去处）/ Return, saying why and where to go")
def return_case(ctx: Context, body: dict) -> Response:
    return _finish(ctx, False, body["note"])
