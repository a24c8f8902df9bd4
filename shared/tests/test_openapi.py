"""The API's OpenAPI fragment, as the gateway publishes it: paths, parameters, bodies, security."""
from marshmallow import Schema, fields

from minzi.api import PageQuery, Router


class Lecture(Schema):
    title = fields.String(required=True)


RESPONSES = {"2XX": {"description": "成功 / OK"},
             "422": {"description": "输入有误 / Invalid input"},
             "400": {"description": "业务规则不允许 / Refused by a rule"}}


def test_each_route_is_described_with_its_body_answer_parameters_and_login():
    # custom fields: the program says how they are written in OpenAPI (made afresh here, as
    # apispec remembers a field class it has once been told of)
    class Yuan(fields.Field):
        pass

    class Percent(fields.Field):
        pass

    class Fee(Schema):
        amount = Yuan()
        share = Percent()

    router = Router()

    @router.route("post", "/lectures/{lecture_id:int}/seats/{seat}", body=Lecture,
                  response=Fee, roles=("program_staff",), summary="排座")
    def seat(ctx, body):
        return 200, {}

    @router.route("GET", "/lectures/{lecture_id:int}", query=PageQuery, public=True)
    def show(ctx):
        return 200, {}

    document = router.openapi("Legal-aid home", {Yuan: ("string", None),
                                                 Percent: ("number", "float")})
    assert document == {
        "paths": {
            "/lectures/{lecture_id}/seats/{seat}": {"post": {
                "summary": "排座",
                "responses": {**RESPONSES, "2XX": {
                    "description": "成功 / OK",
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Fee"}}}}},
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Lecture"}}}},
                "security": [{"token": []}],
                "parameters": [
                    {"in": "path", "name": "lecture_id", "required": True,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
                    {"in": "path", "name": "seat", "required": True,
                     "schema": {"type": "string", "minLength": 1, "maxLength": 200}}]}},
            "/lectures/{lecture_id}": {"get": {
                "summary": "",
                "responses": RESPONSES,
                "parameters": [
                    {"in": "query", "name": "limit", "required": False, "schema": {
                        "type": "integer", "default": 100, "minimum": 1, "maximum": 1000}},
                    {"in": "query", "name": "offset", "required": False, "schema": {
                        "type": "integer", "default": 0, "minimum": 0, "maximum": 1_000_000}},
                    {"in": "path", "name": "lecture_id", "required": True,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}]}}},
        "components": {"schemas": {
            "Lecture": {"type": "object", "properties": {"title": {"type": "string"}},
                        "required": ["title"], "additionalProperties": False},
            "Fee": {"type": "object", "properties": {
                "amount": {"type": "string"}, "share": {"type": "number", "format": "float"}},
                "additionalProperties": False}}}}


def test_an_api_without_routes_is_an_empty_fragment():
    assert Router().openapi("Nothing") == {"paths": {}, "components": {"schemas": {}}}
