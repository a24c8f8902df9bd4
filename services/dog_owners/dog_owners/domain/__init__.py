"""养犬自律协会's rules, as plain Python (no nameko): one module per subject.

- ``cases``: the cases intake hands the program (receive, chased, recalled) and finishing them.
- ``access``: who may do what.
- ``views``: what the staff API shows.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock.
"""
