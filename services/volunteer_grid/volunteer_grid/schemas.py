"""What crosses the volunteer grid's staff API, as marshmallow schemas with bounds. Unknown
fields are refused; the rules that need the database are in ``domain/``. Messages are English
here and Chinese on Chinese screens (``register_messages``)."""
from marshmallow import RAISE, Schema, fields, pre_load, validate

from minzi.api import Id, Query
from minzi.i18n import register_messages

from .domain.codes import CASE_STATES, DUTY_KINDS, LEVELS, SKILLS

MOBILE_ERROR = "Not a mobile number: 11 digits starting with 1."
MONTH_ERROR = "A month is written 2026-11."
register_messages({
    MOBILE_ERROR: "手机号应为以 1 开头的 11 位数字",
    MONTH_ERROR: "月份的写法如 2026-11",
})

MOBILE = validate.Regexp(r"^1[3-9][0-9]{9}$", error=MOBILE_ERROR)
NAME = validate.Length(min=1, max=100)
TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=4000)
MONTH = validate.Regexp(r"^20[0-9]{2}-(0[1-9]|1[0-2])$", error=MONTH_ERROR)


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


class Mobile(fields.String):
    """A mobile number; ``+86`` and spaces or dashes in it are taken off first."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        text = text.replace(" ", "").replace("-", "")
        return text[3:] if text.startswith("+86") else text


# -- the grid

class ZoneIn(Strict):
    name = fields.String(required=True, validate=NAME)


class BuildingIn(Strict):
    zone_id = Id(required=True)
    name = fields.String(required=True, validate=NAME)


class DoorIn(Strict):
    building_id = Id(required=True)
    name = fields.String(required=True, validate=NAME)


class GridQuery(Query):
    zone_id = Id(load_default=None)
    building_id = Id(load_default=None)


# -- volunteers

class VolunteerIn(Strict):
    name = fields.String(required=True, validate=NAME)
    phone = Mobile(required=True, validate=[MOBILE, validate.Length(max=20)])
    zone_id = Id(load_default=None, allow_none=True)
    building_id = Id(load_default=None, allow_none=True)
    door_id = Id(load_default=None, allow_none=True)
    skills = fields.List(fields.String(validate=validate.OneOf(list(SKILLS))),
                         load_default=list, validate=validate.Length(max=len(SKILLS)))
    joined_on = fields.Date(load_default=None, allow_none=True)


class VolunteerChange(Strict):
    name = fields.String(validate=NAME)
    phone = Mobile(validate=[MOBILE, validate.Length(max=20)])
    zone_id = Id(allow_none=True)
    building_id = Id(allow_none=True)
    door_id = Id(allow_none=True)
    skills = fields.List(fields.String(validate=validate.OneOf(list(SKILLS))),
                         validate=validate.Length(max=len(SKILLS)))
    joined_on = fields.Date()


class ActiveIn(Strict):
    active = fields.Boolean(required=True)
    note = optional(LONG_TEXT)


class VolunteerQuery(Query):
    zone_id = Id(load_default=None)
    building_id = Id(load_default=None)
    active = fields.Boolean(load_default=None)
    skill = fields.String(load_default=None, validate=validate.OneOf(list(SKILLS)))


# -- posts

class AppointIn(Strict):
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    place_id = Id(load_default=None, allow_none=True)
    volunteer_id = Id(required=True)
    note = optional(LONG_TEXT)


class StepDownIn(Strict):
    note = optional(LONG_TEXT)


class PostQuery(Query):
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    place_id = Id(load_default=None)


# -- duties and hours

class DutyIn(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(list(DUTY_KINDS)))
    title = fields.String(required=True, validate=TEXT)
    zone_id = Id(load_default=None, allow_none=True)
    day = fields.Date(required=True)
    note = optional(LONG_TEXT)


class AssignIn(Strict):
    volunteer_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=500))


class MinutesIn(Strict):
    volunteer_id = Id(required=True)
    minutes = fields.Integer(required=True, strict=True,
                             validate=validate.Range(min=1, max=1440))


class DutyQuery(Query):
    zone_id = Id(load_default=None)
    month = fields.String(load_default=None, validate=MONTH)


class MonthQuery(Query):
    month = fields.String(load_default=None, validate=MONTH)


# -- cases

class CaseQuery(Query):
    state = fields.String(load_default=None, validate=validate.OneOf(list(CASE_STATES)))


class EnrolIn(Strict):
    name = optional(NAME)
    phone = Mobile(load_default=None, allow_none=True,
                   validate=[MOBILE, validate.Length(max=20)])
    zone_id = Id(load_default=None, allow_none=True)
    building_id = Id(load_default=None, allow_none=True)
    door_id = Id(load_default=None, allow_none=True)
    skills = fields.List(fields.String(validate=validate.OneOf(list(SKILLS))),
                         load_default=list, validate=validate.Length(max=len(SKILLS)))
    joined_on = fields.Date(load_default=None, allow_none=True)
    reply = optional(LONG_TEXT)


class ForwardIn(Strict):
    building_id = Id(required=True)
    note = optional(LONG_TEXT)


class NoteIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)


class ResolveIn(Strict):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = optional(LONG_TEXT)


class ReturnIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)


class ActivityQuery(Query):
    entity = fields.String(required=True, validate=validate.OneOf(
        ["zone", "building", "door", "volunteer", "post", "duty"]))
    entity_id = Id(required=True)
