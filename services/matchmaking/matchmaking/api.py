"""matchmaking's staff API, served by the gateway at /api/v1/programs/matchmaking/…"""
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from minzi.api import Router

from . import domain
from .models import ProgramCase

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
def list_cases(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        cases = session.scalars(select(ProgramCase).where(
            ProgramCase.community == ctx.staff["community"]).order_by(ProgramCase.case_id))
        return 200, [domain.case_view(c) for c in cases]


@router.route("GET", "/cases/{case_id}", summary="一件诉求 / One case")
def get_case(ctx):
    domain.require_operator(ctx.staff)
    with ctx.service.store.session() as session:
        return 200, domain.case_view(domain.get_case(session, int(ctx.params["case_id"]),
                                                     ctx.staff))


def _finish(ctx, resolved, text, reply=None):
    domain.require_operator(ctx.staff)
    with ctx.service.store.transaction() as tx:
        case = domain.get_case(tx.session, int(ctx.params["case_id"]), ctx.staff)
        report = domain.finish(case, ctx.staff, resolved=resolved, text=text, reply=reply)
        tx.publish("case.reported", report, community=case.community)
        return 200, domain.case_view(case)


@router.route("POST", "/cases/{case_id}/resolve", body=ResolveSchema,
              summary="办结并答复 / Resolve, with the answer for the resident")
def resolve(ctx, body):
    return _finish(ctx, True, body["result"], body.get("reply"))


@router.route("POST", "/cases/{case_id}/return", body=ReturnSchema,
              summary="退回（说明原因）/ Return, saying why")
def return_case(ctx, body):
    return _finish(ctx, False, body["note"])
