"""Consultation days: the public sees the free slots; operators open days and add or remove
lawyers' slots; the front desk books residents in and cancels bookings."""
from minzi.api import Context, Response, community_of, read, write
from minzi.envelope import utcnow

from .. import schemas
from ..domain import bookings, consultations, views
from ..domain.access import is_operator, level
from .common import router, staff_route


@router.route("GET", "/consultation-days", public=True, query=schemas.PeriodQuery,
              summary="法律接待咨询日 / Consultation days")
def days(ctx: Context) -> Response:
    community, q, seen_as = community_of(ctx), ctx.query, level(ctx.staff)
    return 200, read(ctx, lambda s: {"items": [
        views.day_view(s, d, level=seen_as) for d in views.list_days(
            s, community, day_from=q["date_from"], day_to=q["date_to"])]})


@router.route("GET", "/consultation-days/{day_id:int}", public=True,
              summary="咨询日与时段 / A consultation day and its slots")
def day(ctx: Context) -> Response:
    community, day_id, seen_as = community_of(ctx), ctx.params["day_id"], level(ctx.staff)
    return 200, read(ctx, lambda s: views.day_view(s, consultations.get_day(s, day_id, community),
                                                   level=seen_as))


@staff_route("POST", "/consultation-days", body=schemas.DayIn,
             summary="开设咨询日（可同时排时段）/ Open a consultation day")
def open_day(ctx: Context, body: dict) -> Response:
    community = community_of(ctx)
    return 201, write(ctx, lambda tx: views.day_view(
        tx.session, consultations.open_day(tx, community, body, ctx.actor, utcnow()),
        level="operator"))


@staff_route("POST", "/consultation-days/{day_id:int}/slots", body=schemas.SlotsIn,
             summary="为律师排时段 / Add lawyers' slots")
def add_slots(ctx: Context, body: dict) -> Response:
    community, day_id = community_of(ctx), ctx.params["day_id"]

    def work(tx):
        consultations.add_slots(tx, community, day_id, body["slots"], ctx.actor, utcnow())
        return views.day_view(tx.session, consultations.get_day(tx.session, day_id, community),
                              level="operator")
    return 201, write(ctx, work)


@staff_route("DELETE", "/consultation-days/{day_id:int}/slots/{slot_id:int}",
             summary="删除未被预约过的时段 / Remove an unbooked slot")
def remove_slot(ctx: Context) -> Response:
    community, day_id, slot_id = community_of(ctx), ctx.params["day_id"], ctx.params["slot_id"]

    def work(tx):
        consultations.remove_slot(tx, community, day_id, slot_id, ctx.actor, utcnow())
        tx.session.flush()
        tx.session.expire_all()
        return views.day_view(tx.session, consultations.get_day(tx.session, day_id, community),
                              level="operator")
    return 200, write(ctx, work)


@staff_route("POST", "/consultation-days/{day_id:int}/bookings", desk=True,
             body=schemas.BookingIn, summary="预约咨询时段 / Book a slot for a resident")
def book(ctx: Context, body: dict) -> Response:
    community, day_id = community_of(ctx), ctx.params["day_id"]
    return 201, write(ctx, lambda tx: views.booking_view(
        bookings.book(tx, community, day_id, body, ctx.actor, utcnow()),
        full=is_operator(ctx.staff)))


@staff_route("POST", "/consultation-days/{day_id:int}/walk-ins", body=schemas.WalkInIn,
             summary="登记现场来访 / Record a walk-in")
def walk_in(ctx: Context, body: dict) -> Response:
    community, day_id = community_of(ctx), ctx.params["day_id"]
    return 201, write(ctx, lambda tx: views.booking_view(
        bookings.record_walk_in(tx, community, day_id, body, ctx.actor, utcnow())))


@staff_route("POST", "/bookings/{booking_id:int}/cancel", desk=True, body=schemas.Reason,
             summary="取消预约（释放时段）/ Cancel a booking (frees the slot)")
def cancel_booking(ctx: Context, body: dict) -> Response:
    community, booking_id = community_of(ctx), ctx.params["booking_id"]
    return 200, write(ctx, lambda tx: views.booking_view(bookings.cancel_booking(
        tx, community, booking_id, body["reason"], ctx.actor, utcnow()),
        full=is_operator(ctx.staff)))
