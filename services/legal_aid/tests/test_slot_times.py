"""A volunteer lawyer's hours on a consultation day as staff add them: an hour right before or
right after one the lawyer already has is no clash, one that overlaps it by a minute is; another
community's staff add no hours to a day of ours. NOW is 10:00 in Beijing on 27 November (02:00
UTC); the day is three days on, 30 November, and 9:00 in Beijing is 01:00 UTC, 8:00 is 00:00
UTC."""
import pytest

from minzi.api import DomainError
from minzi.testing import snapshot

from legal_aid.domain import consultations, lawyers, views
from legal_aid.models import Base

from .conftest import ALICE, NOW, at

C = "rainbow-city"
ELSEWHERE = "sunny-garden"


def test_hours_right_before_and_after_a_lawyer_s_hour_are_added_an_overlap_is_not(tx):
    wang = lawyers.add_lawyer(tx, C, {"name": "王律师", "firm": "京师律所",
                                      "phone": "13900001111"}, ALICE, NOW)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)

    def hour(start, end):
        return {"lawyer_id": wang.id, "starts_at": start, "ends_at": end}

    # 8:00 to 9:00 and 10:00 to 11:00, each in a request of its own
    consultations.add_slots(tx, C, day.id, [hour(at(3, 8), at(3, 9))], ALICE, NOW)
    consultations.add_slots(tx, C, day.id, [hour(at(3, 10), at(3, 11))], ALICE, NOW)
    assert sorted(s["starts_at"] for s in views.day_view(tx.session, day)["slots"]) == [
        "2026-11-30T00:00:00Z", "2026-11-30T01:00:00Z", "2026-11-30T02:00:00Z"]
    # 10:59 to 11:59 overlaps the 10:00 hour by a minute
    with pytest.raises(DomainError) as refused:
        consultations.add_slots(tx, C, day.id, [hour(at(3, 10, 59), at(3, 11, 59))], ALICE,
                                NOW)
    assert (refused.value.code, refused.value.status) == ("slot_overlap", 409)


def test_another_community_s_staff_cannot_add_their_lawyer_s_hours_to_a_day_of_ours(tx):
    wang = lawyers.add_lawyer(tx, C, {"name": "王律师", "firm": "京师律所",
                                      "phone": "13900001111"}, ALICE, NOW)
    zhao = lawyers.add_lawyer(tx, ELSEWHERE, {"name": "赵律师", "firm": "京华律所",
                                              "phone": "13900002222"}, ALICE, NOW)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站", "slots": [
        {"lawyer_id": wang.id, "starts_at": at(3, 9), "ends_at": at(3, 10)}]}, ALICE, NOW)
    tx.session.commit()
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(DomainError) as refused:
        consultations.add_slots(tx, ELSEWHERE, day.id, [
            {"lawyer_id": zhao.id, "starts_at": at(3, 10), "ends_at": at(3, 11)}], ALICE, NOW)
    assert (refused.value.code, refused.value.status) == ("day_not_found", 404)
    assert snapshot(tx.session, Base.metadata) == before
