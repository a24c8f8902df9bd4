"""The volunteer grid's staff API, served by the gateway at /api/v1/programs/volunteer_grid/…

Who may do what (``domain/access.py``):
* the public (no token): the names of the commanders and of the zone and building heads;
* the grid's own staff (program_staff / handler of ``volunteer_grid``): everything, phones in
  full;
* an admin of the community: reads what the staff read, phones masked.
Every other caller gets 403; another community's records are not found (404).

Each route checks who is asking, reads the clock once and hands the rules ``now``.
"""
from collections.abc import Callable
from typing import Any

from minzi.api import Context, Response, Router, community_of, read, write
from minzi.envelope import utcnow
from minzi.store import Transaction

from . import schemas
from .domain import cases, duties, grid, posts, views, volunteers
from .domain.access import (
    OPERATOR_ROLES,
    READER_ROLES,
    is_operator,
    require_operator,
    require_reader,
)
from .domain.figures import figures as grid_figures
from .domain.figures import hours_by_volunteer
from .models import Building, Door, Zone

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
    """A route that changes something: the grid's own staff only."""
    return _guarded(method, path, require_operator, OPERATOR_ROLES, **kwargs)


def reader_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A read for the grid's staff and admins (admins see phones masked)."""
    return _guarded(method, path, require_reader, READER_ROLES, **kwargs)


def _seen(ctx: Context) -> str:
    return views.FULL if is_operator(ctx.staff) else views.MASKED


# -- the grid ------------------------------------------------------------------------------------

@reader_route("GET", "/grid", summary="网格：总指挥、小区、楼、楼门及负责人 / The whole grid")
def whole_grid(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: views.grid_view(s, community, _seen(ctx)))


@reader_route("GET", "/zones", summary="小区与区长 / Zones and their heads")
def list_zones(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [views.zone_view(s, z, _seen(ctx))
                                               for z in grid.zones(s, community)]})


@staff_route("POST", "/zones", body=schemas.ZoneIn, summary="新建小区 / Add a zone")
def add_zone(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.zone_view(
        tx.session, grid.add_zone(tx, community, body, ctx.staff, now), _seen(ctx)))


@reader_route("GET", "/buildings", query=schemas.GridQuery,
              summary="楼与楼长 / Buildings and their heads")
def list_buildings(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [
        views.building_view(s, b, _seen(ctx))
        for b in grid.buildings(s, community, ctx.query["zone_id"])]})


@staff_route("POST", "/buildings", body=schemas.BuildingIn, summary="新建楼 / Add a building")
def add_building(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.building_view(
        tx.session, grid.add_building(tx, community, body, ctx.staff, now), _seen(ctx)))


@reader_route("GET", "/doors", query=schemas.GridQuery,
              summary="楼门与楼门长 / Doors and their heads")
def list_doors(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [
        views.door_view(s, d, _seen(ctx))
        for d in grid.doors(s, community, ctx.query["building_id"])]})


@staff_route("POST", "/doors", body=schemas.DoorIn, summary="新建楼门 / Add a door")
def add_door(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.door_view(
        tx.session, grid.add_door(tx, community, body, ctx.staff, now), _seen(ctx)))


def _place_page(model: type, view: Callable, level: str) -> Callable:
    def page(ctx: Context) -> Response:
        community, place_id = community_of(ctx), ctx.params["id"]

        def work(s) -> dict:
            place = grid.get_place(s, model, community, place_id)
            held = [views.post_view(s, p, ctx.lang, _seen(ctx))
                    for p in posts.history(s, community, level, place.id)]
            extra = {}
            if level == "zone_head":
                extra["deputy_history"] = [
                    views.post_view(s, p, ctx.lang, _seen(ctx))
                    for p in posts.history(s, community, "deputy_zone_head", place.id)]
            return {**view(s, place, _seen(ctx)), "history": held, **extra}
        return 200, read(ctx, work)
    return page


for _path, _model, _view, _level, _words in (
        ("/zones/{id:int}", Zone, views.zone_view, "zone_head", "一个小区及历任区长 / A zone"),
        ("/buildings/{id:int}", Building, views.building_view, "building_head",
         "一座楼及历任楼长 / A building"),
        ("/doors/{id:int}", Door, views.door_view, "door_head", "一个楼门及历任楼门长 / A door")):
    _handler = _place_page(_model, _view, _level)
    _handler.__name__ = f"{_model.__tablename__}_page"
    reader_route("GET", _path, summary=_words)(_handler)


# -- posts -----------------------------------------------------------------------------------------

@reader_route("GET", "/command", summary="正副总指挥 / The commander and deputies")
def command(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: views.command_view(s, community, _seen(ctx)))


@reader_route("GET", "/posts", query=schemas.PostQuery,
              summary="一个职务的历任（含现任）/ Everyone who held a post")
def post_history(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.post_view(s, p, ctx.lang, _seen(ctx))
        for p in posts.history(s, community, q["level"], q["place_id"])]})


@staff_route("POST", "/posts", body=schemas.AppointIn,
             summary="任命或更换（区长、楼长、楼门长……）/ Appoint, or replace the holder")
def appoint(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.post_view(
        tx.session, posts.appoint(tx, community, body, ctx.staff, now), ctx.lang, _seen(ctx)))


@staff_route("POST", "/posts/{post_id:int}/end", body=schemas.StepDownIn,
             summary="卸任（暂无接任者）/ Step down, no successor yet")
def step_down(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, write(ctx, lambda tx: views.post_view(tx.session, posts.step_down(
        tx, community, ctx.params["post_id"], body, ctx.staff, now), ctx.lang, _seen(ctx)))


# -- volunteers ------------------------------------------------------------------------------------

@reader_route("GET", "/volunteers", query=schemas.VolunteerQuery,
              summary="志愿者名册 / The roster of volunteers")
def list_volunteers(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.volunteer_view(s, v, ctx.lang, _seen(ctx)) for v in volunteers.list_volunteers(
            s, community, zone_id=q["zone_id"], building_id=q["building_id"],
            active=q["active"], skill=q["skill"])]})


@staff_route("POST", "/volunteers", body=schemas.VolunteerIn,
             summary="登记志愿者 / Add a volunteer")
def add_volunteer(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.volunteer_view(
        tx.session, volunteers.add_volunteer(tx, community, body, ctx.staff, now), ctx.lang,
        _seen(ctx)))


@reader_route("GET", "/volunteers/{volunteer_id:int}",
              summary="一位志愿者：任职、值勤、时长 / A volunteer, their posts, duties, time")
def volunteer(ctx: Context) -> Response:
    community, volunteer_id = community_of(ctx), ctx.params["volunteer_id"]
    return 200, read(ctx, lambda s: views.volunteer_view(
        s, volunteers.get_volunteer(s, community, volunteer_id), ctx.lang, _seen(ctx),
        full=True))


@staff_route("PATCH", "/volunteers/{volunteer_id:int}", body=schemas.VolunteerChange,
             summary="修改志愿者信息 / Change a volunteer's details")
def change_volunteer(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, write(ctx, lambda tx: views.volunteer_view(tx.session, volunteers.update_volunteer(
        tx, community, ctx.params["volunteer_id"], body, ctx.staff, now), ctx.lang, _seen(ctx),
        full=True))


@staff_route("POST", "/volunteers/{volunteer_id:int}/active", body=schemas.ActiveIn,
             summary="在岗或离岗 / Active or not")
def set_active(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, write(ctx, lambda tx: views.volunteer_view(tx.session, volunteers.set_active(
        tx, community, ctx.params["volunteer_id"], body["active"], body.get("note"), ctx.staff,
        now), ctx.lang, _seen(ctx), full=True))


# -- duties and hours ------------------------------------------------------------------------------

@reader_route("GET", "/duties", query=schemas.DutyQuery, summary="值勤任务 / Duties")
def list_duties(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.duty_view(s, d, ctx.lang)
        for d in duties.list_duties(s, community, zone_id=q["zone_id"], month=q["month"])]})


@staff_route("POST", "/duties", body=schemas.DutyIn, summary="安排值勤任务 / Plan a duty")
def add_duty(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.duty_view(
        tx.session, duties.add_duty(tx, community, body, ctx.staff, now), ctx.lang, full=True))


@reader_route("GET", "/duties/{duty_id:int}", summary="一项值勤任务 / One duty")
def duty(ctx: Context) -> Response:
    community, duty_id = community_of(ctx), ctx.params["duty_id"]
    return 200, read(ctx, lambda s: views.duty_view(s, duties.get_duty(s, community, duty_id),
                                                    ctx.lang, full=True))


def _duty_write(ctx: Context, rule: Callable, body: dict) -> Response:
    community, now, duty_id = community_of(ctx), utcnow(), ctx.params["duty_id"]

    def work(tx: Transaction) -> dict:
        rule(tx, community, duty_id, body, ctx.staff, now)
        return views.duty_view(tx.session, duties.get_duty(tx.session, community, duty_id),
                               ctx.lang, full=True)
    return 200, write(ctx, work)


@staff_route("POST", "/duties/{duty_id:int}/assignments", body=schemas.AssignIn,
             summary="安排志愿者 / Assign volunteers")
def assign(ctx: Context, body: dict) -> Response:
    return _duty_write(ctx, duties.assign, body)


@staff_route("POST", "/duties/{duty_id:int}/minutes", body=schemas.MinutesIn,
             summary="登记服务时长（分钟）/ Record the minutes served")
def record_minutes(ctx: Context, body: dict) -> Response:
    return _duty_write(ctx, duties.record_minutes, body)


@reader_route("GET", "/hours", query=schemas.MonthQuery,
              summary="志愿者服务时长 / Time served, by volunteer")
def hours(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"month": ctx.query["month"], "items": hours_by_volunteer(
        s, community, ctx.query["month"])})


# -- cases from intake -----------------------------------------------------------------------------

@reader_route("GET", "/cases", query=schemas.CaseQuery, summary="收到的诉求 / Cases received")
def list_cases(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [
        views.case_view(c, ctx.lang, _seen(ctx))
        for c in views.list_cases(s, community, ctx.query["state"])]})


@reader_route("GET", "/cases/{case_id:int}", summary="一件诉求 / One case")
def case(ctx: Context) -> Response:
    return 200, read(ctx, lambda s: views.case_view(
        cases.get_case(s, ctx.params["case_id"], ctx.staff), ctx.lang, _seen(ctx)))


def _case_write(ctx: Context, work: Callable[[Transaction], dict | None]) -> Response:
    """``work(tx)`` returns the report for intake, if the case is finished."""
    case_id = ctx.params["case_id"]

    def run(tx: Transaction) -> dict:
        report = work(tx)
        found = cases.get_case(tx.session, case_id, ctx.staff)
        if report is not None:
            tx.publish("case.reported", report, community=found.community)
        return views.case_view(found, ctx.lang, _seen(ctx))
    return 200, write(ctx, run)


@staff_route("POST", "/cases/{case_id:int}/enrolment", body=schemas.EnrolIn,
             summary="报名登记为志愿者并答复 / Enrol the resident, and answer them")
def enrol(ctx: Context, body: dict) -> Response:
    now = utcnow()
    return _case_write(ctx, lambda tx: cases.enrol(tx, ctx.params["case_id"], body, ctx.staff,
                                                   now)[1])


@staff_route("POST", "/cases/{case_id:int}/forwarding", body=schemas.ForwardIn,
             summary="转给楼长 / Forward to the building head")
def forward(ctx: Context, body: dict) -> Response:
    now = utcnow()
    return _case_write(ctx, lambda tx: cases.forward(tx, ctx.params["case_id"], body,
                                                     ctx.staff, now) and None)


@staff_route("POST", "/cases/{case_id:int}/progress", body=schemas.NoteIn,
             summary="办理进展 / Progress")
def progress(ctx: Context, body: dict) -> Response:
    now = utcnow()
    return _case_write(ctx, lambda tx: cases.progress(tx, ctx.params["case_id"], body,
                                                      ctx.staff, now) and None)


@staff_route("POST", "/cases/{case_id:int}/resolve", body=schemas.ResolveIn,
             summary="办结并答复 / Resolve, with the answer for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    now = utcnow()
    return _case_write(ctx, lambda tx: cases.finish(tx, ctx.params["case_id"], body, ctx.staff,
                                                    now, resolved=True))


@staff_route("POST", "/cases/{case_id:int}/return", body=schemas.ReturnIn,
             summary="退回（说明原因）/ Return, saying why")
def return_case(ctx: Context, body: dict) -> Response:
    now = utcnow()
    return _case_write(ctx, lambda tx: cases.finish(tx, ctx.params["case_id"], body, ctx.staff,
                                                    now, resolved=False))


# -- figures, the record, the public page ----------------------------------------------------------

@reader_route("GET", "/figures", query=schemas.MonthQuery,
              summary="数据：志愿者、各级负责人、服务时长 / Figures")
def figures(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: grid_figures(s, community, ctx.lang, ctx.query["month"]))


@reader_route("GET", "/activity", query=schemas.ActivityQuery,
              summary="操作记录 / Who changed what, when")
def activity(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": views.history(s, community, q["entity"],
                                                            q["entity_id"])})


@router.route("GET", "/public/heads", public=True,
              summary="各小区区长、楼长（只有姓名）/ Who heads each zone and building (names)")
def public_heads(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: views.public_heads(s, community))
