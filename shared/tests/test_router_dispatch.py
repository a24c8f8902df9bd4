"""What a caller of a program's staff API gets back, in Chinese or English, for every answer."""
from types import SimpleNamespace

import pytest
from marshmallow import Schema, ValidationError, fields
from sqlalchemy.exc import IntegrityError

from minzi.api import (
    INTAKE,
    Conflict,
    Context,
    DomainError,
    Forbidden,
    NotFound,
    PageQuery,
    PeriodQuery,
    Router,
    actor,
    actor_name,
    community_of,
    read,
    validation_body,
)

STAFF = {"id": 7, "username": "wang", "name": "王芳", "role": "program_staff",
         "community": "rainbow-city", "program_id": "legal_aid"}
router = Router()
seen = []


class Lecture(Schema):
    title = fields.String(required=True)
    seats = fields.Integer(required=True)


@router.route("get", "/lectures", query=PageQuery)
def list_lectures(ctx):
    seen.append(ctx)
    return 200, {"query": ctx.query}


@router.route("POST", "/lectures", body=Lecture, roles=("program_staff", "program_head"))
def plan(ctx, body):
    seen.append(ctx)
    return 201, body


@router.route("DELETE", "/lectures/{lecture_id:int}", roles=("program_head",))
def cancel(ctx):
    return 204, None


@router.route("GET", "/lectures/{lecture_id:int}", public=True)
def show(ctx):
    seen.append(ctx)
    return 200, {"id": ctx.params["lecture_id"]}


@router.route("PUT", "/lectures/{lecture_id:int}/refusals/{kind}")
def refuse(ctx):
    kind = ctx.params["kind"]
    if kind == "full":
        raise Conflict("lecture_full", "讲座已满", "The lecture is full")
    if kind == "gone":
        raise NotFound("no_lecture", "没有这个讲座")
    if kind == "race":
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))
    raise ValidationError({"seats": ["Not a valid integer."]})


@router.route("GET", "/", public=True)
def home(ctx):
    return 200, {"home": True}


def call(method, path, body=None, staff=STAFF, lang="zh", **extra):
    return router.dispatch({"method": method, "path": path, "body": body, "staff": staff,
                            "lang": lang, **extra})


def test_a_path_nobody_serves_is_not_found_and_a_method_it_does_not_take_is_not_allowed():
    assert call("GET", "/talks") == {"status": 404, "body": {"error": {
        "code": "not_found", "message": "没有这个 API 路径"}}}
    assert call("GET", "/talks", lang="en") == {"status": 404, "body": {"error": {
        "code": "not_found", "message": "No such API path"}}}
    assert call("PATCH", "/lectures") == {"status": 405, "body": {"error": {
        "code": "method_not_allowed", "message": "不支持该请求方法"}}}
    assert call("PATCH", "/lectures", lang="en") == {"status": 405, "body": {"error": {
        "code": "method_not_allowed", "message": "Method not allowed"}}}
    # a language nobody offers is Chinese
    assert call("GET", "/talks", lang="fr")["body"]["error"]["message"] == "没有这个 API 路径"


def test_paths_are_found_however_their_slashes_are_written():
    assert call("GET", "lectures/3/")["body"] == {"id": 3}
    assert call("GET", "/lectures/3")["body"] == {"id": 3}
    assert call("GET", "")["body"] == {"home": True}
    assert router.dispatch({"path": "/lectures/5"}) == {"status": 200, "body": {"id": 5}}
    assert router.dispatch({}) == {"status": 200, "body": {"home": True}}
    assert call("GET", "/lectures/2147483647")["body"] == {"id": 2147483647}


def test_who_may_call_is_told_in_their_language():
    assert call("GET", "/lectures", staff=None) == {"status": 401, "body": {"error": {
        "code": "unauthenticated", "message": "请先登录"}}}
    assert call("GET", "/lectures", staff=None, lang="en")["body"] == {"error": {
        "code": "unauthenticated", "message": "Log in first"}}
    assert call("DELETE", "/lectures/3") == {"status": 403, "body": {"error": {
        "code": "forbidden", "message": "您的角色无权进行此操作"}}}
    assert call("DELETE", "/lectures/3", lang="en")["body"] == {"error": {
        "code": "forbidden", "message": "Your role may not do this"}}
    head = {**STAFF, "role": "program_head"}
    assert call("DELETE", "/lectures/3", staff=head) == {"status": 204, "body": None}
    assert call("POST", "/lectures", {"title": "普法", "seats": 30}, staff=head)["status"] == 201
    # no roles named: anyone who works at a station; public: anyone
    for role in ("receptionist", "station_head", "admin", "handler", "program_staff"):
        assert call("GET", "/lectures", staff={"id": 1, "role": role})["status"] == 200
    assert call("GET", "/lectures/3", staff=None) == {"status": 200, "body": {"id": 3}}
    assert call("GET", "/lectures/3", staff={"id": 1, "role": "ops"})["status"] == 200


def test_ops_and_a_role_nobody_knows_reach_only_the_routes_that_name_them():
    """Ops keep the queues of every community, not a station's work: a route that names no
    roles is not theirs, nor anyone's whose role the station does not have."""
    for role in ("ops", "resident", "", None):
        answer = call("GET", "/lectures", staff={"id": 1, "role": role})
        assert (answer["status"], answer["body"]["error"]["code"]) == (403, "forbidden")
    assert call("GET", "/lectures", staff={"id": 1})["status"] == 403


def test_a_body_must_be_an_object_and_its_fields_are_named_when_wrong():
    for body in (None, ["普法"], "普法", 3):
        assert call("POST", "/lectures", body) == {"status": 422, "body": {"error": {
            "code": "validation_failed", "message": "输入有误，请检查标出的字段",
            "fields": {"_schema": ["请求体应为 JSON 对象"]}}}}
    assert call("POST", "/lectures", [], lang="en") == {"status": 422, "body": {"error": {
        "code": "validation_failed", "message": "Invalid input: see the fields listed",
        "fields": {"_schema": ["The body must be a JSON object."]}}}}
    assert call("POST", "/lectures", {"title": "普法", "seats": "many"}) == {
        "status": 422, "body": {"error": {
            "code": "validation_failed", "message": "输入有误，请检查标出的字段",
            "fields": {"seats": ["应为整数"]}}}}
    assert call("POST", "/lectures", {"seats": 3}, lang="en")["body"]["error"]["fields"] == {
        "title": ["Missing data for required field."]}
    assert call("POST", "/lectures", {"title": "普法", "seats": "30"}) == {
        "status": 201, "body": {"title": "普法", "seats": 30}}


def test_a_query_is_loaded_with_its_defaults_and_refused_when_wrong():
    assert call("GET", "/lectures", query={"limit": "5", "utm": "x"}) == {
        "status": 200, "body": {"query": {"limit": 5, "offset": 0}}}
    assert call("GET", "/lectures")["body"] == {"query": {"limit": 100, "offset": 0}}
    assert call("GET", "/lectures", query={"offset": "-1"}) == {"status": 422, "body": {"error": {
        "code": "validation_failed", "message": "输入有误，请检查标出的字段",
        "fields": {"offset": ["应在 0 到 1000000 之间"]}}}}


def test_the_handler_is_told_who_asks_in_which_language_and_what_came_with_it():
    seen.clear()
    service = object()
    router.dispatch({"method": "POST", "path": "/lectures", "body": {"title": "普法", "seats": 1},
                     "staff": STAFF, "lang": "en", "idempotency_key": "k-1",
                     "extra": {"ip": "10.0.0.1"}, "query": {"a": "1"}}, service)
    ctx = seen[-1]
    assert (ctx.staff, ctx.lang, ctx.service, ctx.idempotency_key, ctx.extra, ctx.query,
            ctx.params, ctx.body_raw) == (STAFF, "en", service, "k-1", {"ip": "10.0.0.1"},
                                          {"a": "1"}, {}, {"title": "普法", "seats": 1})
    router.dispatch({"method": "GET", "path": "/lectures/9"})
    ctx = seen[-1]
    assert (ctx.staff, ctx.lang, ctx.query, ctx.extra, ctx.idempotency_key, ctx.params) == (
        None, "zh", {}, {}, None, {"lecture_id": 9})
    assert ctx.actor == {"id": None, "username": None, "name": "居民", "role": "resident"}


def test_a_rules_refusal_a_race_and_a_bad_value_from_the_handler_are_answered_by_name():
    assert call("PUT", "/lectures/3/refusals/full") == {"status": 409, "body": {"error": {
        "code": "lecture_full", "message": "讲座已满"}}}
    assert call("PUT", "/lectures/3/refusals/full", lang="en")["body"] == {"error": {
        "code": "lecture_full", "message": "The lecture is full"}}
    # without English, the Chinese is said to everyone
    assert call("PUT", "/lectures/3/refusals/gone", lang="en") == {"status": 404, "body": {
        "error": {"code": "no_lecture", "message": "没有这个讲座"}}}
    assert call("PUT", "/lectures/3/refusals/race") == {"status": 409, "body": {"error": {
        "code": "conflict", "message": "刚刚有人同时提交了相同的内容，请刷新后查看"}}}
    assert call("PUT", "/lectures/3/refusals/race", lang="en")["body"] == {"error": {
        "code": "conflict",
        "message": "The same thing was submitted at the same moment; refresh and look"}}
    assert call("PUT", "/lectures/3/refusals/other") == {"status": 422, "body": {"error": {
        "code": "validation_failed", "message": "输入有误，请检查标出的字段",
        "fields": {"seats": ["应为整数"]}}}}


def test_a_domain_error_has_its_status_and_names_its_field():
    plain = DomainError("closed", "已结案", "The case is closed")
    assert (plain.status, str(plain), plain.message_en) == (400, "The case is closed",
                                                          "The case is closed")
    assert plain.to_body() == {"error": {"code": "closed", "message": "已结案"}}
    assert plain.to_body("en") == {"error": {"code": "closed", "message": "The case is closed"}}
    chinese_only = DomainError("closed", "已结案", field="case_id", status=410)
    assert (chinese_only.status, str(chinese_only), chinese_only.message_en) == (
        410, "已结案", "已结案")
    assert chinese_only.to_body("en") == {"error": {
        "code": "closed", "message": "已结案", "fields": {"case_id": ["已结案"]}}}
    assert (NotFound("x", "x").status, Conflict("x", "x").status,
            Forbidden("x", "x").status) == (404, 409, 403)
    assert NotFound("x", "x", status=410).status == 410


def test_a_validation_error_without_fields_is_the_forms_own():
    body = validation_body(ValidationError(["Invalid input type."]))
    assert body == {"error": {"code": "validation_failed", "message": "输入有误，请检查标出的字段",
                              "fields": {"_schema": ["输入类型不对"]}}}
    assert validation_body(ValidationError("Invalid value."), "en")["error"]["fields"] == {
        "_schema": ["Invalid value."]}


def test_a_period_and_a_page_have_their_bounds():
    assert PeriodQuery().load({}) == {"date_from": None, "date_to": None}
    same_day = PeriodQuery().load({"from": "2026-11-05", "to": "2026-11-05"})
    assert same_day["date_from"] == same_day["date_to"]
    assert PeriodQuery().load({"to": "2026-11-05"})["date_from"] is None
    assert PageQuery().load({"limit": "1", "offset": "0"}) == {"limit": 1, "offset": 0}
    assert PageQuery().load({"limit": "1000"})["limit"] == 1000
    for bad in ({"limit": "0"}, {"limit": "1001"}, {"offset": "-1"}):
        with pytest.raises(ValidationError):
            PageQuery().load(bad)


def test_who_acted_is_named_by_name_then_username_then_id():
    assert actor_name({"name": "", "username": "", "id": 12}) == "12"
    assert actor_name({"name": None, "username": "wang"}) == "wang"
    assert actor_name(None) == "?"
    assert actor_name({}) == "?"
    assert actor_name({"name": "王" * 150}) == "王" * 100
    assert actor_name(INTAKE) == "intake"
    resident = actor(None)
    resident["name"] = "changed"
    assert actor({})["name"] == "居民"            # each call a fresh record
    assert actor_name(actor(None)) == "居民"


class Manifest:
    def __init__(self, communities):
        self.manifest = {"communities": communities}


def ctx_for(staff=None, query=None, communities=None):
    service = SimpleNamespace(program=Manifest(communities)) if communities is not None else None
    return Context(staff=staff, query=query or {}, params={}, service=service)


def test_the_community_is_the_staff_members_then_the_asked_for_then_the_programs_first():
    assert community_of(ctx_for(STAFF, {"community": "sun-garden"})) == "rainbow-city"
    assert community_of(ctx_for(None, {"community": "sun-garden"}, ["moon-bay"])) == "sun-garden"
    assert community_of(ctx_for({"id": 1}, {}, ["moon-bay", "sun-garden"])) == "moon-bay"
    for ctx in (ctx_for(), ctx_for(None, {}, [])):
        with pytest.raises(DomainError) as error:
            community_of(ctx)
        assert error.value.status == 422
        assert error.value.to_body("en") == {"error": {
            "code": "community_required", "message": "Say which community",
            "fields": {"community": ["Say which community"]}}}
        assert error.value.to_body()["error"]["message"] == "请指定社区"


def test_a_read_is_done_on_a_session_of_the_services_store():
    from contextlib import contextmanager

    class Store:
        @contextmanager
        def session(self):
            yield "the session"

    ctx = Context(staff=None, query={}, params={}, service=SimpleNamespace(store=Store()))
    assert read(ctx, lambda session: f"read on {session}") == "read on the session"


def test_a_write_outside_a_community_opens_its_transaction_without_one():
    from contextlib import contextmanager

    from minzi.api import write
    opened = []

    class Store:
        @contextmanager
        def transaction(self, community=None):
            opened.append(community)
            yield "tx"

    ctx = Context(staff=None, query={}, params={}, service=SimpleNamespace(store=Store()))
    assert write(ctx, lambda tx: tx) == "tx"
    assert opened == [None]


def test_routes_declared_at_any_time_match_their_paths_only():
    """A router made here (not at import) so every part of matching is exercised by the test."""
    people = Router()

    @people.route("get", "/people/{id_number}/", roles=("receptionist",))
    def person(ctx):
        return 200, {"id_number": ctx.params["id_number"]}

    @people.route("GET", "/people/{person_id:int}/visits")
    def visits(ctx):
        return 200, {"person_id": ctx.params["person_id"]}

    @people.route("GET", "/", public=True)
    def home(ctx):
        return 200, "home"

    desk = {**STAFF, "role": "receptionist"}

    def get(path, staff=desk):
        return people.dispatch({"method": "GET", "path": path, "staff": staff})

    # a resident ID number ends in a check character that may be X (GB 11643)
    assert get("/people/11010519491231002X") == {
        "status": 200, "body": {"id_number": "11010519491231002X"}}
    assert get("people/11010519491231002X/")["body"] == {"id_number": "11010519491231002X"}
    assert get("/people/12/visits") == {"status": 200, "body": {"person_id": 12}}
    assert get("/people/12/visits/") == {"status": 200, "body": {"person_id": 12}}
    assert get("/people/twelve/visits")["status"] == 404
    assert get("/people/12/visits/extra")["status"] == 404
    assert get("/x/people/12/visits")["status"] == 404
    assert get("/") == {"status": 200, "body": "home"}
    assert get("") == {"status": 200, "body": "home"}
    assert get("/people/12", staff={**STAFF, "role": "program_staff"})["status"] == 403
    assert people.dispatch({"method": "POST", "path": "/people/12"})["status"] == 405
    assert [route.method for route in people.routes] == ["GET", "GET", "GET"]
