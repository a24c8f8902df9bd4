"""agency's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``. The moment of every domain test is 10:00 in Beijing on 27 November
2026 (``NOW``)."""
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from minzi.api import DomainError
from minzi.testing import dispatched_case, domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from agency.domain import cases
from agency.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)     # 10:00 in Beijing, 27 November 2026
C = "rainbow-city"
WANG = make_staff("program_staff", program_id="agency", username="wang", name="王代理员")
LI = make_staff("handler", program_id="agency", username="li", name="李代理员")
ADMIN = make_staff("admin", username="root", name="管理员")
PHONE = "13900001111"
# GB 11643 numbers with their check digits: born 27 November 1966 (60 on NOW's day) and
# 28 November 1966 (59 on NOW's day, 60 the day after)
SIXTY_TODAY = "110105196611270027"
SIXTY_TOMORROW = "110105196611280022"


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


def snapshot(tx) -> dict:
    return {"rows": rows_of(tx.session, Base.metadata), "published": list(tx.published)}


@contextmanager
def refused(tx, code: str, *, field: str | None = None, status: int | None = None,
            zh: str | None = None):
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
    assert snapshot(tx) == before


def matter(tx, item: str = "old_age_card", case_id: int = 1, phone: str = PHONE,
           now: datetime = NOW, **extra):
    """A resident's matter intake dispatched here."""
    return cases.receive(tx, dispatched_case(
        "agency", item, case_id=case_id, description="想给我父亲办老年证",
        resident={"name": "赵大爷", "phone": phone}, **extra), now)
