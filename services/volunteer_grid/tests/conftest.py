"""volunteer_grid's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``. The moment of every domain test is 10:00 in Beijing on 27 November
2026 (``NOW``); dates are Beijing dates."""
from contextlib import contextmanager
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from minzi.api import DomainError
from minzi.testing import domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from volunteer_grid.domain import grid, volunteers
from volunteer_grid.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
C = "rainbow-city"
STAFF = make_staff("program_staff", program_id="volunteer_grid", username="liu",
                   name="刘主任")
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
    words), and nothing changed: no row, nothing published."""
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


def person(name: str, phone: str, **where) -> dict:
    return {"name": name, "phone": phone, "skills": [], "joined_on": None, **where}


@pytest.fixture
def town(tx):
    """一区 (5号楼 with 1单元 and 2单元, 6号楼) and 二区 (9号楼); 王芳 at 5号楼2单元, 李强 at
    5号楼1单元, 赵敏 in 6号楼, 孙丽 in 二区 9号楼, 周杰 in 一区 with no building given."""
    z1 = grid.add_zone(tx, C, {"name": "一区"}, STAFF, NOW)
    z2 = grid.add_zone(tx, C, {"name": "二区"}, STAFF, NOW)
    b5 = grid.add_building(tx, C, {"zone_id": z1.id, "name": "5号楼"}, STAFF, NOW)
    b6 = grid.add_building(tx, C, {"zone_id": z1.id, "name": "6号楼"}, STAFF, NOW)
    b9 = grid.add_building(tx, C, {"zone_id": z2.id, "name": "9号楼"}, STAFF, NOW)
    d1 = grid.add_door(tx, C, {"building_id": b5.id, "name": "1单元"}, STAFF, NOW)
    d2 = grid.add_door(tx, C, {"building_id": b5.id, "name": "2单元"}, STAFF, NOW)
    add = volunteers.add_volunteer
    wang = add(tx, C, person("王芳", "13900000001", door_id=d2.id), STAFF, NOW)
    li = add(tx, C, person("李强", "13900000002", door_id=d1.id), STAFF, NOW)
    zhao = add(tx, C, person("赵敏", "13900000003", building_id=b6.id), STAFF, NOW)
    sun = add(tx, C, person("孙丽", "13900000004", building_id=b9.id), STAFF, NOW)
    zhou = add(tx, C, person("周杰", "13900000005", zone_id=z1.id), STAFF, NOW)
    return SimpleNamespace(z1=z1, z2=z2, b5=b5, b6=b6, b9=b9, d1=d1, d2=d2, wang=wang, li=li,
                           zhao=zhao, sun=sun, zhou=zhou)
