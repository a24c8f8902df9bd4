"""The OpenAPI document the gateway serves: intake's paths and every live program's, merged,
even when a program cannot give its own."""
from openapi_spec_validator import validate

from .conftest import LEGAL_AID, program_stand_in


def test_the_document_merges_intake_and_the_live_programs(gateway, web_session,
                                                         container_factory, rabbit_config,
                                                         web_config_port):
    cat_fund = {"paths": {"/cats": {"get": {"summary": "猫", "responses": {
        "200": {"description": "OK"}}}}}}
    gateway.stage.answers[("cat_fund", "openapi")] = lambda: cat_fund
    container_factory(program_stand_in(gateway.stage, "cat_fund"), rabbit_config).start()

    response = web_session.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    paths = set(document["paths"])
    assert {"/api/v1/cases", "/api/v1/programs/legal_aid/lectures",
            "/api/v1/programs/cat_fund/cats", "/open311/v2/requests.{format}"} <= paths
    assert not [p for p in paths if p.startswith("/api/v1/programs/paused")]
    assert document["paths"]["/api/v1/programs/legal_aid/lectures"]["get"]["tags"] == [
        "legal_aid"]
    assert set(document["components"]["schemas"]) == {"Case", "Lecture"}
    assert document["servers"] == [{"url": f"http://127.0.0.1:{web_config_port}"}]
    # each live program was asked once, the paused one not at all
    assert [service for service, method, _, _ in gateway.stage.calls if method == "openapi"] \
        == ["intake", LEGAL_AID, "cat_fund"]


def test_a_program_that_cannot_give_its_document_is_left_out(gateway, web_session):
    def broken():
        raise RuntimeError("no schema")
    gateway.stage.answers[("program", "openapi")] = broken
    # legal_aid errs and cat_fund is not on the bus: intake's paths are still served
    response = web_session.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert "/api/v1/cases" in paths
    assert not [p for p in paths if p.startswith("/api/v1/programs/")]


def test_the_document_is_not_forwarded_to_intakes_api(gateway, web_session):
    web_session.get("/api/v1/openapi.json")
    assert gateway.stage.asked("intake", "api") == []
    assert gateway.stage.asked("intake", "openapi") == [((), {})]
