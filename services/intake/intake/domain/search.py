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


def _contains(expression, part: str, grams: bool) -> ColumnElement:
    """``expression`` (already lower-cased) has ``part`` in it."""
    found = expression.contains(part, autoescape=True)
    pieces = sorted({part[i:i + 2] for i in range(len(part) - 1)})
    if not grams or not pieces:
        return found
    has_pieces = text_grams(expression).op("@>")(array(pieces, type_=Text))
    # two characters are their one piece: the index alone answers, and the planner, not
    # counting the same condition twice, sees how many cases have them
    # (else LIKE first: the cheaper test, where the database walks a queue in its order)
    return has_pieces if len(part) == 2 else found & has_pieces


def _has(column, text: str, grams: bool) -> ColumnElement:
    return _contains(func.lower(column), text.lower(), grams)


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
        found.append(_has(of.resident_name, q["name"].strip(), grams))
    if (q.get("address") or "").strip():
        found.append(_contains(address_key(of.address), normalise_address(q["address"]),
                               grams))
    for word in (q.get("q") or "").split():
        found.append(or_(_has(of.description, word, grams),
                         _has(of.resident_name, word, grams),
                         _contains(address_key(of.address), normalise_address(word), grams),
                         of.tracking_code == word.upper()))
    return found

