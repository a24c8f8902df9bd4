"""The matchmaking studio's rules, as plain Python (no nameko): one module per subject.

- ``codes``: the code lists (genders, education, statuses, topics, outcomes) and their names.
- ``access``: who may see members' data.
- ``identity``: resident ID numbers (GB 11643), age, the legal age of marriage.
- ``activity``: the record of who did what, when.
- ``members``: registering, changing, verifying with the police station, withdrawing.
- ``consultations``: phone consultations.
- ``introductions``: introducing two verified members, and how it went.
- ``figures``: the studio's figures by Beijing month.
- ``cases``: the cases intake hands the studio (receive, chased, recalled) and finishing them.
- ``views``: every read the staff API serves.

Every rule that changes something takes the transaction ``tx`` (``tx.session``, ``tx.publish``),
the community, who is acting (``minzi.api.actor``) and ``now``, and writes an ``Activity`` row
saying who did what, when. A rule that says no raises a ``DomainError`` before anything is
written, and the caller rolls the transaction back. A rule never reads the clock.

The rule everything else leans on: a member is seen by nobody but the studio's staff until the
police station has verified their identity. Only verified members are listed as candidates, and
only verified members can be introduced.
"""
