"""volunteer_grid running for real (RabbitMQ, PostgreSQL migrated as minzi-run migrates it): a
case in, a report out, once; a resident enrolled through the API and answered; an appointment
leaving on the bus as ``volunteer_grid.head_appointed``; the staff API's refusals, named in
Chinese and English, changing nothing."""
import json
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from kombu import Connection, Queue
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from minzi.bus import minzi_exchange
from minzi.contract import load_manifest
from minzi.db import normalise_url
from minzi.run import migrate, service_root
from minzi.testing import call_api, dispatched_case, make_staff, postgres_database, wait_for
from minzi.testing import snapshot as rows_of

from volunteer_grid.models import Base
from volunteer_grid.service import MANIFEST, VolunteerGridService

OPERATOR = make_staff("program_staff", program_id="volunteer_grid", name="刘主任",
                      username="liu")


def migrated(url):
    migrate("volunteer_grid", service_root("volunteer_grid"), {"DATABASE_URL": url})
    return url


def schema_drift(url):
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return diff


def rows(container):
    engine = create_engine(normalise_url(container.config["DATABASE_URL"]))
    with Session(engine) as session:
        found = rows_of(session, Base.metadata)
    engine.dispose()
    return found


class Listener:
    """A queue of the test's own, bound to the grid's events before the service starts."""

    def __init__(self, amqp_uri):
        self.connection = Connection(amqp_uri)
        self.queue = Queue(f"test.grid.{uuid.uuid4().hex[:6]}", exchange=minzi_exchange(),
                           routing_key="volunteer_grid.*", durable=False,
                           auto_delete=True)(self.connection.channel())
        self.queue.declare()

    def wait(self, predicate):
        def arrived():
            while (message := self.queue.get(no_ack=True)) is not None:
                body = json.loads(message.body)
                if predicate(body):
                    return body
            return None
        return wait_for(arrived, message="a volunteer_grid event")

    def close(self):
        self.connection.release()


def test_the_manifest_offers_signing_up_and_the_building_head():
    manifest = load_manifest(MANIFEST)
    assert manifest["program_id"] == "volunteer_grid"
    assert manifest["name"] == {"zh": "志愿者网格（区长负责制）",
                                "en": "Volunteer grid (zone heads)"}
    codes = {t["code"]: t for t in manifest["service_types"]}
    assert set(codes) == {"volunteer_signup", "building_head_report"}
    assert codes["volunteer_signup"]["name"]["zh"] == "志愿者报名"
    assert "志愿者" in codes["volunteer_signup"]["keywords"]
    assert "楼长" in codes["building_head_report"]["keywords"]


def test_the_migrations_make_the_models_on_sqlite(tmp_path):
    assert schema_drift(migrated(f"sqlite:///{tmp_path}/volunteer_grid.db")) == []


def test_the_migrations_make_the_models_on_postgresql():
    with postgres_database("minzi_volunteer_grid") as url:
        assert schema_drift(migrated(url)) == []


def test_a_case_delivered_twice_is_accepted_once_and_a_resident_enrolled(program_container,
                                                                         bus, rabbit_config):
    listener = Listener(rabbit_config["AMQP_URI"])
    container = program_container(VolunteerGridService, max_workers=1)

    def call(method, path, body=None):
        answer = call_api(container, method, path, body, staff=OPERATOR)
        assert answer["status"] in (200, 201), answer
        return answer["body"]

    dispatched = bus.publish("case.dispatched.volunteer_grid", dispatched_case(
        "volunteer_grid", "volunteer_signup", description="我想报名当志愿者",
        resident={"name": "吴静", "phone": "13800002222"}))
    bus.send(dispatched, "case.dispatched.volunteer_grid")          # delivered again
    bus.publish("case.dispatched.volunteer_grid",
                dispatched_case("volunteer_grid", "building_head_report", case_id=2))
    # one worker takes messages in order: once the marker's (case 2's) report is out, the
    # duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(1, "accepted")]
    assert [h["action"] for h in call("GET", "/cases/1")["history"]] == ["received"]

    zone = call("POST", "/zones", {"name": "一区"})
    building = call("POST", "/buildings", {"zone_id": zone["id"], "name": "5号楼"})
    enrolled = call("POST", "/cases/1/enrolment", {"building_id": building["id"],
                                                   "skills": ["first_aid"]})
    assert enrolled["state"] == "resolved"
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")["data"]
    assert report["reply"].startswith("吴静您好，您已登记为彩虹城社区志愿者，编入一区")
    wu = call("GET", "/volunteers")["items"][0]
    assert (wu["name"], wu["phone"], wu["building"], wu["case_id"]) == (
        "吴静", "13800002222", "5号楼", 1)

    call("POST", "/posts", {"level": "building_head", "place_id": building["id"],
                            "volunteer_id": wu["id"]})
    event = listener.wait(lambda m: m["type"] == "volunteer_grid.head_appointed")
    assert (event["source"], event["community"], event["data"]["building"]["name"],
            event["data"]["head"]["name"], event["data"]["head"]["phone"]) == (
        "volunteer_grid", "rainbow-city", "5号楼", "吴静", "13800002222")
    forwarded = call("POST", "/cases/2/forwarding", {"building_id": building["id"]})
    assert forwarded["forwarded_to"] == "吴静"
    listener.close()


def test_bad_input_is_named_in_the_readers_language_and_changes_nothing(program_container):
    container = program_container(VolunteerGridService)

    def call(method, path, body=None, lang="zh", staff=OPERATOR):
        return call_api(container, method, path, body, staff=staff, lang=lang)

    zone = call("POST", "/zones", {"name": "一区"})["body"]
    assert call("POST", "/volunteers", {"name": "王芳", "phone": "+86 139-0000-0001",
                                        "zone_id": zone["id"]})["body"]["phone"] == \
        "13900000001"
    before = rows(container)
    wrong_phone = call("POST", "/volunteers", {"name": "李强", "phone": "139000",
                                               "zone_id": zone["id"]})
    assert wrong_phone["status"] == 422
    assert wrong_phone["body"]["error"]["fields"] == {"phone": ["手机号应为以 1 开头的 11 位数字"]}
    again = call("POST", "/volunteers", {"name": "王芳", "phone": "13900000001",
                                         "zone_id": zone["id"]}, "en")
    assert again["body"]["error"] == {
        "code": "volunteer_exists",
        "message": "Phone 13900000001 is already a volunteer's (number 1)",
        "fields": {"phone": ["Phone 13900000001 is already a volunteer's (number 1)"]}}
    for minutes in (0, 1441, 1.5, "60"):
        wrong = call("POST", "/duties/1/minutes", {"volunteer_id": 1, "minutes": minutes})
        assert (wrong["status"], list(wrong["body"]["error"]["fields"])) == (422, ["minutes"])
    bad_level = call("POST", "/posts", {"level": "mayor", "volunteer_id": 1})
    assert list(bad_level["body"]["error"]["fields"]) == ["level"]
    assert call("GET", "/volunteers", staff=None)["status"] == 401
    assert call("GET", "/volunteers", staff=make_staff("receptionist"))["status"] == 403
    assert rows(container) == before
    # an admin reads the roster with phones masked
    admin = call("GET", "/volunteers", staff=make_staff("admin", username="root"))["body"]
    assert admin["items"][0]["phone"] == "139****0001"
