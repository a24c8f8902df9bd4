"""Chinese first, English available: the few words the shared code itself says."""

# marshmallow's stock messages, as residents' and staff's screens show them.
_MARSHMALLOW_ZH = {
    "Missing data for required field.": "必填",
    "Field may not be null.": "不能为空",
    "Not a valid string.": "应为文本",
    "Not a valid integer.": "应为整数",
    "Not a valid number.": "应为数字",
    "Not a valid boolean.": "应为是/否",
    "Not a valid datetime.": "应为日期时间（ISO 8601）",
    "Not a valid date.": "应为日期（YYYY-MM-DD）",
    "Not a valid time.": "应为时间（HH:MM）",
    "Not a valid email address.": "邮箱格式不对",
    "Not a valid list.": "应为列表",
    "Not a valid mapping type.": "应为对象",
    "Not a valid UUID.": "应为 UUID",
    "Not a valid decimal.": "应为数字",
    "Unknown field.": "不认识的字段",
    "Invalid input type.": "输入类型不对",
    "Invalid value.": "取值无效",
    "Shorter than minimum length {min}.": "太短",
    "Must be one of: {choices}.": "取值无效",
    "The end date is before the start date": "结束日期早于开始日期",
    "Contains a character that cannot be stored (such as \\x00).": "含有无法保存的字符（如 \\x00）",
}


Names = dict[str, tuple[str, str]]   # a code list: code -> (中文, English)


def label(names: Names, code: str | None, lang: str = "zh") -> str | None:
    """A code's name in the reader's language; a code the list does not know is shown as is."""
    pair = names.get(code) if code is not None else None
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


def register_messages(translations: dict[str, str]) -> None:
    """A service's own English validation messages with their Chinese, e.g. from its schemas."""
    _MARSHMALLOW_ZH.update(translations)


def zh(message: str) -> str:
    if message in _MARSHMALLOW_ZH:
        return _MARSHMALLOW_ZH[message]
    if message.startswith("Must be one of:"):
        return "取值应为其中之一：" + message[len("Must be one of:"):].strip().rstrip(".")
    if message.startswith("Must be greater than or equal to") and " and " in message:
        low, high = message[len("Must be greater than or equal to"):].strip().rstrip(".").split(
            " and less than or equal to ")
        return f"应在 {low} 到 {high} 之间"
    if message.startswith("Must be greater than or equal to"):
        return "不能小于" + message[len("Must be greater than or equal to"):].strip().rstrip(".")
    if message.startswith("Must be greater than"):
        return "必须大于" + message[len("Must be greater than"):].strip().rstrip(".")
    if message.startswith("Must be less than or equal to"):
        return "不能大于" + message[len("Must be less than or equal to"):].strip().rstrip(".")
    if message.startswith("Length must be between"):
        low, high = message[len("Length must be between"):].strip().rstrip(".").split(" and ")
        return f"长度应在 {low} 到 {high} 个字之间"
    if message.startswith("Longer than maximum length"):
        return "太长（最多 " + message.rsplit(" ", 1)[-1].rstrip(".") + " 个字）"
    return message


def field_errors(messages, lang: str = "zh"):
    """marshmallow's ``{"field": ["msg"], "nested": {"sub": [...]}}`` in the reader's language."""
    if lang != "zh":
        return messages
    if isinstance(messages, dict):
        return {key: field_errors(value, lang) for key, value in messages.items()}
    if isinstance(messages, list):
        return [field_errors(value, lang) for value in messages]
    return zh(messages) if isinstance(messages, str) else messages
