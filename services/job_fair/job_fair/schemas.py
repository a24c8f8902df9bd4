"""What crosses the job fair's staff API, as marshmallow schemas with bounds. Unknown fields are
refused; the rules that need the database are in ``domain/``. Messages are English here and
Chinese on Chinese screens (``register_messages``)."""
from decimal import Decimal, InvalidOperation

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from minzi.api import Id, Query
from minzi.i18n import register_messages
from minzi.idcard import id_number_problem

from .domain import credit_code
from .domain.codes import APPLICANT_KINDS, EDUCATION, EMPLOYER_STATUSES

PHONE_ERROR = "Not a phone number."
MONEY_ERROR = "An amount in yuan, at most two decimal places, from 0 to 1000000."
register_messages({
    PHONE_ERROR: "电话号码格式不对",
    MONEY_ERROR: "金额以元为单位，最多两位小数，在 0 到 1000000 之间",
    "An ID number has 17 digits and a final digit or X.":
        "身份证号码应为18位（17位数字加一位数字或X）",
    "The ID number's check digit does not match: please check it.": "身份证号码校验位不对，请核对",
    "The ID number does not contain a valid birth date.": "身份证号码中的出生日期无效",
    credit_code.FORM: "统一社会信用代码应为18位数字或大写字母（不含 I、O、Z、S、V）",
    credit_code.DIVISION: "统一社会信用代码第3-8位（行政区划码）应为数字",
    credit_code.ORG_CHECK: "统一社会信用代码第9-17位（组织机构代码）校验不通过",
    credit_code.CHECK: "统一社会信用代码校验位不对，请核对",
})

PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{4,19}$", error=PHONE_ERROR)
NAME = validate.Length(min=1, max=100)
TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=4000)
SKILLS = validate.Length(max=20)


class Strict(Schema):
    class Meta:
        unknown = RAISE

    @pre_load
    def _strip(self, data, **_):
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value
                    for key, value in data.items()}
        return data


class Checked(fields.String):
    """A code checked by ``problem`` (upper-cased first)."""

    def __init__(self, problem, **kwargs):
        super().__init__(validate=validate.Length(equal=18), **kwargs)
        self.problem = problem

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        found = self.problem(value)
        if found:
            raise ValidationError(found)
        return value


class Yuan(fields.Field):
    """An amount in yuan ("4500", "4500.50", 4500), loaded as integer fen, exactly."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValidationError(MONEY_ERROR)
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(MONEY_ERROR) from None
        # the range first: quantizing 1e308 is itself an error
        if not amount.is_finite() or not 0 <= amount <= 1_000_000 \
                or amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(MONEY_ERROR)
        return int(amount * 100)


class Skill(fields.String):
    def __init__(self, **kwargs):
        super().__init__(validate=validate.Length(min=1, max=50), **kwargs)


class EmployerIn(Strict):
    name = fields.String(required=True, validate=TEXT)
    credit_code = Checked(credit_code.credit_code_problem, required=True)
    licence_valid_until = fields.Date(load_default=None, allow_none=True)
    contact_name = fields.String(required=True, validate=NAME)
    phone = fields.String(required=True, validate=PHONE)
    address = fields.String(load_default=None, allow_none=True, validate=TEXT)


class VerificationIn(Strict):
    result = fields.String(required=True, validate=validate.OneOf(["verified", "rejected"]))
    reason = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class EmployerQuery(Query):
    status = fields.String(load_default=None, validate=validate.OneOf(list(EMPLOYER_STATUSES)))


class FairIn(Strict):
    title = fields.String(required=True, validate=TEXT)
    day = fields.Date(required=True)
    place = fields.String(required=True, validate=TEXT)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=100_000))


class InvitationIn(Strict):
    employer_id = Id(required=True)


class PositionIn(Strict):
    employer_id = Id(required=True)
    title = fields.String(required=True, validate=NAME)
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000))
    skills = fields.List(Skill(), load_default=list, validate=SKILLS)
    education = fields.String(load_default=None, allow_none=True,
                              validate=validate.OneOf(list(EDUCATION)))
    area = fields.String(load_default=None, allow_none=True, validate=NAME)
    work_place = fields.String(required=True, validate=TEXT)
    pay_min_fen = Yuan(required=True, data_key="pay_min")
    pay_max_fen = Yuan(required=True, data_key="pay_max")


class ApplicantIn(Strict):
    name = fields.String(required=True, validate=NAME)
    id_number = Checked(id_number_problem, required=True)
    phone = fields.String(required=True, validate=PHONE)
    kind = fields.String(required=True, validate=validate.OneOf(list(APPLICANT_KINDS)))
    education = fields.String(load_default=None, allow_none=True,
                              validate=validate.OneOf(list(EDUCATION)))
    skills = fields.List(Skill(), load_default=list, validate=SKILLS)
    preferred_area = fields.String(load_default=None, allow_none=True, validate=NAME)
    expected_pay_fen = Yuan(load_default=None, allow_none=True, data_key="expected_pay")
    cv = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    consent = fields.Boolean(required=True)


class ApplicationIn(Strict):
    applicant_id = Id(required=True)
    position_id = Id(required=True)


class WithdrawIn(Strict):
    by = fields.String(required=True, validate=validate.OneOf(["applicant", "employer"]))
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class NoteIn(Strict):
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class DecisionIn(Strict):
    hired = fields.Boolean(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class CheckInIn(Strict):
    registration_code = fields.String(required=True, validate=validate.Length(min=1, max=12))


class ActivityQuery(Query):
    entity = fields.String(required=True, validate=validate.OneOf(
        ["employer", "fair", "position", "applicant", "application"]))
    entity_id = Id(required=True)


class ResolveIn(Strict):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class ReturnIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)
