"""What crosses sms_broadcast's staff API: request bodies and query strings. A staff body with a
field it does not know is refused (422); the SMS gateway's posts may carry fields of its own."""
from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from minzi.api import Id, PageQuery
from minzi.localtime import local_datetime_field

# the rules check a phone and a text (domain/checks.py); these bound what reaches them
PHONE = validate.Length(max=40)
TEXT = validate.Length(max=4000)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class PlaceSchema(Strict):
    """A new place of the grid. ``head_name`` / ``head_phone`` are here only to be refused by
    name (``head_from_volunteer_grid``): heads are appointed in the volunteer grid."""
    name = fields.String(required=True, validate=validate.Length(max=100))
    head_name = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=100))
    head_phone = fields.String(load_default=None, allow_none=True, validate=PHONE)


class ZoneSchema(PlaceSchema):
    pass


class BuildingSchema(PlaceSchema):
    zone_id = Id(required=True)


class DoorSchema(PlaceSchema):
    building_id = Id(required=True)


class ContactSchema(Strict):
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    phone = fields.String(required=True, validate=PHONE)
    zone_id = Id(load_default=None, allow_none=True)
    building_id = Id(load_default=None, allow_none=True)
    door_id = Id(load_default=None, allow_none=True)


class ContactChangeSchema(Strict):
    name = fields.String(allow_none=True, validate=validate.Length(max=100))
    phone = fields.String(validate=PHONE)
    zone_id = Id(allow_none=True)
    building_id = Id(allow_none=True)
    door_id = Id(allow_none=True)


class ConsentSchema(Strict):
    note = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class BroadcastSchema(Strict):
    text = fields.String(required=True, validate=TEXT)
    target = fields.String(load_default="community", validate=validate.Length(max=20))
    zone_id = Id(load_default=None, allow_none=True)
    building_id = Id(load_default=None, allow_none=True)
    scheduled_at = local_datetime_field(load_default=None, allow_none=True)


class ResolveSchema(Strict):
    result = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    reply = fields.String(load_default=None, validate=validate.Length(min=1, max=4000))


class ReturnSchema(Strict):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class GatewaySchema(Schema):
    """What the SMS gateway posts; fields it adds are ignored."""
    class Meta:
        unknown = EXCLUDE


class InboundSchema(GatewaySchema):
    from_ = fields.String(data_key="from", required=True, validate=validate.Length(min=1, max=30))
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    message_id = fields.String(required=True, validate=validate.Length(min=1, max=80))
    received_at = local_datetime_field(load_default=None, allow_none=True)


class DeliverySchema(GatewaySchema):
    # "minzi-sms-<message id>": nine digits at most, an id the database can hold
    reference = fields.String(required=True, validate=validate.Length(max=19))
    status = fields.String(required=True, validate=validate.OneOf(("delivered", "failed")))
    error = fields.String(load_default=None, allow_none=True, validate=TEXT)
    at = local_datetime_field(load_default=None, allow_none=True)


class ListQuery(PageQuery):
    """``?limit=&offset=`` (200 a page unless asked) and the filters a list may take."""
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    zone_id = Id(load_default=None)
    building_id = Id(load_default=None)
    state = fields.String(load_default=None, validate=validate.Length(max=20))
    opted_out = fields.Boolean(load_default=None)
