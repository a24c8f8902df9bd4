"""The legal-aid home's rules, as plain Python (no nameko): one module per subject.

- ``codes``: the reference lists (areas of law, outcomes, case and lecture states) and their names.
- ``records``: what every change shares: the audit stamps, the activity record, finding a row of
  the right community.
- ``access``: who may do what (the program's operators, the station's front desk, the public).
- ``lawyers``: the volunteer lawyers.
- ``lectures``: law lectures, registrations with a waiting list, attendance.
- ``consultations``: consultation days and the lawyers' slots on them.
- ``bookings``: residents booked into a slot, walk-ins, cancellations.
- ``receptions``: visitors received and what came of each visit.
- ``cases``: the cases intake hands the program (receive, chased, recalled), booking them into a
  consultation day, progress notes, resolving or returning them.
- ``figures``: the program's figures for a period, counted from the records.
- ``views``: what the staff API shows: every read for a page or a list is here.

A rule that changes something takes the transaction ``tx`` (``tx.session``, and
``tx.publish(routing_key, data, community=...)`` writing to the outbox in the same commit), the
acting person (``minzi.api.actor``) and the moment it applies at (``now``, UTC); it never reads the
clock. A rule that says no raises ``DomainError`` before anything is flushed, or the caller's
transaction is rolled back: refused input changes nothing.
"""
