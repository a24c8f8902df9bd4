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

__all__ = ["address_key", "conditions"]


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


def conditions(q: dict, grams: bool = False) -> list[ColumnElement]:
    """The SQL conditions of a search (``schemas.CaseSearchQuery``); none for a plain queue.
    ``grams``: the database has ``minzi_grams`` and its indexes (PostgreSQL)."""
    found: list[ColumnElement] = []
    if q.get("tracking_code"):
        found.append(Case.tracking_code == q["tracking_code"].upper())
    if q.get("phone"):
        # the whole number, its spaces and dashes aside
        found.append(phone_digits(Case.resident_phone) == _digits(q["phone"]))
    if q.get("name"):
        found.append(_has(Case.resident_name, q["name"].strip(), grams))
    if q.get("address"):
        found.append(_contains(address_key(Case.address), normalise_address(q["address"]),
                               grams))
    for word in (q.get("q") or "").split():
        found.append(or_(_has(Case.description, word, grams),
                         _has(Case.resident_name, word, grams),
                         _contains(address_key(Case.address), normalise_address(word), grams),
                         Case.tracking_code == word.upper()))
    start, end = local_range(q.get("date_from"), q.get("date_to"))
    if start:
        found.append(Case.created_at >= start)
    if end:
        found.append(Case.created_at < end)
    return found
