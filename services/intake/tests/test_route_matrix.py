"""Every route of intake's staff API, tried by every kind of caller, of Rainbow City (whose cases,
staff, keys and programs the doors name) and of Maple Court, each answer checked
(``minzi.route_matrix``). Each try runs on a fresh copy of the same station.

Who may do what, as the README's "Who may do what" says it:
- a case is its community's: staff of another community find none of it (404);
- any station staff registers a case and reads the community's cases, their history and figures
  (and the figures' spreadsheet);
- on a case (owned here by the receptionist "wang", with the legal-aid home): the station head
  and the admin assign and accept on the program's behalf; the program's handler accepts; the
  owner and the managers chase, reply, follow up, reopen and link duplicates; transfer and resolve
  also the handler; out of scope only the owner and the station head;
- admins keep their community's accounts, keys and program registrations; the station head also
  reads the staff list and the messages sent to residents;
- ops and a program's member unit contact (``member_unit``, here of co-building) reach only
  their own account here; anonymous callers only the public routes.
"""
from types import SimpleNamespace

import pytest

from minzi.envelope import utcnow
from minzi.route_matrix import ANONYMOUS, OTHER, Door, cells, check, untabled
from minzi.testing import SeededDatabase, make_staff, snapshot, standalone_store

from intake.api import router
from intake.domain import accounts, answers, assignment, registrations
from intake.domain.access import Actor
from intake.domain.desk import Desk
from intake.domain.registration import register
from intake.domain.registry import Registry
from intake.models import Base, Community, Inbox, Outbox
from intake.models import Staff as StaffRow

from .conftest import CAT_FUND, LEGAL_AID

PASSWORD = "matrix-password-1"
RAINBOW, MAPLE = "rainbow-city", "maple-court"
ROLES = {"owner": ("receptionist", None), "receptionist": ("receptionist", None),
         "station_head": ("station_head", None), "admin": ("admin", None),
         "handler": ("handler", "legal_aid"), "volunteer": ("program_staff", "cat_fund"),
         "ops": ("ops", None), "member_unit": ("member_unit", "co_building")}
CALLERS = (*ROLES, ANONYMOUS)


def _people() -> dict[tuple[str, str], dict]:
    people, number = {}, 0
    for community in (RAINBOW, MAPLE):
        for caller, (role, program) in ROLES.items():
            number += 1
            people[caller, community] = make_staff(
                role, program_id=program, community=community, id=number,
                username=f"{caller}-{community}", name=f"{caller}（{community}）")
    return people


PEOPLE = _people()
OWNER = PEOPLE["owner", RAINBOW]
STATION = ("owner", "receptionist", "station_head", "admin", "handler", "volunteer")
MANAGERS = ("station_head", "admin")
EVERYONE = (*ROLES, ANONYMOUS)
# what Rainbow City's records say, which no list of Maple Court's may show
RAINBOW_WORDS = ["张彩虹", "13811112222", "彩虹城拖欠工资", "owner-rainbow-city", "彩虹城公众号",
                 "garden_club"]
WAGES = {"channel": "visit", "description": "彩虹城拖欠工资三个月", "resident_name": "张彩虹",
         "resident_phone": "13811112222", "service_code": "labour_dispute",
         "attributes": {"employer": "某公司"}}


class StandInBus:
    """RabbitMQ's management API, as intake asks it to make and remove a program's user."""
    vhost = "/"

    def grant(self, user: str, password: str) -> None:
        pass

    def revoke(self, user: str) -> None:
        pass


def _service(store) -> SimpleNamespace:
    """What intake's staff API needs of the service."""
    return SimpleNamespace(
        store=store.get_dependency(None), bus_accounts=StandInBus(), default_community=RAINBOW,
        desk=lambda tx, now: Desk(tx.session, tx.publish, now, unassigned_time_limit_hours=24))


def _seed(service) -> dict:
    """Both communities and their people; in Rainbow City a case at each step of its way, an
    Open311 key and a registered program. Returns the ids the doors name."""
    now = utcnow()
    with service.store.transaction() as tx:
        session = tx.session
        session.add_all([Community(id=RAINBOW, name_zh="彩虹城社区", name_en="Rainbow City"),
                         Community(id=MAPLE, name_zh="枫林社区", name_en="Maple Court")])
        password = accounts.hash_password(PASSWORD)
        session.add_all([StaffRow(id=p["id"], username=p["username"], name=p["name"],
                                  role=p["role"], community_id=p["community"],
                                  program_id=p["program_id"], password_hash=password)
                         for p in PEOPLE.values()])
        session.flush()
        Registry(session).announce(LEGAL_AID, now)
        Registry(session).announce(CAT_FUND, now)
        desk = Desk(session, tx.publish, now)
        owner, lawyer = Actor.of_staff(OWNER), Actor.of_staff(PEOPLE["handler", RAINBOW])

        def case(**data):
            found, _ = register(desk, {**WAGES, "community": RAINBOW, **data}, owner)
            return found
        dispatched, second, accepted, resolved, replied = (
            case(resident_phone=f"1381111222{n}", description=f"彩虹城拖欠工资，第{n}户")
            for n in range(2, 7))
        for each in (accepted, resolved, replied):
            assignment.accept(desk, each, lawyer)
        for each in (resolved, replied):
            answers.resolve(desk, each, lawyer, "已调解，公司补发工资")
        answers.reply(desk, replied, owner, "已调解，公司将补发工资")
        accounts.create_api_key(session, RAINBOW, "彩虹城公众号", now, PEOPLE["admin", RAINBOW])
        registrations.register(session, PEOPLE["admin", RAINBOW],
                               {"program_id": "garden_club", "communities": [RAINBOW],
                                "service_codes": ["garden_care"]}, now)
        session.flush()
        key_id = accounts.list_api_keys(session, RAINBOW)[0]["id"]
        return {"dispatched": dispatched.id, "second": second.id, "accepted": accepted.id,
                "resolved": resolved.id, "replied": replied.id,
                "code": replied.tracking_code, "key": key_id}


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    """The station seeded once; ``restore()`` writes the seed back before each try."""
    with standalone_store("intake", Outbox, Inbox,
                          tmp_path_factory.mktemp("station") / "intake.db") as store:
        service = _service(store)
        ids = _seed(service)
        seeded = SeededDatabase(store)
        yield SimpleNamespace(service=service, ids=ids, seeded=seeded)
        seeded.close()


def _doors(ids: dict) -> dict[str, Door]:
    def case(key: str, action: str = "") -> str:
        return f"/cases/{ids[key]}" + (f"/{action}" if action else "")
    return {
        # accounts
        "POST /auth/token": Door("/auth/token", EVERYONE, reach="own",
                                 body={"username": "owner-rainbow-city", "password": PASSWORD}),
        "POST /auth/password": Door("/auth/password", (*STATION, "ops", "member_unit"),
                                    reach="own",
                                    body={"old_password": PASSWORD,
                                          "new_password": "another-password-2"}),
        "GET /me": Door("/me", (*STATION, "ops", "member_unit"), reach="own"),
        "POST /staff": Door("/staff", ("admin",), reach="own",
                            body={"username": "newcomer", "name": "新来的", "role": "receptionist",
                                  "password": "first-password-1"}),
        "POST /staff/{staff_id:int}/deactivate": Door(
            f"/staff/{PEOPLE['receptionist', RAINBOW]['id']}/deactivate", ("admin",)),
        "GET /account-events": Door("/account-events", ("admin",), reach="list"),
        "GET /staff": Door("/staff", MANAGERS, reach="list"),
        "POST /api-keys": Door("/api-keys", ("admin",), body={"name": "新的接入"}, reach="own"),
        "GET /api-keys": Door("/api-keys", ("admin",), reach="list"),
        "DELETE /api-keys/{key_id}": Door(f"/api-keys/{ids['key']}", ("admin",)),
        "GET /communities": Door("/communities", EVERYONE, reach="own"),
        # programs
        "POST /program-registrations": Door(
            "/program-registrations", ("admin",), reach="named",
            body={"program_id": "repairs", "communities": [RAINBOW],
                  "service_codes": ["road_repair"]}),
        "GET /program-registrations": Door("/program-registrations", ("admin",), reach="list"),
        "DELETE /program-registrations/{program_id}": Door("/program-registrations/garden_club",
                                                           ("admin",)),
        "GET /programs": Door("/programs", EVERYONE, reach="own"),
        "GET /services": Door("/services", EVERYONE, reach="own"),
        # cases
        "POST /cases": Door("/cases", STATION, reach="own",
                            body={"channel": "visit", "description": "楼道灯坏了"}),
        "POST /cases/preview": Door("/cases/preview", STATION, reach="list", body={
            "channel": "visit", "description": "工资还是没发", "resident_phone": "13811112222"}),
        "GET /cases": Door("/cases", STATION, reach="list"),
        "GET /cases/{case_id:int}": Door(case("dispatched"), STATION),
        "GET /cases/{case_id:int}/history": Door(case("dispatched", "history"), STATION),
        "GET /cases/{case_id:int}/notifications": Door(case("replied", "notifications"),
                                                       STATION),
        "POST /cases/{case_id:int}/assign": Door(case("dispatched", "assign"), MANAGERS,
                                                 body={"service_code": "sick_cat"}),
        "POST /cases/{case_id:int}/accept": Door(case("dispatched", "accept"),
                                                 ("handler", *MANAGERS), body={}),
        "POST /cases/{case_id:int}/transfer": Door(
            case("dispatched", "transfer"), ("owner", "handler", *MANAGERS),
            body={"service_code": "sick_cat", "note": "其实是猫的事"}),
        "POST /cases/{case_id:int}/chase": Door(case("dispatched", "chase"),
                                                ("owner", *MANAGERS), body={}),
        "POST /cases/{case_id:int}/resolve": Door(case("accepted", "resolve"),
                                                  ("owner", "handler", *MANAGERS),
                                                  body={"result": "已调解"}),
        "POST /cases/{case_id:int}/reply": Door(case("resolved", "reply"), ("owner", *MANAGERS),
                                                body={"text": "已调解，公司将补发工资"}),
        "POST /cases/{case_id:int}/follow-up": Door(case("replied", "follow-up"),
                                                    ("owner", *MANAGERS),
                                                    body={"resolved": True, "satisfied": True}),
        "POST /cases/{case_id:int}/reopen": Door(case("replied", "reopen"), ("owner", *MANAGERS),
                                                 body={"note": "居民说工资还没发"}),
        "POST /cases/{case_id:int}/duplicate": Door(case("second", "duplicate"),
                                                    ("owner", *MANAGERS),
                                                    body={"duplicate_of": ids["dispatched"]}),
        "POST /cases/{case_id:int}/out-of-scope": Door(
            case("dispatched", "out-of-scope"), ("owner", "station_head"),
            body={"explanation": "不属本站职责", "referral": "区劳动监察大队"}),
        "GET /figures": Door("/figures", STATION, reach="list"),
        "GET /figures/export": Door("/figures/export", STATION, reach="list",
                                    query={"from": "2026-01-01", "to": "2099-12-31"}),
        "GET /notifications": Door("/notifications", MANAGERS, reach="list"),
        # residents
        "GET /track/{code}": Door(f"/track/{ids['code']}", EVERYONE, reach="own"),
        "POST /track/{code}/feedback": Door(f"/track/{ids['code']}/feedback", EVERYONE,
                                            reach="own",
                                            body={"resolved": True, "satisfied": True}),
    }


# the doors' names and who may use them, before the station is seeded
ROUTES = _doors({"dispatched": 1, "second": 2, "accepted": 3, "resolved": 4, "replied": 5,
                 "code": "C", "key": "K"})
# GET /cases again with each search parameter: the same callers; another community's staff
# searching for Rainbow City's resident find nothing of theirs
SEARCHES = {
    f"GET /cases?{name}": Door("/cases", STATION, reach="list", query=query)
    for name, query in {
        "phone": {"phone": "13811112222"}, "name": {"name": "张彩虹"},
        "tracking_code": {"tracking_code": "C"}, "q": {"q": "彩虹城拖欠工资"},
        "address": {"address": "彩虹城"}, "from_to": {"from": "2026-01-01", "to": "2099-12-31"},
    }.items()}


def test_every_route_has_a_door():
    assert untabled(router, ROUTES) == ([], [])


@pytest.mark.parametrize(("route", "caller", "community"), cells(ROUTES, CALLERS))
def test_who_may_use_which_route(station, route, caller, community):
    knock(station, route, _doors(station.ids)[route], caller, community)


@pytest.mark.parametrize(("route", "caller", "community"), cells(SEARCHES, CALLERS))
def test_who_may_search_the_cases(station, route, caller, community):
    door = SEARCHES[route]
    if "tracking_code" in door.query:   # the replied case's code, known once seeded
        door = Door(door.path, door.allowed, query={"tracking_code": station.ids["code"]},
                    reach=door.reach)
    knock(station, route, door, caller, community)


def knock(station, route: str, door: Door, caller: str, community: str) -> None:
    station.seeded.restore()
    staff = None if caller == ANONYMOUS else \
        PEOPLE[caller, MAPLE if community == OTHER else RAINBOW]
    with station.service.store.session() as session:
        before = snapshot(session, Base.metadata)
    answer = router.dispatch({"method": route.split()[0], "path": door.path,
                              "query": door.query or {}, "body": door.body, "staff": staff,
                              "lang": "zh"}, service=station.service)
    with station.service.store.session() as session:
        after = snapshot(session, Base.metadata)
    check(door, caller, community, answer, changed=after != before, foreign=RAINBOW_WORDS)


def test_a_fresh_station_is_the_seeded_one(station):
    """What lets every try start from the same records: a try's changes are written over."""
    station.seeded.restore()
    with station.service.store.session() as session:
        seeded = snapshot(session, Base.metadata)
    router.dispatch({"method": "POST", "path": "/cases", "body": {
        "channel": "visit", "description": "楼道灯坏了"}, "staff": OWNER}, service=station.service)
    station.seeded.restore()
    with station.service.store.session() as session:
        assert snapshot(session, Base.metadata) == seeded
