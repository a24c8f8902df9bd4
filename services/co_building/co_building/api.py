"""Co-building's staff API, served by the gateway at /api/v1/programs/co_building/…

Who may do what (``domain/access.py``):
* the public (no token): the fund's report;
* co-building's own staff (program_staff / handler of ``co_building``): everything, residents'
  details in full;
* an admin of the community: reads what the staff read, residents' details masked;
* a member unit's contact (``member_unit`` of ``co_building``): their own unit, its commitments
  (reporting a deed done with its evidence) and the issues assigned to it (progress), without
  the residents' details; another unit's records are not found.
Every other caller gets 403; another community's records are not found (404).

Each route checks who is asking, reads the clock once and hands the rules ``now``.
"""
from collections.abc import Callable
from typing import Any

from minzi.api import Context, Response, Router, community_of, read, write
from minzi.envelope import utcnow
from minzi.store import Transaction

from . import schemas
from .domain import commitments, fund, issues, meetings, units, views
from .domain.access import (
    MEMBER_ROLE,
    OPERATOR_ROLES,
    READER_ROLES,
    is_member,
    is_operator,
    require_member,
    require_operator,
    require_reader,
    require_reader_or_member,
    require_staff_or_member,
)
from .domain.figures import figures as co_building_figures
from .models import Unit

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
    """A route that changes something: co-building's own staff only."""
    return _guarded(method, path, require_operator, OPERATOR_ROLES, **kwargs)


def reader_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A read for co-building's staff and admins (admins see residents' details masked)."""
    return _guarded(method, path, require_reader, READER_ROLES, **kwargs)


def member_reader_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A read for staff, admins and member units' contacts (their own unit's records only)."""
    return _guarded(method, path, require_reader_or_member, (*READER_ROLES, MEMBER_ROLE),
                    **kwargs)


def member_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A change staff make, or a member unit's contact for their own unit."""
    return _guarded(method, path, require_staff_or_member, (*OPERATOR_ROLES, MEMBER_ROLE),
                    **kwargs)


def _level(ctx: Context) -> str:
    """How much of a resident the caller sees."""
    if is_operator(ctx.staff):
        return views.FULL
    return views.HIDDEN if is_member(ctx.staff) else views.MASKED


def _keyed(ctx: Context, body: dict) -> dict:
    """The HTTP Idempotency-Key header counts as the body's idempotency_key."""
    if not body.get("idempotency_key") and ctx.idempotency_key:
        body["idempotency_key"] = ctx.idempotency_key
    return body


# -- units and agreements --------------------------------------------------------------------------

@reader_route("GET", "/units", summary="共建单位 / Member units")
def list_units(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [views.unit_view(u, ctx.lang)
                                               for u in views.list_units(s, community)]})


@staff_route("POST", "/units", body=schemas.UnitIn,
             summary="登记共建单位 / Register a member unit")
def add_unit(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.unit_view(
        units.add_unit(tx, community, body, ctx.staff, now), ctx.lang))


def _unit_record(s, unit: Unit, ctx: Context, now) -> dict:
    return {**views.unit_view(unit, ctx.lang),
            "agreements": [views.agreement_view(a) for a in units.agreements_of(s, unit)],
            "commitments": [views.commitment_view(c, ctx.lang, now) for c in
                            commitments.list_commitments(s, unit.community, unit_id=unit.id)]}


@member_reader_route("GET", "/units/{unit_id:int}",
                     summary="一家共建单位（责任书、承诺）/ A member unit, its agreements and "
                             "commitments")
def unit(ctx: Context) -> Response:
    community, unit_id, now = community_of(ctx), ctx.params["unit_id"], utcnow()
    return 200, read(ctx, lambda s: _unit_record(
        s, units.get_unit(s, unit_id, community, staff=ctx.staff), ctx, now))


@staff_route("POST", "/units/{unit_id:int}/contact", body=schemas.ContactIn,
             summary="更换联系人及其登录账号 / Change the unit's contact and their account")
def change_contact(ctx: Context, body: dict) -> Response:
    community, unit_id, now = community_of(ctx), ctx.params["unit_id"], utcnow()
    return 200, write(ctx, lambda tx: views.unit_view(
        units.update_contact(tx, community, unit_id, body, ctx.staff, now), ctx.lang))


@staff_route("POST", "/units/{unit_id:int}/agreements", body=schemas.AgreementIn,
             summary="登记签订的共驻共建责任书 / Record a signed responsibility agreement")
def add_agreement(ctx: Context, body: dict) -> Response:
    community, unit_id, now = community_of(ctx), ctx.params["unit_id"], utcnow()
    return 201, write(ctx, lambda tx: views.agreement_view(
        units.add_agreement(tx, community, unit_id, body, ctx.staff, now)))


@router.route("GET", "/my", roles=(MEMBER_ROLE,),
              summary="我的共建单位：承诺和交办的诉求 / My unit: its commitments and issues")
def my_units(ctx: Context) -> Response:
    require_member(ctx.staff)
    community, now = community_of(ctx), utcnow()

    def work(s) -> dict:
        mine = units.units_of_contact(s, community, ctx.staff["username"])
        return {"items": [{**_unit_record(s, u, ctx, now), "issues": views.issue_views(
            s, issues.list_issues(s, community, unit_ids=[u.id]), ctx.lang, now, views.HIDDEN)}
            for u in mine]}
    return 200, read(ctx, work)


# -- commitments ---------------------------------------------------------------------------------

@reader_route("GET", "/commitments", query=schemas.CommitmentQuery,
              summary="双向承诺 / The dual commitments")
def list_commitments(ctx: Context) -> Response:
    community, q, now = community_of(ctx), ctx.query, utcnow()
    return 200, read(ctx, lambda s: {"items": [
        views.commitment_view(c, ctx.lang, now) for c in commitments.list_commitments(
            s, community, year=q["year"], unit_id=q["unit_id"], direction=q["direction"])]})


@staff_route("POST", "/commitments", body=schemas.CommitmentIn,
             summary="登记一项承诺（社区或单位）/ Record a commitment (the community's or a "
                     "unit's)")
def commit(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.commitment_view(
        commitments.commit(tx, community, body, ctx.staff, now), ctx.lang, now))


@member_route("POST", "/commitments/{commitment_id:int}/evidence", body=schemas.EvidenceIn,
              summary="报告承诺已完成（附证明）/ Report a commitment done, with evidence")
def report_done(ctx: Context, body: dict) -> Response:
    community, commitment_id, now = community_of(ctx), ctx.params["commitment_id"], utcnow()
    return 200, write(ctx, lambda tx: views.commitment_view(commitments.report_done(
        tx, community, commitment_id, body, ctx.staff, now), ctx.lang, now))


@staff_route("POST", "/commitments/{commitment_id:int}/verification",
             body=schemas.VerificationIn,
             summary="核实承诺已完成 / Verify a commitment done")
def verify(ctx: Context, body: dict) -> Response:
    community, commitment_id, now = community_of(ctx), ctx.params["commitment_id"], utcnow()
    return 200, write(ctx, lambda tx: views.commitment_view(commitments.verify(
        tx, community, commitment_id, body, ctx.staff, now), ctx.lang, now))


@reader_route("GET", "/commitments/behind", query=schemas.YearQuery,
              summary="承诺逾期未完成的单位 / Units behind on their commitments")
def behind(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: {"items": [
        {"unit": views.unit_view(u, ctx.lang),
         "late": [views.commitment_view(c, ctx.lang, now) for c in late]}
        for u, late in commitments.units_behind(s, community, now, ctx.query["year"])]})


# -- issues from intake ----------------------------------------------------------------------------

@member_reader_route("GET", "/issues", query=schemas.IssueQuery,
                     summary="居民诉求（共建单位联系人：交给本单位的）/ Residents' issues")
def list_issues(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()

    def work(s) -> dict:
        mine = [u.id for u in units.units_of_contact(s, community, ctx.staff["username"])] \
            if is_member(ctx.staff) else None
        return {"items": views.issue_views(s, issues.list_issues(
            s, community, kind=ctx.query["kind"], unit_ids=mine), ctx.lang, now, _level(ctx))}
    return 200, read(ctx, work)


def _issue(ctx: Context, s, case) -> dict:
    return views.issue_view(case, ctx.lang, utcnow(), _level(ctx),
                            s.get(Unit, case.unit_id) if case.unit_id else None)


@member_reader_route("GET", "/issues/{case_id:int}", summary="一件诉求 / One issue")
def issue(ctx: Context) -> Response:
    return 200, read(ctx, lambda s: _issue(ctx, s, issues.get_case(s, ctx.params["case_id"],
                                                                   ctx.staff)))


def _issue_write(ctx: Context, rule: Callable, body: dict) -> Response:
    now = utcnow()
    return 200, write(ctx, lambda tx: _issue(ctx, tx.session, rule(
        tx.session, ctx.params["case_id"], body, ctx.staff, now)))


@staff_route("POST", "/issues/{case_id:int}/sorting", body=schemas.SortIn,
             summary="分类：可解决或需协调 / Sort: solvable or needs coordination")
def sort_issue(ctx: Context, body: dict) -> Response:
    return _issue_write(ctx, issues.sort_issue, body)


@staff_route("POST", "/issues/{case_id:int}/assignment", body=schemas.AssignIn,
             summary="交责任单位并定办结期限 / Assign a responsible unit and a deadline")
def assign(ctx: Context, body: dict) -> Response:
    return _issue_write(ctx, issues.assign, body)


@member_route("POST", "/issues/{case_id:int}/progress", body=schemas.NoteIn,
              summary="办理进展（工作人员或责任单位）/ Progress, by staff or the unit")
def progress(ctx: Context, body: dict) -> Response:
    return _issue_write(ctx, issues.progress, body)


@staff_route("POST", "/issues/{case_id:int}/supervision", body=schemas.NoteIn,
             summary="督办 / Supervise: remind the responsible unit")
def supervise(ctx: Context, body: dict) -> Response:
    return _issue_write(ctx, issues.supervise, body)


def _finish(ctx: Context, body: dict, resolved: bool) -> Response:
    now = utcnow()

    def work(tx: Transaction) -> dict:
        report = issues.finish(tx.session, ctx.params["case_id"], body, ctx.staff, now,
                               resolved=resolved)
        case = issues.get_case(tx.session, ctx.params["case_id"], ctx.staff)
        tx.publish("case.reported", report, community=case.community)
        return _issue(ctx, tx.session, case)
    return 200, write(ctx, work)


@staff_route("POST", "/issues/{case_id:int}/outcome", body=schemas.OutcomeIn,
             summary="办结：结果（含单位投入）和给居民的答复 / The outcome, and the reply")
def outcome(ctx: Context, body: dict) -> Response:
    return _finish(ctx, body, True)


@staff_route("POST", "/issues/{case_id:int}/return", body=schemas.ReturnIn,
             summary="退回（说明原因）/ Return to intake, saying why")
def return_issue(ctx: Context, body: dict) -> Response:
    return _finish(ctx, body, False)


# -- joint meetings --------------------------------------------------------------------------------

@reader_route("GET", "/meetings", summary="六方联席会 / Six-party joint meetings")
def list_meetings(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [views.meeting_view(m, ctx.lang)
                                               for m in meetings.list_meetings(s, community)]})


@staff_route("POST", "/meetings", body=schemas.MeetingIn,
             summary="登记六方联席会（六方出席、议题、决定）/ Record a six-party joint meeting")
def record_meeting(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.meeting_view(
        meetings.record_meeting(tx, community, body, ctx.staff, now), ctx.lang))


@reader_route("GET", "/meetings/{meeting_id:int}", summary="一次联席会 / One joint meeting")
def meeting(ctx: Context) -> Response:
    community, meeting_id = community_of(ctx), ctx.params["meeting_id"]
    return 200, read(ctx, lambda s: views.meeting_view(
        meetings.get_meeting(s, meeting_id, community), ctx.lang))


# -- the co-building fund --------------------------------------------------------------------------

def _money(ctx: Context, rule: Callable, *args: Any) -> Response:
    """``rule(tx, community, *args, who, now) -> (entry, created)``: 201 for a new entry, 200
    for a request repeated with its idempotency key."""
    community, now = community_of(ctx), utcnow()

    def work(tx: Transaction) -> Response:
        entry, created = rule(tx, community, *args, ctx.staff, now)
        view = fund.entry_view(entry, ctx.lang)
        view["balance"] = fund.ledger_view(tx.session, community, ctx.lang)["balance"]
        return (201 if created else 200), view
    return write(ctx, work)


@reader_route("GET", "/fund", summary="共建基金账目 / The co-building fund's ledger")
def fund_ledger(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: fund.ledger_view(s, community, ctx.lang))


@staff_route("POST", "/fund/contributions", body=schemas.ContributionIn,
             summary="登记出资（同一幂等键只记一次）/ Record a contribution")
def contribute(ctx: Context, body: dict) -> Response:
    return _money(ctx, fund.contribute, _keyed(ctx, body))


@staff_route("POST", "/fund/payments", body=schemas.PaymentIn,
             summary="登记支出（不能超过余额）/ Record a payment (never beyond the balance)")
def pay(ctx: Context, body: dict) -> Response:
    return _money(ctx, fund.spend, _keyed(ctx, body))


@staff_route("POST", "/fund/entries/{entry_id:int}/reversal", body=schemas.ReversalIn,
             summary="冲正一笔账目 / Reverse an entry")
def reverse(ctx: Context, body: dict) -> Response:
    return _money(ctx, fund.reverse, ctx.params["entry_id"], _keyed(ctx, body))


@router.route("GET", "/fund/report", public=True,
              summary="共建基金公开账目 / The co-building fund's public report")
def public_report(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: fund.public_report(s, community, ctx.lang, now))


# -- figures and the record ------------------------------------------------------------------------

@reader_route("GET", "/figures", query=schemas.YearQuery,
              summary="数据：诉求、承诺、基金 / Figures: issues, commitments, the fund")
def figures(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: co_building_figures(s, community, ctx.query["year"], now,
                                                        ctx.lang))


@reader_route("GET", "/activity", query=schemas.ActivityQuery,
              summary="操作记录 / Who changed what, when")
def activity(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": views.history(s, community, q["entity"],
                                                            q["entity_id"])})
