"""A program's own pages in the console, declared in its ``pages.yaml`` and found at run time:
in the menu only while the program is live and only for people its pages are for; values
escaped; a form sends what was typed as the API's body and shows the API's refusal beside the
field it names; a row's button acts on that row only. The gateway is faked at the HTTP boundary
(as in ``test_pages.py``); what a page declares is checked by ``minzi.pages`` itself."""
import json
import re

import pytest
import requests
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from minzi.pages import Pages

from console.app import Console
from console.gateway import Gateway

from .test_pages import ORIGIN, WsgiAdapter, csrf_of

PEOPLE = {
    "tok-desk": {"id": 1, "username": "wang", "name": "王接待", "role": "receptionist"},
    "tok-lawyer": {"id": 2, "username": "li", "name": "李律师", "role": "handler",
                   "program_id": "legal_home"},
    "tok-cat": {"id": 3, "username": "mao", "name": "毛志愿者", "role": "program_staff",
                "program_id": "cat_fund"},
    "tok-unit": {"id": 4, "username": "unit", "name": "物业联络人", "role": "member_unit",
                 "program_id": "legal_home"},
}
PAGES = Pages().load({"pages": [
    {"id": "cases", "title": {"zh": "转来的案件", "en": "Cases"},
     "roles": ["handler", "program_staff", "admin"],
     "sections": [{"table": {
         "source": "/cases",
         "filters": [{"name": "status", "label": {"zh": "状态"}, "type": "select",
                      "options": [{"value": "open", "label": {"zh": "办理中"}}]}],
         "columns": [{"field": "code", "label": {"zh": "受理编号"}},
                     {"field": "resident.name", "label": {"zh": "居民"}},
                     {"field": "state", "label": {"zh": "状态"},
                      "labels": {"open": {"zh": "办理中", "en": "Open"}}}],
         "link": {"page": "case", "params": {"case_id": "id"}},
         "actions": [{"label": {"zh": "关闭"}, "path": "/cases/{id}/close",
                      "body": {"closed": True}, "when": {"field": "state", "values": ["open"]}}],
     }}]},
    {"id": "case", "title": {"zh": "案件"}, "params": ["case_id"],
     "roles": ["handler", "program_staff", "admin"],
     "sections": [
         {"record": {"source": "/cases/{case_id}",
                     "show": [{"field": "code", "label": {"zh": "受理编号"}},
                              {"field": "due", "label": {"zh": "时限"}, "format": "datetime"},
                              {"field": "change", "label": {"zh": "变更"}},
                              {"field": "extra", "label": {"zh": "附加"}},
                              {"field": "notes", "label": {"zh": "备注数"}, "format": "count"}]}},
         {"form": {"title": {"zh": "办结"}, "path": "/cases/{case_id}/resolve",
                   "when": {"field": "state", "values": ["open"]},
                   "inputs": [{"name": "result", "label": {"zh": "办理结果"}, "type": "textarea",
                               "required": True},
                              {"name": "visitor.name", "label": {"zh": "来访者"}},
                              {"name": "urgent", "label": {"zh": "加急"}, "type": "checkbox"},
                              {"name": "present", "label": {"zh": "出席编号"}, "type": "ids"},
                              {"name": "slots.0.minutes", "label": {"zh": "分钟"},
                               "type": "integer"}]}},
         {"form": {"title": {"zh": "撤销"}, "path": "/cases/{case_id}/undo",
                   "when": {"field": "undone_by", "values": [None]}}}]},
    {"id": "days", "title": {"zh": "咨询日"}, "roles": ["receptionist", "handler"],
     "sections": [{"table": {"source": "/days",
                             "columns": [{"field": "day", "label": {"zh": "日期"}}]}}]},
    {"id": "my-unit", "title": {"zh": "我的单位"}, "roles": ["member_unit"],
     "sections": [{"table": {"source": "/days",
                             "columns": [{"field": "day", "label": {"zh": "日期"}}]}}]},
    {"id": "open-figures", "title": {"zh": "工作数据"}, "public": True,
     "sections": [{"record": {"source": "/figures",
                              "show": [{"field": "solved", "label": {"zh": "解决问题"}}]}}]},
]})["pages"]


class FakeGateway:
    """``/api/v1/me``, the programs (``legal_home`` live, ``old_home`` not) and the legal home's
    API: its pages and a few records. Every call is kept as (method, path, query, body)."""

    def __init__(self):
        self.asked = []
        self.seen = []   # (method, path, Authorization)
        self.pages_down = False   # the program starting: its pages answer 503
        self.pages = PAGES
        self.cases = {5: {"id": 5, "code": "AAAA", "state": "open",
                          "due": "2026-12-01T02:00:00+00:00", "undone_by": None,
                          "change": {"colour": {"from": "黑", "to": "白"}}, "extra": {},
                          "notes": [],
                          "resident": {"name": "<script>alert(1)</script>张三"}},
                      6: {"id": 6, "code": "BBBB", "state": "closed", "due": None,
                          "resident": {"name": "李四"}, "undone_by": "王"}}

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_json(silent=True)
        self.asked.append((request.method, request.path, request.args.to_dict(), body))
        self.seen.append((request.method, request.path, request.headers.get("Authorization")))
        staff = PEOPLE.get((request.headers.get("Authorization") or "")[7:])
        status, answer = self.answer(request, staff, body)
        return Response(json.dumps(answer), status=status,
                        content_type="application/json")(environ, start_response)

    def answer(self, request, staff, body):
        path, api = request.path, "/api/v1/programs/legal_home"
        if path == "/api/v1/auth/token":
            token = f"tok-{body['username']}"
            return 201, {"token": token, "staff": PEOPLE[token]}
        if path == "/api/v1/me":
            return (200, staff) if staff else (401, {"error": {"message": "x"}})
        if path == "/api/v1/programs":
            return 200, [{"program_id": "legal_home", "name": "普法互助家园", "live": True},
                         {"program_id": "old_home", "name": "旧项目", "live": False}]
        if path.endswith("/console/pages"):
            if self.pages_down:
                return 503, {"error": {"message": "暂停服务"}}
            return 200, {"pages": self.pages}
        if path == api + "/figures":
            return 200, {"solved": 42 if request.args.get("community") == "rainbow-city" else 0}
        if path == api + "/cases":
            if request.args.get("status") not in (None, "open"):
                return 422, {"error": {"message": "输入有误，请检查标出的字段",
                                       "fields": {"status": ["不是有效的状态"]}}}
            return 200, {"items": list(self.cases.values())}
        found = re.fullmatch(api + r"/cases/(\d+)(/\w+)?", path)
        if found and int(found.group(1)) in self.cases:
            case = self.cases[int(found.group(1))]
            if found.group(2) == "/resolve":
                if not body.get("result"):
                    return 422, {"error": {"message": "输入有误，请检查标出的字段",
                                           "fields": {"result": ["必填"]}}}
                case["state"] = "resolved"
            elif found.group(2) == "/close":
                case["state"] = "closed"
            elif found.group(2) == "/undo":
                return 409, {"error": {"message": "不能撤销", "fields": {
                    "_schema": ["已办结的案件不能撤销"]}}}
            return 200, case
        return 404, {"error": {"message": "没有这个 API 路径"}}


@pytest.fixture
def gateway():
    return FakeGateway()


def browser_of(gateway, token):
    session = requests.Session()
    session.mount("http://gateway.test", WsgiAdapter(gateway))
    console = Console({"GATEWAY_URL": "http://gateway.test"},
                      gateway=Gateway("http://gateway.test", session=session))
    client = Client(console)
    client.set_cookie("minzi_token", token, domain="console.test")
    return client


def get(client, path):
    return client.get(path, base_url=ORIGIN)


def post(client, path, data, form_page):
    return client.post(path, base_url=ORIGIN, headers={"Origin": ORIGIN},
                       data={"csrf": csrf_of(form_page), **data})


def menu(page) -> list[str]:
    nav = re.search(r'<nav class="main".*?</nav>', page.get_data(as_text=True), re.S).group(0)
    return re.findall(r'<a href="([^"]+)"', nav)


def test_a_live_program_is_in_the_menu_of_those_its_pages_are_for(gateway):
    lawyer = get(browser_of(gateway, "tok-lawyer"), "/cases")
    assert "/p/legal_home/cases" in menu(lawyer)
    assert not any("old_home" in url for url in menu(lawyer))    # not live: not shown
    # the receptionist reaches the one page for the front desk, the consultation days
    assert "/p/legal_home/days" in menu(get(browser_of(gateway, "tok-desk"), "/cases"))
    # another program's staff: none of this program's pages
    assert not any(url.startswith("/p/") for url in menu(get(browser_of(gateway, "tok-cat"),
                                                                "/cases")))


def test_a_program_that_could_not_answer_is_asked_again_at_the_next_page(gateway):
    client = browser_of(gateway, "tok-lawyer")
    gateway.pages_down = True
    assert not any(url.startswith("/p/") for url in menu(get(client, "/cases")))
    gateway.pages_down = False
    assert "/p/legal_home/cases" in menu(get(client, "/cases"))


@pytest.mark.parametrize("declared", [
    [{"id": "cases"}],                                            # no title, no sections
    [{**PAGES[0], "id": "<script>"}],
    [{**PAGES[0], "sections": [{"table": {**PAGES[0]["sections"][0]["table"],
                                          "source": "https://evil.test/x"}}]}],
    "pages",
])
def test_pages_a_program_declares_wrongly_are_not_shown_and_break_nothing(gateway, declared):
    gateway.pages = declared
    client = browser_of(gateway, "tok-lawyer")
    page = get(client, "/cases")     # the queue this fake has not (404), with its menu
    assert page.status_code == 404 and 'class="main"' in page.get_data(as_text=True)
    assert not any(url.startswith("/p/") for url in menu(page))
    assert get(client, "/p/legal_home/cases").status_code == 404


def test_a_member_units_contact_starts_on_their_programs_page_and_sees_no_queues(gateway):
    client = browser_of(gateway, "")
    form = get(client, "/login")
    answer = post(client, "/login", {"username": "unit", "password": "x"}, form)
    assert answer.headers["Location"] == "/p/legal_home/my-unit"
    page = get(client, "/p/legal_home/my-unit")
    assert page.status_code == 200
    assert menu(page) == ["/p/legal_home/my-unit", "/password"]
    # the station's staff start on their queues, as before
    desk = browser_of(gateway, "")
    answer = post(desk, "/login", {"username": "desk", "password": "x"}, get(desk, "/login"))
    assert answer.headers["Location"] == "/cases"


def test_a_page_not_for_the_person_is_not_found_and_its_api_never_asked(gateway):
    answer = get(browser_of(gateway, "tok-cat"), "/p/legal_home/cases")
    assert answer.status_code == 404
    assert not any(path == "/api/v1/programs/legal_home/cases"
                   for _, path, _, _ in gateway.asked)


def test_a_table_shows_the_records_escaped_with_their_words_and_links(gateway):
    page = get(browser_of(gateway, "tok-lawyer"), "/p/legal_home/cases?status=open&other=x")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;张三" in html and "<script>alert" not in html
    assert '<a href="/p/legal_home/case?case_id=5">AAAA</a>' in html
    assert "办理中" in html                                   # the state's words, not "open"
    # only the declared filter goes to the API
    assert ("GET", "/api/v1/programs/legal_home/cases", {"status": "open"}, None) in gateway.asked
    # the row's button only on the open case's row
    assert html.count('name="row.id"') == 1 and 'name="row.id" value="5"' in html


def test_a_form_sends_what_was_typed_as_the_apis_body(gateway):
    client = browser_of(gateway, "tok-lawyer")
    page = get(client, "/p/legal_home/case?case_id=5")
    assert "2026-12-01 10:00" in page.get_data(as_text=True)   # the time limit in Beijing time
    answer = post(client, "/p/legal_home/case/1?case_id=5",
                  {"result": " 已调解 ", "visitor.name": "赵女士", "urgent": "yes",
                   "present": "3, 4，7", "slots.0.minutes": "30"}, page)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/p/legal_home/case?case_id=5&done=saved")
    assert gateway.asked[-1] == (
        "POST", "/api/v1/programs/legal_home/cases/5/resolve", {},
        {"result": "已调解", "visitor": {"name": "赵女士"}, "urgent": True,
         "present": [3, 4, 7], "slots": [{"minutes": 30}]})
    # resolved now: the form is for open cases only
    again = get(client, "/p/legal_home/case?case_id=5").get_data(as_text=True)
    assert "已完成" not in again and 'action="/p/legal_home/case/1' not in again


def test_a_refusal_is_shown_beside_the_field_it_names_with_what_was_typed(gateway):
    client = browser_of(gateway, "tok-lawyer")
    page = get(client, "/p/legal_home/case?case_id=5")
    answer = post(client, "/p/legal_home/case/1?case_id=5", {"visitor.name": "赵女士"}, page)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "输入有误，请检查标出的字段" in html
    assert re.search(r'<textarea id="f1-result" name="result"[^>]*aria-invalid="true"', html)
    assert '<span class="problem" id="p-f1-result">必填</span>' in html
    assert 'value="赵女士"' in html
    assert gateway.cases[5]["state"] == "open"


def test_a_record_reads_in_words_and_a_form_shows_while_a_field_is_empty(gateway):
    client = browser_of(gateway, "tok-lawyer")
    html = get(client, "/p/legal_home/case?case_id=5").get_data(as_text=True)
    assert "<dt>变更</dt><dd>colour: 黑 → 白</dd>" in html
    assert "<dt>附加</dt><dd>—</dd>" in html and "<dt>备注数</dt><dd>0</dd>" in html
    assert "撤销" in html                                     # undone_by is empty on case 5
    assert "撤销" not in get(client, "/p/legal_home/case?case_id=6").get_data(as_text=True)


def test_a_refusal_of_the_whole_form_and_of_a_filter_are_said_in_words(gateway):
    client = browser_of(gateway, "tok-lawyer")
    page = get(client, "/p/legal_home/case?case_id=5")
    refused = post(client, "/p/legal_home/case/2?case_id=5", {}, page).get_data(as_text=True)
    assert "已办结的案件不能撤销" in refused
    listed = get(client, "/p/legal_home/cases?status=nope").get_data(as_text=True)
    assert "输入有误，请检查标出的字段：status: 不是有效的状态" in listed


def test_a_rows_button_acts_on_its_row_and_nothing_else(gateway):
    client = browser_of(gateway, "tok-lawyer")
    page = get(client, "/p/legal_home/cases")
    answer = post(client, "/p/legal_home/cases/0/0", {"row.id": "5"}, page)
    assert answer.status_code == 303
    assert gateway.asked[-1] == ("POST", "/api/v1/programs/legal_home/cases/5/close", {},
                                 {"closed": True})
    # a value that is no id or code (a path of its own) is refused before the API is asked
    asked = len(gateway.asked)
    refused = post(client, "/p/legal_home/cases/0/0", {"row.id": "5/../../x"}, page)
    assert refused.status_code == 404
    assert not [a for a in gateway.asked[asked:] if a[0] == "POST"]


def test_a_page_needs_its_parameters_and_a_form_its_section(gateway):
    client = browser_of(gateway, "tok-lawyer")
    assert get(client, "/p/legal_home/case").status_code == 404
    page = get(client, "/p/legal_home/cases")
    assert post(client, "/p/legal_home/cases/0", {}, page).status_code == 404   # a table
    assert post(client, "/p/legal_home/cases/9", {}, page).status_code == 404
    assert not [a for a in gateway.asked if a[0] == "POST"]


def test_a_residents_page_is_on_the_home_page_and_asks_as_the_public(gateway):
    client = browser_of(gateway, "tok-lawyer")    # a staff token in the browser is not sent
    home = get(client, "/").get_data(as_text=True)
    assert '<a class="card big" href="/r/p/legal_home/open-figures">普法互助家园：工作数据</a>' \
        in home
    page = get(client, "/r/p/legal_home/open-figures")
    assert page.status_code == 200
    assert re.search(r"<dt>解决问题</dt><dd>42</dd>", page.get_data(as_text=True))
    asked = [a for a in gateway.asked if a[1] == "/api/v1/programs/legal_home/figures"]
    assert asked[-1][2] == {"community": "rainbow-city"}
    figures_calls = [s for s in gateway.seen if s[1].endswith("/figures")]
    assert figures_calls and all(auth is None for _, _, auth in figures_calls)
    # not in the staff menu, and a staff page is no resident's page
    assert not any("open-figures" in url for url in menu(get(client, "/cases")))
    assert get(browser_of(gateway, "tok-lawyer"), "/r/p/legal_home/cases").status_code == 404
    assert get(client, "/p/legal_home/open-figures").status_code == 404


def test_the_pages_answer_the_api_s_refusal_as_it_words_it(gateway):
    page = get(browser_of(gateway, "tok-lawyer"), "/p/legal_home/case?case_id=99")
    assert page.status_code == 404
    assert "没有这个 API 路径" in page.get_data(as_text=True)
