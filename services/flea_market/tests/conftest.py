"""flea_market's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``. The moment of every domain test is 10:00 in Beijing on 27 November
2026 (``NOW``); dates are Beijing dates."""
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest

from minzi.api import DomainError
from minzi.testing import domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from flea_market.domain import markets, signups
from flea_market.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
NEXT_SATURDAY = date(2026, 11, 28)
C = "rainbow-city"
STAFF = make_staff("program_staff", program_id="flea_market", username="zhou", name="周站长")
ADMIN = make_staff("admin", username="root", name="管理员")


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


def snapshot(tx) -> dict:
    return {"rows": rows_of(tx.session, Base.metadata), "published": list(tx.published)}


@contextmanager
def refused(tx, code: str, *, field: str | None = None, status: int | None = None,
            zh: str | None = None, en: str | None = None):
    """The rule in the block says no with ``code`` (on ``field``, with ``status``, in these
    words), and nothing changed."""
    before = snapshot(tx)
    with pytest.raises(DomainError) as err:
        yield err
    assert err.value.code == code, err.value.code
    if field is not None:
        assert err.value.field == field
    if status is not None:
        assert err.value.status == status
    if zh is not None:
        assert err.value.message_zh == zh
    if en is not None:
        assert err.value.message_en == en
    assert snapshot(tx) == before


def market_data(day: date = NEXT_SATURDAY, **extra) -> dict:
    return {"day": day, "place": "彩虹城文化广场", "theme": "闲置物品置换", "charity": False,
            "beneficiary": None, "stall_count": 3, **extra}


def plan(tx, day: date = NEXT_SATURDAY, **extra):
    return markets.plan(tx, C, market_data(day, **extra), STAFF, NOW)


def charity(tx, day: date = date(2026, 5, 18), **extra):
    """A charity sale (义卖) already past, as the Wenchuan one was."""
    return plan(tx, day, **{"theme": "爱心义卖 支援汶川", "charity": True,
                            "beneficiary": "汶川地震灾区（经区红十字会）", "stall_count": 60,
                            **extra})


def resident(name: str = "王阿姨", phone: str = "13900001111", goods: str | None = "旧书和玩具"):
    return {"name": name, "phone": phone, "goods": goods}


def sign(tx, market, **extra):
    return signups.sign_up(tx, C, market.id, resident(**extra), STAFF, NOW)
