"""matchmaking against the real RabbitMQ and a real PostgreSQL (migrated as minzi-run migrates
it): cases in and reports out, and the staff API with its access rules and its errors."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from nameko.testing.services import entrypoint_hook
from sqlalchemy import create_engine, func, select

from minzi.contract import load_manifest
from minzi.db import normalise_url
from minzi.run import migrate, service_root
from minzi.testing import (
    call_api,
    dispatched_case,
    make_staff,
    postgres_database,
    staff_statement,
    wait_for,
)

from matchmaking.models import Base, Member
from matchmaking.service import MANIFEST, MatchmakingService

from .conftest import CHEN_JING, WU_FANG, ZHENG_HAO, ZHOU_JIE

STAFF = make_staff("program_staff", program_id="matchmaking", username="hong", name="王红娘")
ADMIN = make_staff("admin", id=1, username="admin", name="站长")
OTHER_PROGRAM = {**STAFF, "id": 8, "program_id": "legal_aid"}
RECEPTIONIST = make_staff("receptionist", id=9, username="desk", name="前台")
MAPLE = {**STAFF, "id": 10, "community": "maple-court"}
POLICE = {"police_station": "朝阳分局彩虹城派出所", "officer": "刘警官"}


def migrated(url):
    migrate("matchmaking", service_root("matchmaking"), {"DATABASE_URL": url})
    return url


def schema_drift(url):
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return diff


def count_members(url):
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        found = connection.scalar(select(func.count()).select_from(Member))
    engine.dispose()
    return found


def test_the_manifest_is_valid():
    manifest = load_manifest(MANIFEST)
    assert manifest["program_id"] == "matchmaking"
    codes = {t["code"]: t for t in manifest["service_types"]}
    assert set(codes) == {"matchmaking_registration", "matchmaking_consultation"}
    assert codes["matchmaking_registration"]["name"] == {"zh": "红娘登记咨询",
                                                         "en": "Matchmaking registration"}
    assert all(t["keywords"] and t["attributes"] and t["time_limit_hours"] > 0
               for t in codes.values())


def test_the_migrations_make_the_models_on_sqlite(tmp_path):
    assert schema_drift(migrated(f"sqlite:///{tmp_path}/matchmaking.db")) == []


def test_the_migrations_make_the_models_on_postgresql():
    with postgres_database("minzi_matchmaking") as url:
        assert schema_drift(migrated(url)) == []


def test_a_case_delivered_twice_is_accepted_once_chased_and_resolved_through_the_api(
        program_container, bus):
    container = program_container(MatchmakingService, max_workers=1)
    dispatched = bus.publish("case.dispatched.matchmaking", dispatched_case(
        "matchmaking", "matchmaking_consultation", channel="phone",
        description="女儿三十了还没对象，想咨询",
        resident={"name": "孙阿姨", "phone": "13800001111"}))
    bus.send(dispatched, "case.dispatched.matchmaking")                 # delivered again
    bus.publish("case.dispatched.matchmaking",
                dispatched_case("matchmaking", "matchmaking_registration", case_id=2))
    # one worker takes messages in order and the outbox publishes in order: once the marker's
    # (case 2's) report is out, the duplicate has been handled too, and it sent nothing
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert [(m["data"]["case_id"], m["data"]["status"]) for m in bus.seen] == [(1, "accepted")]
    case = call_api(container, "GET", "/cases/1", staff=STAFF)["body"]
    assert [h["action"] for h in case["history"]] == ["received"]

    bus.publish("case.chased.matchmaking", {"case_id": 1, "tracking_code": "TEST000001",
                                            "program_id": "matchmaking", "level": 1,
                                            "note": "请尽快办理"})
    chases = wait_for(lambda: call_api(container, "GET", "/cases/1", staff=STAFF)["body"][
        "chases"], message="the reminder to be counted")
    assert chases == 1

    assert call_api(container, "GET", "/cases", staff=RECEPTIONIST)["status"] == 403
    resolved = call_api(container, "POST", "/cases/1/resolve", {
        "result": "已电话回复，约周六来站面谈", "reply": "您好，红娘已与您约好周六面谈。"},
        staff=STAFF)
    assert resolved["status"] == 200 and resolved["body"]["state"] == "resolved"
    assert resolved["body"]["handled_by"] == "王红娘"
    report = bus.wait("case.reported", lambda m: m["data"]["case_id"] == 1)["data"]
    assert report == {"case_id": 1, "program_id": "matchmaking", "handler": "王红娘",
                      "status": "resolved", "result": "已电话回复，约周六来站面谈",
                      "reply": "您好，红娘已与您约好周六面谈。"}
    again = call_api(container, "POST", "/cases/1/resolve", {"result": "再办一次"}, staff=STAFF)
    assert again["status"] == 409 and again["body"]["error"]["code"] == "case_closed"
    case = call_api(container, "GET", "/cases/1", staff=STAFF)["body"]
    assert [h["action"] for h in case["history"]] == ["received", "chased", "resolved"]
    # the refused second answer sent nothing: the next report out is the marker's (case 2's)
    bus.seen = []
    returned = call_api(container, "POST", "/cases/2/return", {"note": "请到服务站当面登记"},
                        staff=STAFF)
    assert returned["status"] == 200
    bus.wait("case.reported", lambda m: m["data"]["case_id"] == 2)
    assert bus.seen == []


def member_body(who, **changes):
    return {**who, "birth_date": who["birth_date"].isoformat(), "community": "rainbow-city",
            "education": "bachelor", "occupation": "会计", "introduction": "喜欢读书",
            "looking_for": "踏实稳重", **changes}


def test_the_staff_api_keeps_members_to_the_studio_and_refuses_bad_input(program_container):
    container = program_container(MatchmakingService)
    database = container.config["DATABASE_URL"]

    def call(method, path, staff=STAFF, body=None, query=None, lang="zh"):
        return call_api(container, method, path, body, staff=staff, query=query, lang=lang)

    made = call("POST", "/members", body=member_body(CHEN_JING))
    assert made["status"] == 201, made
    member = made["body"]
    assert member["status"] == "pending" and member["visible_to_others"] is False
    assert member["created_by"] == "王红娘" and member["created_at"]

    # who may see it
    assert call("GET", "/members", staff=None)["status"] == 401
    assert call("GET", "/members", staff=RECEPTIONIST)["status"] == 403
    other = call("GET", "/members", staff=OTHER_PROGRAM)
    assert other["status"] == 403 and other["body"]["error"]["code"] == "not_program_staff"
    assert call("GET", f"/members/{member['id']}", staff=MAPLE)["status"] == 404
    assert call("GET", "/members", staff=MAPLE)["body"]["items"] == []
    assert call("GET", "/members", staff=ADMIN)["status"] == 200

    # the ID number: masked in the list, whole on the member's own record
    listed = next(m for m in call("GET", "/members")["body"]["items"]
                  if m["id"] == member["id"])
    assert listed["id_number"] == "110105********1849"
    record = call("GET", f"/members/{member['id']}")["body"]
    assert record["id_number"] == "110105199309091849"
    assert [h["action"] for h in record["history"]] == ["registered"]

    # bad input: named fields, Chinese by default, English on request, nothing written
    before = count_members(database)
    bad = call("POST", "/members", body={"name": "", "gender": "x", "birth_date": "1993-13-01",
                                         "phone": "abc", "id_number": "123", "extra": 1})
    assert bad["status"] == 422
    fields = bad["body"]["error"]["fields"]
    assert set(fields) == {"name", "gender", "birth_date", "phone", "id_number", "extra"}
    assert fields["phone"] == ["电话号码格式不对"]
    english = call("POST", "/members", lang="en", body=member_body(CHEN_JING))
    assert english["status"] == 409
    assert english["body"]["error"]["code"] == "member_exists"
    assert english["body"]["error"]["message"].startswith("This ID number")
    mismatch = call("POST", "/members", body=member_body(ZHOU_JIE, birth_date="1990-02-03"))
    assert mismatch["status"] == 422
    assert mismatch["body"]["error"]["fields"] == {"birth_date": ["出生日期与身份证号码不一致"]}
    elsewhere = call("POST", "/members", body=member_body(ZHOU_JIE, community="maple-court"))
    assert elsewhere["status"] == 422
    assert elsewhere["body"]["error"]["code"] == "other_community"
    assert count_members(database) == before

    # the gate, through the API
    man = call("POST", "/members", body=member_body(ZHOU_JIE))["body"]
    verified = call("POST", f"/members/{man['id']}/verifications",
                    body={"result": "verified", **POLICE})
    assert verified["status"] == 201
    assert verified["body"]["verification"]["recorded_by"] == "王红娘"
    refused = call("POST", "/introductions",
                   body={"first_member_id": man["id"], "second_member_id": member["id"]})
    assert refused["status"] == 409
    assert refused["body"]["error"]["code"] == "member_not_verified"
    assert call("GET", f"/members/{man['id']}/candidates")["body"]["items"] == []
    call("POST", f"/members/{member['id']}/verifications", body={"result": "verified", **POLICE})
    (shown,) = call("GET", f"/members/{man['id']}/candidates")["body"]["items"]
    assert shown["id"] == member["id"]
    assert "phone" not in shown and "id_number" not in shown and "birth_date" not in shown
    intro = call("POST", "/introductions",
                 body={"first_member_id": man["id"], "second_member_id": member["id"]})
    assert intro["status"] == 201 and intro["body"]["outcome"] == "pending"
    met = call("POST", f"/introductions/{intro['body']['id']}/outcome",
               body={"outcome": "met", "note": "周末在咖啡馆见了面"})
    assert met["status"] == 200
    assert [h["outcome"] for h in met["body"]["history"]] == ["pending", "met"]
    wrong = call("POST", f"/introductions/{intro['body']['id']}/outcome",
                 body={"outcome": "pending"})
    assert wrong["status"] == 422 and set(wrong["body"]["error"]["fields"]) == {"outcome"}

    # figures: counts only, for anyone
    figures = call("GET", "/figures", staff=None, query={"community": "rainbow-city"})["body"]
    assert figures["totals"] == {"registered": 2, "verified": 2, "rejected": 0,
                                 "consultations": 0, "introductions": 1, "met": 1,
                                 "dating": 0, "married": 0, "ended": 0}
    assert call("GET", "/figures", staff=None, query={"community": "maple-court"})["body"][
        "totals"]["registered"] == 0
    assert call("GET", "/figures", query={"from": "2026-12-01",
                                          "to": "2026-11-01"})["status"] == 422

    with entrypoint_hook(container, "openapi") as openapi:
        paths = openapi()["paths"]
        assert "/members/{member_id}/verifications" in paths and "/figures" in paths


def test_the_same_registration_or_introduction_at_the_same_moment_is_made_once(
        program_container, rabbit_config):
    """Staff at several desks: one succeeds, the others get a named 409, never a 500. (Over
    real RPC, as the gateway calls: entrypoint_hook waits for whichever worker ends first.)"""
    import eventlet
    from nameko.standalone.rpc import ServiceRpcProxy

    program_container(MatchmakingService)

    def call(path, body):
        with ServiceRpcProxy("matchmaking", rabbit_config, timeout=30) as proxy:
            return proxy.api({"method": "POST", "path": path, "body": body,
                              "staff_assertion": staff_statement(STAFF, "matchmaking")})

    def together(path, body, times=3):
        threads = [eventlet.spawn(call, path, body) for _ in range(times)]
        return [t.wait() for t in threads]

    results = together("/members", member_body(WU_FANG))
    assert sorted(r["status"] for r in results) == [201, 409, 409], results
    woman = next(r["body"] for r in results if r["status"] == 201)
    man = call("/members", member_body(ZHENG_HAO))["body"]
    for someone in (woman, man):
        call(f"/members/{someone['id']}/verifications", {"result": "verified", **POLICE})
    results = together("/introductions", {"first_member_id": man["id"],
                                          "second_member_id": woman["id"]})
    assert sorted(r["status"] for r in results) == [201, 409, 409], results
    assert {r["body"]["error"]["code"] for r in results if r["status"] == 409} <= {
        "introduction_open", "conflict"}
