"""Helpers the suite's tests share: throwaway PostgreSQL databases, staff and cases to test with,
a transaction for domain tests, a program's API called as the gateway calls it, services as OS
processes. The fixtures built on them (``program_container``, ``bus``) are in
``minzi.pytest_plugin``, which pytest loads for every test.
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from .db import make_engine, normalise_url
from .envelope import isoformat, make_envelope, utcnow

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
COMMUNITY = "rainbow-city"


# -- people and cases to test with ----------------------------------------------------------------

def make_staff(role: str = "program_staff", *, program_id: str | None = None,
               community: str = COMMUNITY, id: int = 7, username: str = "li",
               name: str = "李") -> dict:
    """A staff member as the gateway passes them to a program's API."""
    return {"id": id, "username": username, "name": name, "role": role,
            "community": community, "program_id": program_id}


def dispatched_case(program_id: str, service_code: str, *, case_id: int = 1,
                    community: str = COMMUNITY, **overrides: Any) -> dict:
    """The data of a ``case.dispatched`` message, as intake sends it (docs/contract.md).

    The default due date is fixed, for tests on a fixed clock; a test on the real clock that
    cares whether the case is late passes ``due_at=due_in(days)``."""
    return {"case_id": case_id, "tracking_code": f"TEST{case_id:06d}", "program_id": program_id,
            "service_code": service_code, "community": community, "channel": "visit",
            "description": "居民来访求助", "attributes": {}, "address": "彩虹城3号楼",
            "resident": {"name": "张三", "phone": "13800001111"},
            "due_at": "2026-12-04T02:00:00Z", "note": None, **overrides}


def due_in(days: float) -> str:
    """A due date ``days`` after the real now, as intake writes it."""
    return isoformat(utcnow() + timedelta(days=days))


# -- domain tests: a real database, the outbox recorded -------------------------------------------

class RecordingTransaction:
    """What ``store.transaction()`` gives the rules (``session`` and ``publish``), with what
    they publish kept in ``published`` instead of an outbox."""

    def __init__(self, session: Session):
        self.session = session
        self.published: list[dict] = []

    def publish(self, routing_key: str, data: dict, *, community: str | None = None,
                **_: Any) -> dict:
        message = {"routing_key": routing_key, "data": data, "community": community}
        self.published.append(message)
        return message


@contextmanager
def domain_transaction(metadata: MetaData, directory: str | Path) -> Iterator[RecordingTransaction]:
    """A ``RecordingTransaction`` on a new SQLite database with the program's tables.

    SQLite hands back a query's rows in the order they were written unless the query names an
    order, which would hide a list that forgot its ``ORDER BY`` (PostgreSQL promises no order:
    an updated row moves). Here it is told to hand them back reversed, so only the order a rule
    asks for shows."""
    engine = make_engine(f"sqlite:///{Path(directory) / 'domain.db'}")
    event.listen(engine, "connect", _rows_in_no_order_of_their_own)
    metadata.create_all(engine)
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield RecordingTransaction(session)
    finally:
        session.close()
        engine.dispose()


def _rows_in_no_order_of_their_own(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA reverse_unordered_selects = ON")


def statements_sent(engine) -> list[str]:
    """The statements sent to ``engine``'s database from now on, as they go."""
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement))
    return statements


def snapshot(session: Session, metadata: MetaData) -> dict[str, list[str]]:
    """Every row of every table, as the session sees it (what it holds is flushed first): the
    same before and after a refused action when the refusal changed nothing."""
    session.flush()
    return {table.name: sorted(repr(tuple(row)) for row in session.execute(table.select()))
            for table in metadata.sorted_tables}


# -- a staff API without a broker ----------------------------------------------------------------

@contextmanager
def standalone_store(service_name: str, outbox_model: type, inbox_model: type,
                     path: str | Path) -> Iterator[Any]:
    """A service's ``Store`` on a SQLite file, set up without a container (what the staff API
    needs of a service: ``store.session()``, ``store.transaction()``). Its outbox relay is never
    started, so what a route publishes stays in the outbox. Yields the store itself; the
    service's handle on it is ``store.get_dependency(None)``."""
    from types import SimpleNamespace

    from .store import Store
    store = Store(service_name, outbox_model, inbox_model, create_tables=True)
    store.container = SimpleNamespace(config={"DATABASE_URL": f"sqlite:///{path}",
                                              "AMQP_URI": "memory://"})
    store.setup()
    try:
        yield store
    finally:
        store.stop()


class SeededDatabase:
    """A standalone store's SQLite database as it was seeded, written back (SQLite's backup)
    whenever a test wants it fresh: hundreds of tries from the same records, on the same engine
    (a new engine would compile every query again)."""

    def __init__(self, store: Any):
        import sqlite3
        self.store = store
        self.seed = sqlite3.connect(":memory:")
        with self._live() as live:
            live.backup(self.seed)

    @contextmanager
    def _live(self) -> Iterator[Any]:
        pooled = self.store.engine.raw_connection()
        try:
            yield pooled.driver_connection
        finally:
            pooled.close()

    def restore(self) -> None:
        with self._live() as live:
            live.execute("PRAGMA synchronous=OFF")   # a test's file: no waiting on the disk
            self.seed.backup(live)

    def close(self) -> None:
        self.seed.close()


# -- service tests --------------------------------------------------------------------------------

def staff_statement(staff: dict, service: str) -> str:
    """What the gateway sends a service for ``staff`` (signed with the development key, which
    every service in a test believes)."""
    from .staff_identity import DEVELOPMENT_SIGNING_KEY, sign
    return sign(staff, service, DEVELOPMENT_SIGNING_KEY)


def call_api(container, method: str, path: str, body: Any = None, *, staff: dict | None,
             query: dict | None = None, lang: str = "zh",
             idempotency_key: str | None = None) -> dict:
    """Call a running program's ``api`` RPC the way the gateway does; returns
    ``{"status", "body"}``."""
    from nameko.testing.services import entrypoint_hook

    statement = staff_statement(staff, container.service_name) if staff else None
    with entrypoint_hook(container, "api") as api:
        return api({"method": method, "path": path, "query": query or {}, "body": body,
                    "staff_assertion": statement, "lang": lang,
                    "idempotency_key": idempotency_key})


class Bus:
    """The test's own view of the ``minzi`` exchange on the test vhost: it publishes as intake
    would, and keeps what services send (``case.reported``, ``case.submitted``,
    ``program.announced``, ``program.withdrawn``) in queues of its own, bound before the
    service starts."""

    KEYS = ("case.reported", "case.submitted", "program.announced", "program.withdrawn")

    def __init__(self, amqp_uri: str):
        from kombu import Connection, Queue

        from .bus import ConfirmingPublisher, minzi_exchange
        self.connection = Connection(amqp_uri)
        channel = self.connection.channel()
        self.queues = {}
        for key in self.KEYS:
            queue = Queue(f"test.{key}.{uuid.uuid4().hex[:6]}", exchange=minzi_exchange(),
                          routing_key=key, durable=False, auto_delete=True)(channel)
            queue.declare()
            self.queues[key] = queue
        self.publisher = ConfirmingPublisher(amqp_uri)
        self.seen: list[dict] = []   # what ``wait`` passed over on its way to the one it wanted

    def publish(self, routing_key: str, data: dict, *, community: str | None = COMMUNITY,
                source: str = "intake", event_id: str | None = None) -> dict:
        """Publish ``data`` in an envelope; the envelope is returned (publish it again with
        ``send`` to deliver the same message twice)."""
        envelope = make_envelope(".".join(routing_key.split(".")[:2]), data, source=source,
                                 community=community, event_id=event_id)
        self.send(envelope, routing_key)
        return envelope

    def send(self, envelope: dict, routing_key: str) -> None:
        self.publisher.publish(envelope, routing_key)

    def drain(self, key: str) -> list[dict]:
        """Every message that arrived on ``key`` since the last look, oldest first."""
        bodies = []
        while (message := self.queues[key].get(no_ack=True)) is not None:
            bodies.append(json.loads(message.body))
        return bodies

    def wait(self, key: str, predicate: Callable[[dict], bool] = lambda _: True,
             timeout: float = 20.0) -> dict:
        """The first message on ``key`` that ``predicate`` accepts (the others before it are
        kept in ``seen``)."""
        def arrived():
            for body in self.drain(key):
                if predicate(body):
                    return body
                self.seen.append(body)
            return None
        return wait_for(arrived, timeout=timeout, message=f"a {key} message")

    def close(self) -> None:
        self.publisher.close()
        self.connection.release()


@contextmanager
def postgres_database(prefix: str = "minzi_test") -> Iterator[str]:
    """A new, empty PostgreSQL database for one test run; dropped afterwards."""
    server = normalise_url(os.environ.get("MINZI_TEST_DATABASE_URL", DEFAULT_SERVER_URL))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    parsed = urlparse(server)
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        with admin.connect() as connection:
            connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def create_schema(url: str, metadata: MetaData) -> None:
    engine = create_engine(normalise_url(url))
    metadata.create_all(engine)
    engine.dispose()


def take_one(amqp_uri: str, queue) -> Any:
    """One message off ``queue`` (a kombu ``Queue``, declared as its service declares it), on a
    connection of its own, or None: polled with ``wait_for``, a connection the broker dropped
    meanwhile (a busy machine) is never reused."""
    from kombu import Connection
    with Connection(amqp_uri) as connection:
        bound = queue(connection.channel())
        bound.declare()
        return bound.get(no_ack=True)


def values_in(body: Any) -> list:
    """Every value an answer shows, however deep. A figure is looked for among them, not in the
    answer's text, where the same digits also turn up in a timestamp's microseconds or an id."""
    if isinstance(body, dict):
        return [v for value in body.values() for v in values_in(value)]
    if isinstance(body, list):
        return [v for value in body for v in values_in(value)]
    return [body]


def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05,
             message: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy; the value is returned.

    Connection errors (a service still starting) count as "not yet"; an AssertionError raised
    by the predicate is a test's verdict and is raised at once, never swallowed."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except AssertionError:
            raise
        except Exception as exc:  # not ready yet
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}"
                         + (f" (last error: {last_error!r})" if last_error else ""))


def _outgoing_ports() -> range:
    """The ports the kernel gives outgoing connections (32768–60999 unless set otherwise)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as handle:
            low, high = (int(part) for part in handle.read().split())
        return range(low, high + 1)
    except (OSError, ValueError):
        return range(32768, 61000)


_handed_out: set[int] = set()


def read_until_closed(connection: socket.socket) -> bytes:
    """Everything a server sends on ``connection`` until it closes it (``b""``: nothing)."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on, for a server a test starts.

    It is taken below the range the kernel gives outgoing connections: a port found free in that
    range can go to any process's next connection before the server binds it (a broker node
    started beside a running suite then cannot listen and gives up). No port is handed out
    twice in one process."""
    outgoing = _outgoing_ports()
    choices = range(20000, outgoing.start) if outgoing.start > 21000 else range(0)
    for port in random.sample(choices, min(len(choices), 200)):
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    with socket.socket() as sock:   # no room below the outgoing range: any port the kernel gives
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServiceProcess:
    """A service started exactly as its image starts it: ``minzi-run <service>``."""

    def __init__(self, service, env, log_dir, args=(), cwd=None):
        """``cwd``: where the service runs (its SQLite default lands in ``cwd/data``)."""
        self.service = service
        self.cwd = cwd
        self.env = {**os.environ, **{k: str(v) for k, v in env.items()}}
        self.log_path = os.path.join(log_dir, f"{service}-{uuid.uuid4().hex[:6]}.log")
        self.args = list(args)
        self.process = None

    def start(self):
        bindir = os.path.dirname(sys.executable)
        command = [os.path.join(bindir, "minzi-run"), self.service, *self.args]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - the process writes to it until stop()
        self.process = subprocess.Popen(command, env=self.env, stdout=self._log, cwd=self.cwd,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL: no goodbye, no withdrawal, nothing flushed."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self, timeout=20):
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_log", None):
            self._log.close()

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
