"""One OpenAPI document from intake's and each program's: their paths under /api/v1 and
/api/v1/programs/<id>, tagged by who serves them, their schemas together, Open311 beside them."""
import copy

from openapi_spec_validator import validate

from gateway.openapi import build_document

INTAKE = {
    "openapi": "3.0.3", "info": {"title": "intake", "version": "1"},
    "paths": {
        "/cases": {"get": {"summary": "案件列表", "responses": {"200": {"description": "OK"}}},
                   "post": {"summary": "登记", "tags": ["cases"],
                            "responses": {"201": {"description": "Created"}}}},
        "/cases/{case_id}": {
            "parameters": [{"in": "path", "name": "case_id", "required": True,
                            "schema": {"type": "integer"}}],
            "get": {"summary": "一件案件", "responses": {"200": {"description": "OK"}}}},
    },
    "components": {"schemas": {"Case": {"type": "object"}}},
}
PROGRAM = {
    "paths": {"/lectures": {"get": {"summary": "讲座", "responses": {
        "200": {"description": "OK",
                "content": {"application/json": {"schema": {"$ref":
                                                            "#/components/schemas/Lecture"}}}}}}}},
    "components": {"schemas": {"Lecture": {"type": "object"}}},
}
OPEN311 = ["/open311/v2/discovery.{format}", "/open311/v2/services.{format}",
           "/open311/v2/services/{service_code}.{format}", "/open311/v2/requests.{format}",
           "/open311/v2/requests/{service_request_id}.{format}",
           "/open311/v2/tokens/{token}.{format}"]


def document() -> dict:
    return build_document([("", copy.deepcopy(INTAKE)), ("/programs/legal_aid",
                                                         copy.deepcopy(PROGRAM))],
                          "http://station.example")


def test_paths_sit_under_the_api_and_each_programs_prefix():
    assert list(document()["paths"]) == [
        "/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/programs/legal_aid/lectures",
        *OPEN311]


def test_operations_are_tagged_by_who_serves_them_unless_they_say_otherwise():
    paths = document()["paths"]
    assert paths["/api/v1/cases"]["get"]["tags"] == ["intake"]
    assert paths["/api/v1/cases"]["post"]["tags"] == ["cases"]
    assert paths["/api/v1/cases/{case_id}"]["get"]["tags"] == ["intake"]
    assert paths["/api/v1/cases/{case_id}"]["parameters"] == [
        {"in": "path", "name": "case_id", "required": True, "schema": {"type": "integer"}}]
    assert paths["/api/v1/programs/legal_aid/lectures"]["get"]["tags"] == ["legal_aid"]


def test_schemas_of_every_part_are_in_one_place_with_the_token_scheme():
    components = document()["components"]
    assert components["schemas"] == {"Case": {"type": "object"}, "Lecture": {"type": "object"}}
    assert components["securitySchemes"]["token"]["scheme"] == "bearer"


def test_open311_paths_declare_their_path_parameters():
    paths = document()["paths"]
    assert [p["name"] for p in paths["/open311/v2/requests.{format}"]["post"]["parameters"]] \
        == ["format"]
    assert [p["name"] for p in paths["/open311/v2/requests.{format}"]["get"]["parameters"]] \
        == ["format"]
    assert paths["/open311/v2/services/{service_code}.{format}"]["get"]["parameters"] == [
        {"in": "path", "name": "format", "required": True, "schema": {"type": "string"}},
        {"in": "path", "name": "service_code", "required": True, "schema": {"type": "string"}}]
    assert [p["name"] for p in paths["/open311/v2/tokens/{token}.{format}"]["get"]
            ["parameters"]] == ["format", "token"]


def test_the_document_is_valid_openapi_3_and_names_its_server():
    built = document()
    validate(built)
    assert built["openapi"] == "3.0.3"
    assert built["servers"] == [{"url": "http://station.example"}]


def test_with_intake_alone_only_intake_and_open311_are_there():
    built = build_document([("", {"paths": {"/services": {"get": {
        "responses": {"200": {"description": "OK"}}}}}})], "http://x")
    assert list(built["paths"]) == ["/api/v1/services", *OPEN311]
    assert built["components"]["schemas"] == {}
