"""Duties with the volunteers assigned and the minutes they served, and the cases intake hands
the grid: signing up (enrolled on the roster, answered) and a matter for the building head
(forwarded to the head now, answered). Each refusal changes nothing."""
from datetime import date, timedelta

from minzi.testing import dispatched_case

from volunteer_grid.domain import cases, duties, posts, views, volunteers

from .conftest import NOW, STAFF, TODAY, C, refused


def duty(tx, town, day=TODAY, **extra):
    return duties.add_duty(tx, C, {"kind": "patrol", "title": "夜间治安巡逻",
                                   "zone_id": town.z1.id, "day": day, **extra}, STAFF, NOW)


def test_a_duty_with_volunteers_and_the_minutes_each_served(tx, town):
    patrol = duty(tx, town, note="19:00 集合")
    assert (patrol.kind, patrol.zone_id, patrol.day, patrol.note, patrol.created_by) == (
        "patrol", town.z1.id, TODAY, "19:00 集合", "刘主任")
    added = duties.assign(tx, C, patrol.id, {"volunteer_ids": [town.wang.id, town.li.id]},
                          STAFF, NOW)
    assert [(a.volunteer_id, a.assigned_by, a.minutes) for a in added] == [
        (town.wang.id, "刘主任", None), (town.li.id, "刘主任", None)]
    served = duties.record_minutes(tx, C, patrol.id, {"volunteer_id": town.wang.id,
                                                      "minutes": 150}, STAFF, NOW)
    assert (served.minutes, served.recorded_by, served.recorded_at) == (150, "刘主任", NOW)
    assert [a.minutes for a in duties.assignments(tx.session, patrol)] == [150, None]
    assert views.history(tx.session, C, "duty", patrol.id) == [
        {"action": "added", "by": "刘主任", "at": "2026-11-27T02:00:00Z",
         "detail": {"title": "夜间治安巡逻"}},
        {"action": "assigned", "by": "刘主任", "at": "2026-11-27T02:00:00Z",
         "detail": {"volunteer_ids": [town.wang.id, town.li.id]}},
        {"action": "minutes_recorded", "by": "刘主任", "at": "2026-11-27T02:00:00Z",
         "detail": {"volunteer_id": town.wang.id, "minutes": 150}}]
    community_wide = duties.add_duty(tx, C, {"kind": "notice_delivery", "title": "送停水通知",
                                             "zone_id": None, "day": TODAY}, STAFF, NOW)
    assert community_wide.zone_id is None


def test_what_a_duty_refuses(tx, town):
    patrol = duty(tx, town)
    duties.assign(tx, C, patrol.id, {"volunteer_ids": [town.wang.id]}, STAFF, NOW)
    with refused(tx, "already_assigned", field="volunteer_ids", status=409,
                 zh="王芳已经安排在这项任务里了", en="王芳 is already on this duty"):
        duties.assign(tx, C, patrol.id, {"volunteer_ids": [town.li.id, town.wang.id]}, STAFF,
                      NOW)
    with refused(tx, "already_assigned", field="volunteer_ids"):
        duties.assign(tx, C, patrol.id, {"volunteer_ids": [town.li.id, town.li.id]}, STAFF,
                      NOW)
    volunteers.set_active(tx, C, town.zhou.id, False, None, STAFF, NOW)
    with refused(tx, "volunteer_inactive", field="volunteer_ids", status=409,
                 zh="周杰已不在岗，不能安排值勤", en="周杰 is not an active volunteer"):
        duties.assign(tx, C, patrol.id, {"volunteer_ids": [town.zhou.id]}, STAFF, NOW)
    with refused(tx, "unknown_volunteer", field="volunteer_ids", status=422):
        duties.assign(tx, C, patrol.id, {"volunteer_ids": [99]}, STAFF, NOW)
    with refused(tx, "not_assigned", field="volunteer_id", status=422,
                 zh="李强没有安排在这项任务里", en="李强 is not on this duty"):
        duties.record_minutes(tx, C, patrol.id, {"volunteer_id": town.li.id, "minutes": 60},
                              STAFF, NOW)
    duties.record_minutes(tx, C, patrol.id, {"volunteer_id": town.wang.id, "minutes": 60},
                          STAFF, NOW)
    with refused(tx, "minutes_recorded", field="volunteer_id", status=409,
                 zh="王芳这次的服务时长已经登记过了",
                 en="王芳's time on this duty is already recorded"):
        duties.record_minutes(tx, C, patrol.id, {"volunteer_id": town.wang.id, "minutes": 30},
                              STAFF, NOW)
    tomorrow = duty(tx, town, day=TODAY + timedelta(days=1))
    duties.assign(tx, C, tomorrow.id, {"volunteer_ids": [town.li.id]}, STAFF, NOW)
    with refused(tx, "duty_not_yet", field="duty_id", status=409,
                 zh="这项任务在 2026-11-28，还没到，不能登记时长",
                 en="The duty is on 2026-11-28: too early to record time"):
        duties.record_minutes(tx, C, tomorrow.id, {"volunteer_id": town.li.id, "minutes": 30},
                              STAFF, NOW)
    with refused(tx, "duty_not_found", field="duty_id", status=404,
                 zh=f"没有编号为 {patrol.id} 的值勤任务", en=f"No duty {patrol.id}"):
        duties.assign(tx, "maple-court", patrol.id, {"volunteer_ids": [town.li.id]}, STAFF, NOW)
    with refused(tx, "unknown_zone", field="zone_id", status=422):
        duty(tx, town, zone_id=99)
    with refused(tx, "unknown_volunteer", field="volunteer_id", status=422):
        duties.record_minutes(tx, C, patrol.id, {"volunteer_id": 99, "minutes": 30}, STAFF,
                              NOW)


def test_duties_listed_by_day_zone_and_month(tx, town):
    late = duty(tx, town, day=date(2026, 11, 20), title="十一月巡逻")
    early = duty(tx, town, day=date(2026, 10, 3), title="国庆值守", kind="event_stewarding")
    other = duty(tx, town, day=date(2026, 11, 20), zone_id=town.z2.id)
    assert [d.id for d in duties.list_duties(tx.session, C)] == [early.id, late.id, other.id]
    assert [d.id for d in duties.list_duties(tx.session, C, month="2026-11")] == [late.id,
                                                                                  other.id]
    assert [d.id for d in duties.list_duties(tx.session, C, zone_id=town.z2.id)] == [other.id]


def signup(tx, case_id=1, **resident):
    return cases.receive(tx, dispatched_case(
        "volunteer_grid", "volunteer_signup", case_id=case_id, description="我想当志愿者，会急救",
        resident=resident or {"name": "吴静", "phone": "13800002222"},
        address="彩虹城5号楼1单元"), NOW)


def test_a_resident_signing_up_is_enrolled_and_answered(tx, town):
    assert signup(tx) == {"status": "accepted", "note": "志愿者网格已收到报名，将尽快与您联系登记"}
    volunteer, report = cases.enrol(tx, 1, {"door_id": town.d1.id, "skills": ["first_aid"]},
                                    STAFF, NOW)
    assert (volunteer.name, volunteer.phone, volunteer.door_id, volunteer.skills,
            volunteer.case_id) == ("吴静", "13800002222", town.d1.id, ["first_aid"], 1)
    assert report == {
        "case_id": 1, "program_id": "volunteer_grid", "handler": "刘主任", "status": "resolved",
        "result": f"已登记为志愿者（编号 {volunteer.id}，一区）",
        "reply": "吴静您好，您已登记为彩虹城社区志愿者，编入一区。"
                 "区长、楼长会与您联系安排值勤，感谢您的奉献！"}
    case = cases.get_case(tx.session, 1, STAFF)
    assert (case.state, [h["action"] for h in case.history]) == (
        "resolved", ["received", "enrolled", "resolved"])
    assert case.history[1:] == [
        {"at": "2026-11-27T02:00:00Z", "by": "刘主任", "action": "enrolled", "note": None,
         "volunteer_id": volunteer.id},
        {"at": "2026-11-27T02:00:00Z", "by": "刘主任", "action": "resolved",
         "note": f"已登记为志愿者（编号 {volunteer.id}，一区）"}]
    assert volunteer.created_by == "刘主任"
    with refused(tx, "case_closed", field="case_id", status=409):
        cases.enrol(tx, 1, {"door_id": town.d1.id}, STAFF, NOW)


def test_signing_up_needs_a_name_and_phone_and_a_free_phone(tx, town):
    signup(tx, 1, name=None, phone="13800002222")
    with refused(tx, "name_required", field="name", status=422,
                 zh="诉求里没有报名人的姓名，请填写", en="The case has no name: give it"):
        cases.enrol(tx, 1, {"zone_id": town.z1.id}, STAFF, NOW)
    _, report = cases.enrol(tx, 1, {"zone_id": town.z1.id, "name": "吴静",
                                    "reply": "欢迎加入！"}, STAFF, NOW)
    assert report["reply"] == "欢迎加入！"
    signup(tx, 2, name="吴静", phone=None)
    with refused(tx, "phone_required", field="phone", status=422,
                 zh="诉求里没有报名人的手机号，请填写", en="The case has no phone: give it"):
        cases.enrol(tx, 2, {"zone_id": town.z1.id}, STAFF, NOW)
    # the phone staff give is the one enrolled, over intake's
    signup(tx, 4, name="陈晨", phone="13800004444")
    enrolled, _ = cases.enrol(tx, 4, {"zone_id": town.z1.id, "phone": "13800005555"}, STAFF,
                              NOW)
    assert enrolled.phone == "13800005555"
    signup(tx, 3, name="王芳", phone="13900000001")            # already on the roster
    with refused(tx, "volunteer_exists", field="phone", status=409):
        cases.enrol(tx, 3, {"zone_id": town.z1.id}, STAFF, NOW)


def report_to_head(tx, case_id=5):
    return cases.receive(tx, dispatched_case(
        "volunteer_grid", "building_head_report", case_id=case_id,
        description="5号楼楼道堆满杂物，请楼长协调清理", address="彩虹城5号楼"), NOW)


def test_a_matter_goes_to_the_building_head_now_and_is_answered(tx, town):
    assert report_to_head(tx)["note"] == "志愿者网格已收到，将转给您所在楼的楼长"
    # a door head and the zone head of 5号楼's zone are not its building head
    posts.appoint(tx, C, {"level": "door_head", "place_id": town.d1.id,
                          "volunteer_id": town.li.id}, STAFF, NOW)
    posts.appoint(tx, C, {"level": "zone_head", "place_id": town.z1.id,
                          "volunteer_id": town.zhou.id}, STAFF, NOW)
    with refused(tx, "no_head", field="building_id", status=409,
                 zh="5号楼现在没有楼长，请先在网格里任命",
                 en="5号楼 has no building head now: appoint one first"):
        cases.forward(tx, 5, {"building_id": town.b5.id}, STAFF, NOW)
    posts.appoint(tx, C, {"level": "building_head", "place_id": town.b5.id,
                          "volunteer_id": town.wang.id}, STAFF, NOW)
    forwarded = cases.forward(tx, 5, {"building_id": town.b5.id, "note": "请本周内清理"}, STAFF,
                              NOW)
    assert (forwarded.building_id, forwarded.forwarded_to) == (town.b5.id, "王芳")
    assert forwarded.history[-1] == {"at": "2026-11-27T02:00:00Z", "by": "刘主任",
                                     "action": "forwarded", "note": "请本周内清理",
                                     "building": "5号楼", "head": "王芳"}
    cases.progress(tx, 5, {"note": "楼长已通知各户"}, STAFF, NOW)
    report = cases.finish(tx, 5, {"result": "杂物已清理", "reply": "楼道已清理干净"}, STAFF, NOW,
                          resolved=True)
    assert report == {"case_id": 5, "program_id": "volunteer_grid", "handler": "刘主任",
                      "status": "resolved", "result": "杂物已清理", "reply": "楼道已清理干净"}
    with refused(tx, "case_closed", field="case_id", zh="这件诉求已经办完或已被收回",
                 en="The case is no longer open"):
        cases.progress(tx, 5, {"note": "再看看"}, STAFF, NOW)


def test_a_case_of_the_other_kind_or_elsewhere_is_refused(tx, town):
    report_to_head(tx, 5)
    signup(tx, 6)
    with refused(tx, "wrong_service", field="case_id", status=409,
                 zh="这件诉求不是这一类，不能这样办理", en="This case is not of that kind"):
        cases.enrol(tx, 5, {"zone_id": town.z1.id}, STAFF, NOW)
    with refused(tx, "wrong_service", field="case_id"):
        cases.forward(tx, 6, {"building_id": town.b5.id}, STAFF, NOW)
    with refused(tx, "unknown_building", field="building_id", status=422):
        cases.forward(tx, 5, {"building_id": 99}, STAFF, NOW)
    with refused(tx, "case_not_found", field="case_id", status=404, zh="没有编号为 5 的诉求",
                 en="No case 5"):
        cases.get_case(tx.session, 5, {**STAFF, "community": "maple-court"})
    returned = cases.finish(tx, 6, {"note": "请到居委会现场登记"}, STAFF, NOW, resolved=False)
    assert returned == {"case_id": 6, "program_id": "volunteer_grid", "handler": "刘主任",
                        "status": "returned", "note": "请到居委会现场登记"}
    assert cases.get_case(tx.session, 6, STAFF).history[-1] == {
        "at": "2026-11-27T02:00:00Z", "by": "刘主任", "action": "returned",
        "note": "请到居委会现场登记"}
    assert cases.get_case(tx.session, 6, STAFF).state == "returned"


def test_chased_and_recalled_cases_are_on_their_record(tx, town):
    report_to_head(tx, 5)
    cases.chased(tx, {"case_id": 5, "level": 1, "note": "请尽快"}, NOW)
    cases.chased(tx, {"case_id": 5, "level": 2, "note": None}, NOW)
    cases.chased(tx, {"case_id": 77, "level": 1}, NOW)          # never received: nothing
    cases.recalled(tx, {"case_id": 5, "note": "转给物业"}, NOW)
    cases.recalled(tx, {"case_id": 5, "note": "again"}, NOW)     # no longer open: nothing
    case = cases.get_case(tx.session, 5, STAFF)
    assert (case.state, case.chases, [h["action"] for h in case.history]) == (
        "recalled", 2, ["received", "chased", "escalated", "recalled"])
    # intake is who chased and recalled, with its note, when
    assert case.history[1:] == [
        {"at": "2026-11-27T02:00:00Z", "by": "intake", "action": "chased", "note": "请尽快"},
        {"at": "2026-11-27T02:00:00Z", "by": "intake", "action": "escalated", "note": None},
        {"at": "2026-11-27T02:00:00Z", "by": "intake", "action": "recalled", "note": "转给物业"}]
