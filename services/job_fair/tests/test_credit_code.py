"""The unified social credit code (GB 32100-2015) as printed on real business licences, and the
organisation code inside it (GB 11714-1997). Each expected check character is worked out by hand
beside it: GB 32100 weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 over the first 17
characters (0-9, then A=10 B C D E F G H J K L M N P Q R T U W X Y=30), the check being
31 - sum mod 31 (31 read as 0); GB 11714 weights 3 7 9 10 5 8 4 2 over the organisation code's
first 8 characters (A=10 ... Z=35), the check being 11 - sum mod 11 (10 written X, 11 written 0)."""
import pytest

from job_fair.domain.credit_code import (
    CHECK,
    DIVISION,
    FORM,
    ORG_CHECK,
    check_char,
    credit_code_problem,
    org_check_char,
)

# Published codes (the licences of well-known companies) and their sums:
PUBLISHED = [
    # State Grid (国家电网有限公司): sum 1304 = 42*31 + 2, 31-2 = 29 -> X; organisation code
    # 71093123: 21+7+0+90+15+8+8+6 = 155 = 14*11 + 1, 11-1 = 10 -> X (both checks are X)
    "9111000071093123XX",
    # Tencent (深圳市腾讯计算机系统有限公司): sum 966 = 31*31 + 5, 31-5 = 26 -> T;
    # 70846113: 21+0+72+40+30+8+4+6 = 181 = 16*11 + 5 -> 6
    "91440300708461136T",
    # Alibaba (阿里巴巴（中国）有限公司): sum 884 = 28*31 + 16, 31-16 = 15 -> F;
    # 71610585: 21+7+54+10+0+40+32+10 = 174 = 15*11 + 9 -> 2
    "91330100716105852F",
    # Baidu (北京百度网讯科技有限公司): sum 485 = 15*31 + 20, 31-20 = 11 -> B;
    # 80210043: 24+0+18+10+0+0+16+6 = 74 = 6*11 + 8 -> 3
    "91110000802100433B",
    # Xiaomi (小米科技有限责任公司): sum 999 = 32*31 + 7, 31-7 = 24 -> Q;
    # 55138508: 15+35+9+30+40+40+0+16 = 185 = 16*11 + 9 -> 2
    "91110108551385082Q",
    # China Mobile (中国移动通信集团有限公司): sum 508 = 16*31 + 12, 31-12 = 19 -> K;
    # 10001764: 3+0+0+0+5+56+24+8 = 96 = 8*11 + 8 -> 3
    "91110000100017643K",
]

# The standard's example 91350100M000100Y43 (sum 1640, organisation sum 139; conftest.py) with
# its organisation code's 7th character (weight 4) made 1: 139 + 4 = 143 = 13*11, 11-0 = 11 -> 0;
# the credit code then gains 10 (weight of the 15th character) and loses 4*28 for the check 4
# turned 0: 1640 + 10 - 112 = 1538 = 49*31 + 19, 31-19 = 12 -> C.
ORG_CHECK_ZERO = "91350100M000101Y0C"
# conftest.py's CODES[2]: the 8th character 2 makes the sum 0 mod 31, so the check is 0.
CHECK_ZERO = "91350102M000100Y40"


@pytest.mark.parametrize("code", [*PUBLISHED, ORG_CHECK_ZERO, CHECK_ZERO])
def test_published_and_worked_out_codes_are_valid(code):
    assert credit_code_problem(code) is None


@pytest.mark.parametrize("code", PUBLISHED)
def test_any_other_check_character_is_refused(code):
    # every one of the 31 characters but the right one is named as a wrong check
    wrong = [c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != code[17]]
    assert {credit_code_problem(code[:17] + c) for c in wrong} == {CHECK}


@pytest.mark.parametrize("code", [*PUBLISHED, ORG_CHECK_ZERO])
def test_any_other_organisation_check_is_refused(code):
    # 0-9 and X are the organisation code's possible checks; each other one is refused as such
    wrong = [c for c in "0123456789X" if c != code[16]]
    assert {credit_code_problem(code[:16] + c + code[17]) for c in wrong} == {ORG_CHECK}


def test_each_check_is_worked_out_from_exactly_its_characters():
    # 17 characters for the code's check, 8 for the organisation code's: one more or one fewer
    # is an error in the caller, never a check character made up from what is there
    assert [check_char(code[:17]) for code in PUBLISHED] == [code[17] for code in PUBLISHED]
    assert [org_check_char(code[8:16]) for code in PUBLISHED] == [code[16] for code in PUBLISHED]
    for wrong_length in (PUBLISHED[0][:16], PUBLISHED[0]):
        with pytest.raises(ValueError):
            check_char(wrong_length)
    for wrong_length in (PUBLISHED[0][8:15], PUBLISHED[0][8:17]):
        with pytest.raises(ValueError):
            org_check_char(wrong_length)


@pytest.mark.parametrize(("code", "problem"), [
    ("", FORM),
    ("9111000071093123X", FORM),              # 17 characters
    ("9111000071093123XXX", FORM),            # 19
    ("91440300708461136t", FORM),             # lower case
    ("91440300708461136O", FORM),             # O, I, Z, S and V are never used
    ("914403007084611365", CHECK),            # 18 good characters, the check 5 instead of T
    ("91440300708461136Z", FORM),
    ("91440300708461136S", FORM),
    ("91440300708461136V", FORM),
    ("91440300708461136I", FORM),
    ("91A40300708461136T", DIVISION),         # the division is characters 3-8: the 3rd a letter
    ("9144030A708461136T", DIVISION),         # the 8th a letter
    ("91440300708461137T", ORG_CHECK),        # the organisation code's check: 6, not 7
])
def test_what_is_wrong_with_a_code_is_named(code, problem):
    assert credit_code_problem(code) == problem


def test_the_problems_read_as_the_licence_desk_says_them():
    assert FORM == ("A credit code has 18 characters: digits and capital letters other than "
                    "I, O, Z, S, V.")
    assert DIVISION == "The credit code's administrative division (characters 3-8) must be digits."
    assert ORG_CHECK == ("The organisation code inside the credit code (characters 9-17) does "
                         "not check.")
    assert CHECK == "The credit code's check character does not match: please check it."
