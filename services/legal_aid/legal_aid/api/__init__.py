"""The legal-aid home's staff API, served by the gateway at /api/v1/programs/legal_aid/…, one
module a subject: ``lectures``, ``consultations`` (days, slots, bookings), ``receptions`` (and
visitors), ``cases`` (and the activity record), ``lawyers``, ``figures`` (with the reference lists
they are grouped by). Who may do what is in ``domain/access.py``; staff only ever see their own
community's records.

A route checks who is asking, opens a session or a transaction, reads the clock once and hands
it to the rules, and returns what ``domain/views.py`` shows.
"""
from . import cases, consultations, figures, lawyers, lectures, receptions
from .common import router

__all__ = ["cases", "consultations", "figures", "lawyers", "lectures", "receptions", "router"]
