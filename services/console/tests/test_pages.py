"""The console's own pieces, with its werkzeug application and the gateway faked at the HTTP
boundary (a requests transport answering from a small WSGI app): CSRF, cookies, escaping,
language, security headers, and that residents' pages never carry a staff token."""
import io
import re

import pytest
import requests
from requests.adapters import BaseAdapter
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from console.app import Console
from console.gateway import Gateway

ORIGIN = "https://console.test"
STAFF = {"id": 7, "username": "wang", "name": "王接待", "role": "receptionist",
         "role_label": "接待员", "community": "rainbow-city", "program_id": None,
         "must_change_password": False}


class FakeGateway:
    """The few routes these tests need, answering as the gateway would; every request seen is
    kept (method, path, Authorization, Accept-Language)."""

    def __init__(self):
        self.seen = []
        self.asked = []   # (method, path, query, JSON body, X-Forwarded-For)

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.seen.append((request.method, request.path, request.headers.get("Authorization"),
                          request.headers.get("Accept-Language")))
        self.asked.append((request.method, request.path, request.args.to_dict(),
                           request.get_json(silent=True), request.headers.get("X-Forwarded-For")))
        english = request.headers.get("Accept-Language") == "en"
        if request.path == "/api/v1/auth/token":
            if request.get_json()["password"] == "right-password":
                body, status = {"token": "tok-1", "staff": STAFF}, 201
            else:
                body, status = {"error": {"code": "bad_credentials", "message":
                                          "Wrong username or password" if english else
                                          "用户名或密码错误"}}, 401
        elif request.path == "/api/v1/me":
            body, status = (STAFF, 200) if request.headers.get("Authorization") == \
                "Bearer tok-1" else ({"error": {"code": "bad_token", "message": "x"}}, 401)
        elif request.path == "/api/v1/cases" and request.args.get("phone") == "123":
            problem = {"phone": ["请输入完整的电话号码（至少 7 位数字）"]}
            body, status = {"error": {"code": "validation_failed", "message": "输入有误",
                                      "fields": problem}}, 422
        elif request.path == "/api/v1/services":
            body, status = [], 200
        elif request.path == "/api/v1/cases/preview":
            body, status = {"service": {"service_code": "labour_dispute", "name": "劳动争议",
                                        "program": "普法互助家园"}, "chosen_by": "keywords",
                            "status": "duplicate", "status_label": "重复诉求，已并案",
                            "linked_to": {"id": 4, "tracking_code": "KKKKKKKKKK"},
                            "possible_duplicates": [{
                                "id": 4, "tracking_code": "KKKKKKKKKK", "status_label": "承办中",
                                "description": "工资", "resident_phone": "138****1111",
                                "address": "3号楼", "same_service": True}]}, 200
        elif request.path == "/api/v1/cases":
            body, status = [{"id": 1, "tracking_code": "ABCDEFGHJK", "status": "dispatched",
                             "status_label": "已转交承办", "overdue": False, "escalated": False,
                             "description": "<script>alert('x')</script>漏水", "program_id": None,
                             "due_at": None, "owner": None, "created_at": None}], 200
        elif request.path.startswith("/api/v1/track/"):
            body, status = {"tracking_code": "ABCDEFGHJK", "status": "dispatched",
                            "status_label": "已转交承办", "description": "漏水", "program": None,
                            "expected_at": None, "reply": None, "can_give_feedback": False,
                            "history": []}, 200
        else:
            body, status = {"error": {"code": "not_found", "message": "no"}}, 404
        return Response(__import__("json").dumps(body), status=status,
                        content_type="application/json")(environ, start_response)


class WsgiAdapter(BaseAdapter):
    """requests' transport answered by a WSGI app: the console's HTTP calls, as sent."""

    def __init__(self, app):
        super().__init__()
        self.client = Client(app)

    def send(self, request, **kwargs):
        answer = self.client.open(request.path_url, method=request.method,
                                  headers=dict(request.headers), data=request.body)
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers.update(answer.headers)
        response.raw = io.BytesIO(answer.get_data())
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


@pytest.fixture
def gateway():
    return FakeGateway()


def console_client(gateway, **config):
    session = requests.Session()
    session.mount("http://gateway.test", WsgiAdapter(gateway))
    console = Console({"GATEWAY_URL": "http://gateway.test", "OPEN311_API_KEY": "k", **config},
                      gateway=Gateway("http://gateway.test", session=session))
    return Client(console)


@pytest.fixture
def browser(gateway):
    return console_client(gateway)


def csrf_of(page) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)


def log_in(browser, password="right-password"):
    form = browser.get("/login", base_url=ORIGIN)
    return browser.post("/login", base_url=ORIGIN, headers={"Origin": ORIGIN}, data={
        "csrf": csrf_of(form), "username": "wang", "password": password})


def test_a_form_without_its_token_is_refused_and_the_gateway_is_never_asked(browser, gateway):
    browser.get("/login", base_url=ORIGIN)
    answer = browser.post("/login", base_url=ORIGIN, headers={"Origin": ORIGIN},
                          data={"csrf": "0" * 64, "username": "wang",
                                "password": "right-password"})
    assert answer.status_code == 400
    assert "表单已过期或不是从本页提交的，请重新提交" in answer.get_data(as_text=True)
    assert gateway.seen == []


def test_a_form_posted_from_another_site_is_refused(browser, gateway):
    form = browser.get("/login", base_url=ORIGIN)
    answer = browser.post("/login", base_url=ORIGIN, headers={"Origin": "https://evil.test"},
                          data={"csrf": csrf_of(form), "username": "wang",
                                "password": "right-password"})
    assert answer.status_code == 403
    assert gateway.seen == []


def test_a_token_from_another_browsers_session_does_not_fit(gateway):
    """The CSRF token is tied to the session it was given in."""
    mine, theirs = console_client(gateway), console_client(gateway)
    token = csrf_of(theirs.get("/login", base_url=ORIGIN))
    mine.get("/login", base_url=ORIGIN)
    answer = mine.post("/login", base_url=ORIGIN, headers={"Origin": ORIGIN}, data={
        "csrf": token, "username": "wang", "password": "right-password"})
    assert answer.status_code == 400


def test_logging_in_keeps_the_token_in_an_httponly_strict_secure_cookie(browser):
    answer = log_in(browser)
    assert answer.status_code == 303 and answer.headers["Location"] == "/cases"
    cookies = answer.headers.getlist("Set-Cookie")
    token = next(c for c in cookies if c.startswith("minzi_token="))
    assert token.startswith("minzi_token=tok-1;")
    assert "HttpOnly" in token and "SameSite=Strict" in token and "Secure" in token
    # the session id is new at log-in
    assert any(c.startswith("minzi_sid=") for c in cookies)


def test_plain_http_development_drops_only_the_secure_flag(gateway):
    browser = console_client(gateway, INSECURE_COOKIES="true")
    token = next(c for c in log_in(browser).headers.getlist("Set-Cookie")
                 if c.startswith("minzi_token="))
    assert "HttpOnly" in token and "SameSite=Strict" in token and "Secure" not in token


def test_logging_out_is_a_post_that_ends_the_token_here_and_at_the_gateway(browser, gateway):
    log_in(browser)
    page = browser.get("/cases", base_url=ORIGIN)
    assert browser.get("/logout", base_url=ORIGIN).status_code == 405
    answer = browser.post("/logout", base_url=ORIGIN, headers={"Origin": ORIGIN},
                          data={"csrf": csrf_of(page)})
    assert answer.headers["Location"] == "/login?bye=1"
    assert ("POST", "/api/v1/auth/logout", "Bearer tok-1", "zh") in gateway.seen
    cleared = next(c for c in answer.headers.getlist("Set-Cookie")
                   if c.startswith("minzi_token="))
    assert cleared.startswith("minzi_token=;") and "Max-Age=0" in cleared


def test_a_refused_log_in_shows_the_apis_words(browser):
    answer = log_in(browser, password="wrong-password")
    assert answer.status_code == 401
    assert "用户名或密码错误" in answer.get_data(as_text=True)


def test_what_the_api_returns_is_escaped(browser):
    log_in(browser)
    html = browser.get("/cases?queue=all", base_url=ORIGIN).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;漏水" in html


def test_chinese_first_english_when_the_browser_or_the_switch_asks(browser, gateway):
    assert "<h1>工作人员登录</h1>" in browser.get("/login").get_data(as_text=True)
    english = browser.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "<h1>Staff log-in</h1>" in english.get_data(as_text=True)
    switched = browser.get("/login?lang=en", base_url=ORIGIN)
    assert any(c.startswith("minzi_lang=en;") for c in switched.headers.getlist("Set-Cookie"))
    # remembered, and the gateway is asked in it: its refusal comes back in English
    assert "<h1>Staff log-in</h1>" in browser.get("/login", base_url=ORIGIN).get_data(
        as_text=True)
    refused = log_in(browser, password="wrong-password").get_data(as_text=True)
    assert "Wrong username or password" in refused
    assert gateway.seen[-1][3] == "en"


def test_every_page_carries_the_security_headers(browser):
    for path in ("/", "/login", "/r/track"):
        headers = browser.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"


def test_a_staff_page_without_a_log_in_goes_to_the_log_in_page(browser, gateway):
    answer = browser.get("/cases?queue=mine")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/login?next=/cases?queue=mine"
    assert gateway.seen == []


def test_the_log_in_goes_back_only_to_a_page_of_the_console(browser):
    form = browser.get("/login?next=//evil.test/x", base_url=ORIGIN)
    answer = browser.post("/login?next=//evil.test/x", base_url=ORIGIN,
                          headers={"Origin": ORIGIN}, data={
                              "csrf": csrf_of(form), "username": "wang",
                              "password": "right-password"})
    assert answer.headers["Location"] == "/cases"


def test_a_residents_page_never_sends_the_staff_token(browser, gateway):
    log_in(browser)
    form = browser.get("/r/track", base_url=ORIGIN)
    page = browser.post("/r/track", base_url=ORIGIN, headers={"Origin": ORIGIN},
                        data={"csrf": csrf_of(form), "code": "abcdefghjk"})
    assert "漏水" in page.get_data(as_text=True)
    assert gateway.seen[-1] == ("GET", "/api/v1/track/ABCDEFGHJK", None, "zh")


def test_the_gateway_hears_the_browsers_address_as_a_proxy_forwards_it(gateway):
    browser = console_client(gateway)
    form = browser.get("/login", base_url=ORIGIN, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    browser.post("/login", base_url=ORIGIN, environ_base={"REMOTE_ADDR": "198.51.100.7"},
                 headers={"Origin": ORIGIN, "X-Forwarded-For": "6.6.6.6"},
                 data={"csrf": csrf_of(form), "username": "wang", "password": "x"})
    # what the browser wrote itself first, the address it came from after it (the gateway
    # believes only the right-most one it does not trust)
    assert gateway.asked[-1][1] == "/api/v1/auth/token"
    assert gateway.asked[-1][4] == "6.6.6.6, 198.51.100.7"


def test_the_search_form_asks_the_api_with_each_box_as_a_parameter(browser, gateway):
    log_in(browser)
    page = browser.get("/cases?tracking_code=&phone=13800001111&name=%E5%BC%A0&address="
                       "&q=&from=2026-11-01&to=", base_url=ORIGIN)
    assert page.status_code == 200
    asked = [a for a in gateway.asked if a[1] == "/api/v1/cases"]
    assert asked[-1][1:3] == ("/api/v1/cases", {
        "queue": "all", "limit": "50", "offset": "0", "phone": "13800001111", "name": "张",
        "from": "2026-11-01"})
    # the one case the API answered is the page's, as the API sent it (no filtering here)
    assert "ABCDEFGHJK" in page.get_data(as_text=True)


def test_a_box_the_api_refuses_is_named_beside_it(browser, gateway):
    log_in(browser)
    page = browser.get("/cases?phone=123", base_url=ORIGIN)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert '<span class="problem" id="p-phone">请输入完整的电话号码（至少 7 位数字）</span>' in html


def test_the_check_before_saving_is_intakes_preview_of_the_form(browser, gateway):
    log_in(browser)
    form = browser.get("/cases/new", base_url=ORIGIN)
    page = browser.post("/cases/new", base_url=ORIGIN, headers={"Origin": ORIGIN}, data={
        "csrf": csrf_of(form), "step": "check", "channel": "visit",
        "description": "工资还是没发", "resident_phone": "13800001111", "address": " "})
    html = page.get_data(as_text=True)
    assert gateway.asked[-1][:2] == ("POST", "/api/v1/cases/preview")
    assert gateway.asked[-1][3] == {"channel": "visit", "description": "工资还是没发",
                                    "resident_phone": "13800001111", "attributes": {}}
    assert not [a for a in gateway.asked if a[1] == "/api/v1/cases"]   # no list fetched
    assert "保存后：<strong>重复诉求，已并案</strong>" in html
    assert "138****1111" in html and "同一服务类型" in html


def test_a_case_can_be_made_more_urgent_at_the_window(browser, gateway):
    """12345's time limits: the receptionist may raise a walk-in's urgency; the choice goes to
    intake as it is (intake refuses a lowering, naming the field), and is kept on the form."""
    log_in(browser)
    form = browser.get("/cases/new", base_url=ORIGIN)
    html = form.get_data(as_text=True)
    assert '<option value="emergency">紧急（2 小时）</option>' in html
    page = browser.post("/cases/new", base_url=ORIGIN, headers={"Origin": ORIGIN}, data={
        "csrf": csrf_of(form), "step": "check", "channel": "visit", "urgency": "emergency",
        "description": "楼道水管爆裂，水漫到楼下", "resident_phone": "13800001111"})
    assert gateway.asked[-1][:2] == ("POST", "/api/v1/cases/preview")
    assert gateway.asked[-1][3]["urgency"] == "emergency"
    assert '<option value="emergency" selected>' in page.get_data(as_text=True)
