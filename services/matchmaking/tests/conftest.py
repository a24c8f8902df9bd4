from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import sessionmaker

from matchmaking.domain import id_check_char
from matchmaking.models import Base
from minzi.db import make_engine

# 10:00 in Beijing, 27 November 2026
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
STAFF = {"id": 7, "name": "王红娘"}
C = "rainbow-city"


class UnitOfWork:
    """What the service's store.transaction gives the domain: a session and an outbox."""

    def __init__(self, session):
        self.session = session
        self.published = []

    def publish(self, routing_key, data, *, community=None):
        self.published.append({"routing_key": routing_key, "data": data, "community": community})


@pytest.fixture
def sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/matchmaking.db")
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def uow(sessions):
    session = sessions()
    yield UnitOfWork(session)
    session.close()


def id_number(birth, gender, serial=1, region="110105"):
    """A well-formed resident ID number for someone born on ``birth`` (Chaoyang, Beijing)."""
    sequence = serial * 2 + (1 if gender == "male" else 0)
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)


def person(name="张伟", gender="male", birth=date(1994, 5, 12), phone="13800000001", serial=1,
           **extra):
    return {"name": name, "gender": gender, "birth_date": birth, "phone": phone,
            "id_number": id_number(birth, gender, serial), "education": "bachelor",
            "occupation": "工程师", "introduction": "性格开朗，爱好运动",
            "looking_for": "善良孝顺", **extra}
