"""hotline's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``. The moment of every domain test is 10:00 in Beijing on 27 November
2026 (``NOW``); dates are Beijing dates.

The merchants' credit codes are published ones, printed on real business licences; each check
is worked out by hand in ``test_credit_code.py``."""
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest

from minzi.api import DomainError
from minzi.testing import dispatched_case, domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from hotline.domain import cases, merchants
from hotline.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
C = "rainbow-city"
STAFF = make_staff("program_staff", program_id="hotline", username="wang", name="王站长")
HANDLER = make_staff("handler", program_id="hotline", username="qian", name="钱干事")
ADMIN = make_staff("admin", username="root", name="管理员")
MAPLE_STAFF = {**STAFF, "community": "maple-court"}

# published credit codes (see test_credit_code.py for the checks by hand)
BAIDU = "91110000802100433B"
XIAOMI = "91110108551385082Q"
TENCENT = "91440300708461136T"
CHINA_MOBILE = "91110000100017643K"
HUAWEI = "914403001922038216"


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


def merchant_data(name: str = "好帮手家政", code: str = BAIDU, categories=("domestic_help",),
                  **extra) -> dict:
    return {"name": name, "credit_code": code, "categories": list(categories),
            "contact_name": "刘经理", "phone": "010-67890001", "address": "彩虹城底商12号",
            **extra}


def signed(tx, name: str = "好帮手家政", code: str = BAIDU, categories=("domestic_help",),
           community: str = C, **extra):
    """A merchant registered, its licence checked and its agreement signed: offered."""
    who = STAFF if community == C else {**STAFF, "community": community}
    merchant = merchants.register(tx, community, merchant_data(name, code, categories, **extra),
                                  who, NOW)
    merchants.check_licence(tx, community, merchant.id, {"note": "已查公示系统"}, who, NOW)
    merchants.sign_agreement(tx, community, merchant.id,
                             {"signed_on": TODAY, "agreement_ref": f"BM-{merchant.id:03d}"},
                             who, NOW)
    return merchant


def call(tx, case_id: int = 1, service_code: str = "domestic_help", when: datetime = NOW,
         **extra):
    """A resident's call intake dispatched here."""
    cases.receive(tx, dispatched_case(
        "hotline", service_code, case_id=case_id, description="想找个钟点工每周打扫两次",
        resident={"name": "赵大妈", "phone": "13900001111"}, address="彩虹城5号楼2单元",
        **extra), when)
