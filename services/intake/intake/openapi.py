"""Intake's part of the OpenAPI document, generated from its marshmallow schemas."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .api import router


def document():
    spec = APISpec(title="Minzi intake", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    router.openapi_paths(spec)
    built = spec.to_dict()
    return {"paths": built.get("paths", {}),
            "components": {"schemas": built.get("components", {}).get("schemas", {})}}
