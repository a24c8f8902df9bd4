"""A program's pages in the staff console, declared, not written: ``pages.yaml`` beside the
manifest names the program's pages, and each page's tables, records and forms as calls to the
program's own staff API. The console renders them in the shared layout, as the logged-in
person, so a program brings its pages with no HTML of its own (nothing it writes runs in a
staff member's browser) and without any change to the console.

    pages:
      - id: cases
        title: {zh: 转来的案件, en: Cases from intake}
        roles: [program_staff, handler, admin]      # who finds it in the menu; the API decides
        sections:
          - table:
              source: /cases                        # GET on the program's staff API
              filters: [{name: status, label: {zh: 状态}, type: select, options: [...]}]
              columns: [{field: tracking_code, label: {zh: 受理编号}},
                        {field: resident.name, label: {zh: 居民}}]
              link: {page: case, params: {case_id: id}}   # a row opens another page
      - id: case
        title: {zh: 案件, en: A case}
        params: [case_id]                           # /p/legal_aid/case?case_id=12; not in the menu
        sections:
          - record: {source: "/cases/{case_id}", show: [...], lists: [...]}
          - form: {title: {zh: 办结}, path: "/cases/{case_id}/resolve", inputs: [...]}

The program kit (``minzi.program.Program``) serves the pages at ``GET /console/pages`` of the
program's API (to anyone: a page's shape holds no one's data) and checks, when the service class
is defined, that every path named is a route of the program with that method: a mistake fails
the program's start and its tests, not a user's click.
"""
import re
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

PAGES_FILE = "pages.yaml"
PAGES_PATH = "/console/pages"
NAME = validate.Regexp(r"^[a-z][a-z0-9_\-]{0,40}$", error="lowercase letters, digits, _ or -, "
                       "starting with a letter")
FIELD = validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_]{0,60}(\.([A-Za-z_][A-Za-z0-9_]{0,60}|\d)){0,3}$",
                        error="a field name, or names joined by dots for a nested one "
                              "(a digit for a list's item: slots.0.lawyer_id)")
# segments of letters, digits, _ and -, or a {name}: never "..", "//" or another site, so a page
# reaches nothing but its own program's API
API_PATH = validate.Regexp(r"^(/([A-Za-z0-9_\-]{1,60}|\{[A-Za-z_][\w.]{0,60}\})){1,10}$",
                           error="a path of the program's API: segments of letters, digits, _ "
                                 "or -, or {{name}} for a value")
INPUT_TYPES = ("text", "textarea", "integer", "number", "money", "date", "datetime", "select",
               "checkbox", "ids", "phone")
FORMATS = ("text", "date", "datetime", "money", "yesno", "list", "count")
METHODS = ("POST", "PUT", "PATCH", "DELETE")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Words(Strict):
    zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    en = fields.String(load_default=None, validate=validate.Length(min=1, max=200))


class Option(Strict):
    value = fields.String(required=True, validate=validate.Length(min=1, max=100))
    label = fields.Nested(Words, required=True)


class Choices(Strict):
    """A select's options read from the program's API: ``{source: /lawyers, items: items,
    value: id, label: name}``."""
    source = fields.String(required=True, validate=API_PATH)
    items = fields.String(load_default=None, validate=FIELD)
    value = fields.String(required=True, validate=FIELD)
    label = fields.String(required=True, validate=FIELD)


class Input(Strict):
    """A box of a form or a filter; ``name`` with dots makes a nested object in the body."""
    name = fields.String(required=True, validate=FIELD)
    label = fields.Nested(Words, required=True)
    type = fields.String(load_default="text", validate=validate.OneOf(INPUT_TYPES))
    required = fields.Boolean(load_default=False)
    options = fields.List(fields.Nested(Option), load_default=list)
    options_from = fields.Nested(Choices, load_default=None)
    help = fields.Nested(Words, load_default=None)

    @validates_schema
    def _options(self, data, **_):
        has = bool(data.get("options")) or bool(data.get("options_from"))
        if (data.get("type") == "select") != has:
            raise ValidationError("a select has options (or options_from), and only a select",
                                  "options")


class Column(Strict):
    field = fields.String(required=True, validate=FIELD)
    label = fields.Nested(Words, required=True)
    format = fields.String(load_default="text", validate=validate.OneOf(FORMATS))
    # a code's words: {accepted: {zh: 已接收, en: Accepted}}
    labels = fields.Dict(keys=fields.String(), values=fields.Nested(Words), load_default=dict)


class Link(Strict):
    page = fields.String(required=True, validate=NAME)
    # the linked page's parameters, each from a field of the row (or of the form's answer)
    params = fields.Dict(keys=fields.String(validate=NAME), values=fields.String(validate=FIELD),
                         load_default=dict)


class When(Strict):
    """Shown only while a field has one of these values: ``{field: status, values: [accepted]}``
    (a row's field for a row's action, the page's record's for a form)."""
    field = fields.String(required=True, validate=FIELD)
    # null: while the field is empty ("not yet reversed")
    values = fields.List(fields.Raw(allow_none=True), required=True,
                         validate=validate.Length(min=1, max=50))


# values a form or an action always sends: {active: false}
CONSTANTS = fields.Dict(keys=fields.String(validate=FIELD), load_default=dict)


class Action(Strict):
    """A button on each row of a table: ``{name}`` in the path is the row's field (or else the
    page's parameter of that name)."""
    label = fields.Nested(Words, required=True)
    method = fields.String(load_default="POST", validate=validate.OneOf(METHODS))
    path = fields.String(required=True, validate=API_PATH)
    inputs = fields.List(fields.Nested(Input), load_default=list)
    body = CONSTANTS
    confirm = fields.Nested(Words, load_default=None)   # asked before the row's action is sent
    when = fields.Nested(When, load_default=None)


class Table(Strict):
    title = fields.Nested(Words, load_default=None)
    source = fields.String(required=True, validate=API_PATH)
    items = fields.String(load_default=None, validate=FIELD)   # where the list is in the answer
    filters = fields.List(fields.Nested(Input), load_default=list)
    columns = fields.List(fields.Nested(Column), required=True, validate=validate.Length(min=1))
    link = fields.Nested(Link, load_default=None)
    actions = fields.List(fields.Nested(Action), load_default=list)
    empty = fields.Nested(Words, load_default=None)


class SubList(Strict):
    """A list inside a record (a case's history, a day's slots)."""
    field = fields.String(required=True, validate=FIELD)
    title = fields.Nested(Words, required=True)
    columns = fields.List(fields.Nested(Column), required=True, validate=validate.Length(min=1))
    actions = fields.List(fields.Nested(Action), load_default=list)


class Record(Strict):
    title = fields.Nested(Words, load_default=None)
    source = fields.String(required=True, validate=API_PATH)
    filters = fields.List(fields.Nested(Input), load_default=list)
    show = fields.List(fields.Nested(Column), required=True, validate=validate.Length(min=1))
    lists = fields.List(fields.Nested(SubList), load_default=list)


class Form(Strict):
    title = fields.Nested(Words, required=True)
    method = fields.String(load_default="POST", validate=validate.OneOf(METHODS))
    path = fields.String(required=True, validate=API_PATH)
    inputs = fields.List(fields.Nested(Input), load_default=list)
    body = CONSTANTS
    submit = fields.Nested(Words, load_default=None)
    then = fields.Nested(Link, load_default=None)   # where to go after it succeeds
    confirm = fields.Nested(Words, load_default=None)
    when = fields.Nested(When, load_default=None)


class Section(Strict):
    table = fields.Nested(Table, load_default=None)
    record = fields.Nested(Record, load_default=None)
    form = fields.Nested(Form, load_default=None)

    @validates_schema
    def _one(self, data, **_):
        if sum(1 for kind in ("table", "record", "form") if data.get(kind)) != 1:
            raise ValidationError("a section is one table, record or form", "_schema")


class Page(Strict):
    id = fields.String(required=True, validate=NAME)
    title = fields.Nested(Words, required=True)
    roles = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                        load_default=list)
    params = fields.List(fields.String(validate=NAME), load_default=list)
    # a resident's page (no account): read only, from the API's public routes, listed on the
    # residents' home page
    public = fields.Boolean(load_default=False)
    sections = fields.List(fields.Nested(Section), required=True,
                           validate=validate.Length(min=1))

    @validates_schema
    def _read_only_for_residents(self, data, **_):
        if not data.get("public"):
            return
        for section in data.get("sections", []):
            part = section.get("table") or section.get("record") or {}
            if section.get("form") or part.get("actions") or any(
                    each["actions"] for each in part.get("lists", [])):
                raise ValidationError("a public page only shows: no form, no button", "public")
        if data.get("roles"):
            raise ValidationError("a public page is for everyone: no roles", "roles")


class Pages(Strict):
    pages = fields.List(fields.Nested(Page), required=True)

    @validates_schema
    def _links(self, data, **_):
        pages = {page["id"]: page for page in data.get("pages", [])}
        if len(pages) != len(data.get("pages", [])):
            raise ValidationError("page ids must be unique", "pages")
        for page in pages.values():
            for where, link in _links(page):
                target = pages.get(link["page"])
                if target is None:
                    raise ValidationError(f"{page['id']}: {where} links to no page "
                                          f"'{link['page']}'", "pages")
                if page["public"] and not target["public"]:
                    raise ValidationError(f"{page['id']}: {where} links a resident to a staff "
                                          f"page '{link['page']}'", "pages")
                if set(link["params"]) != set(target["params"]):
                    raise ValidationError(f"{page['id']}: {where} gives {sorted(link['params'])}"
                                          f", page '{target['id']}' takes "
                                          f"{sorted(target['params'])}", "pages")


def _links(page: dict):
    for number, section in enumerate(page["sections"], 1):
        link = (section.get("table") or {}).get("link") or \
            (section.get("form") or {}).get("then")
        if link:
            yield f"section {number}", link


def calls(page: dict) -> list[tuple[str, str, set[str]]]:
    """Every call a page makes: (method, path, the names its path may take from)."""
    params = set(page["params"])
    found = []
    for section in page["sections"]:
        if section.get("table"):
            table = section["table"]
            found.append(("GET", table["source"], params))
            found += [(a["method"], a["path"], None) for a in table["actions"]]
        elif section.get("record"):
            record = section["record"]
            found.append(("GET", record["source"], params))
            found += [(a["method"], a["path"], None) for each in record["lists"]
                      for a in each["actions"]]
        else:
            form = section["form"]
            found.append((form["method"], form["path"], params))
        for box in inputs(section):
            if box["options_from"]:
                found.append(("GET", box["options_from"]["source"], set()))
    return found


def inputs(section: dict) -> list[dict]:
    """Every box of a section: its filters, its form's inputs and its actions'."""
    part = section.get("table") or section.get("record") or section.get("form")
    actions = part.get("actions", []) + [a for each in part.get("lists", [])
                                         for a in each["actions"]]
    return [*part.get("filters", []), *part.get("inputs", []),
            *(box for action in actions for box in action["inputs"])]


def load_pages(path: str | Path) -> list[dict]:
    """The pages of ``path`` (a ``pages.yaml``), checked; none when the file does not exist."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        return Pages().load(yaml.safe_load(path.read_text(encoding="utf-8")) or {})["pages"]
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not YAML: {exc}") from exc
    except ValidationError as exc:
        raise ValueError(f"{path}: {exc.messages}") from exc


def check_routes(pages: list[dict], router: Any) -> None:
    """Every call a page makes is a route of ``router`` with that method, and every ``{name}``
    of a page's own paths is one of its parameters (a row's action takes names from the row)."""
    problems = []
    for page in pages:
        for method, path, params in calls(page):
            names = set(PLACEHOLDER.findall(path))
            if params is not None and not names <= params:
                problems.append(f"{page['id']}: {path} needs {sorted(names - params)}, not among "
                                f"the page's params {sorted(params)}")
            sample = PLACEHOLDER.sub("1", path)
            if not any(route.method == method and route.pattern.match(sample)
                       for route in router.routes):
                problems.append(f"{page['id']}: {method} {path} is no route of the program")
    if problems:
        raise ValueError("pages.yaml: " + "; ".join(problems))


def fill(path: str, values: dict[str, Any]) -> str:
    """``path`` with each ``{name}`` replaced by its value, quoted as one path segment. A value
    that is missing, empty or longer than any id or code is refused (``KeyError``)."""
    from urllib.parse import quote

    def value(match: re.Match) -> str:
        given = values.get(match.group(1))
        text = "" if given is None else str(given)
        if not text or len(text) > 100 or text in (".", ".."):   # "..": another path
            raise KeyError(match.group(1))
        return quote(text, safe="")
    return PLACEHOLDER.sub(value, path)
