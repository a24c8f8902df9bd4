"""共驻共建's rules, as plain Python (no nameko): one module per subject.

- ``codes``: the code lists (kinds of unit, commitments, issues, the six parties) and their names.
- ``access``: who may do what, and a member unit's contact reaching only their own unit.
- ``activity``: the record of who did what, when.
- ``units``: member units and their signed responsibility agreements.
- ``commitments``: the year's dual commitments, evidence, verification, who is behind.
- ``cases``: the cases intake hands the program (a resident's issue).
- ``issues``: sorting, assigning with a deadline, supervising (the timer's reminders), the
  outcome reported back to intake.
- ``meetings``: six-party joint meetings on the issues that need coordination.
- ``fund``: the co-building fund on ``minzi.ledger``, and its public report.
- ``figures``: issues by kind and state, deeds by unit, the fund.
- ``views``: what the staff API shows, residents' details masked where they must be.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock. A rule
that says no raises a ``DomainError`` before anything is written.
"""
