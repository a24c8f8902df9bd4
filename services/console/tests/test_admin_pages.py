"""The admin's pages (staff accounts, Open311 keys, programs and their registrations, the account
record) and the figures' spreadsheet, with the gateway faked at the HTTP boundary: a small WSGI
app keeping the community's records, which refuses as intake's API does (its messages in the
asker's language, each naming its field). What is checked is what the browser gets, and what the
gateway was asked."""
import base64
import copy
import io
import json
import re

import pytest
import requests
from requests.adapters import BaseAdapter
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from console.app import Console
from console.gateway import Gateway

ORIGIN = "https://console.test"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ADMIN = {"id": 1, "username": "root", "name": "李管理", "role": "admin", "role_label": "管理员",
         "community": "rainbow-city", "program_id": None, "must_change_password": False}
RECEPTIONIST = {"id": 7, "username": "wang", "name": "王接待", "role": "receptionist",
                "role_label": "接待员", "community": "rainbow-city", "program_id": None,
                "must_change_password": False}
TOKENS = {"root": "tok-admin", "wang": "tok-wang"}
LABELS = {"receptionist": ("接待员", "Receptionist"), "handler": ("承办人", "Handler"),
          "member_unit": ("共建单位联系人", "Member unit contact"), "admin": ("管理员", "Admin")}
KEY = "k3y-Shown-0nce-aaaaaaaaaaaaaaaa"
BUS_PASSWORD = "bus-Passw0rd-bbbbbbbbbbbbbbbb"
WORKBOOK = b"PK\x03\x04 a workbook"


def error(code, zh, en, english, status, field=None):
    body = {"error": {"code": code, "message": en if english else zh}}
    if field:
        body["error"]["fields"] = {field: [en if english else zh]}
    return body, status


class FakeGateway:
    """The community's records as intake keeps them, behind the routes the admin pages use."""

    def __init__(self):
        self.asked = []   # (method, path, query, JSON body, Authorization)
        self.records = {
            "staff": [dict(ADMIN, active=True), dict(RECEPTIONIST, active=True)],
            "keys": [{"id": "aaaaaaaaaaaa", "name": "web", "created_at":
                      "2026-11-01T02:00:00+00:00", "revoked_at": None}],
            "registrations": [{"program_id": "cat_fund", "bus_user": "cat_fund",
                               "communities": ["rainbow-city"], "service_codes": ["sick_cat"],
                               "registered_by": "root", "registered_for": "rainbow-city",
                               "registered_at": "2026-11-01T02:00:00+00:00"}],
            "events": [{"at": "2026-11-02T03:04:00+00:00", "actor": "root",
                        "action": "staff_created", "subject": "wang"}]}

    def __call__(self, environ, start_response):
        request = Request(environ)
        sent = request.get_json(silent=True)
        self.asked.append((request.method, request.path, request.args.to_dict(), sent,
                           request.headers.get("Authorization")))
        body, status = self.answer(request, sent, request.headers.get("Accept-Language") == "en")
        return Response(json.dumps(body), status=status,
                        content_type="application/json")(environ, start_response)

    def answer(self, request, sent, english):
        method, path, records = request.method, request.path, self.records
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        me = {TOKENS["root"]: ADMIN, TOKENS["wang"]: RECEPTIONIST}.get(token)
        if path == "/api/v1/auth/token":
            if sent["username"] in TOKENS and sent["password"] == "right-password":
                staff = ADMIN if sent["username"] == "root" else RECEPTIONIST
                return {"token": TOKENS[sent["username"]], "staff": staff}, 201
            return error("bad_credentials", "用户名或密码错误", "Wrong username or password",
                         english, 401)
        if me is None:
            return error("bad_token", "请重新登录", "Log in again", english, 401)
        if path == "/api/v1/me":
            return me, 200
        if path == "/api/v1/programs":
            return [{"program_id": "co_building", "name": "共建单位", "live": True,
                     "communities": ["rainbow-city"], "service_types": ["co_request"],
                     "last_seen": "2026-11-30T01:00:00+00:00"}], 200
        if path == "/api/v1/figures":
            return {"group_by": [], "rows": []}, 200
        if path == "/api/v1/figures/export":
            return {"filename": "figures-rainbow-city-2026-11-01.xlsx", "content_type": XLSX,
                    "content_base64": base64.b64encode(WORKBOOK).decode()}, 200
        if me["role"] != "admin":
            return error("forbidden", "您的角色不能进行此操作", "Your role cannot do this",
                         english, 403)
        if (method, path) == ("GET", "/api/v1/staff"):
            return records["staff"], 200
        if (method, path) == ("POST", "/api/v1/staff"):
            if sent["role"] in ("handler", "program_staff", "member_unit") and \
                    not sent.get("program_id"):
                return error("validation_failed", "共建单位联系人须指明所属项目（如 co_building）",
                             "A member unit's contact belongs to a program (e.g. co_building).",
                             english, 422, "program_id")
            if any(s["username"] == sent["username"] for s in records["staff"]):
                return error("username_taken", "用户名已被使用", "That username is taken",
                             english, 409, "username")
            zh, en = LABELS[sent["role"]]
            made = {"id": len(records["staff"]) + 10, "username": sent["username"],
                    "name": sent["name"], "role": sent["role"],
                    "role_label": en if english else zh, "community": "rainbow-city",
                    "program_id": sent.get("program_id"), "active": True,
                    "must_change_password": True}
            records["staff"].append(made)
            return made, 201
        found = re.fullmatch(r"/api/v1/staff/(\d+)/deactivate", path)
        if found and method == "POST":
            if int(found[1]) == ADMIN["id"]:
                return error("self", "不能停用自己的账号", "You cannot deactivate your own account",
                             english, 409)
            for s in records["staff"]:
                if s["id"] == int(found[1]):
                    s["active"] = False
                    return s, 200
            return error("unknown_staff", "本社区没有这个工作人员", "No such staff member here",
                         english, 404)
        if (method, path) == ("GET", "/api/v1/api-keys"):
            return records["keys"], 200
        if (method, path) == ("POST", "/api/v1/api-keys"):
            if not sent.get("name"):
                return error("validation_failed", "必填", "Required", english, 422, "name")
            records["keys"].append({"id": "bbbbbbbbbbbb", "name": sent["name"],
                                    "created_at": "2026-11-30T02:00:00+00:00",
                                    "revoked_at": None})
            return {"api_key": KEY, "name": sent["name"],
                    "jurisdiction_id": "rainbow-city"}, 201
        found = re.fullmatch(r"/api/v1/api-keys/(\w+)", path)
        if found and method == "DELETE":
            for k in records["keys"]:
                if k["id"] == found[1]:
                    k["revoked_at"] = "2026-11-30T03:00:00+00:00"
                    return k, 200
            return error("unknown_api_key", "本社区没有这个接入密钥", "No such api_key here",
                         english, 404)
        if (method, path) == ("GET", "/api/v1/program-registrations"):
            return records["registrations"], 200
        if (method, path) == ("POST", "/api/v1/program-registrations"):
            if any(r["program_id"] == sent["program_id"] for r in records["registrations"]):
                return error("program_registered", f"项目 {sent['program_id']} 已登记",
                             f"Program {sent['program_id']} is registered already", english,
                             409, "program_id")
            made = {"program_id": sent["program_id"], "bus_user": sent["program_id"],
                    "communities": sent["communities"], "service_codes": sent["service_codes"],
                    "registered_by": "root", "registered_for": "rainbow-city",
                    "registered_at": "2026-11-30T02:00:00+00:00"}
            records["registrations"].append(made)
            return {**made, "bus_password": BUS_PASSWORD, "vhost": "/"}, 201
        found = re.fullmatch(r"/api/v1/program-registrations/(\w+)", path)
        if found and method == "DELETE":
            kept = [r for r in records["registrations"] if r["program_id"] != found[1]]
            gone = [r for r in records["registrations"] if r["program_id"] == found[1]]
            records["registrations"] = kept
            return (gone[0], 200) if gone else error(
                "unknown_program", f"本社区没有登记项目 {found[1]}", "No such program", english,
                404)
        if (method, path) == ("GET", "/api/v1/account-events"):
            return records["events"], 200
        return error("not_found", "没有", "Not found", english, 404)


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


def logged_in(gateway, username="root", lang=None):
    session = requests.Session()
    session.mount("http://gateway.test", WsgiAdapter(gateway))
    browser = Client(Console({"GATEWAY_URL": "http://gateway.test"},
                             gateway=Gateway("http://gateway.test", session=session)))
    if lang:
        browser.get(f"/login?lang={lang}", base_url=ORIGIN)
    form = browser.get("/login", base_url=ORIGIN)
    answer = browser.post("/login", base_url=ORIGIN, headers={"Origin": ORIGIN}, data={
        "csrf": csrf_of(form), "username": username, "password": "right-password"})
    assert answer.status_code == 303
    return browser


@pytest.fixture
def admin(gateway):
    return logged_in(gateway)


def csrf_of(page) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)


def html(answer) -> str:
    return answer.get_data(as_text=True)


def post(browser, page_path, path, **data):
    """The form on ``page_path`` posted as the browser would, with its CSRF token."""
    token = csrf_of(browser.get(page_path, base_url=ORIGIN))
    return browser.post(path, base_url=ORIGIN, headers={"Origin": ORIGIN},
                        data={"csrf": token, **data})


def problem(page, field) -> str | None:
    found = re.search(rf'<span class="problem" id="p-{field}">([^<]*)</span>', html(page))
    return found and found.group(1)


ADMIN_PAGES = ("/admin/staff", "/admin/keys", "/admin/programs", "/admin/record")


def test_an_admin_finds_the_four_pages_in_the_menu(admin):
    page = html(admin.get("/cases", base_url=ORIGIN))
    for path, label in zip(ADMIN_PAGES, ("工作人员", "接入密钥", "项目", "账号记录"), strict=True):
        assert f'<a href="{path}">{label}</a>' in page


def test_a_receptionist_has_no_admin_menu_and_is_refused_every_admin_page(gateway):
    browser = logged_in(gateway, "wang")
    assert "/admin/" not in html(browser.get("/cases", base_url=ORIGIN))
    before, asked = copy.deepcopy(gateway.records), len(gateway.asked)
    for path in ADMIN_PAGES:
        page = browser.get(path, base_url=ORIGIN)
        assert page.status_code == 403
        assert "此页只有管理员可以打开" in html(page)
    for page_path, path, data in (
            ("/cases", "/admin/staff", {"username": "x1", "name": "X", "role": "admin",
                                        "password": "first-password"}),
            ("/cases", "/admin/staff/7/deactivate", {}),
            ("/cases", "/admin/keys", {"name": "mine"}),
            ("/cases", "/admin/keys/aaaaaaaaaaaa/revoke", {}),
            ("/cases", "/admin/programs", {"program_id": "garden", "service_codes": "g"}),
            ("/cases", "/admin/programs/cat_fund/delete", {})):
        assert post(browser, page_path, path, **data).status_code == 403
    # of the gateway, only who the receptionist is (and their queue) was asked; nothing changed
    assert {a[1] for a in gateway.asked[asked:]} <= {"/api/v1/me", "/api/v1/cases"}
    assert gateway.records == before


def test_an_admin_form_without_its_token_is_refused_and_changes_nothing(admin, gateway):
    admin.get("/admin/keys", base_url=ORIGIN)
    before, asked = copy.deepcopy(gateway.records), len(gateway.asked)
    for path, data in (("/admin/keys", {"name": "sms"}), ("/admin/keys/aaaaaaaaaaaa/revoke", {}),
                       ("/admin/staff/7/deactivate", {}),
                       ("/admin/programs/cat_fund/delete", {})):
        answer = admin.post(path, base_url=ORIGIN, headers={"Origin": ORIGIN},
                            data={"csrf": "0" * 64, **data})
        assert answer.status_code == 400
        assert "表单已过期或不是从本页提交的，请重新提交" in html(answer)
    assert len(gateway.asked) == asked
    assert gateway.records == before


def test_the_staff_list_and_the_roles_by_their_chinese_names(admin):
    page = html(admin.get("/admin/staff", base_url=ORIGIN))
    assert "<td>wang</td><td>王接待</td><td>接待员</td>" in page
    for role, label in (("receptionist", "接待员"), ("handler", "承办人"),
                        ("station_head", "站长"), ("program_staff", "项目工作人员"),
                        ("member_unit", "共建单位联系人"), ("admin", "管理员")):
        assert f'<option value="{role}">{label}</option>' in page
    assert '<option value="co_building">共建单位（co_building）</option>' in page
    # an admin cannot deactivate themself: no button on their own row
    assert 'action="/admin/staff/7/deactivate"' in page
    assert 'action="/admin/staff/1/deactivate"' not in page


def test_opening_an_account_sends_the_form_to_the_api(admin, gateway):
    answer = post(admin, "/admin/staff", "/admin/staff", username="liu", name="刘共建",
                  role="member_unit", program_id="co_building", password="first-password")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/admin/staff?done=staff_created"
    assert gateway.asked[-1][:4] == ("POST", "/api/v1/staff", {}, {
        "username": "liu", "name": "刘共建", "role": "member_unit",
        "program_id": "co_building", "password": "first-password"})
    page = html(admin.get(answer.headers["Location"], base_url=ORIGIN))
    assert "账号已建立" in page
    assert "<td>liu</td><td>刘共建</td><td>共建单位联系人</td><td>co_building</td>" \
           "\n    <td>待本人设置密码</td>" in page


def test_a_refused_account_names_the_field_beside_it_in_the_readers_language(admin, gateway):
    before = copy.deepcopy(gateway.records)
    page = post(admin, "/admin/staff", "/admin/staff", username="liu", name="刘共建",
                role="member_unit", program_id="", password="first-password")
    assert page.status_code == 422
    assert problem(page, "program_id") == "共建单位联系人须指明所属项目（如 co_building）"
    # what was typed is kept (never the password)
    assert 'value="liu"' in html(page) and "first-password" not in html(page)
    taken = post(admin, "/admin/staff", "/admin/staff", username="wang", name="王",
                 role="receptionist", password="first-password")
    assert taken.status_code == 409
    assert problem(taken, "username") == "用户名已被使用"
    assert gateway.records == before
    english = logged_in(gateway, lang="en")
    refused = post(english, "/admin/staff", "/admin/staff", username="wang", name="Wang",
                   role="receptionist", password="first-password")
    assert problem(refused, "username") == "That username is taken"


def test_deactivating_an_account(admin, gateway):
    answer = post(admin, "/admin/staff", "/admin/staff/7/deactivate")
    assert answer.headers["Location"] == "/admin/staff?done=staff_deactivated"
    assert gateway.asked[-1][:2] == ("POST", "/api/v1/staff/7/deactivate")
    page = html(admin.get("/admin/staff", base_url=ORIGIN))
    assert "<td>wang</td><td>王接待</td><td>接待员</td><td></td>\n    <td>已停用</td>" in page


def test_a_new_key_is_shown_once_clearly_and_never_again(admin, gateway):
    page = post(admin, "/admin/keys", "/admin/keys", name="微信公众号")
    assert page.status_code == 200
    assert gateway.asked[-2][:4] == ("POST", "/api/v1/api-keys", {}, {"name": "微信公众号"})
    assert f'<code id="new-key">{KEY}</code>' in html(page)
    assert "新密钥只显示这一次，请立即复制保存" in html(page)
    assert page.headers["Cache-Control"] == "no-store"
    # the list shows the new key by its name and id; the key itself is nowhere else
    again = html(admin.get("/admin/keys", base_url=ORIGIN))
    assert "<td>bbbbbbbbbbbb</td><td>微信公众号</td>" in again
    assert KEY not in again


def test_revoking_a_key_and_a_key_name_that_is_not_one(admin, gateway):
    answer = post(admin, "/admin/keys", "/admin/keys/aaaaaaaaaaaa/revoke")
    assert answer.headers["Location"] == "/admin/keys?done=api_key_revoked"
    assert gateway.asked[-1][:2] == ("DELETE", "/api/v1/api-keys/aaaaaaaaaaaa")
    page = html(admin.get(answer.headers["Location"], base_url=ORIGIN))
    assert "密钥已作废" in page and "2026-11-30 11:00" in page   # 03:00 UTC in Beijing
    assert 'action="/admin/keys/aaaaaaaaaaaa/revoke"' not in page
    asked = len(gateway.asked)
    odd = post(admin, "/admin/keys", "/admin/keys/a.b/revoke")
    assert odd.status_code == 404
    assert [a[1] for a in gateway.asked[asked:]] == ["/api/v1/me", "/api/v1/api-keys",
                                                     "/api/v1/me"]


def test_registering_a_program_shows_its_bus_password_once(admin, gateway):
    page = post(admin, "/admin/programs", "/admin/programs", program_id="garden_club",
                service_codes="garden_plot，tree_care  hedge")
    assert page.status_code == 200
    assert ("POST", "/api/v1/program-registrations", {}, {
        "program_id": "garden_club", "communities": ["rainbow-city"],
        "service_codes": ["garden_plot", "tree_care", "hedge"]}) in \
        [a[:4] for a in gateway.asked]
    assert f'<code id="bus-password">{BUS_PASSWORD}</code>' in html(page)
    assert "总线密码只显示这一次" in html(page)
    again = html(admin.get("/admin/programs", base_url=ORIGIN))
    assert 'id="registration-garden_club"' in again and BUS_PASSWORD not in again
    # the live programs, from /api/v1/programs
    assert "<td>co_building</td><td>共建单位</td><td>是</td>" in again


def test_a_program_registered_already_is_named_beside_its_id(admin, gateway):
    before = copy.deepcopy(gateway.records)
    page = post(admin, "/admin/programs", "/admin/programs", program_id="cat_fund",
                service_codes="sick_cat")
    assert page.status_code == 409
    assert problem(page, "program_id") == "项目 cat_fund 已登记"
    assert BUS_PASSWORD not in html(page)
    assert gateway.records == before


def test_unregistering_a_program(admin, gateway):
    answer = post(admin, "/admin/programs", "/admin/programs/cat_fund/delete")
    assert answer.headers["Location"] == "/admin/programs?done=program_unregistered"
    assert gateway.asked[-1][:2] == ("DELETE", "/api/v1/program-registrations/cat_fund")
    assert "还没有登记的项目" in html(admin.get("/admin/programs", base_url=ORIGIN))


def test_the_account_record_in_the_readers_words(admin, gateway):
    page = html(admin.get("/admin/record", base_url=ORIGIN))
    # 03:04 UTC is 11:04 in Beijing
    assert "<td>2026-11-02 11:04</td><td>root</td><td>新建账号</td><td>wang</td>" in page
    english = logged_in(gateway, lang="en")
    assert "<td>Account opened</td>" in html(english.get("/admin/record", base_url=ORIGIN))


def test_the_figures_page_links_its_spreadsheet_for_the_same_period(admin):
    page = html(admin.get("/figures?from=2026-11-01&to=2026-11-30", base_url=ORIGIN))
    assert '<a id="export" href="/figures/export?from=2026-11-01&amp;to=2026-11-30" download>' \
           '导出 Excel</a>' in page


def test_the_spreadsheet_is_served_as_the_file_intake_made(admin, gateway):
    answer = admin.get("/figures/export?from=2026-11-01", base_url=ORIGIN)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == XLSX
    assert answer.headers["Content-Disposition"] == \
        'attachment; filename="figures-rainbow-city-2026-11-01.xlsx"'
    assert answer.get_data() == WORKBOOK
    assert gateway.asked[-1][:3] == ("GET", "/api/v1/figures/export", {"from": "2026-11-01"})
