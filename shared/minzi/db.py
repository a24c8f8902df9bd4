"""Database engines and the tables every service keeps beside its own: outbox and inbox.

Each service has its own database. ``DATABASE_URL`` points at PostgreSQL in production; when it is
not set the service keeps a SQLite file of its own (``./data/<service>.db``), the embedded default.
"""
import json
import os
import re
import time
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text, TypeDecorator, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Mapped, mapped_column

from .envelope import utcnow

_patched = False


def _green_psycopg2():
    """Let psycopg2 yield to other green threads while it waits on PostgreSQL."""
    global _patched
    if _patched:
        return
    try:
        import eventlet.patcher
        if eventlet.patcher.is_monkey_patched("socket"):
            from psycogreen.eventlet import patch_psycopg
            patch_psycopg()
    except ImportError:  # pragma: no cover - psycogreen is a declared dependency
        pass
    _patched = True


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg2 here (SQLAlchemy 2.1 would otherwise pick psycopg 3),
    the driver psycogreen makes cooperative under eventlet."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def database_url(service_name: str, configured: str | None = None) -> str:
    url = configured or os.environ.get("DATABASE_URL")
    if url:
        return normalise_url(url)
    os.makedirs("data", exist_ok=True)
    return f"sqlite:///data/{service_name}.db"


def ensure_database(url: str) -> bool:
    """Create the service's PostgreSQL database when the server has none by that name, so a
    new service joins an existing installation without anyone creating it by hand."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    target = make_url(normalise_url(url))
    if not target.drivername.startswith("postgresql") or not target.database:
        return False
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            # copies of one service starting at once: one creates, the others wait and find it
            connection.execute(text("SELECT pg_advisory_lock(hashtext(:name))"),
                               {"name": f"minzi-create-database:{target.database}"})
            if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": target.database}).scalar():
                return False
            name = target.database.replace('"', '""')
            connection.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' '
                                    "TEMPLATE template0"))
            return True
    finally:
        server.dispose()


_TABLE = re.compile(r"^\s*(?:(INSERT)\s+INTO|(UPDATE)|(DELETE)\s+FROM|(SELECT)\b.*?\bFROM)\s+"
                    r"\"?(\w+)", re.IGNORECASE | re.DOTALL)


def count_statements(engine, path: str) -> dict:
    """Counts the engine's round trips to the database (statements by kind and table, commits,
    rollbacks, connection checkouts) and writes them to ``path`` as JSON at most once a second.
    Set by ``MINZI_STATEMENT_COUNTS`` (the benchmark's: tests/benchmarks); off otherwise."""
    counts: dict = {"statements": 0, "commits": 0, "rollbacks": 0, "checkouts": 0,
                    "by_kind": {}}
    due = [0.0]

    def dump() -> None:
        now = time.monotonic()
        if now < due[0]:
            return
        due[0] = now + 1.0
        with open(path + ".tmp", "w") as handle:
            json.dump(counts, handle)
        os.replace(path + ".tmp", path)

    def bump(key: str) -> None:
        counts[key] += 1
        dump()

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):
        match = _TABLE.match(statement)
        kind = (" ".join(p for p in match.groups() if p).upper() if match
                else statement.split(None, 1)[0].upper() if statement.strip() else "?")
        if match:   # the table keeps its case
            kind = kind.rsplit(" ", 1)[0] + " " + match.group(5)
        counts["by_kind"][kind] = counts["by_kind"].get(kind, 0) + 1
        bump("statements")

    event.listen(engine, "commit", lambda conn: bump("commits"))
    event.listen(engine, "rollback", lambda conn: bump("rollbacks"))
    event.listen(engine, "checkout", lambda *a: bump("checkouts"))
    return counts


def make_engine(url: str):
    engine = _make_engine(url)
    if os.environ.get("MINZI_STATEMENT_COUNTS"):
        count_statements(engine, os.environ["MINZI_STATEMENT_COUNTS"])
    return engine


def _make_engine(url: str):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if url.startswith("postgresql"):
        _green_psycopg2()
    # values_plus_batch: the rows of one statement run many times (the unit of work's UPDATE of
    # every case a batch of reports changed, say) go in pages, one round trip each, rather than
    # one round trip a row
    engine = create_engine(url, pool_size=10, max_overflow=10,
                           executemany_mode="values_plus_batch")
    ping_after_idle(engine)
    return engine


IDLE_BEFORE_PING_SECONDS = 5.0


def ping_after_idle(engine, seconds: float = IDLE_BEFORE_PING_SECONDS) -> None:
    """A pooled connection idle for ``seconds`` or more is tried (``SELECT 1``) before it is
    lent out, and replaced when the server is gone (restarted, or the connection was cut while
    idle). One used less than that ago is lent as it is: under load that spares a round trip per
    transaction (``pool_pre_ping`` pays it every time), and the rare transaction that meets a
    server gone since fails as a disconnect, which makes SQLAlchemy renew the whole pool — a bus
    message is then tried again (``minzi.consumer``), an HTTP caller answered 503."""
    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _lent(dbapi_connection, record, proxy):
        returned_at = record.info.get("returned_at")
        if returned_at is None or time.monotonic() - returned_at < seconds:
            return   # just connected, or in use a moment ago
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as exc:
            raise DisconnectionError(f"the pooled connection no longer answers: {exc}") from exc


class UTCDateTime(TypeDecorator):
    """Timestamps stored in UTC, with their zone on PostgreSQL. SQLite keeps a timestamp's
    wall-clock time without its offset and gives it back naive, read as UTC: a Beijing time
    (``+08:00``) is therefore turned into UTC on the way in, or it would come back 8 hours late."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC)
        return value


class OutboxMixin:
    """An event written in the same transaction as the change it announces.

    The relay publishes it (with publisher confirms) and then sets ``published_at``.
    """
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    routing_key: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class InboxMixin:
    """The messages a handler has already applied: one row per (message, handler)."""
    __tablename__ = "inbox"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handler: Mapped[str] = mapped_column(String(100), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; every timestamp Minzi stores is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
