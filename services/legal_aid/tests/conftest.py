"""The legal-aid home's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``."""
from datetime import UTC, datetime, timedelta

import pytest

from minzi.localtime import BEIJING
from minzi.testing import domain_transaction, make_staff

from legal_aid.models import Base

# 10:00 in Beijing on a Friday
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
ALICE = make_staff("program_staff", program_id="legal_aid", id=7, username="alice", name="李")


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


def at(days: int = 0, hour: int = 10, minute: int = 0) -> datetime:
    """A Beijing wall-clock time ``days`` after NOW's date, as an aware datetime."""
    base = NOW.astimezone(BEIJING).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return base + timedelta(days=days)
