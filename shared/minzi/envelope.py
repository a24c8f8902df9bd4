"""The envelope every message on the Minzi bus travels in.

    {"event_id": uuid, "type": "case.dispatched", "version": 1,
     "occurred_at": ISO-8601 UTC, "community": "rainbow-city", "source": "intake",
     "data": {...}}

Readers ignore fields they do not know (``unknown=EXCLUDE``), so a newer producer can add fields
without breaking an older consumer.
"""
import uuid
from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from . import schemas

SCHEMA_VERSION = 1


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    event_id = fields.UUID(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True)
    occurred_at = fields.DateTime(required=True)
    community = fields.String(load_default=None, allow_none=True)
    source = fields.String(required=True)
    data = fields.Dict(required=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


def isoformat(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def make_envelope(type_: str, data: dict, *, source: str, community: str | None = None,
                  version: int = SCHEMA_VERSION, event_id: str | None = None) -> dict:
    return {
        "event_id": str(event_id or uuid.uuid4()),
        "type": type_,
        "version": version,
        "occurred_at": isoformat(utcnow()),
        "community": community,
        "source": source,
        "data": data,
    }


class UnsupportedVersion(ValueError):
    pass


def read_envelope(body: dict, *, max_version: int = SCHEMA_VERSION) -> dict:
    """Validate an incoming envelope; raise ValidationError / UnsupportedVersion if unusable."""
    envelope = schemas.load(EnvelopeSchema, body)
    if envelope["version"] > max_version:
        raise UnsupportedVersion(
            f"message {envelope['event_id']} has version {envelope['version']}, "
            f"this consumer reads up to {max_version}")
    envelope["event_id"] = str(envelope["event_id"])
    return envelope


__all__ = [
    "SCHEMA_VERSION",
    "EnvelopeSchema",
    "UnsupportedVersion",
    "ValidationError",
    "isoformat",
    "make_envelope",
    "read_envelope",
    "utcnow",
]
