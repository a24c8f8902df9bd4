"""Who may see members' data, and whose community a request is about."""
from types import SimpleNamespace

import pytest

from minzi.api import Context, DomainError
from minzi.testing import make_staff

from matchmaking.api import community_of
from matchmaking.domain.access import is_operator, require_operator

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


def test_each_refusal_tells_the_caller_why_in_their_language():
    def said(staff):
        with pytest.raises(DomainError) as err:
            require_operator(staff)
        return err.value.to_body("zh")["error"]["message"], err.value.to_body("en")["error"][
            "message"]
    assert not is_operator(None)
    assert said(None) == ("请先登录", "Log in first")
    assert said(make_staff("receptionist")) == (
        "只有红娘工作室的工作人员可以查看和办理",
        "Only the matchmaking studio's staff may see or do this")
    assert said({**ADMIN, "community": None}) == ("您的账号没有所属社区",
                                                  "Your account has no community")
