"""三率 and the on-time rate over a hand-counted month: every breakdown row, counted by hand.

The cases (times UTC; Beijing is UTC+8, and the month is Beijing's):

  A  rainbow-city legal_aid labour_dispute (48 h)  registered 11-02 02:00, accepted 11-02 03:00,
     resolved 11-03 02:00 (due 11-04 02:00: on time), replied, followed up resolved + satisfied
  B  rainbow-city legal_aid labour_dispute (48 h)  registered 11-05 02:00, accepted 11-05 04:00,
     resolved 11-08 02:00 (due 11-07 02:00: LATE), replied, followed up resolved, NOT satisfied
  C  rainbow-city, B's resident asking again on 11-06: a duplicate, counted with B, not again
  D  maple-court cat_fund sick_cat (24 h)          registered 11-10 02:00, nobody responds
  E  maple-court legal_aid legal_consultation      registered 10-31 16:30 (11-01 00:30 in
     Beijing: November), accepted 11-01 01:00, resolved 11-01 18:00 (on time), replied,
     followed up NOT resolved, NOT satisfied
  F  rainbow-city cat_fund sick_cat (24 h)         registered 10-31 15:30 (10-31 23:30 in
     Beijing: October), resolved by the program 11-02 00:00 (due 11-01 15:30: LATE)

                received responded resolved on-time followed-up fu-resolved satisfied
  cat_fund      2 (D F)  1 (F)     1 (F)    0       0           0           0
  legal_aid     3 (A B E) 3        3        2 (A E) 3           2 (A B)     1 (A)
  2026-10       1 (F)    1         1        0       0           0           0
  2026-11       4 (A B D E) 3      3        2       3           2           1
  maple-court   2 (D E)  1 (E)     1 (E)    1 (E)   1           0           0
  rainbow-city  3 (A B F) 3        3        1 (A)   2 (A B)     2           1
"""
from datetime import UTC, date, datetime, timedelta

import pytest

from intake.domain import answers, reports
from intake.domain.figures import figures
from intake.domain.registry import Registry
from intake.domain.views import community_figures
from intake.models import Case

from .conftest import (
    CAT_FUND,
    LEGAL_AID,
    MAPLE_RECEPTIONIST,
    NOW,
    RECEPTIONIST,
    actor,
    desk,
    register_case,
)


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def row(received, responded, resolved, on_time, followed_up, followup_resolved, satisfied,
        response_rate, resolution_rate, satisfaction_rate, on_time_rate, **group):
    return {**group, "received": received, "responded": responded, "resolved": resolved,
            "resolved_on_time": on_time, "followed_up": followed_up,
            "followup_resolved": followup_resolved, "satisfied": satisfied,
            "response_rate": response_rate, "resolution_rate": resolution_rate,
            "satisfaction_rate": satisfaction_rate, "on_time_rate": on_time_rate}


def report(tx, now, case, status, **fields):
    applied = reports.apply_report(desk(tx, now), {"case_id": case.id,
                                                   "program_id": case.program_id,
                                                   "status": status, **fields})
    assert applied


def answer(tx, now, case, staff, resolved, satisfied):
    answers.reply(desk(tx, now), case, actor(staff), "答复")
    answers.follow_up(desk(tx, now), case, actor(staff), resolved=resolved, satisfied=satisfied)


@pytest.fixture
def month(tx):
    """The six cases above, each step at its own moment."""
    registry = Registry(tx.session)
    for manifest in (LEGAL_AID, CAT_FUND):
        registry.announce({**manifest, "communities": ["rainbow-city", "maple-court"]},
                          at(10, 1, 0))

    a = register_case(tx, now=at(11, 2, 2), resident_phone="13800000001")
    report(tx, at(11, 2, 3), a, "accepted", handler="李律师")
    report(tx, at(11, 3, 2), a, "resolved", result="已调解")
    answer(tx, at(11, 3, 3), a, RECEPTIONIST, resolved=True, satisfied=True)

    b = register_case(tx, now=at(11, 5, 2), resident_phone="13800000002")
    report(tx, at(11, 5, 4), b, "accepted", handler="李律师")
    c = register_case(tx, now=at(11, 6, 2), resident_phone="13800000002",
                      description="工资的事还没消息")
    report(tx, at(11, 8, 2), b, "resolved", result="已调解")
    answer(tx, at(11, 8, 3), b, RECEPTIONIST, resolved=True, satisfied=False)

    d = register_case(tx, MAPLE_RECEPTIONIST, now=at(11, 10, 2), description="楼下有只病猫",
                      resident_phone="13800000004")

    e = register_case(tx, MAPLE_RECEPTIONIST, now=at(10, 31, 16, 30),
                      description="法律咨询：租房合同", resident_phone="13800000005")
    report(tx, at(11, 1, 1), e, "accepted")
    report(tx, at(11, 1, 18), e, "resolved", result="已解答")
    answer(tx, at(11, 1, 19), e, MAPLE_RECEPTIONIST, resolved=False, satisfied=False)

    f = register_case(tx, now=at(10, 31, 15, 30), description="小区里有只受伤的猫",
                      resident_phone="13800000006")
    report(tx, at(11, 2, 0), f, "resolved", result="已送医")

    cases = dict(zip("ABCDEF", (a, b, c, d, e, f), strict=True))
    assert [cases[k].program_id for k in "ABDEF"] == \
        ["legal_aid", "legal_aid", "cat_fund", "legal_aid", "cat_fund"]
    assert cases["C"].status == "duplicate" and cases["C"].duplicate_of_id == b.id
    return cases


def test_by_program(month):
    assert figures(month.values(), ("program",)) == [
        row(2, 1, 1, 0, 0, 0, 0, 0.5, None, None, 0.0, program="cat_fund"),
        row(3, 3, 3, 2, 3, 2, 1, 1.0, 0.6667, 0.3333, 0.6667, program="legal_aid"),
    ]


def test_by_beijing_month(month):
    assert figures(month.values(), ("month",)) == [
        row(1, 1, 1, 0, 0, 0, 0, 1.0, None, None, 0.0, month="2026-10"),
        row(4, 3, 3, 2, 3, 2, 1, 0.75, 0.6667, 0.3333, 0.6667, month="2026-11"),
    ]


def test_by_community(month):
    assert figures(month.values(), ("community",)) == [
        row(2, 1, 1, 1, 1, 0, 0, 0.5, 0.0, 0.0, 1.0, community="maple-court"),
        row(3, 3, 3, 1, 2, 2, 1, 1.0, 1.0, 0.5, 0.3333, community="rainbow-city"),
    ]


def test_by_program_month_and_community(month):
    assert figures(month.values()) == [
        row(1, 1, 1, 0, 0, 0, 0, 1.0, None, None, 0.0,
            program="cat_fund", month="2026-10", community="rainbow-city"),  # F
        row(1, 0, 0, 0, 0, 0, 0, 0.0, None, None, None,
            program="cat_fund", month="2026-11", community="maple-court"),   # D
        row(1, 1, 1, 1, 1, 0, 0, 1.0, 0.0, 0.0, 1.0,
            program="legal_aid", month="2026-11", community="maple-court"),  # E
        row(2, 2, 2, 1, 2, 2, 1, 1.0, 1.0, 0.5, 0.5,
            program="legal_aid", month="2026-11", community="rainbow-city"),  # A B
    ]


def test_a_period_is_a_span_of_beijing_dates(tx, month):
    november = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30),
                "group_by": "community"}
    # Rainbow City's November has A and B (and B's repeat), not F, registered at 23:30 on
    # 31 October in Beijing; Maple Court's has D and E, registered at 00:30 on 1 November
    assert community_figures(tx.session, "rainbow-city", november)["rows"] == [
        row(2, 2, 2, 1, 2, 2, 1, 1.0, 1.0, 0.5, 0.5, community="rainbow-city")]
    assert community_figures(tx.session, "maple-court", november)["rows"] == [
        row(2, 1, 1, 1, 1, 0, 0, 0.5, 0.0, 0.0, 1.0, community="maple-court")]
    october_31 = {"date_from": date(2026, 10, 31), "date_to": date(2026, 10, 31),
                  "group_by": "program", "program_id": "cat_fund"}
    assert community_figures(tx.session, "rainbow-city", october_31) == {
        "group_by": ["program"],
        "rows": [row(1, 1, 1, 0, 0, 0, 0, 1.0, None, None, 0.0, program="cat_fund")]}


def test_the_cases_were_as_the_hand_count_says(tx, month):
    """The story above, checked against the records, so the count rests on what happened."""
    a, b, _, d, e, f = month.values()
    assert tx.session.get(Case, d.id).first_response_at is None
    late = [k for k, case in month.items() if case.resolved_at and case.resolved_at > case.due_at]
    assert late == ["B", "F"]
    assert [k for k, case in month.items() if case.followup_satisfied is False] == ["B", "E"]
    assert (a.status, b.status, e.status, f.status) == ("closed", "closed", "closed",
                                                        "resolved")


def test_edges_counted_by_hand(tx):
    """Rainbow City on 27 November: W wages resolved on the minute of its 48-hour deadline (on
    time); L a street lamp nobody assigned, closed as out of scope an hour later (answered, on
    time); its repeat R (not counted again); K a cat resolved 25 hours on, one hour late."""
    w = register_case(tx, resident_phone="13900000001")
    report(tx, NOW + timedelta(hours=48), w, "resolved", result="已调解")
    lamp = register_case(tx, description="小区路灯不亮", resident_phone="13900000002")
    answers.close_out_of_scope(desk(tx, NOW + timedelta(hours=1)), lamp, actor(RECEPTIONIST),
                               "路灯归物业。", "物业")
    k = register_case(tx, description="楼下有只病猫", resident_phone="13900000003")
    register_case(tx, description="楼下有只病猫，没人管", resident_phone="13900000003")
    report(tx, NOW + timedelta(hours=25), k, "resolved", result="已送医")
    repeat = tx.session.query(Case).filter_by(status="duplicate").one()
    assert figures([w, lamp, k, repeat], ("program",)) == [
        row(1, 1, 1, 1, 0, 0, 0, 1.0, None, None, 1.0, program="(未分派)"),
        row(1, 1, 1, 0, 0, 0, 0, 1.0, None, None, 0.0, program="cat_fund"),
        row(1, 1, 1, 1, 0, 0, 0, 1.0, None, None, 1.0, program="legal_aid")]


def test_a_period_runs_from_midnight_to_midnight_in_beijing(tx):
    """Wages registered at 00:00 on 1 November in Beijing (16:00 UTC the day before) is in
    November; a cat at 00:00 on 1 December is not; a legal question at 23:59 on 30 November is."""
    register_case(tx, now=at(10, 31, 16, 0), resident_phone="13900000001")
    register_case(tx, now=at(11, 30, 16, 0), description="楼下有只病猫",
                  resident_phone="13900000002")
    register_case(tx, now=at(11, 30, 15, 59), description="想找律师咨询",
                  resident_phone="13900000003")
    november = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 30),
                "group_by": "program, month"}
    assert community_figures(tx.session, "rainbow-city", november) == {
        "group_by": ["program", "month"],
        "rows": [row(2, 0, 0, 0, 0, 0, 0, 0.0, None, None, None,
                     program="legal_aid", month="2026-11")]}
    only_cats = {"date_from": date(2026, 12, 1), "date_to": None, "group_by": "program",
                 "program_id": "cat_fund"}
    assert community_figures(tx.session, "rainbow-city", only_cats)["rows"] == [
        row(1, 0, 0, 0, 0, 0, 0, 0.0, None, None, None, program="cat_fund")]
    lawyers = {"date_from": None, "date_to": None, "group_by": "program",
               "program_id": "legal_aid"}
    assert [r["received"] for r in
            community_figures(tx.session, "rainbow-city", lawyers)["rows"]] == [2]
