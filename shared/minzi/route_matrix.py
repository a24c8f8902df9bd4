"""Who may use which route: every route of a service's staff API, knocked on by every kind of
caller, of the route's own community and of another, each answer checked.

A service's matrix test writes, by hand and from its rules (never read from the router's
``roles``), one ``Door`` per route: a request that succeeds for a caller who may use it, and who
those callers are. ``untabled`` shows a route nobody wrote a door for (a new route must say who
may use it); ``cells`` makes the pytest parameters; ``check`` judges one answer::

    DOORS = {"GET /cats/{cat_id:int}": Door("/cats/{cat}", allowed={"volunteer", "head"}), ...}

    def test_every_route_has_a_door():
        assert untabled(router, DOORS) == ([], [])

    @pytest.mark.parametrize(("route", "caller", "community"), cells(DOORS, CALLERS))
    def test_who_may_use_which_route(station, route, caller, community):
        door = DOORS[route]
        before = station.snapshot()
        answer = station.call(route, door, caller, community)
        check(door, caller, community, answer, changed=station.snapshot() != before,
              foreign=FIRST_COMMUNITYS_WORDS)

The first community ("own") holds the records the doors name; a caller of another community
("other") knocks on the same doors with the same ids.
"""
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .db import utcnow
from .localtime import local_date, local_start

OWN, OTHER = "own", "other"
ANONYMOUS = "anonymous"
# what an allowed caller of another community gets: see ``Door``
REACHES = {"record": 404, "named": 403, "body": 422, "list": None, "own": None}


def seeding_moment(now: datetime | None = None) -> datetime:
    """When a matrix's records were made: an hour before ``now``, but never before midnight in
    Beijing, so what the seed dates "today" (a clinic, a fair) is still today when the doors are
    knocked on. Seeded at a quarter past midnight, an hour ago would be yesterday's clinic, over."""
    now = now or utcnow()
    return max(now - timedelta(hours=1), local_start(local_date(now)))


@dataclass(frozen=True)
class Door:
    """One route as the matrix tries it.

    ``path`` (with ``body`` and ``query``) succeeds for an ``allowed`` caller of the first
    community: it names that community's records and carries a valid body. ``reach`` says what
    a caller of another community, of a role that may use the route, gets:

    - ``"record"``: the path names a record of the first community: 404, nothing changed;
    - ``"list"``: a list or figures of the caller's own community: 2xx, none of the first
      community's words in it;
    - ``"own"``: it acts in the caller's own community or on their own account: 2xx;
    - ``"named"``: the body names the first community: refused (403), nothing changed;
    - ``"body"``: the body names a record of the first community by its id: 422, as for an id
      that exists nowhere (which tells nothing), nothing changed.
    """
    path: str
    allowed: frozenset[str] = field(default_factory=frozenset)
    body: Any = None
    query: dict | None = None
    reach: str = "record"

    def __post_init__(self):
        object.__setattr__(self, "allowed", frozenset(self.allowed))
        if self.reach not in REACHES:
            raise ValueError(f"reach: {self.reach!r} is not one of {', '.join(REACHES)}")


def caller_in(callers: dict[str, dict | None], caller: str, community: str, *,
              elsewhere: str) -> dict | None:
    """``caller`` as tabled in ``callers`` (``None`` for the public) for the ``OWN`` community;
    for ``OTHER``, their twin of ``elsewhere``: another person (another id) in the same role of
    the same program. A matrix binds its table once:
    ``caller_in = partial(route_matrix.caller_in, CALLERS, elsewhere=MAPLE)``."""
    staff = callers[caller]
    if staff is None or community == OWN:
        return staff
    return {**staff, "id": staff["id"] + 100, "community": elsewhere}


def route_key(method: str, template: str) -> str:
    return f"{method.upper()} {template}"


def untabled(router, doors: dict[str, Door]) -> tuple[list[str], list[str]]:
    """(routes without a door, doors without a route), each sorted."""
    routes = {route_key(r.method, r.template) for r in router.routes}
    return sorted(routes - set(doors)), sorted(set(doors) - routes)


def cells(doors: dict[str, Door], callers: Iterable[str]) -> list[tuple[str, str, str]]:
    """Every (route, caller, community) to try; an anonymous caller belongs to no community and
    knocks once."""
    found = []
    for route in sorted(doors):
        for caller in callers:
            found.append((route, caller, OWN))
            if caller != ANONYMOUS:
                found.append((route, caller, OTHER))
    return found


def check(door: Door, caller: str, community: str, answer: dict, *, changed: bool,
          foreign: Iterable[str] = ()) -> None:
    """Judge one answer ``{"status", "body"}`` as the door says it should be:

    - a caller the door does not allow is refused (401 when not logged in, else 403; 404 also
      for a caller of another community) with an error code, and nothing changed;
    - an allowed caller of the first community succeeds (2xx);
    - an allowed caller of another community meets the door's ``reach``;
    - no refusal tells any of the first community's ``foreign`` words the caller did not send.
    """
    status, body = answer["status"], answer["body"]
    said = json.dumps(body, ensure_ascii=False)
    if not 200 <= status < 300:
        # a refusal may repeat what the caller sent (the id in the path), nothing more
        asked = door.path + json.dumps([door.body, door.query], ensure_ascii=False)
        leaked = [word for word in foreign if word in said and word not in asked]
        assert not leaked, f"{caller}'s refusal tells {leaked}: {said}"
    if caller not in door.allowed:
        # refused: as a stranger (401), for the role (403), or, of another community, also by
        # finding nothing there (404), which tells them nothing
        expected = {401} if caller == ANONYMOUS else {403} if community == OWN else {403, 404}
        assert status in expected and not changed, f"{caller} let in or changed: {said}"
        assert body["error"]["code"], said
    elif community == OWN or door.reach == "own":
        assert 200 <= status < 300, f"{caller} ({community}) refused: {status} {said}"
    elif REACHES[door.reach]:
        assert (status, changed) == (REACHES[door.reach], False), \
            f"{caller} of another community: {said}"
    else:
        assert 200 <= status < 300, f"{caller} of another community: {status} {said}"
        leaked = [word for word in foreign if word in said]
        assert not leaked, f"{caller} of another community read {leaked}: {said}"
