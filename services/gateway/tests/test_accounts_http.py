"""Accounts at the gateway, over real HTTP: an account an admin opened does nothing but set its
own password (and see who it is) until it has; a password change or a logout stops the token at
once, not when the gateway's memory of it runs out."""
import pytest

from .conftest import bearer


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/cases"), ("POST", "/api/v1/cases"), ("GET", "/api/v1/staff"),
    ("GET", "/api/v1/programs/cat_fund/cats"), ("POST", "/api/v1/programs/legal_aid/lectures")])
def test_a_new_account_sets_its_password_before_anything_else(gateway, web_session, method,
                                                              path):
    response = web_session.request(method, path, json={}, headers={**bearer("new-token"),
                                                                   "Accept-Language": "en"})
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "password_change_required",
        "message": "Change your password first (POST /api/v1/auth/password)"}
    assert gateway.stage.asked("intake", "api") == []


def test_what_a_new_account_may_do(gateway, web_session):
    for path in ("/api/v1/me", "/api/v1/auth/password"):
        method = "GET" if path.endswith("/me") else "POST"
        assert web_session.request(method, path, json={"old_password": "a", "new_password": "b"},
                                   headers=bearer("new-token")).status_code == 200
    assert [args[0]["path"] for args, _ in gateway.stage.asked("intake", "api")] == \
        ["/me", "/auth/password"]


def test_after_a_password_change_or_a_logout_the_token_stops_at_once(gateway, web_session):
    tokens = {"desk-token": True}
    gateway.stage.answers[("intake", "authenticate")] = \
        lambda token: {"id": 2, "role": "receptionist", "community": "rainbow-city",
                       "must_change_password": False} if tokens.get(token) else None
    assert web_session.get("/api/v1/cases", headers=bearer("desk-token")).status_code == 200
    web_session.post("/api/v1/auth/password", headers=bearer("desk-token"),
                     json={"old_password": "a", "new_password": "bbbbbbbbbb"})
    tokens["desk-token"] = False       # intake revoked it
    assert web_session.get("/api/v1/cases", headers=bearer("desk-token")).status_code == 401

    tokens["lawyer-token"] = True
    assert web_session.get("/api/v1/cases", headers=bearer("lawyer-token")).status_code == 200
    out = web_session.post("/api/v1/auth/logout", headers=bearer("lawyer-token"))
    assert out.status_code == 200 and out.json() == {"logged_out": True}
    assert gateway.stage.asked("intake", "log_out") == [(("lawyer-token",), {})]
    tokens["lawyer-token"] = False
    assert web_session.get("/api/v1/cases", headers=bearer("lawyer-token")).status_code == 401
