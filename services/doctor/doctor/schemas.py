"""What crosses 片儿医's staff API, as marshmallow schemas with bounds. Unknown fields are
refused; the rules that need the database are in ``domain/``. Messages are English here and
Chinese on Chinese screens (``register_messages``)."""
import re
from decimal import Decimal, InvalidOperation

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

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
SEPARATORS = re.compile(r"[,，、;；\n]+")
ITEMS_ERROR = "A list of at most 30 items, each 1 to 200 characters."
OFFERS_ERROR = "Choose from: blood_pressure, glucose, consultation, medication."
register_messages({
    ITEMS_ERROR: "最多 30 项，每项 1 到 200 个字",
    OFFERS_ERROR: "请从量血压、测血糖、健康咨询、用药指导中选择",
})


OFFER_CODES = {zh: code for code, (zh, _) in OFFERS.items()}   # 量血压 -> blood_pressure


class Items(fields.Field):
    """A list of short texts, or one text with the items separated by 、 , ; or new lines (as a
    form sends it): "高血压、2型糖尿病" is ["高血压", "2型糖尿病"]."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = SEPARATORS.split(value)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(ITEMS_ERROR)
        items = [v.strip() for v in value if v.strip()]
        if len(items) > 30 or any(len(v) > 200 for v in items):
            raise ValidationError(ITEMS_ERROR)
        return items


class Offers(Items):
    """What a clinic offers: codes or their Chinese names, as a list or one text."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            items = super()._deserialize(value, attr, data, **kwargs)
        except ValidationError:
            raise ValidationError(OFFERS_ERROR) from None
        codes = [OFFER_CODES.get(item, item) for item in items]
        if not codes or any(code not in OFFERS for code in codes):
            raise ValidationError(OFFERS_ERROR)
        return codes


def items_field() -> Items:
    return Items(load_default=None, allow_none=True)


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
    conditions = items_field()
    allergies = items_field()
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
    conditions = items_field()
    allergies = items_field()


class ReadingValues(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(list(READING_KINDS)))
    systolic = fields.Integer(load_default=None, allow_none=True,
                              validate=validate.Range(min=50, max=300))
    diastolic = fields.Integer(load_default=None, allow_none=True,
                               validate=validate.Range(min=20, max=200))
    glucose = Glucose(load_default=None, allow_none=True, attribute="glucose_tenths")
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
    offers = Offers(required=True, metadata={
        "description": "量血压、测血糖、健康咨询、用药指导（代码或中文，列表或用、分隔）/ "
                       "blood_pressure, glucose, consultation, medication"})


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
    """The visit's note; the blood pressure and glucose taken, if any (they go into the record
    named, which the resident consented to)."""
    visited_on = fields.Date(required=True)
    note = fields.String(required=True, validate=LONG_TEXT)
    record_id = Id(load_default=None, allow_none=True)
    systolic = fields.Integer(load_default=None, allow_none=True,
                              validate=validate.Range(min=50, max=300))
    diastolic = fields.Integer(load_default=None, allow_none=True,
                               validate=validate.Range(min=20, max=200))
    glucose = Glucose(load_default=None, allow_none=True, attribute="glucose_tenths")
    fasting = fields.Boolean(load_default=None, allow_none=True)

    @validates_schema
    def _pair(self, data, **_):
        if (data.get("systolic") is None) != (data.get("diastolic") is None):
            raise ValidationError(BP_REQUIRED, "systolic")

    @post_load
    def _readings(self, data, **_):
        systolic, diastolic = data.pop("systolic"), data.pop("diastolic")
        glucose, fasting = data.pop("glucose_tenths"), data.pop("fasting")
        data["readings"] = []
        if systolic is not None:
            data["readings"].append({"kind": "blood_pressure", "systolic": systolic,
                                     "diastolic": diastolic})
        if glucose is not None:
            data["readings"].append({"kind": "glucose", "glucose_tenths": glucose,
                                     "fasting": fasting})
        return data


class ResolveIn(Strict):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = optional(LONG_TEXT)


class ReturnIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)


class EmptyIn(Strict):
    pass
