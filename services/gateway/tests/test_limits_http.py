"""What the gateway holds back before intake is troubled, over real HTTP: repeated failed logins
(per username and per address, answered 429 with Retry-After), Open311 requests beyond a
phone's or an api_key's share (each would text a receipt), and bodies over the size limit. The
test gateway's limits: 3 failed logins a minute per user, 5 per address; 2 Open311 requests an
hour per phone, 4 a minute per key; bodies up to 4096 bytes."""
import pytest

from .conftest import ADMIN


def bad_login(intake_answer):
    def answer(request, request_key=None):
        if request["body"].get("password") == "right-password":
            return {"status": 201, "body": {"token": "t", "staff": ADMIN}}
        return intake_answer
    return answer


WRONG = {"status": 401,
         "body": {"error": {"code": "bad_credentials", "message": "用户名或密码不对"}}}


@pytest.fixture
def logins(gateway):
    gateway.stage.answers[("intake", "api")] = bad_login(WRONG)
    return gateway


def test_a_username_that_failed_three_times_waits_whoever_types(logins, web_session):
    for _ in range(3):
        response = web_session.post("/api/v1/auth/token",
                                    json={"username": "admin", "password": "guess"})
        assert response.status_code == 401
    locked = web_session.post("/api/v1/auth/token?lang=en",
                              json={"username": "admin", "password": "right-password"})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert 1 <= int(locked.headers["Retry-After"]) <= 60
    # intake was asked three times, not a fourth
    assert len(logins.stage.asked("intake", "api")) == 3
    # another username from the same address may still log in
    assert web_session.post("/api/v1/auth/token",
                            json={"username": "desk", "password": "right-password"}
                            ).status_code == 201


def test_an_address_that_failed_five_times_waits_for_every_username(logins, web_session):
    for n in range(5):
        web_session.post("/api/v1/auth/token", json={"username": f"user{n}", "password": "x"})
    response = web_session.post("/api/v1/auth/token",
                                json={"username": "admin", "password": "right-password"})
    assert response.status_code == 429
    assert len(logins.stage.asked("intake", "api")) == 5


def test_successful_logins_are_not_counted(logins, web_session):
    for _ in range(6):
        assert web_session.post("/api/v1/auth/token",
                                json={"username": "admin", "password": "right-password"}
                                ).status_code == 201


def open311_post(web_session, phone, key="key-1"):
    return web_session.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "legal_consultation", "description": "求助",
        "phone": phone})


def test_open311_requests_are_limited_per_phone_and_per_key(gateway, web_session):
    assert [open311_post(web_session, "138-0000-1111").status_code,
            open311_post(web_session, "13800001111").status_code] == [200, 200]
    third = open311_post(web_session, "+86 138 0000 1111")       # the same phone, written apart
    assert third.status_code == 429 and int(third.headers["Retry-After"]) > 0
    assert third.json()[0]["description"].startswith("提交太频繁，请 ")
    assert len(gateway.stage.asked("intake", "open311")) == 2
    # the key's share: 4 a minute, whichever phones
    assert [open311_post(web_session, phone).status_code
            for phone in ("13900000001", "13900000002", "13900000003")] == [200, 200, 429]
    assert open311_post(web_session, "13900000004", key="key-2").status_code == 200


def test_a_body_over_the_limit_is_refused_before_it_is_read(gateway, web_session):
    big = {"description": "楼" * 3000}
    response = web_session.post("/api/v1/cases", json=big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
    response = web_session.post("/open311/v2/requests.json",
                                data={"api_key": "k", "description": "x" * 5000})
    assert response.status_code == 413
    assert response.json()[0]["description"].startswith("请求内容过大（上限 ")
    response = web_session.post("/open311/v2/requests.json?lang=en",
                                data={"api_key": "k", "description": "x" * 5000})
    assert response.json()[0]["description"].startswith("The request body is too large (at most ")
    assert gateway.stage.asked("intake", "api") == []
    assert gateway.stage.asked("intake", "open311") == []
