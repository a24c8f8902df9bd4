"""What every route of the staff API shares: the router, and routes for the program's operators
or the station's front desk. Whose community it is, a session and a transaction come from
``minzi.api`` (``community_of``, ``read``, ``write``)."""
from collections.abc import Callable
from typing import Any

from minzi.api import Context, Response, Router

from ..domain.access import DESK_ROLES, OPERATOR_ROLES, require_desk, require_operator

router = Router()


def staff_route(method: str, path: str, *, desk: bool = False,
                **kwargs: Any) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """A route for the program's operators (or, with ``desk``, also the station's front desk)."""
    def decorator(handler: Callable[..., Response]) -> Callable[..., Response]:
        def guarded(ctx: Context, *args: Any) -> Response:
            (require_desk if desk else require_operator)(ctx.staff)
            return handler(ctx, *args)
        guarded.__name__ = handler.__name__
        router.route(method, path, roles=DESK_ROLES if desk else OPERATOR_ROLES,
                     **kwargs)(guarded)
        return handler
    return decorator
