"""Errors every Minzi service speaks, and the small router a program uses for its staff API.

The gateway forwards ``/api/v1/programs/<program_id>/<path>`` to the program's RPC method
``api(request)`` (see docs/contract.md, "A program's staff API"):

    request  = {"method": "POST", "path": "/lectures", "query": {...}, "body": {...} | None,
                "staff": {"id", "username", "name", "role", "community", "program_id"} | None,
                "lang": "zh" | "en", "idempotency_key": "<Idempotency-Key header>" | None}
    response = {"status": 201, "body": {...}}

    router = Router()

    @router.route("POST", "/lectures", body=LectureSchema, roles=STAFF, summary="安排讲座")
    def plan_lecture(ctx, body):            # ctx.staff, ctx.query, ctx.params, ctx.lang
        ...
        return 201, LectureSchema().dump(lecture)

    @router.route("GET", "/lectures/{lecture_id:int}")   # ctx.params["lecture_id"] is an int;
    def get_lecture(ctx):                                # "/lectures/abc" is a 404
        ...

A program's service class serves it by setting ``router = router`` (see ``minzi.program``).
"""
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy.exc import IntegrityError

from . import schemas
from .i18n import field_errors, message, pick

Staff = dict[str, Any]
Response = tuple[int, Any]
T = TypeVar("T")


class DomainError(Exception):
    """A rule said no. ``code`` is stable for programs; messages are for people."""
    status = 400

    def __init__(self, code: str, message_zh: str, message_en: str | None = None, *,
                 field: str | None = None, status: int | None = None):
        super().__init__(message_en or message_zh)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en or message_zh
        self.field = field
        if status:
            self.status = status

    def to_body(self, lang: str = "zh") -> dict:
        body = {"code": self.code,
                "message": self.message_zh if lang == "zh" else self.message_en}
        if self.field:
            body["fields"] = {self.field: [body["message"]]}
        return {"error": body}


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


def validation_body(exc: ValidationError, lang: str = "zh") -> dict:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    return {"error": {"code": "validation_failed",
                      "message": pick(lang, "输入有误，请检查标出的字段",
                                      "Invalid input: see the fields listed"),
                      "fields": field_errors(messages, lang)}}


# The roles of a station's staff. "ops" keeps the queues of the whole installation and reaches a
# route only where the route names it; a role nobody knows reaches none.
STATION_ROLES = ("receptionist", "station_head", "admin", "handler", "program_staff")


@dataclass
class Context:
    staff: dict | None
    query: dict
    params: dict
    lang: str = "zh"
    service: object = None
    body_raw: object = None
    extra: dict = field(default_factory=dict)
    idempotency_key: str | None = None   # the HTTP Idempotency-Key header, when the client sent one

    def require(self, *roles: str) -> None:
        """A logged-in caller of one of ``roles``; without roles, anyone who works at a station
        (``STATION_ROLES``)."""
        if self.staff is None:
            raise DomainError("unauthenticated", "请先登录", "Log in first", status=401)
        if self.staff.get("role") not in (roles or STATION_ROLES):
            raise Forbidden("forbidden", "您的角色无权进行此操作",
                            "Your role may not do this")

    @property
    def actor(self) -> "Staff":
        """Who is acting, as it goes on a record (see ``actor``)."""
        return actor(self.staff)


# -- who is acting --------------------------------------------------------------------------------

RESIDENT = {"id": None, "username": None, "name": "居民", "role": "resident"}
INTAKE = {"id": None, "username": "intake", "name": "intake", "role": "bus"}


def actor(staff: Staff | None) -> Staff:
    """The acting person as a record keeps them: id, username, name, role. A call without a
    logged-in staff member is a resident's (public routes)."""
    if not staff:
        return dict(RESIDENT)
    return {key: staff.get(key) for key in ("id", "username", "name", "role")}


def actor_name(who: Staff | None) -> str:
    """The one way a record names who did something: the person's name, else their username,
    else their id (at most 100 characters)."""
    who = who or {}
    return str(who.get("name") or who.get("username") or who.get("id") or "?")[:100]


# -- the community, a session, a transaction ----------------------------------------------------

def community_of(ctx: Context) -> str:
    """Staff work in their own community; the public (or a caller without one) names one with
    ``?community=``, or gets the first community the program serves."""
    community = (ctx.staff or {}).get("community") or ctx.query.get("community")
    if not community:
        program = getattr(ctx.service, "program", None)
        communities = getattr(program, "manifest", {}).get("communities") or []
        community = communities[0] if communities else None
    if not community:
        raise DomainError("community_required", "请指定社区", "Say which community",
                          field="community", status=422)
    return community


def read(ctx: Context, work: Callable[[Any], T]) -> T:
    """``work(session)`` on a session for reading; nothing it writes is kept."""
    with ctx.service.store.session() as session:
        return work(session)


def write(ctx: Context, work: Callable[[Any], T]) -> T:
    """``work(tx)`` in one transaction with the outbox: all of it commits, or none.

    When a request at the same moment wrote the same unique row first (the same slot booked,
    the same name, the same message id), the commit fails; the work is then done once more, and
    now finds that row and answers as its rules say (a named refusal, or the existing record).
    A second clash is the router's 409 ``conflict``."""
    community = (ctx.staff or {}).get("community")
    try:
        with ctx.service.store.transaction(community=community) as tx:
            return work(tx)
    except IntegrityError:
        with ctx.service.store.transaction(community=community) as tx:
            return work(tx)


# -- bounds ---------------------------------------------------------------------------------------
# Every number, text and list that comes in has bounds its schema states (and so the OpenAPI
# document shows): a value out of range is a 422 naming the field, never the database's 500.

MAX_ID = 2**31 - 1          # ids are PostgreSQL ``integer`` columns
MAX_OFFSET = 1_000_000      # far past any list a station keeps
MAX_PATH_TEXT = 200         # a code or name in a path


class Id(fields.Integer):
    """A record's id in a body or a query: 1 to 2^31-1, as the database keeps it."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.validators.insert(0, validate.Range(min=1, max=MAX_ID))


def unbounded(schema: Schema, prefix: str = "") -> list[str]:
    """The fields of ``schema`` (nested too) that take input without a stated bound: an integer
    without a ``Range`` from and to, a text without a ``Length`` up to or a ``OneOf``, a list or
    mapping without a ``Length`` up to. A test keeps every route's list empty."""
    found = []
    for name, each in schema.fields.items():
        if not each.dump_only:
            found += _unbounded_field(each, prefix + (each.data_key or name))
    return found


def _unbounded_field(field: fields.Field, name: str) -> list[str]:
    def has(kind: type, *attrs: str) -> bool:
        return any(isinstance(v, kind) and all(getattr(v, a, None) is not None for a in attrs)
                   for v in field.validators)
    if isinstance(field, fields.Nested):
        nested = field.schema
        return unbounded(nested, name + ".") + ([] if not nested.many or has(
            validate.Length, "max") else [name])
    if isinstance(field, fields.List):
        return ([] if has(validate.Length, "max") else [name]) + \
            _unbounded_field(field.inner, name + "[]")
    if isinstance(field, fields.Dict):
        return ([] if has(validate.Length, "max") else [name]) + [
            problem for part, inner in (("{key}", field.key_field), ("{}", field.value_field))
            if inner is not None for problem in _unbounded_field(inner, name + part)]
    if isinstance(field, fields.Integer):
        low = any(getattr(v, "min", None) is not None for v in field.validators
                  if isinstance(v, validate.Range))
        high = any(getattr(v, "max", None) is not None for v in field.validators
                   if isinstance(v, validate.Range))
        return [] if low and high else [name]
    if isinstance(field, fields.String):
        return [] if has(validate.Length, "max") or has(validate.Length, "equal") or has(
            validate.OneOf) or any(
            isinstance(v, validate.Regexp) and _bounded_pattern(v.regex.pattern)
            for v in field.validators) else [name]
    return []


def _bounded_pattern(pattern: str) -> bool:
    """A pattern the whole text must match that repeats nothing without end (``^[a-z]{2,40}$``)
    bounds its length as well as ``Length`` would."""
    bare = re.sub(r"\\.|\[(?:\\.|[^\]])*\]", "x", pattern)
    return bare.startswith("^") and bare.endswith("$") and not re.search(r"[*+]|\{\d*,\}", bare)


UNSTORABLE = "Contains a character that cannot be stored (such as \\x00)."
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")   # NUL, and a surrogate with no pair


def unstorable(value: Any) -> Any:
    """Where ``value`` (a body, a query) has text no database or XML document can keep, in
    marshmallow's shape of errors (``{"field": [message]}``, nested); None when nowhere. The text
    itself is not repeated: it could not be written out either."""
    if isinstance(value, str):
        return [UNSTORABLE] if _UNSTORABLE.search(value) else None
    if isinstance(value, list):
        found = {index: unstorable(item) for index, item in enumerate(value)}
    elif isinstance(value, dict):
        found = {(_UNSTORABLE.sub("?", key) if isinstance(key, str) else key):
                 unstorable(key) or unstorable(item) for key, item in value.items()}
    else:
        return None
    return {key: problem for key, problem in found.items() if problem} or None


# -- query strings --------------------------------------------------------------------------------

class Query(Schema):
    """A query string: parameters a route does not know are ignored, as browsers add their own."""

    class Meta:
        unknown = EXCLUDE


class PeriodQuery(Query):
    """``?from=2026-11-01&to=2026-11-30``: Beijing dates, both inclusive, either may be left out.
    Loaded as ``date_from`` / ``date_to``."""
    date_from = fields.Date(data_key="from", load_default=None)
    date_to = fields.Date(data_key="to", load_default=None)

    @validates_schema
    def _ordered(self, data, **_):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("The end date is before the start date", "to")


class PageQuery(Query):
    """``?limit=100&offset=0``."""
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


# -- routes ---------------------------------------------------------------------------------------

NO_SUCH_PATH = ("没有这个 API 路径", "No such API path")
NOT_AN_OBJECT = message("请求体应为 JSON 对象", "The body must be a JSON object.")

_PARAM = re.compile(r"\{(\w+)(?::(int))?\}")
PATH_SCHEMAS = {"int": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "": {"type": "string", "minLength": 1, "maxLength": MAX_PATH_TEXT}}


def _path_regex(template: str) -> re.Pattern:
    def part(match: re.Match) -> str:
        name, kind = match.groups()
        return rf"(?P<{name}>\d+)" if kind else rf"(?P<{name}>[^/]+)"
    return re.compile("^" + _PARAM.sub(part, template.rstrip("/") or "/") + "/?$")


def _path_params(route: "Route", match: re.Match) -> tuple[dict, dict]:
    """The path's parameters (``{x:int}`` as an int), and why any is out of bounds."""
    params, problems = match.groupdict(), {}
    for name, value in params.items():
        if name in route.int_params:
            if len(value) > len(str(MAX_ID)) or not 1 <= int(value) <= MAX_ID:
                problems[name] = [f"Must be greater than or equal to 1 and less than or equal "
                                  f"to {MAX_ID}."]
            else:
                params[name] = int(value)
        elif len(value) > MAX_PATH_TEXT:
            problems[name] = [f"Longer than maximum length {MAX_PATH_TEXT}."]
        elif unstorable(value):
            problems[name] = [UNSTORABLE]
    return params, problems


@dataclass
class Route:
    method: str
    template: str
    handler: object
    body: object = None
    query: object = None
    roles: tuple = ()
    public: bool = False
    summary: str = ""
    response: object = None
    pattern: re.Pattern = None

    @property
    def int_params(self) -> set[str]:
        return {name for name, kind in _PARAM.findall(self.template) if kind == "int"}

    @property
    def openapi_path(self) -> str:
        return _PARAM.sub(lambda m: "{" + m.group(1) + "}", self.template)


def _entries(converter: Any, field: fields.Field, **_: Any) -> dict:
    """A mapping's bound on its number of entries, in OpenAPI's words (apispec has none)."""
    if not isinstance(field, fields.Dict):
        return {}
    bounds = [v.max for v in field.validators if isinstance(v, validate.Length) and v.max]
    return {"maxProperties": min(bounds)} if bounds else {}


class Router:
    def __init__(self):
        self.routes: list[Route] = []

    def route(self, method: str, template: str, *, body: type[Schema] | None = None,
              query: type[Schema] | None = None, roles: tuple[str, ...] = (),
              public: bool = False, summary: str = "",
              response: type[Schema] | None = None) -> Callable:
        """Declare a route. ``{name:int}`` in the template matches digits only and hands the
        handler an int; ``roles`` limits it to those staff roles (any of ``STATION_ROLES`` if
        empty); ``public`` opens it to callers without a login."""
        def decorator(handler):
            self.routes.append(Route(method.upper(), template, handler, body, query,
                                     tuple(roles), public, summary, response,
                                     _path_regex(template)))
            return handler
        return decorator

    def dispatch(self, request: dict, service: object = None) -> dict:
        lang = "en" if request.get("lang") == "en" else "zh"
        method = (request.get("method") or "GET").upper()
        path = "/" + (request.get("path") or "").strip("/")
        matched_path = False
        for route in self.routes:
            match = route.pattern.match(path)
            if not match:
                continue
            matched_path = True
            if route.method != method:
                continue
            params, problems = _path_params(route, match)
            if problems:   # an id that cannot exist, a code longer than any
                return {"status": 404, "body": {"error": {
                    "code": "not_found", "message": pick(lang, *NO_SUCH_PATH),
                    "fields": field_errors(problems, lang)}}}
            ctx = Context(staff=request.get("staff"), query=dict(request.get("query") or {}),
                          params=params, lang=lang, service=service,
                          body_raw=request.get("body"), extra=dict(request.get("extra") or {}),
                          idempotency_key=request.get("idempotency_key"))
            try:
                if not route.public:
                    ctx.require(*route.roles)
                args = []
                problems = unstorable(ctx.query) or unstorable(request.get("body"))
                if problems:
                    raise ValidationError(problems)
                if route.query is not None:
                    ctx.query = schemas.load(route.query, ctx.query)
                if route.body is not None:
                    raw = request.get("body")
                    if not isinstance(raw, dict):
                        raise ValidationError({"_schema": [NOT_AN_OBJECT]})
                    args.append(schemas.load(route.body, raw))
                status, body = route.handler(ctx, *args)
                return {"status": status, "body": body}
            except ValidationError as exc:
                return {"status": 422, "body": validation_body(exc, lang)}
            except DomainError as exc:
                return {"status": exc.status, "body": exc.to_body(lang)}
            except IntegrityError:
                # two requests wrote the same unique thing at the same moment; the other won
                return {"status": 409, "body": Conflict(
                    "conflict", "刚刚有人同时提交了相同的内容，请刷新后查看",
                    "The same thing was submitted at the same moment; refresh and look"
                ).to_body(lang)}
        if matched_path:
            return {"status": 405, "body": {"error": {
                "code": "method_not_allowed",
                "message": "不支持该请求方法" if lang == "zh" else "Method not allowed"}}}
        return {"status": 404, "body": {"error": {
            "code": "not_found", "message": pick(lang, *NO_SUCH_PATH)}}}

    def openapi(self, title: str, field_types: dict | None = None) -> dict:
        """The routes as an OpenAPI 3 fragment ``{"paths", "components"}`` for the gateway's
        document. ``field_types`` maps a custom marshmallow field to its OpenAPI type, e.g.
        ``{Yuan: ("string", None)}``."""
        from apispec import APISpec
        from apispec.ext.marshmallow import MarshmallowPlugin
        plugin = MarshmallowPlugin()
        spec = APISpec(title=title, version="1", openapi_version="3.0.3", plugins=[plugin])
        for field_class, (type_, format_) in (field_types or {}).items():
            plugin.map_to_openapi_type(field_class, type_, format_)
        plugin.converter.add_attribute_function(_entries)
        document = self.openapi_paths(spec).to_dict()
        return {"paths": document.get("paths", {}),
                "components": {"schemas": document.get("components", {}).get("schemas", {})}}

    def openapi_paths(self, spec):
        """Add every route to an apispec ``APISpec`` (marshmallow plugin) and return it."""
        for route in self.routes:
            operation = {"summary": route.summary, "responses": {
                "2XX": {"description": "成功 / OK"},
                "422": {"description": "输入有误 / Invalid input"},
                "400": {"description": "业务规则不允许 / Refused by a rule"}}}
            if route.body is not None:
                operation["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": route.body}}}
            if route.response is not None:
                operation["responses"]["2XX"]["content"] = {
                    "application/json": {"schema": route.response}}
            if route.query is not None:
                operation["parameters"] = [{"in": "query", "schema": route.query}]
            if not route.public:
                operation["security"] = [{"token": []}]
            params = _PARAM.findall(route.template)
            if params:
                operation.setdefault("parameters", []).extend(
                    {"in": "path", "name": name, "required": True,
                     "schema": PATH_SCHEMAS[kind]}
                    for name, kind in params)
            spec.path(path=route.openapi_path, operations={route.method.lower(): operation})
        return spec
