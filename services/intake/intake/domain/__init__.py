"""The rules of the one window, as plain Python over intake's database (no nameko).

Receive (受理), act on the resident's behalf (代办), transfer (转办), chase (催办), reply (回复):
every matter has a destination, every case an answer. One module per subject:

- ``labels``: roles, channels, statuses and actions, with the words people read.
- ``access``: who acts (``Actor``), what a role may do, who sees a resident's details.
- ``accounts``: staff accounts, logging in, Open311 api keys.
- ``registry``: programs on the bus and the service types they offer, per community.
- ``desk``: the unit of work (``Desk``) and the record-keeping every action shares.
- ``registration``: registering a request, classifying it, checking its attributes.
- ``duplicates``: a repeat of a request still being handled is linked, not worked twice.
- ``assignment``: first-inquiry ownership, the station head's assignment, accepting, transfer.
- ``chasing``: time limits, reminders and escalation.
- ``reports``: what programs report about their cases; a program that stops serving.
- ``answers``: the result, the reply, the follow-up, reopening, closing as out of scope.
- ``figures``: 三率 and the on-time rate.
- ``views``: every read the API, the tracking page and ops serve.

A rule takes the moment it applies at (``desk.now`` or ``now``) as an argument; it never reads
the clock: the entrypoint or the API route reads it once and passes it in.
"""
