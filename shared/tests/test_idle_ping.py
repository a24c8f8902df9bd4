"""A pooled PostgreSQL connection is tried before it is lent only when it has been idle: one the
server dropped while idle is replaced unseen; one in use a moment ago is lent without the round
trip, and if the server dropped it since, that one transaction fails and the next works."""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from minzi.db import IDLE_BEFORE_PING_SECONDS, make_engine
from minzi.testing import postgres_database


@pytest.fixture
def database():
    with postgres_database() as url:
        engine, admin = make_engine(url), create_engine(url, isolation_level="AUTOCOMMIT")
        yield engine, admin
        engine.dispose()
        admin.dispose()


def backend(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def drop(admin, pid: int) -> None:
    """The server ends the connection, as a restart or an idle timeout would."""
    with admin.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def age_pooled_connections(engine, seconds: float) -> None:
    """As if the pool's connections had been returned ``seconds`` earlier."""
    for record in list(engine.pool._pool.queue):
        record.info["returned_at"] -= seconds


def test_a_connection_dropped_while_idle_is_replaced_before_it_is_lent(database):
    engine, admin = database
    first = backend(engine)
    drop(admin, first)
    age_pooled_connections(engine, IDLE_BEFORE_PING_SECONDS + 1)
    second = backend(engine)         # no error: the ping found it gone and a new one was made
    assert second != first


def test_a_connection_in_use_a_moment_ago_is_lent_without_a_ping(database):
    engine, admin = database
    first = backend(engine)
    drop(admin, first)
    with pytest.raises(OperationalError):   # the one transaction that meets it
        backend(engine)
    assert backend(engine) not in (first, None)   # the pool was renewed
