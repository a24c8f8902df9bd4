"""agency running for real (RabbitMQ, PostgreSQL migrated as minzi-run migrates it): a case
in, a report out, once; an old-age card matter worked through the API step by step, each step
reported to intake; the staff API's refusals, named in Chinese and English, changing nothing."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from minzi.contract import load_manifest
from minzi.db import normalise_url
from minzi.run import migrate, service_root
from minzi.testing import call_api, dispatched_case, make_staff, postgres_database, wait_for
from minzi.testing import snapshot as rows_of

from agency.models import Base
from agency.service import MANIFEST, AgencyService

WANG = make_staff("program_staff", program_id="agency", name="王代理员", username="wang")
LI = make_staff("handler", program_id="agency", name="李代理员", username="li")
SIXTY = "110105196001010017"   # born 1 January 1960: 60 or over on any day these tests run


def migrated(url):
    migrate("agency", service_root("agency"), {"DATABASE_URL": url})
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


def test_the_manifest_offers_the_twelve_agency_items():
    manifest = load_manifest(MANIFEST)
    assert manifest["program_id"] == "agency"
    assert manifest["name"] == {"zh": "全程代理", "en": "Full-process agency"}
    codes = {t["code"]: t for t in manifest["service_types"]}
    assert len(codes) == 12                                  # the seed's "12项"
    assert "老年证" in codes["old_age_card"]["keywords"]
    assert "暂住证" in codes["temporary_residence"]["keywords"]
    # general: 7 days; complex: 15 days (Beijing 12345's classes)
    assert {t["urgency"]: t["time_limit_hours"] for t in codes.values()} == \
        {"general": 168, "complex": 360}


def test_the_migrations_make_the_models_on_sqlite(tmp_path):
    assert schema_drift(migrated(f"sqlite:///{tmp_path}/agency.db")) == []


def test_the_migrations_make_the_models_on_postgresql():
    with postgres_database("minzi_agency") as url:
        assert schema_drift(migrated(url)) == []


def test_a_case_delivered_twice_is_taken_once_and_worked_step_by_step_through_the_api(
        program_container, bus):
    container = program_container(AgencyService, max_workers=1)

    def call(method, path, body=None, staff=WANG):
        answer = call_api(container, method, path, body, staff=staff)
        assert answer["status"] in (200, 201), answer
        return answer["body"]

    dispatched = bus.publish("case.dispatched.agency", dispatched_case(
        "agency", "old_age_card", description="给我父亲办老年证",
        resident={"name": "赵大爷", "phone": "13900001111"}))
    bus.send(dispatched, "case.dispatched.agency")          # delivered again
    bus.publish("case.dispatched.agency", dispatched_case(
        "agency", "housekeeping", case_id=2, resident={"name": "赵大爷", "phone": "13900001111"}))
    # one worker takes messages in order: once the marker's (case 2's) report is out, the
    # duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(1, "accepted")]
    assert [h["action"] for h in call("GET", "/matters/1")["history"]] == ["received"]

    call("POST", "/matters/2/take", {})
    call("POST", "/matters/1/take", {"note": "站里接待"})
    call("POST", "/matters/1/steps/eligibility", {"id_number": SIXTY})
    for document in ("id_card", "hukou", "photo"):
        call("POST", f"/matters/1/documents/{document}", {})
    call("POST", "/matters/1/steps/documents", {})
    call("POST", "/matters/1/steps/submit", {"note": "已送街道老龄办"})
    page = call("GET", "/matters/1")
    assert [s["state"] for s in page["steps"]] == ["done", "done", "done", "next", "pending",
                                                   "pending"]
    # the same phone's earlier matter: none before case 1; case 2 lists case 1
    assert page["earlier"] == []
    assert [e["case_id"] for e in call("GET", "/matters/2")["earlier"]] == [1]
    for code in ("wait", "collect", "hand_over"):
        call("POST", f"/matters/1/steps/{code}", {})
    finished = call("POST", "/matters/1/resolve", {
        "result": "《老年证》已交给居民", "reply": "赵大爷您好，您的《老年证》已办好。"})
    assert finished["stage"] == "resolved"
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")["data"]
    assert report == {"case_id": 1, "program_id": "agency", "handler": "王代理员",
                      "status": "resolved", "result": "《老年证》已交给居民",
                      "reply": "赵大爷您好，您的《老年证》已办好。"}
    # before the resolution: accepted, then taken and six steps, each one in_progress report
    # naming the step in Chinese (the one the resident reads at intake)
    before = [m["data"] for m in bus.seen if m["data"]["case_id"] == 1]
    assert [m["status"] for m in before] == ["accepted"] + ["in_progress"] * 7
    assert before[4]["note"] == ("办理《老年证》：已完成“报送街道老龄办”（街道办事处），"
                                 "下一步：“街道审核制证”（街道办事处）")

    bus.publish("case.chased.agency", {"case_id": 2, "tracking_code": "TEST000002",
                                       "program_id": "agency", "level": 1, "note": "请尽快"})
    assert wait_for(lambda: call("GET", "/matters/2")["chases"],
                    message="the reminder to be counted") == 1
    call("POST", "/matters/2/return", {"note": "居民已自行联系家政公司"})
    returned = bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2
                        and m["data"]["status"] == "returned")["data"]
    assert returned["note"] == "居民已自行联系家政公司"
    assert call("GET", "/figures")["by_stage"][2] == {"stage": "resolved", "name": "已办结",
                                                      "matters": 1}


def test_a_case_of_a_type_the_program_does_not_offer_is_returned_with_a_note(
        program_container, bus):
    program_container(AgencyService)
    bus.publish("case.dispatched.agency", dispatched_case("agency", "stray_cat_sick"))
    report = bus.wait("case.reported")["data"]
    assert report["status"] == "returned" and "stray_cat_sick" in report["note"]


def test_bad_input_and_refusals_are_named_in_the_readers_language_and_change_nothing(
        program_container, bus):
    container = program_container(AgencyService)

    def call(method, path, body=None, lang="zh", staff=WANG):
        return call_api(container, method, path, body, staff=staff, lang=lang)

    bus.publish("case.dispatched.agency", dispatched_case("agency", "old_age_card"))
    bus.wait("case.reported")
    assert call("POST", "/matters/1/take", {})["status"] == 200
    before = rows(container)
    young = call("POST", "/matters/1/steps/eligibility", {"id_number": "110105201001010010"})
    assert (young["status"], young["body"]["error"]["code"],
            list(young["body"]["error"]["fields"])) == (422, "under_60", ["id_number"])
    wrong = call("POST", "/matters/1/steps/eligibility", {"id_number": "1101051960"}, "en")
    assert wrong["body"]["error"] == {
        "code": "validation_failed", "message": wrong["body"]["error"]["message"],
        "fields": {"id_number": ["An ID number has 17 digits and a final digit or X."]}}
    assert call("POST", "/matters/1/steps/eligibility", {"id_number": "1101051960"})[
        "body"]["error"]["fields"] == {"id_number": ["身份证号码应为18位（17位数字加一位数字或X）"]}
    skipped = call("POST", "/matters/1/steps/submit", {}, "en")
    assert skipped["body"]["error"] == {
        "code": "step_out_of_order",
        "message": "No step may be skipped: the next is “Age checked (60 or over)”",
        "fields": {"step": ["No step may be skipped: the next is “Age checked (60 or over)”"]}}
    others = call("POST", "/matters/1/steps/eligibility", {"id_number": SIXTY}, staff=LI)
    assert (others["status"], others["body"]["error"]["code"]) == (403, "not_your_matter")
    unknown = call("POST", "/matters/1/take", {"colour": "red"})
    assert (unknown["status"], list(unknown["body"]["error"]["fields"])) == (422, ["colour"])
    bad_filter = call_api(container, "GET", "/matters", staff=WANG, query={"item": "pension"})
    assert (bad_filter["status"], list(bad_filter["body"]["error"]["fields"])) == (422, ["item"])
    assert call("GET", "/matters", {}, staff=None)["status"] == 401
    assert call("GET", "/matters", staff=make_staff("receptionist"))["status"] == 403
    assert call("GET", "/matters/99")["body"]["error"]["code"] == "matter_not_found"
    assert rows(container) == before
    public = call("GET", "/items", staff=None)
    assert (public["status"], public["body"]["count"]) == (200, 12)
