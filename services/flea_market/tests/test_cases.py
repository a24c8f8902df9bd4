"""The cases intake hands the flea market: a resident who wants a stall signed up from the case
and answered with the day, the place and the stall number; a question about swapping answered;
chased, recalled; each refusal named, nothing changed."""
from datetime import timedelta

from minzi.envelope import isoformat
from minzi.testing import dispatched_case, make_staff

from flea_market.domain import cases, markets
from flea_market.models import Signup

from .conftest import NOW, STAFF, C, plan, refused, sign


def stall_case(tx, case_id: int = 1, **extra):
    cases.receive(tx, dispatched_case(
        "flea_market", "flea_market_stall", case_id=case_id,
        description="想在下次跳蚤市场摆摊，换些孩子的旧书",
        resident={"name": "刘女士", "phone": "13700001234"},
        attributes={"goods": "儿童绘本二十本"}, **extra), NOW)
    return cases.get_case(tx.session, case_id, STAFF)


def test_a_received_case_is_accepted_and_on_the_record(tx):
    report = cases.receive(tx, dispatched_case("flea_market", "flea_market_swap", note="转来"),
                           NOW)
    assert report == {"status": "accepted", "note": "跳蚤市场已收到，将尽快答复"}
    case = cases.get_case(tx.session, 1, STAFF)
    assert case.state == "received"
    assert case.history == [{"at": "2026-11-27T02:00:00Z", "by": "intake",
                             "action": "received", "note": "转来"}]


def test_a_stall_request_is_signed_up_and_answered_with_the_day_place_and_stall(tx):
    market = plan(tx)
    sign(tx, market)                                  # stall 1 is taken
    case = stall_case(tx)
    later = NOW + timedelta(hours=2)
    case, report = cases.sign_up_from_case(tx, 1, {"market_id": market.id}, STAFF, later)
    reply = ("您好，已为您报名 2026-11-28 在彩虹城文化广场举办的跳蚤市场（闲置物品置换），"
             "摊位号 2。如不能来，请在市场前一天前告诉社区服务站，以便把摊位让给其他居民。")
    assert report == {"case_id": 1, "program_id": "flea_market", "handler": "周站长",
                      "status": "resolved", "result": "已报名 2026-11-28 的跳蚤市场，摊位号 2",
                      "reply": reply}
    assert (case.state, case.result, case.handled_by) == (
        "resolved", "已报名 2026-11-28 的跳蚤市场，摊位号 2", "周站长")
    stall = [s for s in market.history if s["action"] == "signup"][-1]
    assert stall["stall_no"] == 2
    assert [(h["action"], h.get("stall_no")) for h in case.history] == [
        ("received", None), ("signed_up", 2), ("resolved", None)]
    assert case.history[-1]["at"] == "2026-11-27T04:00:00Z"
    signup = tx.session.get(Signup, case.signup_id)
    assert (signup.name, signup.phone, signup.goods, signup.case_id, signup.stall_no) == (
        "刘女士", "13700001234", "儿童绘本二十本", 1, 2)


def test_what_staff_write_goes_before_what_the_case_says(tx):
    market = plan(tx)
    stall_case(tx)
    case, report = cases.sign_up_from_case(tx, 1, {"market_id": market.id, "goods": "旧玩具",
                                                   "reply": "刘女士您好，摊位号1，周六见。"},
                                           STAFF, NOW)
    assert report["reply"] == "刘女士您好，摊位号1，周六见。"
    assert tx.session.get(Signup, case.signup_id).goods == "旧玩具"


def test_without_goods_on_the_case_its_description_says_what_they_bring(tx):
    market = plan(tx)
    cases.receive(tx, dispatched_case("flea_market", "flea_market_stall",
                                      description="有些旧家电想换掉",
                                      resident={"phone": "13700001234"}), NOW)
    case, _ = cases.sign_up_from_case(tx, 1, {"market_id": market.id}, STAFF, NOW)
    signup = tx.session.get(Signup, case.signup_id)
    assert (signup.name, signup.goods) == ("居民", "有些旧家电想换掉")


def test_a_stall_request_the_market_cannot_take_is_refused_and_nothing_changes(tx):
    market = plan(tx, stall_count=1)
    stall_case(tx)
    sign(tx, market, phone="13700001234")
    with refused(tx, "already_signed_up", field="phone"):
        cases.sign_up_from_case(tx, 1, {"market_id": market.id}, STAFF, NOW)
    with refused(tx, "market_not_found", field="market_id"):
        cases.sign_up_from_case(tx, 1, {"market_id": 99}, STAFF, NOW)
    cases.receive(tx, dispatched_case("flea_market", "flea_market_stall", case_id=2,
                                      resident={"name": "无电话"}), NOW)
    other = plan(tx)
    with refused(tx, "phone_required", field="phone"):
        cases.sign_up_from_case(tx, 2, {"market_id": other.id}, STAFF, NOW)


def test_only_a_stall_request_is_answered_with_a_stall(tx):
    market = plan(tx)
    cases.receive(tx, dispatched_case("flea_market", "flea_market_swap"), NOW)
    with refused(tx, "not_a_stall_request", field="case_id", status=409,
                 zh="这件诉求不是摊位报名，请直接答复"):
        cases.sign_up_from_case(tx, 1, {"market_id": market.id}, STAFF, NOW)


def test_a_question_is_answered_and_cannot_be_finished_twice(tx):
    market = plan(tx)
    cases.receive(tx, dispatched_case("flea_market", "flea_market_swap"), NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    report = cases.finish(case, STAFF, NOW, resolved=True, text="已答复",
                          reply="旧衣物可在每月第二个周六的跳蚤市场置换。")
    assert report == {"case_id": 1, "program_id": "flea_market", "handler": "周站长",
                      "status": "resolved", "result": "已答复",
                      "reply": "旧衣物可在每月第二个周六的跳蚤市场置换。"}
    with refused(tx, "case_closed", field="case_id", status=409):
        cases.finish(case, STAFF, NOW, resolved=False, text="退回")
    with refused(tx, "case_closed"):
        cases.sign_up_from_case(tx, 1, {"market_id": market.id}, STAFF, NOW)


def test_a_case_returned_says_why(tx):
    cases.receive(tx, dispatched_case("flea_market", "flea_market_swap"), NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    assert cases.finish(case, STAFF, NOW, resolved=False, text="大件家具请联系物业回收") == {
        "case_id": 1, "program_id": "flea_market", "handler": "周站长", "status": "returned",
        "note": "大件家具请联系物业回收"}
    assert case.state == "returned"


def test_a_recalled_case_is_no_longer_worked_and_chases_are_counted(tx):
    cases.receive(tx, dispatched_case("flea_market", "flea_market_stall"), NOW)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "请尽快办理"}, NOW)
    cases.chased(tx, {"case_id": 1, "level": 2, "note": "已超时"}, NOW + timedelta(hours=5))
    chased = cases.get_case(tx.session, 1, STAFF)
    assert (chased.updated_at, chased.history[-1]["by"], chased.history[-1]["at"]) == (
        NOW + timedelta(hours=5), "intake", "2026-11-27T07:00:00Z")
    cases.chased(tx, {"case_id": 9, "level": 1}, NOW)            # never received: nothing
    cases.recalled(tx, {"case_id": 1, "note": "转给了别的项目"}, NOW + timedelta(hours=6))
    cases.recalled(tx, {"case_id": 9}, NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    assert (case.updated_at, case.history[-1]["by"], case.history[-1]["at"]) == (
        NOW + timedelta(hours=6), "intake", "2026-11-27T08:00:00Z")
    assert (case.state, case.chases) == ("recalled", 2)
    assert [(h["action"], h["note"]) for h in case.history] == [
        ("received", None), ("chased", "请尽快办理"), ("escalated", "已超时"),
        ("recalled", "转给了别的项目")]
    with refused(tx, "case_closed"):
        cases.finish(case, STAFF, NOW, resolved=True, text="办了")


def test_another_community_does_not_see_the_case(tx):
    cases.receive(tx, dispatched_case("flea_market", "flea_market_swap"), NOW)
    with refused(tx, "case_not_found", field="case_id", status=404, zh="没有编号为 1 的诉求"):
        cases.get_case(tx.session, 1, make_staff(program_id="flea_market",
                                                 community="maple-court"))
    with refused(tx, "case_not_found"):
        cases.get_case(tx.session, 2, STAFF)


def test_cases_are_listed_in_order_and_by_state(tx):
    for case_id in (2, 1, 3):
        cases.receive(tx, dispatched_case("flea_market", "flea_market_swap", case_id=case_id),
                      NOW)
    cases.recalled(tx, {"case_id": 3}, NOW)
    assert [c.case_id for c in cases.list_cases(tx.session, C)] == [1, 2, 3]
    assert [c.case_id for c in cases.list_cases(tx.session, C, "recalled")] == [3]
    assert cases.list_cases(tx.session, "maple-court") == []


def test_a_cancelled_market_takes_no_stall_from_a_case(tx):
    market = plan(tx)
    markets.cancel(tx, C, market.id, {"reason": "下雨"}, STAFF, NOW)
    stall_case(tx)
    with refused(tx, "signup_closed"):
        cases.sign_up_from_case(tx, 1, {"market_id": market.id}, STAFF, NOW)


def test_a_finished_case_says_who_finished_it_and_with_what(tx):
    cases.receive(tx, dispatched_case("flea_market", "flea_market_swap"), NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    cases.finish(case, STAFF, NOW + timedelta(hours=1), resolved=False, text="请联系物业")
    assert case.history[-1] == {"at": "2026-11-27T03:00:00Z", "by": "周站长",
                                "action": "returned", "note": "请联系物业"}


def test_a_question_answered_with_a_stall_is_refused_in_english_too(tx):
    market = plan(tx)
    cases.receive(tx, dispatched_case("flea_market", "flea_market_swap"), NOW)
    with refused(tx, "not_a_stall_request",
                 en="This case does not ask for a stall; answer it instead"):
        cases.sign_up_from_case(tx, 1, {"market_id": market.id}, STAFF, NOW)


def test_the_case_refusals_in_both_languages(tx):
    cases.receive(tx, dispatched_case("flea_market", "flea_market_swap"), NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    cases.finish(case, STAFF, NOW, resolved=True, text="已答复")
    with refused(tx, "case_closed", zh="这件诉求已经办完或已被收回",
                 en="The case is no longer open"):
        cases.finish(case, STAFF, NOW, resolved=True, text="再办")
    with refused(tx, "case_not_found", zh="没有编号为 7 的诉求", en="No case 7"):
        cases.get_case(tx.session, 7, STAFF)


def test_a_stall_signed_up_from_a_case_is_on_both_records_with_who_and_when(tx):
    market = plan(tx)
    stall_case(tx)
    later = NOW + timedelta(hours=1)
    case, _ = cases.sign_up_from_case(tx, 1, {"market_id": market.id}, STAFF, later)
    assert case.history[1] == {"at": "2026-11-27T03:00:00Z", "by": "周站长",
                               "action": "signed_up", "note": None, "market_id": market.id,
                               "stall_no": 1}
    signup = tx.session.get(Signup, case.signup_id)
    assert (signup.created_by, isoformat(signup.created_at)) == ("周站长",
                                                                 "2026-11-27T03:00:00Z")
