"""sms_broadcast's test fixtures and the people in them; the shared fixtures
(``program_container``, ``bus``) come from ``minzi.pytest_plugin``."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from minzi.testing import COMMUNITY, domain_transaction, make_staff

from sms_broadcast.domain.broadcasts import create_broadcast
from sms_broadcast.domain.contacts import create_contact
from sms_broadcast.domain.grid import create_building, create_door, create_zone
from sms_broadcast.domain.replies import receive_reply
from sms_broadcast.models import Base, Message
from sms_broadcast.sender import SmsRelay

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)   # 10:00 in Beijing
C = COMMUNITY
OPERATOR = make_staff("program_staff", program_id="sms_broadcast", id=3, username="li",
                      name="李")
ADMIN = make_staff("admin", id=1, username="admin", name="站长")
RECEPTIONIST = make_staff("receptionist", id=5, username="zhou", name="周")
OTHER_PROGRAM = {**OPERATOR, "id": 11, "program_id": "cat_fund"}
NEIGHBOUR = {**OPERATOR, "id": 9, "community": "maple-court"}


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


@pytest.fixture
def sessions(tx):
    """More sessions on the same database, as the SMS relay opens them."""
    return sessionmaker(tx.session.get_bind(), expire_on_commit=False)


# -- the grid and what happens on it, for the rules' tests ----------------------------------------

@pytest.fixture
def grid(tx):
    """Two zones; buildings 5 and 6 in zone 1, 9 in zone 2; four residents."""
    z1 = create_zone(tx, OPERATOR, {"name": "一片区", "head_name": "王区长",
                                    "head_phone": "13900000001"}, NOW)
    z2 = create_zone(tx, OPERATOR, {"name": "二片区"}, NOW)
    b5 = create_building(tx, OPERATOR, {"zone_id": z1.id, "name": "5号楼",
                                        "head_name": "赵楼长"}, NOW)
    b6 = create_building(tx, OPERATOR, {"zone_id": z1.id, "name": "6号楼"}, NOW)
    b9 = create_building(tx, OPERATOR, {"zone_id": z2.id, "name": "9号楼"}, NOW)
    d2 = create_door(tx, OPERATOR, {"building_id": b5.id, "name": "2单元",
                                    "head_name": "钱门长"}, NOW)
    people = {
        "zhang": create_contact(tx, OPERATOR, {"name": "张三", "phone": "13800001111",
                                               "door_id": d2.id}, NOW),
        "li": create_contact(tx, OPERATOR, {"name": "李四", "phone": "+86 138 0000 2222",
                                            "building_id": b5.id}, NOW),
        "wang": create_contact(tx, OPERATOR, {"name": "王五", "phone": "13800003333",
                                              "building_id": b6.id}, NOW),
        "zhao": create_contact(tx, OPERATOR, {"name": "赵六", "phone": "13800004444",
                                              "building_id": b9.id}, NOW),
    }
    tx.session.commit()
    return {"z1": z1, "z2": z2, "b5": b5, "b6": b6, "b9": b9, "d2": d2, **people}


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def broadcast(tx, grid, target="building", text="明天9点到12点停水，请提前储水。", **extra):
    data = {"text": text, "target": target, **extra}
    if target == "building":
        data.setdefault("building_id", grid["b5"].id)
    if target == "zone":
        data.setdefault("zone_id", grid["z1"].id)
    made = create_broadcast(tx, OPERATOR, data, NOW)
    tx.session.commit()
    return made


def messages(session, broadcast_id):
    return {m.contact.name: m for m in session.scalars(
        select(Message).where(Message.broadcast_id == broadcast_id)).unique()}


class Recorder:
    """An SMS gateway that keeps what it was given; ``fail``: how many sends fail first."""
    name = "record"

    def __init__(self, fail=0):
        self.sent = []
        self.fail = fail

    def send(self, to, text, reference):
        if self.fail:
            self.fail -= 1
            raise ConnectionError("gateway away")
        self.sent.append((to, text, reference))
        return f"gw-{len(self.sent)}"

    @property
    def numbers(self):
        return [to for to, _, _ in self.sent]


def relay(sessions, sender, **kwargs):
    return SmsRelay(sessions, sender, hint="回复TD退订", **kwargs)


def reply(tx, text, message_id, phone="13800001111", communities=(C,)):
    made = receive_reply(tx, {"from": phone, "text": text, "message_id": message_id,
                              "received_at": NOW}, NOW, list(communities))
    tx.session.commit()
    return made
