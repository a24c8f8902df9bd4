"""Logs never hold a resident's phone or ID number in full (mainland formats, GB 11643 IDs)."""
import logging
import sys

import pytest

from minzi.logs import MaskingFilter, MaskingFormatter, mask, mask_personal, mask_phone


@pytest.mark.parametrize(("written", "logged"), [
    # mobiles: 11 digits, 1 then 3-9; the first three and the last four stay
    ("13012345678", "130****5678"),
    ("电话19987654321。", "电话199****4321。"),
    ("tel:15500001111,", "tel:155****1111,"),
    # landlines: a 3- or 4-digit area code from 0, an 8-digit number, with or without the dash
    ("座机 010-62345678", "座机 010-****5678"),
    ("0755-86001234", "0755-****1234"),
    ("01062345678", "010****5678"),
    # resident ID numbers (GB 11643): 6-digit region, 8-digit birth date, 3-digit order, check
    ("身份证110105194912310021", "身份证110105********0021"),
    ("ID 44030419900307123X ok", "ID 440304********123X ok"),
    ("44030419900307123x", "440304********123x"),
])
def test_phones_and_id_numbers_are_masked(written, logged):
    assert mask(written) == logged


@pytest.mark.parametrize("untouched", [
    "诉求 42 金额 100000",
    "12812345678",              # no mobile starts 12
    "1381234567",               # ten digits: not a phone
    "138123456789",             # twelve digits: an id or an amount
    "order 2138123456789",
    "AB110105194912310021",     # part of a longer code
    "1101051949123100210",      # nineteen digits
    "case 20261127000123 at 2026-11-27 08:00",
])
def test_other_numbers_stay_as_they_are(untouched):
    assert mask(untouched) == untouched


def test_a_phone_on_screen_shows_which_one_not_how_to_dial_it():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("62345678") == "623****5678"
    assert mask_phone("2345678") == "****"
    assert mask_phone(None) is None
    assert mask_phone("") == ""
    assert mask_phone(13812345678) == "138****5678"


def test_a_log_line_and_its_traceback_are_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call %s about %s",
                               ("13812345678", "case 7"), None)
    assert MaskingFilter().filter(record) is True
    assert (record.msg, record.args) == ("call 138****5678 about case 7", ())
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "case %s", (7,), None)
    assert MaskingFilter().filter(plain) is True
    assert (plain.msg, plain.args) == ("case %s", (7,))
    try:
        raise ValueError("bad phone 13812345678")
    except ValueError:
        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "for %s",
                                   ("110105194912310021",), sys.exc_info())
    line = MaskingFormatter("%(message)s").format(failed)
    assert line.startswith("for 110105********0021\n")
    assert "ValueError: bad phone 138****5678" in line
    assert "13812345678" not in line


@pytest.mark.parametrize(("written", "logged"), [
    # every way the phone validators take a mobile (intake, legal aid, matchmaking: digits,
    # spaces, dashes, a leading +; SMS broadcasts: +86, 0086 or 86 before it)
    ("+8613800001111", "+86138****1111"),
    ("+86 138 0000 1111", "+86 138 **** 1111"),
    ("+86-138-0000-1111", "+86-138-****-1111"),
    ("8613800001111", "86138****1111"),
    ("0086 13800001111", "0086 138****1111"),
    ("+13800001111", "+138****1111"),
    ("电话138-0000-1111", "电话138-****-1111"),
    ("138 0000 1111。", "138 **** 1111。"),
    ("1380000 1111", "138**** 1111"),
    # full-width digits, dash and space, as a Chinese keyboard types them in a description
    ("电话１３８００００１１１１", "电话１３８****１１１１"),
    ("１３８－００００－１１１１", "１３８－****－１１１１"),
    ("＋８６　１３８　００００　１１１１", "＋８６　１３８　****　１１１１"),
    # landlines, which the staff validators take: area code, then 8 digits, apart or not
    ("010 6234 5678", "010 **** 5678"),
    ("0755-8600-1234", "0755-****-1234"),
    ("０１０－６２３４５６７８", "０１０－****５６７８"),
    # 18-character ID numbers: a final X in either case or width, full-width digits, in groups
    ("身份证11010519491231002X", "身份证110105********002X"),
    ("11010519491231002x号", "110105********002x号"),
    ("１１０１０５１９４９１２３１００２Ｘ", "１１０１０５********００２Ｘ"),
    ("110105 19491231 002X", "110105 ******** 002X"),
])
def test_every_phone_and_id_format_the_validators_take_is_masked(written, logged):
    assert mask(written) == logged


@pytest.mark.parametrize("untouched", [
    "１２８１２３４５６７８",        # no mobile starts 12, full-width or not
    "１３８１２３４５６７８９",      # twelve digits
    "98613800001111",              # a longer run that only contains a +86 number
    "case 42 at 2026-11-29 18:40",
])
def test_other_full_width_or_grouped_numbers_stay_as_they_are(untouched):
    assert mask(untouched) == untouched



def test_a_message_body_is_masked_in_every_text_it_holds():
    body = {"resident": {"phone": "13911112222", "id": "110105194912310021"},
            "notes": ["联系 13911112222", 3], "count": 2, "empty": None}
    assert mask_personal(body) == {
        "resident": {"phone": "139****2222", "id": "110105********0021"},
        "notes": ["联系 139****2222", 3], "count": 2, "empty": None}
