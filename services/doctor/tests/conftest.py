"""doctor's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``. The moment of every domain test is 10:00 in Beijing on 27 November
2026 (``NOW``); dates are Beijing dates."""
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest

from minzi.api import DomainError
from minzi.testing import dispatched_case, domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from doctor.domain import cases, doctors, records
from doctor.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
C = "rainbow-city"
# the doctor: a program_staff account of doctor, registered on the list of doctors
DOCTOR = make_staff("program_staff", program_id="doctor", id=1, username="dr-liu", name="刘大夫")
# a clerk of the program who arranges clinic days: not on the list
CLERK = make_staff("handler", program_id="doctor", id=2, username="clerk", name="孙干事")
ADMIN = make_staff("admin", id=3, username="root", name="管理员")


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


@pytest.fixture
def dr(tx):
    """Dr Liu on the list of doctors of rainbow-city (registered by the admin)."""
    return doctors.register(tx, C, {"username": "dr-liu", "name": "刘大夫",
                                    "phone": "13911112222", "pledge": "随叫随到，小病不出社区门"},
                            ADMIN, NOW)


def snapshot(tx) -> dict:
    return {"rows": rows_of(tx.session, Base.metadata), "published": list(tx.published)}


@contextmanager
def refused(tx, code: str, *, field: str | None = None, status: int | None = None):
    """The rule in the block says no with ``code`` (on ``field``, with ``status``), and nothing
    changed."""
    before = snapshot(tx)
    with pytest.raises(DomainError) as err:
        yield err
    assert err.value.code == code, err.value.code
    if field is not None:
        assert err.value.field == field
    if status is not None:
        assert err.value.status == status
    # said in Chinese, and in English of its own (not the Chinese again)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message_zh), err.value.message_zh
    assert err.value.message_en not in (None, "", err.value.message_zh), err.value.message_en
    assert snapshot(tx) == before


def record_data(name: str = "王奶奶", phone: str = "13700001111", **extra) -> dict:
    return {"name": name, "sex": "female", "birth_date": date(1946, 3, 8), "phone": phone,
            "address": "彩虹城3区2号楼1单元", "conditions": ["高血压"], "allergies": ["青霉素"],
            "consent_method": "signed_form", "consent_on": TODAY,
            "consent_form_ref": "TY-2026-001", **extra}


def open_record(tx, **extra):
    return records.open_record(tx, C, record_data(**extra), DOCTOR, NOW)


def house_call(tx, case_id: int = 1, phone: str = "13700001111", **extra):
    """A house call intake dispatched here (due three days on, unless ``due_at`` says)."""
    return cases.receive(tx, dispatched_case(
        "doctor", "house_call", case_id=case_id, description="老伴卧床，想请医生上门量血压",
        resident={"name": "王奶奶", "phone": phone}, address="彩虹城3区2号楼",
        **{"due_at": "2026-11-30T02:00:00Z", **extra}), NOW)
