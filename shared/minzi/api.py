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

    class LegalAid:
        @rpc
        def api(self, request):
            return router.dispatch(request, service=self)
"""
import re
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from .i18n import field_errors


class DomainError(Exception):
    """A rule said no. ``code`` is stable for programs; messages are for people."""
    status = 400

    def __init__(self, code, message_zh, message_en=None, *, field=None, status=None):
        super().__init__(message_en or message_zh)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en or message_zh
        self.field = field
        if status:
            self.status = status

    def to_body(self, lang="zh"):
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


def validation_body(exc, lang="zh"):
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    return {"error": {"code": "validation_failed",
                      "message": "输入有误，请检查标出的字段" if lang == "zh"
                      else "Invalid input: see the fields listed",
                      "fields": field_errors(messages, lang)}}


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

    def require(self, *roles):
        if self.staff is None:
            raise DomainError("unauthenticated", "请先登录", "Log in first", status=401)
        if roles and self.staff.get("role") not in roles:
            raise Forbidden("forbidden", "您的角色无权进行此操作",
                            "Your role may not do this")


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


class Router:
    def __init__(self):
        self.routes = []

    def route(self, method, template, *, body=None, query=None, roles=(), public=False,
              summary="", response=None):
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template.rstrip("/") or "/") + "/?$"

        def decorator(handler):
            self.routes.append(Route(method.upper(), template, handler, body, query,
                                     tuple(roles), public, summary, response, re.compile(regex)))
            return handler
        return decorator

    def dispatch(self, request, service=None):
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
            ctx = Context(staff=request.get("staff"), query=dict(request.get("query") or {}),
                          params=match.groupdict(), lang=lang, service=service,
                          body_raw=request.get("body"), extra=dict(request.get("extra") or {}),
                          idempotency_key=request.get("idempotency_key"))
            try:
                if not route.public:
                    ctx.require(*route.roles)
                args = []
                if route.query is not None:
                    ctx.query = route.query().load(ctx.query)
                if route.body is not None:
                    raw = request.get("body")
                    if not isinstance(raw, dict):
                        raise ValidationError({"_schema": ["请求体应为 JSON 对象" if lang == "zh"
                                                           else "The body must be a JSON object"]})
                    args.append(route.body().load(raw))
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
            "code": "not_found", "message": "没有这个地址" if lang == "zh" else "No such path"}}}

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
            params = re.findall(r"\{(\w+)\}", route.template)
            if params:
                operation.setdefault("parameters", []).extend(
                    {"in": "path", "name": p, "required": True, "schema": {"type": "string"}}
                    for p in params)
            spec.path(path=route.template, operations={route.method.lower(): operation})
        return spec
