"""Amounts of money: yuan in (``"12.50"``), integer fen kept, two-decimal strings out.

Nothing passes through float arithmetic: an amount is a ``Decimal`` until it is a whole number
of fen, and fen are shown by integer division.
"""
from decimal import Decimal, InvalidOperation

MAX_FEN = 100_000_000 * 100  # a hundred million yuan: anything above is a typing mistake


class AmountError(ValueError):
    """An amount that is not a positive number of yuan with at most two decimals."""

    def __init__(self, code: str, message_en: str):
        super().__init__(message_en)
        self.code = code


def to_fen(value: object) -> int:
    """Yuan (``"12.50"``, ``12``, ``Decimal("12.5")``) to integer fen; never through float math.

    A JSON number reaches Python as a float: it is taken by its shortest decimal spelling
    (``repr``), which is exactly what the sender wrote for any realistic amount.
    """
    if isinstance(value, bool) or value is None:
        raise AmountError("not_a_number", "Not a valid amount.")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 30 or text.lower() in ("nan", "inf", "infinity", "-inf",
                                                            "+inf", "-nan"):
            raise AmountError("not_a_number", "Not a valid amount.")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise AmountError("not_a_number", "Not a valid amount.") from None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise AmountError("not_a_number", "Not a valid amount.")
    if value <= 0:
        raise AmountError("not_positive", "The amount must be greater than 0.")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise AmountError("too_many_decimals", "At most two decimal places (fen).")
    fen = int(fen)
    if fen > MAX_FEN:
        raise AmountError("too_large", "The amount is too large.")
    return fen


def yuan(fen: int) -> str:
    """Integer fen as a yuan string with two decimals: 100000 -> ``"1000.00"``."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"
