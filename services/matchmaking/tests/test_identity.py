"""Who a member is: the ID number's check character (GB 11643-1999), the birth date and gender it
carries, and the legal age of marriage (men 22, women 20), counted on the Beijing date."""
from datetime import UTC, date, datetime, timedelta

import pytest
from marshmallow import ValidationError

from matchmaking import schemas
from matchmaking.domain import identity, members

from .conftest import (
    LI_NA,
    MAN_22_TODAY,
    MAN_22_TOMORROW,
    NOW,
    STAFF,
    STANDARD_EXAMPLE,
    WELL_FORMED,
    WOMAN_20_TODAY,
    WOMAN_20_TOMORROW,
    ZHANG_WEI,
    C,
    person,
    refused,
)

CHECK_MISMATCH = "The ID number's check digit does not match: please check it."


def test_hand_computed_id_numbers_are_well_formed_and_say_who_they_are():
    for who in WELL_FORMED:
        number = who["id_number"]
        assert identity.id_number_problem(number) is None, number
        assert identity.id_check_char(number[:17]) == number[17], number
        assert identity.id_birth_date(number) == who["birth_date"]
        assert identity.id_gender(number) == who["gender"]
    # the numbers between them end in every one of the 11 check characters
    assert {who["id_number"][17] for who in WELL_FORMED} == set("10X98765432")


def test_the_standards_example_ends_in_x():
    assert identity.id_check_char("11010519491231002") == "X"
    assert identity.id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert identity.id_gender("11010519491231002X") == "female"


def test_any_other_check_character_is_refused():
    for who in WELL_FORMED:
        number = who["id_number"]
        for wrong in "0123456789X".replace(number[17], ""):
            assert identity.id_number_problem(number[:17] + wrong) == CHECK_MISMATCH


def test_malformed_id_numbers_are_refused_with_what_is_wrong():
    shape = "An ID number has 17 digits and a final digit or X."
    assert identity.id_number_problem("12345") == shape
    assert identity.id_number_problem("11010519491231002X0") == shape          # 19 characters
    assert identity.id_number_problem("1101051949123100X2") == shape           # X not last
    assert identity.id_number_problem("11010519491231002Y") == shape
    # 30 February 1994 with a correct check character:
    # 7+9+0+5+0+20+2+9+54+12+0+18+30+0+16+4+6 = 192 = 17*11 + 5 -> 7
    assert identity.id_number_problem("110105199402302137") == \
        "The ID number does not contain a valid birth date."


def test_id_numbers_are_masked_but_for_the_first_six_and_last_four():
    assert identity.mask_id_number("11010519491231002X") == "110105********002X"


def test_the_schema_names_a_bad_id_number_and_reads_a_small_x_as_x():
    data = {**person(), "birth_date": "1994-05-12"}
    # 17 digits of ZHANG_WEI with 0 for a check character, where 1 is right
    with pytest.raises(ValidationError) as err:
        schemas.MemberIn().load({**data, "id_number": "110105199405122130"})
    assert err.value.messages == {"id_number": [CHECK_MISMATCH]}
    loaded = schemas.MemberIn().load({**data, "id_number": "11010519491231002x"})
    assert loaded["id_number"] == "11010519491231002X"


def test_age_counts_whole_years_and_the_birthday_completes_one():
    assert identity.age_on(date(2004, 11, 28), date(2026, 11, 27)) == 21   # birthday tomorrow
    assert identity.age_on(date(2004, 11, 27), date(2026, 11, 27)) == 22   # birthday today
    assert identity.age_on(date(2004, 11, 26), date(2026, 11, 27)) == 22
    assert identity.age_on(date(2004, 12, 1), date(2026, 11, 27)) == 21    # a later month
    assert identity.age_on(date(2004, 10, 30), date(2026, 11, 27)) == 22   # an earlier month
    # born on 29 February: the year is complete on 1 March in a year without one
    assert identity.age_on(date(2004, 2, 29), date(2026, 2, 28)) == 21
    assert identity.age_on(date(2004, 2, 29), date(2026, 3, 1)) == 22


def test_a_man_whose_22nd_birthday_is_tomorrow_is_under_age_today(tx):
    with refused(tx, "under_marriage_age", field="birth_date", status=422) as err:
        members.register_member(tx, C, person(MAN_22_TOMORROW), STAFF, NOW)
    assert "22" in err.value.message_zh and "男" in err.value.message_zh
    assert err.value.message_en.startswith("Below the legal age of marriage (22)")
    assert members.register_member(tx, C, person(MAN_22_TODAY), STAFF, NOW).status == "pending"
    # the next day he may register
    tomorrow = NOW + timedelta(days=1)
    assert members.register_member(tx, C, person(MAN_22_TOMORROW), STAFF,
                                   tomorrow).status == "pending"


def test_a_woman_whose_20th_birthday_is_tomorrow_is_under_age_today(tx):
    with refused(tx, "under_marriage_age", field="birth_date") as err:
        members.register_member(tx, C, person(WOMAN_20_TOMORROW), STAFF, NOW)
    assert "20" in err.value.message_zh and "女" in err.value.message_zh
    assert members.register_member(tx, C, person(WOMAN_20_TODAY), STAFF, NOW).status == "pending"


def test_the_birthday_is_a_beijing_date(tx):
    # 23:59 on 26 November in Beijing (15:59 UTC): his 22nd birthday is still tomorrow
    before_midnight = datetime(2026, 11, 26, 15, 59, tzinfo=UTC)
    with refused(tx, "under_marriage_age"):
        members.register_member(tx, C, person(MAN_22_TODAY), STAFF, before_midnight)
    # 00:30 on 27 November in Beijing, though it is still the 26th in UTC: he is 22
    after_midnight = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)
    assert members.register_member(tx, C, person(MAN_22_TODAY), STAFF,
                                   after_midnight).status == "pending"


def test_birth_date_and_gender_must_agree_with_the_id_number(tx):
    with refused(tx, "birth_date_mismatch", field="birth_date", status=422):
        members.register_member(tx, C, person(birth_date=date(1994, 5, 13)), STAFF, NOW)
    with refused(tx, "gender_mismatch", field="gender", status=422):
        members.register_member(tx, C, person(gender="female"), STAFF, NOW)
    # LI_NA's details with ZHANG_WEI's number: both disagree, the birth date is named first
    with refused(tx, "birth_date_mismatch"):
        members.register_member(tx, C, person(LI_NA, id_number=ZHANG_WEI["id_number"]),
                                STAFF, NOW)


def test_the_standards_example_registers_as_the_woman_it_describes(tx):
    member = members.register_member(tx, C, person(STANDARD_EXAMPLE), STAFF, NOW)
    assert (member.gender, member.birth_date) == ("female", date(1949, 12, 31))


def test_each_refusal_of_who_a_member_is_says_why_in_both_languages(tx):
    def said(data):
        with refused(tx, data.pop("code")) as err:
            members.register_member(tx, C, person(**data), STAFF, NOW)
        return err.value.message_zh, err.value.message_en
    assert said({"code": "birth_date_mismatch", "birth_date": date(1994, 5, 13)}) == (
        "出生日期与身份证号码不一致", "The birth date does not match the ID number")
    assert said({"code": "gender_mismatch", "gender": "female"}) == (
        "性别与身份证号码不一致", "The gender does not match the ID number")
    assert said({"code": "under_marriage_age", **MAN_22_TOMORROW}) == (
        "未到法定婚龄（男满 22 周岁），不能登记",
        "Below the legal age of marriage (22): cannot register")
    assert said({"code": "under_marriage_age", **WOMAN_20_TOMORROW}) == (
        "未到法定婚龄（女满 20 周岁），不能登记",
        "Below the legal age of marriage (20): cannot register")
