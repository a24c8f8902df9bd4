"""全程代理's rules, as plain Python (no nameko): one module per subject.

- ``catalogue``: the twelve agency items (from ``manifest.yaml``): documents, steps, offices.
- ``codes``: the code lists (offices, stages, record actions) and their names.
- ``access``: who may do what.
- ``cases``: the cases intake hands the program (received, chased, recalled) and finding one.
- ``matters``: a matter worked end to end by the agent who owns it: taking it, the documents
  checklist, each step in order (the old-age card's age check among them), hand-offs, and
  resolving or returning it.
- ``figures``: matters by item, by stage, on time or late, by month.
- ``views``: what the staff API shows, the resident's details masked where they must be.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock. A rule
that says no raises a ``DomainError`` before anything is written.
"""
