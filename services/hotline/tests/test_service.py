"""hotline running for real (RabbitMQ, PostgreSQL migrated as minzi-run migrates it): a call in,
a report out, once; the call routed by the rule, answered, rated and resolved through the API;
a declined call returned with where else to turn; the migrations make the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from minzi.contract import load_manifest
from minzi.db import normalise_url
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.run import migrate, service_root
from minzi.testing import call_api, dispatched_case, make_staff, postgres_database, wait_for
from minzi.testing import snapshot as rows_of

from hotline.models import Base
from hotline.service import MANIFEST, HotlineService

from .conftest import BAIDU, XIAOMI

OPERATOR = make_staff("program_staff", program_id="hotline", name="王站长", username="wang")


def migrated(url):
    migrate("hotline", service_root("hotline"), {"DATABASE_URL": url})
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


def test_the_manifest_offers_the_seeds_categories():
    manifest = load_manifest(MANIFEST)
    assert manifest["name"] == {"zh": "便民服务热线", "en": "Convenience hotline"}
    types = {t["code"]: t for t in manifest["service_types"]}
    assert {code: t["name"]["zh"] for code, t in types.items()} == {
        "domestic_help": "家政服务", "appliance_repair": "家电维修",
        "water_delivery": "送水（水站）", "elderly_care": "养老服务", "leisure": "休闲服务"}
    assert "家政" in types["domestic_help"]["keywords"]
    assert "空调" in types["appliance_repair"]["keywords"]
    assert "水站" in types["water_delivery"]["keywords"]
    assert types["water_delivery"]["time_limit_hours"] == 24      # 12345's utilities class


def test_the_migrations_make_the_models_on_sqlite(tmp_path):
    assert schema_drift(migrated(f"sqlite:///{tmp_path}/hotline.db")) == []


def test_the_migrations_make_the_models_on_postgresql():
    with postgres_database("minzi_hotline") as url:
        assert schema_drift(migrated(url)) == []


def test_a_call_delivered_twice_is_accepted_once_and_worked_through_the_api(
        program_container, bus):
    container = program_container(HotlineService, max_workers=1)

    def call(method, path, body=None, staff=OPERATOR):
        answer = call_api(container, method, path, body, staff=staff)
        assert answer["status"] in (200, 201), answer
        return answer["body"]

    dispatched = bus.publish("case.dispatched.hotline", dispatched_case(
        "hotline", "domestic_help", description="想找钟点工每周打扫两次",
        resident={"name": "赵大妈", "phone": "13900001111"}, address="彩虹城5号楼2单元"))
    bus.send(dispatched, "case.dispatched.hotline")          # delivered again
    bus.publish("case.dispatched.hotline",
                dispatched_case("hotline", "domestic_help", case_id=2))
    # one worker takes messages in order: once the marker's (case 2's) report is out, the
    # duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(1, "accepted")]
    case = call("GET", "/cases/1")
    assert [h["action"] for h in case["history"]] == ["received"]
    assert case["resident"] == {"name": "赵大妈", "phone": "13900001111", "contact": None,
                                "address": "彩虹城5号楼2单元"}

    bus.publish("case.chased.hotline", {"case_id": 1, "tracking_code": "TEST000001",
                                        "program_id": "hotline", "level": 1,
                                        "note": "请尽快办理"})
    assert wait_for(lambda: call("GET", "/cases/1")["chases"],
                    message="the reminder to be counted") == 1

    ids = []
    for name, code in (("好帮手家政", BAIDU), ("安心家政", XIAOMI)):
        merchant = call("POST", "/merchants", {
            "name": name, "credit_code": code, "categories": ["domestic_help"],
            "contact_name": "刘经理", "phone": "010-67890001"})
        call("POST", f"/merchants/{merchant['id']}/licence-check", {"note": "执照已核"})
        call("POST", f"/merchants/{merchant['id']}/agreement", {
            "signed_on": local_date(utcnow()).isoformat(), "agreement_ref": name})
        ids.append(merchant["id"])
    first = call("POST", "/cases/1/routing", {})                 # the rule: the earliest
    declined = call("POST", f"/jobs/{first['id']}/response", {"response": "declined",
                                                                "note": "人手不够"})
    assert (first["merchant_id"], declined["state"]) == (ids[0], "declined")
    second = call("POST", "/cases/1/routing", {})                # passes over the first
    assert (second["merchant_id"], second["picked_by"]) == (ids[1], "rule")
    for answer in ("accepted", "came", "done"):
        call("POST", f"/jobs/{second['id']}/response", {"response": answer})
    call("POST", f"/jobs/{second['id']}/rating", {"rating": 5, "comment": "很满意"})
    reply = "赵大妈您好，安心家政已上门打扫，以后可直接拨打导向牌上的电话。"
    finished = call("POST", "/cases/1/resolve", {"result": "安心家政上门打扫完毕",
                                                 "reply": reply})
    assert finished["state"] == "resolved"
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")["data"]
    assert report == {"case_id": 1, "program_id": "hotline", "handler": "王站长",
                      "status": "resolved", "result": "安心家政上门打扫完毕", "reply": reply}
    before = rows(container)
    again = call_api(container, "POST", "/cases/1/resolve", {"result": "再办一次"},
                     staff=OPERATOR)
    assert (again["status"], again["body"]["error"]["code"]) == (409, "case_closed")
    assert rows(container) == before

    call("POST", "/cases/2/return", {"note": "居民要的是搬家，请拨打搬家公司或找街道"})
    returned = bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2
                        and m["data"]["status"] == "returned")["data"]
    assert returned["note"] == "居民要的是搬家，请拨打搬家公司或找街道"
    figures = call("GET", "/figures")
    assert (figures["jobs"]["routed"], figures["jobs"]["declined"], figures["ratings"][0][
        "average"]) == (2, 1, "5.0")


def test_a_call_of_a_type_the_program_does_not_offer_is_returned_with_a_note(
        program_container, bus):
    program_container(HotlineService)
    bus.publish("case.dispatched.hotline", dispatched_case("hotline", "stray_cat_sick"))
    report = bus.wait("case.reported")["data"]
    assert report["status"] == "returned" and "stray_cat_sick" in report["note"]


def test_the_card_is_public_and_the_rest_is_not(program_container):
    container = program_container(HotlineService)
    card = call_api(container, "GET", "/card", staff=None)
    assert (card["status"], card["body"]["doors_posted"]) == (200, 0)
    assert call_api(container, "GET", "/cases", staff=None)["status"] == 401
    assert call_api(container, "GET", "/cases",
                    staff=make_staff("receptionist"))["status"] == 403
    assert call_api(container, "GET", "/cases/abc", staff=OPERATOR)["status"] == 404
