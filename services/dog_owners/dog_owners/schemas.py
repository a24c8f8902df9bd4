"""What crosses the association's staff API, as marshmallow schemas with bounds. Unknown fields
are refused; the rules that need the database are in ``domain/``. Messages are English here and
Chinese on Chinese screens (``register_messages``)."""
from marshmallow import RAISE, Schema, fields, pre_load, validate

from minzi.api import Id, Query
from minzi.i18n import register_messages

from .domain.codes import COMPLAINTS, OFFICES, REFERRALS, REMINDER_STATES, SEXES, SIZE_CLASSES

PHONE_ERROR = "Not a phone number."
register_messages({PHONE_ERROR: "电话号码格式不对"})

PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{4,19}$", error=PHONE_ERROR)
NAME = validate.Length(min=1, max=100)
SHORT = validate.Length(min=1, max=60)
TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=4000)
PLEDGE_TEXT = validate.Length(min=1, max=20000)


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


def one_of(codes) -> validate.OneOf:
    return validate.OneOf(list(codes))


class SettingsIn(Strict):
    dogs_per_household = fields.Integer(load_default=None, validate=validate.Range(min=1, max=10),
                                        metadata={"description": "每户限养犬只数 / dogs per "
                                                                 "household"})
    key_area = fields.Boolean(load_default=None, metadata={
        "description": "是否重点管理区（禁养大型犬、烈性犬）/ in a key management area"})
    reminder_days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=120))


class PledgeIn(Strict):
    version = fields.String(required=True, validate=validate.Length(min=1, max=40))
    title = fields.String(required=True, validate=TEXT)
    text = fields.String(required=True, validate=PLEDGE_TEXT)
    effective_on = fields.Date(load_default=None, allow_none=True)


class MemberIn(Strict):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(required=True, validate=PHONE)
    household = fields.String(required=True, validate=NAME, metadata={
        "description": "住址（楼、单元、室）/ the home: building, unit, room"})
    pledge_version = fields.String(required=True, validate=validate.Length(min=1, max=40))
    signed_on = fields.Date(load_default=None, allow_none=True)


class MemberQuery(Query):
    state = fields.String(load_default=None, validate=validate.OneOf(["active", "left"]))
    household = fields.String(load_default=None, validate=NAME)


class SignIn(Strict):
    pledge_version = fields.String(required=True, validate=validate.Length(min=1, max=40))
    signed_on = fields.Date(load_default=None, allow_none=True)


class NoteIn(Strict):
    note = optional(LONG_TEXT)


class DogIn(Strict):
    name = fields.String(required=True, validate=SHORT)
    breed = fields.String(required=True, validate=SHORT)
    size_class = fields.String(required=True, validate=one_of(SIZE_CLASSES))
    shoulder_height_cm = fields.Integer(load_default=None, allow_none=True,
                                        validate=validate.Range(min=5, max=120))
    sex = fields.String(required=True, validate=one_of(SEXES))
    colour = optional(SHORT)
    registration_no = fields.String(required=True, validate=SHORT, metadata={
        "description": "养犬登记证号 / the dog's registration number"})
    registration_expires_on = fields.Date(required=True)
    vaccinated_on = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "最近一次狂犬疫苗接种日期 / the latest rabies vaccination"})


class DogQuery(Query):
    flagged = fields.Boolean(load_default=None)
    state = fields.String(load_default="active", validate=validate.OneOf(["active", "gone"]))


class VaccinationIn(Strict):
    given_on = fields.Date(required=True)
    valid_until = fields.Date(load_default=None, allow_none=True)
    clinic = optional(TEXT)
    certificate_no = optional(SHORT)


class RegistrationIn(Strict):
    expires_on = fields.Date(required=True)
    registration_no = optional(SHORT)


class GoneIn(Strict):
    reason = fields.String(required=True, validate=LONG_TEXT)


class OfficerIn(Strict):
    member_id = Id(required=True)
    role = fields.String(required=True, validate=one_of(OFFICES))
    elected_on = fields.Date(required=True)
    note = optional(LONG_TEXT)


class StepDownIn(Strict):
    ended_on = fields.Date(load_default=None, allow_none=True)
    note = optional(LONG_TEXT)


class ReminderQuery(Query):
    state = fields.String(load_default=None, validate=one_of(REMINDER_STATES))


class CalledIn(Strict):
    outcome = fields.String(required=True, validate=LONG_TEXT, metadata={
        "description": "电话提醒的结果 / what came of the call"})


class CaseQuery(Query):
    service_code = fields.String(load_default=None, validate=one_of(COMPLAINTS))
    state = fields.String(load_default=None, validate=validate.OneOf(
        ["received", "resolved", "returned", "recalled"]))


class LinkIn(Strict):
    member_id = Id(required=True)
    dog_id = Id(load_default=None, allow_none=True)
    note = optional(LONG_TEXT)


class TalkIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT, metadata={
        "description": "与犬主谈话的内容 / what was said with the owner"})
    warning = fields.Boolean(load_default=False)


class ResolveIn(Strict):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = optional(LONG_TEXT, metadata={"description": "给居民的答复 / the resident's reply"})


class ReturnIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)
    referral = fields.String(load_default=None, allow_none=True, validate=one_of(REFERRALS),
                             metadata={"description": "该去哪里 / where to go instead"})


class ActivityQuery(Query):
    entity = fields.String(required=True, validate=validate.OneOf(
        ["settings", "pledge", "member", "dog", "officer", "reminder"]))
    entity_id = fields.Integer(required=True, validate=validate.Range(min=0, max=2**31 - 1))
