"""The fund's test fixtures and the people who use it. The shared fixtures
(``program_container``, ``bus``) come from ``minzi.pytest_plugin``."""
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from minzi.testing import domain_transaction, make_staff, standalone_store

from cat_fund.api import router
from cat_fund.models import Base, Inbox, Outbox

OPERATOR = make_staff("program_staff", program_id="cat_fund", id=7, username="wang",
                      name="王阿姨")
HANDLER = make_staff("handler", program_id="cat_fund", id=8, username="zhao", name="赵志愿者")
RECEPTIONIST = make_staff("receptionist", id=2, username="li", name="李接待")
LEGAL_STAFF = make_staff("program_staff", program_id="legal_aid", id=9, username="chen",
                         name="陈律师")
STATION_HEAD = make_staff("station_head", id=1, username="zhang", name="张站长")
NEIGHBOUR = make_staff("program_staff", program_id="cat_fund", community="sunny-park", id=20,
                       username="sun", name="孙")
ADMIN = make_staff("admin", id=99, username="root", name="管理员")

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)   # 10:00 on 27 November in Beijing


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


@pytest.fixture
def service(tmp_path):
    """What the staff API needs of the service (``service.store``), without a container or a
    broker: the fund's own ``Store`` on a new SQLite database, its outbox relay never started,
    so what a route publishes stays in the outbox for the test to read."""
    with standalone_store("cat_fund", Outbox, Inbox, tmp_path / "cat_fund.db") as store:
        yield SimpleNamespace(store=store.get_dependency(None))


@pytest.fixture
def call(service):
    """The staff API as the gateway calls it, without a broker:
    ``call("POST", "/donations", body, staff=OPERATOR)`` -> (status, body)."""
    def _call(method, path, body=None, *, staff=OPERATOR, query=None, lang="zh",
              idempotency_key=None):
        response = router.dispatch({"method": method, "path": path, "query": query or {},
                                    "body": body, "staff": staff, "lang": lang,
                                    "idempotency_key": idempotency_key}, service=service)
        return response["status"], response["body"]
    return _call
