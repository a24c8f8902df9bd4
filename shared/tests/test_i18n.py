"""What the shared code says to people, in Chinese first and English on request."""
import pytest
from marshmallow import Schema, ValidationError, fields, validate

from minzi.i18n import field_errors, register_messages, zh

# marshmallow's stock messages and what a resident's or staff member's screen shows instead
STOCK = [
    ("Missing data for required field.", "必填"),
    ("Field may not be null.", "不能为空"),
    ("Not a valid string.", "应为文本"),
    ("Not a valid integer.", "应为整数"),
    ("Not a valid number.", "应为数字"),
    ("Not a valid boolean.", "应为是/否"),
    ("Not a valid datetime.", "应为日期时间（ISO 8601）"),
    ("Not a valid date.", "应为日期（YYYY-MM-DD）"),
    ("Not a valid time.", "应为时间（HH:MM）"),
    ("Not a valid email address.", "邮箱格式不对"),
    ("Not a valid list.", "应为列表"),
    ("Not a valid mapping type.", "应为对象"),
    ("Not a valid UUID.", "应为 UUID"),
    ("Not a valid decimal.", "应为数字"),
    ("Unknown field.", "不认识的字段"),
    ("Invalid input type.", "输入类型不对"),
    ("Invalid value.", "取值无效"),
    ("The end date is before the start date", "结束日期早于开始日期"),
]


@pytest.mark.parametrize(("english", "chinese"), STOCK)
def test_each_stock_message_has_its_chinese(english, chinese):
    assert zh(english) == chinese


class Form(Schema):
    kind = fields.String(validate=validate.OneOf(["lecture", "consultation"]))
    seats = fields.Integer(validate=validate.Range(min=1, max=200))
    age = fields.Integer(validate=validate.Range(min=18))
    price = fields.Float(validate=validate.Range(min=0, min_inclusive=False))
    floor = fields.Integer(validate=validate.Range(max=30))
    code = fields.String(validate=validate.Length(min=2, max=6))
    note = fields.String(validate=validate.Length(max=10))


def errors(data, lang="zh"):
    with pytest.raises(ValidationError) as error:
        Form().load(data)
    return field_errors(error.value.messages, lang)


def test_bounds_and_choices_are_said_with_their_numbers():
    assert errors({"kind": "party", "seats": 0, "age": 16, "price": 0, "floor": 31,
                   "code": "x", "note": "一二三四五六七八九十十一"}) == {
        "kind": ["取值应为其中之一：lecture, consultation"],
        "seats": ["应在 1 到 200 之间"],
        "age": ["不能小于18"],
        "price": ["必须大于0"],
        "floor": ["不能大于30"],
        "code": ["长度应在 2 到 6 个字之间"],
        "note": ["太长（最多 10 个字）"]}


def test_english_readers_get_marshmallows_words_unchanged():
    messages = {"seats": ["Must be greater than or equal to 1 and less than or equal to 200."],
                "nested": {"0": {"kind": ["Missing data for required field."]}}}
    assert field_errors(messages, "en") == messages


def test_nested_errors_are_translated_at_every_depth_and_other_values_kept():
    assert field_errors({"items": {0: {"name": ["Missing data for required field."]}},
                         "_schema": ["Invalid input type.", {"when": ["Not a valid date."]}],
                         "count": 3}) == {
        "items": {0: {"name": ["必填"]}},
        "_schema": ["输入类型不对", {"when": ["应为日期（YYYY-MM-DD）"]}],
        "count": 3}
    assert field_errors("Field may not be null.") == "不能为空"


def test_a_message_nobody_translated_is_shown_as_it_is(monkeypatch):
    from minzi import i18n
    monkeypatch.setattr(i18n, "_MARSHMALLOW_ZH", dict(i18n._MARSHMALLOW_ZH))  # left as it was
    assert zh("The hall is booked that evening") == "The hall is booked that evening"
    register_messages({"The hall is booked that evening": "当晚礼堂已被预订"})
    assert zh("The hall is booked that evening") == "当晚礼堂已被预订"
