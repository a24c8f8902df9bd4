"""The studio's figures (by Beijing month) and the cases intake hands it: the rules without a
broker, on SQLite."""
from datetime import UTC, date, datetime, timedelta

from minzi.db import as_utc

from matchmaking.domain import cases, consultations, introductions, members, views
from matchmaking.domain.figures import figures

from .conftest import (
    LI_NA,
    NOW,
    POLICE,
    STAFF,
    ZHANG_WEI,
    ZHAO_MIN,
    C,
    introduce,
    refused,
    register,
    snapshot,
    verify,
)

# -- figures ---------------------------------------------------------------------------------------


def test_figures_count_a_period_by_beijing_month(tx):
    october = NOW - timedelta(days=40)                    # 18 October 2026
    man = verify(tx, register(tx, ZHANG_WEI, october), october)
    woman = register(tx, LI_NA)
    rejected = register(tx, ZHAO_MIN)
    members.record_verification(tx, C, rejected.id, {"result": "rejected", "reason": "查无此人",
                                                     **POLICE}, STAFF, NOW)
    verify(tx, woman)
    for topic, when in (("registration", NOW), ("matching", NOW), ("other", october)):
        consultations.log_consultation(tx, C, {"phone": "13600000000", "topic": topic}, STAFF,
                                       when)
    intro = introduce(tx, man, woman)
    # they started dating at once: that counts as having met too
    introductions.set_outcome(tx, C, intro.id, {"outcome": "dating"}, STAFF,
                              NOW + timedelta(hours=1))

    everything = figures(tx.session, C)
    assert everything["totals"] == {"registered": 3, "verified": 2, "rejected": 1,
                                    "consultations": 3, "introductions": 1, "met": 1,
                                    "dating": 1, "married": 0, "ended": 0}
    assert everything["couples"] == {"met": 1, "dating": 1, "married": 0}
    assert [m["month"] for m in everything["by_month"]] == ["2026-10", "2026-11"]
    assert everything["by_month"][0] == {
        "month": "2026-10", "registered": 1, "verified": 1, "rejected": 0, "consultations": 1,
        "introductions": 0, "met": 0, "dating": 0, "married": 0, "ended": 0}
    now_by_status = {row["status"]: row["count"] for row in everything["members_now"]}
    assert now_by_status == {"pending": 0, "verified": 2, "rejected": 1, "withdrawn": 0}

    november = figures(tx.session, C, date(2026, 11, 1), date(2026, 11, 30), lang="en")
    assert november["totals"]["registered"] == 2 and november["totals"]["consultations"] == 2
    assert november["totals"]["verified"] == 1
    assert november["labels"]["married"] == "Married"
    assert figures(tx.session, "maple-court")["totals"]["registered"] == 0


def test_a_day_and_a_month_are_beijing_ones(tx):
    # 23:30 on 31 October in Beijing is 15:30 UTC; 00:30 on 1 November is 16:30 UTC on 31 October
    late_october = datetime(2026, 10, 31, 15, 30, tzinfo=UTC)
    early_november = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)
    for when in (late_october, early_november):
        consultations.log_consultation(tx, C, {"phone": "13600000000", "topic": "other",
                                               "called_at": when}, STAFF, NOW)
    by_month = {m["month"]: m["consultations"] for m in figures(tx.session, C)["by_month"]}
    assert by_month == {"2026-10": 1, "2026-11": 1}
    assert figures(tx.session, C, date(2026, 11, 1), date(2026, 11, 1))["totals"][
        "consultations"] == 1
    (on_31st,) = views.list_consultations(tx.session, C, day_from=date(2026, 10, 31),
                                          day_to=date(2026, 10, 31))
    assert as_utc(on_31st.called_at) == late_october     # SQLite hands back naive UTC


# -- cases from intake -----------------------------------------------------------------------------

CASE = {"case_id": 5, "tracking_code": "RC12345678", "community": C,
        "service_code": "matchmaking_registration", "description": "想给儿子登记",
        "resident": {"name": "孙阿姨", "phone": "13600000000"}}


def test_a_case_is_received_and_reported_with_who_resolved_it(tx):
    assert cases.receive(tx, CASE, NOW) == {"status": "accepted",
                                            "note": "红娘工作室已收到，将尽快与您联系"}
    case = cases.finish(tx, C, 5, STAFF, NOW, resolved=True, text="已约周六来站登记",
                        reply="请周六带身份证来服务站登记")
    assert case.state == "resolved" and case.handled_by == "王红娘"
    assert tx.published == [{"routing_key": "case.reported", "community": C, "data": {
        "case_id": 5, "program_id": "matchmaking", "handler": "王红娘", "status": "resolved",
        "result": "已约周六来站登记", "reply": "请周六带身份证来服务站登记"}}]
    with refused(tx, "case_closed", field="case_id", status=409):
        cases.finish(tx, C, 5, STAFF, NOW, resolved=False, text="不归我们")
    assert [(a.action, a.actor) for a in views.history(tx.session, C, "case", 5)] == [
        ("received", "intake"), ("resolved", "王红娘")]


def test_a_returned_case_says_why(tx):
    cases.receive(tx, CASE, NOW)
    cases.finish(tx, C, 5, STAFF, NOW, resolved=False, text="请转社区居委会")
    assert tx.published[-1]["data"] == {"case_id": 5, "program_id": "matchmaking",
                                        "handler": "王红娘", "status": "returned",
                                        "note": "请转社区居委会"}


def test_a_chased_case_is_counted_and_a_recalled_one_is_no_longer_worked(tx):
    cases.receive(tx, CASE, NOW)
    cases.chased(tx, {"case_id": 5, "level": 1, "note": "请尽快办理"}, NOW)
    cases.chased(tx, {"case_id": 5, "level": 2, "note": "已超时"}, NOW + timedelta(hours=1))
    cases.recalled(tx, {"case_id": 5, "note": "转给了别的项目"}, NOW + timedelta(hours=2))
    case = cases.get_case(tx.session, 5, C)
    assert (case.state, case.chases) == ("recalled", 2)
    assert [(a.action, a.detail.get("level")) for a in views.history(tx.session, C, "case", 5)] \
        == [("received", None), ("chased", 1), ("chased", 2), ("recalled", None)]
    with refused(tx, "case_closed"):
        cases.finish(tx, C, 5, STAFF, NOW, resolved=True, text="办了")


def test_a_finished_case_is_not_recalled_and_unknown_cases_are_left_alone(tx):
    cases.receive(tx, CASE, NOW)
    cases.finish(tx, C, 5, STAFF, NOW, resolved=True, text="已办结")
    before = snapshot(tx)
    cases.recalled(tx, {"case_id": 5, "note": "收回"}, NOW)
    cases.chased(tx, {"case_id": 6, "level": 1}, NOW)
    cases.recalled(tx, {"case_id": 6}, NOW)
    assert snapshot(tx) == before


def test_a_case_of_another_community_is_not_found(tx):
    cases.receive(tx, CASE, NOW)
    with refused(tx, "case_not_found", field="case_id", status=404):
        cases.get_case(tx.session, 5, "maple-court")
    with refused(tx, "case_not_found"):
        cases.finish(tx, "maple-court", 5, STAFF, NOW, resolved=True, text="办了")
    with refused(tx, "case_not_found"):
        cases.finish(tx, C, 6, STAFF, NOW, resolved=True, text="办了")


def test_a_period_starts_at_beijing_midnight_of_its_first_day_and_ends_before_the_next(tx):
    # 1 November 00:00 in Beijing is 16:00 UTC on 31 October; 1 December 00:00 in Beijing is
    # 16:00 UTC on 30 November, the first moment after the period
    for when in (datetime(2026, 10, 31, 16, 0, tzinfo=UTC),
                 datetime(2026, 11, 30, 15, 59, tzinfo=UTC),
                 datetime(2026, 11, 30, 16, 0, tzinfo=UTC)):
        consultations.log_consultation(tx, C, {"phone": "13600000000", "topic": "other",
                                               "called_at": when}, STAFF, NOW + timedelta(days=5))
    november = figures(tx.session, C, date(2026, 11, 1), date(2026, 11, 30))
    assert november["totals"]["consultations"] == 2
    assert (november["community"], november["from"], november["to"]) == (
        C, "2026-11-01", "2026-11-30")
    up_to_november = figures(tx.session, C, day_to=date(2026, 11, 30))
    assert up_to_november["totals"]["consultations"] == 2
    assert (up_to_november["from"], up_to_november["to"]) == (None, "2026-11-30")
    assert figures(tx.session, C, date(2026, 12, 1))["totals"]["consultations"] == 1


def test_each_introduction_is_counted_once_and_every_stage_it_reached(tx):
    man = verify(tx, register(tx))
    li_na, zhao = (verify(tx, register(tx, who)) for who in (LI_NA, ZHAO_MIN))
    first, second = introduce(tx, man, li_na), introduce(tx, man, zhao)
    for intro in (first, second):
        introductions.set_outcome(tx, C, intro.id, {"outcome": "met"}, STAFF,
                                  NOW + timedelta(days=1))
    introductions.set_outcome(tx, C, first.id, {"outcome": "ended"}, STAFF,
                              NOW + timedelta(days=2))
    counted = figures(tx.session, C)
    # two introductions, both met, one of them ended; the other is still open
    assert {key: counted["totals"][key] for key in ("introductions", "met", "dating",
                                                    "married", "ended")} == {
        "introductions": 2, "met": 2, "dating": 0, "married": 0, "ended": 1}
    assert counted["labels"]["married"] == "结婚"         # Chinese unless English is asked for


def test_members_now_are_counted_by_status_with_the_status_named(tx):
    man = verify(tx, register(tx))
    register(tx, LI_NA)
    members.withdraw_member(tx, C, man.id, "已找到对象", STAFF, NOW)
    assert figures(tx.session, C, lang="en")["members_now"] == [
        {"status": "pending", "name": "Awaiting verification", "count": 1},
        {"status": "verified", "name": "Verified", "count": 0},
        {"status": "rejected", "name": "Verification failed", "count": 0},
        {"status": "withdrawn", "name": "Withdrawn", "count": 1}]


def test_case_refusals_say_why_in_both_languages(tx):
    cases.receive(tx, CASE, NOW)
    with refused(tx, "case_not_found") as err:
        cases.get_case(tx.session, 6, C)
    assert err.value.to_body("zh")["error"] == {
        "code": "case_not_found", "message": "没有编号为 6 的诉求",
        "fields": {"case_id": ["没有编号为 6 的诉求"]}}
    assert err.value.to_body("en")["error"]["message"] == "No case 6"
    cases.finish(tx, C, 5, STAFF, NOW, resolved=True, text="已办结")
    with refused(tx, "case_closed") as err:
        cases.finish(tx, C, 5, STAFF, NOW, resolved=True, text="再办一次")
    assert (err.value.message_zh, err.value.message_en) == (
        "这件诉求已经办完或已被收回", "The case is no longer open")


def test_an_introduction_ended_outside_the_period_is_not_counted_in_it(tx):
    man = verify(tx, register(tx))
    woman = verify(tx, register(tx, LI_NA))
    intro = introduce(tx, man, woman)
    introductions.set_outcome(tx, C, intro.id, {"outcome": "ended"}, STAFF,
                              datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    november = figures(tx.session, C, date(2026, 11, 1), date(2026, 11, 30))
    assert (november["totals"]["introductions"], november["totals"]["ended"]) == (1, 0)
    december = figures(tx.session, C, date(2026, 12, 1), date(2026, 12, 31))
    assert (december["totals"]["introductions"], december["totals"]["ended"]) == (0, 1)
