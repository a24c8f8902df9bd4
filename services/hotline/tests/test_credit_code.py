"""The unified social credit code (GB 32100-2015) on published business licences, each check
worked out by hand beside it.

GB 32100: the first 17 characters' values (0-9, then A=10 B C D E F G H J K L M N P Q R T U W
X Y=30) times the weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, summed; the check is
31 - sum mod 31 (31 read as 0). GB 11714 (the organisation code, characters 9-17): the first 8
characters' values (A=10 … Z=35) times 3 7 9 10 5 8 4 2; the check is 11 - sum mod 11 (10
written X, 11 written 0)."""
import pytest

from hotline.domain.credit_code import (
    ALPHABET,
    CHECK,
    DIVISION,
    ORG_CHECK,
    SHAPE,
    check_character,
    organisation_check,
    problem,
)

from .conftest import BAIDU, CHINA_MOBILE, HUAWEI, TENCENT, XIAOMI

PUBLISHED = [
    # Huawei (华为技术有限公司): 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831
    # = 26*31 + 25, 31-25 = 6; organisation code 19220382: 3+63+18+20+0+24+32+4 = 164
    # = 14*11 + 10, 11-10 = 1
    HUAWEI,
    # Baidu (北京百度网讯科技有限公司): sum 485 = 15*31 + 20, 31-20 = 11 -> B;
    # 80210043: 24+0+18+10+0+0+16+6 = 74 = 6*11 + 8, 11-8 = 3
    BAIDU,
    # Xiaomi (小米科技有限责任公司): sum 999 = 32*31 + 7, 31-7 = 24 -> Q;
    # 55138508: 15+35+9+30+40+40+0+16 = 185 = 16*11 + 9, 11-9 = 2
    XIAOMI,
    # Tencent (深圳市腾讯计算机系统有限公司): sum 966 = 31*31 + 5, 31-5 = 26 -> T;
    # 70846113: 21+0+72+40+30+8+4+6 = 181 = 16*11 + 5, 11-5 = 6
    TENCENT,
    # China Mobile (中国移动通信集团有限公司): sum 508 = 16*31 + 12, 31-12 = 19 -> K;
    # 10001764: 3+0+0+0+5+56+24+8 = 96 = 8*11 + 8, 11-8 = 3
    CHINA_MOBILE,
    # State Grid (国家电网有限公司): sum 1304 = 42*31 + 2, 31-2 = 29 -> X; 71093123:
    # 21+7+0+90+15+8+8+6 = 155 = 14*11 + 1, 11-1 = 10 -> X
    "9111000071093123XX",
]
# Baidu's code with the organisation code's 8th character 3 made 9 (weight 2: 74 + 12 = 86 =
# 7*11 + 9, 11-9 = 2, so the 17th becomes 2); the code's sum: 485 - 90 (3*30 at weight 30)
# + 270 (9*30) - 84 (3*28 at weight 28) + 56 (2*28) = 637 = 20*31 + 17, 31-17 = 14 -> E.
WORKED_OUT = "91110000802100492E"
# an organisation sum of 0 mod 11 gives 11, written 0: 00000000 sums to 0, 11-0 = 11 -> 0.
# The code 91110000 00000000 0: 9+3+9+27 = 48 = 1*31 + 17, 31-17 = 14 -> E
ORG_ZERO = "91110000000000000E"
# The standard's own example (GB 32100-2015), with letters in its organisation code (M = 21,
# Y = 30 in the code's values; M = 22, Y = 34 in GB 11714's): 9+3+27+135+0+26+0+0+21*20
# +0+0+0+8+0+0+30*30+4*28 = 1640 = 52*31 + 28, 31-28 = 3; M000100Y: 22*3+0+0+0+5+0+0+34*2 = 139
# = 12*11 + 7, 11-7 = 4
STANDARD = "91350100M000100Y43"
# the same with its 8th character 2 (weight 17): 1640 + 34 = 1674 = 54*31, 31-0 = 31, read as 0
CHECK_ZERO = "91350102M000100Y40"


@pytest.mark.parametrize("code", [*PUBLISHED, WORKED_OUT, ORG_ZERO, STANDARD, CHECK_ZERO])
def test_published_and_worked_out_codes_pass(code):
    assert problem(code) is None


@pytest.mark.parametrize("code", PUBLISHED)
def test_every_other_check_character_is_named_as_wrong(code):
    wrong = [c for c in ALPHABET if c != code[17]]
    assert {problem(code[:17] + c) for c in wrong} == {CHECK}


@pytest.mark.parametrize("code", PUBLISHED)
def test_every_other_organisation_check_is_named_as_wrong(code):
    wrong = [c for c in "0123456789X" if c != code[16]]
    assert {problem(code[:16] + c + code[17]) for c in wrong} == {ORG_CHECK}


def test_the_checks_take_exactly_their_characters():
    assert [check_character(c[:17]) for c in PUBLISHED] == ["6", "B", "Q", "T", "K", "X"]
    assert [organisation_check(c[8:16]) for c in PUBLISHED] == ["1", "3", "2", "6", "3", "X"]
    assert organisation_check("00000000") == "0"
    # letters in the organisation code count 10 to 35; a sum of 0 mod 31 gives the check 0
    assert (organisation_check(STANDARD[8:16]), check_character(STANDARD[:17]),
            check_character(CHECK_ZERO[:17])) == ("4", "3", "0")
    # a wrong length is the caller's error, and the error says the length wanted
    for wrong in (BAIDU[:16], BAIDU):
        with pytest.raises(ValueError, match=r"^17 characters$"):
            check_character(wrong)
    for wrong in (BAIDU[8:15], BAIDU[8:17]):
        with pytest.raises(ValueError, match=r"^8 characters$"):
            organisation_check(wrong)


@pytest.mark.parametrize(("code", "found"), [
    ("", SHAPE),
    (BAIDU[:17], SHAPE),                         # 17 characters
    (BAIDU + "B", SHAPE),                        # 19
    (BAIDU[:17] + "b", SHAPE),                   # lower case
    *[(BAIDU[:17] + c, SHAPE) for c in "IOSVZ"],  # never used
    ("91A10000802100433B", DIVISION),            # the 3rd character a letter
    ("9111000A802100433B", DIVISION),            # the 8th
    ("9135010AM000100Y43", DIVISION),            # the 8th, the 9th being a letter
    ("91110000802100443B", ORG_CHECK),           # the 17th 4, not 3
    ("91110000802100433C", CHECK),
])
def test_what_is_wrong_is_named(code, found):
    assert problem(code) == found
