"""dog_owners' test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``. The moment of every domain test is 10:00 in Beijing on 27 November
2026 (``NOW``); dates are Beijing dates."""
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest

from minzi.api import DomainError
from minzi.testing import dispatched_case, domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from dog_owners.domain import cases, dogs, members, pledges
from dog_owners.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
C = "rainbow-city"
STAFF = make_staff("program_staff", program_id="dog_owners", username="wang", name="王会长")
PLEDGE_TEXT = "一、依法办理养犬登记，按时为犬只接种狂犬疫苗。" \
              "二、每户只养一只犬，不养大型犬、烈性犬。" \
              "三、出户遛犬束犬链，由成年人牵领，主动避让老人和儿童。四、及时清除犬只粪便。" \
              "五、不让犬只吠叫干扰他人休息。"


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


def publish(tx, version: str = "2026版", effective_on: date = date(2026, 1, 1)):
    return pledges.publish(tx, C, {"version": version, "title": "彩虹城社区养犬人文明公约",
                                   "text": PLEDGE_TEXT, "effective_on": effective_on},
                           STAFF, NOW)


def join(tx, name: str = "李阿姨", phone: str = "13900000001", household: str = "5号楼2单元301",
         version: str = "2026版", **extra):
    return members.join(tx, C, {"name": name, "phone": phone, "household": household,
                                "pledge_version": version, **extra}, STAFF, NOW)


def dog_data(**extra) -> dict:
    return {"name": "豆豆", "breed": "泰迪", "size_class": "small", "sex": "male",
            "registration_no": "京犬2026-0001", "registration_expires_on": date(2027, 6, 30),
            "vaccinated_on": date(2026, 5, 1), **extra}


def add_dog(tx, member, **extra):
    return dogs.add_dog(tx, C, member.id, dog_data(**extra), STAFF, NOW)


def complaint(tx, case_id: int = 1, service_code: str = "dog_fouling", **extra) -> dict:
    """A resident's complaint intake dispatched here; returns the report sent back."""
    return cases.receive(tx, dispatched_case(
        "dog_owners", service_code, case_id=case_id, description="5号楼门口每天都有狗屎",
        resident={"name": "赵大爷", "phone": "13900001111"}, address="彩虹城5号楼",
        **{"due_at": "2026-12-04T02:00:00Z", **extra}), NOW)
