"""The route matrix's judge: each kind of wrong answer fails, each right one passes."""
from datetime import UTC, datetime

import pytest

from minzi.api import Router
from minzi.route_matrix import (
    ANONYMOUS,
    OTHER,
    OWN,
    Door,
    caller_in,
    cells,
    check,
    seeding_moment,
    untabled,
)

OK = {"status": 200, "body": {"items": ["王芳的诉求"]}}
EMPTY = {"status": 200, "body": {"items": []}}


def refused(status, code="forbidden"):
    return {"status": status, "body": {"error": {"code": code}}}


CASE = Door("/cases/1", {"head"})
LIST = Door("/cases", {"head"}, reach="list")
CREATE = Door("/cases", {"head"}, body={"text": "漏水"}, reach="own")
NAMED = Door("/programs", {"admin"}, body={"communities": ["rainbow-city"]}, reach="named")
IN_BODY = Door("/doors", {"head"}, body={"building_id": 1}, reach="body")


def test_a_door_lets_in_whom_it_names():
    check(CASE, "head", OWN, OK, changed=True)
    check(CREATE, "head", OTHER, {"status": 201, "body": {}}, changed=True)
    check(LIST, "head", OTHER, EMPTY, changed=False, foreign=["王芳"])
    check(CASE, "head", OTHER, refused(404, "case_not_found"), changed=False)
    check(NAMED, "admin", OTHER, refused(403, "other_community"), changed=False)
    check(IN_BODY, "head", OTHER, refused(422, "unknown_building"), changed=False)


@pytest.mark.parametrize(("door", "caller", "community", "answer", "changed"), [
    (CASE, "clerk", OWN, OK, False),                              # let in
    (CASE, "clerk", OWN, refused(403), True),                     # refused, but changed
    (CASE, "clerk", OWN, refused(404), False),                    # 404 is not a refusal at home
    (CASE, ANONYMOUS, OWN, refused(403), False),                  # a stranger is 401
    (CASE, "clerk", OWN, {"status": 403, "body": {"error": {"code": ""}}}, False),
    (CASE, "head", OWN, refused(409, "conflict"), False),         # the allowed caller refused
    (CASE, "head", OTHER, OK, False),                             # another community's record
    (CASE, "head", OTHER, refused(404), True),
    (LIST, "head", OTHER, OK, False),                             # a list shows its words
    (NAMED, "admin", OTHER, {"status": 201, "body": {}}, True),
    (IN_BODY, "head", OTHER, refused(403), False),              # tells the building is there
    (IN_BODY, "head", OTHER, refused(422, "unknown_building"), True),
    (CASE, "clerk", OTHER, {"status": 404, "body": {"error": {"code": "x", "message": "王芳"}}},
     False),                                                      # a refusal that tells
])
def test_a_wrong_answer_fails(door, caller, community, answer, changed):
    with pytest.raises(AssertionError):
        check(door, caller, community, answer, changed=changed, foreign=["王芳"])


def test_a_refusal_may_repeat_what_the_caller_sent():
    door = Door("/programs/garden_club", {"admin"})
    check(door, "admin", OTHER, {"status": 404, "body": {"error": {
        "code": "unknown_program", "message": "没有登记项目 garden_club"}}},
        changed=False, foreign=["garden_club"])


def test_a_caller_of_another_community_may_also_find_nothing():
    check(CASE, "clerk", OTHER, refused(404, "case_not_found"), changed=False)
    check(CASE, "clerk", OTHER, refused(403), changed=False)
    check(CASE, ANONYMOUS, OWN, refused(401, "unauthenticated"), changed=False)


def test_every_route_needs_a_door_and_every_door_a_route():
    router = Router()
    router.route("GET", "/cases")(lambda ctx: (200, []))
    router.route("GET", "/cases/{case_id:int}")(lambda ctx: (200, {}))
    assert untabled(router, {"GET /cases": LIST, "POST /gone": CREATE}) == \
        (["GET /cases/{case_id:int}"], ["POST /gone"])


def test_an_anonymous_caller_knocks_once_everyone_else_from_both_communities():
    assert cells({"GET /cases": LIST}, ["head", ANONYMOUS]) == [
        ("GET /cases", "head", OWN), ("GET /cases", "head", OTHER),
        ("GET /cases", ANONYMOUS, OWN)]


def test_a_reach_nobody_knows_is_refused():
    with pytest.raises(ValueError, match="reach"):
        Door("/cases", {"head"}, reach="everywhere")


def test_a_caller_of_another_community_is_another_person_in_the_same_role():
    clerk = {"id": 12, "username": "qian", "name": "钱干事", "role": "handler",
             "community": "rainbow-city", "program_id": "hotline"}
    callers = {"handler": clerk, ANONYMOUS: None}
    assert caller_in(callers, "handler", OWN, elsewhere="maple-court") == clerk
    assert caller_in(callers, "handler", OTHER, elsewhere="maple-court") == {
        **clerk, "id": 112, "community": "maple-court"}
    assert caller_in(callers, ANONYMOUS, OTHER, elsewhere="maple-court") is None
    assert clerk["community"] == "rainbow-city"    # the table itself is left as it was


def test_a_seed_made_just_after_midnight_is_of_today():
    """At 00:15 in Beijing (16:15 UTC the day before) an hour earlier is yesterday: a clinic
    seeded for "today" would already be over when the doors are knocked on."""
    quarter_past_midnight = datetime(2026, 11, 30, 16, 15, tzinfo=UTC)
    assert seeding_moment(quarter_past_midnight) == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    mid_morning = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert seeding_moment(mid_morning) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
