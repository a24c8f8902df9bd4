"""The gateway's own answers: JSON in UTF-8 with Chinese as it is, errors as
``{"error": {"code", "message"}}`` in the caller's language (Chinese unless English is asked)."""
import json
from typing import Any

from werkzeug.wrappers import Request, Response

from minzi.i18n import pick


def json_response(status: int, body: Any, headers: dict | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, default=str), status=status,
                    headers=headers, content_type="application/json; charset=utf-8")


def error(status: int, code: str, zh: str, en: str, lang: str) -> Response:
    return json_response(status, {"error": {"code": code, "message": pick(lang, zh, en)}})


def language(request: Request) -> str:
    wanted = request.args.get("lang") or request.headers.get("Accept-Language", "")
    return "en" if wanted.lower().startswith("en") else "zh"
