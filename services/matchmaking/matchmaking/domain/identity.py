"""Who a member is: the resident ID number (GB 11643-1999), the birth date and gender it carries,
and the legal age of marriage."""
from datetime import date, datetime
from typing import Any

from minzi.api import DomainError
from minzi.i18n import label
from minzi.localtime import local_date

from .codes import GENDERS

# the legal age of marriage in China (民法典 第1047条): men 22, women 20
MARRIAGE_AGE = {"male": 22, "female": 20}

# GB 11643-1999: the weights of the first 17 digits, and the check character of the sum mod 11
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """The 18th character of the ID number whose first 17 digits are ``first17``."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str) -> str | None:
    """None when ``value`` is a well-formed 18-character resident ID number (GB 11643), else
    what is wrong with it (in English; the schemas translate)."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return "An ID number has 17 digits and a final digit or X."
    if id_check_char(value[:17]) != value[17]:
        return "The ID number's check digit does not match: please check it."
    try:
        datetime.strptime(value[6:14], "%Y%m%d")
    except ValueError:
        return "The ID number does not contain a valid birth date."
    return None


def id_birth_date(id_number: str) -> date:
    return datetime.strptime(id_number[6:14], "%Y%m%d").date()


def id_gender(id_number: str) -> str:
    """The 17th digit: odd for a man, even for a woman."""
    return "male" if int(id_number[16]) % 2 else "female"


def mask_id_number(id_number: str) -> str:
    """Where the number was issued (the first six) and its last four; the birth date hidden. Every
    stored ID number is a checked 18-character one (the column is NOT NULL)."""
    return id_number[:6] + "********" + id_number[-4:]


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on ``day``: the birthday itself is the day a year is completed."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def check_identity(values: dict[str, Any], now: datetime) -> None:
    """The birth date and gender must be the ones the ID number carries, and the member must be
    of the legal age of marriage on ``now``'s Beijing date."""
    id_number = values["id_number"]
    if values["birth_date"] != id_birth_date(id_number):
        raise DomainError("birth_date_mismatch", "出生日期与身份证号码不一致",
                          "The birth date does not match the ID number", field="birth_date",
                          status=422)
    if values["gender"] != id_gender(id_number):
        raise DomainError("gender_mismatch", "性别与身份证号码不一致",
                          "The gender does not match the ID number", field="gender", status=422)
    minimum = MARRIAGE_AGE[values["gender"]]
    if age_on(values["birth_date"], local_date(now)) < minimum:
        raise DomainError("under_marriage_age", f"未到法定婚龄（{label(GENDERS, values['gender'])}"
                          f"满 {minimum} 周岁），不能登记",
                          f"Below the legal age of marriage ({minimum}): cannot register",
                          field="birth_date", status=422)
