"""The resident ID number (GB 11643-1999) every program checks the same way."""
from minzi.idcard import id_check_char, id_number_problem, mask_id_number


def test_the_standards_example_checks():
    # 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167 = 15*11 + 2 -> X
    assert id_check_char("11010519491231002") == "X"
    assert id_number_problem("11010519491231002X") is None


def test_what_is_wrong_is_named():
    assert id_number_problem("110105194912310021") == (
        "The ID number's check digit does not match: please check it.")
    assert id_number_problem("11010519491231002") == (
        "An ID number has 17 digits and a final digit or X.")
    # an X anywhere but last, even with a digit after it, is no ID number
    assert id_number_problem("1101051949123100X2") == (
        "An ID number has 17 digits and a final digit or X.")
    # 110105 19491331 002: no 31st of the 13th month; its check is 7+9+0+5+0+20+2+9+24+27+7+27
    # +30+5+0+0+4 = 176 = 16*11 + 0 -> 1
    assert id_number_problem("110105194913310021") == (
        "The ID number does not contain a valid birth date.")


def test_the_masked_number_hides_the_birth_date():
    assert mask_id_number("11010519491231002X") == "110105********002X"


def test_every_digit_counts_with_its_weight():
    # no digit of 41272619871116937 is 0, so a wrong weight anywhere changes the sum:
    # 28+9+20+35+16+24+2+9+48+21+7+9+10+30+72+12+14 = 366 = 33*11 + 3 -> 9
    assert id_check_char("41272619871116937") == "9"
    assert id_number_problem("412726198711169379") is None
    assert id_number_problem("41272619871116937X") == (
        "The ID number's check digit does not match: please check it.")
