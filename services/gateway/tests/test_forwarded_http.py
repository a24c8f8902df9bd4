"""Failed logins counted per client address behind the console, over real HTTP: the test's
gateway allows 5 failed logins a minute per address (3 per username: every try here uses a
username of its own). The tests reach the gateway from 127.0.0.1, as the console on the same
machine does."""
import pytest

from .test_limits_http import WRONG, bad_login

TRUSTING_THIS_MACHINE = {"TRUSTED_PROXIES": "127.0.0.1, ::1"}


@pytest.fixture
def gateway_settings(request):
    return getattr(request, "param", {})


@pytest.fixture
def logins(gateway):
    gateway.stage.answers[("intake", "api")] = bad_login(WRONG)
    return gateway


def log_in(web_session, username, password, client):
    return web_session.post("/api/v1/auth/token", headers={"X-Forwarded-For": client},
                            json={"username": username, "password": password})


def test_an_address_forwarded_by_an_untrusted_peer_is_not_believed(logins, web_session):
    """No proxy is trusted (the default): five failures, each claiming another address, are
    five failures of the peer's own address, which then waits."""
    for n in range(5):
        assert log_in(web_session, f"user{n}", "guess", f"198.51.100.{n + 1}").status_code == 401
    locked = log_in(web_session, "admin", "right-password", "198.51.100.99")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert len(logins.stage.asked("intake", "api")) == 5


@pytest.mark.parametrize("gateway_settings", [TRUSTING_THIS_MACHINE], indirect=True)
def test_behind_a_trusted_console_one_client_is_locked_out_and_another_is_not(logins,
                                                                             web_session):
    for n in range(5):
        assert log_in(web_session, f"user{n}", "guess", "198.51.100.7").status_code == 401
    # the client that failed five times waits, whichever username it tries now
    locked = log_in(web_session, "admin", "right-password", "198.51.100.7")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    # another browser behind the same console logs in
    assert log_in(web_session, "desk", "right-password", "198.51.100.8").status_code == 201
    # a header the first client wrote itself, the console's real one appended after it
    assert log_in(web_session, "desk", "right-password",
                  "198.51.100.8, 198.51.100.7").status_code == 429
    assert len(logins.stage.asked("intake", "api")) == 6
