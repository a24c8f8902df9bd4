"""What crosses the studio's staff API, as marshmallow schemas. Input is checked here (unknown
fields are refused); the rules that need the database are in ``domain/``. Messages are English
here and Chinese on Chinese screens (``register_messages``)."""
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from minzi import api
from minzi.i18n import register_messages
from minzi.localtime import local_datetime_field

from .domain.codes import (
    ACTIVITY_ENTITIES,
    CASE_STATES,
    EDUCATION,
    GENDERS,
    MEMBER_STATUSES,
    OUTCOMES,
    TOPICS,
    VERIFICATION_RESULTS,
)
from .domain.identity import id_number_problem

PHONE_ERROR = "Not a phone number."
register_messages({
    PHONE_ERROR: "电话号码格式不对",
    "An ID number has 17 digits and a final digit or X.":
        "身份证号码应为18位（17位数字加一位数字或X）",
    "The ID number's check digit does not match: please check it.": "身份证号码校验位不对，请核对",
    "The ID number does not contain a valid birth date.": "身份证号码中的出生日期无效",
    "Give at least one field to change.": "请至少填写一项要修改的内容",
    "'age_from' must not be above 'age_to'.": "最小年龄不能大于最大年龄",
    "Not a valid member status.": "会员状态取值无效",
})

PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{4,19}$", error=PHONE_ERROR)
NAME = validate.Length(min=1, max=100)
TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=2000)
ID_NUMBER = validate.Length(equal=18)
COMMUNITY = validate.Length(min=1, max=41)


class Strict(Schema):
    class Meta:
        unknown = RAISE

    @pre_load
    def _strip(self, data, **_):
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value
                    for key, value in data.items()}
        return data


class IdNumber(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        problem = id_number_problem(value)
        if problem:
            raise ValidationError(problem)
        return value


class MemberIn(Strict):
    name = fields.String(required=True, validate=NAME)
    gender = fields.String(required=True, validate=validate.OneOf(list(GENDERS)))
    birth_date = fields.Date(required=True)
    phone = fields.String(required=True, validate=PHONE)
    id_number = IdNumber(required=True, validate=ID_NUMBER)
    # the community the member lives in: staff register members of their own community
    community = fields.String(load_default=None, allow_none=True, validate=COMMUNITY)
    education = fields.String(load_default=None, allow_none=True,
                              validate=validate.OneOf(list(EDUCATION)))
    occupation = fields.String(load_default=None, allow_none=True, validate=NAME)
    introduction = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    looking_for = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class MemberPatch(Strict):
    name = fields.String(validate=NAME)
    gender = fields.String(validate=validate.OneOf(list(GENDERS)))
    birth_date = fields.Date()
    phone = fields.String(validate=PHONE)
    id_number = IdNumber(validate=ID_NUMBER)
    education = fields.String(allow_none=True, validate=validate.OneOf(list(EDUCATION)))
    occupation = fields.String(allow_none=True, validate=NAME)
    introduction = fields.String(allow_none=True, validate=LONG_TEXT)
    looking_for = fields.String(allow_none=True, validate=LONG_TEXT)

    @validates_schema
    def _something(self, data, **_):
        if not data:
            raise ValidationError("Give at least one field to change.", "_schema")


class VerificationIn(Strict):
    result = fields.String(required=True, validate=validate.OneOf(list(VERIFICATION_RESULTS)))
    police_station = fields.String(required=True, validate=TEXT)
    officer = fields.String(required=True, validate=NAME)
    reason = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    checked_at = local_datetime_field(load_default=None, allow_none=True)


class Reason(Strict):
    reason = fields.String(required=True, validate=LONG_TEXT)


class ConsultationIn(Strict):
    caller_name = fields.String(load_default=None, allow_none=True, validate=NAME)
    phone = fields.String(required=True, validate=PHONE)
    member_id = api.Id(load_default=None, allow_none=True)
    topic = fields.String(required=True, validate=validate.OneOf(list(TOPICS)))
    notes = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    staff_name = fields.String(load_default=None, allow_none=True, validate=NAME)
    called_at = local_datetime_field(load_default=None, allow_none=True)


class IntroductionIn(Strict):
    first_member_id = api.Id(required=True)
    second_member_id = api.Id(required=True)
    introduced_at = local_datetime_field(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class OutcomeIn(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(
        [code for code in OUTCOMES if code != "pending"]))
    at = local_datetime_field(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class ResolveIn(Strict):
    result = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    reply = fields.String(load_default=None, allow_none=True,
                          validate=validate.Length(min=1, max=4000))


class ReturnIn(Strict):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))


# -- query strings (unknown parameters are ignored) ------------------------------------------------

class Query(api.Query):
    # the public names the community it asks about; staff always work in their own
    community = fields.String(load_default=None, validate=COMMUNITY)


class PeriodQuery(api.PeriodQuery, Query):
    """``?from=&to=`` (Beijing dates, both included) and ``?community=``."""


class MemberQuery(Query):
    status = fields.String(load_default=None, validate=validate.OneOf(list(MEMBER_STATUSES)))
    gender = fields.String(load_default=None, validate=validate.OneOf(list(GENDERS)))
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


class CandidateQuery(Query):
    age_from = fields.Integer(load_default=None, validate=validate.Range(min=18, max=120))
    age_to = fields.Integer(load_default=None, validate=validate.Range(min=18, max=120))

    @validates_schema
    def _ordered(self, data, **_):
        if data.get("age_from") and data.get("age_to") and data["age_from"] > data["age_to"]:
            raise ValidationError("'age_from' must not be above 'age_to'.", "age_to")


class ConsultationQuery(PeriodQuery):
    member_id = api.Id(load_default=None)


class IntroductionQuery(Query):
    outcome = fields.String(load_default=None, validate=validate.OneOf(list(OUTCOMES)))
    member_id = api.Id(load_default=None)


class CaseQuery(Query):
    state = fields.String(load_default=None, validate=validate.OneOf(CASE_STATES))


class ActivityQuery(Query):
    entity = fields.String(required=True, validate=validate.OneOf(ACTIVITY_ENTITIES))
    entity_id = api.Id(required=True)
