"""Schemas made once serve every load: each load's answer is its own."""
import pytest
from marshmallow import Schema, ValidationError, fields, validate

from minzi import schemas


class Made(Schema):
    times = 0
    name = fields.String(required=True, validate=validate.Length(max=4))
    age = fields.Integer(load_default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        Made.times += 1


def test_a_schema_is_made_once_and_each_load_answers_for_itself():
    Made.times = 0
    with pytest.raises(ValidationError) as refused:
        schemas.load(Made, {"name": "王小明同学", "age": "x"})
    assert refused.value.messages == {"name": ["Longer than maximum length 4."],
                                      "age": ["Not a valid integer."]}
    assert schemas.load(Made, {"name": "王芳"}) == {"name": "王芳", "age": None}
    with pytest.raises(ValidationError) as again:
        schemas.load(Made, {})
    assert again.value.messages == {"name": ["Missing data for required field."]}
    assert Made.times == 1
