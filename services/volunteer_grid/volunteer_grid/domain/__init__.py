"""志愿者网格（区长负责制）'s rules, as plain Python (no nameko): one module per subject.

- ``codes``: the code lists (posts, duty kinds, skills, case states) and their names.
- ``access``: who may do what.
- ``activity``: the record of who did what, when.
- ``grid``: zones, buildings in a zone, doors in a building.
- ``volunteers``: the roster: where each lives, skills, joined, active or not.
- ``posts``: commanders and heads, one holder at a time where the post is single, the history
  kept, every appointment published for the SMS broadcasts.
- ``duties``: duties with volunteers assigned, and the minutes each served.
- ``cases``: the cases intake hands the program (signing up, a matter for the building head).
- ``figures``: volunteers, heads by level, minutes by zone, month and volunteer.
- ``views``: what the staff API shows, phones masked where they must be; the public heads page.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock. A rule
that says no raises a ``DomainError`` before anything is written.
"""
