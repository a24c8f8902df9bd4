"""Against a real PostgreSQL, the station's database: staff see the zones, buildings, doors and
residents in the order they were set up, page after page, even after a head was changed and a
resident moved to a new number (PostgreSQL, unlike SQLite, may write a changed row anew
elsewhere, and without an order it hands rows back as it finds them). Set up by hand, in this
order: zones 一片区, 二片区, 三片区; 5号楼 in 一片区, 9号楼 and 10号楼 in 二片区; 2单元 and
10单元 of 5号楼; residents 张三 (2单元), 李四 (5号楼), 王五 and 赵六 (9号楼), their numbers
falling as they were registered. A broadcast's recipients in the residents' order, and intake's
cases by their number, whatever order they came in."""
import pytest
from sqlalchemy.orm import sessionmaker

from minzi.db import make_engine
from minzi.testing import RecordingTransaction, create_schema, dispatched_case, postgres_database

from sms_broadcast.domain import cases, views
from sms_broadcast.domain.broadcasts import create_broadcast
from sms_broadcast.domain.contacts import create_contact, update_contact
from sms_broadcast.domain.grid import create_building, create_door, create_zone, update_head
from sms_broadcast.models import Base, Building, Door, Zone
from sms_broadcast.schemas import ListQuery

from .conftest import NOW, OPERATOR


def q(**given):
    return ListQuery().load(given)


@pytest.fixture
def tx():
    with postgres_database("sms_broadcast_test") as url:
        create_schema(url, Base.metadata)
        engine = make_engine(url)
        try:
            with sessionmaker(engine, expire_on_commit=False)() as session:
                yield RecordingTransaction(session)
        finally:
            engine.dispose()


@pytest.fixture
def grid(tx):
    """Set up in an order that is not the order of the names or the numbers as text."""
    z1 = create_zone(tx, OPERATOR, {"name": "一片区"}, NOW)
    z2 = create_zone(tx, OPERATOR, {"name": "二片区"}, NOW)
    create_zone(tx, OPERATOR, {"name": "三片区"}, NOW)
    b5 = create_building(tx, OPERATOR, {"zone_id": z1.id, "name": "5号楼"}, NOW)
    b9 = create_building(tx, OPERATOR, {"zone_id": z2.id, "name": "9号楼"}, NOW)
    create_building(tx, OPERATOR, {"zone_id": z2.id, "name": "10号楼"}, NOW)
    d2 = create_door(tx, OPERATOR, {"building_id": b5.id, "name": "2单元"}, NOW)
    create_door(tx, OPERATOR, {"building_id": b5.id, "name": "10单元"}, NOW)
    zhang = create_contact(tx, OPERATOR, {"name": "张三", "phone": "13800004444",
                                          "door_id": d2.id}, NOW)
    for name, phone, building in (("李四", "13800003333", b5), ("王五", "13800002222", b9),
                                  ("赵六", "13800001111", b9)):
        create_contact(tx, OPERATOR, {"name": name, "phone": phone,
                                      "building_id": building.id}, NOW)
    tx.session.commit()
    return {"z1": z1, "b5": b5, "d2": d2, "zhang": zhang}


def names(rows):
    return [row["name"] for row in rows]


def test_lists_stay_in_the_order_set_up_after_a_head_and_a_number_changed(tx, grid):
    update_head(tx, OPERATOR, Zone, grid["z1"].id, {"head_name": "王区长"}, NOW)
    update_head(tx, OPERATOR, Building, grid["b5"].id, {"head_name": "赵楼长"}, NOW)
    update_head(tx, OPERATOR, Door, grid["d2"].id, {"head_name": "钱门长"}, NOW)
    update_contact(tx, OPERATOR, grid["zhang"].id, {"name": "张三丰", "phone": "13800009999"},
                   NOW)
    tx.session.commit()
    tx.session.expire_all()
    assert names(views.list_zones(tx.session, OPERATOR)) == ["一片区", "二片区", "三片区"]
    assert names(views.list_buildings(tx.session, OPERATOR, q())) == ["5号楼", "9号楼", "10号楼"]
    assert names(views.list_doors(tx.session, OPERATOR, q(building_id=grid["b5"].id))) == \
        ["2单元", "10单元"]
    assert names(views.list_contacts(tx.session, OPERATOR, q())) == ["张三丰", "李四", "王五",
                                                                       "赵六"]
    # two at a time: each resident on one page only
    assert [names(views.list_contacts(tx.session, OPERATOR, q(limit=2, offset=offset)))
            for offset in (0, 2)] == [["张三丰", "李四"], ["王五", "赵六"]]


def test_a_broadcasts_recipients_are_listed_as_the_residents_are(tx, grid):
    update_contact(tx, OPERATOR, grid["zhang"].id, {"phone": "13800009999"}, NOW)
    made = create_broadcast(tx, OPERATOR, {"text": "明天9点到12点停水，请提前储水。",
                                           "target": "community"}, NOW)
    tx.session.commit()
    assert names(views.list_messages(tx.session, OPERATOR, made.id, q())) == \
        ["张三", "李四", "王五", "赵六"]


def test_intakes_cases_are_listed_by_case_number_whatever_order_they_came_in(tx):
    # case 7 reaches the program first; case 3, older, after it (handed on later by intake)
    for case_id in (7, 3):
        cases.receive(tx, dispatched_case("sms_broadcast", "sms_notice_request",
                                          case_id=case_id), NOW)
    tx.session.commit()
    assert [case["case_id"] for case in views.list_cases(tx.session, OPERATOR)] == [3, 7]
