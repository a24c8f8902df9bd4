"""The staff API through the real gateway over HTTP: what reaches intake and programs, who the
gateway lets through, and what a caller sees when a service errs or is away."""
import pytest
from kombu import Exchange, Queue

from minzi.testing import take_one

from .conftest import DESK, LAWYER, LEGAL_AID, bearer, program_stand_in


def test_intake_routes_carry_the_staff_identity_intake_vouches_for(gateway, web_session):
    response = web_session.get("/api/v1/cases?status=open&page=2",
                               headers={**bearer("desk-token"), "Accept-Language": "en-US"})
    assert response.status_code == 200 and response.json() == {"from": "intake"}
    assert gateway.stage.asked("intake", "api") == [(({
        "method": "GET", "path": "/cases", "query": {"status": "open", "page": "2"},
        "body": None, "staff": DESK, "lang": "en", "idempotency_key": None},),
        {"request_key": None})]
    assert gateway.stage.asked("intake", "authenticate") == [(("desk-token",), {})]

    # the same token again is not checked again at once
    web_session.delete("/api/v1/cases/5/notes/1", headers={"Authorization": "token desk-token"})
    assert gateway.stage.asked("intake", "authenticate") == [(("desk-token",), {})]
    request, _ = gateway.stage.asked("intake", "api")[-1]
    assert request[0]["method"] == "DELETE" and request[0]["path"] == "/cases/5/notes/1"
    assert request[0]["staff"] == DESK and request[0]["lang"] == "zh"


def test_without_a_token_intake_decides_and_its_answer_is_passed_on(gateway, web_session):
    gateway.stage.answers[("intake", "api")] = lambda request, request_key=None: {
        "status": 401, "body": {"error": {"code": "unauthenticated", "message": "请先登录"}}}
    response = web_session.get("/api/v1/staff")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "message": "请先登录"}}
    [((request,), _)] = gateway.stage.asked("intake", "api")
    assert request["staff"] is None and request["path"] == "/staff"
    assert gateway.stage.asked("intake", "authenticate") == []


def test_a_registration_carries_its_idempotency_key_to_intake(gateway, web_session):
    body = {"channel": "visit", "description": "楼道灯坏了"}
    web_session.post("/api/v1/cases", json=body,
                     headers={**bearer("desk-token"), "Idempotency-Key": "reg-1"})
    web_session.post("/api/v1/cases/", json=body, headers=bearer("desk-token"))
    web_session.post("/api/v1/cases/5/notes", json={"text": "已上门"},
                     headers={**bearer("desk-token"), "Idempotency-Key": "note-1"})
    first, second, note = gateway.stage.asked("intake", "api")
    assert first == (({"method": "POST", "path": "/cases", "query": {}, "body": body,
                       "staff": DESK, "lang": "zh", "idempotency_key": "reg-1"},),
                     {"request_key": "reg-1"})
    # without a key the gateway makes one, so a redelivered registration is still found again
    assert second[1]["request_key"].startswith("http-")
    assert note[1] == {"request_key": None} and note[0][0]["idempotency_key"] == "note-1"


def test_an_empty_body_is_an_empty_object_and_a_broken_one_is_refused(gateway, web_session):
    web_session.patch("/api/v1/cases/5", data="  ", headers=bearer("desk-token"))
    [((request,), _)] = gateway.stage.asked("intake", "api")
    assert request["body"] == {}

    response = web_session.post("/api/v1/cases", data="{not json",
                                headers={**bearer("desk-token"), "Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_json"
    assert response.json()["error"]["message"].startswith("The body is not valid JSON: ")
    assert len(gateway.stage.asked("intake", "api")) == 1


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/programs/legal_aid/lectures"])
@pytest.mark.parametrize("authorization", ["Bearer stolen", "Basic ZGVzazpwdw==", "Bearer"])
def test_a_token_intake_does_not_vouch_for_goes_no_further(gateway, web_session, path,
                                                           authorization):
    response = web_session.get(path, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "bad_token",
                                         "message": "令牌无效或已过期，请重新登录"}}
    assert [call for call in gateway.stage.calls if call[1] == "api"] == []
    expected = [(("stolen",), {})] if authorization == "Bearer stolen" else []
    assert gateway.stage.asked("intake", "authenticate") == expected


def test_a_program_route_reaches_the_programs_api_with_the_whole_request(gateway, web_session):
    gateway.stage.answers[("program", "api")] = lambda request: {
        "status": 201, "body": {"id": 9, "title": "租房合同讲座"}}
    response = web_session.post(
        "/api/v1/programs/legal_aid/lectures/3/signups?week=2&room=A", json={"name": "张三"},
        headers={**bearer("lawyer-token"), "Accept-Language": "en", "Idempotency-Key": "k-42"})
    assert response.status_code == 201
    assert response.json() == {"id": 9, "title": "租房合同讲座"}
    # legal_aid answers as the RPC service intake names for it (legal_aid_v2)
    assert gateway.stage.asked(LEGAL_AID, "api") == [(({
        "method": "POST", "path": "/lectures/3/signups", "query": {"week": "2", "room": "A"},
        "body": {"name": "张三"}, "staff": LAWYER, "lang": "en", "idempotency_key": "k-42"},), {})]
    assert gateway.stage.asked("intake", "api") == []


def test_a_program_without_an_rpc_service_name_answers_as_itself(gateway, web_session,
                                                                 container_factory,
                                                                 rabbit_config):
    container_factory(program_stand_in(gateway.stage, "cat_fund"), rabbit_config).start()
    response = web_session.get("/api/v1/programs/cat_fund/cats")
    assert response.status_code == 200 and response.json() == {"from": "program"}
    [((request,), _)] = gateway.stage.asked("cat_fund", "api")
    assert request["path"] == "/cats" and request["staff"] is None


def test_intakes_own_program_list_is_not_a_program_route(gateway, web_session):
    web_session.get("/api/v1/programs")
    [((request,), _)] = gateway.stage.asked("intake", "api")
    assert request["path"] == "/programs"


def test_an_unknown_program_is_a_404_and_a_paused_one_a_503(gateway, web_session):
    response = web_session.get("/api/v1/programs/nope/lectures")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "unknown_program",
                                         "message": "没有「nope」这个项目"}}
    response = web_session.get("/api/v1/programs/nope/lectures?lang=en")
    assert response.json()["error"]["message"] == "No program 'nope'"

    response = web_session.get("/api/v1/programs/paused/things")
    assert response.status_code == 503
    assert response.json() == {"error": {"code": "program_offline",
                                         "message": "「暂停的项目」暂停服务"}}
    assert [call for call in gateway.stage.calls if call[1] == "api"] == []


def test_a_programs_errors_keep_their_status_and_body(gateway, web_session):
    refusal = {"error": {"code": "validation_failed", "message": "输入有误",
                         "fields": {"phone": ["电话号码格式不对"]}}}
    gateway.stage.answers[("program", "api")] = lambda request: {"status": 422, "body": refusal}
    response = web_session.post("/api/v1/programs/legal_aid/lectures", json={"phone": "x"},
                                headers=bearer("lawyer-token"))
    assert response.status_code == 422 and response.json() == refusal

    conflict = {"error": {"code": "conflict", "message": "已经报过名了"}}
    gateway.stage.answers[("program", "api")] = lambda request: {"status": 409, "body": conflict}
    response = web_session.post("/api/v1/programs/legal_aid/lectures/3/signups", json={})
    assert response.status_code == 409 and response.json() == conflict


def test_a_database_outage_behind_the_gateway_is_a_503_to_try_again(gateway, web_session):
    from sqlalchemy.exc import OperationalError

    def away(request):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
    gateway.stage.answers[("program", "api")] = away
    response = web_session.get("/api/v1/programs/legal_aid/lectures?lang=en")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.json() == {"error": {"code": "outage", "message": (
        "The service cannot store anything just now: this request was not taken; "
        "try again shortly")}}


def test_a_program_that_breaks_is_a_500_that_names_only_the_kind_of_error(gateway, web_session):
    def broken(request):
        raise ValueError("secret detail from deep inside")
    gateway.stage.answers[("program", "api")] = broken
    response = web_session.get("/api/v1/programs/legal_aid/lectures?lang=en")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "remote_error",
                                         "message": "Internal error: ValueError"}}
    assert "secret" not in response.text


def test_a_program_that_is_away_is_a_503_not_a_500(gateway, web_session):
    gateway.stop(LEGAL_AID)
    response = web_session.get("/api/v1/programs/legal_aid/lectures")
    assert response.status_code == 503
    assert response.json() == {"error": {
        "code": "unavailable",
        "message": "服务「legal_aid_v2」暂时无响应，请稍后重试（已提交的内容不会丢失）"}}


def test_intake_away_is_a_503_for_the_staff_api_and_program_routes(gateway, web_session):
    gateway.stop("intake")
    for path in ("/api/v1/cases?lang=en", "/api/v1/programs/legal_aid/lectures?lang=en"):
        response = web_session.get(path, headers=bearer("desk-token"))
        assert response.status_code == 503, path
        assert response.json() == {"error": {
            "code": "unavailable", "message": "Service 'intake' is not answering; try again "
                                              "shortly"}}


def test_a_request_on_the_bus_is_not_written_to_the_brokers_disk(gateway, web_session):
    """A call waits on the broker only as long as the gateway waits for its answer, and the
    answer can only reach the gateway's own reply queue, which a restart of the broker ends:
    kept on disk, it would be done after its caller was told 503. So requests go transient;
    intake answers them all the same."""
    copies = Queue("gateway-requests-seen", Exchange("nameko-rpc", type="topic", durable=True),
                   routing_key="intake.api", auto_delete=True)
    assert take_one(gateway.amqp_uri, copies) is None       # bound before the call
    response = web_session.get("/api/v1/cases", headers=bearer("desk-token"))
    assert (response.status_code, response.json()) == (200, {"from": "intake"})
    copy = take_one(gateway.amqp_uri, copies)
    assert copy is not None and copy.properties["delivery_mode"] == 1
    assert copy.delivery_info["routing_key"] == "intake.api"


def test_a_live_program_with_no_service_on_the_bus_is_a_404(gateway, web_session):
    # cat_fund is listed live, but nothing ever consumed its RPC queue: the bus refuses the call
    response = web_session.get("/api/v1/programs/cat_fund/cats")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "没有这个服务"}}


def test_health_needs_nothing(gateway, web_session):
    response = web_session.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_before_intake_has_ever_started_the_staff_api_is_a_503_to_retry(
        container_factory, rabbit_config, web_config, web_session):
    """No intake on the bus at all (its RPC queue not even declared yet): come back shortly,
    not "no such service"."""
    from gateway.service import GatewayService
    container_factory(GatewayService, {**rabbit_config, **web_config,
                                       "MINZI_ENV": "development"}).start()
    response = web_session.get("/api/v1/communities")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"] == "5"
