"""The stray-cat fund's rules, as plain Python (no nameko): one module per subject.

- ``ledger``: the fund's money: donations, spending, reversals; exact, insert-only, never below
  zero. The rules are ``minzi.ledger``'s (any program with a fund keeps its books with them;
  amounts are ``minzi.money``'s integer fen); here is what is the cat fund's own.
- ``spending``: what the fund pays for (categories), and the fund's own check on a payment.
- ``cats``: the cats' records: found, sterilised, vaccinated, seen by a vet, their status.
- ``cases``: the stray-cat cases intake hands the fund (receive, chased, recalled) and how
  staff work them (a cat linked, progress, resolved or returned).
- ``report``: the public transparency report.
- ``access``: who may do what.
- ``labels``: what the fund's codes are called, in Chinese and English.
- ``views``: what the staff API shows: every read for a page or a list is here.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock. The
date money is booked on is the Beijing date of ``now``.
"""
