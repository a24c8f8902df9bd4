"""片儿医's rules, as plain Python (no nameko): one module per subject.

- ``codes``: the code lists (sex, consent methods, readings, what a clinic offers, states) and
  their names in Chinese and English.
- ``access``: who may do what; above all, that only a registered doctor reads or writes medical
  data.
- ``doctors``: the program's own list of doctors (staff accounts registered by an admin or the
  program's staff), with what the notice board shows.
- ``records``: health records opened with consent, readings and visit notes, consent withdrawn.
- ``clinics``: free clinic days, sign-ups (once, up to capacity), attendance, the readings taken
  there going into consenting attendees' records.
- ``cases``: the house calls and consultations intake hands the program: accepted, visited,
  resolved with a reply or returned with why.
- ``figures``: records open, clinics held and attendance, house calls by month and on time.
- ``views``: what the staff API and the public card show.

A rule takes the moment it applies at (``now``) as an argument; it never reads the clock. A rule
that says no raises a ``DomainError`` before anything is written. Nothing here logs: medical data
never reaches a log.
"""
