"""What crosses co-building's staff API, as marshmallow schemas with bounds. Unknown fields are
refused; the rules that need the database are in ``domain/``. Messages are English here and
Chinese on Chinese screens (``register_messages``)."""
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from minzi.api import Id, Query
from minzi.i18n import register_messages
from minzi.ledger import CHANNELS
from minzi.money import AmountError, to_fen

from .domain.codes import DIRECTIONS, ISSUE_KINDS, PARTIES, UNIT_KINDS
from .domain.fund import CATEGORIES

PHONE_ERROR = "Not a phone number."
USERNAME_ERROR = "Must be 2 to 60 characters: lowercase letters, digits, _, . or -"
NAMED_ERROR = "Name the member unit (unit_id) or the contributor, or mark it anonymous."
register_messages({
    PHONE_ERROR: "电话号码格式不对",
    USERNAME_ERROR: "用户名只能用小写字母、数字和 _ . -（2 到 60 个）",
    NAMED_ERROR: "请写明出资的共建单位（unit_id）或出资人，或标明匿名",
    "Not a valid amount.": "金额应为数字（元），如 \"12.50\"",
    "The amount must be greater than 0.": "金额必须大于 0",
    "At most two decimal places (fen).": "金额最多两位小数（精确到分）",
    "The amount is too large.": "金额过大",
})

PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{4,19}$", error=PHONE_ERROR)
USERNAME = [validate.Regexp(r"^[a-z0-9_.\-]{2,60}$", error=USERNAME_ERROR),
            validate.Length(max=60)]
NAME = validate.Length(min=1, max=100)
TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=4000)
KEY = validate.Length(min=1, max=100)
YEAR = validate.Range(min=2000, max=2100)


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
    """An amount in yuan (``"700"``, ``"12.50"``, more than 0, at most two decimals), loaded as
    integer fen exactly (``minzi.money``)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return to_fen(value)
        except AmountError as exc:
            raise ValidationError(str(exc)) from None


def optional(validator, **kwargs) -> fields.String:
    return fields.String(load_default=None, allow_none=True, validate=validator, **kwargs)


# -- units and agreements

class UnitIn(Strict):
    name = fields.String(required=True, validate=TEXT)
    kind = fields.String(required=True, validate=validate.OneOf(list(UNIT_KINDS)))
    party_branch = optional(TEXT)
    contact_name = fields.String(required=True, validate=NAME)
    contact_phone = fields.String(required=True, validate=PHONE)
    contact_username = optional(USERNAME, metadata={
        "description": "联系人在本平台的账号（角色 member_unit）/ the contact's account"})


class ContactIn(Strict):
    contact_name = fields.String(required=True, validate=NAME)
    contact_phone = fields.String(required=True, validate=PHONE)
    contact_username = optional(USERNAME)


class AgreementIn(Strict):
    signed_on = fields.Date(required=True)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(required=True)
    terms = fields.String(required=True, validate=LONG_TEXT)
    document_ref = fields.String(required=True, validate=TEXT, metadata={
        "description": "签字责任书的存档编号或位置 / where the signed document is kept"})


# -- commitments

class CommitmentIn(Strict):
    year = fields.Integer(required=True, validate=YEAR)
    direction = fields.String(required=True, validate=validate.OneOf(list(DIRECTIONS)))
    unit_id = Id(load_default=None, allow_none=True)
    title = fields.String(required=True, validate=TEXT)
    detail = optional(LONG_TEXT)
    due_on = fields.Date(required=True)


class CommitmentQuery(Query):
    year = fields.Integer(load_default=None, validate=YEAR)
    unit_id = Id(load_default=None)
    direction = fields.String(load_default=None, validate=validate.OneOf(list(DIRECTIONS)))


class YearQuery(Query):
    year = fields.Integer(load_default=None, validate=YEAR)


class EvidenceIn(Strict):
    evidence = fields.String(required=True, validate=LONG_TEXT)
    evidence_ref = optional(TEXT)


class VerificationIn(Strict):
    note = optional(LONG_TEXT)


# -- issues and meetings

class IssueQuery(Query):
    kind = fields.String(load_default=None,
                         validate=validate.OneOf(["unsorted", *ISSUE_KINDS]))


class SortIn(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(list(ISSUE_KINDS)))
    note = optional(LONG_TEXT)


class AssignIn(Strict):
    unit_id = Id(required=True)
    deadline = fields.Date(required=True)
    note = optional(LONG_TEXT)


class NoteIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)


class MeetingIn(Strict):
    day = fields.Date(required=True)
    place = fields.String(required=True, validate=TEXT)
    topic = fields.String(required=True, validate=TEXT)
    attendees = fields.Dict(
        keys=fields.String(validate=validate.OneOf(list(PARTIES))),
        values=fields.List(fields.String(validate=NAME), validate=validate.Length(max=30)),
        required=True, validate=validate.Length(max=len(PARTIES)),
        metadata={"description": "每一方出席的人 / who of each party was there: "
                                 "{npc_deputies, residents, street, committees, property, "
                                 "units: [names]}"})
    case_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=50))
    decisions = fields.String(required=True, validate=LONG_TEXT)


class OutcomeIn(Strict):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = optional(LONG_TEXT, metadata={"description": "给居民的答复 / the resident's reply"})
    investment_fen = Yuan(load_default=None, allow_none=True, data_key="investment",
                          metadata={"description": "责任单位投入（元）/ a unit's investment, yuan"})
    investment_unit_id = Id(load_default=None, allow_none=True)


class ReturnIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)


# -- the fund

class ContributionIn(Strict):
    amount = Yuan(required=True)
    unit_id = Id(load_default=None, allow_none=True)
    donor_name = optional(TEXT)
    donor_contact = optional(TEXT)
    anonymous = fields.Boolean(load_default=False)
    agreed_to_be_named = fields.Boolean(load_default=False)
    channel = fields.String(required=True, validate=validate.OneOf(list(CHANNELS)))
    occurred_on = fields.Date(load_default=None, allow_none=True)
    description = optional(validate.Length(max=500))
    idempotency_key = optional(KEY)

    @validates_schema
    def _named(self, data, **_):
        if data.get("unit_id") is None and not data.get("donor_name") \
                and not data.get("anonymous"):
            raise ValidationError(NAMED_ERROR, "donor_name")


class PaymentIn(Strict):
    amount = Yuan(required=True)
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    invoice_ref = fields.String(required=True, validate=KEY)
    approved_by = fields.String(required=True, validate=NAME)
    payee = optional(TEXT)
    occurred_on = fields.Date(load_default=None, allow_none=True)
    description = optional(validate.Length(max=500))
    idempotency_key = optional(KEY)


class ReversalIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    idempotency_key = optional(KEY)


class ActivityQuery(Query):
    entity = fields.String(required=True, validate=validate.OneOf(
        ["unit", "commitment", "meeting", "fund"]))
    entity_id = Id(required=True)
