"""The router every staff API uses: named errors, never a 500 for bad input or a race."""
from datetime import date

import pytest
from marshmallow import Schema, fields
from sqlalchemy.exc import IntegrityError

from minzi.api import DomainError, Router

router = Router()
STAFF = {"id": 1, "name": "王", "role": "program_staff", "community": "rainbow-city",
         "program_id": "x"}


class Amount(Schema):
    amount = fields.Decimal(required=True, places=2)


@router.route("POST", "/things/{thing_id}", body=Amount, roles=("program_staff",))
def make(ctx, body):
    if ctx.params["thing_id"] == "race":
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))
    if ctx.params["thing_id"] == "no":
        raise DomainError("refused", "不行", "No", field="amount")
    return 201, {"id": ctx.params["thing_id"], "key": ctx.idempotency_key}


def call(path, body, staff=STAFF, lang="zh", **extra):
    return router.dispatch({"method": "POST", "path": path, "body": body, "staff": staff,
                            "lang": lang, **extra})


def test_success_carries_the_idempotency_key():
    assert call("/things/7", {"amount": "1.50"}, idempotency_key="k1") == {
        "status": 201, "body": {"id": "7", "key": "k1"}}


def test_errors_name_the_field_in_the_readers_language():
    zh = call("/things/7", {})
    assert zh["status"] == 422 and zh["body"]["error"]["fields"] == {"amount": ["必填"]}
    en = call("/things/7", {}, lang="en")
    assert en["body"]["error"]["fields"] == {"amount": ["Missing data for required field."]}
    refused = call("/things/no", {"amount": "1"})
    assert refused == {"status": 400, "body": {"error": {
        "code": "refused", "message": "不行", "fields": {"amount": ["不行"]}}}}


def test_a_unique_clash_is_a_conflict_not_a_crash():
    assert call("/things/race", {"amount": "1"})["status"] == 409


def test_who_may_call():
    assert call("/things/7", {"amount": "1"}, staff=None)["status"] == 401
    receptionist = {**STAFF, "role": "receptionist"}
    assert call("/things/7", {"amount": "1"}, staff=receptionist)["status"] == 403
    assert router.dispatch({"method": "GET", "path": "/things/7"})["status"] == 405
    assert router.dispatch({"method": "GET", "path": "/nothing"})["status"] == 404
    assert call("/things/7", ["not", "an", "object"])["status"] == 422


typed = Router()


@typed.route("GET", "/cases/{case_id:int}/notes/{code}", public=True)
def note(ctx):
    return 200, {"case_id": ctx.params["case_id"], "code": ctx.params["code"]}


def test_an_int_path_parameter_arrives_as_an_int_and_anything_else_is_not_found():
    def get(path):
        return typed.dispatch({"method": "GET", "path": path})
    assert get("/cases/42/notes/a-b") == {"status": 200, "body": {"case_id": 42, "code": "a-b"}}
    for path in ("/cases/abc/notes/x", "/cases/-1/notes/x", "/cases/1.5/notes/x",
                 "/cases/1234567890123456789/notes/x"):
        assert get(path)["status"] == 404, path


def test_period_and_page_queries_name_the_field_and_the_problem():
    from marshmallow import ValidationError

    from minzi.api import PageQuery, PeriodQuery, validation_body
    assert PeriodQuery().load({"from": "2026-11-01", "to": "2026-11-30", "x": "1"}) == {
        "date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30)}
    with pytest.raises(ValidationError) as backwards:
        PeriodQuery().load({"from": "2026-11-30", "to": "2026-11-01"})
    assert validation_body(backwards.value)["error"]["fields"] == {"to": ["结束日期早于开始日期"]}
    assert PageQuery().load({}) == {"limit": 100, "offset": 0}
    with pytest.raises(ValidationError) as too_many:
        PageQuery().load({"limit": "5000"})
    assert validation_body(too_many.value, "en")["error"]["fields"] == {
        "limit": ["Must be greater than or equal to 1 and less than or equal to 1000."]}
    assert validation_body(too_many.value)["error"]["fields"] == {"limit": ["应在 1 到 1000 之间"]}


def test_who_is_acting_is_named_one_way():
    from minzi.api import actor, actor_name
    assert actor_name(STAFF) == "王"
    assert actor_name({"username": "wang", "id": 3}) == "wang"
    assert actor_name({"id": 3}) == "3"
    assert actor(None)["role"] == "resident"
    assert actor({**STAFF, "password": "x"}) == {"id": 1, "username": None, "name": "王",
                                                 "role": "program_staff"}


def test_a_write_that_loses_a_race_is_done_once_more_and_then_answers_as_the_rules_say():
    from contextlib import contextmanager
    from types import SimpleNamespace

    from minzi.api import Context, write

    attempts = []

    class Store:
        @contextmanager
        def transaction(self, community=None):
            attempts.append(community)
            yield SimpleNamespace(attempt=len(attempts))
            if len(attempts) <= clashes:
                raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    ctx = Context(staff=STAFF, query={}, params={}, service=SimpleNamespace(store=Store()))
    clashes = 1
    assert write(ctx, lambda tx: tx.attempt) == 2
    assert attempts == ["rainbow-city", "rainbow-city"]
    attempts.clear()
    clashes = 2
    with pytest.raises(IntegrityError):   # the router answers this one 409 conflict
        write(ctx, lambda tx: tx.attempt)
    assert len(attempts) == 2


def test_a_code_is_named_in_the_readers_language_and_an_unknown_one_as_it_is():
    from minzi.i18n import label
    names = {"labour": ("劳动争议", "Labour dispute")}
    assert label(names, "labour") == "劳动争议"
    assert label(names, "labour", "en") == "Labour dispute"
    assert label(names, "tax", "en") == "tax"
    assert label(names, None) is None
