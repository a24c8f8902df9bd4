"""The programs' own pages: each live program declares them in its ``pages.yaml`` (see
``minzi.pages``) and serves them at ``GET /console/pages`` of its staff API; this module finds
them at run time and renders them in the console's layout, calling the program's API as the
logged-in person. A program added to the suite shows its pages in the menu once it is live,
with no change here; what it declares is data (paths, labels, boxes), never HTML or script.

    /p/<program_id>/<page_id>?<param>=<value>            a page
    /p/<program_id>/<page_id>/<section>[/<action>]        POST: a form, or a row's action
"""
import itertools
import logging
import re
import time
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from marshmallow import ValidationError
from werkzeug.wrappers import Response

from minzi.pages import PAGES_PATH, PLACEHOLDER, Pages, fill

from .app import Page, Redirect
from .staff import BEIJING, PROGRAM_ROLES, Refused, guarded, render, staff_of

_log = logging.getLogger(__name__)
API = "/api/v1/programs/"
PROGRAMS_SECONDS = 15     # how long the list of live programs is kept before asking again
PAGES_SECONDS = 60        # how long a program's pages are kept (they change when it is deployed)
_VALUE = re.compile(r"^[^\x00-\x1f/\\]{1,100}$")
_ROW = "row."             # a row's value, sent back with its action


class Cache:
    """Answers kept for a few seconds, so the menu does not ask every program on every page."""

    def __init__(self) -> None:
        self.kept: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any, seconds: float, make) -> Any:
        """``make()``'s value, kept ``seconds``; a value of None (no answer) is not kept."""
        now = time.monotonic()
        hit = self.kept.get(key)
        if hit and hit[0] > now:
            return hit[1]
        value = make()
        if value is not None:
            self.kept[key] = (now + seconds, value)
        return value


def words(value: dict | None, lang: str) -> str:
    if not value:
        return ""
    return (value.get("en") if lang == "en" else None) or value.get("zh") or ""


def live_programs(page: Page) -> list[dict]:
    def ask() -> list[dict] | None:
        answer = page.console.gateway.call("GET", "/api/v1/programs", page.lang)
        if answer.status >= 500:     # asked again next time
            return None
        body = answer.body if answer.ok and isinstance(answer.body, list) else []
        return [p for p in body if p.get("live")]
    return page.console.cache.get(("programs", page.lang), PROGRAMS_SECONDS, ask) or []


def pages_of(page: Page, program_id: str) -> list[dict]:
    def ask() -> list[dict] | None:
        answer = page.console.gateway.call("GET", API + quote(program_id) + PAGES_PATH,
                                           page.lang)
        if answer.status >= 500:     # the program is starting or stopping: asked again next time
            return None
        body = answer.body if answer.ok and isinstance(answer.body, dict) else {}
        try:
            # what a program declares is checked as anything else it sends: a program of
            # another version or another community's cannot break the console
            return Pages().load({"pages": body.get("pages") or []})["pages"]
        except ValidationError as exc:
            _log.warning("the pages of %s are not valid, not shown: %s", program_id, exc.messages)
            return []
    return page.console.cache.get(("pages", program_id), PAGES_SECONDS, ask) or []


def may_see(me: dict, program_id: str, spec: dict) -> bool:
    """A program's own staff see their own program's pages; others as the page's roles say (the
    program's API decides in the end). Residents' pages are on the residents' side."""
    role = me.get("role")
    if spec["public"]:
        return False
    if role in PROGRAM_ROLES and me.get("program_id") != program_id:
        return False
    return not spec["roles"] or role in spec["roles"]


def menu(page: Page) -> list[tuple[str, str]]:
    """(url, the program's name) of each live program with a page for this person."""
    me = page.me or {}
    items = []
    for program in live_programs(page):
        program_id = program["program_id"]
        first = next((spec for spec in pages_of(page, program_id)
                      if not spec["params"] and may_see(me, program_id, spec)), None)
        if first:
            items.append((f"/p/{program_id}/{first['id']}", program.get("name") or program_id))
    return items


# -- reading values --------------------------------------------------------------------------------

def dig(value: Any, path: str | None) -> Any:
    """``resident.name`` of a record (a digit picks a list's item); None where it is missing."""
    if not path:
        return value
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def holds(when: dict | None, record: Any) -> bool:
    """Whether a ``when`` holds for a row or a record (no ``when``: always)."""
    return when is None or dig(record, when["field"]) in when["values"]


def items_of(body: Any, where: str | None) -> list:
    found = dig(body, where) if where else (body if isinstance(body, list) else dig(body, "items"))
    return found if isinstance(found, list) else []


def shown(value: Any, column: dict, lang: str) -> str:
    """A value as a person reads it, by the column's format."""
    kind = column["format"]
    if kind == "count" and isinstance(value, (list, dict)):
        return str(len(value))
    if value is None or value in ("", [], {}):
        return "—"
    text = str(value)
    if column["labels"].get(text):
        return words(column["labels"][text], lang)
    try:
        if kind == "datetime":
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone(BEIJING)
            return moment.strftime("%Y-%m-%d %H:%M")
        if kind == "date":
            return text[:10]
    except ValueError:
        return text
    if kind == "money":
        return f"{text} 元" if lang == "zh" else f"{text} yuan"
    if kind == "yesno" or isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    plain = {**column, "format": "text", "labels": {}}
    if isinstance(value, list):
        return "、".join(shown(each, plain, lang) for each in value)
    if isinstance(value, dict):
        # a record named by its name, else each part in words ("colour: 黑 → 白")
        named = value.get("name") or value.get("title")
        if named:
            return str(named)
        if set(value) == {"from", "to"}:
            return f"{shown(value['from'], plain, lang)} → {shown(value['to'], plain, lang)}"
        return "；".join(f"{key}: {shown(each, plain, lang)}" for key, each in value.items())
    return text


# -- what a form sends ----------------------------------------------------------------------------

def put(body: dict, name: str, value: Any) -> None:
    """``visitor.name`` into ``{"visitor": {"name": …}}``, ``slots.0.at`` into a list."""
    parts = name.split(".")
    here: Any = body
    for part, after in itertools.pairwise(parts):
        key = int(part) if isinstance(here, list) else part
        if isinstance(here, list):
            while len(here) <= key:
                here.append(None)
        if (here[key] if isinstance(here, list) else here.get(key)) is None:
            here[key] = [] if after.isdigit() else {}
        here = here[key]
    last = parts[-1]
    if isinstance(here, list):
        while len(here) <= int(last):
            here.append(None)
        here[int(last)] = value
    else:
        here[last] = value


def value_of(box: dict, form) -> tuple[bool, Any]:
    """(whether to send it, the value) of one box; an empty box is left out, so the API's
    default holds. Numbers that are not numbers go as typed: the API names the field."""
    if box["type"] == "checkbox":
        return True, box["name"] in form
    raw = (form.get(box["name"]) or "").strip()
    if not raw:
        return False, None
    if box["type"] == "integer" and re.fullmatch(r"-?\d{1,15}", raw):
        return True, int(raw)
    if box["type"] == "number" and re.fullmatch(r"-?\d{1,15}(\.\d{1,6})?", raw):
        return True, float(raw) if "." in raw else int(raw)
    if box["type"] == "ids":
        return True, [int(p) if p.isdigit() else p for p in re.split(r"[\s,，、]+", raw) if p]
    return True, raw


def body_of(inputs: list[dict], constants: dict, form) -> dict:
    body: dict = {}
    for name, value in constants.items():
        put(body, name, value)
    for box in inputs:
        send, value = value_of(box, form)
        if send:
            put(body, box["name"], value)
    return body


# -- a page ---------------------------------------------------------------------------------------

def find(page: Page, program_id: str, page_id: str) -> dict:
    me = staff_of(page)
    spec = next((p for p in pages_of(page, program_id) if p["id"] == page_id), None)
    if spec is None or not may_see(me, program_id, spec):
        raise Refused(_missing(page))
    return spec


def _missing(page: Page):
    from .gateway import Answer
    return Answer(404, {"error": {"message": page.t("refused_page")}})


def page_params(page: Page, spec: dict) -> dict[str, str]:
    values = {}
    for name in spec["params"]:
        value = page.request.args.get(name, "")
        if not _VALUE.match(value):
            raise Refused(_missing(page))
        values[name] = value
    return values


def base(public: bool) -> str:
    return "/r/p" if public else "/p"


def page_url(program_id: str, spec_id: str, params: dict, public: bool = False) -> str:
    return f"{base(public)}/{program_id}/{spec_id}" + ("?" + urlencode(params) if params else "")


def link_url(program_id: str, link: dict, row: Any, public: bool = False) -> str | None:
    params = {name: dig(row, field) for name, field in link["params"].items()}
    if any(value in (None, "") for value in params.values()):
        return None
    return page_url(program_id, link["page"], params, public)


def refusal_words(page: Page, answer) -> str:
    """The API's refusal with each field it names (a filter the API could not read)."""
    message, problems = answer.problems()
    named = "；".join(problem if name == "_schema" else f"{name}: {problem}"
                     for name, problem in problems.items())
    return "：".join(part for part in (message or page.t("refused_page"), named) if part)


def call_api(page: Page, program_id: str, method: str, path: str, **kwargs):
    """The program's API as the logged-in person; on a resident's page as the public (never
    with a staff token the browser may also hold), for the console's community."""
    if getattr(page, "public_view", False):
        params = {**(kwargs.pop("params", None) or {}), "community": page.console.community}
        return page.console.gateway.call(method, API + quote(program_id) + path, page.lang,
                                         forwarded_for=page.forwarded_for, params=params,
                                         **kwargs)
    return page.call(method, API + quote(program_id) + path, **kwargs)


def choices(page: Page, program_id: str, box: dict) -> list[tuple[str, str]]:
    if box["options"]:
        return [(o["value"], words(o["label"], page.lang)) for o in box["options"]]
    source = box["options_from"]
    answer = call_api(page, program_id, "GET", source["source"])
    rows = items_of(answer.body, source["items"]) if answer.ok else []
    return [(str(dig(row, source["value"])), str(dig(row, source["label"]) or "")) for row in rows]


def box_view(page: Page, program_id: str, box: dict, values: dict, problems: dict) -> dict:
    name = box["name"]
    return {"name": name, "label": words(box["label"], page.lang), "type": box["type"],
            "required": box["required"], "help": words(box["help"], page.lang),
            "value": values.get(name, ""), "checked": bool(values.get(name)),
            "problem": problems.get(name) or problems.get(name.split(".")[0]),
            "choices": choices(page, program_id, box) if box["type"] == "select" else []}


def rows_view(page: Page, program_id: str, spec: dict, rows: list, columns: list[dict],
              actions: list[dict], first_action: int, link: dict | None,
              params: dict) -> list[dict]:
    made, public = [], getattr(page, "public_view", False)
    for row in rows:
        cells = [shown(dig(row, c["field"]), c, page.lang) for c in columns]
        buttons = []
        for number, action in enumerate(actions, first_action):
            if not holds(action["when"], row):
                continue
            names = PLACEHOLDER.findall(action["path"])
            hidden = {name: dig(row, name) if dig(row, name) is not None else params.get(name)
                      for name in names}
            if any(value in (None, "") for value in hidden.values()):
                continue
            buttons.append({"number": number, "label": words(action["label"], page.lang),
                            "confirm": words(action["confirm"], page.lang),
                            "hidden": {_ROW + k: v for k, v in hidden.items()},
                            "boxes": [box_view(page, program_id, b, {}, {})
                                      for b in action["inputs"]]})
        made.append({"cells": cells, "buttons": buttons,
                     "link": link_url(program_id, link, row, public) if link else None})
    return made


def sections_view(page: Page, program_id: str, spec: dict, params: dict,
                  failed: dict | None = None) -> list[dict]:
    made = []
    lang = page.lang
    failed = failed or {}
    record_body = None    # the page's record, which decides the forms shown under it
    for number, section in enumerate(spec["sections"]):
        mine = failed.get("section") == number
        values = failed.get("values", {}) if mine else {}
        problems = failed.get("problems", {}) if mine else {}
        if section.get("form"):
            form = section["form"]
            if form["when"] and not holds(form["when"], record_body):
                continue
            made.append({"kind": "form", "number": number, "title": words(form["title"], lang),
                         "submit": words(form["submit"], lang) or words(form["title"], lang),
                         "confirm": words(form["confirm"], lang),
                         "boxes": [box_view(page, program_id, b, values, problems)
                                   for b in form["inputs"]]})
            continue
        part = section.get("table") or section.get("record")
        query = {box["name"]: page.request.args[box["name"]] for box in part["filters"]
                 if page.request.args.get(box["name"])}
        answer = call_api(page, program_id, "GET", fill(part["source"], params), params=query)
        filters = [box_view(page, program_id, b, query, {}) for b in part["filters"]]
        if section.get("record"):
            if not answer.ok:
                raise Refused(answer)
            record, body = section["record"], answer.body
            record_body = body
            lists, first = [], 0
            for each in record["lists"]:
                lists.append({"title": words(each["title"], lang),
                              "headers": [words(c["label"], lang) for c in each["columns"]],
                              "rows": rows_view(page, program_id, spec,
                                                items_of(body, each["field"]), each["columns"],
                                                each["actions"], first, None, params)})
                first += len(each["actions"])
            made.append({"kind": "record", "number": number, "title": words(record["title"], lang),
                         "filters": filters, "params": params,
                         "pairs": [(words(c["label"], lang), shown(dig(body, c["field"]), c, lang))
                                   for c in record["show"]], "lists": lists})
            continue
        table = section["table"]
        error = None if answer.ok else refusal_words(page, answer)
        rows = items_of(answer.body, table["items"]) if answer.ok else []
        made.append({"kind": "table", "number": number, "title": words(table["title"], lang),
                     "filters": filters, "params": params, "error": error,
                     "empty": words(table["empty"], lang) or page.t("nothing_here"),
                     "headers": [words(c["label"], lang) for c in table["columns"]],
                     "has_actions": bool(table["actions"]),
                     "rows": rows_view(page, program_id, spec, rows, table["columns"],
                                       table["actions"], 0, table["link"], params)})
    return made


def show(page: Page, program_id: str, spec: dict, params: dict, status: int = 200,
         messages: list | None = None, failed: dict | None = None) -> Response:
    me, public = page.me or {}, spec["public"]
    tabs = [(page_url(program_id, p["id"], {}, public), words(p["title"], page.lang),
             p["id"] == spec["id"]) for p in pages_of(page, program_id)
            if not p["params"] and (p["public"] if public else may_see(me, program_id, p))]
    program = next((p for p in live_programs(page) if p["program_id"] == program_id), {})
    if page.request.args.get("done") == "saved":
        messages = [("ok", page.t("done")), *(messages or [])]
    values = {"status": status, "messages": messages or [],
              "title": words(spec["title"], page.lang),
              "program_name": program.get("name") or program_id, "program_id": program_id,
              "tabs": tabs, "page_id": spec["id"], "base": base(public),
              "query": ("?" + urlencode(params)) if params else "",
              "sections": sections_view(page, program_id, spec, params, failed)}
    if public:
        return page.console.render(page, "program_page.html", nav=[], **values)
    return render(page, "program_page.html", **values)


@guarded
def program_page(page: Page, program_id: str, page_id: str) -> Response:
    spec = find(page, program_id, page_id)
    return show(page, program_id, spec, page_params(page, spec))


@guarded
def program_post(page: Page, program_id: str, page_id: str, section: int,
                 action: int | None = None) -> Response:
    spec = find(page, program_id, page_id)
    params = page_params(page, spec)
    if section >= len(spec["sections"]):
        raise Refused(_missing(page))
    part = spec["sections"][section]
    form = page.request.form
    if action is None:
        declared = part.get("form")
        if declared is None:
            raise Refused(_missing(page))
        values = params
    else:
        whole = part.get("table") or part.get("record") or {}
        actions = whole.get("actions", []) + [a for each in whole.get("lists", [])
                                              for a in each["actions"]]
        if part.get("form") or action >= len(actions):
            raise Refused(_missing(page))
        declared = actions[action]
        values = {**params, **{key[len(_ROW):]: value for key, value in form.items()
                               if key.startswith(_ROW) and _VALUE.match(value)}}
    try:
        path = fill(declared["path"], values)
    except KeyError:
        raise Refused(_missing(page)) from None
    body = body_of(declared["inputs"], declared["body"], form)
    key = form.get("idempotency_key", "")
    headers = {"Idempotency-Key": key} if re.fullmatch(r"[0-9a-f\-]{36}", key) else None
    answer = call_api(page, program_id, declared["method"], path, json=body, headers=headers)
    if answer.ok:
        link = declared.get("then")
        target = (link_url(program_id, link, answer.body) if link else None) or \
            page_url(program_id, spec["id"], params)
        raise Redirect(target + ("&" if "?" in target else "?") + "done=saved")
    if answer.status == 401:
        raise Refused(answer)
    message, problems = answer.problems()
    lines = [("error", message or page.t("refused_page"))]
    boxes = {box["name"] for box in declared["inputs"]}
    # what no box of the form can show (a row's button has none; a rule about the whole form)
    lines += [("error", problem if name == "_schema" else f"{name}: {problem}")
              for name, problem in problems.items()
              if action is not None or (name not in boxes and name.split(".")[0] not in
                                        {b.split(".")[0] for b in boxes})]
    submitted = {box["name"]: (box["name"] in form if box["type"] == "checkbox"
                               else form.get(box["name"], "")) for box in declared["inputs"]}
    return show(page, program_id, spec, params, status=answer.status, messages=lines,
                failed={"section": section, "values": submitted, "problems": problems}
                if action is None else None)


def public_menu(page: Page) -> list[tuple[str, str, str]]:
    """(url, the program's name, the page's title) of each live program's residents' pages."""
    found = []
    for program in live_programs(page):
        program_id = program["program_id"]
        found += [(page_url(program_id, spec["id"], {}, True), program.get("name") or program_id,
                   words(spec["title"], page.lang)) for spec in pages_of(page, program_id)
                  if spec["public"] and not spec["params"]]
    return found


def resident_page(page: Page, program_id: str, page_id: str) -> Response:
    """A program's page for residents: no account, read only, the console's community."""
    page.public_view = True
    live = any(p["program_id"] == program_id for p in live_programs(page))
    spec = next((p for p in pages_of(page, program_id) if p["id"] == page_id and p["public"]),
                None) if live else None
    try:
        if spec is None:
            raise Refused(_missing(page))
        return show(page, program_id, spec, page_params(page, spec))
    except Refused as exc:
        message = exc.answer.problems()[0] or page.t("refused_page")
        return page.console.render(page, "refused.html", status=exc.answer.status, nav=[],
                                   messages=[("error", message)])


ROUTES = [
    ("/r/p/<program_id>/<page_id>", ["GET"], resident_page),
    ("/p/<program_id>/<page_id>", ["GET"], program_page),
    ("/p/<program_id>/<page_id>/<int:section>", ["POST"], program_post),
    ("/p/<program_id>/<page_id>/<int:section>/<int:action>", ["POST"], program_post),
]
