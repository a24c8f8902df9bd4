"""co_building running for real (RabbitMQ, PostgreSQL migrated as minzi-run migrates it): a case
in, a report out, once; an issue through the API to its outcome; a member unit's contact
reaching their own unit only; the staff API's refusals, named in Chinese and English, changing
nothing."""
from datetime import timedelta

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

from co_building.models import Base
from co_building.service import MANIFEST, CoBuildingService

from .conftest import SIX_PARTIES

OPERATOR = make_staff("program_staff", program_id="co_building", name="王书记", username="wang")
EGG_CONTACT = make_staff("member_unit", program_id="co_building", name="刘主任",
                         username="egg-contact")
HOSPITAL_CONTACT = make_staff("member_unit", program_id="co_building", name="陈科长",
                              username="hospital")


def migrated(url):
    migrate("co_building", service_root("co_building"), {"DATABASE_URL": url})
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


def days_from_today(days: int) -> str:
    return (local_date(utcnow()) + timedelta(days=days)).isoformat()


def test_the_manifest_offers_the_seeds_issues():
    manifest = load_manifest(MANIFEST)
    assert manifest["program_id"] == "co_building"
    assert manifest["name"] == {"zh": "共驻共建", "en": "Co-building"}
    codes = {t["code"]: t for t in manifest["service_types"]}
    assert set(codes) == {"night_noise", "road_access", "public_facilities"}
    assert "货车" in codes["night_noise"]["keywords"]
    assert "断头路" in codes["road_access"]["keywords"]
    assert "座椅" in codes["public_facilities"]["keywords"]


def test_the_migrations_make_the_models_on_sqlite(tmp_path):
    assert schema_drift(migrated(f"sqlite:///{tmp_path}/co_building.db")) == []


def test_the_migrations_make_the_models_on_postgresql():
    with postgres_database("minzi_co_building") as url:
        assert schema_drift(migrated(url)) == []


def test_a_case_delivered_twice_is_accepted_once_and_finished_through_the_api(
        program_container, bus):
    container = program_container(CoBuildingService, max_workers=1)

    def call(method, path, body=None, staff=OPERATOR):
        answer = call_api(container, method, path, body, staff=staff)
        assert answer["status"] in (200, 201), answer
        return answer["body"]

    dispatched = bus.publish("case.dispatched.co_building", dispatched_case(
        "co_building", "night_noise", description="冷库货车夜里进出，吵得睡不着",
        resident={"name": "赵大爷", "phone": "13900001111"}, address="彩虹城5号楼"))
    bus.send(dispatched, "case.dispatched.co_building")          # delivered again
    bus.publish("case.dispatched.co_building",
                dispatched_case("co_building", "public_facilities", case_id=2))
    # one worker takes messages in order: once the marker's (case 2's) report is out, the
    # duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(1, "accepted")]
    issue = call("GET", "/issues/1")
    assert [h["action"] for h in issue["history"]] == ["received"]
    assert issue["resident"] == {"name": "赵大爷", "phone": "13900001111", "contact": None,
                                 "address": "彩虹城5号楼"}

    bus.publish("case.chased.co_building", {"case_id": 1, "tracking_code": "TEST000001",
                                            "program_id": "co_building", "level": 1,
                                            "note": "请尽快办理"})
    assert wait_for(lambda: call("GET", "/issues/1")["chases"],
                    message="the reminder to be counted") == 1

    egg = call("POST", "/units", {"name": "禽蛋公司", "kind": "enterprise",
                                  "contact_name": "刘主任", "contact_phone": "13800000100",
                                  "contact_username": "egg-contact"})
    call("POST", "/issues/1/sorting", {"kind": "coordination"})
    call("POST", "/issues/1/assignment", {"unit_id": egg["id"], "deadline": days_from_today(14)})
    # the egg company's contact sees the issue assigned to it, without the resident
    mine = call("GET", "/issues", staff=EGG_CONTACT)["items"]
    assert [(i["case_id"], i["resident"]) for i in mine] == [(1, None)]
    call("POST", "/issues/1/progress", {"note": "已约束车队夜间进出"}, staff=EGG_CONTACT)
    refused = call_api(container, "GET", "/issues/1", staff=HOSPITAL_CONTACT)
    assert (refused["status"], refused["body"]["error"]["code"]) == (403, "not_your_unit")
    call("POST", "/meetings", {"day": days_from_today(0), "place": "社区会议室",
                               "topic": "冷库货车夜间噪音", "attendees": SIX_PARTIES,
                               "case_ids": [1], "decisions": "禽蛋公司改造冷库"})
    finished = call("POST", "/issues/1/outcome", {
        "result": "禽蛋公司投资700万元改造冷库", "investment": "7000000",
        "investment_unit_id": egg["id"], "reply": "赵大爷您好，冷库已改造，噪音问题已解决。"})
    assert (finished["state"], finished["investment"]) == ("resolved", "7000000.00")
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")["data"]
    assert report == {"case_id": 1, "program_id": "co_building", "handler": "王书记",
                      "status": "resolved", "result": "禽蛋公司投资700万元改造冷库",
                      "reply": "赵大爷您好，冷库已改造，噪音问题已解决。"}
    again = call_api(container, "POST", "/issues/1/outcome", {"result": "再办一次"},
                     staff=OPERATOR)
    assert (again["status"], again["body"]["error"]["code"]) == (409, "case_closed")
    call("POST", "/issues/2/return", {"note": "请转交物业办理"})
    returned = bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2
                        and m["data"]["status"] == "returned")["data"]
    assert returned["note"] == "请转交物业办理"


def test_a_case_of_a_type_the_program_does_not_offer_is_returned_with_a_note(
        program_container, bus):
    program_container(CoBuildingService)
    bus.publish("case.dispatched.co_building",
                dispatched_case("co_building", "stray_cat_sick"))
    report = bus.wait("case.reported")["data"]
    assert report["status"] == "returned" and "stray_cat_sick" in report["note"]


def test_bad_input_is_named_in_the_readers_language_and_changes_nothing(program_container):
    container = program_container(CoBuildingService)

    def call(method, path, body=None, lang="zh", staff=OPERATOR):
        return call_api(container, method, path, body, staff=staff, lang=lang)

    unit = call("POST", "/units", {"name": "东方建都医院", "kind": "hospital",
                                   "contact_name": "陈科长", "contact_phone": "13800000200"})
    assert unit["status"] == 201
    call("POST", "/fund/contributions", {"amount": "13000", "unit_id": unit["body"]["id"],
                                         "channel": "bank_transfer"})
    before = rows(container)
    unknown = call("POST", "/commitments", {"year": 2026, "direction": "unit", "unit_id": 99,
                                            "title": "添置座椅", "due_on": "2026-12-31"}, "en")
    assert unknown["body"]["error"] == {"code": "unknown_unit", "message": "No member unit 99",
                                        "fields": {"unit_id": ["No member unit 99"]}}
    overspent = call("POST", "/fund/payments", {
        "amount": "13000.01", "category": "culture", "invoice_ref": "FP-1",
        "approved_by": "社区党委书记"})
    assert overspent["body"]["error"] == {
        "code": "insufficient_funds",
        "message": "余额不足：当前余额 13000.00 元，本次支出 13000.01 元",
        "fields": {"amount": ["余额不足：当前余额 13000.00 元，本次支出 13000.01 元"]}}
    no_parties = call("POST", "/meetings", {
        "day": days_from_today(0), "place": "会议室", "topic": "噪音",
        "attendees": {"residents": ["李阿姨"]}, "decisions": "再议"}, "en")
    assert (no_parties["status"], no_parties["body"]["error"]["code"],
            list(no_parties["body"]["error"]["fields"])) == (422, "parties_missing",
                                                              ["attendees"])
    odd_party = call("POST", "/meetings", {
        "day": days_from_today(0), "place": "会议室", "topic": "噪音",
        "attendees": {**SIX_PARTIES, "police": ["民警"]}, "decisions": "再议"})
    assert odd_party["status"] == 422 and "attendees" in odd_party["body"]["error"]["fields"]
    for amount in ("12.345", "-1", "0", "NaN", True, "一万"):
        wrong = call("POST", "/fund/contributions", {"amount": amount, "donor_name": "某人",
                                                     "channel": "cash"})
        assert (wrong["status"], list(wrong["body"]["error"]["fields"])) == (422, ["amount"]), \
            amount
    assert call("POST", "/fund/contributions", {"amount": "1.234", "donor_name": "某人",
                                                "channel": "cash"})["body"]["error"][
        "fields"] == {"amount": ["金额最多两位小数（精确到分）"]}
    assert call("GET", "/units", staff=None)["status"] == 401
    assert call("GET", "/units", staff=make_staff("receptionist"))["status"] == 403
    assert rows(container) == before
    report = call("GET", "/fund/report", staff=None)["body"]
    assert (report["balance"], report["income"][0]["from"]) == ("13000.00", "东方建都医院")
