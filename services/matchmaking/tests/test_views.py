"""What the studio's staff see: a member's record, one member shown to another, the lists and
their filters, a case's page and the code lists. Every expected value is typed from the
requirement (ID numbers masked but on the member's own record, ages on the Beijing date, names in
the reader's language), not read back from the code."""
from datetime import UTC, date, datetime, timedelta

from matchmaking.domain import cases, consultations, introductions, members, views

from .conftest import (
    CASE_DATA,
    LI_NA,
    NOW,
    POLICE,
    STAFF,
    WANG_QIANG,
    ZHANG_WEI,
    ZHAO_MIN,
    C,
    couple,
    introduce,
    register,
    verify,
)

TODAY = date(2026, 11, 27)
AT_NOW = "2026-11-27T02:00:00Z"


def test_a_members_own_record_shows_everything_that_happened_to_them(tx):
    man = register(tx)
    members.update_member(tx, C, man.id, {"occupation": "教师"}, STAFF, NOW)
    later = NOW + timedelta(hours=1)
    members.record_verification(tx, C, man.id, {"result": "rejected", "reason": "照片不清",
                                                **POLICE}, STAFF, later)
    members.update_member(tx, C, man.id, {"name": "张伟民", "phone": "13800000099"}, STAFF,
                          later)
    checked = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)
    members.record_verification(tx, C, man.id, {"result": "verified", **POLICE,
                                                "checked_at": checked}, STAFF, later)
    woman = verify(tx, register(tx, LI_NA))
    intro = introduce(tx, man, woman, later)
    consultations.log_consultation(tx, C, {"phone": "13800000099", "member_id": man.id,
                                           "topic": "follow_up", "notes": "见面顺利"},
                                   STAFF, later)
    consultations.log_consultation(tx, C, {"phone": "13900000002", "member_id": woman.id,
                                           "topic": "matching"}, STAFF, later)

    record = views.member_record(tx.session, C, man.id, "en", TODAY)
    at_later = "2026-11-27T03:00:00Z"
    assert {key: record[key] for key in (
        "id", "community", "name", "gender", "gender_name", "birth_date", "age", "phone",
        "id_number", "education", "education_name", "occupation", "status", "status_name",
        "visible_to_others", "verified_at", "withdrawn_reason", "registered_at", "created_at",
        "created_by", "updated_at", "updated_by")} == {
        "id": man.id, "community": C, "name": "张伟民", "gender": "male", "gender_name": "Male",
        "birth_date": "1994-05-12", "age": 32, "phone": "13800000099",
        "id_number": "110105199405122131",              # in full, on the member's own record
        "education": "bachelor", "education_name": "Bachelor's degree", "occupation": "教师",
        "status": "verified", "status_name": "Verified", "visible_to_others": True,
        "verified_at": "2026-11-27T02:30:00Z", "withdrawn_reason": None,
        "registered_at": AT_NOW, "created_at": AT_NOW, "created_by": "王红娘",
        "updated_at": at_later, "updated_by": "王红娘"}
    assert [(v["result"], v["result_name"], v["reason"], v["checked_at"], v["recorded_at"],
             v["recorded_by"], v["police_station"], v["officer"], v["member_id"])
            for v in record["verifications"]] == [
        ("rejected", "Rejected", "照片不清", at_later, at_later, "王红娘", "朝阳分局彩虹城派出所",
         "刘警官", man.id),
        ("verified", "Verified", None, "2026-11-27T02:30:00Z", at_later, "王红娘",
         "朝阳分局彩虹城派出所", "刘警官", man.id)]
    assert [i["id"] for i in record["introductions"]] == [intro.id]
    (call,) = record["consultations"]                   # hers is on her record, not his
    assert {key: call[key] for key in ("member_id", "caller_name", "phone", "topic",
                                       "topic_name", "notes", "staff_name", "called_at",
                                       "created_at", "created_by", "community")} == {
        "member_id": man.id, "caller_name": "张伟民", "phone": "13800000099",
        "topic": "follow_up", "topic_name": "Follow-up", "notes": "见面顺利",
        "staff_name": "王红娘", "called_at": at_later, "created_at": at_later,
        "created_by": "王红娘", "community": C}
    assert [(h["action"], h["actor"], h["actor_id"], h["at"], h["entity"], h["entity_id"],
             h["detail"].get("fields"), h["detail"].get("reason"))
            for h in record["history"]] == [
        ("registered", "王红娘", "7", AT_NOW, "member", man.id, None, None),
        ("updated", "王红娘", "7", AT_NOW, "member", man.id, ["occupation"], None),
        ("rejected", "王红娘", "7", at_later, "member", man.id, None, "照片不清"),
        ("updated", "王红娘", "7", at_later, "member", man.id, ["name", "phone"], None),
        ("verification_reset", "王红娘", "7", at_later, "member", man.id, ["name"], None),
        ("verified", "王红娘", "7", at_later, "member", man.id, None, None)]


def test_a_withdrawal_is_on_the_record_with_its_reason(tx):
    man = verify(tx, register(tx))
    later = NOW + timedelta(days=1)
    members.withdraw_member(tx, C, man.id, "已找到对象", STAFF, later)
    record = views.member_record(tx.session, C, man.id, "zh", TODAY)
    assert (record["status"], record["status_name"], record["visible_to_others"],
            record["withdrawn_reason"], record["updated_at"]) == (
        "withdrawn", "已退出", False, "已找到对象", "2026-11-28T02:00:00Z")
    assert (record["history"][-1]["action"], record["history"][-1]["detail"],
            record["history"][-1]["at"]) == (
        "withdrawn", {"reason": "已找到对象"}, "2026-11-28T02:00:00Z")


def test_a_list_masks_the_id_number_and_a_profile_hides_phone_and_birth_date(tx):
    man = register(tx, education=None)
    shown = views.member_view(man, "zh", TODAY)
    assert shown["id_number"] == "110105********2131"
    assert (shown["gender_name"], shown["status_name"], shown["education_name"],
            shown["visible_to_others"], shown["verified_at"]) == ("男", "待核实", None, False, None)
    woman = verify(tx, register(tx, LI_NA))
    assert views.profile_view(woman, "en", TODAY) == {
        "id": woman.id, "name": "李娜", "gender": "female", "gender_name": "Female", "age": 30,
        "education": "bachelor", "education_name": "Bachelor's degree", "occupation": "工程师",
        "introduction": "性格开朗，爱好运动", "looking_for": "善良孝顺"}


def test_members_are_listed_by_status_gender_and_a_name_or_phone_typed_in(tx):
    zhang, li_na = couple(tx)
    wang = register(tx, WANG_QIANG)
    zhao = register(tx, ZHAO_MIN)
    members.withdraw_member(tx, C, zhao.id, "不再需要", STAFF, NOW)

    def ids(**filters):
        return [m.id for m in views.list_members(tx.session, C, **filters)]
    assert ids() == [zhang.id, li_na.id, wang.id, zhao.id]
    assert ids(status="verified") == [zhang.id, li_na.id]
    assert ids(status="pending") == [wang.id]
    assert ids(gender="female") == [li_na.id, zhao.id]
    assert ids(gender="male", status="verified") == [zhang.id]
    assert ids(search="王") == [wang.id]
    assert ids(search="0000000") == [zhang.id, li_na.id, wang.id, zhao.id]   # every phone
    assert ids(search="13900000002") == [li_na.id]
    assert views.list_members(tx.session, "maple-court") == []


def test_introductions_are_shown_with_both_sides_and_listed_by_outcome_and_member(tx):
    zhang, li_na = couple(tx)
    zhao = verify(tx, register(tx, ZHAO_MIN))
    first = introduce(tx, zhang, li_na)
    second = introduce(tx, zhang, zhao)
    met_at = NOW + timedelta(days=2)
    introductions.set_outcome(tx, C, first.id, {"outcome": "met", "note": "聊得来"}, STAFF, met_at)

    shown = views.introduction_view(first, "en")
    assert {key: shown[key] for key in ("community", "first_member", "second_member",
                                        "introduced_at", "introduced_by", "note", "outcome",
                                        "outcome_name", "outcome_at", "open", "updated_at",
                                        "updated_by")} == {
        "community": C, "first_member": {"id": zhang.id, "name": "张伟", "gender": "male"},
        "second_member": {"id": li_na.id, "name": "李娜", "gender": "female"},
        "introduced_at": AT_NOW, "introduced_by": "王红娘", "note": "都喜欢爬山",
        "outcome": "met", "outcome_name": "Met", "outcome_at": "2026-11-29T02:00:00Z",
        "open": True, "updated_at": "2026-11-29T02:00:00Z", "updated_by": "王红娘"}
    assert shown["history"] == [
        {"outcome": "pending", "outcome_name": "Not met yet", "at": AT_NOW, "note": "都喜欢爬山",
         "recorded_at": AT_NOW, "recorded_by": "王红娘"},
        {"outcome": "met", "outcome_name": "Met", "at": "2026-11-29T02:00:00Z", "note": "聊得来",
         "recorded_at": "2026-11-29T02:00:00Z", "recorded_by": "王红娘"}]
    introductions.set_outcome(tx, C, second.id, {"outcome": "ended"}, STAFF, met_at)
    assert views.introduction_view(second, "zh")["open"] is False

    def ids(**filters):
        return [i.id for i in views.list_introductions(tx.session, C, **filters)]
    assert ids() == [first.id, second.id]
    assert ids(outcome="met") == [first.id]
    assert ids(outcome="pending") == []
    assert ids(member_id=li_na.id) == [first.id]          # as the second member
    assert ids(member_id=zhang.id) == [first.id, second.id]
    assert views.list_introductions(tx.session, "maple-court") == []


def test_consultations_are_listed_by_beijing_day_and_member(tx):
    man = register(tx)
    days = {day: datetime(2026, 11, day, 2, 0, tzinfo=UTC) for day in (20, 21, 22)}
    for day, when in days.items():
        consultations.log_consultation(tx, C, {"phone": "13600000000", "topic": "other",
                                               "caller_name": f"{day}日来电",
                                               "member_id": man.id if day == 21 else None,
                                               "called_at": when}, STAFF, NOW)

    def names(**filters):
        return [c.caller_name for c in views.list_consultations(tx.session, C, **filters)]
    assert names() == ["20日来电", "21日来电", "22日来电"]
    assert names(day_from=date(2026, 11, 21)) == ["21日来电", "22日来电"]
    assert names(day_to=date(2026, 11, 21)) == ["20日来电", "21日来电"]
    assert names(day_from=date(2026, 11, 21), day_to=date(2026, 11, 21)) == ["21日来电"]
    assert names(member_id=man.id) == ["21日来电"]
    assert views.list_consultations(tx.session, "maple-court") == []


def test_a_case_page_shows_what_intake_sent_and_what_happened(tx):
    cases.receive(tx, CASE_DATA, NOW)
    later = NOW + timedelta(hours=3)
    cases.chased(tx, {"case_id": 5, "level": 1, "note": "请尽快办理"}, later)
    page = views.case_record(tx.session, C, 5)
    assert {key: page[key] for key in page if key != "history"} == {
        "case_id": 5, "tracking_code": "RC12345678", "community": C,
        "service_code": "matchmaking_registration", "state": "received",
        "description": "想给儿子登记", "resident": {"name": "孙阿姨", "phone": "13600000000"},
        "attributes": {"gender": "male", "age": "30"}, "chases": 1, "result": None,
        "handled_by": None, "received_at": AT_NOW, "updated_at": "2026-11-27T05:00:00Z"}
    # intake is a program, not a staff member: it is named, with no staff id
    assert [(h["action"], h["actor"], h["actor_id"], h["at"], h["detail"])
            for h in page["history"]] == [
        ("received", "intake", None, AT_NOW, {"service_code": "matchmaking_registration"}),
        ("chased", "intake", None, "2026-11-27T05:00:00Z", {"level": 1, "note": "请尽快办理"})]

    cases.recalled(tx, {"case_id": 5, "note": "转给了别的项目"}, later + timedelta(hours=1))
    page = views.case_record(tx.session, C, 5)
    assert (page["state"], page["updated_at"]) == ("recalled", "2026-11-27T06:00:00Z")
    assert page["history"][-1]["detail"] == {"note": "转给了别的项目"}
    assert page["history"][-1]["at"] == "2026-11-27T06:00:00Z"


def test_a_case_without_resident_or_attributes_shows_empty_ones_and_states_filter(tx):
    cases.receive(tx, {key: value for key, value in CASE_DATA.items()
                       if key not in ("resident", "attributes")}, NOW)
    cases.receive(tx, {**CASE_DATA, "case_id": 6}, NOW)
    cases.finish(tx, C, 6, STAFF, NOW + timedelta(hours=1), resolved=False, text="请转居委会")
    shown = views.case_view(cases.get_case(tx.session, 5, C))
    assert (shown["resident"], shown["attributes"], shown["chases"]) == ({}, {}, 0)
    returned = views.case_record(tx.session, C, 6)
    assert (returned["state"], returned["result"], returned["handled_by"]) == (
        "returned", "请转居委会", "王红娘")
    assert returned["history"][-1]["detail"] == {"text": "请转居委会"}
    assert returned["history"][-1]["at"] == "2026-11-27T03:00:00Z"
    assert [c.case_id for c in views.list_cases(tx.session, C)] == [5, 6]
    assert [c.case_id for c in views.list_cases(tx.session, C, state="received")] == [5]
    assert [c.case_id for c in views.list_cases(tx.session, C, state="returned")] == [6]
    assert views.list_cases(tx.session, "maple-court") == []


def test_the_code_lists_in_both_languages():
    zh, en = views.codes("zh"), views.codes("en")
    assert zh["genders"] == [{"code": "male", "name": "男"}, {"code": "female", "name": "女"}]
    assert en["genders"] == [{"code": "male", "name": "Male"},
                             {"code": "female", "name": "Female"}]
    assert [e["code"] for e in zh["education"]] == [
        "primary", "junior_high", "senior_high", "college", "bachelor", "master", "doctorate"]
    assert zh["education"][4] == {"code": "bachelor", "name": "本科"}
    assert en["member_statuses"] == [
        {"code": "pending", "name": "Awaiting verification"},
        {"code": "verified", "name": "Verified"},
        {"code": "rejected", "name": "Verification failed"},
        {"code": "withdrawn", "name": "Withdrawn"}]
    assert [t["code"] for t in zh["topics"]] == ["registration", "matching", "relationship",
                                                  "family", "follow_up", "other"]
    assert zh["topics"][0]["name"] == "登记咨询"
    assert [o["name"] for o in zh["outcomes"]] == ["待见面", "已见面", "交往中", "已结婚", "已结束"]
    assert en["verification_results"] == [{"code": "verified", "name": "Verified"},
                                          {"code": "rejected", "name": "Rejected"}]


def test_the_history_of_one_record_is_oldest_first_and_of_that_record_only(tx):
    man = register(tx, when=NOW + timedelta(hours=2))
    woman = register(tx, LI_NA)
    members.update_member(tx, C, man.id, {"occupation": "教师"}, STAFF, NOW + timedelta(hours=1))
    assert [(a.action, a.at.hour) for a in views.history(tx.session, C, "member", man.id)] == [
        ("updated", 3), ("registered", 4)]
    assert [a.action for a in views.history(tx.session, C, "member", woman.id)] == ["registered"]
    assert views.history(tx.session, C, "case", man.id) == []
    assert views.history(tx.session, "maple-court", "member", man.id) == []


def test_candidates_are_counted_by_age_on_the_beijing_date(tx):
    man = verify(tx, register(tx, ZHANG_WEI))
    woman = verify(tx, register(tx, LI_NA))                 # 30 from 8 March 2026
    assert [m.id for m in views.candidates(tx.session, C, man.id, NOW, age_from=30,
                                           age_to=30)] == [woman.id]
    assert views.candidates(tx.session, C, man.id, NOW, age_from=31) == []


def test_a_members_record_lists_only_their_introductions_in_the_readers_language(tx):
    zhang, li_na = couple(tx)
    wang = verify(tx, register(tx, WANG_QIANG))
    zhao = verify(tx, register(tx, ZHAO_MIN))
    theirs = introduce(tx, wang, zhao)
    mine = introduce(tx, zhang, li_na)
    record = views.member_record(tx.session, C, zhang.id, "en", TODAY)
    assert [(i["id"], i["outcome_name"]) for i in record["introductions"]] == [
        (mine.id, "Not met yet")]
    assert [i["id"] for i in views.member_record(tx.session, C, wang.id, "zh", TODAY)[
        "introductions"]] == [theirs.id]
    assert (record["introduction"], record["looking_for"]) == ("性格开朗，爱好运动", "善良孝顺")
    (check,) = record["verifications"]
    assert check["id"] == zhang.verifications[0].id
    call = consultations.log_consultation(tx, C, {"phone": "13800000001", "topic": "other",
                                                  "member_id": zhang.id}, STAFF, NOW)
    assert views.member_record(tx.session, C, zhang.id, "zh", TODAY)["consultations"][0][
        "id"] == call.id


def test_a_case_intake_dispatches_again_is_open_again_and_keeps_its_chases(tx):
    cases.receive(tx, CASE_DATA, NOW)
    cases.chased(tx, {"case_id": 5, "level": 1, "note": "请尽快办理"}, NOW)
    cases.recalled(tx, {"case_id": 5, "note": "收回"}, NOW)
    later = NOW + timedelta(days=1)
    cases.receive(tx, {**CASE_DATA, "description": "想给儿子登记，周末有空"}, later)
    page = views.case_record(tx.session, C, 5)
    assert (page["state"], page["chases"], page["description"], page["received_at"],
            page["updated_at"]) == ("received", 1, "想给儿子登记，周末有空", AT_NOW,
                                    "2026-11-28T02:00:00Z")
    assert [h["action"] for h in page["history"]] == ["received", "chased", "recalled",
                                                      "received"]


def test_consultations_are_listed_in_the_order_the_calls_were_made(tx):
    # logged out of order: the call of 00:00 on 21 November (Beijing) was typed in last
    midnight_21st = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    midnight_22nd = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    for name, when in (("21日中午", datetime(2026, 11, 21, 4, 0, tzinfo=UTC)),
                       ("22日零点", midnight_22nd), ("21日零点", midnight_21st)):
        consultations.log_consultation(tx, C, {"phone": "13600000000", "topic": "other",
                                               "caller_name": name, "called_at": when},
                                       STAFF, NOW)
    assert [c.caller_name for c in views.list_consultations(tx.session, C)] == [
        "21日零点", "21日中午", "22日零点"]
    # the 21st runs from its first moment up to, not including, the first moment of the 22nd
    assert [c.caller_name for c in views.list_consultations(
        tx.session, C, day_from=date(2026, 11, 21), day_to=date(2026, 11, 21))] == [
        "21日零点", "21日中午"]
