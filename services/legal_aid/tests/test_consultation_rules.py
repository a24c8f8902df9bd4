"""A consultation day's slots as staff see them change: a slot removed is gone from the day, the
day shows who changed it last and when, and the day's record says who removed which slot when.
NOW is 10:00 in Beijing on 27 November (02:00 UTC); an hour later is 03:00 UTC."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.testing import make_staff, snapshot

from legal_aid.domain import consultations, lawyers, views
from legal_aid.models import Base

from .conftest import ALICE, NOW, at

C = "rainbow-city"
DESK = make_staff("receptionist", community=C, id=3, username="desk", name="前台小周")
HOUR = NOW + timedelta(hours=1)


def on_record(tx, entity, entity_id):
    return [views.activity_view(h) for h in views.history(tx.session, C, entity, entity_id)]


def test_a_slot_removed_is_gone_and_the_day_says_who_removed_it_and_when(tx):
    wang = lawyers.add_lawyer(tx, C, {"name": "王律师", "firm": "京师律所",
                                      "phone": "13900001111"}, ALICE, NOW)
    # three days on, 9:00 to 11:00 cut into hours: two slots
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 11), "minutes": 60}]},
        ALICE, NOW)
    nine, ten = day.slots
    consultations.remove_slot(tx, C, day.id, nine.id, DESK, HOUR)
    tx.session.commit()
    tx.session.expire_all()  # read again, as the next request would
    shown = views.day_view(tx.session, consultations.get_day(tx.session, day.id, C),
                           level="desk")
    assert [s["id"] for s in shown["slots"]] == [ten.id]
    assert (shown["free_slots"], shown["booked_slots"]) == (1, 0)
    assert (shown["created_at"], shown["created_by"]) == ("2026-11-27T02:00:00Z", "李")
    assert (shown["updated_at"], shown["updated_by"]) == ("2026-11-27T03:00:00Z", "前台小周")
    assert on_record(tx, "consultation_day", day.id)[-1] == {
        "at": "2026-11-27T03:00:00Z", "actor": "前台小周", "actor_id": "3",
        "entity": "consultation_day", "entity_id": day.id, "action": "slot_removed",
        "detail": {"slot_id": nine.id}}


def test_slots_added_are_on_the_days_record_with_who_and_when(tx):
    wang = lawyers.add_lawyer(tx, C, {"name": "王律师", "firm": "京师律所",
                                      "phone": "13900001111"}, ALICE, NOW)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站"}, ALICE, NOW)
    added = consultations.add_slots(tx, C, day.id, [
        {"lawyer_id": wang.id, "starts_at": at(3, 14), "ends_at": at(3, 15)}], DESK, HOUR)
    tx.session.commit()
    assert on_record(tx, "consultation_day", day.id)[-1] == {
        "at": "2026-11-27T03:00:00Z", "actor": "前台小周", "actor_id": "3",
        "entity": "consultation_day", "entity_id": day.id, "action": "slots_added",
        "detail": {"slots": [added[0].id]}}


def test_one_request_may_give_two_lawyers_the_same_hour_and_one_lawyer_hours_back_to_back(tx):
    wang, li = (lawyers.add_lawyer(tx, C, {"name": name, "firm": "京师律所",
                                           "phone": "13900001111"}, ALICE, NOW)
                for name in ("王律师", "李律师"))
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站"}, ALICE, NOW)
    added = consultations.add_slots(tx, C, day.id, [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)},
        {"lawyer_id": wang.id, "starts_at": at(3, 10), "ends_at": at(3, 11)},
        {"lawyer_id": li.id, "starts_at": at(3, 9), "ends_at": at(3, 10)},
        {"lawyer_id": li.id, "starts_at": at(3, 8), "ends_at": at(3, 9)}], ALICE, NOW)
    assert [(s.lawyer_id, s.starts_at, s.ends_at) for s in added] == [
        (wang.id, at(3, 9), at(3, 10)), (wang.id, at(3, 10), at(3, 11)),
        (li.id, at(3, 9), at(3, 10)), (li.id, at(3, 8), at(3, 9))]


def test_a_slot_ending_a_second_into_the_next_day_is_not_on_the_day(tx):
    wang = lawyers.add_lawyer(tx, C, {"name": "王律师", "firm": "京师律所",
                                      "phone": "13900001111"}, ALICE, NOW)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站"}, ALICE, NOW)
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(DomainError) as err:
        consultations.add_slots(tx, C, day.id, [{
            "lawyer_id": wang.id, "starts_at": at(3, 23),
            "ends_at": at(4, 0) + timedelta(seconds=1)}], ALICE, NOW)
    assert (err.value.code, err.value.field, err.value.status) == (
        "slot_not_on_day", "starts_at", 422)
    assert snapshot(tx.session, Base.metadata) == before
