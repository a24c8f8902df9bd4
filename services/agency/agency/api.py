"""The agency's staff API, served by the gateway at /api/v1/programs/agency/…

Who may do what (``domain/access.py``):
* the public (no token): the items catalogue (what to bring, the steps, how long);
* the program's agents (program_staff / handler of ``agency``): the matters, residents' details
  in full; taking a matter, and — the agent who owns it only — its documents, steps, hand-off,
  resolving or returning it;
* an admin of the community: reads what the agents read, residents' details masked.
Every other caller gets 403; another community's matters are not found (404).

Each route checks who is asking, reads the clock once and hands the rules ``now``. Each step
done, and a matter taken, is reported to intake as ``in_progress`` in the same transaction.
"""
from collections.abc import Callable
from typing import Any

from minzi.api import Context, Response, Router, community_of, read, write
from minzi.envelope import utcnow
from minzi.store import Transaction

from . import schemas
from .domain import cases, catalogue, matters, views
from .domain.access import (
    OPERATOR_ROLES,
    READER_ROLES,
    is_operator,
    require_operator,
    require_reader,
)
from .domain.figures import figures as agency_figures

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


def agent_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A route that changes something: the program's agents only."""
    return _guarded(method, path, require_operator, OPERATOR_ROLES, **kwargs)


def reader_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A read for agents and admins (admins see residents' details masked)."""
    return _guarded(method, path, require_reader, READER_ROLES, **kwargs)


def _level(ctx: Context) -> str:
    return views.FULL if is_operator(ctx.staff) else views.MASKED


# -- the catalogue -------------------------------------------------------------------------------

@router.route("GET", "/items", public=True,
              summary="全程代理项目：所需材料和办理步骤 / The agency items: what to bring, "
                      "the steps")
def items(ctx: Context) -> Response:
    return 200, catalogue.catalogue(ctx.lang)


# -- matters -------------------------------------------------------------------------------------

@reader_route("GET", "/matters", query=schemas.MatterQuery,
              summary="代理事项（按项目、状态、代理员筛选）/ Matters, by item, stage, agent")
def list_matters(ctx: Context) -> Response:
    community, q, now = community_of(ctx), ctx.query, utcnow()
    return 200, read(ctx, lambda s: {"items": [
        views.summary_view(c, ctx.lang, now, _level(ctx)) for c in matters.list_matters(
            s, community, item=q["item"], stage_is=q["stage"], agent=q["agent"])]})


def _matter(ctx: Context, session, case) -> dict:
    return views.matter_view(session, case, ctx.lang, utcnow(), _level(ctx))


@reader_route("GET", "/matters/{case_id:int}",
              summary="一件代理事项：步骤、材料、同一电话的以往事项 / One matter")
def matter(ctx: Context) -> Response:
    return 200, read(ctx, lambda s: _matter(ctx, s, cases.get_case(s, ctx.params["case_id"],
                                                                   ctx.staff)))


def _reported(ctx: Context, rule: Callable, *args: Any) -> Response:
    """``rule(session, case_id, *args, who, now) -> report``: the report goes to intake in the
    same transaction; the answer is the matter as it now is."""
    now = utcnow()

    def work(tx: Transaction) -> dict:
        report = rule(tx.session, ctx.params["case_id"], *args, ctx.staff, now)
        case = cases.get_case(tx.session, ctx.params["case_id"], ctx.staff)
        tx.publish("case.reported", report, community=case.community)
        return _matter(ctx, tx.session, case)
    return 200, write(ctx, work)


def _changed(ctx: Context, rule: Callable, *args: Any) -> Response:
    now = utcnow()
    return 200, write(ctx, lambda tx: _matter(ctx, tx.session, rule(
        tx.session, ctx.params["case_id"], *args, ctx.staff, now)))


@agent_route("POST", "/matters/{case_id:int}/take", body=schemas.NoteIn,
             summary="接手，全程负责 / Take the matter and own it to the end")
def take(ctx: Context, body: dict) -> Response:
    return _reported(ctx, matters.take, body)


@agent_route("POST", "/matters/{case_id:int}/documents/{document}", body=schemas.NoteIn,
             summary="收到一份材料 / A document received")
def document(ctx: Context, body: dict) -> Response:
    return _changed(ctx, matters.receive_document, ctx.params["document"], body)


@agent_route("POST", "/matters/{case_id:int}/steps/{step}", body=schemas.StepIn,
             summary="完成下一步（不能跳步）/ The next step done (none skipped)")
def step(ctx: Context, body: dict) -> Response:
    return _reported(ctx, matters.complete_step, ctx.params["step"], body)


@agent_route("POST", "/matters/{case_id:int}/handoff", body=schemas.HandOffIn,
             summary="转交另一位代理员 / Hand the matter to another agent")
def hand_off(ctx: Context, body: dict) -> Response:
    return _changed(ctx, matters.hand_off, body)


@agent_route("POST", "/matters/{case_id:int}/resolve", body=schemas.ResolveIn,
             summary="办结并答复居民 / Resolve, with the reply for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    return _reported(ctx, lambda s, i, b, w, n: matters.finish(s, i, b, w, n, resolved=True),
                     body)


@agent_route("POST", "/matters/{case_id:int}/return", body=schemas.ReturnIn,
             summary="退回受理窗口（说明原因和去处）/ Return to intake, saying why and where")
def return_matter(ctx: Context, body: dict) -> Response:
    return _reported(ctx, lambda s, i, b, w, n: matters.finish(s, i, b, w, n, resolved=False),
                     body)


# -- figures -------------------------------------------------------------------------------------

@reader_route("GET", "/figures",
              summary="数据：按项目、状态、是否按时、按月 / Figures: by item, stage, on time, "
                      "month")
def figures(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: agency_figures(s, community, now, ctx.lang))
