"""Chinese first, English available: the few words the shared code itself says, and the rule
every service follows for the rest.

The rule: an answer is in the language its request chose (``?lang=en`` or ``Accept-Language:
en``; Chinese otherwise), and says each thing once. A validation message is written in English,
as marshmallow carries it, with its Chinese registered here (``message``, ``register_messages``);
``field_errors`` shows the Chinese on Chinese screens. A name with both (a community, a program, a
service type, a code's label) is shown in the reader's language (``label``). Only text written
once for every reader (a manifest's attribute descriptions, a record's notes, an SMS) carries
both, as "中文 / English"."""
import re

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
    "Not a valid URL.": "应为网址（URL）",
    "Not a valid aware datetime.": "应为带时区的日期时间（ISO 8601）",
    "Not a valid naive datetime.": "应为不带时区的日期时间（ISO 8601）",
    "Not a valid tuple.": "应为列表",
    "Invalid type.": "类型不对",
    "Invalid input.": "输入无效",
    "String does not match expected pattern.": "格式不对",
    "Special numeric values (nan or infinity) are not permitted.": "不能是 NaN 或无穷大",
    "Number too large.": "数字太大",
    "Not a valid UUID.": "应为 UUID",
    "Not a valid decimal.": "应为数字",
    "Unknown field.": "不认识的字段",
    "Invalid input type.": "输入类型不对",
    "Invalid value.": "取值无效",
    "Must be one of: {choices}.": "取值无效",
    "The end date is before the start date": "结束日期早于开始日期",
    "Contains a character that cannot be stored (such as \\x00).": "含有无法保存的字符（如 \\x00）",
}
# messages with values in them, e.g. "Required: one of {choices}." (see ``message``)
_TEMPLATES: dict[str, tuple[re.Pattern, str]] = {}


Names = dict[str, tuple[str, str]]   # a code list: code -> (中文, English)


def label(names: Names, code: str | None, lang: str = "zh") -> str | None:
    """A code's name in the reader's language; a code the list does not know is shown as is."""
    pair = names.get(code) if code is not None else None
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


def register_messages(translations: dict[str, str]) -> None:
    """A service's own English validation messages with their Chinese, e.g. from its schemas."""
    for english, chinese in translations.items():
        message(chinese, english)


def message(chinese: str, english: str) -> str:
    """A message of a service's own with both its texts; returns the English, which is what
    marshmallow carries (``validate.Regexp(error=...)``, ``ValidationError(...)``), and Chinese
    screens show the Chinese (``field_errors``). ``{name}`` in both marks a value filled in
    later with ``str.format``:

        PHONE_ERROR = message("电话号码格式不对", "Not a phone number.")
        REQUIRED = message("必填，取值为其中之一：{choices}", "Required: one of {choices}.")
        REQUIRED.format(choices="cat, dog")    # 必填，取值为其中之一：cat, dog on Chinese screens
    """
    names = re.findall(r"\{(\w+)\}", english)
    if not names:
        _MARSHMALLOW_ZH[english] = chinese
        return english
    pattern = "".join(f"(?P<{part}>.+?)" if index % 2 else re.escape(part)
                      for index, part in enumerate(re.split(r"\{(\w+)\}", english)))
    _TEMPLATES[english] = (re.compile(f"^{pattern}$", re.S), chinese)
    return english


def pick(lang: str, chinese: str, english: str) -> str:
    """The one of two texts the reader's language asks for (Chinese unless it is ``en``)."""
    return english if lang == "en" else chinese


def zh(message: str) -> str:
    if message in _MARSHMALLOW_ZH:
        return _MARSHMALLOW_ZH[message]
    for pattern, chinese in _TEMPLATES.values():
        found = pattern.match(message)
        if found:
            return chinese.format(**found.groupdict())
    if message.startswith("Must be one of:"):
        return "取值应为其中之一：" + message[len("Must be one of:"):].strip().rstrip(".")
    bounds = _RANGE.match(message)
    if bounds:
        return _range_zh(*bounds.groups())
    if message.startswith("Length must be between"):
        low, high = message[len("Length must be between"):].strip().rstrip(".").split(" and ")
        return f"长度应在 {low} 到 {high} 个字之间"
    if message.startswith("Longer than maximum length"):
        return "太长（最多 " + message.rsplit(" ", 1)[-1].rstrip(".") + " 个字）"
    if message.startswith("Shorter than minimum length"):
        return "太短（至少 " + message.rsplit(" ", 1)[-1].rstrip(".") + " 个字）"
    if message.startswith("Length must be "):
        return "长度应为 " + message.rsplit(" ", 1)[-1].rstrip(".") + " 个字"
    return message


# validate.Range's words: "Must be greater than or equal to 1 and less than 10.", and each half
_RANGE = re.compile(r"^Must be (?:(greater than(?: or equal to)?) (\S+?))?(?: and )?"
                    r"(?:(less than(?: or equal to)?) (\S+?))?\.$")


def _range_zh(low_op: str | None, low: str | None, high_op: str | None,
              high: str | None) -> str:
    if low_op == "greater than or equal to" and high_op == "less than or equal to":
        return f"应在 {low} 到 {high} 之间"
    said = []
    if low_op:
        said.append(("不能小于" if low_op.endswith("equal to") else "必须大于") + low)
    if high_op:
        said.append(("不能大于" if high_op.endswith("equal to") else "必须小于") + high)
    return "，且".join(said)


def field_errors(messages, lang: str = "zh"):
    """marshmallow's ``{"field": ["msg"], "nested": {"sub": [...]}}`` in the reader's language."""
    if lang != "zh":
        return messages
    if isinstance(messages, dict):
        return {key: field_errors(value, lang) for key, value in messages.items()}
    if isinstance(messages, list):
        return [field_errors(value, lang) for value in messages]
    return zh(messages) if isinstance(messages, str) else messages
