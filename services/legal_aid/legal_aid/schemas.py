"""What crosses the legal-aid home's staff API, as marshmallow schemas (input is checked here;
the rules that need the database are in ``domain/``)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from minzi import api
from minzi.i18n import message
from minzi.localtime import local_datetime_field

from .domain.codes import CASE_STATUSES, LECTURE_STATUSES, OUTCOMES

PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{4,19}$",
                        error=message("电话号码格式不对", "Not a phone number."))
TEXT = validate.Length(min=1, max=200)
NAME = validate.Length(min=1, max=100)   # a person's name, as the records keep it
LONG_TEXT = validate.Length(min=1, max=4000)
NOBODY_MARKED = message("请至少标记一位出席或缺席", "Mark at least one person present or absent.")


class LawyerIn(Schema):
    name = fields.String(required=True, validate=NAME)
    firm = fields.String(load_default=None, allow_none=True, validate=TEXT)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)


class LawyerPatch(Schema):
    name = fields.String(validate=NAME)
    firm = fields.String(allow_none=True, validate=TEXT)
    phone = fields.String(allow_none=True, validate=PHONE)
    active = fields.Boolean()


class LectureIn(Schema):
    topic = fields.String(required=True, validate=TEXT)
    speaker = fields.String(required=True, validate=NAME)
    starts_at = local_datetime_field(required=True)
    ends_at = local_datetime_field(load_default=None, allow_none=True)
    place = fields.String(required=True, validate=TEXT)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=5000))
    description = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    already_held = fields.Boolean(load_default=False)   # 补录: a lecture held before, from records


class LecturePatch(Schema):
    topic = fields.String(validate=TEXT)
    speaker = fields.String(validate=NAME)
    starts_at = local_datetime_field()
    ends_at = local_datetime_field(allow_none=True)
    place = fields.String(validate=TEXT)
    capacity = fields.Integer(validate=validate.Range(min=1, max=5000))
    description = fields.String(allow_none=True, validate=LONG_TEXT)


class Reason(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class RegistrationIn(Schema):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(required=True, validate=PHONE)


class RegistrationCancel(Schema):
    code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class Person(Schema):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)


class AttendanceIn(Schema):
    present = fields.List(api.Id(), load_default=list, validate=validate.Length(max=5000))
    absent = fields.List(api.Id(), load_default=list, validate=validate.Length(max=5000))
    walk_ins = fields.List(fields.Nested(Person), load_default=list,
                           validate=validate.Length(max=5000))

    @validates_schema
    def _something(self, data, **_):
        if not (data["present"] or data["absent"] or data["walk_ins"]):
            raise ValidationError(NOBODY_MARKED, "present")


class SlotIn(Schema):
    lawyer_id = api.Id(required=True)
    starts_at = local_datetime_field(required=True)
    ends_at = local_datetime_field(required=True)
    # cut the range into slots this many minutes long
    minutes = fields.Integer(load_default=None, allow_none=True,
                             validate=validate.Range(min=5, max=480))


class SlotsIn(Schema):
    slots = fields.List(fields.Nested(SlotIn), required=True,
                        validate=validate.Length(min=1, max=200))


class DayIn(Schema):
    day = fields.Date(required=True)
    place = fields.String(required=True, validate=TEXT)
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    slots = fields.List(fields.Nested(SlotIn), load_default=list, validate=validate.Length(max=200))


class BookingIn(Schema):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(required=True, validate=PHONE)
    slot_id = api.Id(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class WalkInIn(Schema):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    slot_id = api.Id(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class VisitorIn(Schema):
    name = fields.String(required=True, validate=NAME)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    migrant = fields.Boolean(load_default=None, allow_none=True)


class ReceptionIn(Schema):
    visitor_id = api.Id(load_default=None, allow_none=True)
    visitor = fields.Nested(VisitorIn, load_default=None, allow_none=True)
    area_of_law = fields.String(required=True, validate=validate.Length(max=40))
    problem = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    outcome = fields.String(required=True, validate=validate.OneOf(list(OUTCOMES)))
    outcome_note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    lawyer_id = api.Id(load_default=None, allow_none=True)
    booking_id = api.Id(load_default=None, allow_none=True)
    case_id = api.Id(load_default=None, allow_none=True)
    received_at = local_datetime_field(load_default=None, allow_none=True)


class ReceptionPatch(Schema):
    area_of_law = fields.String(validate=validate.Length(max=40))
    problem = fields.String(allow_none=True, validate=LONG_TEXT)
    outcome = fields.String(validate=validate.OneOf(list(OUTCOMES)))
    outcome_note = fields.String(allow_none=True, validate=LONG_TEXT)
    lawyer_id = api.Id(allow_none=True)


class CaseBookIn(Schema):
    day_id = api.Id(required=True)
    slot_id = api.Id(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


class CaseNoteIn(Schema):
    note = fields.String(required=True, validate=LONG_TEXT)


class CaseResolveIn(Schema):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)
    note = fields.String(load_default=None, allow_none=True, validate=LONG_TEXT)


# -- query strings (unknown parameters are ignored) -----------------------------------------------

class Query(api.Query):
    """Staff work in their own community; the public names one (``?community=``)."""
    community = fields.String(load_default=None, validate=validate.Length(max=50))


class PeriodQuery(api.PeriodQuery, Query):
    """``?from=&to=``: Beijing dates, both inclusive (``date_from`` / ``date_to``)."""


class LectureQuery(PeriodQuery):
    status = fields.String(load_default=None,
                           validate=validate.OneOf(list(LECTURE_STATUSES)))


class ReceptionQuery(PeriodQuery, api.PageQuery):
    area_of_law = fields.String(load_default=None, validate=validate.Length(max=40))
    outcome = fields.String(load_default=None, validate=validate.OneOf(list(OUTCOMES)))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class VisitorQuery(Query):
    phone = fields.String(load_default=None, validate=validate.Length(max=40))
    name = fields.String(load_default=None, validate=validate.Length(max=100))


class CaseQuery(Query):
    status = fields.String(load_default=None, validate=validate.OneOf(list(CASE_STATUSES)))


class ActivityQuery(Query):
    entity = fields.String(required=True, validate=validate.OneOf(
        ["lawyer", "lecture", "registration", "consultation_day", "booking", "visitor",
         "reception", "case"]))
    entity_id = api.Id(required=True)
