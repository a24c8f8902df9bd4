"""The reference lists and the program's figures: public."""
from minzi.api import Context, Response, community_of, read

from .. import schemas
from ..domain import figures, views
from ..domain.codes import AREAS_OF_LAW, OUTCOMES
from .common import router


@router.route("GET", "/areas-of-law", public=True, summary="法律领域 / Areas of law")
def areas_of_law(ctx: Context) -> Response:
    return 200, {"items": views.codes(AREAS_OF_LAW, ctx.lang)}


@router.route("GET", "/outcomes", public=True, summary="接待结果代码 / Outcome codes")
def outcomes(ctx: Context) -> Response:
    return 200, {"items": views.codes(OUTCOMES, ctx.lang)}


@router.route("GET", "/figures", public=True, query=schemas.PeriodQuery,
              summary="工作数据（按法律领域、按月）/ The program's figures")
def show_figures(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: figures.figures(s, community, q["date_from"], q["date_to"],
                                                    lang=ctx.lang))
