"""Reception records and visitors (operators only: they hold residents' personal data)."""
from minzi.api import Context, Response, community_of, read, write
from minzi.envelope import utcnow

from .. import schemas
from ..domain import receptions, views
from .common import staff_route


@staff_route("GET", "/receptions", query=schemas.ReceptionQuery,
             summary="接待记录 / Reception records")
def list_receptions(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query

    def work(session):
        total, rows = views.list_receptions(
            session, community, day_from=q["date_from"], day_to=q["date_to"],
            area_of_law=q["area_of_law"], outcome=q["outcome"], limit=q["limit"],
            offset=q["offset"])
        return {"total": total, "items": [views.reception_view(r, ctx.lang) for r in rows]}
    return 200, read(ctx, work)


@staff_route("POST", "/receptions", body=schemas.ReceptionIn,
             summary="登记一次接待 / Record a reception")
def record_reception(ctx: Context, body: dict) -> Response:
    community = community_of(ctx)
    return 201, write(ctx, lambda tx: views.reception_page(tx.session, receptions.record_reception(
        tx, community, body, ctx.actor, utcnow()), ctx.lang))


@staff_route("GET", "/receptions/{reception_id:int}", summary="一条接待记录 / A reception record")
def reception(ctx: Context) -> Response:
    community, reception_id = community_of(ctx), ctx.params["reception_id"]
    return 200, read(ctx, lambda s: views.reception_page(
        s, receptions.get_reception(s, reception_id, community), ctx.lang, with_history=True))


@staff_route("PATCH", "/receptions/{reception_id:int}", body=schemas.ReceptionPatch,
             summary="更新接待结果 / Update a reception (e.g. pending -> solved)")
def update_reception(ctx: Context, body: dict) -> Response:
    community, reception_id = community_of(ctx), ctx.params["reception_id"]
    return 200, write(ctx, lambda tx: views.reception_view(receptions.update_reception(
        tx, community, reception_id, body, ctx.actor, utcnow()), ctx.lang))


@staff_route("GET", "/visitors", query=schemas.VisitorQuery, summary="来访者 / Visitors")
def visitors(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.visitor_view(v)
        for v in views.search_visitors(s, community, phone=q["phone"], name=q["name"])]})


@staff_route("GET", "/visitors/{visitor_id:int}",
             summary="来访者及其历次来访 / A visitor and all their visits")
def visitor(ctx: Context) -> Response:
    community, visitor_id = community_of(ctx), ctx.params["visitor_id"]
    return 200, read(ctx, lambda s: views.visitor_view(
        receptions.get_visitor(s, visitor_id, community), with_visits=True, lang=ctx.lang))
