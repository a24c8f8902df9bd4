"""Finding cases: a queue narrowed by what the desk knows of a request (its tracking code, the
resident's phone, name or address, words of its text, when it was registered), in SQL."""
import re

from sqlalchemy import ColumnElement, func, or_

from minzi.localtime import local_range

from ..models import Case
from .duplicates import normalise_address


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_digits(column):
    """A stored phone's digits (it may be written with spaces, dashes or a +)."""
    for mark in (" ", "-", "+"):
        column = func.replace(column, mark, "")
    return column


def address_key(column):
    """An address as the duplicate rule compares them: no spaces, half- or full-width, any
    case."""
    return func.lower(func.replace(func.replace(column, " ", ""), "\u3000", ""))


def _has(column, text: str) -> ColumnElement:
    return func.lower(column).contains(text.lower(), autoescape=True)


def conditions(q: dict) -> list[ColumnElement]:
    """The SQL conditions of a search (``schemas.CaseSearchQuery``); none for a plain queue."""
    found: list[ColumnElement] = []
    if q.get("tracking_code"):
        found.append(Case.tracking_code == q["tracking_code"].upper())
    if q.get("phone"):
        # the whole number, its spaces and dashes aside
        found.append(_phone_digits(Case.resident_phone) == _digits(q["phone"]))
    if q.get("name"):
        found.append(_has(Case.resident_name, q["name"].strip()))
    if q.get("address"):
        found.append(address_key(Case.address).contains(normalise_address(q["address"]),
                                                     autoescape=True))
    for word in (q.get("q") or "").split():
        found.append(or_(_has(Case.description, word), _has(Case.resident_name, word),
                         address_key(Case.address).contains(normalise_address(word),
                                                         autoescape=True),
                         Case.tracking_code == word.upper()))
    start, end = local_range(q.get("date_from"), q.get("date_to"))
    if start:
        found.append(Case.created_at >= start)
    if end:
        found.append(Case.created_at < end)
    return found
