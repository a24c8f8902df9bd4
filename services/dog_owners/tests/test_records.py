"""What the records say, word for word: intake's chases and recalls on a complaint's history,
the record of each change with who, when and what, the refusals' words in both languages, and
the figures' heading."""
from datetime import date, timedelta

from dog_owners.domain import cases, dogs, members, officers, reminders, settings, views
from dog_owners.domain.figures import figures
from dog_owners.models import Signature

from .conftest import NOW, STAFF, C, add_dog, complaint, join, publish, refused

AT = "2026-11-27T02:00:00Z"     # NOW, as the records write it


def test_intakes_chases_and_recall_are_written_on_the_complaints_history(tx):
    complaint(tx, 1)
    later = NOW + timedelta(hours=3)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "请尽快办理"}, later)
    cases.chased(tx, {"case_id": 1, "level": 2, "note": "已升级到站长"}, later)
    cases.recalled(tx, {"case_id": 1, "note": "转交物业"}, later)
    case = cases.get_case(tx.session, 1, STAFF)
    assert case.history[1:] == [
        {"at": "2026-11-27T05:00:00Z", "by": "intake", "action": "chased", "note": "请尽快办理"},
        {"at": "2026-11-27T05:00:00Z", "by": "intake", "action": "escalated",
         "note": "已升级到站长"},
        {"at": "2026-11-27T05:00:00Z", "by": "intake", "action": "recalled", "note": "转交物业"}]
    assert case.updated_at.replace(tzinfo=None) == later.replace(tzinfo=None)
    cases.recalled(tx, {"case_id": 1, "note": "再收回"}, later)       # no longer open: nothing
    assert len(case.history) == 4


def test_every_change_is_recorded_with_who_when_and_what(tx):
    publish(tx)
    li = join(tx, signed_on=date(2026, 3, 8))
    publish(tx, "2026修订版", date(2026, 6, 1))
    members.sign(tx, C, li.id, {"pledge_version": "2026修订版"}, STAFF, NOW)
    dog = add_dog(tx, li, vaccinated_on=None)
    dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 11, 1)}, STAFF, NOW)
    dogs.renew_registration(tx, C, dog.id, {"expires_on": date(2028, 6, 30)}, STAFF, NOW)
    dogs.no_longer_kept(tx, C, dog.id, {"reason": "送养给亲戚"}, STAFF, NOW)
    officer = officers.elect(tx, C, {"member_id": li.id, "role": "president",
                                     "elected_on": date(2026, 3, 1)}, STAFF, NOW)
    officers.step_down(tx, C, officer.id, {"ended_on": date(2026, 10, 1), "note": "换届"},
                       STAFF, NOW)
    settings.change(tx, C, {"reminder_days": 20}, STAFF, NOW)
    member_record = views.history(tx.session, C, "member", li.id)
    assert member_record == [
        {"action": "joined", "by": "王会长", "at": AT,
         "detail": {"pledge": "2026版", "signed_on": "2026-03-08"}},
        {"action": "signed", "by": "王会长", "at": AT,
         "detail": {"pledge": "2026修订版", "signed_on": "2026-11-27"}}]
    assert [(h["action"], h["detail"]) for h in views.history(tx.session, C, "dog", dog.id)] == [
        ("added", {"member_id": li.id}),
        ("vaccinated", {"given_on": "2026-11-01", "valid_until": "2027-11-01"}),
        ("registration_renewed", {
            "before": {"registration_no": "京犬2026-0001", "expires_on": "2027-06-30"},
            "after": {"registration_no": "京犬2026-0001", "expires_on": "2028-06-30"}}),
        ("gone", {"reason": "送养给亲戚"})]
    assert [(h["action"], h["detail"]) for h in views.history(
        tx.session, C, "officer", officer.id)] == [
        ("elected", {"member_id": li.id, "role": "president", "elected_on": "2026-03-01"}),
        ("stepped_down", {"ended_on": "2026-10-01"})]
    assert (officer.ended_on, officer.note) == (date(2026, 10, 1), "换届")
    for entity, entity_id in (("dog", dog.id), ("officer", officer.id)):
        assert {h["by"] for h in views.history(tx.session, C, entity, entity_id)} == {"王会长"}
    assert views.history(tx.session, C, "settings", 0) == [
        {"action": "changed", "by": "王会长", "at": AT, "detail": {
            "before": {"dogs_per_household": 1, "key_area": True, "reminder_days": 30},
            "after": {"dogs_per_household": 1, "key_area": True, "reminder_days": 20}}}]
    row = settings.settings_row(tx.session, C)
    assert (row.updated_by, row.reminder_days) == ("王会长", 20)
    signatures = tx.session.query(Signature).order_by(Signature.id)
    assert [(s.recorded_by, s.signed_on) for s in signatures] == [
        ("王会长", date(2026, 3, 8)), ("王会长", date(2026, 11, 27))]
    assert [h["action"] for h in views.history(tx.session, C, "pledge", 1)] == ["published"]


def test_a_reminders_call_is_recorded(tx):
    publish(tx)
    add_dog(tx, join(tx), vaccinated_on=None)
    (made,) = [r for r in reminders.remind_due(tx.session, NOW) if r[1] == "vaccination"]
    (due,) = reminders.list_reminders(tx.session, C, state="to_call")
    assert (due.dog_id, due.kind, due.due_on, due.community) == made[:1] + made[1:] + (C,)
    reminders.called(tx, C, due.id, {"outcome": "已通知"}, STAFF, NOW)
    assert views.history(tx.session, C, "reminder", due.id) == [
        {"action": "called", "by": "王会长", "at": AT, "detail": {"outcome": "已通知"}}]


def test_another_members_signature_does_not_count_as_ones_own(tx):
    publish(tx, "2025版", date(2025, 1, 1))
    li = join(tx, version="2025版", signed_on=date(2025, 2, 1))
    wang = join(tx, "王先生", "13900000002", household="6号楼", version="2025版",
                signed_on=date(2025, 2, 1))
    publish(tx, "2026版", date(2026, 1, 1))
    members.sign(tx, C, li.id, {"pledge_version": "2026版"}, STAFF, NOW)
    members.sign(tx, C, wang.id, {"pledge_version": "2026版"}, STAFF, NOW)
    with refused(tx, "already_signed", zh="王先生已经签署过公约「2026版」",
                 en="王先生 has already signed pledge 2026版"):
        members.sign(tx, C, wang.id, {"pledge_version": "2026版"}, STAFF, NOW)


def test_the_refusals_words(tx):
    publish(tx)
    with refused(tx, "member_not_found", field="member_id", zh="没有编号为 7 的会员",
                 en="No member 7"):
        members.get_member(tx.session, 7, C)
    with refused(tx, "unknown_member", zh="没有编号为 7 的会员", en="No member 7"):
        members.get_member(tx.session, 7, C, field="member_id")
    with refused(tx, "dog_not_found", field="dog_id", zh="没有编号为 7 的犬只", en="No dog 7"):
        dogs.get_dog(tx.session, 7, C)
    li = join(tx)
    with refused(tx, "member_exists", zh=f"电话为该号码的会员已经入会（会员编号 {li.id}）",
                 en=f"A member with this phone has already joined (member {li.id})"):
        join(tx)
    add_dog(tx, li)
    wang = join(tx, "王", "13900000002", household="6号楼")
    with refused(tx, "registration_taken", en="Registration number 京犬2026-0001 belongs to dog 1"):
        add_dog(tx, wang)
    with refused(tx, "case_not_found", field="case_id", zh="没有编号为 3 的投诉", en="No case 3"):
        cases.get_case(tx.session, 3, STAFF)
    with refused(tx, "officer_not_found", field="officer_id", zh="没有编号为 3 的任职记录"):
        officers.step_down(tx, C, 3, {}, STAFF, NOW)
    with refused(tx, "reminder_not_found", field="reminder_id", en="No reminder 3"):
        reminders.called(tx, C, 3, {"outcome": "x"}, STAFF, NOW)


def test_the_figures_heading_and_labels_in_each_language(tx):
    found = figures(tx.session, C, NOW)
    assert (found["community"], found["as_of"]) == (C, "2026-11-27")
    assert [k["label"] for k in found["complaints"]["by_kind"]] == [
        "犬便", "犬吠扰民", "遛狗不拴绳", "犬只伤人"]
    assert [o["label"] for o in figures(tx.session, C, NOW, "en")["officers"]] == [
        "President", "Vice-president"]
    # Beijing's day: 23:30 UTC on 26 November is 27 November in Beijing
    assert figures(tx.session, C, NOW - timedelta(hours=2, minutes=30))["as_of"] == "2026-11-27"
