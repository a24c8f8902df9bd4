"""Fixtures for the fund's tests: a database with the fund's schema, and the staff who use it."""
import types

import pytest
from sqlalchemy.orm import sessionmaker

from cat_fund.api import router
from cat_fund.models import Base, Inbox, Outbox
from minzi.db import make_engine
from minzi.store import StoreHandle

OPERATOR = {"id": 7, "username": "wang", "name": "王阿姨", "role": "program_staff",
            "community": "rainbow-city", "program_id": "cat_fund"}
HANDLER = {"id": 8, "username": "zhao", "name": "赵志愿者", "role": "handler",
           "community": "rainbow-city", "program_id": "cat_fund"}
RECEPTIONIST = {"id": 2, "username": "li", "name": "李接待", "role": "receptionist",
                "community": "rainbow-city", "program_id": None}
LEGAL_STAFF = {"id": 9, "username": "chen", "name": "陈律师", "role": "program_staff",
               "community": "rainbow-city", "program_id": "legal_aid"}
STATION_HEAD = {"id": 1, "username": "zhang", "name": "张站长", "role": "station_head",
                "community": "rainbow-city", "program_id": None}
NEIGHBOUR = {"id": 20, "username": "sun", "name": "孙", "role": "program_staff",
             "community": "sunny-park", "program_id": "cat_fund"}


class FakeRelay:
    def __init__(self):
        self.woken = 0

    def wake(self):
        self.woken += 1


def make_service(url):
    """What the router needs of the service (``service.store``) without a container."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    store = types.SimpleNamespace(
        sessions=sessionmaker(engine, expire_on_commit=False), inbox_model=Inbox,
        outbox_model=Outbox, source="cat_fund", relay=FakeRelay(), engine=engine)
    return types.SimpleNamespace(store=StoreHandle(store), engine=engine, raw_store=store)


@pytest.fixture
def service(tmp_path):
    svc = make_service(f"sqlite:///{tmp_path}/cat_fund.db")
    yield svc
    svc.engine.dispose()


@pytest.fixture
def call(service):
    """``call("POST", "/donations", body, staff=OPERATOR)`` -> (status, body)."""
    def _call(method, path, body=None, *, staff=OPERATOR, query=None, lang="zh"):
        response = router.dispatch({"method": method, "path": path, "query": query or {},
                                    "body": body, "staff": staff, "lang": lang}, service=service)
        return response["status"], response["body"]
    return _call
