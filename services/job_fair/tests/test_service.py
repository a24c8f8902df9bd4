"""job_fair running for real (RabbitMQ, PostgreSQL migrated as minzi-run migrates it): a case in,
a report out, once; the staff API's refusals, named, in Chinese and English, changing nothing."""
import base64
from io import BytesIO

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from openpyxl import load_workbook
from sqlalchemy import create_engine

from minzi.contract import load_manifest
from minzi.db import normalise_url
from minzi.run import migrate, service_root
from minzi.testing import call_api, dispatched_case, make_staff, postgres_database, wait_for
from minzi.testing import snapshot as rows_of

from job_fair.models import Base
from job_fair.service import MANIFEST, JobFairService

from .conftest import CODES, ZHANG_WEI_ID

OPERATOR = make_staff("program_staff", program_id="job_fair", name="李干事", username="li")


def migrated(url):
    migrate("job_fair", service_root("job_fair"), {"DATABASE_URL": url})
    return url


def schema_drift(url):
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return diff


def rows(container):
    engine = create_engine(normalise_url(container.config["DATABASE_URL"]))
    from sqlalchemy.orm import Session
    with Session(engine) as session:
        found = rows_of(session, Base.metadata)
    engine.dispose()
    return found


def test_the_manifest_is_valid():
    manifest = load_manifest(MANIFEST)
    assert manifest["program_id"] == "job_fair"
    assert manifest["name"] == {"zh": "社区招聘会", "en": "Community job fair"}
    codes = {t["code"]: t for t in manifest["service_types"]}
    # the job-seeking card (求职证) is one of the station's agency items (services/agency)
    assert set(codes) == {"job_seeking"}


def test_the_migrations_make_the_models_on_sqlite(tmp_path):
    assert schema_drift(migrated(f"sqlite:///{tmp_path}/job_fair.db")) == []


def test_the_migrations_make_the_models_on_postgresql():
    with postgres_database("minzi_job_fair") as url:
        assert schema_drift(migrated(url)) == []


def test_a_case_delivered_twice_is_accepted_once_and_resolved_through_the_api(
        program_container, bus):
    container = program_container(JobFairService, max_workers=1)
    dispatched = bus.publish("case.dispatched.job_fair", dispatched_case(
        "job_fair", "job_seeking", description="下岗了，想找份物业的工作",
        resident={"name": "周大姐", "phone": "13600000000"}))
    bus.send(dispatched, "case.dispatched.job_fair")          # delivered again
    bus.publish("case.dispatched.job_fair",
                dispatched_case("job_fair", "job_seeking", case_id=2))
    # one worker takes messages in order: once the marker's (case 2's) report is out, the
    # duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(1, "accepted")]
    case = call_api(container, "GET", "/cases/1", staff=OPERATOR)["body"]
    assert [h["action"] for h in case["history"]] == ["received"]
    assert (case["resident"]["name"], case["resident"]["phone"]) == ("周大姐", "13600000000")

    bus.publish("case.chased.job_fair", {"case_id": 1, "tracking_code": "TEST000001",
                                         "program_id": "job_fair", "level": 1,
                                         "note": "请尽快办理"})
    assert wait_for(lambda: call_api(container, "GET", "/cases/1", staff=OPERATOR)["body"][
        "chases"], message="the reminder to be counted") == 1

    resolved = call_api(container, "POST", "/cases/1/resolve", {
        "result": "已登记求职，推荐物业电工岗位",
        "reply": "您好，已为您登记求职，请于招聘会当天带身份证到社区活动室。"}, staff=OPERATOR)
    assert resolved["status"] == 200 and resolved["body"]["state"] == "resolved"
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")["data"]
    assert report == {"case_id": 1, "program_id": "job_fair", "handler": "李干事",
                      "status": "resolved", "result": "已登记求职，推荐物业电工岗位",
                      "reply": "您好，已为您登记求职，请于招聘会当天带身份证到社区活动室。"}
    again = call_api(container, "POST", "/cases/1/resolve", {"result": "再办一次"},
                     staff=OPERATOR)
    assert again["status"] == 409 and again["body"]["error"]["code"] == "case_closed"
    returned = call_api(container, "POST", "/cases/2/return",
                        {"note": "求职证请到街道社保所办理"}, staff=OPERATOR)
    assert returned["status"] == 200
    report = bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2
                      and m["data"]["status"] == "returned")["data"]
    assert report["note"] == "求职证请到街道社保所办理"


def test_a_case_of_a_type_the_program_does_not_offer_is_returned_with_a_note(
        program_container, bus):
    program_container(JobFairService)
    bus.publish("case.dispatched.job_fair", dispatched_case("job_fair", "stray_cat_sick"))
    report = bus.wait("case.reported")["data"]
    assert report["status"] == "returned" and "stray_cat_sick" in report["note"]


def test_bad_input_is_named_in_the_readers_language_and_changes_nothing(program_container):
    container = program_container(JobFairService)

    def call(method, path, body=None, lang="zh", staff=OPERATOR):
        return call_api(container, method, path, body, staff=staff, lang=lang)

    before = rows(container)
    bad_code = {"name": "彩虹城物业公司", "credit_code": "91350100M000100Y44",
                "contact_name": "王经理", "phone": "13800000100"}
    zh = call("POST", "/employers", bad_code)
    assert zh["status"] == 422
    assert zh["body"]["error"]["fields"] == {"credit_code": ["统一社会信用代码校验位不对，请核对"]}
    en = call("POST", "/employers", bad_code, lang="en")
    assert en["body"]["error"]["fields"] == {"credit_code": [
        "The credit code's check character does not match: please check it."]}
    no_consent = call("POST", "/applicants", {
        "name": "张伟", "id_number": ZHANG_WEI_ID, "phone": "13800000001", "kind": "resident",
        "consent": False})
    assert (no_consent["status"], no_consent["body"]["error"]["code"]) == (422,
                                                                           "consent_required")
    bad_id = call("POST", "/applicants", {
        "name": "张伟", "id_number": "110105199405122132", "phone": "13800000001",
        "kind": "resident", "consent": True})
    assert bad_id["body"]["error"]["fields"] == {"id_number": ["身份证号码校验位不对，请核对"]}
    past = call("POST", "/fairs", {"title": "招聘会", "day": "2020-01-01", "place": "活动室",
                                   "capacity": 10}, lang="en")
    assert past["body"]["error"] == {
        "code": "fair_in_past",
        "message": "A job fair cannot be planned for a day in the past",
        "fields": {"day": ["A job fair cannot be planned for a day in the past"]}}
    money = call("POST", "/fairs/1/positions", {"employer_id": 1, "title": "保洁", "count": 1,
                                                 "work_place": "小区", "pay_min": "3500.005",
                                                 "pay_max": 4000.0})
    assert money["body"]["error"]["fields"] == {
        "pay_min": ["金额以元为单位，最多两位小数，在 0 到 1000000 之间"]}
    for amount in ("1e308", 1e308, "NaN", "-0.01", "1000000.01", True, "四千"):
        wrong = call("POST", "/fairs/1/positions", {
            "employer_id": 1, "title": "保洁", "count": 1, "work_place": "小区",
            "pay_min": "3500", "pay_max": amount}, lang="en")
        assert (wrong["status"], wrong["body"]["error"]["fields"]) == (422, {"pay_max": [
            "An amount in yuan, at most two decimal places, from 0 to 1000000."]}), amount
    assert call("GET", "/applicants", staff=None)["status"] == 401
    assert call("GET", "/applicants", staff=make_staff("receptionist"))["status"] == 403
    assert rows(container) == before

    made = call("POST", "/employers", {**bad_code, "credit_code": CODES[0]})
    assert made["status"] == 201 and made["body"]["status"] == "pending"


def test_the_spreadsheet_comes_through_the_api_and_reads_back(program_container):
    container = program_container(JobFairService)
    from datetime import timedelta

    from minzi.envelope import utcnow
    from minzi.localtime import local_date
    day = (local_date(utcnow()) + timedelta(days=10)).isoformat()
    fair = call_api(container, "POST", "/fairs", {"title": "彩虹城冬季招聘会", "day": day,
                                                  "place": "社区活动室", "capacity": 300},
                    staff=OPERATOR)["body"]
    exported = call_api(container, "GET", f"/fairs/{fair['id']}/export", staff=OPERATOR)["body"]
    assert exported["filename"] == f"job-fair-{fair['id']}-{day}.xlsx"
    book = load_workbook(BytesIO(base64.b64decode(exported["content_base64"])))
    assert list(book["数据"].values)[3:] == [("参会单位", 0), ("岗位", 0), ("招聘人数", 0),
                                           ("求职者", 0), ("投递", 0), ("签到", 0),
                                           ("面试", 0), ("录用", 0)]
