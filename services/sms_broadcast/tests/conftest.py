from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import sessionmaker

from minzi.db import make_engine
from sms_broadcast.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)   # 10:00 in Beijing
C = "rainbow-city"
OPERATOR = {"id": 3, "username": "li", "name": "李", "role": "program_staff", "community": C,
            "program_id": "sms_broadcast"}
ADMIN = {"id": 1, "username": "admin", "name": "站长", "role": "admin", "community": C,
         "program_id": None}
RECEPTIONIST = {"id": 5, "username": "zhou", "name": "周", "role": "receptionist",
                "community": C, "program_id": None}
OTHER_PROGRAM = {**OPERATOR, "id": 11, "program_id": "cat_fund"}
NEIGHBOUR = {**OPERATOR, "id": 9, "community": "maple-court"}


class UnitOfWork:
    """What the service's store.transaction gives the domain: a session and an outbox."""

    def __init__(self, session):
        self.session = session
        self.published = []

    def publish(self, routing_key, data, *, community=None):
        self.published.append({"routing_key": routing_key, "data": data, "community": community})


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/sms_broadcast.db")
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def uow(sessions):
    session = sessions()
    yield UnitOfWork(session)
    session.close()
