"""The gateway: HTTP in front of the bus. It authenticates staff, forwards the staff API to
intake or to a program's ``api`` RPC, speaks Open311, and serves the OpenAPI document."""
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import eventlet
import requests
from amqp.exceptions import NotFound
from nameko.constants import NON_PERSISTENT
from nameko.containers import WorkerContext
from nameko.exceptions import MethodNotFound, RemoteError, UnknownService
from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from minzi import ops as minzi_ops
from minzi import staff_identity
from minzi.i18n import pick
from minzi.logs import mask_personal
from minzi.trust import development

from . import open311, ops
from .answers import error, json_response, language
from .door import DoorCount, http
from .guard import Guard
from .openapi import build_document

_log = logging.getLogger(__name__)
API = "/api/v1"
# what a service raises when its database (or what it calls) cannot be reached: an outage, not
# a defect; the caller is told to try again (503, Retry-After), and nothing was taken
OUTAGES = frozenset({"OperationalError", "InterfaceError", "DisconnectionError", "TimeoutError",
                     "ConnectionError", "ConnectionRefusedError", "ConnectionResetError"})
OUTAGE_RETRY_SECONDS = 30
METRICS_RPC_TIMEOUT = 3.0   # seconds each service has to answer a scrape of /metrics
OUTAGE_WORDS = ("服务暂时无法保存数据，本次请求未被受理，请稍后重试",
                "The service cannot store anything just now: this request was not taken; "
                "try again shortly")


def json_object(request: Request) -> dict:
    """The request's JSON body when it is an object, else ``{}`` (the route then names what is
    missing)."""
    try:
        body = json.loads(request.get_data(as_text=True) or "{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class Unavailable(Exception):
    """A service did not answer within ``RPC_TIMEOUT_SECONDS``; its name is the message."""


class Services(DependencyProvider):
    """RPC to a service chosen at run time (programs come and go), with a timeout."""
    rpc_reply_listener = ReplyListener()
    door = DoorCount()   # the same as the routes' (gateway/door.py): for /metrics

    def setup(self) -> None:
        self.config = self.container.config
        self.timeout = float(self.config.get("RPC_TIMEOUT_SECONDS", 30))
        # outside development, no start without the station's own signing key
        self.signing_key = staff_identity.signing_key(self.config)
        self.guard = Guard(self.config)

    def get_dependency(self, worker_ctx: WorkerContext) -> Callable[..., Any]:
        listener, timeout = self.rpc_reply_listener, self.timeout

        def call(service: str, method: str, *args: Any, **kwargs: Any) -> Any:
            # confirmed (a service nobody runs is an error at once) but transient: a request
            # waits only as long as its caller, and its answer can only reach this
            # connection's reply queue, which a restart of the broker ends; kept on disk, it
            # would be done after its caller was told 503 (and then asked again)
            proxy = getattr(ServiceProxy(worker_ctx, service, listener,
                                         delivery_mode=NON_PERSISTENT), method)
            reply = proxy.call_async(*args, **kwargs)
            try:
                with eventlet.Timeout(timeout):
                    return reply.result()
            except eventlet.Timeout:
                raise Unavailable(service) from None
        call.config = self.config
        call.signing_key = self.signing_key
        call.guard = self.guard
        call.door = self.door
        return call


def too_many(seconds: int, lang: str) -> Response:
    response = error(429, "too_many_attempts", f"尝试太频繁，请 {seconds} 秒后再试",
                     f"Too many attempts: try again in {seconds} s", lang)
    response.headers["Retry-After"] = str(seconds)
    return response


def too_large(limit: int, lang: str) -> Response:
    return error(413, "body_too_large", f"请求内容过大（上限 {limit} 字节）",
                 f"The request body is too large (at most {limit} bytes)", lang)


def index(lang: str) -> dict:
    """What ``/`` and ``/api/v1`` answer: where everything is."""
    zh = lang == "zh"
    return {
        "name": "民字工程社区服务平台" if zh else "Minzi community service platform",
        "about": "工作人员接口需先登录取得令牌（POST /api/v1/auth/token，再带 Authorization: "
                 "Bearer <令牌>）；每个接口及其请求体见 OpenAPI 文档；居民凭查询码查看诉求；"
                 "Open311 客户端从服务发现开始。加 ?lang=en 看英文。" if zh else
                 "The staff API takes a token (POST /api/v1/auth/token, then Authorization: "
                 "Bearer <token>); the OpenAPI document lists every route and its body; a "
                 "resident follows a request by its tracking code; Open311 clients start at "
                 "discovery. Add ?lang=zh for Chinese.",
        "links": {
            "staff_api": API,
            "log_in": f"{API}/auth/token",
            "openapi": f"{API}/openapi.json",
            "open311_discovery": f"{open311.PREFIX}/discovery.json",
            "open311_services": f"{open311.PREFIX}/services.json",
            "tracking": f"{API}/track/{{tracking_code}}",
            "health": "/health",
        },
    }


_staff_cache: dict[str, tuple[dict, float]] = {}
# all an account opened by an admin may do before its owner sets their own password
FIRST_LOGIN_PATHS = {("intake", "/auth/password"), ("intake", "/me")}
STAFF_CACHE_SECONDS = 15   # a deactivated account's token may work this long at most
STAFF_CACHE_SIZE = 1000


class GatewayService:
    name = "gateway"

    services = Services()

    # -- staff ------------------------------------------------------------------------------------
    def _staff(self, request: Request) -> tuple[dict | None, str | None]:
        header = request.headers.get("Authorization", "")
        if not header:
            return None, None
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or not token:
            return None, "bad_scheme"
        cached = _staff_cache.get(token)
        if cached and cached[1] > time.monotonic():
            return cached[0], None
        staff = self.services("intake", "authenticate", token)
        if staff is None:
            _staff_cache.pop(token, None)
            return None, "bad_token"
        now = time.monotonic()
        if len(_staff_cache) >= STAFF_CACHE_SIZE:   # forget what has expired
            for old in [t for t, (_, until) in _staff_cache.items() if until <= now]:
                _staff_cache.pop(old, None)
        _staff_cache[token] = (staff, now + STAFF_CACHE_SECONDS)
        return staff, None

    def _forward(self, request: Request, service: str, path: str, lang: str,
                 request_key: str | None = None) -> Response:
        staff, problem = self._staff(request)
        if problem:
            return error(401, "bad_token", "令牌无效或已过期，请重新登录",
                         "The token is invalid or expired: log in again", lang)
        if staff and staff.get("must_change_password") and \
                (service, path.rstrip("/")) not in FIRST_LOGIN_PATHS:
            return error(403, "password_change_required",
                         "首次登录请先修改密码（POST /api/v1/auth/password）",
                         "Change your password first (POST /api/v1/auth/password)", lang)
        body = None
        if request.method in ("POST", "PUT", "PATCH"):
            raw = request.get_data(as_text=True)
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError as exc:
                    return error(400, "bad_json", f"请求体不是合法的 JSON：{exc}",
                                 f"The body is not valid JSON: {exc}", lang)
            else:
                body = {}
        # the service believes who is calling only from the gateway's signed statement, made
        # for that service alone
        statement = staff_identity.sign(staff, service, self.services.signing_key) \
            if staff else None
        payload = {"method": request.method, "path": path, "query": request.args.to_dict(),
                   "body": body, "staff_assertion": statement, "lang": lang,
                   "idempotency_key": request.headers.get("Idempotency-Key")}
        kwargs = {"request_key": request_key} if request_key else {}
        result = self.services(service, "api", payload, **kwargs)
        return json_response(result["status"], result["body"])

    def _guarded(self, lang: str, call: Callable[[], Response],
                 request: Request | None = None) -> Response:
        limit = self.services.guard.max_body_bytes
        if request is not None:
            if (request.content_length or 0) > limit:
                return too_large(limit, lang)
            request.max_content_length = limit   # a body without a length stops there too
        try:
            return call()
        except RequestEntityTooLarge:
            return too_large(limit, lang)
        except Unavailable as exc:
            return self._unavailable(str(exc), lang)
        except UnknownService as exc:
            if exc.args and exc.args[0] == "intake":   # not started yet, or gone: try again
                return self._unavailable("intake", lang)
            return error(404, "not_found", "没有这个服务", "No such service", lang)
        except MethodNotFound:
            return error(404, "not_found", "没有这个服务", "No such service", lang)
        except RemoteError as exc:
            if exc.exc_type in OUTAGES:
                return self._outage(exc, lang)
            _log.exception("remote error")
            return error(500, "remote_error", "服务内部出错，已记录",
                         f"Internal error: {exc.exc_type}", lang)

    @staticmethod
    def _outage(exc: RemoteError, lang: str, open311_format: str | None = None) -> Response:
        """The service could not reach its database (or another service): nothing was taken,
        and trying again later will do."""
        _log.warning("outage behind the gateway: %s", exc.exc_type)
        zh, en = OUTAGE_WORDS
        response = open311.errors_response(503, pick(lang, zh, en), open311_format) \
            if open311_format else error(503, "outage", zh, en, lang)
        response.headers["Retry-After"] = str(OUTAGE_RETRY_SECONDS)
        return response

    @staticmethod
    def _unavailable(service: str, lang: str) -> Response:
        response = error(503, "unavailable",
                         f"服务「{service}」暂时无响应，请稍后重试（已提交的内容不会丢失）",
                         f"Service '{service}' is not answering; try again shortly", lang)
        response.headers["Retry-After"] = "5"
        return response

    @http("GET", "/health", bounded=False)
    def health(self, request: Request) -> Response:
        return json_response(200, {"status": "ok"})

    @http("GET", "/")
    def index(self, request: Request) -> Response:
        return json_response(200, index(language(request)))

    @http("GET", API)
    def api_index(self, request: Request) -> Response:
        return json_response(200, index(language(request)))

    @http("GET,POST,PUT,PATCH,DELETE", f"{API}/programs/<program_id>/<path:rest>")
    def program_api(self, request: Request, program_id: str, rest: str) -> Response:
        lang = language(request)

        def call() -> Response:
            program = self._program(program_id)
            if program is None:
                return error(404, "unknown_program", f"没有「{program_id}」这个项目",
                             f"No program '{program_id}'", lang)
            if not program["live"]:
                return error(503, "program_offline", f"「{program['name']}」暂停服务",
                             f"'{program_id}' is not running", lang)
            return self._forward(request, program["rpc_service"] or program_id, "/" + rest, lang)
        return self._guarded(lang, call, request)

    def _program(self, program_id: str) -> dict | None:
        for program in self.services("intake", "programs"):
            if program["program_id"] == program_id:
                return program
        return None

    @http("GET", f"{API}/openapi.json")
    def openapi(self, request: Request) -> Response:
        lang = language(request)

        def call() -> Response:
            parts: list[tuple[str, dict]] = [("", self.services("intake", "openapi"))]
            for program in self.services("intake", "programs"):
                if not program["live"]:
                    continue
                try:
                    parts.append((f"/programs/{program['program_id']}",
                                  self.services(program["rpc_service"] or program["program_id"],
                                                "openapi")))
                except (Unavailable, MethodNotFound, UnknownService, RemoteError):
                    _log.warning("no OpenAPI from %s", program["program_id"])
            return json_response(200, build_document(parts, request.host_url.rstrip("/")))
        return self._guarded(lang, call)

    @http("GET,POST,PUT,PATCH,DELETE", f"{API}/<path:rest>")
    def intake_api(self, request: Request, rest: str) -> Response:
        lang = language(request)
        request_key = None
        if request.method == "POST" and rest.strip("/") == "cases":
            # a registration retried (by the client, or redelivered after intake restarted)
            # finds the case it already made instead of making another
            request_key = request.headers.get("Idempotency-Key") or f"http-{uuid.uuid4()}"
        if request.method == "POST" and rest.strip("/") == "auth/token":
            return self._guarded(lang, lambda: self._log_in(request, lang), request)
        if request.method == "POST" and rest.strip("/") == "auth/password":
            # the token it was asked with stops working at intake: here too, at once
            token = request.headers.get("Authorization", "").partition(" ")[2]
            response = self._guarded(lang, lambda: self._forward(request, "intake",
                                                                 "/auth/password", lang), request)
            if response.status_code == 200:
                _staff_cache.pop(token, None)
            return response
        return self._guarded(lang, lambda: self._forward(request, "intake", "/" + rest, lang,
                                                         request_key), request)

    @http("POST", f"{API}/auth/logout")
    def log_out(self, request: Request) -> Response:
        """The token stops working, here and at intake."""
        lang = language(request)

        def call() -> Response:
            token = request.headers.get("Authorization", "").partition(" ")[2]
            if not token:
                return error(401, "unauthenticated", "请先登录", "Log in first", lang)
            _staff_cache.pop(token, None)
            self.services("intake", "log_out", token)
            return json_response(200, {"logged_out": True})
        return self._guarded(lang, call, request)

    def _log_in(self, request: Request, lang: str) -> Response:
        """A login, unless this username or address failed too often lately; a failure counts."""
        guard = self.services.guard
        try:
            username = str(json.loads(request.get_data(as_text=True) or "{}").get("username"))
        except (ValueError, AttributeError):
            username = ""
        address = guard.client(request)
        wait = guard.wait_seconds("login_user", username) or \
            guard.wait_seconds("login_address", address)
        if wait:
            return too_many(wait, lang)
        response = self._forward(request, "intake", "/auth/token", lang)
        if response.status_code == 401:
            guard.count("login_user", username)
            guard.count("login_address", address)
        return response

    # -- ops --------------------------------------------------------------------------------------
    def _ops(self, request: Request, lang: str) -> Response | None:
        """The queues of every community are for the station's ops account only."""
        staff, problem = self._staff(request)
        if problem or staff is None:
            return error(401, "unauthenticated", "请先登录", "Log in first", lang)
        if staff["role"] != "ops":
            return error(403, "forbidden", "只有运维账号可以查看和重放队列",
                         "Queues are for the ops account only", lang)
        return None

    def _config(self, key: str, default: Any = None) -> Any:
        return self.services.config.get(key, default)

    @http("GET", f"{API}/ops/queues")
    def ops_queues(self, request: Request) -> Response:
        lang = language(request)
        return self._guarded(lang, lambda: self._ops(request, lang) or json_response(
            200, ops.overview(self._config("RABBIT_MANAGEMENT_URL"), self._config("AMQP_URI"),
                              int(self._config("BACKLOG_ALERT_MESSAGES", 100)), lang)))

    @http("GET", f"{API}/ops/parked")
    def ops_parked(self, request: Request) -> Response:
        lang = language(request)
        return self._guarded(lang, lambda: self._ops(request, lang) or json_response(
            200, [{**item, "body": mask_personal(item["body"])} for item in minzi_ops.list_parked(
                self._config("RABBIT_MANAGEMENT_URL"),
                minzi_ops.vhost_of(self._config("AMQP_URI")))]))

    @http("POST", f"{API}/ops/parked/replay")
    def ops_replay(self, request: Request) -> Response:
        lang = language(request)
        return self._guarded(lang, lambda: self._replay(request, lang), request)

    def _replay(self, request: Request, lang: str) -> Response:
        denied = self._ops(request, lang)
        if denied:
            return denied
        body = json_object(request)
        queue = body.get("queue")
        if not isinstance(queue, str) or not queue.startswith("minzi.") or \
                queue.endswith(".parked"):
            return json_response(422, {"error": {
                "code": "validation_failed",
                "message": "输入有误" if lang == "zh" else "Invalid input",
                "fields": {"queue": ["应为消息处理失败的队列名，如 minzi.intake.reports"
                                     if lang == "zh" else "the queue the messages failed on, "
                                     "e.g. minzi.intake.reports"]}}})
        # as ops, whose RabbitMQ user may send a message on in its first sender's name
        moved = minzi_ops.replay(self._config("OPS_AMQP_URI") or self._config("AMQP_URI"), queue,
                                 body.get("event_id"))
        return json_response(200, {"queue": queue, "replayed": moved})

    @http("POST", f"{API}/ops/parked/discard")
    def ops_discard(self, request: Request) -> Response:
        """A parked message that can never succeed taken off, on the ops record with who (the
        ops account), when and why (``minzi-ops discard``, ``minzi-ops record``)."""
        lang = language(request)
        return self._guarded(lang, lambda: self._discard(request, lang), request)

    def _discard(self, request: Request, lang: str) -> Response:
        denied = self._ops(request, lang)
        if denied:
            return denied
        body = json_object(request)
        queue, event_id, reason = body.get("queue"), body.get("event_id"), body.get("reason")
        every = body.get("all") is True
        zh = lang == "zh"
        fields = {}
        if not isinstance(queue, str) or not queue.startswith("minzi.") or \
                queue.endswith(".parked") or len(queue) > 255:
            fields["queue"] = ["应为消息处理失败的队列名，如 minzi.intake.reports" if zh else
                               "the queue the messages failed on, e.g. minzi.intake.reports"]
        if every == (isinstance(event_id, str) and 0 < len(event_id) <= 100):
            fields["event_id"] = ["应为要丢弃的消息的 event_id，或 \"all\": true（二者选一）"
                                  if zh else "the event_id of the message to discard, or "
                                  "\"all\": true (one of them)"]
        if not isinstance(reason, str) or not reason.strip() or len(reason) > 500:
            fields["reason"] = ["应写明为何永远无法成功（至多 500 字）" if zh else
                                "why it can never succeed (at most 500 characters)"]
        if fields:
            return json_response(422, {"error": {
                "code": "validation_failed", "message": "输入有误" if zh else "Invalid input",
                "fields": fields}})
        staff, _ = self._staff(request)
        try:
            discarded, parked = minzi_ops.discard(
                self._config("OPS_AMQP_URI") or self._config("AMQP_URI"), queue,
                staff["username"], reason, None if every else event_id)
        except NotFound:
            discarded, parked = 0, []
        if not discarded and not every:
            # the event ids that are parked there, to choose from
            return json_response(404, {"error": {
                "code": "not_parked", "parked": [i for i in parked if i],
                "message": f"{queue} 没有这条失败消息" if zh else
                f"No parked message {event_id} on {queue}"}})
        return json_response(200, {"queue": queue, "discarded": discarded,
                                   "by": staff["username"]})

    @http("GET", "/metrics", bounded=False)
    def metrics(self, request: Request) -> Response:
        """For the station's Prometheus: with ``METRICS_TOKEN`` set, only with that bearer
        token; without it, only in development."""
        lang = language(request)
        expected = str(self._config("METRICS_TOKEN") or "")
        given = request.headers.get("Authorization", "").partition(" ")[2]
        if expected and not hmac.compare_digest(given.encode(), expected.encode()):
            return error(401, "unauthenticated", "需要监控令牌", "The metrics token is required",
                         lang)
        if not expected and not development(self.services.config):
            return error(404, "not_found", "未开放", "Not enabled: set METRICS_TOKEN", lang)
        return self._guarded(lang, self._metrics)

    def _metrics(self) -> Response:
        """What answers within ``METRICS_RPC_TIMEOUT_SECONDS`` (default 3) is exported; what
        does not is missing (and intake, or RabbitMQ's management API, shown down), so that a
        scrape never waits past Prometheus' own timeout."""
        timeout = float(self._config("METRICS_RPC_TIMEOUT_SECONDS") or METRICS_RPC_TIMEOUT)
        pool = eventlet.GreenPool()
        asked = {method: pool.spawn(self._metrics_answer, timeout, "intake", method)
                 for method in ("programs", "case_counts", "outbox_state")}
        try:
            queues = minzi_ops.list_queues(self._config("RABBIT_MANAGEMENT_URL"),
                                           minzi_ops.vhost_of(self._config("AMQP_URI")))
        except requests.RequestException as exc:
            _log.warning("metrics: RabbitMQ's management API is not answering: %s",
                         type(exc).__name__)
            queues = None
        programs, case_counts, intake_outbox = (asked[m].wait() for m in asked)
        # each live program's outbox, asked at once; one that does not answer is left out
        outbox_of = {p["program_id"]: pool.spawn(self._metrics_answer, timeout,
                                                 p["rpc_service"] or p["program_id"],
                                                 "outbox_state")
                     for p in programs or [] if p["live"]}
        outboxes = {"intake": intake_outbox} if intake_outbox is not None else {}
        for program_id, answer in outbox_of.items():
            if answer.wait() is not None:
                outboxes[program_id] = answer.wait()
        door = self.services.door
        text = ops.metrics_text(queues, programs, case_counts, outboxes, {
            "gateway": True, "intake": programs is not None, "rabbitmq": queues is not None},
            {"waiting": door.waiting(), "refused": door.refused})
        return Response(text, content_type="text/plain; version=0.0.4; charset=utf-8")

    def _metrics_answer(self, timeout: float, service: str, method: str) -> Any:
        """``service``'s answer to ``method``, or None when it does not give one in time."""
        try:
            with eventlet.Timeout(timeout):
                return self.services(service, method)
        except Exception as exc:   # (a refused publish too: whatever it is, the rest is shown)
            _log.warning("metrics: no %s from %s (%s: %s)", method, service,
                         type(exc).__name__, exc)
            return None

    # -- Open311 ----------------------------------------------------------------------------------
    @http("GET,POST", f"{open311.PREFIX}/<path:rest>")
    def open311(self, request: Request, rest: str) -> Response:
        lang = language(request)
        _, fmt = open311.split_format(rest)
        fmt = fmt if fmt in ("json", "xml") else "json"
        limit = self.services.guard.max_body_bytes

        def refused(status: int, zh: str, en: str) -> Response:
            return open311.errors_response(status, pick(lang, zh, en), fmt)

        def too_large() -> Response:
            return refused(413, f"请求内容过大（上限 {limit} 字节）",
                           f"The request body is too large (at most {limit} bytes)")
        if (request.content_length or 0) > limit:
            return too_large()
        request.max_content_length = limit
        # whatever goes wrong behind the public door is answered in Open311's error shape,
        # never with an internal message
        try:
            if request.method == "POST" and rest.strip("/").startswith("requests"):
                wait = self._open311_quota(request)
                if wait:
                    response = refused(429, f"提交太频繁，请 {wait} 秒后再试",
                                       f"Too many requests: try again in {wait} s")
                    response.headers["Retry-After"] = str(wait)
                    return response
            return open311.handle(request, rest, _IntakeOpen311(self.services), lang)
        except RequestEntityTooLarge:
            return too_large()
        except (Unavailable, UnknownService):
            return refused(503, "服务暂时无响应，请稍后重试",
                           "The service is not answering; try again shortly")
        except RemoteError as exc:
            if exc.exc_type in OUTAGES:
                return self._outage(exc, lang, fmt)
            _log.exception("remote error")
            return refused(500, "服务内部出错，已记录", "Internal error, logged")
        except MethodNotFound:
            _log.exception("remote error")
            return refused(500, "服务内部出错，已记录", "Internal error, logged")

    def _open311_quota(self, request: Request) -> int | None:
        """Each request texts its resident a receipt: a few per phone, many per api_key."""
        guard = self.services.guard
        phone = "".join(ch for ch in request.form.get("phone", "") if ch.isdigit())[-11:]
        key = request.form.get("api_key", "")
        return (guard.take("open311_phone", phone) if phone else None) or \
            guard.take("open311_key", key)


class _IntakeOpen311:
    def __init__(self, call: Callable[..., Any]):
        self._call = call

    def open311(self, operation: str, jurisdiction_id: str | None = None, **kwargs: Any) -> dict:
        return self._call("intake", "open311", operation, jurisdiction_id, **kwargs)


