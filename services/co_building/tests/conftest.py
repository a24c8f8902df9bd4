"""co_building's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``. The moment of every domain test is 10:00 in Beijing on 27 November
2026 (``NOW``); dates are Beijing dates."""
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest

from minzi.api import DomainError
from minzi.testing import dispatched_case, domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from co_building.domain import cases, units
from co_building.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
C = "rainbow-city"
STAFF = make_staff("program_staff", program_id="co_building", username="wang", name="王书记")
ADMIN = make_staff("admin", username="root", name="管理员")
# the egg company's contact, whose account an admin opened with the role member_unit
EGG_CONTACT = make_staff("member_unit", program_id="co_building", username="egg-contact",
                         name="禽蛋公司刘主任")
HOSPITAL_CONTACT = make_staff("member_unit", program_id="co_building", username="hospital",
                              name="医院陈科长")
SIX_PARTIES = {"npc_deputies": ["张代表"], "residents": ["居民代表李阿姨"],
               "street": ["街道工委王书记"], "committees": ["社区党委书记", "居委会主任"],
               "property": ["和泓物业经理"], "units": ["禽蛋公司党委书记"]}


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


def unit_data(name: str = "禽蛋公司", username: str | None = "egg-contact", **extra) -> dict:
    return {"name": name, "kind": "enterprise", "party_branch": f"{name}党委",
            "contact_name": "刘主任", "contact_phone": "13800000100",
            "contact_username": username, **extra}


def egg_and_hospital(tx):
    """The egg company (its contact: egg-contact) and the hospital (hospital)."""
    egg = units.add_unit(tx, C, unit_data(), STAFF, NOW)
    hospital = units.add_unit(tx, C, unit_data("东方建都医院", "hospital", kind="hospital"),
                              STAFF, NOW)
    return egg, hospital


def noise_case(tx, case_id: int = 1, service_code: str = "night_noise", **extra):
    """A resident's complaint intake dispatched here."""
    cases.receive(tx, dispatched_case(
        "co_building", service_code, case_id=case_id,
        description="冷库的运输货车每天夜里两三点进出，吵得睡不着",
        resident={"name": "赵大爷", "phone": "13900001111"}, address="彩虹城5号楼",
        attributes={"noise_source": "trucks"}, **extra), NOW)
