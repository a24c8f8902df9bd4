"""Who a member is: the resident ID number (GB 11643-1999, checked by ``minzi.idcard``), the birth
date and gender it carries, and the legal age of marriage."""
from datetime import date, datetime
from typing import Any

from minzi.api import DomainError
from minzi.i18n import label
from minzi.idcard import id_check_char, id_number_problem, mask_id_number
from minzi.localtime import local_date

from .codes import GENDERS

__all__ = [
    "MARRIAGE_AGE",
    "age_on",
    "check_identity",
    "id_birth_date",
    "id_check_char",
    "id_gender",
    "id_number_problem",
    "mask_id_number",
]

# the legal age of marriage in China (民法典 第1047条): men 22, women 20
MARRIAGE_AGE = {"male": 22, "female": 20}


def id_birth_date(id_number: str) -> date:
    return datetime.strptime(id_number[6:14], "%Y%m%d").date()


def id_gender(id_number: str) -> str:
    """The 17th digit: odd for a man, even for a woman."""
    return "male" if int(id_number[16]) % 2 else "female"


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
