"""What crosses intake's boundary, with the checks that give a named error for bad input."""
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from minzi.api import Id, PageQuery, PeriodQuery
from minzi.contract import COMMUNITY_ID, PROGRAM_ID, SERVICE_CODE, URGENCIES
from minzi.i18n import message

from .domain.figures import GROUPS
from .domain.labels import CHANNELS, ROLES, STATUS_LABELS

# the contract's patterns end in $, which lets a trailing newline through: their length is
# bounded to the column as well
PROGRAM = (PROGRAM_ID, validate.Length(max=41))
SERVICE = (SERVICE_CODE, validate.Length(max=61))
COMMUNITY = (COMMUNITY_ID, validate.Length(max=41))
PHONE = validate.Regexp(r"^\+?[0-9][0-9\- ]{4,19}$",
                        error=message("电话号码格式不对", "Not a phone number."))
TEXT = validate.Length(min=1, max=4000)
NEEDS_PROGRAM = message("项目工作人员和承办人须指明所属项目",
                        "Program staff and handlers belong to a program.")
MEMBER_NEEDS_PROGRAM = message("共建单位联系人须指明所属项目（如 co_building）",
                               "A member unit's contact belongs to a program (e.g. co_building).")
NEEDS_PHONE = message("电话、短信渠道须留电话", "A phone number is needed for this channel.")
GROUPS_ERROR = message("只能按 program、month、community 分组",
                       "Group by program, month or community.")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class LoginSchema(Strict):
    username = fields.String(required=True, validate=validate.Length(min=1, max=60))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class PasswordChangeSchema(Strict):
    old_password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, validate=validate.Length(min=10, max=200))


class ProgramRegistrationSchema(Strict):
    program_id = fields.String(required=True, validate=PROGRAM)
    communities = fields.List(fields.String(validate=COMMUNITY), required=True,
                              validate=validate.Length(min=1, max=20))
    service_codes = fields.List(fields.String(validate=SERVICE), required=True,
                                validate=validate.Length(min=1, max=50))


class StaffCreateSchema(Strict):
    username = fields.String(required=True, validate=[validate.Regexp(
        r"^[a-z0-9_.\-]{2,60}$",
        error=message("用户名只能用小写字母、数字和 _ . -（2 到 60 个）",
                      "Must be 2 to 60 characters: lowercase letters, digits, _, . or -")),
        validate.Length(max=60)])
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    community = fields.String(load_default=None, validate=COMMUNITY)
    program_id = fields.String(load_default=None, allow_none=True, validate=PROGRAM)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=8, max=200))

    @validates_schema
    def _program_staff_name_program(self, data: dict, **_: object) -> None:
        if data["role"] in ("program_staff", "handler") and not data.get("program_id"):
            raise ValidationError(NEEDS_PROGRAM, "program_id")
        if data["role"] == "member_unit" and not data.get("program_id"):
            raise ValidationError(MEMBER_NEEDS_PROGRAM, "program_id")


class ApiKeyCreateSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class CaseCreateSchema(Strict):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    description = fields.String(required=True, validate=TEXT)
    resident_name = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Length(max=100))
    resident_phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    resident_contact = fields.String(load_default=None, allow_none=True,
                                     validate=validate.Length(max=200))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    lat = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    long = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))
    service_code = fields.String(load_default=None, allow_none=True, validate=SERVICE)
    attributes = fields.Dict(keys=fields.String(validate=validate.Length(max=60)),
                             load_default=dict, validate=validate.Length(max=50))
    community = fields.String(load_default=None, validate=COMMUNITY)
    # staff may raise it (emergency 2 h, utilities 24 h, general 7 days, complex 15 days)
    urgency = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(URGENCIES))

    @validates_schema
    def _reachable(self, data: dict, **_: object) -> None:
        if data["channel"] in ("phone", "sms") and not data.get("resident_phone"):
            raise ValidationError(NEEDS_PHONE, "resident_phone")


class AssignSchema(Strict):
    service_code = fields.String(required=True, validate=SERVICE)
    note = fields.String(load_default=None, allow_none=True, validate=TEXT)


class AcceptSchema(Strict):
    handler = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    on_behalf_of = fields.String(load_default=None, allow_none=True,
                                 validate=validate.Length(min=1, max=100))
    note = fields.String(load_default=None, allow_none=True, validate=TEXT)


class TransferSchema(Strict):
    service_code = fields.String(required=True, validate=SERVICE)
    note = fields.String(required=True, validate=TEXT)


class ChaseSchema(Strict):
    note = fields.String(load_default=None, allow_none=True, validate=TEXT)


class ResolveSchema(Strict):
    result = fields.String(required=True, validate=TEXT)


class ReplySchema(Strict):
    text = fields.String(required=True, validate=TEXT)


class FollowUpSchema(Strict):
    resolved = fields.Boolean(required=True)
    satisfied = fields.Boolean(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=TEXT)


class ReopenSchema(Strict):
    note = fields.String(required=True, validate=TEXT)


class DuplicateSchema(Strict):
    duplicate_of = Id(required=True)


class OutOfScopeSchema(Strict):
    explanation = fields.String(required=True, validate=TEXT)
    referral = fields.String(required=True, validate=TEXT)


class FeedbackSchema(Strict):
    resolved = fields.Boolean(required=True)
    satisfied = fields.Boolean(required=True)
    comment = fields.String(load_default=None, allow_none=True, validate=TEXT)
    reopen = fields.Boolean(load_default=False)


class CaseListQuery(PageQuery):
    queue = fields.String(load_default="all", validate=validate.OneOf(
        ("all", "mine", "overdue", "escalated", "unassigned", "program")))
    status = fields.String(load_default=None, validate=validate.OneOf(tuple(STATUS_LABELS)))
    program_id = fields.String(load_default=None, validate=PROGRAM)


TRACKING_CODE = validate.Regexp(r"^[A-Za-z0-9]{1,20}$", error=message(
    "查询码只含字母和数字", "A tracking code is letters and digits."))
PHONE_SEARCH = validate.Regexp(r"^\+?[0-9][0-9\- ]{6,19}$", error=message(
    "请输入完整的电话号码（至少 7 位数字）", "Give the whole phone number (7 digits or more)."))
SEARCH_TEXT = validate.Length(min=1, max=100)


class CaseSearchQuery(CaseListQuery, PeriodQuery):
    """A queue (``CaseListQuery``) narrowed by a search: ``tracking_code`` (exact), ``phone``
    (the whole number: a masked phone is not to be guessed digit by digit), ``name`` and
    ``address`` (a part of it), ``q`` (every word in the request's text, name, address or
    tracking code), ``from``/``to`` (Beijing dates of registration, inclusive)."""
    tracking_code = fields.String(load_default=None, validate=TRACKING_CODE)
    phone = fields.String(load_default=None, validate=PHONE_SEARCH)
    name = fields.String(load_default=None, validate=SEARCH_TEXT)
    address = fields.String(load_default=None, validate=SEARCH_TEXT)
    q = fields.String(load_default=None, validate=SEARCH_TEXT)

    @pre_load
    def _blank_is_absent(self, data, **_: object):
        """A search form's empty boxes search for nothing, not for an empty text."""
        return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}


class FiguresQuery(PeriodQuery):
    """``?from=&to=`` (Beijing dates, inclusive), ``group_by`` (some of program, month,
    community) and ``program_id``."""
    group_by = fields.String(load_default=",".join(GROUPS), validate=validate.Length(max=100))
    program_id = fields.String(load_default=None, validate=PROGRAM)

    @validates_schema
    def _groups(self, data: dict, **_: object) -> None:
        groups = [g.strip() for g in data["group_by"].split(",") if g.strip()]
        bad = [g for g in groups if g not in GROUPS]
        if bad or not groups:
            raise ValidationError(GROUPS_ERROR, "group_by")
