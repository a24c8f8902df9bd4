"""A program is declared gone only once intake has watched without a break for the grace
period: after a start or a database outage, heartbeats still waiting in the queue are not
mistaken for silence."""
from datetime import UTC, datetime, timedelta

from intake.vigil import Vigil

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
GRACE = timedelta(seconds=90)


def test_after_a_start_programs_are_judged_only_after_the_grace_period():
    vigil = Vigil(GRACE)
    assert not vigil.settled(T0)                     # nothing watched yet
    vigil.kept(T0)
    vigil.kept(T0 + timedelta(seconds=60))           # the first watch still counts from T0
    assert not vigil.settled(T0 + timedelta(seconds=89))
    assert vigil.settled(T0 + timedelta(seconds=90))


def test_an_outage_starts_the_grace_period_again():
    vigil = Vigil(GRACE)
    vigil.kept(T0)
    assert vigil.settled(T0 + timedelta(seconds=200))
    vigil.broken()                                   # the database went away
    assert not vigil.settled(T0 + timedelta(seconds=300))
    back = T0 + timedelta(seconds=320)
    vigil.kept(back)
    assert not vigil.settled(back + timedelta(seconds=89))
    assert vigil.settled(back + timedelta(seconds=90))
