"""What crosses the fund's staff API: request bodies and query strings (marshmallow 3/4)."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from minzi import i18n
from minzi.api import MAX_OFFSET, Id
from minzi.contract import COMMUNITY_ID
from minzi.money import AmountError, to_fen, yuan

from .domain.labels import CASE_STATUSES, CAT_SEXES, CAT_STATUSES
from .domain.ledger import CHANNELS, KINDS
from .domain.spending import CATEGORIES

# The shared translator knows marshmallow's stock messages; these are the fund's own.
# (There is no public hook for adding messages, so they are added to its table at import.)
MESSAGES_ZH = {
    "Not a valid amount.": "金额应为数字（元），如 \"12.50\"",
    "The amount must be greater than 0.": "金额必须大于 0",
    "At most two decimal places (fen).": "金额最多两位小数（精确到分）",
    "The amount is too large.": "金额过大",
    "Required unless the donation is anonymous.": "非匿名捐款须填写捐款人",
    "An anonymous donor cannot also be named.": "匿名捐款不能同时同意公开署名",
    "Must not be before the date given.": "不能早于接种日期",
    "Give either cat_id or cat, not both.": "cat_id 与 cat 只能填一个",
    "Give cat_id (an existing cat) or cat (a new one).":
        "请填写 cat_id（已有的猫）或 cat（新登记的猫）",
    "Must not be blank.": "不能为空",
    "Give at least one field to change.": "请至少填写一个要修改的字段",
    "Use YYYY-MM.": "格式应为 YYYY-MM",
}
i18n.register_messages(MESSAGES_ZH)

NOT_BLANK = validate.Regexp(r"\S", error="Must not be blank.")


def text(max_length, *, required=False, **kwargs):
    validators = [validate.Length(max=max_length)]
    if required:
        validators.insert(0, NOT_BLANK)
        return fields.String(required=True, validate=validators, **kwargs)
    return fields.String(load_default=None, allow_none=True, validate=validators, **kwargs)


class Yuan(fields.Field):
    """An amount of money: yuan in (``"12.50"``, at most two decimals, > 0), integer fen out of
    ``load``; fen in, a yuan string out of ``dump``."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return to_fen(value)
        except AmountError as exc:
            raise ValidationError(str(exc)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else yuan(value)


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE  # a newer client's extra fields are ignored, as on the bus


class DonationIn(Lenient):
    amount = Yuan(required=True, metadata={"description": "金额（元，最多两位小数），如 \"500.00\"",
                                           "example": "500.00"})
    donor_name = text(200, metadata={"description": "捐款人（个人或单位）"})
    donor_contact = text(200, metadata={"description": "联系方式（仅工作人员可见）"})
    anonymous = fields.Boolean(load_default=False)
    agreed_to_be_named = fields.Boolean(
        load_default=False, metadata={"description": "捐款人同意在公开账目中署名"})
    channel = fields.String(required=True, validate=validate.OneOf(list(CHANNELS)))
    occurred_on = fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "收款日期，默认今天"})
    description = text(500)
    idempotency_key = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=100))

    @validates_schema
    def _donor(self, data, **_):
        if not data.get("anonymous") and not (data.get("donor_name") or "").strip():
            raise ValidationError("Required unless the donation is anonymous.", "donor_name")
        if data.get("anonymous") and data.get("agreed_to_be_named"):
            raise ValidationError("An anonymous donor cannot also be named.", "agreed_to_be_named")


class ExpenseIn(Lenient):
    amount = Yuan(required=True, metadata={"description": "金额（元，最多两位小数）",
                                           "example": "200.00"})
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    cat_id = Id(load_default=None, allow_none=True, strict=False,
                metadata={"description": "这笔钱花在哪只猫身上（如有）"})
    invoice_ref = text(100, required=True, metadata={"description": "发票或收据号"})
    approved_by = text(100, required=True, metadata={"description": "审批人"})
    payee = text(200, metadata={"description": "收款方（宠物医院、商家）"})
    occurred_on = fields.Date(load_default=None, allow_none=True)
    description = text(500)
    idempotency_key = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=100))


class ReversalIn(Lenient):
    reason = text(500, required=True, metadata={"description": "冲正原因"})
    idempotency_key = fields.String(load_default=None, allow_none=True,
                                    validate=validate.Length(min=1, max=100))


class EntriesQuery(Lenient):
    kind = fields.String(load_default=None, validate=validate.OneOf(list(KINDS)))
    category = fields.String(load_default=None, validate=validate.OneOf(list(CATEGORIES)))
    cat_id = Id(load_default=None)
    month = fields.String(load_default=None, validate=validate.Regexp(
        r"^\d{4}-(0[1-9]|1[0-2])$", error="Use YYYY-MM."))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


class ReportQuery(Lenient):
    community = fields.String(load_default="rainbow-city", validate=COMMUNITY_ID)


class DueQuery(Lenient):
    days = fields.Integer(load_default=30, validate=validate.Range(min=0, max=366))


class CatBase(Lenient):
    name = text(100, metadata={"description": "名字或昵称"})
    sex = fields.String(load_default="unknown", validate=validate.OneOf(list(CAT_SEXES)))
    colour = text(100, metadata={"description": "毛色"})
    description = text(2000)


class CatIn(CatBase):
    found_at = text(300, required=True, metadata={"description": "发现地点，如 3号楼后"})
    found_on = fields.Date(required=True, metadata={"description": "发现日期"})
    status = fields.String(load_default="in_shelter", validate=validate.OneOf(list(CAT_STATUSES)))
    sterilised_on = fields.Date(load_default=None, allow_none=True)
    sterilised_by = text(200)


class CatPatch(Lenient):
    name = fields.String(allow_none=True, validate=validate.Length(max=100))
    colour = fields.String(allow_none=True, validate=validate.Length(max=100))
    description = fields.String(allow_none=True, validate=validate.Length(max=2000))
    found_at = fields.String(validate=[NOT_BLANK, validate.Length(max=300)])
    status = fields.String(validate=validate.OneOf(list(CAT_STATUSES)))
    sex = fields.String(validate=validate.OneOf(list(CAT_SEXES)))

    @validates_schema
    def _something(self, data, **_):
        if not data:
            raise ValidationError("Give at least one field to change.", "_schema")


class CatsQuery(Lenient):
    status = fields.String(load_default=None, validate=validate.OneOf(list(CAT_STATUSES)))


class SterilisationIn(Lenient):
    date = fields.Date(required=True)
    vet = text(200, required=True, metadata={"description": "兽医或宠物医院"})


class VaccinationIn(Lenient):
    vaccine = text(100, required=True, metadata={"description": "疫苗，如 猫三联、狂犬疫苗"})
    given_on = fields.Date(required=True)
    next_due_on = fields.Date(load_default=None, allow_none=True)
    vet = text(200)

    @validates_schema
    def _order(self, data, **_):
        if data.get("next_due_on") and data["next_due_on"] < data["given_on"]:
            raise ValidationError("Must not be before the date given.", "next_due_on")


class VetVisitIn(Lenient):
    visited_on = fields.Date(required=True)
    vet = text(200, required=True)
    reason = text(1000, required=True)
    diagnosis = text(2000)
    treatment = text(2000)


class CasesQuery(Lenient):
    status = fields.String(load_default=None, validate=validate.OneOf(list(CASE_STATUSES)))


class LinkCatIn(Lenient):
    cat_id = Id(load_default=None, allow_none=True)
    cat = fields.Nested(CatIn, load_default=None, allow_none=True)

    @validates_schema
    def _one(self, data, **_):
        if data.get("cat_id") is not None and data.get("cat") is not None:
            raise ValidationError("Give either cat_id or cat, not both.", "cat")
        if data.get("cat_id") is None and data.get("cat") is None:
            raise ValidationError("Give cat_id (an existing cat) or cat (a new one).", "cat_id")


class ProgressIn(Lenient):
    note = text(2000, required=True)


class ResolveIn(Lenient):
    result = text(2000, required=True, metadata={"description": "办理结果"})
    reply = text(2000, metadata={"description": "给居民的回复（不填则用办理结果）"})


class ReturnIn(Lenient):
    note = text(2000, required=True, metadata={"description": "退回原因，及可以找谁帮忙"})
