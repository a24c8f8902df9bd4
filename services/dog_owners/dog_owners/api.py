"""dog_owners's staff API, served by the gateway at /api/v1/programs/dog_owners/…"""
from marshmallow import RAISE, Schema, fields, validate

from minzi.api import Context, Response, Router
from minzi.envelope import utcnow

from .domain import cases, views
from .domain.access import require_operator

router = Router()


class ResolveSchema(Schema):
    class Meta:
        unknown = RAISE

    result = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    reply = fields.String(load_default=None, validate=validate.Length(min=1, max=4000))


class ReturnSchema(Schema):
    class Meta:
        unknown = RAISE

    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))


@router.route("GET", "/cases", summary="收到的诉求 / Cases received")
def list_cases(ctx: Context) -> Response:
    require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        return 200, views.list_cases(session, ctx.staff["community"])


@router.route("GET", "/cases/{case_id:int}", summary="一件诉求 / One case")
def get_case(ctx: Context) -> Response:
    require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        return 200, views.case_view(cases.get_case(session, ctx.params["case_id"], ctx.staff))


def _finish(ctx: Context, resolved: bool, text: str, reply: str | None = None) -> Response:
    require_operator(ctx.staff)
    with ctx.service.store.transaction() as tx:
        case = cases.get_case(tx.session, ctx.params["case_id"], ctx.staff)
        report = cases.finish(case, ctx.staff, utcnow(), resolved=resolved, text=text,
                              reply=reply)
        tx.publish("case.reported", report, community=case.community)
        return 200, views.case_view(case)


@router.route("POST", "/cases/{case_id:int}/resolve", body=ResolveSchema,
              summary="办结并答复 / Resolve, with the answer for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    return _finish(ctx, True, body["result"], body.get("reply"))


@router.route("POST", "/cases/{case_id:int}/return", body=ReturnSchema,
              summary="退回（说明原因）/ Return, saying why")
def return_case(ctx: Context, body: dict) -> Response:
    return _finish(ctx, False, body["note"])
