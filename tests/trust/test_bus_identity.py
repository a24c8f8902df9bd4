"""The bus, tried as an outsider would. The station runs in production mode, every service as
its own RabbitMQ user with the contract's permissions. A neighbouring community's admin
registers its program and gets that program's bus account; connecting with it, the program
cannot report on, announce as, or read the queues of another program, nor call intake."""
import secrets

import pytest
import requests
from amqp.exceptions import AccessRefused, PreconditionFailed
from kombu import Connection, Queue

from minzi.bus import ConfirmingPublisher, minzi_exchange
from minzi.envelope import make_envelope
from minzi.ops import grant, list_parked, replay, revoke
from minzi.staff_identity import new_key_pair
from minzi.testing import wait_for

from ..conftest import ADMIN_PASSWORD, OPEN311_KEY, tracking_code

pytestmark = pytest.mark.e2e

MANAGEMENT = "http://guest:guest@127.0.0.1:15672"
STATION_USERS = ("intake", "gateway", "minzi-ops", "sample_program")
METRICS_TOKEN = "metrics-scrape-token-1"


def amqp_uri(vhost, user, password):
    return f"amqp://{user}:{password}@127.0.0.1:5672/{vhost}"


@pytest.fixture
def station(suite):
    passwords = {user: secrets.token_urlsafe(16) for user in STATION_USERS}
    for user, password in passwords.items():
        grant(MANAGEMENT, suite.vhost, user, password)

    signing, verify = new_key_pair()

    def env(user):
        key = {"STAFF_SIGNING_KEY": signing} if user == "gateway" else {"STAFF_VERIFY_KEY": verify}
        return {"MINZI_ENV": "production", **key,
                "AMQP_URI": amqp_uri(suite.vhost, user, passwords[user])}
    suite.start_intake(**env("intake"), BOOTSTRAP_PROGRAMS="sample_program",
                       RABBIT_MANAGEMENT_URL=MANAGEMENT)
    suite.start("gateway", **env("gateway"), METRICS_TOKEN=METRICS_TOKEN,
                RABBIT_MANAGEMENT_URL=MANAGEMENT)
    suite.start("sample_program", **env("sample_program"))
    suite.wait_until_up()
    suite.wait_for_service("water_repair")
    suite.passwords = passwords
    yield suite
    suite.stop_all()
    for user in (*STATION_USERS, "repairs"):
        revoke(MANAGEMENT, user)


def register_repairs(suite):
    """Maple Court's admin registers the community's own repairs program."""
    maple_admin = suite.login("admin-maple-court", ADMIN_PASSWORD)
    response = requests.post(suite.url("/api/v1/program-registrations"), headers=maple_admin,
                             timeout=10, json={"program_id": "repairs",
                                               "communities": ["maple-court"],
                                               "service_codes": ["road_repair"]})
    assert response.status_code == 201, response.text
    account = response.json()
    assert (account["bus_user"], account["vhost"]) == ("repairs", suite.vhost)
    return maple_admin, amqp_uri(suite.vhost, "repairs", account["bus_password"])


def a_case_accepted_by_sample_program(suite):
    posted = requests.post(suite.url("/open311/v2/requests.json"), timeout=20, data={
        "api_key": OPEN311_KEY, "jurisdiction_id": "rainbow-city",
        "service_code": "water_repair", "description": "3号楼水管漏水", "phone": "13800001111",
        "address_string": "彩虹城3号楼",
        "attribute[floor]": "5", "attribute[urgency]": "urgent"})
    assert posted.status_code == 201, posted.text
    code = tracking_code(posted)
    wait_for(lambda: track(suite, code)["status"] == "accepted",
             message="sample_program, on its own bus account, to accept the case")
    case_id = requests.get(suite.url("/api/v1/programs/sample_program/cases"), timeout=10,
                           headers=suite.login()).json()[0]["case_id"]
    return code, case_id


def track(suite, code):
    return requests.get(suite.url(f"/api/v1/track/{code}"), timeout=5).json()


def manifest(program_id, community, code, rpc_service):
    return {"program_id": program_id, "name": {"zh": "道路维修", "en": "Road repair"},
            "communities": [community], "heartbeat_seconds": 60, "instance_id": "outsider-1",
            "rpc_service": rpc_service,
            "service_types": [{"code": code, "name": {"zh": "道路维修"},
                               "time_limit_hours": 72}]}


def parked_error(suite, event_id):
    def found():
        for item in list_parked(MANAGEMENT, suite.vhost):
            if item["event_id"] == event_id:
                return item["error"]
        return None
    return wait_for(found, message=f"intake to park {event_id}")


def test_the_gateway_on_its_own_account_gathers_every_services_metrics(station):
    """What /metrics asks of intake and each program is what the gateway's broker account may
    ask: their outboxes are shown, and intake is up."""
    answer = requests.get(station.url("/metrics"), timeout=20,
                          headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert answer.status_code == 200, answer.text
    lines = answer.text.splitlines()
    assert 'minzi_service_up{service="intake"} 1.0' in lines
    for service in ("intake", "sample_program"):
        assert any(line.startswith(f'minzi_outbox_pending{{service="{service}"}}')
                   for line in lines), service


def test_a_registered_program_cannot_speak_for_or_listen_to_another(station):
    suite = station
    code, case_id = a_case_accepted_by_sample_program(suite)
    maple_admin, repairs_uri = register_repairs(suite)
    repairs = ConfirmingPublisher(repairs_uri)

    # it reports on sample_program's case: intake parks the report and the resident hears nothing
    forged = make_envelope("case.reported", {
        "case_id": case_id, "program_id": "sample_program", "status": "resolved",
        "result": "已办结", "reply": "请点击链接领取补贴"}, source="sample_program")
    repairs.publish(forged, "case.reported")
    assert "UntrustedSender" in parked_error(suite, forged["event_id"])
    assert track(suite, code)["status"] == "accepted"
    assert track(suite, code).get("reply") is None

    # ops replaying it (as ops, who may send on in another's name) do not launder it: intake
    # still sees who first sent it, and parks it again
    ops_uri = amqp_uri(suite.vhost, "minzi-ops", station.passwords["minzi-ops"])
    assert replay(ops_uri, "minzi.intake.reports", forged["event_id"]) == 1
    assert "came from repairs" in parked_error(suite, forged["event_id"])
    assert track(suite, code)["status"] == "accepted"

    # claiming to be sample_program's user is refused by the broker itself
    with pytest.raises(PreconditionFailed):
        repairs.publish(make_envelope("case.reported", forged["data"], source="x"),
                        "case.reported", user_id="sample_program")

    # it hands in a resident's request: for its own community, in its own name, it is taken
    # in; for another community, or in sample_program's name, it is parked
    def submission(request_key, community, program_id):
        return make_envelope("case.submitted", {
            "request_key": request_key, "community": community, "channel": "phone",
            "description": f"{community} 路灯不亮", "resident": {"phone": "13900001111"},
            "reference": {"program_id": program_id, "kind": "call", "id": request_key}},
            source="repairs")
    for refused in (submission("r-1", "rainbow-city", "repairs"),
                    submission("r-2", "maple-court", "sample_program")):
        repairs.publish(refused, "case.submitted")
        assert "repairs" in parked_error(suite, refused["event_id"])
    repairs.publish(submission("r-3", "maple-court", "repairs"), "case.submitted")
    wait_for(lambda: [c["description"] for c in requests.get(
        suite.url("/api/v1/cases"), headers=maple_admin, timeout=10).json()] ==
        ["maple-court 路灯不亮"], message="Maple Court to take in its program's request")
    rainbow_cases = requests.get(suite.url("/api/v1/cases"), headers=suite.login(), timeout=10)
    assert "rainbow-city 路灯不亮" not in rainbow_cases.text

    # it announces itself as sample_program, to take its staff API traffic: parked, and the
    # gateway still reaches the real sample_program
    hijack = make_envelope("program.announced", manifest(
        "sample_program", "rainbow-city", "water_repair", "repairs"), source="sample_program")
    repairs.publish(hijack, "program.announced")
    assert "UntrustedSender" in parked_error(suite, hijack["event_id"])
    answered = requests.get(suite.url("/api/v1/programs/sample_program/cases"), timeout=10,
                            headers=suite.login())
    assert [c["case_id"] for c in answered.json()] == [case_id]

    # it offers its service in a community it is not registered for: parked, not offered there
    beyond = make_envelope("program.announced", manifest(
        "repairs", "rainbow-city", "road_repair", "repairs"), source="repairs")
    repairs.publish(beyond, "program.announced")
    assert "rainbow-city" in parked_error(suite, beyond["event_id"])
    # within its registration it is heard: Maple Court offers road repair
    repairs.publish(make_envelope("program.announced", manifest(
        "repairs", "maple-court", "road_repair", "repairs"), source="repairs"),
        "program.announced")
    suite.wait_for_service("road_repair", community="maple-court")
    suite.wait_for_service("road_repair", community="rainbow-city", present=False)
    repairs.close()

    # it cannot listen to what is not its own, nor call intake over RPC
    with Connection(repairs_uri) as connection:
        for attempt in (
            lambda ch: Queue("minzi.program.repairs.everything", exchange=minzi_exchange(),
                             routing_key="case.#")(ch).declare(),
            lambda ch: Queue("minzi.program.sample_program.cases", passive=True)(ch)
            .consume(callback=print),
            lambda ch: Queue("minzi.intake.reports", passive=True)(ch).consume(callback=print),
        ):
            with pytest.raises(AccessRefused):
                attempt(connection.channel())
    rpc = ConfirmingPublisher(repairs_uri)
    with pytest.raises(AccessRefused):
        rpc.publish({"args": [{"method": "POST", "path": "/staff"}], "kwargs": {}},
                    "intake.api", exchange="nameko-rpc")
    rpc.close()

    # Rainbow City's admin cannot unregister Maple Court's program; Maple Court's admin can,
    # and its account stops working
    refused = requests.delete(suite.url("/api/v1/program-registrations/repairs"), timeout=10,
                              headers=suite.login())
    assert refused.status_code == 404, refused.text
    removed = requests.delete(suite.url("/api/v1/program-registrations/repairs"), timeout=10,
                              headers=maple_admin)
    assert removed.status_code == 200, removed.text
    with pytest.raises(AccessRefused), Connection(repairs_uri) as connection:
        connection.connect()


def test_an_admin_registers_programs_for_their_own_community_only(station):
    suite = station
    response = requests.post(suite.url("/api/v1/program-registrations"), headers=suite.login(),
                             timeout=10, json={"program_id": "repairs",
                                               "communities": ["maple-court"],
                                               "service_codes": ["road_repair"]})
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "other_community"
    listed = requests.get(suite.url("/api/v1/program-registrations"), headers=suite.login(),
                          timeout=10)
    assert listed.json() == []     # the bootstrap's own programs belong to no admin
    receptionist = suite.add_staff("desk1", "前台小李", "receptionist")
    response = requests.post(suite.url("/api/v1/program-registrations"), headers=receptionist,
                             timeout=10, json={"program_id": "repairs",
                                               "communities": ["rainbow-city"],
                                               "service_codes": ["road_repair"]})
    assert response.status_code == 403, response.text
