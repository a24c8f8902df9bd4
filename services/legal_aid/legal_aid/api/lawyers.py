"""The volunteer lawyers (operators only)."""
from minzi.api import Context, Response, community_of, read, write
from minzi.envelope import utcnow

from .. import schemas
from ..domain import lawyers, views
from .common import staff_route


@staff_route("GET", "/lawyers", query=schemas.Query, summary="志愿律师 / Volunteer lawyers")
def list_lawyers(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [
        views.lawyer_view(lawyer)
        for lawyer in views.list_lawyers(s, community, include_inactive=True)]})


@staff_route("POST", "/lawyers", body=schemas.LawyerIn, summary="登记志愿律师 / Add a lawyer")
def add_lawyer(ctx: Context, body: dict) -> Response:
    community = community_of(ctx)
    return 201, write(ctx, lambda tx: views.lawyer_view(
        lawyers.add_lawyer(tx, community, body, ctx.actor, utcnow())))


@staff_route("PATCH", "/lawyers/{lawyer_id:int}", body=schemas.LawyerPatch,
             summary="修改律师信息 / Update a lawyer")
def update_lawyer(ctx: Context, body: dict) -> Response:
    community, lawyer_id = community_of(ctx), ctx.params["lawyer_id"]
    return 200, write(ctx, lambda tx: views.lawyer_view(
        lawyers.update_lawyer(tx, community, lawyer_id, body, ctx.actor, utcnow())))
