"""The unified social credit code (统一社会信用代码, GB 32100-2015) printed on a merchant's
business licence.

Its 18 characters are taken from the 31 of ``ALPHABET`` (0-9 and the capital letters but
I, O, S, V and Z), worth 0 to 30 in that order. Characters 3 to 8 are the administrative
division (digits); characters 9 to 17 the organisation code, whose 9th character is a GB 11714
check over its first 8 (0-9 and A-Z worth 0-35; weights 3 7 9 10 5 8 4 2; 11 - sum mod 11,
with 10 written X and 11 written 0). The 18th is the code's own check: the first 17 values
weighted by 3**i mod 31 and summed, 31 - sum mod 31 (31 read as 0)."""
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

SHAPE = "An 18-character code of digits and capital letters (no I, O, S, V or Z)."
DIVISION = "Characters 3 to 8 (the administrative division) must be digits."
ORG_CHECK = "The 17th character (the organisation code's check) is wrong."
CHECK = "The 18th character (the check character) is wrong: check the licence."


def check_character(first17: str) -> str:
    """The 18th character for the first 17."""
    if len(first17) != 17:
        raise ValueError("17 characters")
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check(first8: str) -> str:
    """The organisation code's 9th character for its first 8."""
    if len(first8) != 8:
        raise ValueError("8 characters")
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def problem(code: str) -> str | None:
    """What is wrong with ``code`` (in English; the schemas register the Chinese), or None."""
    if len(code) != 18 or not all(c in ALPHABET for c in code):
        return SHAPE
    if not code[2:8].isdigit():
        return DIVISION
    if organisation_check(code[8:16]) != code[16]:
        return ORG_CHECK
    if check_character(code[:17]) != code[17]:
        return CHECK
    return None
