"""The real gateway in a nameko container on the test's throwaway vhost, reached over real HTTP,
with small stand-in services on the same vhost playing intake and a program: each answers the
RPCs the gateway calls, with what the test scripted, and keeps what it was asked."""
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from nameko.rpc import rpc

from minzi.staff_identity import DEVELOPMENT_VERIFY_KEY, verify

from gateway import service as gateway_service
from gateway.service import GatewayService

ADMIN = {"id": 1, "username": "admin", "name": "站长", "role": "admin",
         "community": "rainbow-city", "program_id": None}
DESK = {"id": 2, "username": "desk", "name": "前台小王", "role": "receptionist",
        "community": "rainbow-city", "program_id": None}
LAWYER = {"id": 3, "username": "lawyer", "name": "李律师", "role": "program_staff",
          "community": "rainbow-city", "program_id": "legal_aid"}
OPS = {"id": 4, "username": "ops", "name": "运维", "role": "ops", "community": "rainbow-city",
       "program_id": None}
NEWCOMER = {"id": 5, "username": "new", "name": "新同事", "role": "receptionist",
            "community": "rainbow-city", "program_id": None, "must_change_password": True}
TOKENS = {"admin-token": ADMIN, "desk-token": DESK, "lawyer-token": LAWYER, "ops-token": OPS,
          "new-token": NEWCOMER}

# the programs intake knows: legal_aid answers on an RPC service of another name
PROGRAMS = [
    {"program_id": "legal_aid", "rpc_service": "legal_aid_v2", "live": True,
     "name": "普法互助家园"},
    {"program_id": "cat_fund", "rpc_service": None, "live": True, "name": "流浪猫基金"},
    {"program_id": "paused", "rpc_service": None, "live": False, "name": "暂停的项目"},
]
INTAKE_OPENAPI = {"paths": {"/cases": {"get": {"summary": "案件", "responses": {
    "200": {"description": "OK"}}}}}, "components": {"schemas": {"Case": {"type": "object"}}}}
PROGRAM_OPENAPI = {"paths": {"/lectures": {"get": {"summary": "讲座", "responses": {
    "200": {"description": "OK"}}}}}, "components": {"schemas": {"Lecture": {"type": "object"}}}}


EMPTY_OUTBOX = {"pending": 0, "unroutable": 0, "oldest_seconds": 0.0}

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def open311_error(fmt: str, code: int, description: str) -> Any:
    """Open311's error answer as GeoReport v2 writes it: the parsed JSON, or the XML text."""
    if fmt == "json":
        return [{"code": code, "description": description}]
    return (f"{XML_DECLARATION}<errors><error><code>{code}</code>"
            f"<description>{description}</description></error></errors>")


def read(fmt: str, text: str) -> Any:
    """An Open311 answer's body as ``open311_error`` gives it: JSON parsed, XML as text."""
    return json.loads(text) if fmt == "json" else text


LEGAL_AID = "legal_aid_v2"   # the RPC service legal_aid answers as


class Stage:
    """What the stand-ins answer (``answers[(service, method)]``: a function of the RPC's
    arguments; ``("program", method)`` for every program without answers of its own) and what
    they were asked (``calls``: (service, method, args, kwargs))."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, tuple, dict]] = []
        self.answers: dict[tuple[str, str], Callable[..., Any]] = {
            ("intake", "authenticate"): lambda token: TOKENS.get(token),
            ("intake", "programs"): lambda: PROGRAMS,
            ("intake", "api"): lambda request, request_key=None: {
                "status": 200, "body": {"from": "intake"}},
            ("intake", "open311"): lambda *args, **kwargs: {"status": 200, "body": []},
            ("intake", "openapi"): lambda: INTAKE_OPENAPI,
            ("intake", "case_counts"): lambda: {"open": [], "overdue": []},
            ("intake", "log_out"): lambda token: None,
            ("program", "api"): lambda request: {"status": 200, "body": {"from": "program"}},
            ("program", "openapi"): lambda: PROGRAM_OPENAPI,
            ("intake", "outbox_state"): lambda: EMPTY_OUTBOX,
            ("program", "outbox_state"): lambda: EMPTY_OUTBOX,
        }

    def answer(self, service: str, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((service, method, args, kwargs))
        answer = self.answers.get((service, method)) or self.answers[("program", method)]
        return answer(*args, **kwargs)

    def asked(self, service: str, method: str) -> list[tuple[tuple, dict]]:
        return [(args, kwargs) for s, m, args, kwargs in self.calls if (s, m) == (service, method)]


def as_received(request: dict, service: str) -> dict:
    """The request as a real service takes it: who is calling is what the gateway's statement,
    made for ``service`` and checked with the gateway's (development) public key, says."""
    statement = request.pop("staff_assertion", None)
    staff = verify(statement, service, DEVELOPMENT_VERIFY_KEY) if statement else None
    return {**request, "staff": staff}


def intake_stand_in(stage: Stage) -> type:
    class Intake:
        name = "intake"

        @rpc
        def authenticate(self, token):
            return stage.answer("intake", "authenticate", token)

        @rpc
        def programs(self):
            return stage.answer("intake", "programs")

        @rpc
        def log_out(self, token):
            return stage.answer("intake", "log_out", token)

        @rpc
        def api(self, request, request_key=None):
            return stage.answer("intake", "api", as_received(request, "intake"),
                                request_key=request_key)

        @rpc
        def open311(self, operation, jurisdiction_id=None, **kwargs):
            return stage.answer("intake", "open311", operation, jurisdiction_id, **kwargs)

        @rpc
        def openapi(self):
            return stage.answer("intake", "openapi")

        @rpc
        def case_counts(self):
            return stage.answer("intake", "case_counts")

        @rpc
        def outbox_state(self):
            return stage.answer("intake", "outbox_state")
    return Intake


def program_stand_in(stage: Stage, rpc_service: str) -> type:
    class Program:
        name = rpc_service

        @rpc
        def api(self, request):
            return stage.answer(rpc_service, "api", as_received(request, rpc_service))

        @rpc
        def openapi(self):
            return stage.answer(rpc_service, "openapi")

        @rpc
        def outbox_state(self):
            return stage.answer(rpc_service, "outbox_state")
    return Program


class Running:
    """The gateway and its stand-ins, started; ``stop(name)`` takes one away."""

    def __init__(self, stage: Stage, containers: dict, amqp_uri: str):
        self.stage = stage
        self.containers = containers
        self.amqp_uri = amqp_uri

    def stop(self, name: str) -> None:
        self.containers[name].stop()


@pytest.fixture
def web_session(web_config_port) -> Iterator[requests.Session]:
    """nameko's own ``web_session`` imports ``werkzeug.urls.url_join``, gone in werkzeug 3: the
    same thing, a session whose relative URLs go to the gateway's port."""
    class WebSession(requests.Session):
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
            kwargs.setdefault("timeout", 20)
            return super().request(method, f"http://127.0.0.1:{web_config_port}{url}", *args,
                                   **kwargs)

    with WebSession() as session:
        yield session


@pytest.fixture
def stage() -> Stage:
    return Stage()


@pytest.fixture
def gateway_settings() -> dict:
    """More of the gateway's config for the tests of one module (which override this)."""
    return {}


@pytest.fixture
def gateway(container_factory, rabbit_config, web_config, stage, monkeypatch,
            pytestconfig, gateway_settings) -> Iterator[Running]:
    """The gateway on ``web_config``'s port (``web_session`` reaches it), intake's stand-in and
    legal_aid's (as RPC service ``legal_aid_v2``); cat_fund is listed live but not running
    until a test starts it."""
    monkeypatch.setattr(gateway_service, "_staff_cache", {})   # tokens remembered by no test
    containers = {}
    for cls in (intake_stand_in(stage), program_stand_in(stage, LEGAL_AID)):
        containers[cls.name] = container_factory(cls, rabbit_config)
        containers[cls.name].start()
    config = {**rabbit_config, **web_config, "RPC_TIMEOUT_SECONDS": 2, "MINZI_ENV": "development",
              "RABBIT_MANAGEMENT_URL": pytestconfig.getoption("RABBIT_API_URI"),
              "BACKLOG_ALERT_MESSAGES": 100, "METRICS_TOKEN": "prometheus-secret",
              # small enough for a test to reach
              "LOGIN_FAILURES_PER_USER": "3/minute", "LOGIN_FAILURES_PER_ADDRESS": "5/minute",
              "OPEN311_REQUESTS_PER_PHONE": "2/hour", "OPEN311_REQUESTS_PER_KEY": "4/minute",
              "MAX_BODY_BYTES": 4096, **gateway_settings}
    containers["gateway"] = container_factory(GatewayService, config)
    containers["gateway"].start()
    yield Running(stage, containers, rabbit_config["AMQP_URI"])
