"""The console as a werkzeug application: routing, the session cookies, CSRF, languages, security
headers and rendering. The pages themselves are in ``staff.py`` and ``public.py``.

Who is logged in is the gateway's token, kept in an HttpOnly, SameSite=Strict cookie; the
console holds no rights of its own and asks the gateway (``/api/v1/me``) who the token is. Every
form carries a CSRF token: an HMAC of the browser's session id (and token), which the console
checks on every POST."""
import hashlib
import hmac
import logging
import mimetypes
import os
import secrets
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from minzi import web

from .gateway import Gateway
from .texts import text

_log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
ASSETS = "/assets"
SID, TOKEN, LANG = "minzi_sid", "minzi_token", "minzi_lang"
LANGUAGES = (("zh", "中文"), ("en", "English"))
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def node_modules() -> Path:
    """Where ``npm ci`` put the browser packages (``services/console/node_modules``); the image
    and a checkout both have it beside the package."""
    return Path(os.environ.get("CONSOLE_NODE_MODULES") or HERE.parent / "node_modules")


def asset_files() -> dict[str, Path]:
    return {"minzi.css": web.STATIC / "minzi.css",
            "console.css": HERE / "static" / "console.css",
            "figures.js": HERE / "static" / "figures.js",
            # line, bar and the legend and tooltip: the common build, on the figures page only
            "echarts.min.js": node_modules() / "echarts" / "dist" / "echarts.common.min.js"}


def truthy(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class Redirect(Exception):
    def __init__(self, location: str):
        self.location = location


class Page:
    """One request as the console sees it: the reader's language, the session cookies, and the
    cookies to set on the answer."""

    def __init__(self, console: "Console", request: Request):
        self.console = console
        self.request = request
        self.set_cookies: dict[str, tuple[str, int | None]] = {}
        wanted = request.args.get("lang")
        if wanted in ("zh", "en"):
            self.lang = wanted
            self.set_cookies[LANG] = (wanted, 365 * 24 * 3600)
        elif request.cookies.get(LANG) in ("zh", "en"):
            self.lang = request.cookies[LANG]
        else:
            best = request.accept_languages.best_match(["zh", "en"], default="zh")
            self.lang = "en" if best == "en" else "zh"
        self._sid = request.cookies.get(SID) or ""
        self.token = request.cookies.get(TOKEN) or None
        self.me: dict | None = None

    def t(self, key: str) -> str:
        return text(key, self.lang)

    @property
    def sid(self) -> str:
        """The browser's session id, made when a page first needs one (for a form): an answer
        without a form (a missing favicon) never changes it under a form being filled in."""
        if len(self._sid) < 32:
            self.new_session()
        return self._sid

    def new_session(self) -> None:
        """A new session id (when first needed, and at every log-in and log-out)."""
        self._sid = secrets.token_urlsafe(32)
        self.set_cookies[SID] = (self._sid, None)

    def set_token(self, token: str | None) -> None:
        self.token = token
        self.set_cookies[TOKEN] = (token or "", None if token else 0)

    @property
    def csrf(self) -> str:
        message = f"{self.sid}|{self.token or ''}".encode()
        return hmac.new(self.console.secret, message, hashlib.sha256).hexdigest()

    def csrf_ok(self) -> bool:
        given = self.request.form.get("csrf", "")
        return hmac.compare_digest(given.encode(), self.csrf.encode())

    def call(self, method: str, path: str, **kwargs):
        """The gateway, as this user (with their token) and in their language."""
        return self.console.gateway.call(method, path, self.lang, token=self.token,
                                         forwarded_for=self.forwarded_for, **kwargs)

    @property
    def forwarded_for(self) -> str:
        """``X-Forwarded-For`` as a proxy sends it on: what came with the request, and the
        browser's own address after it. The gateway counts failed logins per client address,
        believing this only from the console (its ``TRUSTED_PROXIES``) and only its right-most
        untrusted address, so what a browser writes into the header itself changes nothing."""
        hops = [h.strip() for h in self.request.headers.getlist("X-Forwarded-For") if h.strip()]
        return ", ".join([*hops, self.request.remote_addr or "unknown"])

    def url_with(self, **params: str) -> str:
        args = {**self.request.args.to_dict(), **params}
        return self.request.path + ("?" + urlencode(args) if args else "")


Handler = Callable[..., Response]


class Lazy:
    """A value worked out only if a template prints it (the CSRF token of a page with a form)."""

    def __init__(self, make: Callable[[], str]):
        self.make = make

    def __str__(self) -> str:
        return self.make()

    def __html__(self) -> str:
        return self.make()


class Console:
    def __init__(self, config: dict, gateway: Gateway | None = None):
        self.config = config
        self.gateway = gateway or Gateway(config.get("GATEWAY_URL") or "http://127.0.0.1:8000",
                                          float(config.get("GATEWAY_TIMEOUT_SECONDS") or 30))
        self.secure_cookies = not truthy(config.get("INSECURE_COOKIES", False))
        secret = str(config.get("CONSOLE_SECRET") or "")
        self.secret = secret.encode() if secret else secrets.token_bytes(32)
        self.open311_key = str(config.get("OPEN311_API_KEY") or "")
        self.community = str(config.get("COMMUNITY") or "rainbow-city")
        self.templates = web.environment([HERE / "templates"])
        self.assets = asset_files()
        self.url_map = Map(strict_slashes=False)
        self.handlers: dict[str, Handler] = {}
        from . import admin, programs, public, staff
        self.cache = programs.Cache()
        for module in (public, staff, admin, programs):
            for rule, methods, handler in module.ROUTES:
                self.url_map.add(Rule(rule, endpoint=handler.__name__, methods=methods))
                self.handlers[handler.__name__] = handler
        self.url_map.add(Rule(f"{ASSETS}/<name>", endpoint="asset", methods=["GET"]))
        self.url_map.add(Rule("/health", endpoint="health", methods=["GET"]))

    # -- the WSGI application ---------------------------------------------------------------------
    def __call__(self, environ, start_response):
        return self.handle(Request(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except HTTPException as exc:
            page = Page(self, request)
            if exc.code == 405:
                return self.finish(page, self.refusal(page, exc.code, exc.name), html=True)
            return self.finish(page, self.refusal(page, 404, page.t("refused_page")), html=True)
        if endpoint == "asset":
            return self.asset(args["name"])
        if endpoint == "health":
            return Response('{"status": "ok"}', content_type="application/json")
        page = Page(self, request)
        if request.method == "POST" and not self.same_origin(request):
            return self.finish(page, self.refusal(page, 403, page.t("bad_form")), html=True)
        if request.method == "POST" and not page.csrf_ok():
            return self.finish(page, self.refusal(page, 400, page.t("bad_form")), html=True)
        try:
            response = self.handlers[endpoint](page, **args)
        except Redirect as exc:
            response = redirect(exc.location, 303)
        return self.finish(page, response, html=True)

    @staticmethod
    def same_origin(request: Request) -> bool:
        """A form posted from another site is refused even before its CSRF token is read."""
        origin = request.headers.get("Origin")
        if not origin or origin == "null":
            return origin is None
        return origin.rstrip("/") == request.host_url.rstrip("/")

    def finish(self, page: Page, response: Response, html: bool) -> Response:
        for name, (value, max_age) in page.set_cookies.items():
            response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Strict",
                                secure=self.secure_cookies, path="/")
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        # same-origin: other sites learn nothing, and a form posted here carries its Origin
        headers["Referrer-Policy"] = "same-origin"
        if html:
            # staff pages and a resident's case: never kept by the browser or a proxy
            headers["Cache-Control"] = "no-store"
        return response

    def asset(self, name: str) -> Response:
        path = self.assets.get(name)
        if path is None or not path.is_file():
            return Response("not found", status=404, content_type="text/plain")
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = Response(path.read_bytes(), content_type=f"{kind}; charset=utf-8")
        response.headers["Cache-Control"] = "public, max-age=3600"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    # -- rendering --------------------------------------------------------------------------------
    def render(self, page: Page, template: str, status: int = 200, **values) -> Response:
        lang = page.lang
        languages = [(code, name, page.url_with(lang=code)) for code, name in LANGUAGES]
        html = self.templates.get_template(template).render(
            lang=lang, t=page.t, csrf=Lazy(lambda: page.csrf), me=page.me, assets=ASSETS,
            path=page.request.path, form_key=lambda: str(uuid.uuid4()),
            site_name=page.t("site_name"), skip_text=page.t("skip"), lang_label=page.t("language"),
            footer_text=page.t("footer"), home_url="/", languages=languages,
            messages=values.pop("messages", []), **values)
        return Response(html, status=status, content_type="text/html; charset=utf-8")

    def refusal(self, page: Page, status: int, message: str) -> Response:
        return self.render(page, "refused.html", status=status, messages=[("error", message)])

    def busy(self, request: Request) -> Response:
        """Too many requests waiting (``minzi.door``): this page is not opened, and nothing is
        asked of the gateway; the reader may try again shortly."""
        page = Page(self, request)
        return self.finish(page, self.refusal(page, 503, page.t("busy")), html=True)
