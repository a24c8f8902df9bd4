"""Visitors and their receptions as the record shows them: a visitor added, known again by their
phone, changed only when something changed; a reception changed only by staff of its community
and only to name a lawyer of it who still volunteers. NOW is 02:00 UTC on 27 November; an hour
later is 03:00, a day later 02:00 on the 28th."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.testing import make_staff, snapshot

from legal_aid.domain import lawyers, receptions, views
from legal_aid.models import Base

from .conftest import ALICE, NOW

C = "rainbow-city"
ELSEWHERE = "sunny-garden"
DESK = make_staff("receptionist", community=C, id=3, username="desk", name="前台小周")
HOUR, DAY = NOW + timedelta(hours=1), NOW + timedelta(days=1)


def on_record(tx, entity, entity_id):
    return [views.activity_view(h) for h in views.history(tx.session, C, entity, entity_id)]


def visit(tx, visitor, actor=ALICE, now=NOW, **extra):
    return receptions.record_reception(tx, C, {"visitor": visitor, "area_of_law": "labour",
                                               "outcome": "pending", **extra}, actor, now)


def test_a_visitor_is_on_the_record_when_added_and_only_when_something_about_them_changed(tx):
    first = visit(tx, {"name": "张三", "phone": "13800001111"})
    visitor_id = first.visitor_id
    added = {"at": "2026-11-27T02:00:00Z", "actor": "李", "actor_id": "7", "entity": "visitor",
             "entity_id": visitor_id, "action": "added", "detail": {}}
    assert on_record(tx, "visitor", visitor_id) == [added]
    # back an hour later, as the same person: nothing about them changed, nothing recorded
    assert visit(tx, {"name": "张三", "phone": "13800001111"}, now=HOUR).visitor_id == visitor_id
    assert on_record(tx, "visitor", visitor_id) == [added]
    # back the next day at the desk, the name written fully and known to be a migrant worker
    visit(tx, {"name": "张三丰", "phone": "13800001111", "migrant": True}, DESK, DAY)
    assert on_record(tx, "visitor", visitor_id) == [added, {
        "at": "2026-11-28T02:00:00Z", "actor": "前台小周", "actor_id": "3", "entity": "visitor",
        "entity_id": visitor_id, "action": "updated", "detail": {}}]
    shown = views.visitor_view(receptions.get_visitor(tx.session, visitor_id, C))
    assert shown == {"id": visitor_id, "name": "张三丰", "phone": "13800001111", "migrant": True,
                     "created_at": "2026-11-27T02:00:00Z", "created_by": "李",
                     "updated_at": "2026-11-28T02:00:00Z", "updated_by": "前台小周"}


def test_a_reception_changed_is_on_the_record_with_who_when_and_what_it_was(tx):
    reception = visit(tx, {"name": "李四", "phone": "13800002222"})
    receptions.update_reception(tx, C, reception.id, {"outcome": "advised"}, DESK, HOUR)
    tx.session.commit()
    assert on_record(tx, "reception", reception.id)[-1] == {
        "at": "2026-11-27T03:00:00Z", "actor": "前台小周", "actor_id": "3",
        "entity": "reception", "entity_id": reception.id, "action": "updated",
        "detail": {"outcome": {"from": "pending", "to": "advised"}}}
    shown = views.reception_view(reception, "zh")
    assert (shown["outcome"], shown["updated_at"], shown["updated_by"]) == (
        "advised", "2026-11-27T03:00:00Z", "前台小周")


def test_a_reception_is_changed_only_by_its_communitys_staff_to_one_of_its_own_lawyers(tx):
    reception = visit(tx, {"name": "王五", "phone": "13800003333"})
    retired = lawyers.add_lawyer(tx, C, {"name": "退休的律师"}, ALICE, NOW)
    lawyers.update_lawyer(tx, C, retired.id, {"active": False}, ALICE, NOW)
    elsewhere = lawyers.add_lawyer(tx, ELSEWHERE, {"name": "别处的律师"}, ALICE, NOW)
    tx.session.commit()
    before = snapshot(tx.session, Base.metadata)
    for community, data, code, field in [
            (ELSEWHERE, {"outcome": "solved"}, "reception_not_found", None),
            (C, {"lawyer_id": elsewhere.id}, "unknown_lawyer", "lawyer_id"),
            (C, {"lawyer_id": retired.id}, "unknown_lawyer", "lawyer_id")]:
        with pytest.raises(DomainError) as refused:
            receptions.update_reception(tx, community, reception.id, data, DESK, HOUR)
        assert (refused.value.code, refused.value.field) == (code, field)
        assert snapshot(tx.session, Base.metadata) == before
