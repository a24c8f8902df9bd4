from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from legal_aid.models import Base
from minzi.db import make_engine

# 10:00 in Beijing on a Friday
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
ALICE = {"id": 7, "name": "li"}


class UnitOfWork:
    """What the service's store.transaction gives the domain: a session and an outbox."""

    def __init__(self, session):
        self.session = session
        self.published = []

    def publish(self, routing_key, data, *, community=None):
        self.published.append({"routing_key": routing_key, "data": data, "community": community})


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/legal_aid.db")
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def uow(sessions):
    session = sessions()
    yield UnitOfWork(session)
    session.close()


def at(days=0, hour=10, minute=0):
    """A Beijing wall-clock time ``days`` after NOW's date, as an aware datetime."""
    beijing = timezone(timedelta(hours=8))
    base = NOW.astimezone(beijing).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return base + timedelta(days=days)
