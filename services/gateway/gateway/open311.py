"""Open311 GeoReport v2 over HTTP: routes, formats (JSON and XML) and its error shape."""
import json
import uuid
from typing import Any, Protocol

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from minzi.api import MAX_PATH_TEXT, UNSTORABLE, unstorable
from minzi.i18n import pick, zh

from .xml import to_xml

PREFIX = "/open311/v2"


class Intake(Protocol):
    """What the routes need of intake: its ``open311`` RPC, answering {"status", "body"}."""

    def open311(self, operation: str, jurisdiction_id: str | None = None,
                **kwargs: Any) -> dict: ...


def errors_response(status: int, description: str, fmt: str = "json") -> Response:
    body = [{"code": status, "description": description}]
    return render(status, body, "errors", fmt)


def render(status: int, body: Any, root: str, fmt: str) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, body), status=status,
                        content_type="text/xml; charset=utf-8")
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    content_type="application/json; charset=utf-8")


def split_format(rest: str) -> tuple[list[str], str] | tuple[None, None]:
    """``services/legal_consultation.json`` -> (["services", "legal_consultation"], "json")."""
    if "." not in rest.rsplit("/", 1)[-1]:
        return None, None
    stem, fmt = rest.rsplit(".", 1)
    return stem.split("/"), fmt.lower()


def from_intake(result: dict, root: str, fmt: str) -> Response:
    """Intake answers {"status", "body"}; its errors become Open311's [{code, description}]:
    the message, then each field's problems, each said once."""
    status, body = result["status"], result["body"]
    if status >= 400:
        error = body.get("error", {})
        message = error.get("message", "error")
        problems = [message]
        for field, messages in (error.get("fields") or {}).items():
            if messages != [message]:   # a refusal that names its field says it once
                problems.append(f"{field}: {_flatten(messages)}")
        return errors_response(status, "; ".join(problems), fmt)
    return render(status, body, root, fmt)


def _flatten(messages: Any) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return ", ".join(_flatten(m) for m in messages)
    return str(messages)


def attributes_from_form(form: MultiDict) -> dict[str, str | list[str]]:
    """``attribute[code]=v`` and ``attribute[code][]=v1&attribute[code][]=v2``."""
    attributes: dict[str, str | list[str]] = {}
    for key in form:
        if not key.startswith("attribute[") or not key.endswith("]"):
            continue
        if key.endswith("[]"):
            attributes[key[len("attribute["):-3]] = form.getlist(key)
        else:
            attributes[key[len("attribute["):-1]] = form.get(key)
    return attributes


def discovery(base_url: str) -> dict:
    return {"changeset": "2026-11-27T00:00:00Z",
            "contact": "彩虹城社区服务站 Rainbow City service station",
            "key_service": "POST /api/v1/api-keys (admin) issues an api_key per jurisdiction",
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2",
                           "url": f"{base_url}{PREFIX}", "changeset": "2026-11-27T00:00:00Z",
                           "type": "production", "formats": ["application/json", "text/xml"]}]}


def no_such_resource(method: str, rest: str, lang: str) -> str:
    return pick(lang, f"没有这个 Open311 路径：{method} {PREFIX}/{rest}",
                f"No such Open311 path: {method} {PREFIX}/{rest}")


def refused_input(parts: list[str], values: MultiDict, lang: str = "zh") -> tuple[int, str] | None:
    """A path too long for any code or id, or a value with text no database can keep (NUL, an
    unpaired surrogate), is refused here, naming it; intake never sees it."""
    if any(len(part) > MAX_PATH_TEXT or unstorable(part) for part in parts):
        return 404, pick(lang, "没有这个 Open311 路径", "No such Open311 path")
    bad = sorted({name for name, value in values.items(multi=True)
                  if unstorable(name) or unstorable(value)})
    if bad:
        names = ", ".join("?" if unstorable(name) else name for name in bad)
        return 400, f"{names}: {pick(lang, zh(UNSTORABLE), UNSTORABLE)}"
    return None


def handle(request: Request, rest: str, intake: Intake, lang: str) -> Response:
    parts, fmt = split_format(rest)
    if fmt not in ("json", "xml"):
        return errors_response(404, pick(lang, "请使用以 .json 或 .xml 结尾的地址",
                                         "Use a URL ending in .json or .xml"))
    refused = refused_input(parts, request.values, lang)
    if refused:
        return errors_response(*refused, fmt)
    jurisdiction = request.values.get("jurisdiction_id")
    method = request.method
    if parts == ["discovery"] and method == "GET":
        return render(200, discovery(request.host_url.rstrip("/")), "discovery", fmt)
    if parts == ["services"] and method == "GET":
        return from_intake(intake.open311("services", jurisdiction, lang=lang), "services", fmt)
    if len(parts) == 2 and parts[0] == "services" and method == "GET":
        result = intake.open311("definition", jurisdiction, args={"service_code": parts[1]},
                                lang=lang)
        return from_intake(result, "service_definition", fmt)
    if parts == ["requests"] and method == "POST":
        form = request.form
        request_key = request.headers.get("Idempotency-Key") or f"open311-{uuid.uuid4()}"
        result = intake.open311("create", jurisdiction, form=form.to_dict(flat=True),
                                attributes=attributes_from_form(form),
                                request_key=request_key, lang=lang)
        return from_intake(result, "service_requests", fmt)
    if parts == ["requests"] and method == "GET":
        result = intake.open311("requests", jurisdiction, args=request.args.to_dict(flat=True),
                                lang=lang)
        return from_intake(result, "service_requests", fmt)
    if len(parts) == 2 and parts[0] == "requests" and method == "GET":
        result = intake.open311("request", jurisdiction,
                                args={"service_request_id": parts[1]}, lang=lang)
        return from_intake(result, "service_requests", fmt)
    if len(parts) == 2 and parts[0] == "tokens" and method == "GET":
        result = intake.open311("request", jurisdiction,
                                args={"service_request_id": parts[1]}, lang=lang)
        if result["status"] == 200:
            result = {"status": 200, "body": [{"service_request_id": r["service_request_id"],
                                               "token": parts[1]} for r in result["body"]]}
        return from_intake(result, "service_requests", fmt)
    return errors_response(404, no_such_resource(method, rest, lang), fmt)
