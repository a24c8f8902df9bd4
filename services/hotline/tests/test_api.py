"""The staff API as the gateway calls it (the router on a real SQLite store, no broker): the
seed's hotline entered through it — merchants of housekeeping, appliance repair and water
vetted and signed, the card posted at 90 building doors (楼门) — and its figures; bad input
named field by field in the reader's language, changing nothing."""
from types import SimpleNamespace

import pytest

from minzi.envelope import utcnow
from minzi.localtime import local_date
from minzi.testing import make_staff, standalone_store
from minzi.testing import snapshot as rows_of

from hotline.api import router
from hotline.models import Base, Inbox, Outbox

from .conftest import BAIDU, HUAWEI, XIAOMI

STAFF = make_staff("program_staff", program_id="hotline", username="wang", name="王站长")


@pytest.fixture
def station(tmp_path):
    with standalone_store("hotline", Outbox, Inbox, tmp_path / "hotline.db") as store:
        handle = store.get_dependency(None)
        service = SimpleNamespace(store=handle, program=SimpleNamespace(
            manifest={"communities": ["rainbow-city"]}))

        def call(method, path, body=None, staff=STAFF, query=None, lang="zh"):
            return router.dispatch({"method": method, "path": path, "query": query or {},
                                    "body": body, "staff": staff, "lang": lang,
                                    "idempotency_key": None}, service=service)

        def ok(method, path, body=None, **kwargs):
            answer = call(method, path, body, **kwargs)
            assert answer["status"] in (200, 201), answer
            return answer["body"]

        def rows():
            with handle.session() as session:
                return rows_of(session, Base.metadata)

        yield SimpleNamespace(call=call, ok=ok, rows=rows)


def today() -> str:
    return local_date(utcnow()).isoformat()


def vetted(station, name, code, categories):
    merchant = station.ok("POST", "/merchants", {
        "name": name, "credit_code": code, "categories": categories, "contact_name": "经理",
        "phone": "010-6789 0001"})
    station.ok("POST", f"/merchants/{merchant['id']}/licence-check", {"note": "执照已核"})
    return station.ok("POST", f"/merchants/{merchant['id']}/agreement", {
        "signed_on": today(), "agreement_ref": f"BM-{merchant['id']}"})


def test_the_seeds_hotline_posted_at_90_doors(station):
    vetted(station, "好帮手家政", BAIDU, ["domestic_help"])
    vetted(station, "快修家电", XIAOMI, "appliance_repair")     # one category, as the select
    vetted(station, "清泉水站", HUAWEI, ["water_delivery"])
    # 90 doors (seed: 在90个楼门进行公布): 30 buildings, three doors each
    for building in range(1, 31):
        for door in range(1, 4):
            station.ok("POST", "/doors", {"building": f"{building}号楼", "door": f"{door}单元",
                                          "posted_on": today()})
    found = station.ok("GET", "/figures")
    assert found["doors_posted"] == 90
    assert (found["merchants"]["total"], found["merchants"]["offered"]) == (3, 3)
    assert [(c["category"], c["offered"]) for c in found["merchants"]["by_category"]] == [
        ("domestic_help", 1), ("appliance_repair", 1), ("water_delivery", 1),
        ("elderly_care", 0), ("leisure", 0)]
    card = station.ok("GET", "/card", staff=None)
    assert card["doors_posted"] == 90
    assert [(line["label"], line["name"]) for line in card["lines"]] == [
        ("家政服务", "好帮手家政"), ("家电维修", "快修家电"), ("送水（水站）", "清泉水站")]
    assert len(station.ok("GET", "/doors")["items"]) == 90
    history = station.ok("GET", "/activity", query={"entity": "merchant", "entity_id": "1"})
    assert [h["action"] for h in history["items"]] == ["registered", "licence_checked",
                                                       "agreement_signed"]


def test_bad_input_is_named_by_field_and_changes_nothing(station):
    vetted(station, "好帮手家政", BAIDU, ["domestic_help"])
    before = station.rows()
    wrong_code = station.call("POST", "/merchants", {
        "name": "某家政", "credit_code": "91110000802100433C", "categories": ["domestic_help"],
        "contact_name": "x", "phone": "13800000000"})
    assert (wrong_code["status"], wrong_code["body"]["error"]["fields"]) == (422, {
        "credit_code": ["统一社会信用代码第18位（校验码）不对，请核对营业执照"]})
    for body, field in (
            ({"categories": []}, "categories"), ({"categories": ["plumbing"]}, "categories"),
            ({"phone": "打电话"}, "phone"), ({"credit_code": "ABC"}, "credit_code"),
            ({"credit_code": "91A10000802100433B"}, "credit_code"),
            ({"credit_code": "91110000802100443B"}, "credit_code"), ({"name": ""}, "name"),
            ({"colour": "red"}, "colour")):
        answer = station.call("POST", "/merchants", {
            "name": "某家政", "credit_code": XIAOMI, "categories": ["domestic_help"],
            "contact_name": "x", "phone": "13800000000", **body}, lang="en")
        assert (answer["status"], list(answer["body"]["error"]["fields"])) == (422, [field]), \
            body
    assert station.call("POST", "/merchants", {
        "name": "某家政", "credit_code": XIAOMI, "categories": [], "contact_name": "x",
        "phone": "13800000000"})["body"]["error"]["fields"] == {
        "categories": ["至少选一个服务类别：家政服务、家电维修、送水（水站）、养老服务、休闲服务"]}
    for rating in (0, 6, 4.5, "4.5", "五", True):
        answer = station.call("POST", "/jobs/1/rating", {"rating": rating})
        assert (answer["status"], list(answer["body"]["error"]["fields"])) == (422, ["rating"])
    bad_response = station.call("POST", "/jobs/1/response", {"response": "maybe"})
    assert list(bad_response["body"]["error"]["fields"]) == ["response"]
    no_note = station.call("POST", "/cases/1/return", {"note": "  "})
    assert list(no_note["body"]["error"]["fields"]) == ["note"]
    not_a_date = station.call("POST", "/doors", {"building": "5号楼", "door": "1单元",
                                                 "posted_on": "昨天"})
    assert not_a_date["body"]["error"]["fields"] == {"posted_on": ["应为日期（YYYY-MM-DD）"]}
    assert station.call("GET", "/figures", query={"from": "2026-12-01",
                                                  "to": "2026-11-01"})["status"] == 422
    assert station.call("POST", "/merchants/99/licence-check", {})["status"] == 404
    assert station.call("POST", "/cases/5/routing", {})["status"] == 404
    assert station.rows() == before


def test_who_is_refused_and_what_an_admin_reads(station):
    assert station.call("GET", "/merchants", staff=None)["status"] == 401
    receptionist = station.call("GET", "/merchants", staff=make_staff("receptionist"))
    assert (receptionist["status"], receptionist["body"]["error"]["code"]) == (403, "forbidden")
    other = station.call("GET", "/merchants", staff=make_staff("program_staff",
                                                               program_id="co_building"))
    assert (other["status"], other["body"]["error"]["code"]) == (403, "not_program_staff")
    admin = make_staff("admin", username="root", name="管理员")
    assert station.call("GET", "/figures", staff=admin)["status"] == 200
    refused = station.call("POST", "/doors", {"building": "1号楼", "door": "1单元",
                                              "posted_on": today()}, staff=admin)
    assert (refused["status"], refused["body"]["error"]["code"]) == (403, "forbidden")
    stranger = station.call("POST", "/doors", {"building": "1号楼", "door": "1单元",
                                               "posted_on": today()},
                            staff=make_staff("handler", program_id="legal_aid"))
    assert (stranger["status"], stranger["body"]["error"]["message"]) == (
        403, "只有便民服务热线的工作人员可以办理")
