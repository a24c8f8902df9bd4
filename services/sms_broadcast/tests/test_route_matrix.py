"""Every route of sms_broadcast's staff API, knocked on by every kind of caller of Rainbow City
(where the records are) and of Maple Court, each answer checked (``minzi.route_matrix``).

Who may do what, from the program's rules (domain/access.py, the README):
- its operators, the program's own staff and handlers and the admin, keep the grid and the
  residents, record a resident's opt-out or opt-in, send and cancel and retry broadcasts, read
  each recipient's message, the replies, the consent records and the record of changes, and work
  the cases intake routes here;
- any of the station's staff (a receptionist, the station head, another program's staff) may
  also look at the grid, the broadcasts and the figures;
- the ops account is for the ops pages only: it is refused everything here;
- the SMS gateway's two routes (a reply, a delivery report) take no login: the shared secret in
  the body is their key, whoever posts it;
- everyone works in their own community: another community's zone, resident, broadcast or case
  named in a path is not found, and lists show only the caller's own.
"""
import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from minzi.envelope import utcnow
from minzi.route_matrix import ANONYMOUS, OTHER, Door, cells, check, untabled
from minzi.testing import SeededDatabase, dispatched_case, make_staff, snapshot, standalone_store

from sms_broadcast.api import router
from sms_broadcast.domain import broadcasts, cases, consent, contacts, grid, replies, sending
from sms_broadcast.models import Base, Inbox, Message, Outbox

RAINBOW, MAPLE = "rainbow-city", "maple-court"
SECRET = "gateway-secret"

CALLERS = {
    "program_staff": make_staff("program_staff", program_id="sms_broadcast", id=3,
                                username="li", name="李"),
    "handler": make_staff("handler", program_id="sms_broadcast", id=4, username="zhou",
                          name="周"),
    "other_program_staff": make_staff("program_staff", program_id="cat_fund", id=5,
                                      username="wang", name="王阿姨"),
    "other_program_handler": make_staff("handler", program_id="legal_aid", id=6,
                                        username="chen", name="陈律师"),
    "receptionist": make_staff("receptionist", id=7, username="wu", name="吴"),
    "station_head": make_staff("station_head", id=8, username="zheng", name="郑站长"),
    "admin": make_staff("admin", id=9, username="admin", name="管理员"),
    "ops": make_staff("ops", id=10, username="ops", name="运维"),
    ANONYMOUS: None,
}
TWINS = {name: {**staff, "id": staff["id"] + 100, "community": MAPLE}
         for name, staff in CALLERS.items() if staff}

OPERATORS = {"program_staff", "handler", "admin"}
STATION_STAFF = OPERATORS | {"other_program_staff", "other_program_handler", "receptionist",
                             "station_head"}
ANYONE_WITH_THE_SECRET = set(CALLERS)

# "{name}" in a door is the id of that seeded record of Rainbow City
DOORS = {
    # the grid
    "POST /zones": Door("/zones", OPERATORS, body={"name": "新片区"}, reach="own"),
    "POST /buildings": Door("/buildings", OPERATORS, reach="body",
                            body={"zone_id": "{zone}", "name": "彩虹7号楼"}),
    "POST /doors": Door("/doors", OPERATORS, reach="body",
                        body={"building_id": "{building}", "name": "3单元"}),
    "GET /zones": Door("/zones", STATION_STAFF, reach="list"),
    "GET /buildings": Door("/buildings", STATION_STAFF, reach="list"),
    "GET /doors": Door("/doors", STATION_STAFF, reach="list"),
    # residents
    "POST /contacts": Door("/contacts", OPERATORS, reach="body",
                           body={"name": "赵六", "phone": "13800006666", "door_id": "{door}"}),
    "PATCH /contacts/{id:int}": Door("/contacts/{zhang}", OPERATORS, body={"name": "张三丰"}),
    "GET /contacts": Door("/contacts", OPERATORS, reach="list"),
    "GET /contacts/{id:int}": Door("/contacts/{zhang}", OPERATORS),
    "POST /contacts/{id:int}/opt-out": Door("/contacts/{zhang}/opt-out", OPERATORS,
                                            body={"note": "本人来电要求退订"}),
    "POST /contacts/{id:int}/opt-in": Door("/contacts/{wang}/opt-in", OPERATORS,
                                           body={"note": "本人来站恢复订阅"}),
    "GET /consents": Door("/consents", OPERATORS, reach="list"),
    # broadcasts
    "POST /broadcasts": Door("/broadcasts", OPERATORS, body={"text": "周六上午社区义诊"},
                             reach="own"),
    "GET /broadcasts": Door("/broadcasts", STATION_STAFF, reach="list"),
    "GET /broadcasts/{id:int}": Door("/broadcasts/{sent}", STATION_STAFF),
    "GET /broadcasts/{id:int}/messages": Door("/broadcasts/{sent}/messages", OPERATORS),
    "POST /broadcasts/{id:int}/cancel": Door("/broadcasts/{scheduled}/cancel", OPERATORS),
    "POST /broadcasts/{id:int}/retry": Door("/broadcasts/{sent}/retry", OPERATORS),
    # from the SMS gateway: the secret, not a login, lets the post in
    "POST /inbound": Door("/inbound", ANYONE_WITH_THE_SECRET, reach="own", body={
        "from": "13800001111", "text": "几点来水？", "message_id": "gw-2", "secret": SECRET}),
    "POST /delivery": Door("/delivery", ANYONE_WITH_THE_SECRET, reach="own", body={
        "reference": "minzi-sms-{sent_message}", "status": "delivered", "secret": SECRET}),
    "GET /inbound": Door("/inbound", OPERATORS, reach="list"),
    # figures and the record
    "GET /figures": Door("/figures", STATION_STAFF, reach="list"),
    "GET /changes": Door("/changes", OPERATORS, reach="list"),
    # cases from intake
    "GET /cases": Door("/cases", OPERATORS, reach="list"),
    "GET /cases/{case_id:int}": Door("/cases/{case}", OPERATORS),
    "POST /cases/{case_id:int}/resolve": Door("/cases/{case}/resolve", OPERATORS,
                                              body={"result": "已向5号楼群发停水通知"}),
    "POST /cases/{case_id:int}/return": Door("/cases/{case}/return", OPERATORS,
                                             body={"note": "不属短信群发，请转物业"}),
}

# A route whose body (not its path) names a place of Rainbow City by its id (reach="body"): for
# an operator of another community that place does not exist, and the body is refused by name on
# its field (422, exactly as for an id that never was: a 403 would tell that the place exists),
# nothing made.
NAMED_IN_THE_BODY = {"POST /buildings": ("unknown_zone", "zone_id"),
                     "POST /doors": ("unknown_building", "building_id"),
                     "POST /contacts": ("unknown_door", "door_id")}

# Rainbow City's records, in words no list of Maple Court's may hold
FOREIGN = ("rainbow-city", "彩虹", "张三", "李四", "王五", "王区长", "赵楼长", "钱门长",
           "13800001111", "138****1111", "13800002222", "138****2222", "13800003333",
           "138****3333", "13900000001", "139****0001", "TEST000001")


def seed(store) -> dict[str, int]:
    """Rainbow City: 彩虹一片区 / 彩虹5号楼 / 彩虹2单元 with their heads; 张三 at the door, 李四 and
    王五 (opted out) in the building; a notice sent (张三's message sent, 李四's failed, 王五's
    skipped) and one scheduled; 张三's reply, which raised a case; a case from intake.
    Maple Court: a zone, a building, a resident and a case of its own."""
    handle = store.get_dependency(None)
    now = utcnow()
    op = CALLERS["program_staff"]
    ids = {}
    with handle.transaction() as tx:
        zone = grid.create_zone(tx, op, {"name": "彩虹一片区", "head_name": "王区长",
                                         "head_phone": "13900000001"}, now)
        building = grid.create_building(tx, op, {"zone_id": zone.id, "name": "彩虹5号楼",
                                                 "head_name": "赵楼长"}, now)
        door = grid.create_door(tx, op, {"building_id": building.id, "name": "彩虹2单元",
                                         "head_name": "钱门长"}, now)
        zhang = contacts.create_contact(tx, op, {"name": "张三", "phone": "13800001111",
                                                 "door_id": door.id}, now)
        contacts.create_contact(tx, op, {"name": "李四", "phone": "13800002222",
                                         "building_id": building.id}, now)
        wang = contacts.create_contact(tx, op, {"name": "王五", "phone": "13800003333",
                                                "building_id": building.id}, now)
        consent.staff_consent(tx, op, wang, True, "彩虹城王五本人来电退订", now)
        sent = broadcasts.create_broadcast(tx, op, {"text": "彩虹城明天9点停水，请提前储水",
                                                    "target": "zone", "zone_id": zone.id}, now)
        scheduled = broadcasts.create_broadcast(tx, op, {
            "text": "彩虹城下周消防演练", "scheduled_at": datetime(2099, 1, 1, tzinfo=UTC)}, now)
        ids.update(zone=zone.id, building=building.id, door=door.id, zhang=zhang.id,
                   wang=wang.id, sent=sent.id, scheduled=scheduled.id)
    with handle.transaction() as tx:
        messages = {m.contact.name: m for m in tx.session.scalars(select(Message).where(
            Message.broadcast_id == ids["sent"])).unique()}
        for name in ("张三", "李四"):
            assert sending.claim(tx.session, messages[name].id, now)
            tx.session.refresh(messages[name])
        sending.sent(messages["张三"], "record", None, now)
        sending.send_failed(messages["李四"], "网关超时", now, max_attempts=1)
        ids["sent_message"] = messages["张三"].id
    with handle.transaction() as tx:
        replies.receive_reply(tx, {"from": "13800001111", "text": "彩虹城楼道灯坏了",
                                   "message_id": "gw-1", "received_at": now}, now, [RAINBOW])
        cases.receive(tx, dispatched_case("sms_broadcast", "sms_notice_request", case_id=1,
                                          description="请给彩虹5号楼发停水通知"), now)
        ids["case"] = 1
    maple = TWINS["program_staff"]
    with handle.transaction() as tx:
        zone = grid.create_zone(tx, maple, {"name": "枫叶一区", "head_name": "孙区长"}, now)
        building = grid.create_building(tx, maple, {"zone_id": zone.id, "name": "枫叶1号楼"},
                                        now)
        contacts.create_contact(tx, maple, {"name": "孙七", "phone": "13700007777",
                                            "building_id": building.id}, now)
        cases.receive(tx, dispatched_case(
            "sms_broadcast", "sms_subscription", case_id=2, community=MAPLE,
            description="枫叶1号楼换手机号", address="枫叶1号楼",
            resident={"name": "周八", "phone": "13700008888"}), now)
    return ids


def fill(value, ids):
    """A door's path or body with each ``{name}`` made the seeded record's id."""
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        return ids[whole.group(1)] if whole else value.format(**ids)
    return value


class Station:
    """The service as the gateway reaches it, its Store on a SQLite file seeded once; ``fresh()``
    writes the seeded database back (the Store's engine is kept, and with it its compiled
    statements, which keeps a cell fast)."""

    def __init__(self, store):
        self.service = SimpleNamespace(
            store=store.get_dependency(None), config={"INBOUND_SECRET": SECRET},
            program=SimpleNamespace(manifest={"communities": [RAINBOW, MAPLE]}),
            sms=SimpleNamespace(wake=lambda: None))
        self.ids = seed(store)
        self.database = SeededDatabase(store)
        self.seeded = self.snapshot()     # what every cell starts from

    def fresh(self) -> "Station":
        self.database.restore()
        return self

    def snapshot(self) -> dict:
        with self.service.store.session() as session:
            return snapshot(session, Base.metadata)

    def call(self, route: str, door: Door, caller: str, community: str) -> dict:
        staff = (TWINS if community == OTHER else CALLERS)[caller] if caller != ANONYMOUS \
            else None
        return router.dispatch({
            "method": route.split(" ")[0], "path": fill(door.path, self.ids),
            "query": {k: str(v) for k, v in fill(door.query or {}, self.ids).items()},
            "body": fill(door.body, self.ids), "staff": staff, "lang": "zh",
            "idempotency_key": None}, service=self.service)


@pytest.fixture(scope="module")
def stations(tmp_path_factory):
    with standalone_store("sms_broadcast", Outbox, Inbox,
                          tmp_path_factory.mktemp("matrix") / "sms_broadcast.db") as store:
        station = Station(store)
        yield station
        station.database.close()


@pytest.fixture
def station(stations):
    """The service on the seeded database as it was seeded, for one cell."""
    return stations.fresh()


def test_every_route_has_a_door():
    assert untabled(router, DOORS) == ([], [])


@pytest.mark.parametrize(("route", "caller", "community"), cells(DOORS, CALLERS))
def test_who_may_use_which_route(station, route, caller, community):
    door = DOORS[route]
    answer = station.call(route, door, caller, community)
    check(door, caller, community, answer, changed=station.snapshot() != station.seeded,
          foreign=FOREIGN)
    if route in NAMED_IN_THE_BODY and community == OTHER and caller in door.allowed:
        error = answer["body"]["error"]     # refused on the field that named the place
        assert (error["code"], *error["fields"]) == NAMED_IN_THE_BODY[route], answer


def test_another_communitys_lists_are_its_own(station):
    """The lists Maple Court's operator reads in the matrix hold Maple Court's records (so a
    list without Rainbow City's words in it is not merely empty)."""
    def listed(path, key):
        answer = station.call(f"GET {path}", Door(path), "program_staff", OTHER)
        assert answer["status"] == 200, answer
        return [row[key] for row in answer["body"]]
    assert listed("/zones", "name") == ["枫叶一区"]
    assert listed("/buildings", "name") == ["枫叶1号楼"]
    assert listed("/contacts", "name") == ["孙七"]
    assert listed("/cases", "tracking_code") == ["TEST000002"]
    assert listed("/broadcasts", "id") == []
