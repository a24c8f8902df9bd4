"""sms_broadcast's test fixtures and the people in them; the shared fixtures
(``program_container``, ``bus``) come from ``minzi.pytest_plugin``."""
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import sessionmaker

from minzi.testing import COMMUNITY, domain_transaction, make_staff
from sms_broadcast.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)   # 10:00 in Beijing
C = COMMUNITY
OPERATOR = make_staff("program_staff", program_id="sms_broadcast", id=3, username="li",
                      name="李")
ADMIN = make_staff("admin", id=1, username="admin", name="站长")
RECEPTIONIST = make_staff("receptionist", id=5, username="zhou", name="周")
OTHER_PROGRAM = {**OPERATOR, "id": 11, "program_id": "cat_fund"}
NEIGHBOUR = {**OPERATOR, "id": 9, "community": "maple-court"}


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


@pytest.fixture
def sessions(tx):
    """More sessions on the same database, as the SMS relay opens them."""
    return sessionmaker(tx.session.get_bind(), expire_on_commit=False)
