"""What crosses the agency's staff API, as marshmallow schemas with bounds. Unknown fields are
refused; the rules that need the database are in ``domain/``. Messages are English here and
Chinese on Chinese screens (``register_messages``)."""
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates

from minzi.api import Query
from minzi.i18n import register_messages

from .domain.catalogue import ITEMS
from .domain.codes import STAGES

USERNAME_ERROR = "Must be 2 to 60 characters: lowercase letters, digits, _, . or -"
ID_FORMAT_ERROR = "An ID number has 17 digits and a final digit or X."
register_messages({
    USERNAME_ERROR: "用户名只能用小写字母、数字和 _ . -（2 到 60 个）",
    # the same words as the other programs give this message (one registry for all)
    ID_FORMAT_ERROR: "身份证号码应为18位（17位数字加一位数字或X）",
})

USERNAME = [validate.Regexp(r"^[a-z0-9_.\-]{2,60}$", error=USERNAME_ERROR),
            validate.Length(max=60)]
NAME = validate.Length(min=1, max=100)
LONG_TEXT = validate.Length(min=1, max=4000)


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


class MatterQuery(Query):
    item = fields.String(load_default=None, validate=validate.OneOf(list(ITEMS)))
    stage = fields.String(load_default=None, validate=validate.OneOf(list(STAGES)))
    agent = fields.String(load_default=None, validate=USERNAME)


class NoteIn(Strict):
    note = optional(LONG_TEXT)


class StepIn(Strict):
    note = optional(LONG_TEXT)
    id_number = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=18, error=ID_FORMAT_ERROR),
                              metadata={
        "description": "申请人身份证号（《老年证》核验年龄时填写）/ the applicant's ID number"})

    @validates("id_number")
    def _id_number(self, value, **_):
        if value is not None and (len(value) != 18 or not value[:17].isdigit()
                                  or value[17] not in "0123456789X"):
            raise ValidationError(ID_FORMAT_ERROR)


class HandOffIn(Strict):
    to_username = fields.String(required=True, validate=USERNAME)
    to_name = fields.String(required=True, validate=NAME)
    note = fields.String(required=True, validate=LONG_TEXT)


class ResolveIn(Strict):
    result = fields.String(required=True, validate=LONG_TEXT)
    reply = optional(LONG_TEXT)


class ReturnIn(Strict):
    note = fields.String(required=True, validate=LONG_TEXT)
