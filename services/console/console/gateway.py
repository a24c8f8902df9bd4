"""The gateway as the console calls it: its public HTTP API, nothing else. Every answer comes
back as (status, body); the gateway's refusals are shown to the user as it words them."""
from dataclasses import dataclass
from typing import Any

import requests

from minzi.i18n import pick


@dataclass
class Answer:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def problems(self) -> tuple[str, dict[str, str]]:
        """The refusal's message and each field's problem, from the staff API's
        ``{"error": {"message", "fields"}}`` or Open311's ``[{"code", "description"}]``."""
        body = self.body
        if isinstance(body, list) and body and isinstance(body[0], dict):
            return str(body[0].get("description", "")), {}
        error = body.get("error", {}) if isinstance(body, dict) else {}
        fields = {name: _words(value) for name, value in (error.get("fields") or {}).items()}
        return str(error.get("message", "")), fields


def _words(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_words(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_words(v) for v in value)
    return str(value)


class Gateway:
    def __init__(self, base_url: str, timeout: float = 30, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()

    def call(self, method: str, path: str, lang: str, token: str | None = None,
             json: Any = None, params: dict | None = None, data: Any = None,
             headers: dict | None = None, forwarded_for: str | None = None) -> Answer:
        headers = {"Accept-Language": lang, **(headers or {})}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self.session.request(method, self.base_url + path, headers=headers,
                                            json=json, params=params, data=data,
                                            timeout=self.timeout)
        except requests.RequestException:
            return Answer(503, {"error": {"code": "gateway_unreachable", "message": pick(
                lang, "服务暂时无法连接，请稍后再试", "The service cannot be reached; try again "
                "shortly")}})
        try:
            body = response.json()
        except ValueError:
            body = {"error": {"code": "not_json", "message": pick(
                lang, f"服务返回了无法识别的内容（{response.status_code}）",
                f"The service answered something unexpected ({response.status_code})")}}
        return Answer(response.status_code, body)
