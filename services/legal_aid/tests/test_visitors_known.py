"""Who came and when, as the front desk records it: a visitor said to be a migrant worker on
their first visit is shown as one; one whose name alone is written better on a later visit is
changed, on the record with who and when; a phone number known at another community's station
makes nobody known here; a visit may be dated up to five minutes ahead of the clock (a desk's
clock a little fast), no more. NOW is 02:00 UTC on 27 November; a day later is 02:00 UTC on the
28th."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.testing import make_staff

from legal_aid.domain import receptions, views

from .conftest import ALICE, NOW

C = "rainbow-city"
ELSEWHERE = "sunny-garden"
DESK = make_staff("receptionist", community=C, id=3, username="desk", name="前台小周")
DAY = NOW + timedelta(days=1)


def visit(tx, visitor, community=C, actor=ALICE, now=NOW):
    return receptions.record_reception(tx, community, {"visitor": visitor,
                                                       "area_of_law": "labour",
                                                       "outcome": "pending"}, actor, now)


def shown(tx, visitor_id, community=C):
    return views.visitor_view(receptions.get_visitor(tx.session, visitor_id, community))


def test_a_first_visitor_said_to_be_a_migrant_worker_is_shown_as_one(tx):
    migrant = visit(tx, {"name": "张三", "phone": "13800001111", "migrant": True}).visitor_id
    local = visit(tx, {"name": "李四", "phone": "13800002222", "migrant": False}).visitor_id
    unsaid = visit(tx, {"name": "王五", "phone": "13800003333"}).visitor_id
    assert [shown(tx, v)["migrant"] for v in (migrant, local, unsaid)] == [True, False, None]


def test_a_name_written_better_on_a_later_visit_is_changed_and_on_the_record(tx):
    visitor_id = visit(tx, {"name": "张", "phone": "13800001111"}).visitor_id
    # back the next day: the same phone, the name written in full, nothing said of migrancy
    assert visit(tx, {"name": "张三", "phone": "13800001111"}, actor=DESK,
                 now=DAY).visitor_id == visitor_id
    assert shown(tx, visitor_id) == {
        "id": visitor_id, "name": "张三", "phone": "13800001111", "migrant": None,
        "created_at": "2026-11-27T02:00:00Z", "created_by": "李",
        "updated_at": "2026-11-28T02:00:00Z", "updated_by": "前台小周"}
    assert [(h["at"], h["actor"], h["action"]) for h in map(views.activity_view, views.history(
        tx.session, C, "visitor", visitor_id))] == [
        ("2026-11-27T02:00:00Z", "李", "added"), ("2026-11-28T02:00:00Z", "前台小周", "updated")]


def test_a_phone_known_at_another_station_makes_a_new_visitor_here(tx):
    theirs = visit(tx, {"name": "张三", "phone": "13800001111"}, community=ELSEWHERE).visitor_id
    ours = visit(tx, {"name": "张三", "phone": "13800001111"}, now=DAY).visitor_id
    assert ours != theirs
    assert shown(tx, ours)["created_at"] == "2026-11-28T02:00:00Z"
    # their visitor is untouched: still only their own visit
    assert [r.id for r in receptions.get_visitor(tx.session, theirs, ELSEWHERE).receptions] == [
        1]


def test_a_visit_is_dated_at_most_five_minutes_ahead_of_the_clock(tx):
    def dated(when):
        return receptions.record_reception(tx, C, {
            "visitor": {"name": "张三", "phone": "13800001111"}, "area_of_law": "labour",
            "outcome": "pending", "received_at": when}, ALICE, NOW)

    assert views.reception_view(dated(NOW + timedelta(minutes=5)), "zh")["received_at"] == (
        "2026-11-27T02:05:00Z")
    for ahead in (timedelta(minutes=5, seconds=1), timedelta(minutes=6)):
        with pytest.raises(DomainError) as refused:
            dated(NOW + ahead)
        assert (refused.value.code, refused.value.field, refused.value.status) == (
            "received_in_future", "received_at", 422)
