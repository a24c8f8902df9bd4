"""What crosses 片儿医's staff API, as marshmallow schemas with bounds. Unknown fields are
refused; the rules that need the database are in ``domain/``. Messages are English here and
Chinese on Chinese screens (``register_messages``)."""
from decimal import Decimal, InvalidOperation

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from minzi.api import Id, Query
from minzi.i18n import register_messages

from .domain.codes import CONSENT_METHODS, OFFERS, READING_KINDS, SEXES

PHONE_ERROR = "Not a phone number."
USERNAME_ERROR = "Must be 2 to 60 characters: lowercase letters, digits, _, . or -"
GLUCOSE_ERROR = "A glucose reading in mmol/L, 1.0 to 40.0, at most one decimal."
BP_REQUIRED = "A blood-pressure reading needs the systolic and diastolic pressures."
GLUCOSE_REQUIRED = "A glucose reading needs its value."
register_messages({
    PHONE_ERROR: "电话号码格式不对",
    USERNAME_ERROR: "用户名只能用小写字母、数字和 _ . -（2 到 60 个）",
    GLUCOSE_ERROR: "血糖值单位为 mmol/L，1.0 到 40.0，最多一位小数",
    BP_REQUIRED: "血压须填写收缩压（高压）和舒张压（低压）",
    GLUCOSE_REQUIRED: "血糖须填写数值",
})

PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{4,19}$", error=PHONE_ERROR)
USERNAME = [validate.Regexp(r"^[a-z0-9_.\-]{2,60}$", error=USERNAME_ERROR),
            validate.Length(max=60)]
NAME = validate.Length(min=1, max=100)
TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=4000)
ITEMS = fields.List(fields.String(validate=TEXT), validate=validate.Length(max=30),
                    load_default=None)


class Strict(Schema):
    class Meta:
        unknown = RAISE

    @pre_load
    def _strip(self, data, **_):
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value
                    for key, value in data.items()}
        return data


def optional(validator, **kwargs) -> fields.String:
    return fields.String(load_default=None, allow_none=True, validate=validator, **kwargs)


class Glucose(fields.Field):
    """mmol/L as text or a number (``"6.1"``), loaded exactly as integer tenths (61)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(GLUCOSE_ERROR)
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError(GLUCOSE_ERROR) from None
        tenths = amount * 10
        if not amount.is_finite() or tenths != tenths.to_integral_value() \
                or not Decimal("1.0") <= amount <= Decimal("40.0"):
            raise ValidationError(GLUCOSE_ERROR)
        return int(tenths)


# -- doctors

class DoctorIn(Strict):
    username = fields.String(required=True, validate=USERNAME, metadata={
        "description": "医生在本平台的账号（片儿医项目的工作人员）/ the doctor's staff account"})
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(required=True, validate=PHONE)
    pledge = fields.String(required=True, validate=LONG_TEXT)


class DoctorUpdate(Strict):
    name = optional(NAME)
    phone = optional(PHONE)
    pledge = optional(LONG_TEXT)
    active = fields.Boolean(load_default=None, allow_none=True)


# -- records

class RecordIn(Strict):
    name = fields.String(required=True, validate=NAME)
    sex = fields.String(required=True, validate=validate.OneOf(list(SEXES)))
    birth_date = fields.Date(required=True)
    phone = fields.String(required=True, validate=PHONE)
    address = fields.String(required=True, validate=TEXT)
    conditions = ITEMS
    allergies = ITEMS
    consent_by = optional(NAME, metadata={
        "description": "表示同意的人（默认居民本人，也可以是监护人）/ who consented"})
    consent_method = fields.String(required=True,
                                   validate=validate.OneOf(list(CONSENT_METHODS)))
    consent_on = fields.Date(required=True)
    consent_form_ref = optional(TEXT)
    consent_witness = optional(NAME)


class RecordUpdate(Strict):
    phone = optional(PHONE)
    address = optional(TEXT)
    conditions = ITEMS
    allergies = ITEMS


class ReadingValues(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(list(READING_KINDS)))
    systolic = fields.Integer(load_default=None, allow_none=True,
                              validate=validate.Range(min=50, max=300))
    diastolic = fields.Integer(load_default=None, allow_none=True,
                               validate=validate.Range(min=20, max=200))
    glucose = Glucose(load_default=None, allow_none=True, data_key="glucose",
                      attribute="glucose_tenths")
    fasting = fields.Boolean(load_default=None, allow_none=True)

    @validates_schema
    def _complete(self, data, **_):
        if data.get("kind") == "blood_pressure" and (data.get("systolic") is None
                                                     or data.get("diastolic") is None):
            raise ValidationError(BP_REQUIRED, "systolic")
        if data.get("kind") == "glucose" and data.get("glucose_tenths") is None:
            raise ValidationError(GLUCOSE_REQUIRED, "glucose")


class ReadingIn(ReadingValues):
    measured_on = fields.Date(required=True)


class NoteIn(Strict):
    seen_on = fields.Date(required=True)
    text = fields.String(required=True, validate=LONG_TEXT)


class WithdrawalIn(Strict):
    withdrawn_on = fields.Date(required=True)
    note = optional(LONG_TEXT)


class RecordQuery(Query):
    name = fields.String(load_default=None, validate=NAME)
    state = fields.String(load_default=None, validate=validate.OneOf(["open", "withdrawn"]))


# -- clinics

class ClinicIn(Strict):
    day = fields.Date(required=True)
    hours = fields.String(required=True, validate=validate.Length(min=1, max=50))
    place = fields.String(required=True, validate=TEXT)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    offers = fields.List(fields.String(validate=validate.OneOf(list(OFFERS))), required=True,
                         validate=validate.Length(min=1, max=len(OFFERS)))


class SignUpIn(Strict):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(required=True, validate=PHONE)


class AttendanceIn(Strict):
    attended = fields.Boolean(load_default=True)


class ClinicReadingIn(ReadingValues):
    sign_up_id = Id(required=True)
    record_id = Id(required=True)
    note = optional(LONG_TEXT)


# -- house calls

class CaseQuery(Query):
    state = fields.String(load_default=None, validate=validate.OneOf(
        ["received", "accepted", "resolved", "returned", "recalled"]))


class VisitIn(Strict):
    visited_on = fields.Date(required=True)
    note = fields.String(required=True, validate=LONG_TEXT)
    record_id = Id(load_default=None, allow_none=True)
    readings = fields.List(fields.Nested(ReadingValues), load_default=None,
                           validate=validate.Length(max=5))


class ResolveIn(Strict):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = optional(LONG_TEXT)


class ReturnIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)


class EmptyIn(Strict):
    pass
