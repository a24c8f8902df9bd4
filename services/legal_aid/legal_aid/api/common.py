"""What every route of the staff API shares: the router, whose community it is, a session or a
transaction, and routes for the program's operators or the station's front desk."""
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minzi.api import Conflict, Context, DomainError, Response, Router
from minzi.store import Transaction

from ..domain.access import DESK_ROLES, OPERATOR_ROLES, require_operator

router = Router()

T = TypeVar("T")


def community_of(ctx: Context) -> str:
    """Staff work in their own community; the public (and an admin) name one, or get the first
    community the program serves."""
    staff = ctx.staff or {}
    community = staff.get("community") or ctx.query.get("community")
    if not community:
        program = getattr(ctx.service, "program", None)
        communities = getattr(program, "manifest", {}).get("communities") or []
        community = communities[0] if communities else None
    if not community:
        raise DomainError("community_required", "请指定社区", "Say which community",
                          field="community", status=422)
    return community


def write(ctx: Context, work: Callable[[Transaction], T]) -> T:
    """Run ``work(tx)`` in one transaction (with its outbox); all of it commits, or none."""
    try:
        with ctx.service.store.transaction(community=(ctx.staff or {}).get("community")) as tx:
            return work(tx)
    except IntegrityError:
        raise Conflict("conflict", "刚刚有人同时修改了同一记录（例如同一时段被预约），请刷新后重试",
                       "Someone changed the same record at the same moment (e.g. booked the "
                       "same slot); refresh and try again") from None


def read(ctx: Context, work: Callable[[Session], T]) -> T:
    with ctx.service.store.session() as session:
        return work(session)


def staff_route(method: str, path: str, *, desk: bool = False,
                **kwargs: Any) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """A route for the program's operators (or, with ``desk``, also the station's front desk)."""
    def decorator(handler: Callable[..., Response]) -> Callable[..., Response]:
        def guarded(ctx: Context, *args: Any) -> Response:
            if not desk:
                require_operator(ctx.staff)
            return handler(ctx, *args)
        guarded.__name__ = handler.__name__
        router.route(method, path, roles=DESK_ROLES if desk else OPERATOR_ROLES,
                     **kwargs)(guarded)
        return handler
    return decorator
