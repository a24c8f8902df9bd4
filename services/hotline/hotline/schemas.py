"""What crosses the hotline's staff API, as marshmallow schemas with bounds. Unknown fields are
refused; the rules that need the database are in ``domain/``. Messages are English here and
Chinese on Chinese screens (``register_messages``)."""
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates

from minzi.api import Id, PeriodQuery, Query
from minzi.i18n import register_messages

from .domain import credit_code
from .domain.codes import CASE_STATES, CATEGORIES, MERCHANT_STATUSES, RESPONSES

PHONE_ERROR = "Not a phone number."
CATEGORY_ERROR = "Name at least one category: " + ", ".join(CATEGORIES) + "."
register_messages({
    PHONE_ERROR: "电话号码格式不对",
    CATEGORY_ERROR: "至少选一个服务类别：" + "、".join(zh for zh, _ in CATEGORIES.values()),
    credit_code.SHAPE: "统一社会信用代码应为18位数字或大写字母（不含 I、O、S、V、Z）",
    credit_code.DIVISION: "统一社会信用代码第3到8位（行政区划码）应为数字",
    credit_code.ORG_CHECK: "统一社会信用代码第17位（组织机构代码校验码）不对",
    credit_code.CHECK: "统一社会信用代码第18位（校验码）不对，请核对营业执照",
})

PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{4,19}$", error=PHONE_ERROR)
NAME = validate.Length(min=1, max=100)
TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=4000)
PLACE = validate.Length(min=1, max=60)


class Strict(Schema):
    class Meta:
        unknown = RAISE

    @pre_load
    def _strip(self, data, **_):
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value
                    for key, value in data.items()}
        return data


class Categories(fields.List):
    """One category (as the console's select sends it) or a list of them, at least one."""

    def __init__(self, **kwargs):
        super().__init__(fields.String(validate=validate.OneOf(list(CATEGORIES))),
                         validate=validate.Length(min=1, max=len(CATEGORIES),
                                                  error=CATEGORY_ERROR), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [value]
        return super()._deserialize(value, attr, data, **kwargs)


def optional(validator, **kwargs) -> fields.String:
    return fields.String(load_default=None, allow_none=True, validate=validator, **kwargs)


class MerchantIn(Strict):
    name = fields.String(required=True, validate=TEXT)
    credit_code = fields.String(required=True, validate=validate.Length(max=18), metadata={
        "description": "营业执照上的统一社会信用代码 / the licence's unified social credit code"})
    categories = Categories(required=True, metadata={
        "description": "服务类别（一个或多个）/ one category or a list of them: "
                       + ", ".join(CATEGORIES)})
    contact_name = fields.String(required=True, validate=NAME)
    phone = fields.String(required=True, validate=PHONE)
    address = optional(TEXT)

    @pre_load
    def _upper(self, data, **_):
        if isinstance(data, dict) and isinstance(data.get("credit_code"), str):
            return {**data, "credit_code": data["credit_code"].strip().upper()}
        return data

    @validates("credit_code")
    def _checks(self, value, **_):
        found = credit_code.problem(value)
        if found:
            raise ValidationError(found)


class MerchantQuery(Query):
    category = fields.String(load_default=None, validate=validate.OneOf(list(CATEGORIES)))
    status = fields.String(load_default=None, validate=validate.OneOf(list(MERCHANT_STATUSES)))


class NoteIn(Strict):
    note = optional(LONG_TEXT)


class AgreementIn(Strict):
    signed_on = fields.Date(required=True)
    agreement_ref = fields.String(required=True, validate=TEXT, metadata={
        "description": "协议编号或存档位置 / the agreement's number or where it is kept"})


class ReasonIn(Strict):
    reason = fields.String(required=True, validate=LONG_TEXT)


class ComplaintIn(Strict):
    received_on = fields.Date(required=True)
    description = fields.String(required=True, validate=LONG_TEXT)
    job_id = Id(load_default=None, allow_none=True)


class ComplaintQuery(Query):
    pending = fields.Boolean(load_default=None)


class DecisionIn(Strict):
    upheld = fields.Boolean(required=True)
    note = fields.String(required=True, validate=LONG_TEXT)


class CaseQuery(Query):
    state = fields.String(load_default=None, validate=validate.OneOf(list(CASE_STATES)))


class RoutingIn(Strict):
    merchant_id = Id(load_default=None, allow_none=True, metadata={
        "description": "不填则按规则派给在办单最少的签约商户 / leave out: the rule picks the "
                       "signed merchant with the fewest open jobs"})
    note = optional(LONG_TEXT)


class ResponseIn(Strict):
    response = fields.String(required=True, validate=validate.OneOf(list(RESPONSES)))
    note = optional(LONG_TEXT)


class RatingIn(Strict):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))

    @pre_load
    def _digit(self, data, **_):
        """The console's select sends "4": a whole number written out counts as one."""
        if isinstance(data, dict) and isinstance(data.get("rating"), str) \
                and data["rating"].strip().isdigit():
            return {**data, "rating": int(data["rating"])}
        return data
    comment = optional(LONG_TEXT)


class ResolveIn(Strict):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = optional(LONG_TEXT, metadata={"description": "给居民的答复 / the resident's reply"})


class ReturnIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT, metadata={
        "description": "为什么退回、居民还可以找谁 / why, and where else to turn"})


class DoorIn(Strict):
    building = fields.String(required=True, validate=PLACE)
    door = fields.String(required=True, validate=PLACE)
    posted_on = fields.Date(required=True)


class FiguresQuery(PeriodQuery):
    pass


class ActivityQuery(Query):
    entity = fields.String(required=True, validate=validate.OneOf(
        ["merchant", "complaint", "door"]))
    entity_id = Id(required=True)
