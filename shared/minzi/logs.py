"""Logging that never writes a resident's phone or ID number in full."""
import logging
import re

# Every way the validators (and residents) write a number: mainland mobiles (11 digits from
# 1[3-9]) with or without +86 / 0086 / 86 before them, landlines (010-xxxxxxxx), 18-character
# resident ID numbers ending in a digit or X; digits half- or full-width (１３８…, as a Chinese
# keyboard types them), groups apart or joined by a space or a dash (138-0000-1111,
# 138 0000 1111). (?<!\d) / (?!\d) keep longer digit runs (ids, amounts) intact.
_SEP = r"[ \t\u3000\-－]?"
_ID_NUMBER = re.compile(rf"(?<![\dA-Za-zＡ-Ｚａ-ｚ])(\d{{6}}{_SEP})\d{{8}}({_SEP}\d{{3}}[\dXxＸｘ])"
                        r"(?![\dA-Za-zＡ-Ｚａ-ｚ])")
_MOBILE = re.compile(rf"(?<!\d)((?:(?:[+＋]|00|００)?[8８][6６]{_SEP})?[1１][3-9３-９]\d{_SEP})"
                     rf"\d{{4}}({_SEP}\d{{4}})(?!\d)")
_LANDLINE = re.compile(rf"(?<!\d)([0０]\d{{2,3}}{_SEP})\d{{4}}({_SEP}\d{{4}})(?!\d)")
# every number above has four digits in a row somewhere, however its groups are written
# (\d is half- and full-width alike)
_FOUR_DIGITS = re.compile(r"\d{4}")


def mask(text: str) -> str:
    if not _FOUR_DIGITS.search(text):
        return text   # (most texts: no number to mask, and three searches fewer)
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
