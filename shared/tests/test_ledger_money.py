"""Amounts: yuan in, integer fen kept, two-decimal strings out; never a float in between."""
from decimal import Decimal

import pytest

from minzi.money import AmountError, to_fen, yuan


@pytest.mark.parametrize("value, fen", [
    ("1000", 100000), ("1000.00", 100000), ("0.01", 1), ("12.5", 1250), (" 8.80 ", 880),
    (12, 1200), (Decimal("0.10"), 10), ("12.500", 1250), (0.1, 10), (19.99, 1999),
    ("99999999.99", 9999999999), ("100000000", 10_000_000_000),      # a hundred million: the most
    ("0000000000000000000000000001.5", 150),                         # thirty characters
    (" " * 20 + "8.80" + " " * 20, 880),                # spaces around it are not counted
])
def test_amounts_in_yuan_become_exact_fen(value, fen):
    assert to_fen(value) == fen


@pytest.mark.parametrize("value, code", [
    ("0", "not_positive"), ("-5", "not_positive"), (0, "not_positive"), ("0.00", "not_positive"),
    ("12.345", "too_many_decimals"), (0.005, "too_many_decimals"), ("1e-3", "too_many_decimals"),
    ("abc", "not_a_number"), ("", "not_a_number"), (None, "not_a_number"), (True, "not_a_number"),
    ("NaN", "not_a_number"), ("inf", "not_a_number"), (float("nan"), "not_a_number"),
    ("12,00", "not_a_number"), ([1], "not_a_number"), ("100000000.01", "too_large"),
    ("00000000000000000000000000001.5", "not_a_number"),              # thirty-one characters
    ("12_00", "not_a_number"),                        # 12.00 or 1200? like "12,00", refused
    ("1e999999999", "too_large"),                     # 10^999999999 yuan, typed short
    ("1e-999999999", "too_many_decimals"),            # 999999999 decimals: not 0 fen
    ("1.0000000000000000000000000001", "too_many_decimals"),  # 28 decimals: not 1.00 yuan
])
def test_bad_amounts_are_named(value, code):
    with pytest.raises(AmountError) as caught:
        to_fen(value)
    assert caught.value.code == code


@pytest.mark.parametrize("fen, text", [(0, "0.00"), (1, "0.01"), (100000, "1000.00"),
                                       (123456, "1234.56"), (-250, "-2.50")])
def test_fen_are_shown_with_two_decimals(fen, text):
    assert yuan(fen) == text


def test_what_a_bad_amount_is_told():
    """The words the form shows under the amount (the schema passes them on)."""
    told = {}
    for value in ("x", "0", "1.001", "100000000.01", "1" * 31):
        with pytest.raises(AmountError) as caught:
            to_fen(value)
        told[value] = (caught.value.code, str(caught.value))
    assert told == {
        "x": ("not_a_number", "Not a valid amount."),
        "0": ("not_positive", "The amount must be greater than 0."),
        "1.001": ("too_many_decimals", "At most two decimal places (fen)."),
        "100000000.01": ("too_large", "The amount is too large."),
        "1" * 31: ("not_a_number", "Not a valid amount."),     # longer than any amount typed
    }
    for value in ([1], Decimal("Infinity")):                      # not a number of yuan at all
        with pytest.raises(AmountError) as caught:
            to_fen(value)
        assert (caught.value.code, str(caught.value)) == ("not_a_number", "Not a valid amount.")


@pytest.mark.parametrize("typed", [
    "nan", "NaN", "-nan", "sNaN", "inf", "+inf", "-inf", "Infinity", "-INFINITY", "INF", "",
    "   ", "十元", "¥12", "12元", "1.2.3",
])
def test_words_that_name_no_amount_are_told_what_an_amount_looks_like(typed):
    """What a volunteer sees under the amount (the form shows it as 金额应为数字（元），如
    "12.50"): the same words for anything that is not a number of yuan."""
    with pytest.raises(AmountError) as caught:
        to_fen(typed)
    assert (caught.value.code, str(caught.value)) == ("not_a_number", "Not a valid amount.")


@pytest.mark.parametrize("sent", [True, False, None])
def test_a_yes_no_or_nothing_sent_as_the_amount_is_not_a_number(sent):
    """A client sending JSON true, false or null: true is not 1 yuan, false is not 0."""
    with pytest.raises(AmountError) as caught:
        to_fen(sent)
    assert (caught.value.code, str(caught.value)) == ("not_a_number", "Not a valid amount.")
