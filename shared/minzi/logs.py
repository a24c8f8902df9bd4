"""Logging that never writes a resident's phone or ID number in full."""
import logging
import re

# Mainland mobile numbers (11 digits from 1[3-9]), landlines (010-xxxxxxxx), and 18-character
# resident ID numbers; the surrounding (?<!\d) / (?!\d) keep longer digit runs (ids, amounts)
# intact.
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{4}(\d{4})(?!\d)")


def mask(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_personal(value):
    """Every phone and ID number in a message body (strings, lists, objects) masked."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [mask_personal(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_personal(item) for key, item in value.items()}
    return value


def mask_phone(phone: str | None) -> str | None:
    """For showing a phone where the viewer needs to know which one, not to dial it."""
    if not phone:
        return phone
    digits = str(phone)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


class MaskingFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class MaskingFormatter(logging.Formatter):
    """Masks the whole formatted line, tracebacks included."""

    def format(self, record):
        return mask(super().format(record))
