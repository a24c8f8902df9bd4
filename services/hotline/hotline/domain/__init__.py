"""便民服务热线's rules, as plain Python (no nameko): one module per subject.

- ``codes``: the code lists (categories, merchant statuses, job states, case actions).
- ``credit_code``: the unified social credit code (GB 32100-2015) on a business licence.
- ``access``: who may do what.
- ``activity``: the record of who did what, when.
- ``merchants``: registering, vetting (licence checked, agreement signed), suspending.
- ``complaints``: complaints against merchants; 3 upheld in 12 months suspend a merchant.
- ``doors``: the building doors the guide card is posted at.
- ``cases``: the cases intake hands the hotline, resolved or returned.
- ``jobs``: a case routed to a merchant (by staff or by the fewest-open-jobs rule), the
  merchant's answers, the resident's rating.
- ``figures``: merchants, doors, calls by category and month, answers in time, ratings,
  complaints.
- ``views``: what the staff API and the public card show.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock. A rule
that says no raises a ``DomainError`` before anything is written.
"""
