"""doctor running for real (RabbitMQ, PostgreSQL migrated as minzi-run migrates it): a house call
in, a report out, once; worked by the registered doctor through the API into the consenting
resident's record; the seed's 400+ health records entered through the API and counted; bad
input named in Chinese and English, changing nothing; no medical data in the logs."""
import logging
import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from minzi.contract import load_manifest
from minzi.db import normalise_url
from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.run import migrate, service_root
from minzi.testing import call_api, dispatched_case, due_in, make_staff, postgres_database, wait_for
from minzi.testing import snapshot as rows_of

from doctor.models import Base
from doctor.service import MANIFEST, DoctorService

ADMIN = make_staff("admin", id=1, username="root", name="管理员")
DOCTOR = make_staff("program_staff", program_id="doctor", id=2, username="dr-liu",
                    name="刘大夫")
CLERK = make_staff("handler", program_id="doctor", id=3, username="clerk", name="孙干事")
LIU = {"username": "dr-liu", "name": "刘大夫", "phone": "13911112222",
       "pledge": "随叫随到，小病不出社区门"}


def migrated(url):
    migrate("doctor", service_root("doctor"), {"DATABASE_URL": url})
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


def today() -> str:
    return local_date(utcnow()).isoformat()


def caller(container):
    def call(method, path, body=None, staff=DOCTOR, status=(200, 201)):
        answer = call_api(container, method, path, body, staff=staff)
        assert answer["status"] in status, answer
        return answer["body"]
    return call


def resident(name: str, phone: str, **extra) -> dict:
    return {"name": name, "sex": "female", "birth_date": "1946-03-08", "phone": phone,
            "address": "彩虹城3区2号楼", "consent_method": "signed_form",
            "consent_on": today(), "consent_form_ref": f"TY-{phone}", **extra}


def test_the_manifest_offers_house_calls_and_consultations():
    manifest = load_manifest(MANIFEST)
    assert manifest["program_id"] == "doctor"
    assert manifest["name"] == {"zh": "片儿医", "en": "Neighbourhood doctor"}
    codes = {t["code"]: t for t in manifest["service_types"]}
    assert set(codes) == {"house_call", "health_consultation"}
    assert {"上门出诊", "巡诊"} <= set(codes["house_call"]["keywords"])
    assert "健康咨询" in codes["health_consultation"]["keywords"]
    assert codes["house_call"]["name"]["en"] and codes["health_consultation"]["name"]["en"]


def test_the_migrations_make_the_models_on_sqlite(tmp_path):
    assert schema_drift(migrated(f"sqlite:///{tmp_path}/doctor.db")) == []


def test_the_migrations_make_the_models_on_postgresql():
    with postgres_database("minzi_doctor") as url:
        assert schema_drift(migrated(url)) == []


def test_a_house_call_delivered_twice_is_accepted_once_and_worked_into_the_record(
        program_container, bus, caplog):
    caplog.set_level(logging.DEBUG)
    container = program_container(DoctorService, max_workers=1)
    call = caller(container)
    call("POST", "/doctors", LIU, staff=ADMIN)
    record = call("POST", "/records", resident("王奶奶", "13700001111",
                                                conditions=["高血压"], allergies=["青霉素"]))

    dispatched = bus.publish("case.dispatched.doctor", dispatched_case(
        "doctor", "house_call", description="老伴卧床，想请医生上门量血压",
        resident={"name": "王奶奶", "phone": "13700001111"}, address="彩虹城3区2号楼",
        due_at=due_in(days=3)))
    bus.send(dispatched, "case.dispatched.doctor")          # delivered again
    bus.publish("case.dispatched.doctor",
                dispatched_case("doctor", "health_consultation", case_id=2))
    # one worker takes messages in order: once the marker's (case 2's) report is out, the
    # duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(1, "accepted")]
    assert [h["action"] for h in call("GET", "/cases/1")["history"]] == ["received"]

    bus.publish("case.chased.doctor", {"case_id": 1, "tracking_code": "TEST000001",
                                       "program_id": "doctor", "level": 1, "note": "请尽快"})
    assert wait_for(lambda: call("GET", "/cases/1")["chases"],
                    message="the reminder to be counted") == 1

    call("POST", "/cases/1/acceptance", {})
    visited = call("POST", "/cases/1/visit", {
        "visited_on": today(), "note": "血压偏高，调整降压药", "record_id": record["id"],
        "systolic": 162, "diastolic": 98, "glucose": "7.2", "fasting": False})
    assert visited["medical"] == {"visit_note": "血压偏高，调整降压药", "record_id": record["id"]}
    # the clerk sees the case, not its medical part
    assert "medical" not in call("GET", "/cases/1", staff=CLERK)
    health = call("GET", f"/records/{record['id']}")
    assert sorted(r["value"] for r in health["readings"]) == ["162/98 mmHg", "7.2 mmol/L"]
    reply = "王奶奶您好，刘大夫已上门为您老伴调整用药，请按时服药，下周再来复查。"
    finished = call("POST", "/cases/1/resolve", {"result": "已上门，调整降压药", "reply": reply})
    assert (finished["state"], finished["on_time"]) == ("resolved", True)
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")["data"]
    assert report == {"case_id": 1, "program_id": "doctor", "handler": "刘大夫",
                      "status": "resolved", "result": "已上门，调整降压药", "reply": reply}
    again = call_api(container, "POST", "/cases/1/resolve", {"result": "再办一次"}, staff=DOCTOR)
    assert (again["status"], again["body"]["error"]["code"]) == (409, "case_closed")
    call("POST", "/cases/2/return", {"note": "胸口痛属急症，请立即拨打120"})
    returned = bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2
                        and m["data"]["status"] == "returned")["data"]
    assert returned["note"] == "胸口痛属急症，请立即拨打120"
    # never log medical data
    logged = caplog.text
    assert not [word for word in ("高血压", "青霉素", "血压偏高", "162/98", "mmol")
                if word in logged]
    # nor a reading as a number of its own: not digits inside a message's UUID (…-162807456406)
    # or an address, nor a source line number (migration.py:162)
    assert not re.findall(r"(?<![\w.:/-])(?:162|7\.2)(?![\w./-])", logged)


def test_a_case_of_a_type_the_program_does_not_offer_is_returned_with_a_note(
        program_container, bus):
    program_container(DoctorService)
    bus.publish("case.dispatched.doctor", dispatched_case("doctor", "stray_cat_sick"))
    report = bus.wait("case.reported")["data"]
    assert report["status"] == "returned" and "stray_cat_sick" in report["note"]


def test_the_seeds_400_and_more_health_records_and_a_free_clinic_counted(program_container):
    """The seed: "为彩虹城400余人建立健康档案, 定期举办义诊". 412 residents consent and their
    records are opened through the API; one withdraws; a clinic today: 3 sign up, 2 come."""
    container = program_container(DoctorService)
    call = caller(container)
    call("POST", "/doctors", LIU, staff=ADMIN)
    for n in range(412):
        call("POST", "/records", resident(f"居民{n:03d}", f"1370000{n:04d}"))
    call("POST", "/records/7/withdrawal", {"withdrawn_on": today(), "note": "本人要求"})
    clinic = call("POST", "/clinics", {"day": today(), "hours": "8:30-11:30",
                                       "place": "社区服务站一楼", "capacity": 50,
                                       "offers": ["blood_pressure", "glucose"]}, staff=CLERK)
    for n in range(3):
        entry = call("POST", f"/clinics/{clinic['id']}/sign-ups",
                     {"name": f"居民{n:03d}", "phone": f"1370000{n:04d}"}, staff=CLERK)
        if n < 2:
            call("POST", f"/clinics/{clinic['id']}/sign-ups/{entry['id']}/attendance",
                 {"attended": True}, staff=CLERK)
    figures = call("GET", "/figures", staff=ADMIN)
    # 412 opened, 1 withdrawn: 411 open — still "400余人"
    assert figures["records"] == {"open": 411, "withdrawn": 1}
    assert (figures["clinics"]["held"], figures["clinics"]["signed_up"],
            figures["clinics"]["attended"]) == (1, 3, 2)
    assert len(call("GET", "/records")["items"]) == 412


def test_bad_input_is_named_in_the_readers_language_and_changes_nothing(program_container):
    container = program_container(DoctorService)
    call = caller(container)
    call("POST", "/doctors", LIU, staff=ADMIN)
    record = call("POST", "/records", resident("王奶奶", "13700001111"))
    before = rows(container)

    def refused(path, body, lang="zh", staff=DOCTOR, method="POST"):
        return call_api(container, method, path, body, staff=staff, lang=lang)

    wrong_glucose = refused(f"/records/{record['id']}/readings", {
        "kind": "glucose", "glucose": "6.15", "measured_on": today()})
    assert wrong_glucose["body"]["error"] == {
        "code": "validation_failed", "message": "输入有误，请检查标出的字段",
        "fields": {"glucose": ["血糖值单位为 mmol/L，1.0 到 40.0，最多一位小数"]}}
    for value in ("0.9", "40.1", "NaN", True, "六点一", None):
        answer = refused(f"/records/{record['id']}/readings", {
            "kind": "glucose", "glucose": value, "measured_on": today()}, "en")
        assert (answer["status"], list(answer["body"]["error"]["fields"])) == (422, ["glucose"]), \
            value
    half = refused(f"/records/{record['id']}/readings", {
        "kind": "blood_pressure", "systolic": 150, "measured_on": today()}, "en")
    assert half["body"]["error"]["fields"] == {
        "systolic": ["A blood-pressure reading needs the systolic and diastolic pressures."]}
    no_witness = refused("/records", resident("赵大爷", "13700002222",
                                              consent_method="verbal_witnessed",
                                              consent_form_ref=None), "en")
    assert no_witness["body"]["error"] == {
        "code": "witness_required", "message": "Verbal consent needs a named witness",
        "fields": {"consent_witness": ["Verbal consent needs a named witness"]}}
    no_consent = refused("/records", {**resident("赵大爷", "13700002222"),
                                      "consent_method": "presumed"})
    assert list(no_consent["body"]["error"]["fields"]) == ["consent_method"]
    assert refused("/clinics", {"day": today(), "hours": "9-11", "place": "广场",
                                "capacity": 0, "offers": ["massage"]}, staff=CLERK)[
        "body"]["error"]["fields"].keys() == {"capacity", "offers"}
    assert refused("/records", resident("赵大爷", "13700002222"), staff=CLERK)["body"] == {
        "error": {"code": "not_doctor",
                  "message": "只有登记在册的片儿医可以查看或填写健康档案和诊疗记录"}}
    assert refused("/records", None, staff=None, method="GET")["status"] == 401
    assert refused("/clinics", None, staff=make_staff("receptionist"),
                   method="GET")["status"] == 403
    assert rows(container) == before
    card = call_api(container, "GET", "/card", staff=None)["body"]
    assert card["doctors"] == [{"name": "刘大夫", "phone": "13911112222",
                                "pledge": "随叫随到，小病不出社区门"}]
