"""What each step writes and what the views show, in full: a complaint's history entry by
entry, warnings adding up, a leaving member's office, the settings changed twice, reminders for
two dogs due the same day and for a dog's second paper, the lists in their order, and every
view's remaining fields in both languages."""
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from minzi.testing import dispatched_case

from dog_owners.domain import cases, dogs, members, officers, pledges, reminders, settings, views
from dog_owners.domain.figures import figures
from dog_owners.models import Vaccination

from .conftest import NOW, STAFF, C, add_dog, complaint, join, publish

AT = "2026-11-27T02:00:00Z"     # NOW, as the records write it
ADVICE = ("被犬只咬伤、抓伤请立即用肥皂水和清水交替冲洗伤口至少15分钟，并在24小时内到狂犬病"
          "免疫预防门诊接种狂犬疫苗；需要报警请拨打110。")


def test_a_complaints_history_entry_by_entry(tx):
    publish(tx)
    li = join(tx)
    dog = add_dog(tx, li)
    complaint(tx, 1, "dog_bite", note="居民电话反映，已就医")
    cases.link(tx.session, 1, {"member_id": li.id, "dog_id": dog.id, "note": "物业监控查明"},
               STAFF, NOW + timedelta(hours=1))
    cases.talk(tx.session, 1, {"note": "上门约谈"}, STAFF, NOW + timedelta(hours=2))
    cases.talk(tx.session, 1, {"note": "再次警告", "warning": True}, STAFF,
               NOW + timedelta(hours=3))
    case = cases.get_case(tx.session, 1, STAFF)
    assert case.history == [
        {"at": AT, "by": "intake", "action": "received", "note": "居民电话反映，已就医"},
        {"at": AT, "by": "dog_owners", "action": "advised", "note": ADVICE},
        {"at": "2026-11-27T03:00:00Z", "by": "王会长", "action": "linked",
         "note": "物业监控查明", "member": "李阿姨", "dog": "豆豆"},
        {"at": "2026-11-27T04:00:00Z", "by": "王会长", "action": "talked", "note": "上门约谈",
         "member": "李阿姨"},
        {"at": "2026-11-27T05:00:00Z", "by": "王会长", "action": "warned", "note": "再次警告",
         "member": "李阿姨"}]
    assert [h["action_name"] for h in views.case_view(tx.session, case, "en",
                                                      views.FULL)["history"]] == [
        "Received", "Advised to get rabies shots", "Owner identified", "Talked with the owner",
        "Warned"]
    # a limit intake gives as a moment is kept as that moment
    complaint(tx, 2, due_at=datetime(2026, 11, 27, 4, 0, tzinfo=UTC))
    assert views.case_view(tx.session, cases.get_case(tx.session, 2, STAFF), "zh",
                           views.FULL)["due_at"] == "2026-11-27T04:00:00Z"


def test_warnings_add_up_on_the_complaint_and_on_the_member(tx):
    publish(tx)
    li = join(tx)
    complaint(tx, 1)
    complaint(tx, 2, "dog_barking")
    for case_id in (1, 2):
        cases.link(tx.session, case_id, {"member_id": li.id}, STAFF, NOW)
    cases.talk(tx.session, 1, {"note": "第一次警告", "warning": True}, STAFF, NOW)
    cases.talk(tx.session, 1, {"note": "第二次警告", "warning": True}, STAFF, NOW)
    cases.talk(tx.session, 2, {"note": "夜里狗叫，警告", "warning": True}, STAFF, NOW)
    first = views.case_view(tx.session, cases.get_case(tx.session, 1, STAFF), "zh", views.FULL)
    assert (first["talks"], first["warnings"], li.warnings) == (2, 2, 3)
    assert views.member_view(li, "zh", views.FULL)["warnings"] == 3


def test_a_complaint_sent_again_after_a_recall_keeps_the_talks_held(tx):
    publish(tx)
    li = join(tx)
    complaint(tx, 1)
    cases.link(tx.session, 1, {"member_id": li.id}, STAFF, NOW)
    cases.talk(tx.session, 1, {"note": "警告", "warning": True}, STAFF, NOW)
    cases.recalled(tx, {"case_id": 1, "note": "转交物业"}, NOW)
    complaint(tx, 1)                                    # intake sends it here again
    case = cases.get_case(tx.session, 1, STAFF)
    assert (case.state, case.talks, case.warnings) == ("received", 1, 1)
    complaints = figures(tx.session, C, NOW)["complaints"]
    assert (complaints["talks"], complaints["warnings"]) == (1, 1)


def test_complaints_count_in_the_beijing_month_they_were_received(tx):
    # 23:00 on 31 October and 00:30 on 1 November 2026, Beijing time
    cases.receive(tx, dispatched_case("dog_owners", "dog_fouling", case_id=1),
                  datetime(2026, 10, 31, 15, 0, tzinfo=UTC))
    cases.receive(tx, dispatched_case("dog_owners", "dog_barking", case_id=2),
                  datetime(2026, 10, 31, 16, 30, tzinfo=UTC))
    found = figures(tx.session, C, NOW, "en")["complaints"]
    assert found["by_month"] == [
        {"month": "2026-10", "total": 1, "by_kind": {"dog_fouling": 1, "dog_barking": 0,
                                                     "dog_unleashed": 0, "dog_bite": 0}},
        {"month": "2026-11", "total": 1, "by_kind": {"dog_fouling": 0, "dog_barking": 1,
                                                     "dog_unleashed": 0, "dog_bite": 0}}]
    assert [k["label"] for k in found["by_kind"]] == [
        "Dog fouling", "Barking", "Dog walked without a leash", "Dog bite"]


def test_a_member_who_leaves_ends_the_office_held_not_an_earlier_one(tx):
    publish(tx)
    li = join(tx, signed_on=date(2026, 2, 1))
    earlier = officers.elect(tx, C, {"member_id": li.id, "role": "vice_president",
                                     "elected_on": date(2026, 3, 1)}, STAFF, NOW)
    officers.step_down(tx, C, earlier.id, {"ended_on": date(2026, 10, 1)}, STAFF, NOW)
    now_held = officers.elect(tx, C, {"member_id": li.id, "role": "president",
                                      "elected_on": date(2026, 10, 2)}, STAFF, NOW)
    members.leave(tx, C, li.id, {"note": "搬家"}, STAFF, NOW)
    assert (earlier.ended_on, now_held.ended_on) == (date(2026, 10, 1), date(2026, 11, 27))
    assert views.history(tx.session, C, "member", li.id)[-1] == {
        "action": "left", "by": "王会长", "at": AT, "detail": {"note": "搬家"}}
    assert [(h["action"], h["by"], h["detail"]) for h in views.history(
        tx.session, C, "officer", now_held.id)][1:] == [
        ("stepped_down", "王会长", {"ended_on": "2026-11-27", "note": "退会"})]
    assert len(views.history(tx.session, C, "officer", earlier.id)) == 2
    seen = views.member_view(li, "en", views.FULL)
    assert (seen["state_name"], seen["left_on"]) == ("Left", "2026-11-27")
    assert views.officer_view(now_held, li, "en")["role_name"] == "President"
    assert views.officer_view(earlier, li, "en")["ended_on"] == "2026-10-01"


def test_settings_changed_twice_record_what_each_change_found(tx):
    settings.change(tx, C, {"reminder_days": 20}, STAFF, NOW)
    settings.change(tx, C, {"key_area": False}, STAFF, NOW)
    assert settings.current(tx.session, C) == {"dogs_per_household": 1, "key_area": False,
                                               "reminder_days": 20}
    assert views.history(tx.session, C, "settings", 0)[1]["detail"] == {
        "before": {"dogs_per_household": 1, "key_area": True, "reminder_days": 20},
        "after": {"dogs_per_household": 1, "key_area": False, "reminder_days": 20}}


def test_each_dog_and_each_paper_due_is_reminded(tx):
    publish(tx)
    # two dogs entered today without a vaccination: both due today
    first = add_dog(tx, join(tx), registration_no="A", vaccinated_on=None,
                    registration_expires_on=date(2027, 1, 1))
    second = add_dog(tx, join(tx, "王", "13900000002", household="6号楼"), registration_no="B",
                     vaccinated_on=None, registration_expires_on=date(2027, 6, 30))
    # a third whose vaccination and registration fall due the same day
    third = add_dog(tx, join(tx, "刘", "13900000003", household="7号楼"), registration_no="C",
                    vaccinated_on=date(2025, 12, 10), registration_expires_on=date(2026, 12, 10))
    assert sorted(reminders.remind_due(tx.session, NOW)) == sorted([
        (first.id, "vaccination", date(2026, 11, 27)),
        (second.id, "vaccination", date(2026, 11, 27)),
        (third.id, "vaccination", date(2026, 12, 10)),
        (third.id, "registration", date(2026, 12, 10))])
    # the first dog's registration (1 January 2027) comes within 30 days ten days on
    assert reminders.remind_due(tx.session, NOW + timedelta(days=10)) == [
        (first.id, "registration", date(2027, 1, 1))]
    # vaccinated with a certificate valid only until 20 December: a new due date, reminded
    dogs.vaccinate(tx, C, second.id, {"given_on": date(2026, 11, 27),
                                      "valid_until": date(2026, 12, 20)}, STAFF, NOW)
    assert reminders.remind_due(tx.session, NOW) == [
        (second.id, "vaccination", date(2026, 12, 20))]
    reminder = reminders.list_reminders(tx.session, C)[0]
    seen = views.reminder_views(tx.session, [reminder], "en", views.FULL, NOW)[0]
    assert (seen["id"], seen["created_at"], seen["kind_name"]) == (
        reminder.id, AT, "Rabies vaccination due")


def test_lists_in_their_order(tx):
    publish(tx, "2026版", date(2026, 1, 1))
    publish(tx, "2027版", date(2027, 1, 1))
    publish(tx, "2025版", date(2025, 1, 1))          # entered late: listed first by its day
    assert [p.version for p in pledges.list_pledges(tx.session, C)] == [
        "2025版", "2026版", "2027版"]
    li = join(tx)                                   # signs 2026版 today, 27 November
    publish(tx, "2026修订版", date(2026, 6, 1))
    # a signature of 15 June entered after it: the pledges signed are by the day signed
    members.sign(tx, C, li.id, {"pledge_version": "2026修订版", "signed_on": date(2026, 6, 15)},
                 STAFF, NOW)
    assert [(s["pledge_version"], s["signed_on"]) for s in views.member_record(
        tx.session, li, "zh", views.FULL, NOW)["signatures"]] == [
        ("2026修订版", "2026-06-15"), ("2026版", "2026-11-27")]
    dog = add_dog(tx, li, vaccinated_on=None)
    dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 6, 1)}, STAFF, NOW)
    dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 3, 1)}, STAFF, NOW)   # entered late
    shots = views.dog_record(tx.session, dog, "zh", views.FULL, NOW)["vaccinations"]
    assert [(v["given_on"], v["valid_until"]) for v in shots] == [
        ("2026-03-01", "2027-03-01"), ("2026-06-01", "2027-06-01")]
    assert sorted(v["id"] for v in shots) == sorted(
        tx.session.scalars(select(Vaccination.id).where(Vaccination.dog_id == dog.id)))


def test_the_views_remaining_fields(tx):
    publish(tx)
    li = join(tx)
    seen = views.member_view(li, "zh", views.FULL, tx.session)     # one pledge signed
    assert (seen["pledge_version"], seen["signed_on"]) == ("2026版", "2026-11-27")
    dog = add_dog(tx, li, vaccinated_on=None, registration_expires_on=date(2026, 11, 1))
    record = views.member_record(tx.session, li, "en", views.FULL, NOW)
    assert (record["state_name"], record["dogs"][0]["size_class_name"],
            record["dogs"][0]["id"]) == ("Member", "Small", dog.id)
    full = views.dog_record(tx.session, dog, "zh", views.FULL, NOW)
    assert (full["id"], full["owner_phone"], full["flag_names"]) == (
        dog.id, "13900000001", "狂犬疫苗未在有效期内；养犬登记证已过期")
    assert views.dog_view(dog, "zh", NOW, li, views.FULL)["owner_phone"] == "13900000001"
    cases.receive(tx, dispatched_case("dog_owners", "dog_fouling",
                                      description="5号楼门口每天都有狗屎",
                                      attributes={"place": "5号楼南侧草坪"},
                                      resident={"phone": "13900001111"}), NOW)
    cases.chased(tx, {"case_id": 1, "level": 1}, NOW)
    cases.finish(tx.session, 1, {"result": "已清理"}, STAFF, NOW + timedelta(hours=1),
                 resolved=True)
    case = cases.get_case(tx.session, 1, STAFF)
    staff_sees = views.case_view(tx.session, case, "en", views.FULL)
    assert {key: staff_sees[key] for key in (
        "case_id", "community", "description", "attributes", "chases", "state_name",
        "handled_by", "finished_at", "on_time")} == {
        "case_id": 1, "community": C, "description": "5号楼门口每天都有狗屎",
        "attributes": {"place": "5号楼南侧草坪"}, "chases": 1, "state_name": "Resolved",
        "handled_by": "王会长", "finished_at": "2026-11-27T03:00:00Z", "on_time": True}
    # a resident who gave no name: an admin sees none
    assert views.case_view(tx.session, case, "zh", views.MASKED)["resident"] == {
        "name": None, "phone": "139****1111", "address": None}


def test_a_pledge_published_is_recorded_and_the_one_in_force_goes_by_its_day(tx):
    pledge = pledges.publish(tx, C, {"version": "2026版", "title": "彩虹城社区养犬人文明公约",
                                     "text": "……"}, STAFF, NOW)    # no day given: today
    assert pledge.effective_on == date(2026, 11, 27)
    assert views.history(tx.session, C, "pledge", pledge.id) == [
        {"action": "published", "by": "王会长", "at": AT, "detail": {"version": "2026版"}}]
    publish(tx, "2025版", date(2025, 1, 1))          # entered after it, in force before it
    assert pledges.in_force(tx.session, C, NOW).version == "2026版"
