"""The dog-owners' association's staff API, served by the gateway at
/api/v1/programs/dog_owners/…

Who may do what (``domain/access.py``):
* the public (no token): the pledge in force (《彩虹城社区养犬人文明公约》);
* the association's own staff (program_staff / handler of ``dog_owners``): everything, phones in
  full;
* an admin of the community: reads what the staff read, phones masked.
Every other caller gets 403; another community's records are not found (404).

Each route checks who is asking, reads the clock once and hands the rules ``now``.
"""
from collections.abc import Callable
from typing import Any

from minzi.api import Context, Response, Router, community_of, read, write
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.store import Transaction

from . import schemas
from .domain import cases, dogs, members, officers, pledges, reminders, settings, views
from .domain.access import (
    OPERATOR_ROLES,
    READER_ROLES,
    is_operator,
    require_operator,
    require_reader,
)
from .domain.figures import figures as association_figures
from .models import Member

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
    """A route that changes something: the association's own staff only."""
    return _guarded(method, path, require_operator, OPERATOR_ROLES, **kwargs)


def reader_route(method: str, path: str, **kwargs: Any) -> Callable:
    """A read for the association's staff and admins (admins see phones masked)."""
    return _guarded(method, path, require_reader, READER_ROLES, **kwargs)


def _level(ctx: Context) -> str:
    return views.FULL if is_operator(ctx.staff) else views.MASKED


# -- settings and the pledge -----------------------------------------------------------------------

@reader_route("GET", "/settings", summary="本站执行的养犬规则 / The rules the station applies")
def get_settings(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"community": community, **settings.current(s, community)})


@staff_route("PUT", "/settings", body=schemas.SettingsIn,
             summary="修改本站养犬规则（每户限养只数、重点管理区、提前提醒天数）/ Change them")
def change_settings(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, write(ctx, lambda tx: {"community": community, **settings.change(
        tx, community, body, ctx.staff, now)})


@router.route("GET", "/pledge", public=True,
              summary="现行《彩虹城社区养犬人文明公约》/ The dog owners' pledge in force")
def pledge_in_force(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()

    def work(s) -> dict:
        pledge = pledges.in_force(s, community, now)
        if pledge is None:
            raise pledges.no_pledge()
        return views.pledge_view(pledge)
    return 200, read(ctx, work)


@reader_route("GET", "/pledges", summary="公约的各个版本 / The pledge's versions")
def list_pledges(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": [views.pledge_view(p)
                                               for p in pledges.list_pledges(s, community)]})


@staff_route("POST", "/pledges", body=schemas.PledgeIn,
             summary="发布公约的新版本 / Publish a version of the pledge")
def publish_pledge(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: views.pledge_view(
        pledges.publish(tx, community, body, ctx.staff, now)))


# -- members and their dogs ------------------------------------------------------------------------

@reader_route("GET", "/members", query=schemas.MemberQuery, summary="会员 / Members")
def list_members(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.member_view(m, ctx.lang, _level(ctx), s) for m in members.list_members(
            s, community, state=q["state"], household=q["household"])]})


def _member(ctx: Context, s, member: Member) -> dict:
    return views.member_record(s, member, ctx.lang, _level(ctx), utcnow())


@staff_route("POST", "/members", body=schemas.MemberIn,
             summary="入会：签署现行公约 / Join by signing the pledge in force")
def join(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: _member(ctx, tx.session, members.join(
        tx, community, body, ctx.staff, now)))


@reader_route("GET", "/members/{member_id:int}",
              summary="一位会员（犬只、签署的公约）/ A member, their dogs and pledges signed")
def member(ctx: Context) -> Response:
    community, member_id = community_of(ctx), ctx.params["member_id"]
    return 200, read(ctx, lambda s: _member(ctx, s, members.get_member(s, member_id, community)))


@staff_route("POST", "/members/{member_id:int}/signatures", body=schemas.SignIn,
             summary="签署公约新版本 / Sign the new version of the pledge")
def sign(ctx: Context, body: dict) -> Response:
    community, member_id, now = community_of(ctx), ctx.params["member_id"], utcnow()
    return 200, write(ctx, lambda tx: _member(ctx, tx.session, members.sign(
        tx, community, member_id, body, ctx.staff, now)))


@staff_route("POST", "/members/{member_id:int}/leave", body=schemas.NoteIn,
             summary="退会 / Leave the association")
def leave(ctx: Context, body: dict) -> Response:
    community, member_id, now = community_of(ctx), ctx.params["member_id"], utcnow()
    return 200, write(ctx, lambda tx: _member(ctx, tx.session, members.leave(
        tx, community, member_id, body, ctx.staff, now)))


def _dog(ctx: Context, s, dog) -> dict:
    return views.dog_record(s, dog, ctx.lang, _level(ctx), utcnow())


@staff_route("POST", "/members/{member_id:int}/dogs", body=schemas.DogIn,
             summary="登记会员的犬只（一户一犬、禁养大型犬和烈性犬）/ Register a member's dog")
def add_dog(ctx: Context, body: dict) -> Response:
    community, member_id, now = community_of(ctx), ctx.params["member_id"], utcnow()
    return 201, write(ctx, lambda tx: _dog(ctx, tx.session, dogs.add_dog(
        tx, community, member_id, body, ctx.staff, now)))


@reader_route("GET", "/dogs", query=schemas.DogQuery,
              summary="犬只（可只看证件有问题的）/ Dogs, or those flagged")
def list_dogs(ctx: Context) -> Response:
    community, q, now = community_of(ctx), ctx.query, utcnow()

    def work(s) -> dict:
        today, found = local_date(now), []
        for dog in dogs.list_dogs(s, community, state=q["state"]):
            if q["flagged"] is not None and bool(dogs.flags(dog, today)) != q["flagged"]:
                continue
            found.append(views.dog_view(dog, ctx.lang, now, s.get(Member, dog.member_id),
                                        _level(ctx)))
        return {"items": found}
    return 200, read(ctx, work)


@reader_route("GET", "/dogs/{dog_id:int}", summary="一只犬（免疫记录）/ A dog, its vaccinations")
def dog(ctx: Context) -> Response:
    community, dog_id = community_of(ctx), ctx.params["dog_id"]
    return 200, read(ctx, lambda s: _dog(ctx, s, dogs.get_dog(s, dog_id, community)))


def _dog_write(ctx: Context, rule: Callable, body: dict, status: int = 200) -> Response:
    community, dog_id, now = community_of(ctx), ctx.params["dog_id"], utcnow()

    def work(tx: Transaction) -> dict:
        rule(tx, community, dog_id, body, ctx.staff, now)
        return _dog(ctx, tx.session, dogs.get_dog(tx.session, dog_id, community))
    return status, write(ctx, work)


@staff_route("POST", "/dogs/{dog_id:int}/vaccinations", body=schemas.VaccinationIn,
             summary="登记狂犬疫苗接种 / Record a rabies vaccination")
def vaccinate(ctx: Context, body: dict) -> Response:
    return _dog_write(ctx, dogs.vaccinate, body, 201)


@staff_route("POST", "/dogs/{dog_id:int}/registration", body=schemas.RegistrationIn,
             summary="养犬登记证年检换证 / Renew the dog's registration")
def renew(ctx: Context, body: dict) -> Response:
    return _dog_write(ctx, dogs.renew_registration, body)


@staff_route("POST", "/dogs/{dog_id:int}/gone", body=schemas.GoneIn,
             summary="不再饲养（死亡、送养、迁出）/ No longer kept")
def gone(ctx: Context, body: dict) -> Response:
    return _dog_write(ctx, dogs.no_longer_kept, body)


# -- officers --------------------------------------------------------------------------------------

def _officer_views(ctx: Context, s, found) -> list[dict]:
    return [views.officer_view(o, s.get(Member, o.member_id), ctx.lang) for o in found]


@reader_route("GET", "/officers", summary="会长、副会长 / The officers")
def list_officers(ctx: Context) -> Response:
    community = community_of(ctx)
    return 200, read(ctx, lambda s: {"items": _officer_views(
        ctx, s, officers.list_officers(s, community))})


@staff_route("POST", "/officers", body=schemas.OfficerIn,
             summary="登记当选（会长1人、副会长2人）/ Record an election")
def elect(ctx: Context, body: dict) -> Response:
    community, now = community_of(ctx), utcnow()
    return 201, write(ctx, lambda tx: _officer_views(
        ctx, tx.session, [officers.elect(tx, community, body, ctx.staff, now)])[0])


@staff_route("POST", "/officers/{officer_id:int}/end", body=schemas.StepDownIn,
             summary="卸任 / Step down")
def step_down(ctx: Context, body: dict) -> Response:
    community, officer_id, now = community_of(ctx), ctx.params["officer_id"], utcnow()
    return 200, write(ctx, lambda tx: _officer_views(
        ctx, tx.session, [officers.step_down(tx, community, officer_id, body, ctx.staff,
                                             now)])[0])


# -- reminders -------------------------------------------------------------------------------------

@reader_route("GET", "/reminders", query=schemas.ReminderQuery,
              summary="到期提醒（狂犬疫苗、养犬登记证）/ Due reminders to call")
def list_reminders(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: {"items": views.reminder_views(
        s, reminders.list_reminders(s, community, state=ctx.query["state"]), ctx.lang,
        _level(ctx), now)})


@staff_route("POST", "/reminders/{reminder_id:int}/call", body=schemas.CalledIn,
             summary="已电话提醒犬主 / The owner was called")
def call(ctx: Context, body: dict) -> Response:
    community, reminder_id, now = community_of(ctx), ctx.params["reminder_id"], utcnow()
    return 200, write(ctx, lambda tx: views.reminder_views(tx.session, [reminders.called(
        tx, community, reminder_id, body, ctx.staff, now)], ctx.lang, _level(ctx), now)[0])


# -- complaints from intake ------------------------------------------------------------------------

@reader_route("GET", "/cases", query=schemas.CaseQuery, summary="居民投诉 / Complaints")
def list_cases(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": [
        views.case_view(s, c, ctx.lang, _level(ctx)) for c in cases.list_cases(
            s, community, service_code=q["service_code"], state=q["state"])]})


@reader_route("GET", "/cases/{case_id:int}", summary="一件投诉 / One complaint")
def case(ctx: Context) -> Response:
    return 200, read(ctx, lambda s: views.case_view(
        s, cases.get_case(s, ctx.params["case_id"], ctx.staff), ctx.lang, _level(ctx)))


def _case_write(ctx: Context, rule: Callable, body: dict) -> Response:
    now = utcnow()
    return 200, write(ctx, lambda tx: views.case_view(tx.session, rule(
        tx.session, ctx.params["case_id"], body, ctx.staff, now), ctx.lang, _level(ctx)))


@staff_route("POST", "/cases/{case_id:int}/link", body=schemas.LinkIn,
             summary="查明犬主（会员、犬只）/ Identify the owner and the dog")
def link(ctx: Context, body: dict) -> Response:
    return _case_write(ctx, cases.link, body)


@staff_route("POST", "/cases/{case_id:int}/talks", body=schemas.TalkIn,
             summary="记录与犬主的谈话（可给予警告）/ Record a talk with the owner")
def talk(ctx: Context, body: dict) -> Response:
    return _case_write(ctx, cases.talk, body)


def _finish(ctx: Context, body: dict, resolved: bool) -> Response:
    now = utcnow()

    def work(tx: Transaction) -> dict:
        report = cases.finish(tx.session, ctx.params["case_id"], body, ctx.staff, now,
                              resolved=resolved)
        found = cases.get_case(tx.session, ctx.params["case_id"], ctx.staff)
        tx.publish("case.reported", report, community=found.community)
        return views.case_view(tx.session, found, ctx.lang, _level(ctx))
    return 200, write(ctx, work)


@staff_route("POST", "/cases/{case_id:int}/resolve", body=schemas.ResolveIn,
             summary="办结并答复居民 / Resolve, with the reply for the resident")
def resolve(ctx: Context, body: dict) -> Response:
    return _finish(ctx, body, True)


@staff_route("POST", "/cases/{case_id:int}/return", body=schemas.ReturnIn,
             summary="退回（说明原因和去处）/ Return, saying why and where to go")
def return_case(ctx: Context, body: dict) -> Response:
    return _finish(ctx, body, False)


# -- figures and the record ------------------------------------------------------------------------

@reader_route("GET", "/figures", summary="数据：会员、犬只、免疫率、投诉 / Figures")
def figures(ctx: Context) -> Response:
    community, now = community_of(ctx), utcnow()
    return 200, read(ctx, lambda s: association_figures(s, community, now, ctx.lang))


@reader_route("GET", "/activity", query=schemas.ActivityQuery,
              summary="操作记录 / Who changed what, when")
def activity(ctx: Context) -> Response:
    community, q = community_of(ctx), ctx.query
    return 200, read(ctx, lambda s: {"items": views.history(s, community, q["entity"],
                                                            q["entity_id"])})
