"""Finding cases: a queue narrowed by what the desk knows of a request (its tracking code, the
resident's phone, name or address, words of its text, when it was registered), in SQL.

On PostgreSQL a search for a part of a text also asks that the text have every two-character
piece of the part (``models.text_grams``, GIN-indexed): the index finds the few cases that may
match, and LIKE keeps those that do. Elsewhere LIKE alone."""
import re

from sqlalchemy import ColumnElement, Text, func, or_
from sqlalchemy.dialects.postgresql import array

from minzi.localtime import local_range

from ..models import Case, address_key, phone_digits, text_grams
from .duplicates import normalise_address

__all__ = ["address_key", "exact_conditions", "word_conditions", "words"]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _in_one_of(texts: list[tuple], grams: bool, also: tuple = ()) -> list[ColumnElement]:
    """A part of a text in one of ``texts`` (``(expression, part)``, the expression already
    lower-cased), or ``also`` holds. LIKE decides. With ``grams``, a second condition asks that
    one of the texts have every two-character piece of its part: that one the GIN indexes look
    up, and a database reading what they found tests each case with LIKE alone (the pieces'
    condition, in the same OR, would be computed again for every case)."""
    like = or_(*(e.contains(part, autoescape=True) for e, part in texts), *also)
    if not grams or any(len(part) < 2 for _, part in texts):
        return [like]   # (one character has no piece: LIKE alone)
    pieces = or_(*(text_grams(e).op("@>")(array(_pieces(part), type_=Text))
                   for e, part in texts), *also)
    return [pieces, like]


def _pieces(part: str) -> list[str]:
    """The two-character pieces of a part, each once."""
    return sorted({part[i:i + 2] for i in range(len(part) - 1)})


def words(q: dict) -> bool:
    """The search asks for words in a text (a name, an address, the request's own words)."""
    return bool((q.get("name") or "").strip() or (q.get("address") or "").strip()
                or (q.get("q") or "").split())


def exact_conditions(q: dict, of=Case) -> list[ColumnElement]:
    """What a search asks that an ordinary index answers: a tracking code, a phone, dates."""
    found: list[ColumnElement] = []
    if q.get("tracking_code"):
        found.append(of.tracking_code == q["tracking_code"].upper())
    if q.get("phone"):
        # the whole number, its spaces and dashes aside
        found.append(phone_digits(of.resident_phone) == _digits(q["phone"]))
    start, end = local_range(q.get("date_from"), q.get("date_to"))
    if start:
        found.append(of.created_at >= start)
    if end:
        found.append(of.created_at < end)
    return found


def word_conditions(q: dict, grams: bool = False, of=Case) -> list[ColumnElement]:
    """The words a search asks for, each somewhere in the case's texts. ``grams``: the database
    has ``minzi_grams`` and its indexes (PostgreSQL), and the conditions ask them too, so that
    the index finds the cases; without, LIKE alone (what reading a few cases in order needs)."""
    found: list[ColumnElement] = []
    if (q.get("name") or "").strip():
        found += _in_one_of([(func.lower(of.resident_name), q["name"].strip().lower())], grams)
    if (q.get("address") or "").strip():
        found += _in_one_of([(address_key(of.address), normalise_address(q["address"]))], grams)
    for word in (q.get("q") or "").split():
        found += _in_one_of([(func.lower(of.description), word.lower()),
                             (func.lower(of.resident_name), word.lower()),
                             (address_key(of.address), normalise_address(word))],
                            grams, also=(of.tracking_code == word.upper(),))
    return found
