"""What co-building's staff see, field by field, in Chinese and in English: a unit, an agreement,
a commitment before and after it is done, a joint meeting with its six parties, an issue at each
stage with its record, and the record of who changed what. Every expected value is written by
hand from the rules (README) and the data the test puts in."""
from datetime import UTC, date, datetime

from minzi.testing import dispatched_case

from co_building.domain import cases, commitments, issues, meetings, units, views

from .conftest import (
    EGG_CONTACT,
    NOW,
    SIX_PARTIES,
    STAFF,
    C,
    egg_and_hospital,
    noise_case,
    unit_data,
)

# NOW is 10:00 on 27 November 2026 in Beijing, 02:00 UTC
AT_NOW = "2026-11-27T02:00:00Z"
LATER = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)      # 09:30 on 28 November in Beijing
AT_LATER = "2026-11-28T01:30:00Z"
NOISE = "冷库的运输货车每天夜里两三点进出，吵得睡不着"


def test_a_unit_as_staff_see_it_in_both_languages(tx):
    egg, hospital = egg_and_hospital(tx)
    assert views.unit_view(egg, "zh") == {
        "id": egg.id, "community": "rainbow-city", "name": "禽蛋公司", "kind": "enterprise",
        "kind_name": "企业", "party_branch": "禽蛋公司党委", "contact_name": "刘主任",
        "contact_phone": "13800000100", "contact_username": "egg-contact",
        "created_at": AT_NOW, "created_by": "王书记"}
    assert views.unit_view(hospital, "en") == {
        "id": hospital.id, "community": "rainbow-city", "name": "东方建都医院",
        "kind": "hospital", "kind_name": "Hospital", "party_branch": "东方建都医院党委",
        "contact_name": "刘主任", "contact_phone": "13800000100",
        "contact_username": "hospital", "created_at": AT_NOW, "created_by": "王书记"}
    school = units.add_unit(tx, C, unit_data("彩虹城小学", None, kind="school"), STAFF, LATER)
    assert (views.unit_view(school, "en")["kind_name"], views.unit_view(school, "zh")["kind_name"],
            views.unit_view(school, "zh")["contact_username"],
            views.unit_view(school, "zh")["created_at"]) == ("School", "学校", None, AT_LATER)


def test_the_units_of_a_community_in_the_order_they_were_registered(tx):
    egg, hospital = egg_and_hospital(tx)
    units.add_unit(tx, "maple-court", unit_data("枫林物业", None), STAFF, NOW)
    school = units.add_unit(tx, C, unit_data("彩虹城小学", None, kind="school"), STAFF, NOW)
    assert [u.name for u in views.list_units(tx.session, C)] == ["禽蛋公司", "东方建都医院",
                                                                  "彩虹城小学"]
    assert [u.id for u in views.list_units(tx.session, C)] == [egg.id, hospital.id, school.id]
    assert [u.name for u in views.list_units(tx.session, "maple-court")] == ["枫林物业"]


def test_an_agreement_as_staff_see_it(tx):
    egg, _ = egg_and_hospital(tx)
    signed = units.add_agreement(tx, C, egg.id, {
        "signed_on": date(2026, 3, 2), "valid_from": date(2026, 3, 1),
        "valid_until": date(2026, 3, 1), "terms": "参加联席会", "document_ref": "第3号"},
        {**STAFF, "name": "刘干事"}, NOW)      # in force for one day: the end may be the start
    assert views.agreement_view(signed) == {
        "id": signed.id, "unit_id": egg.id, "signed_on": "2026-03-02",
        "valid_from": "2026-03-01", "valid_until": "2026-03-01", "terms": "参加联席会",
        "document_ref": "第3号", "created_by": "刘干事"}


def test_a_commitment_as_staff_see_it_before_and_after_it_is_done(tx):
    egg, _ = egg_and_hospital(tx)
    deed = commitments.commit(tx, C, {"year": 2026, "direction": "unit", "unit_id": egg.id,
                                      "title": "联合购买电动巡逻车", "detail": "6辆",
                                      "due_on": date(2026, 11, 27)}, STAFF, NOW)
    assert views.commitment_view(deed, "zh", NOW) == {
        "id": deed.id, "year": 2026, "direction": "unit", "direction_name": "单位承诺",
        "unit_id": egg.id, "title": "联合购买电动巡逻车", "detail": "6辆",
        "due_on": "2026-11-27", "status": "committed", "status_name": "已承诺",
        "behind": False, "evidence": None, "evidence_ref": None, "evidence_at": None,
        "evidence_by": None, "verified_at": None, "verified_by": None, "created_by": "王书记"}
    # on 28 November (Beijing) a deed due the 27th and not done is behind
    assert views.commitment_view(deed, "zh", LATER)["behind"] is True
    commitments.report_done(tx, C, deed.id,
                            {"evidence": "巡逻车已交付", "evidence_ref": "交接单2号"},
                            EGG_CONTACT, LATER)
    assert views.commitment_view(deed, "en", LATER) == {
        "id": deed.id, "year": 2026, "direction": "unit", "direction_name": "A unit's commitment",
        "unit_id": egg.id, "title": "联合购买电动巡逻车", "detail": "6辆",
        "due_on": "2026-11-27", "status": "reported",
        "status_name": "Reported done, to be verified", "behind": True,
        "evidence": "巡逻车已交付", "evidence_ref": "交接单2号", "evidence_at": AT_LATER,
        "evidence_by": "禽蛋公司刘主任", "verified_at": None, "verified_by": None,
        "created_by": "王书记"}
    commitments.verify(tx, C, deed.id, {"note": "属实"}, STAFF, LATER)
    shown = views.commitment_view(deed, "en", LATER)
    assert (shown["status"], shown["status_name"], shown["behind"], shown["verified_at"],
            shown["verified_by"]) == ("verified", "Verified done", False, AT_LATER, "王书记")
    assert views.commitment_view(deed, "zh", LATER)["status_name"] == "已核实完成"
    ours = commitments.commit(tx, C, {"year": 2026, "direction": "community", "unit_id": None,
                                      "title": "新春联欢会", "due_on": date(2026, 12, 31)},
                              STAFF, NOW)
    assert (views.commitment_view(ours, "zh", NOW)["direction_name"],
            views.commitment_view(ours, "en", NOW)["direction_name"],
            views.commitment_view(ours, "zh", NOW)["detail"]) == (
        "社区承诺", "The community's commitment", None)


def test_a_joint_meeting_names_its_six_parties_in_both_languages(tx):
    egg_and_hospital(tx)
    noise_case(tx)
    issues.sort_issue(tx.session, 1, {"kind": "coordination"}, STAFF, NOW)
    held = meetings.record_meeting(tx, C, {
        "day": date(2026, 11, 27), "place": "社区会议室", "topic": "冷库货车夜间噪音",
        "attendees": SIX_PARTIES, "case_ids": [1], "decisions": "改造冷库"}, STAFF, NOW)
    assert views.meeting_view(held, "en") == {
        "id": held.id, "day": "2026-11-27", "place": "社区会议室", "topic": "冷库货车夜间噪音",
        "attendees": [
            {"party": "npc_deputies", "party_name": "NPC deputies", "names": ["张代表"]},
            {"party": "residents", "party_name": "Resident representatives",
             "names": ["居民代表李阿姨"]},
            {"party": "street", "party_name": "Street leaders", "names": ["街道工委王书记"]},
            {"party": "committees", "party_name": "The community's two committees",
             "names": ["社区党委书记", "居委会主任"]},
            {"party": "property", "party_name": "Property companies", "names": ["和泓物业经理"]},
            {"party": "units", "party_name": "Local units", "names": ["禽蛋公司党委书记"]}],
        "case_ids": [1], "decisions": "改造冷库", "created_by": "王书记"}


def _fresh_issue(history, **changes) -> dict:
    """Case 1 as intake sent it (conftest.noise_case), nothing done to it yet."""
    return {"case_id": 1, "tracking_code": "TEST000001", "community": "rainbow-city",
            "service_code": "night_noise", "description": NOISE,
            "attributes": {"noise_source": "trucks"},
            "resident": {"name": "赵大爷", "phone": "13900001111", "address": "彩虹城5号楼"},
            "kind": None, "kind_name": None, "state": "unsorted", "state_name": "待分类",
            "unit_id": None, "unit": None, "deadline": None, "overdue": False, "reminders": 0,
            "chases": 0, "meeting_id": None, "result": None, "investment": None,
            "investment_unit_id": None, "handled_by": None, "history": history, **changes}


def test_an_issue_as_staff_see_it_at_each_stage(tx):
    egg, _ = egg_and_hospital(tx)
    noise_case(tx)
    case = cases.get_case(tx.session, 1, STAFF)
    received = {"at": AT_NOW, "by": "intake", "action": "received", "note": None}
    assert views.issue_view(case, "zh", NOW, views.FULL) == _fresh_issue(
        [{**received, "action_name": "收到诉求"}])
    issues.sort_issue(tx.session, 1, {"kind": "solvable", "note": "可由单位自行解决"}, STAFF, NOW)
    issues.assign(tx.session, 1, {"unit_id": egg.id, "deadline": date(2026, 11, 27),
                                  "note": "请一周内答复"}, STAFF, NOW)
    # seen on 28 November (Beijing): the deadline of the 27th has passed
    assert views.issue_view(case, "en", LATER, views.MASKED, egg) == _fresh_issue([
        {**received, "action_name": "Received"},
        {"at": AT_NOW, "by": "王书记", "action": "sorted", "note": "可由单位自行解决",
         "kind": "solvable", "action_name": "Sorted"},
        {"at": AT_NOW, "by": "王书记", "action": "assigned", "note": "请一周内答复",
         "unit": "禽蛋公司", "deadline": "2026-11-27", "action_name": "Assigned to a unit"}],
        resident={"name": "赵**", "phone": "139****1111", "address": None},
        kind="solvable", kind_name="Solvable", state="open", state_name="In progress",
        unit_id=egg.id, unit="禽蛋公司", deadline="2026-11-27", overdue=True)
    issues.supervise(tx.session, 1, {"note": "请尽快办理"}, STAFF, LATER)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "已超时，请办理"}, LATER)
    issues.finish(tx.session, 1, {"result": "已协调车队绕行", "investment_fen": 1_234_567,
                                  "investment_unit_id": egg.id}, STAFF, LATER, resolved=True)
    shown = views.issue_view(case, "zh", LATER, views.HIDDEN, egg)
    # 1 234 567 fen are 12 345 yuan 67 fen
    assert {key: shown[key] for key in ("resident", "kind_name", "state", "state_name",
                                        "overdue", "reminders", "chases", "result",
                                        "investment", "investment_unit_id", "handled_by")} == {
        "resident": None, "kind_name": "可解决", "state": "resolved", "state_name": "已办结",
        "overdue": False, "reminders": 1, "chases": 1, "result": "已协调车队绕行",
        "investment": "12345.67", "investment_unit_id": egg.id, "handled_by": "王书记"}
    assert shown["history"][3:] == [
        {"at": AT_LATER, "by": "王书记", "action": "supervised", "note": "请尽快办理",
         "action_name": "督办"},
        {"at": AT_LATER, "by": "intake", "action": "chased", "note": "已超时，请办理",
         "action_name": "催办"},
        {"at": AT_LATER, "by": "王书记", "action": "resolved", "note": "已协调车队绕行",
         "investment_unit": "禽蛋公司", "investment_fen": 1_234_567, "action_name": "办结"}]


def test_an_issue_with_no_unit_invested_and_the_list_of_issues(tx):
    egg, hospital = egg_and_hospital(tx)
    noise_case(tx)
    noise_case(tx, 2, "road_access")
    issues.sort_issue(tx.session, 2, {"kind": "coordination"}, STAFF, NOW)
    issues.assign(tx.session, 2, {"unit_id": hospital.id, "deadline": date(2026, 12, 1)},
                  STAFF, NOW)
    noise_case(tx, 3)
    issues.sort_issue(tx.session, 3, {"kind": "solvable"}, STAFF, NOW)
    issues.assign(tx.session, 3, {"unit_id": egg.id, "deadline": date(2026, 11, 27)}, STAFF, NOW)
    issues.finish(tx.session, 2, {"result": "道路已打通"}, STAFF, NOW, resolved=True)
    # seen on 28 November: case 3, due the 27th, is overdue
    listed = views.issue_views(tx.session, issues.list_issues(tx.session, C), "en", LATER,
                               views.MASKED)
    assert [(v["case_id"], v["unit"], v["overdue"], v["resident"]) for v in listed] == [
        (1, None, False, {"name": "赵**", "phone": "139****1111", "address": None}),
        (2, "东方建都医院", False, {"name": "赵**", "phone": "139****1111", "address": None}),
        (3, "禽蛋公司", True, {"name": "赵**", "phone": "139****1111", "address": None})]
    shown = views.issue_views(tx.session, issues.list_issues(tx.session, C)[:2], "en", NOW,
                              views.FULL)
    assert [(v["case_id"], v["unit_id"], v["unit"], v["kind_name"], v["state_name"],
             v["investment"], v["investment_unit_id"]) for v in shown] == [
        (1, None, None, None, "Not yet sorted", None, None),
        (2, hospital.id, "东方建都医院", "Needs coordination", "Resolved", None, None)]
    assert shown[1]["history"][-1] == {
        "at": AT_NOW, "by": "王书记", "action": "resolved", "note": "道路已打通",
        "investment_unit": None, "investment_fen": None, "action_name": "Resolved"}


def test_a_returned_and_a_recalled_issue_are_named_in_both_languages(tx):
    egg_and_hospital(tx)
    noise_case(tx)
    noise_case(tx, 2)
    issues.finish(tx.session, 1, {"note": "属于城管执法"}, STAFF, NOW, resolved=False)
    cases.recalled(tx, {"case_id": 2, "note": "居民撤回"}, NOW)
    returned = views.issue_view(cases.get_case(tx.session, 1, STAFF), "en", NOW, views.FULL)
    recalled = views.issue_view(cases.get_case(tx.session, 2, STAFF), "en", NOW, views.FULL)
    assert (returned["state"], returned["state_name"], returned["result"],
            returned["handled_by"], returned["history"][-1]) == (
        "returned", "Returned", "属于城管执法", "王书记",
        {"at": AT_NOW, "by": "王书记", "action": "returned", "note": "属于城管执法",
         "action_name": "Returned"})
    assert (recalled["state"], recalled["state_name"], recalled["history"][-1]) == (
        "recalled", "Taken back by intake",
        {"at": AT_NOW, "by": "intake", "action": "recalled", "note": "居民撤回",
         "action_name": "Recalled"})
    assert views.issue_view(cases.get_case(tx.session, 1, STAFF), "zh", NOW,
                            views.FULL)["state_name"] == "已退回"


def test_a_resident_without_name_or_phone_is_shown_masked_as_nothing(tx):
    cases.receive(tx, dispatched_case("co_building", "night_noise", address="彩虹城5号楼",
                                      resident=None), NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    assert views.resident_view(case, views.MASKED) == {"name": None, "phone": None,
                                                        "address": None}
    assert views.resident_view(case, views.FULL) == {"address": "彩虹城5号楼"}
    cases.receive(tx, dispatched_case("co_building", "night_noise", case_id=2,
                                      resident={"name": "张三", "phone": "13900002222"}), NOW)
    assert views.resident_view(cases.get_case(tx.session, 2, STAFF), views.MASKED) == {
        "name": "张*", "phone": "139****2222", "address": None}


def test_the_record_of_who_changed_what_and_when(tx):
    egg, hospital = egg_and_hospital(tx)
    units.update_contact(tx, C, egg.id, {"contact_name": "孙书记", "contact_phone": "13700000000",
                                         "contact_username": None}, STAFF, LATER)
    signed = units.add_agreement(tx, C, egg.id, {
        "signed_on": date(2026, 1, 8), "valid_from": date(2026, 1, 1),
        "valid_until": date(2028, 12, 31), "terms": "办实事", "document_ref": "第3号"},
        STAFF, LATER)
    units.add_agreement(tx, C, hospital.id, {
        "signed_on": date(2026, 1, 8), "valid_from": date(2026, 1, 1),
        "valid_until": date(2028, 12, 31), "terms": "义诊", "document_ref": "第4号"},
        STAFF, LATER)
    assert views.history(tx.session, C, "unit", egg.id) == [
        {"action": "added", "by": "王书记", "at": AT_NOW, "detail": {}},
        {"action": "contact_changed", "by": "王书记", "at": AT_LATER, "detail": {
            "before": {"contact_name": "刘主任", "contact_phone": "13800000100",
                       "contact_username": "egg-contact"},
            "after": {"contact_name": "孙书记", "contact_phone": "13700000000",
                      "contact_username": None}}},
        {"action": "agreement_signed", "by": "王书记", "at": AT_LATER,
         "detail": {"agreement_id": signed.id, "document_ref": "第3号"}}]
    # another community's record of the same unit number is not this one's
    assert views.history(tx.session, "maple-court", "unit", egg.id) == []
    deed = commitments.commit(tx, C, {"year": 2026, "direction": "unit", "unit_id": hospital.id,
                                      "title": "义诊", "due_on": date(2026, 12, 5)}, STAFF, NOW)
    commitments.report_done(tx, C, deed.id, {"evidence": "义诊照片"}, STAFF, NOW)
    commitments.report_done(tx, C, deed.id, {"evidence": "义诊登记表", "evidence_ref": "档案 7号"},
                            STAFF, NOW)
    commitments.verify(tx, C, deed.id, {"note": "属实"}, STAFF, LATER)
    assert views.history(tx.session, C, "commitment", deed.id) == [
        {"action": "committed", "by": "王书记", "at": AT_NOW,
         "detail": {"unit_id": hospital.id, "due_on": "2026-12-05"}},
        {"action": "reported_done", "by": "王书记", "at": AT_NOW,
         "detail": {"evidence": "义诊照片", "evidence_ref": None}},
        {"action": "reported_done", "by": "王书记", "at": AT_NOW,
         "detail": {"evidence": "义诊登记表", "evidence_ref": "档案 7号"}},
        {"action": "verified", "by": "王书记", "at": AT_LATER, "detail": {"note": "属实"}}]
    noise_case(tx)
    issues.sort_issue(tx.session, 1, {"kind": "coordination"}, STAFF, NOW)
    held = meetings.record_meeting(tx, C, {
        "day": date(2026, 11, 27), "place": "会议室", "topic": "噪音",
        "attendees": SIX_PARTIES, "case_ids": [1, 1], "decisions": "改造冷库"}, STAFF, LATER)
    assert views.history(tx.session, C, "meeting", held.id) == [
        {"action": "held", "by": "王书记", "at": AT_LATER, "detail": {"case_ids": [1]}}]

