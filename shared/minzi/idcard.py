"""The resident ID number (GB 11643-1999), for every program that takes one: its check character,
what is wrong with a number typed in, and the masked form shown to whoever may not see it all."""
from datetime import datetime

# the weights of the first 17 digits, and the check character of the sum mod 11
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """The 18th character of the ID number whose first 17 digits are ``first17``."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str) -> str | None:
    """None when ``value`` is a well-formed 18-character resident ID number (GB 11643), else
    what is wrong with it (in English; a service's schemas register the Chinese)."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return "An ID number has 17 digits and a final digit or X."
    if id_check_char(value[:17]) != value[17]:
        return "The ID number's check digit does not match: please check it."
    try:
        datetime.strptime(value[6:14], "%Y%m%d")
    except ValueError:
        return "The ID number does not contain a valid birth date."
    return None


def mask_id_number(id_number: str) -> str:
    """Where the number was issued (the first six) and its last four; the birth date hidden."""
    return id_number[:6] + "********" + id_number[-4:]
