"""The staff's pages: log-in, password, the queues and search, the one-window registration, a
case with its history and actions, the figures, the community's staff. Each page asks the
gateway as the logged-in person; what the API refuses is shown as the API words it."""
import base64
import binascii
import re
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from .app import Page, Redirect

WINDOW = ("receptionist", "station_head", "admin")
MANAGERS = ("station_head", "admin")
PROGRAM_ROLES = ("handler", "program_staff")
OPEN = ("awaiting_assignment", "dispatched", "accepted", "resolved")
CHASEABLE = ("awaiting_assignment", "dispatched", "accepted")
CHANNELS = {"visit": ("来访", "Visit"), "phone": ("电话", "Phone"), "letter": ("信件", "Letter"),
            "web": ("网上", "Web"), "sms": ("短信", "SMS"), "wechat": ("微信", "WeChat"),
            "qq": ("QQ", "QQ"), "mailbox": ("书记信箱", "Secretary's mailbox")}
BEIJING = timezone(timedelta(hours=8))
# the case page's forms: who may see each (as intake's rules name the people of a case) and in
# which statuses; the API decides in the end
ACTIONS = {
    "accept": ({"program", "manager", "owner"}, ("dispatched",)),
    "assign": ({"manager"}, ("awaiting_assignment", "dispatched")),
    "transfer": ({"owner", "manager", "program"}, CHASEABLE),
    "chase": ({"owner", "manager"}, CHASEABLE),
    "resolve": ({"owner", "manager", "program"}, CHASEABLE),
    "reply": ({"owner", "manager"}, ("resolved",)),
    "follow-up": ({"owner", "manager"}, ("replied",)),
    "reopen": ({"owner", "manager"}, ("replied", "closed")),
    "duplicate": ({"owner", "manager"}, OPEN),
    "out-of-scope": ({"owner", "station_head"}, OPEN),
}
# 12345's time limits: a case may be made more urgent than its service at registration
URGENCIES = ("emergency", "utilities", "general", "complex")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DONE = ("password_changed", "registered_ok", "done")


def safe_next(target: str | None) -> str:
    """Only a path of this console (never another site) to go back to after logging in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cases"


# the contact of a member unit (co-building) works only in the program's pages, not the queues
OUTSIDE_STAFF = ("member_unit",)


def start_page(page: Page, staff: dict) -> str:
    """Where a person starts after logging in: the queues, or for a member unit's contact the
    first program page that is theirs."""
    if staff.get("role") not in OUTSIDE_STAFF:
        return "/cases"
    from .programs import menu
    page.me = staff
    return next((url for url, _ in menu(page)), "/password")


def login_url(page: Page) -> str:
    return "/login?next=" + page.request.full_path.rstrip("?") if page.request.method == "GET" \
        else "/login"


def staff_of(page: Page) -> dict:
    """The logged-in person, as the gateway knows them; to the log-in page otherwise, and to
    the password page while the first-login change is pending."""
    if not page.token:
        raise Redirect(login_url(page))
    answer = page.call("GET", "/api/v1/me")
    if answer.status == 401:
        page.set_token(None)
        raise Redirect(login_url(page) + ("&" if "?" in login_url(page) else "?") + "expired=1")
    if not answer.ok:
        raise Refused(answer)
    page.me = answer.body
    if page.me.get("must_change_password") and page.request.path != "/password":
        raise Redirect("/password")
    return page.me


class Refused(Exception):
    def __init__(self, answer):
        self.answer = answer


def refused_page(page: Page, answer) -> Response:
    if answer.status == 401:
        page.set_token(None)
        raise Redirect("/login?expired=1")
    message, fields = answer.problems()
    if isinstance(answer.body, dict) and \
            answer.body.get("error", {}).get("code") == "password_change_required":
        raise Redirect("/password")
    lines = [("error", message or page.t("refused_page"))]
    lines += [("error", f"{name}: {problem}") for name, problem in fields.items()]
    return page.console.render(page, "refused.html", status=answer.status, messages=lines,
                               nav=nav(page))


def guarded(handler):
    """A staff page: a refusal by the API anywhere in it becomes a page saying why."""
    def page_handler(page: Page, **args) -> Response:
        try:
            return handler(page, **args)
        except Refused as exc:
            return refused_page(page, exc.answer)
    page_handler.__name__ = handler.__name__
    return page_handler


def done_messages(page: Page) -> list:
    done = page.request.args.get("done")
    return [("ok", page.t(done))] if done in DONE else []


def nav(page: Page) -> list[tuple[str, str, bool]]:
    me = page.me
    if not me or me.get("must_change_password"):
        return []
    role = me.get("role")
    items = [] if role in OUTSIDE_STAFF else station_items(role)   # else: their program's pages
    from .programs import menu  # the programs' own pages, found at run time
    labelled = [(url, page.t(key)) for url, key in items]
    labelled += menu(page)
    labelled.append(("/password", page.t("change_password")))
    here = page.request.full_path.rstrip("?")
    return [(url, label, url == here or (url == page.request.path and "?" not in url) or
             (url.startswith("/p/") and page.request.path.startswith(url.rsplit("/", 1)[0] + "/")))
            for url, label in labelled]


def station_items(role: str) -> list[tuple[str, str]]:
    """The station's own pages in the menu, as the role may use them."""
    items = []
    if role in WINDOW:
        items.append(("/cases/new", "register"))
    if role in PROGRAM_ROLES:
        items.append(("/cases?queue=program", "program_cases"))
    items.append(("/cases?queue=mine", "my_cases"))
    items.append(("/cases?queue=overdue", "overdue"))
    if role in MANAGERS:
        items += [("/cases?queue=unassigned", "unassigned"),
                  ("/cases?queue=escalated", "escalated")]
    items += [("/cases?queue=all", "all_cases"), ("/figures", "figures")]
    if role == "station_head":
        items.append(("/staff", "staff_title"))
    if role == "admin":
        items += [("/admin/staff", "admin_staff"), ("/admin/keys", "admin_keys"),
                  ("/admin/programs", "admin_programs"), ("/admin/record", "admin_record")]
    return items


def render(page: Page, template: str, status: int = 200, **values) -> Response:
    return page.console.render(page, template, status=status, nav=nav(page), **values)


# -- logging in and out ---------------------------------------------------------------------------

def login(page: Page) -> Response:
    request = page.request
    messages = []
    if request.args.get("expired"):
        messages.append(("error", page.t("session_expired")))
    if request.args.get("bye"):
        messages.append(("ok", page.t("logged_out")))
    username = ""
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        answer = page.call("POST", "/api/v1/auth/token", json={
            "username": username, "password": request.form.get("password", "")})
        if answer.status == 201:
            page.new_session()
            page.set_token(answer.body["token"])
            if answer.body["staff"].get("must_change_password"):
                raise Redirect("/password")
            wanted = request.args.get("next")
            raise Redirect(safe_next(wanted) if wanted else start_page(page, answer.body["staff"]))
        message, fields = answer.problems()
        messages = [("error", message)] + [
            ("error", f"{page.t(n) if n in ('username', 'password') else n}: {p}")
            for n, p in fields.items()]
        status = answer.status
    return render(page, "login.html", status=status, messages=messages, username=username)


def logout(page: Page) -> Response:
    if page.token:
        page.call("POST", "/api/v1/auth/logout")
    page.set_token(None)
    page.new_session()
    raise Redirect("/login?bye=1")


@guarded
def password(page: Page) -> Response:
    me = staff_of(page)
    messages = [("error", page.t("first_login"))] if me.get("must_change_password") else []
    problems: dict = {}
    status = 200
    if page.request.method == "POST":
        form = page.request.form
        if form.get("new_password", "") != form.get("new_password_again", ""):
            problems["new_password_again"] = page.t("passwords_differ")
            status = 422
        else:
            answer = page.call("POST", "/api/v1/auth/password", json={
                "old_password": form.get("old_password", ""),
                "new_password": form.get("new_password", "")})
            if answer.ok:
                page.set_token(answer.body["token"])
                raise Redirect(start_page(page, page.me) + "?done=password_changed")
            message, problems = answer.problems()
            messages = [("error", message)]
            status = answer.status
    return render(page, "password.html", status=status, messages=messages, problems=problems)


# -- queues and search ----------------------------------------------------------------------------

def local_date(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(BEIJING).date().isoformat()


def local_minute(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


# the search form's boxes, each one of the API's parameters (``GET /api/v1/cases``)
SEARCH = ("tracking_code", "phone", "name", "address", "q", "from", "to")
PAGE = 50


@guarded
def cases(page: Page) -> Response:
    me = staff_of(page)
    args = page.request.args
    default = "program" if me.get("role") in PROGRAM_ROLES else "mine"
    queue = args.get("queue", default)
    search = {name: args.get(name, "").strip() for name in SEARCH}
    searching = any(search.values())
    offset = int(args["offset"]) if args.get("offset", "").isdigit() else 0
    params = {"queue": queue if not searching else args.get("queue", "all"), "limit": PAGE,
              "offset": offset, **{k: v for k, v in search.items() if v}}
    answer = page.call("GET", "/api/v1/cases", params=params)
    if answer.status == 422:    # a box the API cannot search by: named beside it
        message, problems = answer.problems()
        return render(page, "cases.html", status=422, messages=[("error", message)],
                      problems=problems, cases=[], title=page.t("search"), queue=queue,
                      search=search, minute=local_minute, pages={})
    if not answer.ok:
        raise Refused(answer)
    titles = {"mine": "my_cases", "overdue": "overdue", "unassigned": "unassigned",
              "escalated": "escalated", "all": "all_cases", "program": "program_cases"}
    pages = {"earlier": page.url_with(offset=str(max(0, offset - PAGE))) if offset else None,
             "later": page.url_with(offset=str(offset + PAGE)) if len(answer.body) == PAGE
             else None}
    return render(page, "cases.html", messages=done_messages(page), cases=answer.body,
                  title=page.t("search") if searching else page.t(titles.get(queue, "all_cases")),
                  queue=queue, search=search, minute=local_minute, problems={}, pages=pages)


# -- registration ---------------------------------------------------------------------------------

def attribute_values(form, service: dict | None) -> dict:
    values: dict = {}
    for attribute in (service or {}).get("attributes") or []:
        code = attribute["code"]
        if attribute.get("datatype") == "multivaluelist":
            chosen = form.getlist(f"attr.{code}")
            if chosen:
                values[code] = chosen
        elif form.get(f"attr.{code}", "").strip():
            values[code] = form.get(f"attr.{code}").strip()
    return values


@guarded
def register(page: Page) -> Response:
    staff_of(page)
    answer = page.call("GET", "/api/v1/services")
    if not answer.ok:
        raise Refused(answer)
    services = answer.body
    form = page.request.form if page.request.method == "POST" else page.request.args
    chosen = next((s for s in services if s["service_code"] == form.get("service_code")), None)
    values = {name: form.get(name, "") for name in (
        "channel", "description", "resident_name", "resident_phone", "resident_contact",
        "address", "urgency")}
    values["request_key"] = form.get("request_key") or uuid.uuid4().hex
    attributes = attribute_values(form, chosen) if page.request.method == "POST" else {}
    messages, problems, check = [], {}, None
    status = 200
    step = form.get("step")
    body = {"channel": values["channel"], "description": values["description"],
            "attributes": attributes}
    for name in ("resident_name", "resident_phone", "resident_contact", "address", "urgency"):
        if values[name].strip():
            body[name] = values[name].strip()
    if chosen:
        body["service_code"] = chosen["service_code"]
    if page.request.method == "POST" and step == "check":
        # what intake would do with it, by intake's own rules; nothing is saved
        seen = page.call("POST", "/api/v1/cases/preview", json=body)
        if seen.ok:
            check = seen.body
        else:
            message, problems = seen.problems()
            messages.append(("error", message))
            status = seen.status
    if page.request.method == "POST" and step == "save":
        saved = page.call("POST", "/api/v1/cases", json=body,
                          headers={"Idempotency-Key": values["request_key"]})
        if saved.ok:
            raise Redirect(f"/cases/{saved.body['id']}?done=registered_ok")
        message, problems = saved.problems()
        messages.append(("error", message))
        status = saved.status
    return render(page, "register.html", status=status, messages=messages, problems=problems,
                  services=services, chosen=chosen, values=values, attributes=attributes,
                  channels=CHANNELS, check=check, urgencies=URGENCIES)


# -- one case -------------------------------------------------------------------------------------

def people(case: dict, me: dict) -> set[str]:
    """What the logged-in person is to the case (as intake's access rules name them)."""
    found = set()
    role = me.get("role")
    if case.get("owner_id") == me.get("id") or (case.get("owner_id") is None and role in WINDOW):
        found.add("owner")
    if case.get("program_id") and case["program_id"] == me.get("program_id") and \
            role in PROGRAM_ROLES:
        found.add("program")
    if role in MANAGERS:
        found.add("manager")
    if role == "station_head":
        found.add("station_head")
    return found


def actions_for(case: dict, me: dict) -> list[str]:
    mine = people(case, me)
    return [name for name, (who, statuses) in ACTIONS.items()
            if case["status"] in statuses and who & mine]


def action_body(action: str, form) -> dict:
    """The API's body for one action, from its small form (empty fields left out)."""
    def text(name: str) -> str | None:
        value = form.get(name, "").strip()
        return value or None

    def yes(name: str) -> bool | None:
        value = form.get(name)
        return None if value is None else value == "yes"
    fields = {"accept": ("handler", "on_behalf_of", "note"), "assign": ("service_code", "note"),
              "transfer": ("service_code", "note"), "chase": ("note",), "resolve": ("result",),
              "reply": ("text",), "follow-up": ("note",), "reopen": ("note",),
              "duplicate": ("duplicate_of",), "out-of-scope": ("explanation", "referral")}
    body = {name: text(name) for name in fields[action] if text(name) is not None}
    if action == "follow-up":
        body.update({"resolved": yes("resolved"), "satisfied": yes("satisfied")})
    if action == "duplicate" and body.get("duplicate_of", "").isdigit():
        body["duplicate_of"] = int(body["duplicate_of"])
    return body


def case_page(page: Page, case_id: int, status: int = 200, messages=None, problems=None,
              open_action: str | None = None, values=None) -> Response:
    me = staff_of(page)
    answer = page.call("GET", f"/api/v1/cases/{case_id}")
    if not answer.ok:
        raise Refused(answer)
    case = answer.body
    actions = actions_for(case, me)
    services = []
    if {"assign", "transfer"} & set(actions):
        listed = page.call("GET", "/api/v1/services")
        services = listed.body if listed.ok else []
    return render(page, "case.html", status=status,
                  messages=(messages or []) + done_messages(page), case=case, actions=actions,
                  services=services, problems=problems or {}, open_action=open_action,
                  values=values or {}, minute=local_minute, may_on_behalf="owner" in people(
                      case, me) or "manager" in people(case, me))


@guarded
def case(page: Page, case_id: int) -> Response:
    return case_page(page, case_id)


@guarded
def case_action(page: Page, case_id: int, action: str) -> Response:
    staff_of(page)
    if action not in ACTIONS:
        return page.console.refusal(page, 404, page.t("refused_page"))
    answer = page.call("POST", f"/api/v1/cases/{case_id}/{action}",
                       json=action_body(action, page.request.form))
    if answer.ok:
        raise Redirect(f"/cases/{case_id}?done=done")
    if answer.status == 401:
        raise Refused(answer)
    message, problems = answer.problems()
    return case_page(page, case_id, status=answer.status, messages=[("error", message)],
                     problems=problems, open_action=action,
                     values=page.request.form.to_dict())


# -- figures --------------------------------------------------------------------------------------

@guarded
def figures(page: Page) -> Response:
    staff_of(page)
    args = page.request.args
    period = {k: args[k] for k in ("from", "to") if args.get(k)}
    tables = {}
    for groups in ("program,month", "program", "month", "community"):
        answer = page.call("GET", "/api/v1/figures", params={"group_by": groups, **period})
        if not answer.ok:
            raise Refused(answer)
        tables[groups] = answer.body["rows"]
    listed = page.call("GET", "/api/v1/programs")
    names = {p["program_id"]: p.get("name") or p["program_id"]
             for p in (listed.body if listed.ok else [])}
    names["unassigned"] = page.t("unassigned_program")
    return render(page, "figures.html", tables=tables, names=names, period=period,
                  export_url="/figures/export" + (
                      "?" + urlencode(period) if period else ""),
                  rates=("response_rate", "resolution_rate", "satisfaction_rate",
                         "on_time_rate"))


def figures_export(page: Page) -> Response:
    """The figures' spreadsheet, as intake makes it (base64 in JSON), served as the file."""
    staff_of(page)
    args = page.request.args
    period = {k: args[k] for k in ("from", "to") if args.get(k)}
    answer = page.call("GET", "/api/v1/figures/export", params=period)
    if not answer.ok:
        raise Refused(answer)
    try:
        content = base64.b64decode(answer.body["content_base64"], validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error):
        return page.console.refusal(page, 502, page.t("refused_page"))
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", str(answer.body.get("filename") or "")) \
        or "figures.xlsx"
    response = Response(content, content_type=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- the community's staff (managers, as the API allows) ------------------------------------------

@guarded
def staff_list(page: Page) -> Response:
    staff_of(page)
    answer = page.call("GET", "/api/v1/staff")
    if not answer.ok:
        raise Refused(answer)
    return render(page, "staff.html", people=answer.body)


ROUTES = [
    ("/login", ["GET", "POST"], login),
    ("/logout", ["POST"], logout),
    ("/password", ["GET", "POST"], password),
    ("/cases", ["GET"], cases),
    ("/cases/new", ["GET", "POST"], register),
    ("/cases/<int:case_id>", ["GET"], case),
    ("/cases/<int:case_id>/<action>", ["POST"], case_action),
    ("/figures", ["GET"], figures),
    ("/figures/export", ["GET"], guarded(figures_export)),
    ("/staff", ["GET"], staff_list),
]
