"""Loading with marshmallow schemas made once.

Making a schema copies its declared fields (a deep copy), which costs more than most loads; a
schema holds no state from one load to the next, so one instance of each serves every message
and request (marshmallow's own examples keep them at module level)."""
from functools import cache
from typing import Any

from marshmallow import Schema


@cache
def _instance(schema: type[Schema]) -> Schema:
    return schema()


def load(schema: type[Schema], data: Any) -> Any:
    """``schema().load(data)``, with the schema made the first time only."""
    return _instance(schema).load(data)
