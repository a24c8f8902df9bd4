"""The officers (one president, two vice-presidents), and the reminders of dogs falling due:
once per dog, kind and due date, whoever runs the timer and however often."""
from datetime import UTC, date, datetime, timedelta

from minzi.testing import domain_transaction

from dog_owners.domain import dogs, members, officers, reminders, settings
from dog_owners.models import Base, Reminder

from .conftest import NOW, STAFF, C, add_dog, join, publish, refused


def _five_members(tx):
    publish(tx)
    return [join(tx, name, f"1390000000{n}", household=f"{n}号楼101")
            for n, name in enumerate(["张会长", "王副会长", "刘副会长", "赵大姐", "钱先生"], 1)]


def elect(tx, member, role, day=date(2026, 3, 1)):
    return officers.elect(tx, C, {"member_id": member.id, "role": role, "elected_on": day},
                          STAFF, NOW)


def test_one_president_and_two_vice_presidents_are_elected(tx):
    zhang, wang, liu, zhao, _ = _five_members(tx)
    elect(tx, zhang, "president")
    elect(tx, wang, "vice_president")
    elect(tx, liu, "vice_president")
    assert sorted(o.role for o in officers.serving(tx.session, C)) == [
        "president", "vice_president", "vice_president"]
    with refused(tx, "office_full", field="role", status=409,
                 zh="协会设会长1人，现任已满，请先登记现任卸任"):
        elect(tx, zhao, "president")
    with refused(tx, "office_full", zh="协会设副会长2人，现任已满，请先登记现任卸任"):
        elect(tx, zhao, "vice_president")
    with refused(tx, "already_an_officer", field="member_id"):
        officers.elect(tx, C, {"member_id": zhang.id, "role": "vice_president",
                               "elected_on": date(2026, 3, 1)}, STAFF, NOW)


def test_a_seat_is_free_again_once_its_officer_steps_down(tx):
    zhang, _, _, zhao, qian = _five_members(tx)
    president = elect(tx, zhang, "president")
    with refused(tx, "ended_on_out_of_term", field="ended_on"):
        officers.step_down(tx, C, president.id, {"ended_on": date(2026, 2, 28)}, STAFF, NOW)
    with refused(tx, "ended_on_out_of_term"):
        officers.step_down(tx, C, president.id, {"ended_on": date(2026, 11, 28)}, STAFF, NOW)
    officers.step_down(tx, C, president.id, {}, STAFF, NOW)
    assert president.ended_on == date(2026, 11, 27)
    with refused(tx, "officer_ended", status=409):
        officers.step_down(tx, C, president.id, {}, STAFF, NOW)
    assert elect(tx, zhao, "president").member_id == zhao.id
    with refused(tx, "elected_in_future", field="elected_on"):
        elect(tx, qian, "vice_president", date(2026, 11, 28))
    with refused(tx, "unknown_member", field="member_id", status=422):
        officers.elect(tx, C, {"member_id": 99, "role": "vice_president",
                               "elected_on": date(2026, 3, 1)}, STAFF, NOW)
    with refused(tx, "officer_not_found", status=404):
        officers.step_down(tx, "maple-court", president.id, {}, STAFF, NOW)
    # serving officers first, then those who stepped down
    assert [o.member_id for o in officers.list_officers(tx.session, C)] == [zhao.id, zhang.id]


def test_a_member_who_leaves_leaves_their_office(tx):
    zhang, wang, _, zhao, _ = _five_members(tx)
    president = elect(tx, zhang, "president")
    deputy = elect(tx, wang, "vice_president")
    members.leave(tx, C, zhang.id, {"note": "搬走了"}, STAFF, NOW)
    assert (president.ended_on, deputy.ended_on) == (date(2026, 11, 27), None)
    assert elect(tx, zhao, "president").member_id == zhao.id


def test_dogs_due_within_30_days_are_reminded_once_per_due_date(tx):
    publish(tx)
    # today 27 November 2026; 30 days ahead is 27 December 2026
    soon = add_dog(tx, join(tx), registration_no="A", vaccinated_on=date(2025, 12, 27),
                   registration_expires_on=date(2027, 6, 30))          # vaccine due 27 Dec
    later = add_dog(tx, join(tx, "王", "13900000002", household="6号楼"), registration_no="B",
                    vaccinated_on=date(2025, 12, 28),                   # due 28 Dec: not yet
                    registration_expires_on=date(2026, 12, 1))          # registration due
    never = add_dog(tx, join(tx, "刘", "13900000003", household="7号楼"), registration_no="C",
                    vaccinated_on=None, registration_expires_on=date(2027, 6, 30))
    made = reminders.remind_due(tx.session, NOW)
    assert sorted(made) == sorted([(soon.id, "vaccination", date(2026, 12, 27)),
                                   (later.id, "registration", date(2026, 12, 1)),
                                   (never.id, "vaccination", date(2026, 11, 27))])
    assert reminders.remind_due(tx.session, NOW + timedelta(hours=1)) == []
    # the next day, the other dog's vaccination comes within 30 days
    assert reminders.remind_due(tx.session, NOW + timedelta(days=1)) == [
        (later.id, "vaccination", date(2026, 12, 28))]
    # vaccinated again: a new due date, a new reminder a year on when it comes
    dogs.vaccinate(tx, C, soon.id, {"given_on": date(2026, 11, 27)}, STAFF, NOW)
    next_year = reminders.remind_due(tx.session, datetime(2027, 10, 28, 2, tzinfo=UTC))
    assert [made for made in next_year if made[:2] == (soon.id, "vaccination")] == [
        (soon.id, "vaccination", date(2027, 11, 27))]


def test_the_days_ahead_are_the_stations_setting_and_gone_dogs_are_not_reminded(tx):
    publish(tx)
    dog = add_dog(tx, join(tx), vaccinated_on=date(2026, 1, 6),       # due 6 January 2027
                  registration_expires_on=date(2027, 6, 30))
    assert reminders.remind_due(tx.session, NOW) == []
    settings.change(tx, C, {"reminder_days": 40}, STAFF, NOW)
    assert reminders.remind_due(tx.session, NOW) == [(dog.id, "vaccination", date(2027, 1, 6))]
    other = add_dog(tx, join(tx, "王", "13900000002", household="6号楼"), registration_no="B",
                    vaccinated_on=None)
    dogs.no_longer_kept(tx, C, other.id, {"reason": "迁出"}, STAFF, NOW)
    assert reminders.remind_due(tx.session, NOW) == []


def test_two_copies_of_the_timer_make_one_reminder(tmp_path):
    """The second copy's session does not see the first's row (its own snapshot of "no
    reminder yet"): its insert fails on the unique key and it passes over the dog."""
    with domain_transaction(Base.metadata, tmp_path) as tx:
        publish(tx)
        dog = add_dog(tx, join(tx), vaccinated_on=None)
        tx.session.add(Reminder(community=C, dog_id=dog.id, kind="vaccination",
                                due_on=date(2026, 11, 27), state="to_call", created_at=NOW))
        tx.session.flush()
        original = reminders._exists
        reminders._exists = lambda *_: False       # as if the other copy's row were unseen
        try:
            assert reminders.remind_due(tx.session, NOW) == []
        finally:
            reminders._exists = original
        assert tx.session.query(Reminder).count() == 1


def test_staff_call_the_owner_and_record_what_came_of_it(tx):
    publish(tx)
    add_dog(tx, join(tx), vaccinated_on=None)
    reminders.remind_due(tx.session, NOW)
    (due,) = reminders.list_reminders(tx.session, C, state="to_call")
    reminders.called(tx, C, due.id, {"outcome": "犬主说下周去打疫苗"}, STAFF, NOW)
    assert (due.state, due.called_by, due.outcome) == ("called", "王会长", "犬主说下周去打疫苗")
    assert reminders.list_reminders(tx.session, C, state="to_call") == []
    with refused(tx, "reminder_done", status=409):
        reminders.called(tx, C, due.id, {"outcome": "再打一次"}, STAFF, NOW)
    with refused(tx, "reminder_not_found", status=404):
        reminders.called(tx, "maple-court", due.id, {"outcome": "x"}, STAFF, NOW)


def test_reminders_are_listed_by_due_date_and_a_second_call_is_refused_in_words(tx):
    publish(tx)
    add_dog(tx, join(tx), vaccinated_on=date(2025, 12, 20),           # due 20 December
            registration_expires_on=date(2026, 11, 30))                # due 30 November
    assert [m[1] for m in reminders.remind_due(tx.session, NOW)] == ["vaccination",
                                                                     "registration"]
    first, second = reminders.list_reminders(tx.session, C)
    assert [(first.kind, first.due_on), (second.kind, second.due_on)] == [
        ("registration", date(2026, 11, 30)), ("vaccination", date(2026, 12, 20))]
    reminders.called(tx, C, first.id, {"outcome": "已通知"}, STAFF, NOW)
    with refused(tx, "reminder_done", field="reminder_id", zh="这条提醒已经电话通知过了",
                 en="This reminder has already been called"):
        reminders.called(tx, C, first.id, {"outcome": "再通知"}, STAFF, NOW)
    assert [r.kind for r in reminders.list_reminders(tx.session, C, state="called")] == [
        "registration"]
