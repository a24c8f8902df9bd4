"""Lists of two or more rows come back in their order: a member's dogs and the dogs kept by
the order they were entered, complaints by their case number, the timer's reminders for two
dogs due the same day by the dog entered first."""
from datetime import date

from dog_owners.domain import cases, dogs, reminders, settings, views

from .conftest import NOW, STAFF, C, add_dog, complaint, join, publish


def test_a_members_dogs_and_the_dogs_kept_in_the_order_entered(tx):
    publish(tx)
    settings.change(tx, C, {"key_area": False, "dogs_per_household": 2}, STAFF, NOW)
    li = join(tx)
    first = add_dog(tx, li, name="豆豆", registration_no="京犬2026-0001")
    second = add_dog(tx, li, name="球球", registration_no="京犬2026-0002")
    assert [d["name"] for d in views.member_record(tx.session, li, "zh", views.FULL,
                                                    NOW)["dogs"]] == ["豆豆", "球球"]
    assert [d.id for d in dogs.list_dogs(tx.session, C)] == [first.id, second.id]
    assert [d.id for d in dogs.list_dogs(tx.session, C, state=None)] == [first.id, second.id]


def test_complaints_listed_by_their_case_number(tx):
    publish(tx)
    complaint(tx, case_id=7)
    complaint(tx, case_id=9)
    assert [c.case_id for c in cases.list_cases(tx.session, C)] == [7, 9]
    assert [c.case_id for c in cases.list_cases(tx.session, C, state="received")] == [7, 9]


def test_two_dogs_due_the_same_day_are_reminded_in_the_order_entered(tx):
    publish(tx)
    first = add_dog(tx, join(tx), registration_no="A", vaccinated_on=None)
    second = add_dog(tx, join(tx, "王", "13900000002", household="6号楼"), registration_no="B",
                     vaccinated_on=None)
    assert reminders.remind_due(tx.session, NOW) == [
        (first.id, "vaccination", date(2026, 11, 27)),
        (second.id, "vaccination", date(2026, 11, 27))]
    assert [r.dog_id for r in reminders.list_reminders(tx.session, C)] == [first.id, second.id]
