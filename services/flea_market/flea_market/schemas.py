"""What crosses the flea market's staff API, as marshmallow schemas with bounds. Unknown fields
are refused; the rules that need the database are in ``domain/``. Messages are English here and
Chinese on Chinese screens (``register_messages``)."""
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from minzi.api import Id, Query
from minzi.i18n import register_messages
from minzi.ledger import CHANNELS
from minzi.money import AmountError, to_fen

from .domain.codes import MARKET_STATES

PHONE_ERROR = "Not a phone number."
register_messages({
    PHONE_ERROR: "电话号码格式不对",
    "Not a valid amount.": "金额应为数字（元），如 \"12.50\"",
    "The amount must be greater than 0.": "金额必须大于 0",
    "At most two decimal places (fen).": "金额最多两位小数（精确到分）",
    "The amount is too large.": "金额过大",
})

PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{4,19}$", error=PHONE_ERROR)
NAME = validate.Length(min=1, max=100)
TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=4000)
KEY = validate.Length(min=1, max=100)


class Strict(Schema):
    class Meta:
        unknown = RAISE

    @pre_load
    def _strip(self, data, **_):
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value
                    for key, value in data.items()}
        return data


class Yuan(fields.Field):
    """An amount in yuan (``"856.50"``, more than 0, at most two decimals), loaded as integer
    fen exactly (``minzi.money``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return to_fen(value)
        except AmountError as exc:
            raise ValidationError(str(exc)) from None


def optional(validator, **kwargs) -> fields.String:
    return fields.String(load_default=None, allow_none=True, validate=validator, **kwargs)


class MarketIn(Strict):
    day = fields.Date(required=True)
    place = fields.String(required=True, validate=TEXT)
    theme = fields.String(required=True, validate=TEXT)
    charity = fields.Boolean(load_default=False, metadata={
        "description": "是否义卖 / whether it is a charity sale"})
    beneficiary = optional(TEXT, metadata={
        "description": "义卖善款捐给谁 / who a charity sale's money is for"})
    stall_count = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))


class MarketQuery(Query):
    state = fields.String(load_default=None, validate=validate.OneOf(list(MARKET_STATES)))


class HeadCountIn(Strict):
    participants = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000),
                                  metadata={"description": "当天清点的参与人数 / the head count"})
    note = optional(LONG_TEXT)


class ReasonIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class SignupIn(Strict):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(required=True, validate=PHONE)
    goods = optional(validate.Length(min=1, max=500), metadata={
        "description": "带来置换或出售的物品 / what they bring to swap or sell"})


class SignupCancelIn(Strict):
    reason = optional(validate.Length(min=1, max=500))


class SaleIn(Strict):
    amount = Yuan(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(list(CHANNELS)))
    signup_id = Id(load_default=None, allow_none=True, metadata={
        "description": "卖出的摊位（本次市场的报名编号）/ the stall that sold"})
    donor_name = optional(TEXT, metadata={"description": "义卖者 / who sold (or gave)"})
    donor_contact = optional(TEXT)
    agreed_to_be_named = fields.Boolean(load_default=False)
    anonymous = fields.Boolean(load_default=False)
    occurred_on = fields.Date(load_default=None, allow_none=True)
    description = optional(validate.Length(max=500))
    idempotency_key = optional(KEY)


class HandoverIn(Strict):
    amount = Yuan(required=True)
    invoice_ref = fields.String(required=True, validate=KEY, metadata={
        "description": "受助方开具的收据号 / the beneficiary's receipt"})
    approved_by = fields.String(required=True, validate=NAME)
    payee = optional(TEXT, metadata={
        "description": "受助方（默认为市场的受助方）/ who received it"})
    occurred_on = fields.Date(load_default=None, allow_none=True)
    description = optional(validate.Length(max=500))
    idempotency_key = optional(KEY)


class ReversalIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    idempotency_key = optional(KEY)


class CaseQuery(Query):
    state = fields.String(load_default=None, validate=validate.OneOf(
        ["received", "resolved", "returned", "recalled"]))


class CaseSignupIn(Strict):
    market_id = Id(required=True)
    goods = optional(validate.Length(min=1, max=500))
    reply = optional(LONG_TEXT, metadata={
        "description": "给居民的答复（不填则自动写明日期、地点和摊位号）/ the reply"})


class ResolveIn(Strict):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = optional(LONG_TEXT, metadata={"description": "给居民的答复 / the resident's reply"})


class ReturnIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)
