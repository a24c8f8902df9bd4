"""Amounts: yuan in, integer fen kept, two-decimal strings out; never a float in between."""
from decimal import Decimal

import pytest

from cat_fund.domain.money import AmountError, to_fen, yuan


@pytest.mark.parametrize("value, fen", [
    ("1000", 100000), ("1000.00", 100000), ("0.01", 1), ("12.5", 1250), (" 8.80 ", 880),
    (12, 1200), (Decimal("0.10"), 10), ("12.500", 1250), (0.1, 10), (19.99, 1999),
    ("99999999.99", 9999999999),
])
def test_amounts_in_yuan_become_exact_fen(value, fen):
    assert to_fen(value) == fen


@pytest.mark.parametrize("value, code", [
    ("0", "not_positive"), ("-5", "not_positive"), (0, "not_positive"), ("0.00", "not_positive"),
    ("12.345", "too_many_decimals"), (0.005, "too_many_decimals"), ("1e-3", "too_many_decimals"),
    ("abc", "not_a_number"), ("", "not_a_number"), (None, "not_a_number"), (True, "not_a_number"),
    ("NaN", "not_a_number"), ("inf", "not_a_number"), (float("nan"), "not_a_number"),
    ("12,00", "not_a_number"), ([1], "not_a_number"), ("100000000.01", "too_large"),
])
def test_bad_amounts_are_named(value, code):
    with pytest.raises(AmountError) as caught:
        to_fen(value)
    assert caught.value.code == code


@pytest.mark.parametrize("fen, text", [(0, "0.00"), (1, "0.01"), (100000, "1000.00"),
                                       (123456, "1234.56"), (-250, "-2.50")])
def test_fen_are_shown_with_two_decimals(fen, text):
    assert yuan(fen) == text
