"""dog_owners running for real (RabbitMQ, PostgreSQL migrated as minzi-run migrates it): a
complaint in, a report out, once; the association's records entered through its API and the
seed's officers (会长1人、副会长2人) counted from them; bad input refused, naming the field,
changing nothing."""
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
from minzi.testing import call_api, dispatched_case, make_staff, postgres_database
from minzi.testing import snapshot as rows_of

from dog_owners.models import Base
from dog_owners.service import MANIFEST, DogOwnersService

OPERATOR = make_staff("program_staff", program_id="dog_owners", name="王会长", username="wang")


def migrated(url):
    migrate("dog_owners", service_root("dog_owners"), {"DATABASE_URL": url})
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


def day(days: int = 0) -> str:
    return (local_date(utcnow()) + timedelta(days=days)).isoformat()


def test_the_manifest_offers_the_four_dog_complaints_the_bite_urgent():
    manifest = load_manifest(MANIFEST)
    assert manifest["name"] == {"zh": "养犬自律协会", "en": "Dog owners' association"}
    types = {t["code"]: t for t in manifest["service_types"]}
    assert {code: t["name"]["zh"] for code, t in types.items()} == {
        "dog_fouling": "犬便", "dog_barking": "犬吠扰民", "dog_unleashed": "遛狗不拴绳",
        "dog_bite": "犬只伤人"}
    assert (types["dog_bite"]["urgency"], types["dog_bite"]["time_limit_hours"]) == (
        "emergency", 2)
    assert "狂犬疫苗" in types["dog_bite"]["description"]["zh"]


def test_the_migrations_make_the_models_on_sqlite(tmp_path):
    assert schema_drift(migrated(f"sqlite:///{tmp_path}/dog_owners.db")) == []


def test_the_migrations_make_the_models_on_postgresql():
    with postgres_database("minzi_dog_owners") as url:
        assert schema_drift(migrated(url)) == []


def test_a_complaint_delivered_twice_is_accepted_once_and_worked_through_the_api(
        program_container, bus):
    container = program_container(DogOwnersService, max_workers=1)

    def call(method, path, body=None):
        answer = call_api(container, method, path, body, staff=OPERATOR)
        assert answer["status"] in (200, 201), answer
        return answer["body"]

    dispatched = bus.publish("case.dispatched.dog_owners", dispatched_case(
        "dog_owners", "dog_bite", description="在5号楼下被一只没拴绳的狗咬了小腿",
        resident={"name": "赵大爷", "phone": "13900001111"}, address="彩虹城5号楼"))
    bus.send(dispatched, "case.dispatched.dog_owners")          # delivered again
    bus.publish("case.dispatched.dog_owners",
                dispatched_case("dog_owners", "dog_fouling", case_id=2))
    # one worker takes messages in order: once the marker's (case 2's) report is out, the
    # duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [
        (1, "accepted"), (1, "in_progress")]
    assert "24小时内到狂犬病免疫预防门诊接种狂犬疫苗" in bus.seen[1]["data"]["note"]
    assert [h["action"] for h in call("GET", "/cases/1")["history"]] == ["received", "advised"]

    call("POST", "/pledges", {"version": "2026版", "title": "彩虹城社区养犬人文明公约",
                              "text": "出户遛犬束犬链。", "effective_on": day(-30)})
    member = call("POST", "/members", {"name": "李阿姨", "phone": "13900000001",
                                       "household": "5号楼2单元301", "pledge_version": "2026版"})
    dog = call("POST", f"/members/{member['id']}/dogs", {
        "name": "豆豆", "breed": "泰迪", "size_class": "small", "sex": "male",
        "registration_no": "京犬2026-0001", "registration_expires_on": day(200),
        "vaccinated_on": day(-10)})
    call("POST", "/cases/1/link", {"member_id": member["id"], "dog_id": dog["id"]})
    talked = call("POST", "/cases/1/talks", {"note": "要求出户拴绳，承担医药费", "warning": True})
    assert (talked["warnings"], talked["member"], talked["dog"]) == (1, "李阿姨", "豆豆")
    call("POST", "/cases/1/resolve", {"result": "犬主已赔偿并承诺拴绳",
                                      "reply": "您好，犬主已向您道歉并赔偿疫苗费用。"})
    report = bus.wait("case.reported", lambda m: m["data"]["status"] == "resolved")["data"]
    assert report["reply"] == "您好，犬主已向您道歉并赔偿疫苗费用。"
    call("POST", "/cases/2/return", {"note": "犬主不明", "referral": "property"})
    returned = bus.wait("case.reported", lambda m: m["data"]["status"] == "returned")["data"]
    assert returned["note"] == "犬主不明（请联系：和泓物业）"


def test_the_seeds_officers_are_counted_from_the_records_entered(program_container):
    container = program_container(DogOwnersService)

    def call(method, path, body=None, staff=OPERATOR):
        answer = call_api(container, method, path, body, staff=staff)
        assert answer["status"] in (200, 201), answer
        return answer["body"]

    call("POST", "/pledges", {"version": "1", "title": "公约", "text": "文明养犬",
                              "effective_on": day(-1)})
    ids = [call("POST", "/members", {"name": name, "phone": f"1390000000{n}",
                                     "household": f"{n}号楼", "pledge_version": "1"})["id"]
           for n, name in enumerate(["张会长", "王副会长", "刘副会长"], 1)]
    for member_id, role in zip(ids, ["president", "vice_president", "vice_president"],
                               strict=True):
        call("POST", "/officers", {"member_id": member_id, "role": role, "elected_on": day()})
    # the seed: 会长1人、副会长2人
    assert [(o["label"], o["count"]) for o in call("GET", "/figures")["officers"]] == [
        ("会长", 1), ("副会长", 2)]
    admin = make_staff("admin", username="root", name="管理员")
    assert [m["phone"] for m in call("GET", "/members", staff=admin)["items"]] == [
        "139****0001", "139****0002", "139****0003"]
    pledge = call_api(container, "GET", "/pledge", staff=None, query={"community":
                                                                      "rainbow-city"})
    assert (pledge["status"], pledge["body"]["text"]) == (200, "文明养犬")


def test_bad_input_is_named_in_the_readers_language_and_changes_nothing(program_container):
    container = program_container(DogOwnersService)

    def call(method, path, body=None, lang="zh", staff=OPERATOR):
        return call_api(container, method, path, body, staff=staff, lang=lang)

    assert call("GET", "/pledge", staff=None)["body"]["error"]["code"] == "no_pledge"
    call("POST", "/pledges", {"version": "1", "title": "公约", "text": "文明养犬",
                              "effective_on": day(-1)})
    member = call("POST", "/members", {"name": "李阿姨", "phone": "13900000001",
                                       "household": "5号楼", "pledge_version": "1"})["body"]
    before = rows(container)
    large = call("POST", f"/members/{member['id']}/dogs", {
        "name": "大黄", "breed": "金毛", "size_class": "large", "sex": "male",
        "registration_no": "京犬-1", "registration_expires_on": day(100)}, "en")
    assert (large["status"], large["body"]["error"]["code"], large["body"]["error"]["fields"]) == (
        422, "large_dog_banned", {"size_class": [
            "Large dogs (over 35 cm at the shoulder) are banned in this key management area"]})
    wrong = call("POST", "/members", {"name": "王", "phone": "abc", "household": "6号楼",
                                      "pledge_version": "1", "age": 3})
    assert wrong["status"] == 422 and wrong["body"]["error"]["fields"] == {
        "phone": ["电话号码格式不对"], "age": ["不认识的字段"]}
    bad_size = call("POST", f"/members/{member['id']}/dogs", {
        "name": "x", "breed": "y", "size_class": "huge", "sex": "male",
        "registration_no": "z", "registration_expires_on": day(1)})
    assert list(bad_size["body"]["error"]["fields"]) == ["size_class"]
    assert call("PUT", "/settings", {"dogs_per_household": 0})["status"] == 422
    assert call("GET", "/members", staff=None)["status"] == 401
    assert call("GET", "/members", staff=make_staff("receptionist"))["status"] == 403
    assert call("POST", "/members/1/leave", {}, staff=make_staff("admin"))["status"] == 403
    assert rows(container) == before
