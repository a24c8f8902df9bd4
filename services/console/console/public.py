"""The residents' pages, without an account: ask for help (Open311, with the console's own
api_key), follow a request by its private tracking code, rate the reply once, and the public
figures. They send no staff token, and show only what the code's holder may see."""
import re

from werkzeug.wrappers import Response

from .app import Page
from .staff import local_minute

CODE = re.compile(r"(?:查询码|tracking code)\s*([A-Za-z0-9]+)")


def render(page: Page, template: str, status: int = 200, **values) -> Response:
    return page.console.render(page, template, status=status, nav=[], minute=local_minute,
                               **values)


def public_call(page: Page, method: str, path: str, **kwargs):
    """The gateway as the public: never with the staff token a browser may also hold."""
    return page.console.gateway.call(method, path, page.lang, forwarded_for=page.forwarded_for,
                                     **kwargs)


def home(page: Page) -> Response:
    from .programs import public_menu  # each live program's pages for residents
    return render(page, "home.html", program_pages=public_menu(page))


def open311_services(page: Page) -> tuple[list[dict], str | None]:
    answer = public_call(page, "GET", "/open311/v2/services.json",
                         params={"jurisdiction_id": page.console.community})
    if not answer.ok:
        return [], answer.problems()[0]
    return answer.body, None


def definition(page: Page, code: str) -> tuple[dict | None, str | None]:
    answer = public_call(page, "GET", f"/open311/v2/services/{code}.json",
                         params={"jurisdiction_id": page.console.community})
    if not answer.ok:
        return None, answer.problems()[0]
    return answer.body, None


def request_form(page: Page) -> Response:
    """Step one: which kind of problem; step two: its questions, the address, the phone."""
    if not page.console.open311_key:
        return render(page, "request.html", messages=[("error", page.t("resident_unavailable"))],
                      services=[], chosen=None, values={}, problems={})
    form = page.request.form if page.request.method == "POST" else page.request.args
    code = form.get("service_code", "")
    services, problem = open311_services(page)
    messages = [("error", problem)] if problem else []
    if not services and not problem:
        messages.append(("error", page.t("not_offered")))
    chosen = next((s for s in services if s["service_code"] == code), None)
    spec = None
    if chosen:
        spec, problem = definition(page, code)
        if problem:
            messages.append(("error", problem))
    values = {name: form.get(name, "") for name in ("description", "address_string", "phone",
                                                    "first_name")}
    status = 200
    if page.request.method == "POST" and chosen:
        data = {"api_key": page.console.open311_key, "jurisdiction_id": page.console.community,
                "service_code": code, **{k: v.strip() for k, v in values.items() if v.strip()}}
        for attribute in (spec or {}).get("attributes") or []:
            name = f"attribute[{attribute['code']}]"
            if attribute.get("datatype") == "multivaluelist":
                chosen_values = form.getlist(name)
                if chosen_values:
                    data[name + "[]"] = chosen_values
            elif form.get(name, "").strip():
                data[name] = form.get(name).strip()
        answer = public_call(page, "POST", "/open311/v2/requests.json", data=data)
        if answer.status == 201:
            notice = answer.body[0].get("service_notice", "")
            found = CODE.search(notice)
            return render(page, "thanks.html", code=found.group(1) if found else None,
                          notice=notice)
        messages.append(("error", answer.problems()[0]))
        status = answer.status
    return render(page, "request.html", status=status, messages=messages, services=services,
                  chosen=chosen, spec=spec, values=values, form=form)


def show_tracking(page: Page, code: str, messages=None, status: int = 200) -> Response:
    answer = public_call(page, "GET", f"/api/v1/track/{code}")
    if not answer.ok:
        return render(page, "track.html", status=answer.status, code=code, view=None,
                      messages=(messages or []) + [("error", answer.problems()[0])])
    return render(page, "track.html", status=status, code=code, view=answer.body,
                  messages=messages or [])


def track(page: Page) -> Response:
    """The tracking code travels in the form's body, never in an address (it would stay in
    the browser's history and the servers' logs)."""
    if page.request.method == "POST":
        code = re.sub(r"\s", "", page.request.form.get("code", "")).upper()
        if code:
            return show_tracking(page, code)
    return render(page, "track.html", code="", view=None)


def feedback(page: Page) -> Response:
    form = page.request.form
    code = re.sub(r"\s", "", form.get("code", "")).upper()
    body = {"resolved": form.get("resolved") == "yes", "satisfied": form.get("satisfied") == "yes",
            "reopen": form.get("reopen") == "yes"}
    if form.get("comment", "").strip():
        body["comment"] = form["comment"].strip()
    answer = public_call(page, "POST", f"/api/v1/track/{code}/feedback", json=body)
    if answer.ok:
        return show_tracking(page, code, messages=[("ok", page.t("rated"))])
    return show_tracking(page, code, messages=[("error", answer.problems()[0])],
                         status=answer.status)


def program_page(page: Page, template: str, path: str, params: dict | None = None,
                 **values) -> Response:
    """A program's public figures, asked of the program through the gateway for the console's
    community; a program that is not running says so, in its own words."""
    answer = public_call(page, "GET", f"/api/v1/programs/{path}",
                         params={"community": page.console.community, **(params or {})})
    if not answer.ok:
        return render(page, template, status=answer.status, report=None,
                      messages=[("error", answer.problems()[0])], **values)
    return render(page, template, report=answer.body, **values)


def cat_fund(page: Page) -> Response:
    return program_page(page, "cat_fund.html", "cat_fund/report")


def matchmaking(page: Page) -> Response:
    args = page.request.args
    period = {k: args[k] for k in ("from", "to") if args.get(k)}
    return program_page(page, "matchmaking.html", "matchmaking/figures", period, period=period)


FAIRS_SHOWN = 10


def job_fair(page: Page) -> Response:
    """Each fair's figures, the latest fairs first."""
    listed = public_call(page, "GET", "/api/v1/programs/job_fair/fairs",
                         params={"community": page.console.community})
    if not listed.ok:
        return render(page, "job_fair.html", status=listed.status, fairs=[],
                      messages=[("error", listed.problems()[0])])
    fairs = sorted(listed.body["items"], key=lambda f: (f["day"], f["id"]),
                   reverse=True)[:FAIRS_SHOWN]
    shown, messages = [], []
    for fair in fairs:
        answer = public_call(page, "GET", f"/api/v1/programs/job_fair/fairs/{fair['id']}/figures",
                             params={"community": page.console.community})
        if answer.ok:
            shown.append(answer.body)
        else:
            messages.append(("error", answer.problems()[0]))
    return render(page, "job_fair.html", fairs=shown, messages=messages)


ROUTES = [
    ("/", ["GET"], home),
    ("/r/new", ["GET", "POST"], request_form),
    ("/r/track", ["GET", "POST"], track),
    ("/r/feedback", ["POST"], feedback),
    ("/r/cat-fund", ["GET"], cat_fund),
    ("/r/matchmaking", ["GET"], matchmaking),
    ("/r/job-fair", ["GET"], job_fair),
]
