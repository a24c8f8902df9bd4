"""社区招聘会's rules, as plain Python (no nameko): one module per subject.

- ``codes``: the code lists (schooling, kinds of applicant, statuses) and their names.
- ``credit_code``: the unified social credit code (GB 32100-2015) and its check characters.
- ``access``: who may do what.
- ``activity``: the record of who did what, when (and for which employer).
- ``employers``: registering, verifying or rejecting; the gate on publishing.
- ``fairs``: planning fairs, inviting verified employers.
- ``positions``: positions posted for a fair.
- ``applicants``: registering job seekers with their consent.
- ``applications``: applying once, withdrawing, check-in, interviews and hires.
- ``matching``: positions ranked for an applicant, with reasons.
- ``figures``: a fair's figures, counted from its records.
- ``export``: the figures and the applicant list as xlsx.
- ``cases``: the cases intake hands the program, and finishing them.
- ``views``: what the staff API shows, personal data masked where it must be.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock. A rule
that says no raises a ``DomainError`` before anything is written.
"""
