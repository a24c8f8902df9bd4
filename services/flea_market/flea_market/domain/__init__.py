"""跳蚤市场's rules, as plain Python (no nameko): one module per subject.

- ``codes``: the code lists (market states, sign-up states, case actions) and their names.
- ``access``: who may do what.
- ``markets``: market days planned, held with the head count staff made, or cancelled.
- ``signups``: residents' stalls: once per market per resident, never more than the stalls,
  numbers assigned, cancelled before the day.
- ``sales``: charity sales (义卖) on ``minzi.ledger``: each sale's proceeds in, the money handed
  to the beneficiary out, reversals, and the public report of what each market raised and where
  it went.
- ``cases``: the cases intake hands the program (a stall wanted, a question about swapping or
  giving things), answered with a reply for the resident or returned with why.
- ``figures``: markets held, participants, stalls, sales and money raised, from the records.
- ``views``: what the staff API shows, residents' phones masked for readers who do not work
  the market.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock. A rule
that says no raises a ``DomainError`` before anything is written.
"""
