"""What crosses sms_broadcast's staff API: request bodies and query strings. A staff body with a
field it does not know is refused (422); the SMS gateway's posts may carry fields of its own."""
from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from minzi.api import PageQuery
from minzi.localtime import local_datetime_field


class Strict(Schema):
    class Meta:
        unknown = RAISE


class PlaceSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(max=100))
    head_name = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=100))
    head_phone = fields.String(load_default=None, allow_none=True)


class ZoneSchema(PlaceSchema):
    pass


class BuildingSchema(PlaceSchema):
    zone_id = fields.Integer(required=True)


class DoorSchema(PlaceSchema):
    building_id = fields.Integer(required=True)


class HeadSchema(Strict):
    head_name = fields.String(allow_none=True, validate=validate.Length(max=100))
    head_phone = fields.String(allow_none=True)


class ContactSchema(Strict):
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    phone = fields.String(required=True)
    zone_id = fields.Integer(load_default=None, allow_none=True)
    building_id = fields.Integer(load_default=None, allow_none=True)
    door_id = fields.Integer(load_default=None, allow_none=True)


class ContactChangeSchema(Strict):
    name = fields.String(allow_none=True, validate=validate.Length(max=100))
    phone = fields.String()
    zone_id = fields.Integer(allow_none=True)
    building_id = fields.Integer(allow_none=True)
    door_id = fields.Integer(allow_none=True)


class ConsentSchema(Strict):
    note = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class BroadcastSchema(Strict):
    text = fields.String(required=True)
    target = fields.String(load_default="community")
    zone_id = fields.Integer(load_default=None, allow_none=True)
    building_id = fields.Integer(load_default=None, allow_none=True)
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
    reference = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("delivered", "failed")))
    error = fields.String(load_default=None, allow_none=True)
    at = local_datetime_field(load_default=None, allow_none=True)


class ListQuery(PageQuery):
    """``?limit=&offset=`` (200 a page unless asked) and the filters a list may take."""
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    zone_id = fields.Integer(load_default=None)
    building_id = fields.Integer(load_default=None)
    state = fields.String(load_default=None)
    opted_out = fields.Boolean(load_default=None)
