"""Helpers the suite's tests share: throwaway PostgreSQL databases, services as OS processes."""
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse

from sqlalchemy import create_engine, text

from .db import normalise_url

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def postgres_database(prefix="minzi_test"):
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


def create_schema(url, metadata):
    engine = create_engine(normalise_url(url))
    metadata.create_all(engine)
    engine.dispose()


def wait_for(predicate, timeout=20.0, interval=0.05, message="condition"):
    """Poll ``predicate`` until it returns something truthy; the value is returned."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # not ready yet
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}"
                         + (f" (last error: {last_error!r})" if last_error else ""))


def free_port():
    with socket.socket() as sock:
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
        self._log = open(self.log_path, "ab")
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
