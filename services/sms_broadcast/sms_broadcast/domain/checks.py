"""What staff and the SMS gateway may send: mainland mobile numbers, a notice's text, names on
the grid, moments. A check that fails raises a named ``DomainError`` (422) on the field it is
about."""
import re
from datetime import UTC, datetime

from minzi.api import DomainError
from minzi.localtime import BEIJING

MAX_TEXT = 500
_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: object) -> str | None:
    """``+86 138-0000-1111`` -> ``13800001111``; None when it is not a mainland mobile number."""
    if raw is None:
        return None
    digits = re.sub(r"[\s\-()（）]", "", str(raw))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _PHONE.match(digits) else None


def check_phone(raw: object, field: str = "phone", required: bool = True) -> str | None:
    """The number normalised; None for an optional one left empty."""
    if raw in (None, "") and not required:
        return None
    phone = normalise_phone(raw)
    if phone is None:
        raise DomainError("bad_phone", "手机号应为 11 位大陆手机号码",
                          "A phone must be an 11-digit mainland mobile number",
                          field=field, status=422)
    return phone


def check_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("text_empty", "短信内容不能为空", "The text must not be empty",
                          field="text", status=422)
    if len(text) > MAX_TEXT:
        raise DomainError("text_too_long", f"短信内容不能超过 {MAX_TEXT} 字（现有 {len(text)} 字）",
                          f"The text may have at most {MAX_TEXT} characters ({len(text)} given)",
                          field="text", status=422)
    return text


def check_name(name: str | None, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("name_empty", "名称不能为空", "The name must not be empty",
                          field=field, status=422)
    return name


def aware(moment: datetime | None) -> datetime | None:
    """A moment in UTC; one given without a zone is Beijing wall-clock time."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(UTC)
