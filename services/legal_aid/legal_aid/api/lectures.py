"""Law lectures: the public reads them and registers; operators plan, change, cancel them and
take attendance."""
from minzi.api import Context, DomainError, Response, community_of, read, write
from minzi.envelope import utcnow

from .. import schemas
from ..domain import lectures, views
from ..domain.access import is_desk, is_operator
from .common import router, staff_route


@router.route("GET", "/lectures", public=True, query=schemas.LectureQuery,
              summary="普法讲座 / Law lectures")
def list_lectures(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.lecture_view(lecture, ctx.lang) for lecture in views.list_lectures(
            s, community, day_from=q["date_from"], day_to=q["date_to"], status=q["status"])]})


@router.route("GET", "/lectures/{lecture_id:int}", public=True, summary="讲座详情 / A lecture")
def lecture(ctx: Context) -> Response:
    community, lecture_id = community_of(ctx), ctx.params["lecture_id"]

    def work(session):
        item = lectures.get_lecture(session, lecture_id, community)
        view = views.lecture_view(item, ctx.lang)
        if is_operator(ctx.staff):
            view["registrations"] = [views.registration_view(r) for r in item.registrations]
        return view
    return 200, read(ctx, work)


@staff_route("POST", "/lectures", body=schemas.LectureIn, summary="安排讲座 / Plan a lecture")
def plan_lecture(ctx: Context, body: dict) -> Response:
    community = community_of(ctx)
    return 201, write(ctx, lambda tx: views.lecture_view(
        lectures.plan_lecture(tx, community, body, ctx.actor, utcnow()), ctx.lang))


@staff_route("PATCH", "/lectures/{lecture_id:int}", body=schemas.LecturePatch,
             summary="修改讲座 / Change a lecture")
def update_lecture(ctx: Context, body: dict) -> Response:
    community, lecture_id = community_of(ctx), ctx.params["lecture_id"]
    return 200, write(ctx, lambda tx: views.lecture_view(lectures.update_lecture(
        tx, community, lecture_id, body, ctx.actor, utcnow()), ctx.lang))


@staff_route("POST", "/lectures/{lecture_id:int}/cancel", body=schemas.Reason,
             summary="取消讲座 / Cancel a lecture")
def cancel_lecture(ctx: Context, body: dict) -> Response:
    community, lecture_id = community_of(ctx), ctx.params["lecture_id"]
    return 200, write(ctx, lambda tx: views.lecture_view(lectures.cancel_lecture(
        tx, community, lecture_id, body["reason"], ctx.actor, utcnow()), ctx.lang))


@staff_route("GET", "/lectures/{lecture_id:int}/registrations",
             summary="报名名单 / Who registered")
def registrations(ctx: Context) -> Response:
    community, lecture_id = community_of(ctx), ctx.params["lecture_id"]
    return 200, read(ctx, lambda s: {"items": [
        views.registration_view(r)
        for r in lectures.get_lecture(s, lecture_id, community).registrations]})


@router.route("POST", "/lectures/{lecture_id:int}/registrations", public=True,
              body=schemas.RegistrationIn, summary="报名参加讲座 / Register for a lecture")
def register(ctx: Context, body: dict) -> Response:
    lecture_id = ctx.params["lecture_id"]
    community = community_of(ctx) if ctx.staff else None

    def work(tx):
        registration = lectures.register(tx, lecture_id, body["name"], body["phone"], ctx.actor,
                                         utcnow(), community=community)
        return views.registration_view(registration, full=ctx.staff is not None, code=True)
    return 201, write(ctx, work)


@router.route("POST", "/lectures/{lecture_id:int}/registrations/{registration_id:int}/cancel",
              public=True, body=schemas.RegistrationCancel,
              summary="取消报名（候补自动递补）/ Cancel a registration (the waiting list moves up)")
def cancel_registration(ctx: Context, body: dict) -> Response:
    lecture_id, registration_id = ctx.params["lecture_id"], ctx.params["registration_id"]
    staff = is_desk(ctx.staff)
    if not staff and not body.get("code"):
        raise DomainError("code_required", "请填写报名时得到的取消码",
                          "Give the cancellation code you got when registering",
                          field="code", status=422)
    # as when registering: whoever is logged in works in their own community, with the code
    # unless they are the station's desk or the program's operators
    community = community_of(ctx) if ctx.staff else None

    def work(tx):
        registration, promoted = lectures.cancel_registration(
            tx, lecture_id, registration_id, ctx.actor, utcnow(), community=community,
            code=None if staff else body["code"])
        return {"registration": views.registration_view(registration, full=staff),
                "promoted": [views.registration_view(r, full=False) for r in promoted]}
    return 200, write(ctx, work)


@staff_route("POST", "/lectures/{lecture_id:int}/attendance", body=schemas.AttendanceIn,
             summary="登记出席 / Record attendance")
def attendance(ctx: Context, body: dict) -> Response:
    community, lecture_id = community_of(ctx), ctx.params["lecture_id"]

    def work(tx):
        item = lectures.record_attendance(tx, community, lecture_id, body, ctx.actor, utcnow())
        view = views.lecture_view(item, ctx.lang)
        view["registrations"] = [views.registration_view(r) for r in item.registrations]
        return view
    return 200, write(ctx, work)
