"""Reply-able SMS broadcasts through the whole suite: staff build the volunteer grid and text a
building; the SMS gateway posts the residents' replies; 退订 opts out, anything else becomes an
intake case from the SMS channel that points back at the broadcast."""
import pytest
import requests

from minzi.testing import wait_for

pytestmark = pytest.mark.e2e

SECRET = "e2e-gateway-secret"
PREFIX = "/api/v1/programs/sms_broadcast"


def test_a_broadcast_its_replies_an_opt_out_and_a_case(suite):
    suite.start_intake()
    suite.start("gateway")
    suite.start("sms_broadcast", INBOUND_SECRET=SECRET, SMS_SWEEP_SECONDS="0.5",
                SCHEDULE_INTERVAL_SECONDS="1")
    suite.wait_until_up()
    suite.wait_for_service("sms_notice_request")

    admin = suite.login()
    made = requests.post(suite.url("/api/v1/staff"), headers=admin, timeout=20, json={
        "username": "sms.li", "name": "李群发", "role": "program_staff",
        "program_id": "sms_broadcast", "password": "sms-staff-pass-1"})
    assert made.status_code == 201, made.text
    staff = suite.login("sms.li", "sms-staff-pass-1")

    def api(method, path, body=None, headers=staff, **params):
        response = requests.request(method, suite.url(PREFIX + path), json=body,
                                    headers=headers, params=params, timeout=20)
        return response.status_code, response.json()

    def made_ok(path, body):
        status, created = api("POST", path, body)
        assert status == 201, created
        return created

    # the heads are appointed in the volunteer grid (its events reach the SMS grid)
    zone = made_ok("/zones", {"name": "一片区"})
    b5 = made_ok("/buildings", {"zone_id": zone["id"], "name": "5号楼"})
    b6 = made_ok("/buildings", {"zone_id": zone["id"], "name": "6号楼"})
    door = made_ok("/doors", {"building_id": b5["id"], "name": "2单元"})
    made_ok("/contacts", {"name": "张三", "phone": "13800001111", "door_id": door["id"]})
    made_ok("/contacts", {"name": "李四", "phone": "13800002222", "building_id": b5["id"]})
    made_ok("/contacts", {"name": "王五", "phone": "13800003333", "building_id": b6["id"]})

    # bad input is refused by name and leaves nothing behind
    status, refused = api("POST", "/broadcasts", {"text": "通知", "target": "building",
                                                  "building_id": 999})
    assert status == 422 and refused["error"]["code"] == "unknown_building"
    assert api("GET", "/broadcasts")[1] == []

    def send(text):
        return made_ok("/broadcasts", {"text": text, "target": "building",
                                       "building_id": b5["id"]})

    def messages(broadcast_id):
        def settled():
            _, listed = api("GET", f"/broadcasts/{broadcast_id}/messages")
            states = {m["name"]: m["state"] for m in listed}
            return states if not {"pending", "sending"} & set(states.values()) else None
        return wait_for(settled, timeout=30, message="every message to be settled")

    first = send("明天9点到12点5号楼停水，请提前储水。")
    assert first["target_label"] == "一片区 5号楼"
    assert messages(first["id"]) == {"张三": "sent", "李四": "sent"}    # 6号楼 not texted

    def gateway_posts(text, message_id, phone, secret=SECRET):
        return requests.post(suite.url(PREFIX + "/inbound"), timeout=20, json={
            "from": phone, "text": text, "message_id": message_id,
            "received_at": "2026-11-27T02:05:00Z", "secret": secret})

    assert gateway_posts("退订", "gw-1", "13800001111", secret="wrong").status_code == 401
    opted = gateway_posts("退订", "gw-1", "13800001111")
    assert opted.status_code == 201 and opted.json()["kind"] == "opt_out"
    assert gateway_posts("退订", "gw-1", "13800001111").json()["duplicate"] is True

    second = send("本周六上午社区义诊，地点：服务站。")
    assert messages(second["id"]) == {"张三": "skipped", "李四": "sent"}

    complaint = gateway_posts("5号楼电梯坏了", "gw-2", "13800002222")
    assert complaint.status_code == 201 and complaint.json()["kind"] == "case"
    assert gateway_posts("5号楼电梯坏了", "gw-2", "13800002222").status_code == 200

    def sms_cases():
        listed = requests.get(suite.url("/api/v1/cases"), headers=admin, timeout=20,
                              params={"queue": "all"}).json()
        return [c for c in listed if c["channel"] == "sms"]
    [case] = wait_for(sms_cases, timeout=30, message="the reply to become an intake case")
    assert case["description"] == "5号楼电梯坏了"
    assert case["reference"] == {"program_id": "sms_broadcast", "kind": "broadcast",
                                 "id": str(second["id"])}
    assert case["address"] == "一片区 5号楼" and case["resident_name"] == "李四"

    status, figures = api("GET", "/figures", **{"from": "2000-01-01", "to": "2100-01-01"})
    assert status == 200
    assert (figures["broadcasts"], figures["messages_sent"], figures["messages_skipped"],
            figures["replies"], figures["opt_outs"], figures["cases_raised"]) == (2, 3, 1, 2, 1, 1)
    # the duplicate reply made no second case
    assert len(sms_cases()) == 1
    assert "13800001111" not in suite.process("sms_broadcast").log()
