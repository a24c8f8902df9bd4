"""Fixtures for tests that cross services: a throwaway vhost and databases, and the suite's
services started as OS processes with the same command their images run (``minzi-run``)."""
import os
import uuid

import pytest
import requests

from minzi.testing import ServiceProcess, free_port, postgres_database, wait_for

RABBIT_API = os.environ.get("RABBIT_MANAGEMENT_URL", "http://127.0.0.1:15672")
ADMIN_PASSWORD = "rainbow-admin-1"
OPEN311_KEY = "open311-test-key"
OPS_PASSWORD = "station-ops-pass-1"


def tracking_code(posted) -> str:
    """The resident's own code from an Open311 POST's answer: its ``service_notice`` carries it
    to the client that posted; the ``service_request_id`` is the public one."""
    import re
    return re.search(r"(?:查询码|tracking code) (\w+)", posted.json()[0]["service_notice"]).group(1)


def _make_vhost():
    name = f"minzi-test-{uuid.uuid4().hex[:8]}"
    auth = ("guest", "guest")
    requests.put(f"{RABBIT_API}/api/vhosts/{name}", auth=auth, timeout=10).raise_for_status()
    requests.put(f"{RABBIT_API}/api/permissions/{name}/guest", auth=auth, timeout=10,
                 json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    return name


def _drop_vhost(name):
    requests.delete(f"{RABBIT_API}/api/vhosts/{name}", auth=("guest", "guest"), timeout=10)


@pytest.fixture
def vhost():
    """A RabbitMQ vhost of the test's own, so queues left by other runs cannot interfere."""
    name = _make_vhost()
    yield name
    _drop_vhost(name)


@pytest.fixture(scope="module")
def vhost_module():
    """One vhost for a module whose tests share a running suite."""
    name = _make_vhost()
    yield name
    _drop_vhost(name)


class Suite:
    """Intake, the gateway and programs as separate processes on one vhost."""

    def __init__(self, vhost, log_dir, stack):
        self.vhost = vhost
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
        self.log_dir = log_dir
        self.stack = stack
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes = {}
        self.own_passwords = {}
        self.env = {"AMQP_URI": self.amqp_uri, "WATCH_INTERVAL_SECONDS": "0.5",
                    "PROGRAM_GRACE_SECONDS": "3",
                    "NOTIFY_SWEEP_SECONDS": "1", "OUTBOX_SWEEP_SECONDS": "1",
                    "HEARTBEAT_SECONDS": "1", "RPC_TIMEOUT_SECONDS": "20",
                    "LOG_LEVEL": "INFO"}

    def start(self, service, **env):
        """Start a service; started again, it keeps its database (as a restarted container)."""
        if service == "gateway":
            env["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{self.port}"
        elif service in self.processes:
            env = {**self.processes[service][1], **env}
        else:
            env.setdefault("DATABASE_URL", self.stack.enter_context(
                postgres_database(f"minzi_{service}")))
        full_env = {**self.env, **env}
        process = ServiceProcess(service, full_env, self.log_dir).start()
        self.processes[service] = (process, full_env)
        return process

    def process(self, service):
        return self.processes[service][0]

    def start_copy(self, service, name, **env):
        """Another copy of a running service (``name``, e.g. "intake-2"), on the same database
        and bus, as a second container of the same image would be."""
        full_env = {**self.processes[service][1], **env}
        process = ServiceProcess(service, full_env, self.log_dir).start()
        self.processes[name] = (process, full_env)
        return process

    def start_intake(self, **env):
        return self.start("intake", **{"BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
                                       "BOOTSTRAP_OPS_PASSWORD": OPS_PASSWORD,
                                       "BOOTSTRAP_OPEN311_API_KEY": OPEN311_KEY,
                                       "COMMUNITIES": "rainbow-city:彩虹城社区:Rainbow City;"
                                                      "maple-court:枫林社区:Maple Court", **env})

    def url(self, path):
        return self.base + path

    def start_console(self, **env):
        """The console in front of this suite's gateway; it keeps no database, and plain http
        here keeps its cookies from being Secure."""
        self.console_port = free_port()
        self.console = f"http://127.0.0.1:{self.console_port}"
        self.start("console", DATABASE_URL="", GATEWAY_URL=self.base,
                   CONSOLE_ADDRESS=f"127.0.0.1:{self.console_port}",
                   CONSOLE_INSECURE_COOKIES="true", **env)
        wait_for(lambda: requests.get(self.console + "/health", timeout=2).ok, timeout=60,
                 message="the console to answer")

    def wait_until_up(self):
        wait_for(lambda: requests.get(self.url("/api/v1/communities"), timeout=2).ok,
                 timeout=60, message="the gateway and intake to answer")

    def wait_for_service(self, code, community="rainbow-city", present=True):
        def offered():
            services = requests.get(
                self.url(f"/open311/v2/services.json?jurisdiction_id={community}"),
                timeout=5).json()
            return (code in [s["service_code"] for s in services]) == present
        wait_for(offered, timeout=30, message=f"service {code} {'offered' if present else 'gone'}")

    def login(self, username="admin", password=ADMIN_PASSWORD):
        """Logged in as the account's owner would: at the first login of an account an admin
        opened, they set their own password (``password`` + "-own") before anything else."""
        password = self.own_passwords.get((username, password), password)
        response = requests.post(self.url("/api/v1/auth/token"),
                                 json={"username": username, "password": password}, timeout=10)
        assert response.status_code == 201, response.text
        body = response.json()
        if body["staff"]["must_change_password"]:
            own = password + "-own"
            changed = requests.post(self.url("/api/v1/auth/password"), timeout=10,
                                    headers={"Authorization": f"Bearer {body['token']}"},
                                    json={"old_password": password, "new_password": own})
            assert changed.status_code == 200, changed.text
            self.own_passwords[(username, password)] = own
            body = changed.json()
        return {"Authorization": f"Bearer {body['token']}"}

    def start_with(self, program, service_code):
        """Intake, the gateway and one program, until the program's service is offered."""
        self.start_intake()
        self.start("gateway")
        self.start(program)
        self.wait_until_up()
        self.wait_for_service(service_code)
        return self

    def add_staff(self, username, name, role, program_id=None, password="staff-pass-1"):
        """A staff account made by the admin, logged in: its auth headers."""
        created = requests.post(self.url("/api/v1/staff"), headers=self.login(), timeout=10,
                                json={"username": username, "name": name, "role": role,
                                      "program_id": program_id, "password": password})
        assert created.status_code == 201, created.text
        return self.login(username, password)

    def stop_all(self):
        for process, _ in self.processes.values():
            process.stop()

    def logs(self):
        return "\n".join(f"----- {name} -----\n{p.log()[-4000:]}"
                         for name, (p, _) in self.processes.items())


class ProgramClient:
    """HTTP through the gateway to one program's staff API, as one person (or the public)."""

    def __init__(self, suite, program_id, headers=None):
        self.suite = suite
        self.prefix = f"/api/v1/programs/{program_id}"
        self.headers = headers or {}

    def call(self, method, path, body=None, **params):
        return requests.request(method, self.suite.url(self.prefix + path), json=body,
                                params=params or None, headers=self.headers, timeout=20)

    def get(self, path, **params):
        response = self.call("GET", path, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, method, path, body=None, status=201):
        response = self.call(method, path, body)
        assert response.status_code == status, response.text
        return response.json()

    def refused(self, method, path, body, status, code):
        response = self.call(method, path, body)
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["code"] == code, error
        return error


@pytest.fixture
def suite(vhost, tmp_path, request):
    from contextlib import ExitStack
    with ExitStack() as stack:
        running = Suite(vhost, str(tmp_path), stack)
        try:
            yield running
        finally:
            running.stop_all()
            if getattr(request.node, "rep_call_failed", False):
                print(running.logs())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call_failed = report.failed
