"""Amounts of money: yuan in (``"12.50"``), integer fen kept, two-decimal strings out.

Nothing passes through float arithmetic: an amount is a ``Decimal`` until it is a whole number
of fen, and fen are shown by integer division.
"""
from contextlib import suppress
from decimal import Decimal, InvalidOperation

MAX_YUAN = 100_000_000  # a hundred million yuan: anything above is a typing mistake
CENT = Decimal("0.01")


class AmountError(ValueError):
    """An amount that is not a positive number of yuan with at most two decimals."""

    def __init__(self, code: str, message_en: str):
        super().__init__(message_en)
        self.code = code


def to_fen(value: object) -> int:
    """Yuan (``"12.50"``, ``12``, ``Decimal("12.5")``) to integer fen; never through float math.

    A JSON number reaches Python as a float: it is taken by its shortest decimal spelling
    (``repr``), which is exactly what the sender wrote for any realistic amount. Text is read
    as a decimal number of at most 30 characters, spaces around it ignored; digit groups
    (``"12_00"``) are refused like a decimal comma, since either may mean a hundredfold mistake.
    """
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    elif isinstance(value, str) and len(value.strip()) <= 30 and "_" not in value:
        with suppress(InvalidOperation):   # not a number: left a string, refused below
            value = Decimal(value)          # "NaN" and "Infinity" too: not finite
    if not isinstance(value, Decimal) or not value.is_finite():
        raise AmountError("not_a_number", "Not a valid amount.")
    if value <= 0:
        raise AmountError("not_positive", "The amount must be greater than 0.")
    # compared exactly, before any arithmetic: "1e999999999" is too large, not an overflow, and
    # "1e-999999999" too many decimals, not rounded to 0 fen
    if value > MAX_YUAN:
        raise AmountError("too_large", "The amount is too large.")
    if value != value.quantize(CENT):
        raise AmountError("too_many_decimals", "At most two decimal places (fen).")
    return int(value * 100)


def yuan(fen: int) -> str:
    """Integer fen as a yuan string with two decimals: 100000 -> ``"1000.00"``."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"
