"""What staff find in the legal-aid home's lists and on a reception's page: receptions of some
days from the first moment of the first day to the last of the last, latest first by when they
happened; visitors found by their phone, and at most 200 of them for a name; the page answered
when a reception is recorded, in the reader's language; the record of a change in the order
the changes happened. NOW is 10:00 in Beijing on 27 November (02:00 UTC); Beijing is UTC+8."""
from datetime import timedelta

from legal_aid.domain import lawyers, receptions, views

from .conftest import ALICE, NOW, at

C = "rainbow-city"


def visit(tx, when, visitor, **extra):
    return receptions.record_reception(tx, C, {"visitor": visitor, "area_of_law": "labour",
                                               "outcome": "advised", "received_at": when,
                                               **extra}, ALICE, NOW)


def listed(tx, **query):
    total, rows = views.list_receptions(tx.session, C, **query)
    return total, [r.id for r in rows]


def test_a_day_s_receptions_run_from_its_midnight_to_the_next_midnight_in_beijing(tx):
    zhang = {"name": "张三", "phone": "13800001111"}
    # 00:00 in Beijing on the 25th is 16:00 UTC on the 24th; 23:59 on the 25th is 15:59 UTC
    # on the 25th; 00:00 on the 26th is 16:00 UTC on the 25th
    midnight = visit(tx, at(-2, 0), zhang)
    last_minute = visit(tx, at(-2, 23, 59), zhang)
    next_midnight = visit(tx, at(-1, 0), zhang)
    a_minute_before = visit(tx, at(-2, 0) - timedelta(minutes=1), zhang)
    day = at(-2).date()
    assert listed(tx, day_from=day, day_to=day) == (2, [last_minute.id, midnight.id])
    # from the 26th on: its midnight counts, the 25th does not
    assert listed(tx, day_from=at(-1).date()) == (1, [next_midnight.id])
    # up to the 24th: the minute before the 25th's midnight, nothing of the 25th
    assert listed(tx, day_to=at(-3).date()) == (1, [a_minute_before.id])


def test_receptions_are_listed_latest_first_by_when_they_happened_not_when_written_down(tx):
    zhang, li = {"name": "张三", "phone": "13800001111"}, {"name": "李四", "phone": "13800002222"}
    # written down in this order: the 26th at 9:00, the 24th, the 25th, the 26th at 9:00 again
    first = visit(tx, at(-1, 9), zhang)
    second = visit(tx, at(-3, 9), li)
    third = visit(tx, at(-2, 9), zhang)
    fourth = visit(tx, at(-1, 9), li)
    # by hand: the 26th's two (the later written first), the 25th, the 24th
    assert listed(tx) == (4, [fourth.id, first.id, third.id, second.id])
    # a page of two from the second on
    assert listed(tx, limit=2, offset=1) == (4, [first.id, third.id])


def test_a_visitor_is_found_by_their_phone_alone(tx):
    visit(tx, at(-1, 9), {"name": "张三", "phone": "13800001111"})
    li = visit(tx, at(-1, 10), {"name": "李四", "phone": "13800002222"}).visitor_id
    visit(tx, at(-1, 11), {"name": "王五"})
    assert [v.id for v in views.search_visitors(tx.session, C, phone="13800002222")] == [li]
    assert views.search_visitors(tx.session, C, phone="13900000000") == []


def test_a_search_by_name_shows_the_first_200_visitors_who_came(tx):
    # 201 visitors called 张 something, each with a phone of their own
    added = [receptions.find_or_add_visitor(tx, C, {"name": f"张{n}", "phone": f"1380000{n:04}"},
                                            ALICE, NOW).id for n in range(201)]
    found = [v.id for v in views.search_visitors(tx.session, C, name="张")]
    assert found == added[:200]


def test_the_page_answered_when_a_reception_is_recorded_in_english(tx):
    wang = lawyers.add_lawyer(tx, C, {"name": "王律师", "firm": "京师律所",
                                      "phone": "13900001111"}, ALICE, NOW)
    earlier = visit(tx, at(-1, 9), {"name": "张三", "phone": "13800001111"},
                    outcome="pending", area_of_law="tenancy")
    today = receptions.record_reception(tx, C, {
        "visitor_id": earlier.visitor_id, "area_of_law": "labour", "outcome": "referred",
        "problem": "拖欠工资", "outcome_note": "转区劳动仲裁", "lawyer_id": wang.id}, ALICE, NOW)
    stamp = {"created_at": "2026-11-27T02:00:00Z", "created_by": "李",
             "updated_at": "2026-11-27T02:00:00Z", "updated_by": "李"}
    # 9:00 in Beijing on the 26th is 01:00 UTC; no history on this page: that is the
    # reception's own page
    assert views.reception_page(tx.session, today, "en") == {
        "id": today.id, "received_at": "2026-11-27T02:00:00Z", "area_of_law": "labour",
        "area_of_law_name": "Labour dispute", "problem": "拖欠工资", "outcome": "referred",
        "outcome_name": "Referred", "outcome_note": "转区劳动仲裁", "channel": "walk_in",
        "lawyer": {"id": wang.id, "name": "王律师", "firm": "京师律所"}, "booking_id": None,
        "case_id": None, **stamp,
        "visitor": {"id": earlier.visitor_id, "name": "张三", "phone": "13800001111"},
        "earlier_visits": [{
            "id": earlier.id, "received_at": "2026-11-26T01:00:00Z", "area_of_law": "tenancy",
            "area_of_law_name": "Tenancy", "problem": None, "outcome": "pending",
            "outcome_name": "Pending", "outcome_note": None, "channel": "walk_in",
            "lawyer": None, "booking_id": None, "case_id": None, **stamp}]}


def test_the_record_lists_changes_in_the_order_they_happened(tx):
    # two staff change the same reception at once: the change made at 10:30 is written down
    # after the one made at 10:31 (its request took longer)
    reception = visit(tx, at(0, 9), {"name": "张三", "phone": "13800001111"}, outcome="pending")
    at_1031, at_1030 = NOW + timedelta(minutes=31), NOW + timedelta(minutes=30)
    receptions.update_reception(tx, C, reception.id, {"outcome": "solved"}, ALICE, at_1031)
    receptions.update_reception(tx, C, reception.id, {"outcome_note": "已调解"}, ALICE, at_1030)
    page = views.reception_page(tx.session, reception, "zh", with_history=True)
    assert [(h["at"], h["action"], h["detail"]) for h in page["history"]] == [
        ("2026-11-27T02:00:00Z", "recorded", {"visitor_id": reception.visitor_id,
                                              "area_of_law": "labour", "outcome": "pending"}),
        ("2026-11-27T02:30:00Z", "updated", {"outcome_note": {"from": None, "to": "已调解"}}),
        ("2026-11-27T02:31:00Z", "updated", {"outcome": {"from": "pending", "to": "solved"}})]
