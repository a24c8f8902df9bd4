"""养犬自律协会's rules, as plain Python (no nameko): one module per subject.

- ``codes``: the code lists (sizes, sexes, complaint kinds, offices, referrals) and their names.
- ``access``: who may do what.
- ``activity``: the record of who did what, when.
- ``settings``: what the station applies (dogs per household, key area, days ahead reminded).
- ``pledges``: the versions of the 《彩虹城社区养犬人文明公约》.
- ``members``: joining by signing the pledge, signing a new version, leaving.
- ``dogs``: a member's dogs, the rules of the 《北京市养犬管理规定》, rabies vaccinations.
- ``officers``: the president and the two vice-presidents, elected on a day.
- ``reminders``: dogs whose vaccination or registration falls due, reminded once per due date.
- ``cases``: the complaints intake hands the association, worked and answered or returned.
- ``figures``: members, dogs, vaccination current, complaints by kind and month, on time.
- ``views``: what the staff API shows, phones masked where they must be.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock. A rule
that says no raises a ``DomainError`` before anything is written.
"""
