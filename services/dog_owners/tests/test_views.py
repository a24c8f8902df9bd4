"""What the staff API shows, checked field by field against what was entered: a member with
their pledges and dogs, a dog's flags in both languages, a reminder to call, a complaint as
staff and as an admin see it, officers, the record of who did what."""
from datetime import date, timedelta

from dog_owners.domain import cases, dogs, members, officers, pledges, reminders, views

from .conftest import NOW, PLEDGE_TEXT, STAFF, C, add_dog, complaint, join, publish


def test_a_member_with_the_pledges_signed_and_the_dogs(tx):
    publish(tx, "2025版", date(2025, 1, 1))
    li = join(tx, version="2025版", signed_on=date(2025, 3, 1))
    publish(tx, "2026版", date(2026, 1, 1))
    members.sign(tx, C, li.id, {"pledge_version": "2026版", "signed_on": date(2026, 2, 1)},
                 STAFF, NOW)
    add_dog(tx, li, vaccinated_on=None)
    seen = views.member_record(tx.session, li, "zh", views.FULL, NOW)
    assert {key: seen[key] for key in ("id", "name", "phone", "household", "state",
                                       "state_name", "warnings", "joined_on", "left_on",
                                       "created_by", "pledge_version", "signed_on")} == {
        "id": li.id, "name": "李阿姨", "phone": "13900000001", "household": "5号楼2单元301",
        "state": "active", "state_name": "在会", "warnings": 0, "joined_on": "2025-03-01",
        "left_on": None, "created_by": "王会长", "pledge_version": "2026版",
        "signed_on": "2026-02-01"}
    assert seen["signatures"] == [
        {"pledge_version": "2025版", "title": "彩虹城社区养犬人文明公约",
         "signed_on": "2025-03-01", "recorded_by": "王会长"},
        {"pledge_version": "2026版", "title": "彩虹城社区养犬人文明公约",
         "signed_on": "2026-02-01", "recorded_by": "王会长"}]
    (dog,) = seen["dogs"]
    assert (dog["name"], dog["flags"], dog["flag_names"]) == (
        "豆豆", ["no_current_vaccination"], "狂犬疫苗未在有效期内")
    masked = views.member_view(li, "en", views.MASKED)
    assert (masked["phone"], masked["state_name"], "pledge_version" in masked) == (
        "139****0001", "Member", False)


def test_a_dog_its_owner_and_vaccinations(tx):
    publish(tx)
    li = join(tx)
    dog = add_dog(tx, li, colour="棕色", shoulder_height_cm=30,
                  registration_expires_on=date(2026, 11, 1))
    dogs.vaccinate(tx, C, dog.id, {"given_on": date(2026, 6, 1), "clinic": "丰台动物医院",
                                   "certificate_no": "免-88"}, STAFF, NOW)
    seen = views.dog_record(tx.session, dog, "en", views.MASKED, NOW)
    assert {key: seen[key] for key in (
        "member_id", "breed", "size_class", "size_class_name", "shoulder_height_cm", "sex",
        "sex_name", "colour", "registration_no", "registration_expires_on", "vaccinated_until",
        "vaccination_current", "state", "state_name", "gone_reason", "flags", "flag_names",
        "owner", "owner_phone", "household")} == {
        "member_id": li.id, "breed": "泰迪", "size_class": "small", "size_class_name": "Small",
        "shoulder_height_cm": 30, "sex": "male", "sex_name": "Male", "colour": "棕色",
        "registration_no": "京犬2026-0001", "registration_expires_on": "2026-11-01",
        "vaccinated_until": "2027-06-01", "vaccination_current": True, "state": "active",
        "state_name": "Kept", "gone_reason": None, "flags": ["registration_expired"],
        "flag_names": "Registration expired", "owner": "李阿姨", "owner_phone": "139****0001",
        "household": "5号楼2单元301"}
    # the one given on entering the dog (1 May 2026), then this one
    assert [(v["given_on"], v["valid_until"], v["clinic"], v["certificate_no"], v["recorded_by"])
            for v in seen["vaccinations"]] == [
        ("2026-05-01", "2027-05-01", None, None, "王会长"),
        ("2026-06-01", "2027-06-01", "丰台动物医院", "免-88", "王会长")]
    assert views.dog_view(dog, "zh", NOW)["flag_names"] == "养犬登记证已过期"
    dogs.renew_registration(tx, C, dog.id, {"expires_on": date(2027, 11, 1)}, STAFF, NOW)
    assert views.dog_view(dog, "zh", NOW)["flag_names"] is None
    assert [d.id for d in dogs.list_dogs(tx.session, C)] == [dog.id]
    dogs.no_longer_kept(tx, C, dog.id, {"reason": "送养"}, STAFF, NOW)
    assert dogs.list_dogs(tx.session, C) == []
    assert [d.id for d in dogs.list_dogs(tx.session, C, state=None)] == [dog.id]
    assert views.dog_view(dog, "zh", NOW)["flags"] == []


def test_a_reminder_to_call_and_the_call(tx):
    publish(tx)
    dog = add_dog(tx, join(tx), vaccinated_on=None, registration_expires_on=date(2026, 12, 1))
    reminders.remind_due(tx.session, NOW)
    vaccination, registration = reminders.list_reminders(tx.session, C)    # by due date
    seen = views.reminder_views(tx.session, [vaccination, registration], "zh", views.FULL, NOW)
    assert [(r["dog_id"], r["dog"], r["owner"], r["owner_phone"], r["household"], r["kind"],
             r["kind_name"], r["due_on"], r["overdue"], r["state"], r["state_name"])
            for r in seen] == [
        (dog.id, "豆豆", "李阿姨", "13900000001", "5号楼2单元301", "vaccination", "狂犬疫苗到期",
         "2026-11-27", False, "to_call", "待电话提醒"),
        (dog.id, "豆豆", "李阿姨", "13900000001", "5号楼2单元301", "registration",
         "养犬登记证到期", "2026-12-01", False, "to_call", "待电话提醒")]
    reminders.called(tx, C, vaccination.id, {"outcome": "已答应"}, STAFF, NOW)
    (called,) = views.reminder_views(tx.session, [vaccination], "en", views.MASKED,
                                     NOW + timedelta(days=1))
    assert (called["owner_phone"], called["overdue"], called["state_name"], called["called_by"],
            called["outcome"], called["called_at"]) == (
        "139****0001", True, "Called", "王会长", "已答应", "2026-11-27T02:00:00Z")


def test_a_complaint_as_staff_and_as_an_admin_see_it(tx):
    publish(tx)
    li = join(tx)
    dog = add_dog(tx, li)
    complaint(tx, 1, "dog_bite")
    cases.link(tx.session, 1, {"member_id": li.id, "dog_id": dog.id}, STAFF, NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    full = views.case_view(tx.session, case, "zh", views.FULL)
    assert {key: full[key] for key in (
        "tracking_code", "service_code", "kind_name", "urgent", "state", "state_name",
        "resident", "due_at", "member_id", "member", "dog_id", "dog", "talks", "warnings",
        "result", "referral", "referral_name", "on_time")} == {
        "tracking_code": "TEST000001", "service_code": "dog_bite", "kind_name": "犬只伤人",
        "urgent": True, "state": "received", "state_name": "办理中",
        "resident": {"name": "赵大爷", "phone": "13900001111", "address": "彩虹城5号楼"},
        "due_at": "2026-12-04T02:00:00Z", "member_id": li.id, "member": "李阿姨",
        "dog_id": dog.id, "dog": "豆豆", "talks": 0, "warnings": 0, "result": None,
        "referral": None, "referral_name": None, "on_time": None}
    assert [h["action_name"] for h in full["history"]] == ["收到投诉", "告知就医和接种狂犬疫苗",
                                                           "查明犬主"]
    cases.finish(tx.session, 1, {"note": "需公安处理", "referral": "police"}, STAFF, NOW,
                 resolved=False)
    admin = views.case_view(tx.session, case, "en", views.MASKED)
    assert (admin["resident"], admin["kind_name"], admin["referral_name"], admin["urgent"]) == (
        {"name": "赵**", "phone": "139****1111", "address": None}, "Dog bite",
        "The community police officer / police station (110)", True)
    complaint(tx, 2)
    assert views.case_view(tx.session, cases.get_case(tx.session, 2, STAFF), "zh",
                           views.FULL)["urgent"] is False
    assert [c.case_id for c in cases.list_cases(tx.session, C, service_code="dog_bite")] == [1]
    assert [c.case_id for c in cases.list_cases(tx.session, C, state="received")] == [2]
    assert [c.case_id for c in cases.list_cases(tx.session, C, member_id=li.id)] == [1]


def test_officers_pledges_members_and_the_record(tx):
    publish(tx)
    li = join(tx)
    wang = join(tx, "王先生", "13900000002", household="6号楼")
    officer = officers.elect(tx, C, {"member_id": li.id, "role": "president",
                                     "elected_on": date(2026, 3, 1), "note": "全体会员选举"},
                             STAFF, NOW)
    assert views.officer_view(officer, li, "zh") == {
        "id": officer.id, "member_id": li.id, "name": "李阿姨", "role": "president",
        "role_name": "会长", "elected_on": "2026-03-01", "ended_on": None, "serving": True,
        "note": "全体会员选举", "created_by": "王会长"}
    members.leave(tx, C, wang.id, {"note": "搬家"}, STAFF, NOW)
    assert [m.name for m in members.list_members(tx.session, C, state="active")] == ["李阿姨"]
    assert [m.name for m in members.list_members(tx.session, C, household="6号楼")] == ["王先生"]
    assert [m.name for m in members.list_members(tx.session, C)] == ["李阿姨", "王先生"]
    assert [h["action"] for h in views.history(tx.session, C, "member", wang.id)] == [
        "joined", "left"]
    assert views.history(tx.session, C, "member", wang.id)[1]["detail"] == {"note": "搬家"}
    assert views.history(tx.session, "maple-court", "member", wang.id) == []
    (pledge,) = pledges.list_pledges(tx.session, C)
    assert views.pledge_view(pledge) == {
        "id": pledge.id, "version": "2026版", "title": "彩虹城社区养犬人文明公约",
        "text": PLEDGE_TEXT, "effective_on": "2026-01-01", "created_by": "王会长"}
