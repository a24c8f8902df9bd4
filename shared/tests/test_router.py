"""The router every staff API uses: named errors, never a 500 for bad input or a race."""
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
    assert call("/things/7", {"amount": "1"}, staff={**STAFF, "role": "receptionist"})["status"] == 403
    assert router.dispatch({"method": "GET", "path": "/things/7"})["status"] == 405
    assert router.dispatch({"method": "GET", "path": "/nothing"})["status"] == 404
    assert call("/things/7", ["not", "an", "object"])["status"] == 422
