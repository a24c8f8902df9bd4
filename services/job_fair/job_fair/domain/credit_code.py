"""The unified social credit code (统一社会信用代码, GB 32100-2015) on a business licence.

18 characters from 0-9 and the capital letters without I, O, Z, S, V (31 characters, worth 0 to
30 in that order): the registering authority (1), the kind of organisation (1), the
administrative division (6 digits), the organisation code (9, itself ending in a GB 11714 check
character), and the check character. The check: each of the first 17 characters' value times
3**i mod 31 (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28), summed; 31 - sum mod 31 is the
value of the 18th (31 counts as 0)."""
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = tuple(3 ** i % 31 for i in range(17))
# GB 11714-1997, the organisation code's own check over its first 8 characters (0-9 and A-Z
# worth 0-35): 11 - sum mod 11, 10 written X and 11 written 0
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

FORM = "A credit code has 18 characters: digits and capital letters other than I, O, Z, S, V."
DIVISION = "The credit code's administrative division (characters 3-8) must be digits."
ORG_CHECK = "The organisation code inside the credit code (characters 9-17) does not check."
CHECK = "The credit code's check character does not match: please check it."


def check_char(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def credit_code_problem(code: str) -> str | None:
    """None for a well-formed credit code, else what is wrong with it (English; the schemas
    register the Chinese)."""
    if len(code) != 18 or any(c not in CHARSET for c in code):
        return FORM
    if not code[2:8].isdigit():
        return DIVISION
    if org_check_char(code[8:16]) != code[16]:
        return ORG_CHECK
    if check_char(code[:17]) != code[17]:
        return CHECK
    return None
