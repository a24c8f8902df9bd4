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


@pytest.mark.parametrize(("english", "chinese"), [
    ("Not a valid URL.", "应为网址（URL）"),
    ("Not a valid aware datetime.", "应为带时区的日期时间（ISO 8601）"),
    ("String does not match expected pattern.", "格式不对"),
    ("Shorter than minimum length 10.", "太短（至少 10 个字）"),
    ("Length must be 18.", "长度应为 18 个字"),
    ("Must be greater than 0 and less than 10.", "必须大于0，且必须小于10"),
    ("Must be greater than or equal to 1 and less than 10.", "不能小于1，且必须小于10"),
    ("Must be less than 5.", "必须小于5"),
    ("Must be 2 to 41 lowercase letters, digits or -, starting with a letter.",
     "应为 2 到 41 个小写字母、数字或 -，以字母开头"),
])
def test_every_message_a_schema_can_give_has_its_chinese(english, chinese):
    assert zh(english) == chinese


def test_a_message_with_both_texts_is_english_in_the_schema_and_chinese_on_chinese_screens(
        monkeypatch):
    from minzi import i18n
    monkeypatch.setattr(i18n, "_MARSHMALLOW_ZH", dict(i18n._MARSHMALLOW_ZH))
    monkeypatch.setattr(i18n, "_TEMPLATES", dict(i18n._TEMPLATES))
    phone = i18n.message("电话号码格式不对", "Not a phone number.")
    required = i18n.message("必填，取值为其中之一：{choices}", "Required: one of {choices}.")

    booking = Schema.from_dict({"phone": fields.String(
        validate=validate.Regexp(r"^\d+$", error=phone))})
    with pytest.raises(ValidationError) as error:
        booking().load({"phone": "call me"})
    messages = {**error.value.messages, "area": [required.format(choices="labour, family")]}
    assert field_errors(messages, "en") == {"phone": ["Not a phone number."],
                                            "area": ["Required: one of labour, family."]}
    assert field_errors(messages, "zh") == {"phone": ["电话号码格式不对"],
                                            "area": ["必填，取值为其中之一：labour, family"]}


def test_the_reader_gets_one_of_two_texts():
    from minzi.i18n import pick
    assert [pick(lang, "请先登录", "Log in first") for lang in ("zh", "en", "fr")] == [
        "请先登录", "Log in first", "请先登录"]
