"""Finding cases: a queue narrowed by what the desk knows of a request (its tracking code, the
resident's phone, name or address, words of its text, when it was registered), in SQL.

On PostgreSQL a search for a part of a text also asks that the text have every two-character
piece of the part (``models.text_grams``, GIN-indexed): the index finds the few cases that may
match, and LIKE keeps those that do. The words of a request (``q``), each of which may be in
any of the case's texts, ask for all their pieces at once, in the pieces of the three texts
together (``models.case_text_grams``). Elsewhere LIKE alone."""
import re

from sqlalchemy import ColumnElement, Text, func, or_
from sqlalchemy.dialects.postgresql import array

from minzi.localtime import local_range

from ..models import Case, address_key, case_text_grams, phone_digits, text_grams
from .duplicates import normalise_address

__all__ = ["address_key", "exact_conditions", "word_conditions", "words"]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _part_of(expression, part: str, grams: bool) -> list[ColumnElement]:
    """A part of one text (``expression``, already lower-cased). LIKE decides. With ``grams``, a
    second condition asks that the text have every two-character piece of the part: that one
    the GIN index looks up, and a database reading what it found tests each case with LIKE
    alone."""
    like = expression.contains(part, autoescape=True)
    if not grams or len(part) < 2:
        return [like]   # (one character has no piece: LIKE alone)
    return [text_grams(expression).op("@>")(array(_pieces(part), type_=Text)), like]


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
        found += _part_of(func.lower(of.resident_name), q["name"].strip().lower(), grams)
    if (q.get("address") or "").strip():
        found += _part_of(address_key(of.address), normalise_address(q["address"]), grams)
    request_words = (q.get("q") or "").split()
    for word in request_words:
        found.append(or_(func.lower(of.description).contains(word.lower(), autoescape=True),
                         func.lower(of.resident_name).contains(word.lower(), autoescape=True),
                         address_key(of.address).contains(normalise_address(word),
                                                          autoescape=True),
                         of.tracking_code == word.upper()))
    # (a word has no spaces: its address form is its lower case, and so are its pieces)
    pieces = sorted({p for word in request_words for p in _pieces(word.lower())})
    if grams and pieces:
        # what every word found in a text has; a word that is a case's tracking code has none
        found.append(or_(case_text_grams(of).op("@>")(array(pieces, type_=Text)),
                         of.tracking_code.in_([word.upper() for word in request_words])))
    return found
