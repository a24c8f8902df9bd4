"""The cases intake routed here, and the activity record (operators only)."""
from minzi.api import Context, Response, community_of, read, write
from minzi.envelope import utcnow

from .. import schemas
from ..domain import cases, views
from .common import staff_route


@staff_route("GET", "/cases", query=schemas.CaseQuery, summary="转来的案件 / Cases from intake")
def list_cases(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.case_view(c, ctx.lang) for c in views.list_cases(s, community, status=q["status"])]})


@staff_route("GET", "/cases/{case_id:int}", summary="案件详情与经过 / A case and its history")
def case(ctx: Context) -> Response:
    community, case_id = community_of(ctx), ctx.params["case_id"]
    return 200, read(ctx, lambda s: views.case_view(cases.get_case(s, case_id, community),
                                                    ctx.lang, session=s))


@staff_route("POST", "/cases/{case_id:int}/book", body=schemas.CaseBookIn,
             summary="为案件预约咨询日 / Book the case into a consultation day")
def book_case(ctx: Context, body: dict) -> Response:
    community, case_id = community_of(ctx), ctx.params["case_id"]

    def work(tx):
        item, booking = cases.book_case(tx, community, case_id, body, ctx.actor, utcnow())
        return {"case": views.case_view(item, ctx.lang), "booking": views.booking_view(booking)}
    return 201, write(ctx, work)


@staff_route("POST", "/cases/{case_id:int}/notes", body=schemas.CaseNoteIn,
             summary="进展说明（告知受理窗口）/ A progress note (sent to intake)")
def note_case(ctx: Context, body: dict) -> Response:
    community, case_id = community_of(ctx), ctx.params["case_id"]
    return 200, write(ctx, lambda tx: views.case_view(cases.note_case(
        tx, community, case_id, body["note"], ctx.actor, utcnow()), ctx.lang))


@staff_route("POST", "/cases/{case_id:int}/resolve", body=schemas.CaseResolveIn,
             summary="办结并回复 / Resolve the case and report the result")
def resolve_case(ctx: Context, body: dict) -> Response:
    community, case_id = community_of(ctx), ctx.params["case_id"]
    return 200, write(ctx, lambda tx: views.case_view(cases.resolve_case(
        tx, community, case_id, body, ctx.actor, utcnow()), ctx.lang))


@staff_route("POST", "/cases/{case_id:int}/return", body=schemas.CaseNoteIn,
             summary="退回案件（说明原因与去处）/ Return the case with a note")
def return_case(ctx: Context, body: dict) -> Response:
    community, case_id = community_of(ctx), ctx.params["case_id"]
    return 200, write(ctx, lambda tx: views.case_view(cases.return_case(
        tx, community, case_id, body["note"], ctx.actor, utcnow()), ctx.lang))


@staff_route("GET", "/activity", query=schemas.ActivityQuery,
             summary="操作记录 / Who changed what, when")
def activity(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.activity_view(a) for a in views.history(s, community, q["entity"], q["entity_id"])]})
