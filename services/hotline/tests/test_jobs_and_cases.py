"""A resident's call, rule by rule: received (and sent again), chased and recalled; routed to a
merchant by staff or by the rule (the offered merchant of the category with the fewest open
jobs, the earliest registered on a tie, passing over one that declined); the merchant's answers
in order, in time or not; the rating; resolved with the reply, or returned with where else to
turn. Each refusal with its code and nothing changed."""
from datetime import UTC, datetime, timedelta

from minzi.testing import dispatched_case

from hotline.domain import cases, jobs, merchants
from hotline.domain.cases import ACCEPTED_NOTE

from .conftest import (
    BAIDU,
    CHINA_MOBILE,
    HUAWEI,
    MAPLE_STAFF,
    NOW,
    STAFF,
    TENCENT,
    XIAOMI,
    C,
    call,
    merchant_data,
    refused,
    signed,
)

AT_NOW = "2026-11-27T02:00:00Z"


def respond(tx, job, *answers, when=NOW):
    for answer in answers:
        jobs.respond(tx.session, job.id, {"response": answer, "note": None}, STAFF, when)


def test_a_call_from_intake_is_kept_with_where_the_resident_lives(tx):
    report = cases.receive(tx, dispatched_case("hotline", "water_delivery", case_id=7,
                                               address="彩虹城3号楼1单元", note="老人独居"), NOW)
    assert report == {"status": "accepted", "note": ACCEPTED_NOTE}
    assert ACCEPTED_NOTE == "便民服务热线已收到，正在为您联系签约商户"
    case = cases.get_case(tx.session, 7, STAFF)
    assert (case.address, case.state, case.history) == (
        "彩虹城3号楼1单元", "received",
        [{"at": AT_NOW, "by": "intake", "action": "received", "note": "老人独居"}])


def test_chases_and_a_recall_are_on_the_record(tx):
    call(tx)
    later = NOW + timedelta(hours=3)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "请办理"}, NOW)
    cases.chased(tx, {"case_id": 1, "level": 2, "note": "已升级"}, later)
    cases.chased(tx, {"case_id": 5, "level": 1}, NOW)            # never here: nothing
    cases.recalled(tx, {"case_id": 1, "note": "转别处"}, later)
    cases.recalled(tx, {"case_id": 1, "note": "又一次"}, later)   # no longer open: nothing
    case = cases.get_case(tx.session, 1, STAFF)
    assert (case.state, case.chases, case.updated_at) == ("recalled", 2, later)
    assert [(h["by"], h["action"], h["note"]) for h in case.history] == [
        ("intake", "received", None), ("intake", "chased", "请办理"),
        ("intake", "escalated", "已升级"), ("intake", "recalled", "转别处")]
    with refused(tx, "case_closed", field="case_id", status=409,
                 zh="这件来电已经办完或已被收回", en="The case is no longer open"):
        jobs.route(tx.session, 1, {}, STAFF, NOW)
    with refused(tx, "case_not_found", field="case_id", status=404,
                 zh="没有编号为 1 的来电", en="No case 1"):
        cases.get_case(tx.session, 1, MAPLE_STAFF)


def test_staff_route_a_call_to_a_signed_merchant_of_its_category(tx):
    home = signed(tx)
    call(tx)
    job = jobs.route(tx.session, 1, {"merchant_id": home.id, "note": "居民点名要这家"},
                     STAFF, NOW)
    assert (job.merchant_id, job.category, job.state, job.picked_by, job.routed_by,
            job.routed_at) == (home.id, "domestic_help", "routed", "staff", "王站长", NOW)
    assert cases.get_case(tx.session, 1, STAFF).history[-1] == {
        "at": AT_NOW, "by": "王站长", "action": "routed", "note": "居民点名要这家",
        "job_id": job.id, "merchant": "好帮手家政", "picked_by": "staff"}
    with refused(tx, "job_open", field="case_id", status=409,
                 zh="这件来电已经派给商户，还在办理中", en="The case is already with a merchant"):
        jobs.route(tx.session, 1, {}, STAFF, NOW)


def test_staff_cannot_route_to_a_merchant_not_offered_or_of_another_category(tx):
    water = signed(tx, "清泉水站", HUAWEI, ["water_delivery"])
    unsigned = merchants.register(tx, C, merchant_data("新来家政", XIAOMI), STAFF, NOW)
    suspended = signed(tx, "停业家政", TENCENT)
    merchants.suspend_by_staff(tx, C, suspended.id, {"reason": "停业"}, STAFF, NOW)
    maple = signed(tx, "枫林家政", CHINA_MOBILE, community="maple-court")
    call(tx)
    with refused(tx, "wrong_category", field="merchant_id", status=422,
                 zh="商户「清泉水站」不提供“家政服务”服务",
                 en="清泉水站 does not offer Housekeeping"):
        jobs.route(tx.session, 1, {"merchant_id": water.id}, STAFF, NOW)
    for merchant in (unsigned, suspended):
        with refused(tx, "merchant_not_offered", field="merchant_id", status=422,
                     zh=f"商户「{merchant.name}」未通过考核签约或已暂停派单",
                     en=f"{merchant.name} is not vetted and signed, or is suspended"):
            jobs.route(tx.session, 1, {"merchant_id": merchant.id}, STAFF, NOW)
    with refused(tx, "unknown_merchant", field="merchant_id", status=422):
        jobs.route(tx.session, 1, {"merchant_id": maple.id}, STAFF, NOW)


def test_the_rule_picks_the_signed_merchant_with_the_fewest_open_jobs(tx):
    first = signed(tx, "好帮手家政", BAIDU)
    second = signed(tx, "安心家政", XIAOMI)
    signed(tx, "清泉水站", HUAWEI, ["water_delivery"])            # another category
    unsigned = merchants.register(tx, C, merchant_data("新来家政", TENCENT), STAFF, NOW)
    for case_id in (1, 2, 3, 4):
        call(tx, case_id)
    # both have 0 open jobs: the earliest registered
    assert jobs.route(tx.session, 1, {}, STAFF, NOW).merchant_id == first.id
    # first has 1 open, second 0
    assert jobs.route(tx.session, 2, {}, STAFF, NOW).merchant_id == second.id
    # 1 each: the earliest again
    assert jobs.route(tx.session, 3, {}, STAFF, NOW).merchant_id == first.id
    # first's job of case 1 done and case 3 declined: first has 0 open, second 1
    respond(tx, jobs.jobs_of(tx.session, 1)[0], "accepted", "came", "done")
    respond(tx, jobs.jobs_of(tx.session, 3)[0], "declined")
    picked = jobs.route(tx.session, 4, {}, STAFF, NOW)
    assert (picked.merchant_id, picked.picked_by) == (first.id, "rule")
    assert unsigned.id not in {j.merchant_id for j in jobs.of_merchant(tx.session, unsigned.id)}
    assert [jobs.open_jobs(tx.session, m.id) for m in (first, second)] == [1, 1]


def test_a_declined_call_goes_to_another_merchant_or_back_with_where_else_to_turn(tx):
    first = signed(tx, "好帮手家政", BAIDU)
    second = signed(tx, "安心家政", XIAOMI)
    call(tx)
    job = jobs.route(tx.session, 1, {}, STAFF, NOW)
    respond(tx, job, "declined")
    with refused(tx, "job_declined", field="case_id", status=409,
                 zh="商户拒单了：请改派其他商户，或退回并说明去处",
                 en="The merchant declined: route the case to another, or return it"):
        cases.finish(cases.get_case(tx.session, 1, STAFF), "declined", STAFF, NOW,
                     resolved=True, text="办好了")
    again = jobs.route(tx.session, 1, {}, STAFF, NOW)
    assert (job.merchant_id, again.merchant_id) == (first.id, second.id)
    respond(tx, again, "accepted", "declined")
    with refused(tx, "no_merchant_available", field="merchant_id", status=409,
                 zh="没有可派单的“家政服务”签约商户：请退回并告诉居民可以找谁",
                 en="No signed merchant of Housekeeping is available: return the case saying "
                    "where else to turn"):
        jobs.route(tx.session, 1, {}, STAFF, NOW)
    # staff may still name one that declined before (the resident asked again for it)
    assert jobs.route(tx.session, 1, {"merchant_id": first.id}, STAFF, NOW).picked_by == "staff"
    respond(tx, jobs.jobs_of(tx.session, 1)[-1], "declined")
    case = cases.get_case(tx.session, 1, STAFF)
    report = cases.finish(case, jobs.latest_state(tx.session, 1), STAFF, NOW, resolved=False,
                          text="签约家政都排满了，可拨打街道家政服务中心 67000000")
    assert report == {"case_id": 1, "program_id": "hotline", "handler": "王站长",
                      "status": "returned",
                      "note": "签约家政都排满了，可拨打街道家政服务中心 67000000"}
    assert [h["action"] for h in case.history] == [
        "received", "routed", "declined", "routed", "accepted", "declined", "routed",
        "declined", "returned"]


def test_a_call_of_a_type_that_is_no_category_cannot_be_routed(tx):
    call(tx, service_code="stray_cat_sick")
    with refused(tx, "no_category", field="case_id", status=409,
                 zh="这件来电的服务类型 stray_cat_sick 不属于便民服务类别",
                 en="The case's service type stray_cat_sick is no hotline category"):
        jobs.route(tx.session, 1, {}, STAFF, NOW)


def test_the_merchants_answers_come_in_order(tx):
    home = signed(tx)
    call(tx)
    job = jobs.route(tx.session, 1, {}, STAFF, NOW)
    with refused(tx, "response_out_of_order", field="response", status=409,
                 zh="派单现在是“已派单，待商户答复”，不能记为“商户已上门”",
                 en="The job is routed, awaiting the merchant: it cannot be the merchant came "
                    "now"):
        respond(tx, job, "came")
    with refused(tx, "response_out_of_order", field="response", status=409):
        respond(tx, job, "done")
    accepted_at, came_at, done_at = (NOW + timedelta(minutes=m) for m in (30, 90, 200))
    respond(tx, job, "accepted", when=accepted_at)
    respond(tx, job, "came", when=came_at)
    with refused(tx, "response_out_of_order", field="response", status=409):
        respond(tx, job, "declined")                      # once there, no declining
    respond(tx, job, "done", when=done_at)
    assert (job.state, job.responded_at, job.came_at, job.done_at) == (
        "done", accepted_at, came_at, done_at)
    for answer in ("accepted", "came", "done", "declined"):
        with refused(tx, "response_out_of_order", field="response", status=409):
            respond(tx, job, answer)
    assert cases.get_case(tx.session, 1, STAFF).history[-1] == {
        "at": "2026-11-27T05:20:00Z", "by": "王站长", "action": "done", "note": None,
        "job_id": job.id, "merchant": home.name}
    with refused(tx, "job_not_found", field="job_id", status=404, zh=f"没有编号为 {job.id} 的派单",
                 en=f"No job {job.id}"):
        jobs.respond(tx.session, job.id, {"response": "done"}, MAPLE_STAFF, NOW)


def test_an_answer_within_two_hours_of_routing_is_in_time(tx):
    signed(tx)
    for case_id in (1, 2, 3):
        call(tx, case_id)
    in_time = jobs.route(tx.session, 1, {}, STAFF, NOW)
    just_late = jobs.route(tx.session, 2, {}, STAFF, NOW)
    unanswered = jobs.route(tx.session, 3, {}, STAFF, NOW)
    respond(tx, in_time, "declined", when=NOW + timedelta(hours=2))            # 2 h: in time
    respond(tx, just_late, "accepted", when=NOW + timedelta(hours=2, seconds=1))
    respond(tx, just_late, "came", when=NOW + timedelta(hours=1))   # the first answer counts
    assert [jobs.in_time(j) for j in (in_time, just_late, unanswered)] == [True, False, False]


def test_a_job_done_is_rated_once_and_the_call_resolved(tx):
    signed(tx)
    call(tx)
    job = jobs.route(tx.session, 1, {}, STAFF, NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    with refused(tx, "job_open", field="case_id", status=409,
                 zh="商户还在办理这件来电，请等商户答复或完成",
                 en="A merchant is still on this case: wait for its answer or the job done"):
        cases.finish(case, jobs.latest_state(tx.session, 1), STAFF, NOW, resolved=False,
                     text="退回")
    with refused(tx, "job_not_done", field="job_id", status=409, zh="服务完成后才能评价",
                 en="Only a job done can be rated"):
        jobs.rate(tx.session, job.id, {"rating": 5}, STAFF, NOW)
    respond(tx, job, "accepted", "came", "done")
    later = NOW + timedelta(days=1)
    jobs.rate(tx.session, job.id, {"rating": 4, "comment": "打扫得干净，来晚了点"}, STAFF, later)
    assert (job.rating, job.rating_comment, job.rated_at) == (4, "打扫得干净，来晚了点", later)
    with refused(tx, "already_rated", field="job_id", status=409, zh="这次服务已经评价过了",
                 en="This job is already rated"):
        jobs.rate(tx.session, job.id, {"rating": 5}, STAFF, later)
    report = cases.finish(case, jobs.latest_state(tx.session, 1), STAFF, later, resolved=True,
                          text="好帮手家政已上门打扫", reply="赵大妈您好，家政已上门打扫完毕。")
    assert report == {"case_id": 1, "program_id": "hotline", "handler": "王站长",
                      "status": "resolved", "result": "好帮手家政已上门打扫",
                      "reply": "赵大妈您好，家政已上门打扫完毕。"}
    assert (case.state, case.result, case.handled_by) == ("resolved", "好帮手家政已上门打扫",
                                                          "王站长")
    assert [(h["action"], h.get("rating")) for h in case.history][-2:] == [
        ("rated", 4), ("resolved", None)]
    with refused(tx, "case_closed", field="case_id", status=409):
        cases.finish(case, "done", STAFF, later, resolved=False, text="再退")


def test_a_call_answered_without_a_merchant_may_be_resolved(tx):
    call(tx, service_code="leisure")
    case = cases.get_case(tx.session, 1, STAFF)
    report = cases.finish(case, None, STAFF, NOW, resolved=True,
                          text="告知居民导向牌上的健身房电话")
    assert (report["status"], report["reply"], case.state) == ("resolved", None, "resolved")


def test_a_recall_withdraws_the_open_job_and_a_call_sent_again_is_routed_again(tx):
    home = signed(tx)
    call(tx)
    call(tx, 2)
    done = jobs.route(tx.session, 2, {}, STAFF, NOW)
    respond(tx, done, "accepted", "came", "done")
    job = jobs.route(tx.session, 1, {}, STAFF, NOW)
    respond(tx, job, "accepted")
    cases.recalled(tx, {"case_id": 1, "note": "居民撤回"}, NOW)
    cases.recalled(tx, {"case_id": 2, "note": "收回"}, NOW)   # its job done: none withdrawn
    assert (job.state, jobs.open_jobs(tx.session, home.id), done.state) == ("withdrawn", 0,
                                                                            "done")
    case = cases.get_case(tx.session, 1, STAFF)
    assert case.history[-1] == {"at": AT_NOW, "by": "intake", "action": "recalled",
                                "note": "居民撤回", "withdrawn_jobs": [job.id]}
    call(tx, when=datetime(2026, 11, 28, 1, 0, tzinfo=UTC))
    again = jobs.route(tx.session, 1, {}, STAFF, NOW)
    assert (case.state, [j.state for j in jobs.jobs_of(tx.session, 1)], again.merchant_id) == (
        "received", ["withdrawn", "routed"], home.id)


def test_a_recall_withdraws_only_its_own_calls_open_job(tx):
    home = signed(tx)
    call(tx)
    call(tx, 2)
    recalled = jobs.route(tx.session, 1, {}, STAFF, NOW)
    kept = jobs.route(tx.session, 2, {}, STAFF, NOW)
    respond(tx, kept, "accepted")
    cases.recalled(tx, {"case_id": 1, "note": "居民撤回"}, NOW)
    assert (recalled.state, kept.state, jobs.open_jobs(tx.session, home.id)) == (
        "withdrawn", "accepted", 1)
    assert cases.get_case(tx.session, 1, STAFF).history[-1]["withdrawn_jobs"] == [recalled.id]


def test_the_merchants_answer_is_on_the_call_with_its_note(tx):
    home = signed(tx)
    call(tx)
    job = jobs.route(tx.session, 1, {}, STAFF, NOW)
    jobs.respond(tx.session, job.id, {"response": "accepted", "note": "师傅下午三点上门"},
                 STAFF, NOW)
    assert job.note == "师傅下午三点上门"
    assert cases.get_case(tx.session, 1, STAFF).history[-1] == {
        "at": AT_NOW, "by": "王站长", "action": "accepted", "note": "师傅下午三点上门",
        "job_id": job.id, "merchant": home.name}


def test_a_call_finished_is_on_its_record_with_who_and_why(tx):
    call(tx, service_code="appliance_repair")
    assert jobs.latest_state(tx.session, 1) is None          # never routed: no job
    case = cases.get_case(tx.session, 1, STAFF)
    cases.finish(case, jobs.latest_state(tx.session, 1), STAFF, NOW, resolved=False,
                 text="没有签约家电维修，请拨打12345")
    assert case.history[-1] == {"at": AT_NOW, "by": "王站长", "action": "returned",
                                "note": "没有签约家电维修，请拨打12345"}
