"""可回复短信群发's rules, as plain Python (no nameko): one module per subject.

- ``access``: who may do what.
- ``checks``: what staff may type (phones, texts, names).
- ``changes``: the record of who changed what, when.
- ``grid``: the volunteer grid: zones (片区), buildings (楼), doors (门/单元) and their heads.
- ``contacts``: residents placed on the grid.
- ``consent``: opting out and back in, with the evidence of each choice.
- ``broadcasts``: notices to a community, zone or building, now or at a set time; their messages.
- ``sending``: what the SMS relay and the gateway's delivery reports do to a message.
- ``replies``: what residents text back (TD / 退订, 订阅 / 恢复, or a new intake case).
- ``figures``: what happened in a period.
- ``cases``: the cases intake hands the program (receive, chased, recalled) and finishing them.
- ``views``: what the staff API shows; every read for a page or a list is here.

Functions that change something take the transaction ``tx`` (``tx.session`` and
``tx.publish(routing_key, data, community=...)``, the outbox in the same commit), the acting staff
member and the moment ``now`` (UTC, aware): a rule never reads the clock. A rule that says no
raises a ``DomainError`` before anything is flushed, and the caller's transaction is rolled back:
bad input changes nothing.
"""
