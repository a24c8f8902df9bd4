"""The hotline's staff API, served by the gateway at /api/v1/programs/hotline/…

Who may do what (``domain/access.py``):
* the public (no token): the guide card (``GET /card``);
* the hotline's own staff (program_staff / handler of ``hotline``): everything, residents'
  details in full;
* an admin of the community: reads what the staff read, residents' details masked.
Every other caller gets 403; another community's records are not found (404).

Each route checks who is asking, reads the clock once and hands the rules ``now``.
"""
from collections.abc import Callable
from typing import Any

from minzi.api import Context, Response, Router, community_of, read, write
from minzi.envelope import utcnow
from minzi.store import Transaction

from . import schemas
from .domain import cases, complaints, doors, jobs, merchants, views
from .domain.access import (
    OPERATOR_ROLES,
    READER_ROLES,
    is_operator,
    require_operator,
    require_reader,
)
from .domain.activity import history
from .domain.figures import figures as hotline_figures
from .models import Merchant

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
    """A route that changes something: the hotline's own staff only."""
    return _guarded(method, path, require_operator, OPERATOR_ROLES, **kwargs)


def reader_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A read for the hotline's staff and admins (admins see residents' details masked)."""
    return _guarded(method, path, require_reader, READER_ROLES, **kwargs)


def _level(ctx: Context) -> str:
    return views.FULL if is_operator(ctx.staff) else views.MASKED


# -- merchants -----------------------------------------------------------------------------------

@reader_route("GET", "/merchants", query=schemas.MerchantQuery,
              summary="商户 / Merchants")
def list_merchants(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [views.merchant_view(m, ctx.lang) for m in
                                               merchants.list_merchants(
                                                   s, community, category=q["category"],
                                                   merchant_status=q["status"])]})


@staff_route("POST", "/merchants", body=schemas.MerchantIn,
             summary="登记商户（营业执照、服务类别）/ Register a merchant")
def register(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.merchant_view(
        merchants.register(tx, community, body, ctx.staff, now), ctx.lang))


@reader_route("GET", "/merchants/{merchant_id:int}",
              summary="一家商户：派单、评价、投诉 / A merchant: its jobs, ratings, complaints")
def merchant(ctx: Context) -> Response:
    community, merchant_id, now = community_of(ctx), ctx.params["merchant_id"], utcnow()
    return 200, read(ctx, lambda s: views.merchant_record(
        s, merchants.get_merchant(s, merchant_id, community), ctx.lang, now))


def _merchant_write(ctx: Context, rule: Callable, body: dict) -> Response:
    community, merchant_id, now = community_of(ctx), ctx.params["merchant_id"], utcnow()

    def work(tx: Transaction) -> dict:
        found: Merchant = rule(tx, community, merchant_id, body, ctx.staff, now)
        return views.merchant_record(tx.session, found, ctx.lang, now)
    return 200, write(ctx, work)


@staff_route("POST", "/merchants/{merchant_id:int}/licence-check", body=schemas.NoteIn,
             summary="核验营业执照 / The licence checked by staff")
def check_licence(ctx: Context, body: dict) -> Response:
    return _merchant_write(ctx, merchants.check_licence, body)


@staff_route("POST", "/merchants/{merchant_id:int}/agreement", body=schemas.AgreementIn,
             summary="签订协议 / The agreement signed")
def sign(ctx: Context, body: dict) -> Response:
    return _merchant_write(ctx, merchants.sign_agreement, body)


@staff_route("POST", "/merchants/{merchant_id:int}/suspension", body=schemas.ReasonIn,
             summary="暂停派单 / Suspend from routing")
def suspend(ctx: Context, body: dict) -> Response:
    return _merchant_write(ctx, merchants.suspend_by_staff, body)


@staff_route("POST", "/merchants/{merchant_id:int}/reinstatement", body=schemas.ReasonIn,
             summary="恢复派单 / Reinstate")
def reinstate(ctx: Context, body: dict) -> Response:
    return _merchant_write(ctx, complaints.reinstate, body)


# -- complaints ----------------------------------------------------------------------------------

@staff_route("POST", "/merchants/{merchant_id:int}/complaints", body=schemas.ComplaintIn,
             summary="登记对商户的投诉 / Record a complaint against a merchant")
def complain(ctx: Context, body: dict) -> Response:
    community, merchant_id, now = community_of(ctx), ctx.params["merchant_id"], utcnow()
    return 201, write(ctx, lambda tx: views.complaint_view(
        complaints.file(tx, community, merchant_id, body, ctx.staff, now)))


@reader_route("GET", "/complaints", query=schemas.ComplaintQuery,
              summary="投诉 / Complaints")
def list_complaints(ctx: Context) -> Response:
    community, pending = community_of(ctx), ctx.query["pending"]
    return 200, read(ctx, lambda s: {"items": [
        views.complaint_view(c, s.get(Merchant, c.merchant_id))
        for c in complaints.list_complaints(s, community, pending=pending)]})


@staff_route("POST", "/complaints/{complaint_id:int}/decision", body=schemas.DecisionIn,
             summary="投诉是否属实（12个月内3次属实即暂停派单）/ Upheld or not (3 upheld in 12 "
                     "months suspend the merchant)")
def decide(ctx: Context, body: dict) -> Response:
    community, complaint_id, now = community_of(ctx), ctx.params["complaint_id"], utcnow()

    def work(tx: Transaction) -> dict:
        complaint = complaints.decide(tx, community, complaint_id, body, ctx.staff, now)
        return {**views.complaint_view(complaint, tx.session.get(Merchant,
                                                                 complaint.merchant_id)),
                "merchant_suspended": tx.session.get(Merchant, complaint.merchant_id).suspended}
    return 200, write(ctx, work)


# -- cases and jobs ------------------------------------------------------------------------------

@reader_route("GET", "/cases", query=schemas.CaseQuery, summary="来电 / Calls (cases)")
def list_cases(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": views.list_cases(
        s, community, ctx.lang, _level(ctx), ctx.query["state"])})


@reader_route("GET", "/cases/{case_id:int}", summary="一件来电：派单和答复 / A call, its jobs")
def get_case(ctx: Context) -> Response:
    return 200, read(ctx, lambda s: views.case_view(
        s, cases.get_case(s, ctx.params["case_id"], ctx.staff), ctx.lang, _level(ctx)))


@staff_route("POST", "/cases/{case_id:int}/routing", body=schemas.RoutingIn,
             summary="派单给商户（不指定则派给在办单最少的签约商户）/ Route to a merchant")
def route_case(ctx: Context, body: dict) -> Response:
    now = utcnow()

    def work(tx: Transaction) -> dict:
        job = jobs.route(tx.session, ctx.params["case_id"], body, ctx.staff, now)
        return views.job_view(job, ctx.lang, tx.session.get(Merchant, job.merchant_id))
    return 201, write(ctx, work)


def _job_write(ctx: Context, rule: Callable, body: dict) -> Response:
    now = utcnow()

    def work(tx: Transaction) -> dict:
        job = rule(tx.session, ctx.params["job_id"], body, ctx.staff, now)
        return views.job_view(job, ctx.lang, tx.session.get(Merchant, job.merchant_id))
    return 200, write(ctx, work)


@staff_route("POST", "/jobs/{job_id:int}/response", body=schemas.ResponseIn,
             summary="商户答复：接单、上门、完成或拒单 / The merchant's answer")
def respond(ctx: Context, body: dict) -> Response:
    return _job_write(ctx, jobs.respond, body)


@staff_route("POST", "/jobs/{job_id:int}/rating", body=schemas.RatingIn,
             summary="居民评价（1-5）/ The resident's rating, 1 to 5")
def rate(ctx: Context, body: dict) -> Response:
    return _job_write(ctx, jobs.rate, body)


def _finish(ctx: Context, resolved: bool, text: str, reply: str | None = None) -> Response:
    now = utcnow()

    def work(tx: Transaction) -> dict:
        case = cases.get_case(tx.session, ctx.params["case_id"], ctx.staff)
        report = cases.finish(case, jobs.latest_state(tx.session, case.case_id), ctx.staff,
                              now, resolved=resolved, text=text, reply=reply)
        tx.publish("case.reported", report, community=case.community)
        return views.case_view(tx.session, case, ctx.lang, _level(ctx))
    return 200, write(ctx, work)


@staff_route("POST", "/cases/{case_id:int}/resolve", body=schemas.ResolveIn,
             summary="办结并答复居民 / Resolve, with the reply for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    return _finish(ctx, True, body["result"], body.get("reply"))


@staff_route("POST", "/cases/{case_id:int}/return", body=schemas.ReturnIn,
             summary="退回并说明去处 / Return, saying where else to turn")
def return_case(ctx: Context, body: dict) -> Response:
    return _finish(ctx, False, body["note"])


# -- the card and the doors ----------------------------------------------------------------------

@router.route("GET", "/card", public=True,
              summary="便民服务导向牌（公开）/ The guide card (public)")
def card(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: views.card(s, community, ctx.lang))


@reader_route("GET", "/doors", summary="张贴导向牌的楼门 / Doors the card is posted at")
def list_doors(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [views.door_view(d)
                                               for d in doors.list_doors(s, community)]})


@staff_route("POST", "/doors", body=schemas.DoorIn,
             summary="登记在一个楼门张贴了导向牌 / The card posted at a door")
def post_door(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.door_view(
        doors.post(tx, community, body, ctx.staff, now)))


# -- figures and the record ----------------------------------------------------------------------

@reader_route("GET", "/figures", query=schemas.FiguresQuery,
              summary="数据：商户、楼门、来电、答复、评价、投诉 / Figures")
def figures(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: hotline_figures(s, community, q["date_from"], q["date_to"],
                                                    ctx.lang))


@reader_route("GET", "/activity", query=schemas.ActivityQuery,
              summary="操作记录 / Who changed what, when")
def activity(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": history(s, community, q["entity"],
                                                      q["entity_id"])})
