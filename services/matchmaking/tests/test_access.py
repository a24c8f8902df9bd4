"""Who may see members' data, and whose community a request is about."""
from types import SimpleNamespace

import pytest

from matchmaking.api import community_of
from matchmaking.domain.access import is_operator, require_operator
from minzi.api import Context, DomainError
from minzi.testing import make_staff

STUDIO = make_staff("program_staff", program_id="matchmaking")
HANDLER = make_staff("handler", program_id="matchmaking")
ADMIN = make_staff("admin")


def refusal(staff):
    with pytest.raises(DomainError) as err:
        require_operator(staff)
    return err.value.code, err.value.status


def test_the_studio_and_admins_may_see_members():
    for staff in (STUDIO, HANDLER, ADMIN):
        assert is_operator(staff)
        require_operator(staff)


def test_nobody_else_may():
    assert refusal(None) == ("unauthenticated", 401)
    assert refusal(make_staff("receptionist")) == ("not_program_staff", 403)
    assert refusal(make_staff("program_staff", program_id="legal_aid")) == (
        "not_program_staff", 403)
    assert refusal(make_staff("handler", program_id=None)) == ("not_program_staff", 403)
    assert refusal({**ADMIN, "community": None}) == ("no_community", 403)


def context(staff=None, query=None, communities=()):
    service = SimpleNamespace(program=SimpleNamespace(manifest={"communities": communities}))
    return Context(staff=staff, query=query or {}, params={}, service=service)


def test_staff_work_in_their_community_and_the_public_names_one():
    assert community_of(context(STUDIO, {"community": "maple-court"})) == "rainbow-city"
    assert community_of(context(None, {"community": "maple-court"})) == "maple-court"
    assert community_of(context(None, communities=["rainbow-city", "maple-court"])) == \
        "rainbow-city"
    with pytest.raises(DomainError) as err:
        community_of(context(None))
    assert (err.value.code, err.value.field, err.value.status) == (
        "community_required", "community", 422)
