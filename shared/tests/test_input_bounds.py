"""Bounds on what comes in: an id, a number, a text or a list out of range is refused naming the
field (never left for the database to fail on with a 500), and the OpenAPI document shows each
bound."""
from marshmallow import Schema, fields, validate

from minzi.api import MAX_ID, Id, PageQuery, Router, unbounded

router = Router()


class Zone(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    zone_id = Id(load_default=None, allow_none=True)
    door_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=50))
    answers = fields.Dict(keys=fields.String(validate=validate.Length(max=60)),
                          load_default=dict, validate=validate.Length(max=20))


@router.route("GET", "/zones", query=PageQuery, public=True)
def zones(ctx):
    return 200, ctx.query


@router.route("POST", "/zones/{zone_id:int}/doors/{code}", body=Zone, public=True)
def add_door(ctx, body):
    return 201, {**body, "path": ctx.params}


def call(method, path, body=None, query=None, lang="zh"):
    return router.dispatch({"method": method, "path": path, "body": body, "query": query or {},
                            "lang": lang})


def test_an_id_in_the_path_beyond_what_the_database_holds_is_not_found_naming_it():
    assert call("POST", f"/zones/{MAX_ID}/doors/a", {"name": "1号门"})["status"] == 201
    for zone_id in ("0", str(MAX_ID + 1), "1" * 23, "9" * 5000):
        answer = call("POST", f"/zones/{zone_id}/doors/a", {"name": "1号门"}, lang="en")
        assert answer == {"status": 404, "body": {"error": {
            "code": "not_found", "message": "No such API path", "fields": {"zone_id": [
                "Must be greater than or equal to 1 and less than or equal to 2147483647."]}}}}
    assert call("POST", "/zones/0/doors/a", {"name": "1号门"})["body"]["error"]["fields"] == {
        "zone_id": ["应在 1 到 2147483647 之间"]}


def test_a_code_in_the_path_longer_than_any_or_with_a_nul_is_not_found_naming_it():
    too_long = call("POST", "/zones/1/doors/" + "a" * 201, {"name": "1号门"})
    assert too_long["status"] == 404
    assert too_long["body"]["error"]["fields"] == {"code": ["太长（最多 200 个字）"]}
    nul = call("POST", "/zones/1/doors/a\x00b", {"name": "1号门"}, lang="en")
    assert nul["status"] == 404
    assert nul["body"]["error"]["fields"] == {
        "code": ["Contains a character that cannot be stored (such as \\x00)."]}


def test_an_offset_past_any_list_is_refused_naming_it():
    answer = call("GET", "/zones", query={"offset": "18446744073709551615"})
    assert answer == {"status": 422, "body": {"error": {
        "code": "validation_failed", "message": "输入有误，请检查标出的字段",
        "fields": {"offset": ["应在 0 到 1000000 之间"]}}}}
    assert call("GET", "/zones", query={"offset": "1000000"})["status"] == 200


def test_an_id_a_list_or_a_mapping_in_the_body_out_of_bounds_is_refused_naming_it():
    def refused(body):
        answer = call("POST", "/zones/1/doors/a", {"name": "1号门", **body}, lang="en")
        assert answer["status"] == 422, answer
        return answer["body"]["error"]["fields"]
    assert refused({"zone_id": 10**22}) == {"zone_id": [
        "Must be greater than or equal to 1 and less than or equal to 2147483647."]}
    assert refused({"zone_id": 0}) == {"zone_id": [
        "Must be greater than or equal to 1 and less than or equal to 2147483647."]}
    assert list(refused({"door_ids": [1] * 51})) == ["door_ids"]
    assert list(refused({"door_ids": [1, 2**63]})) == ["door_ids"]
    assert list(refused({"answers": {str(n): "x" for n in range(21)}})) == ["answers"]
    assert list(refused({"name": "门" * 101})) == ["name"]


def test_text_no_database_can_keep_is_refused_naming_where_it_came():
    # NUL is refused by PostgreSQL, an unpaired surrogate by every UTF-8 encoder
    nul = call("POST", "/zones/1/doors/a", {"name": "1号\x00门"})
    assert nul == {"status": 422, "body": {"error": {
        "code": "validation_failed", "message": "输入有误，请检查标出的字段",
        "fields": {"name": ["含有无法保存的字符（如 \\x00）"]}}}}
    surrogate = call("POST", "/zones/1/doors/a", {"name": "门", "answers": {"q": ["ok", "\ud800"]}},
                     lang="en")
    assert surrogate["status"] == 422
    assert surrogate["body"]["error"]["fields"] == {"answers": {"q": {1: [
        "Contains a character that cannot be stored (such as \\x00)."]}}}
    in_query = call("GET", "/zones", query={"limit": "5\x00"})
    assert in_query["status"] == 422
    assert list(in_query["body"]["error"]["fields"]) == ["limit"]


def test_the_document_shows_every_bound():
    document = router.openapi("Zones")
    zone = document["components"]["schemas"]["Zone"]["properties"]
    assert zone["name"] == {"type": "string", "minLength": 1, "maxLength": 100}
    assert zone["zone_id"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID,
                               "default": None, "nullable": True}
    assert zone["door_ids"]["maxItems"] == 50
    assert zone["door_ids"]["items"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    assert zone["answers"]["maxProperties"] == 20
    parameters = {p["name"]: p["schema"] for p in
                  document["paths"]["/zones/{zone_id}/doors/{code}"]["post"]["parameters"]}
    assert parameters == {"zone_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                          "code": {"type": "string", "minLength": 1, "maxLength": 200}}
    offset = next(p for p in document["paths"]["/zones"]["get"]["parameters"]
                  if p["name"] == "offset")
    assert (offset["schema"]["minimum"], offset["schema"]["maximum"]) == (0, 1_000_000)


def test_a_field_without_a_bound_is_named():
    class Loose(Schema):
        count = fields.Integer()
        floor = fields.Integer(validate=validate.Range(min=1))
        note = fields.String()
        code = fields.String(validate=validate.Regexp(r"^[a-z]+$"))
        tags = fields.List(fields.String(validate=validate.Length(max=10)))
        door = fields.Nested(Zone)
        shown = fields.Integer(dump_only=True)

    class Tight(Schema):
        code = fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,40}$"))
        kind = fields.String(validate=validate.OneOf(["a", "b"]))
        door = fields.Nested(Zone)
        ids = fields.List(Id(), validate=validate.Length(max=5))

    assert unbounded(Loose()) == ["count", "floor", "note", "code", "tags"]
    assert unbounded(Tight()) == []
