"""The legal-aid home's rules, without a broker: SQLite in a temporary directory."""
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import func, select

from minzi.api import DomainError
from minzi.contract import CaseDispatched, CaseNotice
from minzi.envelope import isoformat
from minzi.testing import make_staff

from legal_aid.domain import (
    access,
    bookings,
    cases,
    codes,
    consultations,
    figures,
    lawyers,
    lectures,
    receptions,
    views,
)
from legal_aid.models import Activity, Booking, Lecture, Reception, Slot
from legal_aid.service import MANIFEST

from .conftest import ALICE, NOW, at

C = "rainbow-city"
DESK_STAFF = make_staff("receptionist", id=3, name="前台小周")


def code_of(excinfo):
    return excinfo.value.code


def lecture(tx, capacity=2, days=5):
    return lectures.plan_lecture(tx, C, {"topic": "劳动合同法", "speaker": "王律师",
                                        "starts_at": at(days, 19), "place": "社区活动室",
                                        "capacity": capacity}, ALICE, NOW)


def lawyer(tx, name="王律师"):
    return lawyers.add_lawyer(tx, C, {"name": name, "firm": "京师律所", "phone": "13900001111"},
                              ALICE, NOW)


def day_with_slots(tx, volunteers, days=3, count=2):
    return consultations.open_day(tx, C, {"day": at(days).date(), "place": "服务站二楼", "slots": [
        {"lawyer_id": v.id, "starts_at": at(days, 9), "ends_at": at(days, 9 + count),
         "minutes": 60} for v in volunteers]}, ALICE, NOW)


def test_a_full_lecture_keeps_a_waiting_list_that_moves_up(tx):
    item = lecture(tx, capacity=2)
    a, b, c, d = (lectures.register(tx, item.id, n, p, ALICE, NOW) for n, p in [
        ("甲", "13800000001"), ("乙", "13800000002"), ("丙", "13800000003"),
        ("丁", "13800000004")])
    assert [r.status for r in (a, b, c, d)] == ["registered", "registered", "waitlisted",
                                                "waitlisted"]
    assert [views.waitlist_position(r) for r in (c, d)] == [1, 2]

    _, promoted = lectures.cancel_registration(tx, item.id, a.id, ALICE, NOW, code=a.cancel_code)
    assert promoted == [c]
    assert c.status == "registered" and views.waitlist_position(d) == 1
    assert views.lecture_counts(item) == {"registered": 2, "waitlisted": 1, "attended": 0,
                                           "seats_left": 0}
    # cancelling someone on the waiting list promotes nobody
    _, promoted = lectures.cancel_registration(tx, item.id, d.id, ALICE, NOW)
    assert promoted == []


def test_registration_rules(tx):
    item = lecture(tx)
    first = lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW)
    with pytest.raises(DomainError) as err:
        lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW)
    assert code_of(err) == "already_registered"
    with pytest.raises(DomainError) as err:
        lectures.cancel_registration(tx, item.id, first.id, ALICE, NOW, code="guess")
    assert code_of(err) == "wrong_cancel_code"
    lectures.cancel_registration(tx, item.id, first.id, ALICE, NOW, code=first.cancel_code)
    # once cancelled, the same phone may register again
    assert lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW).status == "registered"
    with pytest.raises(DomainError) as err:
        lectures.register(tx, item.id, "乙", "13800000002", ALICE, at(5, 20))
    assert code_of(err) == "registration_closed"


def test_a_lecture_in_the_past_is_refused_and_nothing_is_written(tx):
    with pytest.raises(DomainError) as err:
        lecture(tx, days=-1)
    assert code_of(err) == "lecture_in_past" and err.value.field == "starts_at"
    assert tx.session.scalar(select(func.count()).select_from(Lecture)) == 0


def test_attendance_marks_the_lecture_held_and_counts(tx):
    item = lecture(tx, capacity=3)
    regs = [lectures.register(tx, item.id, f"居民{i}", f"1380000000{i}", ALICE, NOW)
            for i in range(3)]
    with pytest.raises(DomainError) as err:
        lectures.record_attendance(tx, C, item.id, {"present": [regs[0].id]}, ALICE, NOW)
    assert code_of(err) == "lecture_not_started"
    with pytest.raises(DomainError) as err:
        lectures.record_attendance(tx, C, item.id, {"present": [999]}, ALICE, at(5, 21))
    assert code_of(err) == "not_registered"
    lectures.record_attendance(tx, C, item.id, {
        "present": [regs[0].id, regs[1].id], "absent": [regs[2].id],
        "walk_ins": [{"name": "路过的居民", "phone": None}]}, ALICE, at(5, 21))
    assert item.status == "held" and item.held_by == "李"
    assert views.lecture_counts(item)["attended"] == 3
    counted = figures.figures(tx.session, C)
    assert counted["lectures"] == {"planned": 0, "held": 1, "cancelled": 0, "attendance": 3}


def test_a_lecture_held_before_is_recorded_with_its_attendance(tx):
    base = {"topic": "宪法宣传日讲座", "speaker": "陈律师", "place": "社区活动室", "capacity": 50}
    with pytest.raises(DomainError) as err:
        lectures.plan_lecture(tx, C, {**base, "starts_at": NOW + timedelta(days=1),
                                     "already_held": True}, ALICE, NOW)
    assert code_of(err) == "not_yet_held"
    past = lectures.plan_lecture(tx, C, {**base, "starts_at": NOW - timedelta(days=30),
                                        "already_held": True}, ALICE, NOW)
    with pytest.raises(DomainError) as err:   # nobody registers for what is over
        lectures.register(tx, past.id, "居民", "13800000009", ALICE, NOW)
    assert code_of(err) == "registration_closed"
    lectures.record_attendance(tx, C, past.id, {"walk_ins": [
        {"name": f"居民{i}", "phone": None} for i in range(12)]}, ALICE, NOW)
    assert past.status == "held" and views.lecture_counts(past)["attended"] == 12


def test_times_typed_in_beijing_are_the_same_moments_when_read_back(tx):
    """Staff type Beijing times. Read back from the database (SQLite here, which keeps no
    offset) they are the same moments, not eight hours later."""
    item = lecture(tx)                                   # 19:00 on 2 December in Beijing
    day = day_with_slots(tx, [lawyer(tx)], count=1)      # 09:00-10:00 on 30 November
    visit = receptions.record_reception(tx, C, {
        "visitor": {"name": "张三"}, "area_of_law": "labour", "outcome": "advised",
        "received_at": at(-1, 15)}, ALICE, NOW)          # 15:00 on 26 November
    tx.session.commit()
    tx.session.expire_all()
    assert isoformat(tx.session.get(Lecture, item.id).starts_at) == "2026-12-02T11:00:00Z"
    stored = tx.session.get(Slot, day.slots[0].id)
    assert (isoformat(stored.starts_at), isoformat(stored.ends_at)) == (
        "2026-11-30T01:00:00Z", "2026-11-30T02:00:00Z")
    assert isoformat(tx.session.get(Reception, visit.id).received_at) == "2026-11-26T07:00:00Z"
    # and the rules see them so: the slot is still to come at 08:30 that morning
    assert bookings.book(tx, C, day.id, {"name": "李四", "phone": "13800002222"}, ALICE,
                         at(3, 8, 30)).slot_id == stored.id


def test_slots_for_lawyers(tx):
    wang, zhao = lawyer(tx), lawyer(tx, "赵律师")
    day = day_with_slots(tx, [wang, zhao], count=2)
    assert len(day.slots) == 4  # 9-10 and 10-11 for each
    tx.session.commit()

    def add(**spec):
        base = {"lawyer_id": wang.id, "starts_at": at(3, 14), "ends_at": at(3, 15)}
        return consultations.add_slots(tx, C, day.id, [{**base, **spec}], ALICE, NOW)

    for spec, code in [
        ({"starts_at": at(3, 10, 30), "ends_at": at(3, 11, 30)}, "slot_overlap"),
        ({"lawyer_id": 999}, "unknown_lawyer"),
        ({"starts_at": at(4, 9), "ends_at": at(4, 10)}, "slot_not_on_day"),
        ({"ends_at": at(3, 13)}, "ends_before_start"),
    ]:
        with pytest.raises(DomainError) as err:
            add(**spec)
        assert code_of(err) == code, spec
    # one bad slot in a batch: none of the batch is added
    with pytest.raises(DomainError) as err:
        consultations.add_slots(tx, C, day.id, [
            {"lawyer_id": zhao.id, "starts_at": at(3, 14), "ends_at": at(3, 15)},
            {"lawyer_id": zhao.id, "starts_at": at(3, 14, 30), "ends_at": at(3, 15, 30)}],
            ALICE, NOW)
    assert code_of(err) == "slot_overlap" and err.value.field == "slots.1.starts_at"
    tx.session.rollback()
    assert tx.session.scalar(select(func.count()).select_from(Slot)) == 4


def test_a_slot_in_the_past_is_refused(tx):
    wang = lawyer(tx)
    day = consultations.open_day(tx, C, {"day": at(0).date(), "place": "服务站"}, ALICE, NOW)
    with pytest.raises(DomainError) as err:
        consultations.add_slots(tx, C, day.id, [{"lawyer_id": wang.id, "starts_at": at(0, 9),
                                           "ends_at": at(0, 10)}], ALICE, NOW)
    assert code_of(err) == "slot_in_past"
    with pytest.raises(DomainError) as err:
        consultations.open_day(tx, C, {"day": at(-1).date(), "place": "服务站"}, ALICE, NOW)
    assert code_of(err) == "day_in_past"


def test_no_double_booking(tx):
    wang = lawyer(tx)
    day = day_with_slots(tx, [wang], count=2)
    first, second = day.slots
    booking = bookings.book(tx, C, day.id, {"slot_id": first.id, "name": "张三",
                                           "phone": "13800001111"}, ALICE, NOW)
    for data, code in [
        ({"slot_id": first.id, "name": "李四", "phone": "13800002222"}, "slot_taken"),
        ({"slot_id": second.id, "name": "张三", "phone": "13800001111"},
         "already_booked_that_day"),
        ({"slot_id": 999, "name": "李四", "phone": "13800002222"}, "unknown_slot"),
    ]:
        with pytest.raises(DomainError) as err:
            bookings.book(tx, C, day.id, data, ALICE, NOW)
        assert code_of(err) == code
    # no slot named: the first free one
    other = bookings.book(tx, C, day.id, {"name": "李四", "phone": "13800002222"}, ALICE, NOW)
    assert other.slot_id == second.id
    with pytest.raises(DomainError) as err:
        bookings.book(tx, C, day.id, {"name": "王五", "phone": "13800003333"}, ALICE, NOW)
    assert code_of(err) == "day_full"
    # a cancellation frees the slot
    bookings.cancel_booking(tx, C, booking.id, "有事", ALICE, NOW)
    again = bookings.book(tx, C, day.id, {"name": "王五", "phone": "13800003333"}, ALICE, NOW)
    assert again.slot_id == first.id
    # walk-ins are recorded, with or without a slot
    walk_in = bookings.record_walk_in(tx, C, day.id, {"name": "赵六"}, ALICE, NOW)
    assert walk_in.kind == "walk_in" and walk_in.slot_id is None
    tx.session.commit()
    assert tx.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.status == "active")) == 3


def test_receptions_and_earlier_visits(tx):
    wang = lawyer(tx)
    first = receptions.record_reception(tx, C, {
        "visitor": {"name": "张三", "phone": "13800001111", "migrant": True},
        "area_of_law": "labour", "outcome": "pending", "lawyer_id": wang.id,
        "received_at": NOW - timedelta(days=30)}, ALICE, NOW)
    second = receptions.record_reception(tx, C, {
        "visitor": {"name": "张三", "phone": "13800001111"}, "area_of_law": "labour",
        "outcome": "solved"}, ALICE, NOW)
    assert second.visitor_id == first.visitor_id
    assert views.earlier_visits(tx.session, second) == [first]
    for data, code in [({"area_of_law": "astrology"}, "unknown_area_of_law"),
                       ({"lawyer_id": 999}, "unknown_lawyer"),
                       ({"visitor": None}, "visitor_required"),
                       ({"received_at": NOW + timedelta(days=1)}, "received_in_future")]:
        with pytest.raises(DomainError) as err:
            receptions.record_reception(tx, C, {"visitor": {"name": "李四"},
                                                "area_of_law": "tenancy", "outcome": "advised",
                                                **data}, ALICE, NOW)
        assert code_of(err) == code
    receptions.update_reception(tx, C, first.id, {"outcome": "solved"}, ALICE, NOW)
    history = views.history(tx.session, C, "reception", first.id)
    assert [h.action for h in history] == ["recorded", "updated"]
    assert history[-1].actor == "李" and history[-1].detail["outcome"] == {
        "from": "pending", "to": "solved"}


def test_the_seed_figures_are_counted_from_reception_records(tx):
    """The seed: 158 visitors received, 115 problems solved."""
    areas = ["labour", "tenancy", "family", "neighbour"]
    solved = 0
    for i in range(158):
        outcome = "solved" if i % 11 < 8 and solved < 115 else ("advised" if i % 2 else "referred")
        solved += outcome == "solved"
        receptions.record_reception(tx, C, {
            "visitor": {"name": f"居民{i}", "phone": f"138{i:08d}"},
            "area_of_law": areas[i % 4], "outcome": outcome,
            "received_at": NOW - timedelta(days=i)}, ALICE, NOW)
    while solved < 115:  # top up so the seed's figure is exact
        row = tx.session.scalar(select(Reception).where(Reception.outcome != "solved"))
        receptions.update_reception(tx, C, row.id, {"outcome": "solved"}, ALICE, NOW)
        solved += 1
    tx.session.commit()
    counted = figures.figures(tx.session, C)
    assert counted["receptions"]["received"] == 158
    assert counted["receptions"]["solved"] == 115
    assert sum(a["received"] for a in counted["by_area_of_law"]) == 158
    assert sum(a["solved"] for a in counted["by_area_of_law"]) == 115
    assert sum(m["solved"] for m in counted["by_month"]) == 115
    # a period: the last 10 Beijing days hold 10 receptions
    recent = figures.figures(tx.session, C, (NOW - timedelta(days=9)).date(), NOW.date())
    assert recent["receptions"]["received"] == 10
    assert figures.figures(tx.session, "other-community")["receptions"]["received"] == 0


def dispatched(case_id=42, **extra):
    """A ``case.dispatched`` as the kit hands it to ``receive``: loaded by the contract's schema
    (a field this version does not know is dropped)."""
    return CaseDispatched().load({
        "case_id": case_id, "tracking_code": "RC7KX2M9QD", "program_id": "legal_aid",
        "service_code": "legal_consultation", "community": C, "channel": "open311",
        "description": "公司拖欠三个月工资", "attributes": {"area_of_law": "labour"},
        "resident": {"name": "张三", "phone": "13800001111"},
        "due_at": "2026-12-04T08:00:00Z", "future_field": "ignored", **extra})


def notice(case_id=42, **extra):
    """A ``case.chased`` / ``case.recalled`` as the kit hands it to ``chased`` / ``recalled``."""
    return {**CaseNotice().load({"case_id": case_id, **extra}), "community": C}


def receive(tx, data):
    """The case intake sent, received; returns the report and the case as kept."""
    report = cases.receive(tx, data, NOW)
    return report, cases.case_by_intake_id(tx.session, data["case_id"])


def test_a_case_from_intake_is_accepted_booked_and_resolved(tx):
    report, case = receive(tx, dispatched())
    assert case.status == "accepted" and case.area_of_law == "labour"
    assert report["status"] == "accepted"
    assert case.intake_case_id == 42

    wang = lawyer(tx)
    day = day_with_slots(tx, [wang])
    case, booking = cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, NOW)
    assert case.status == "booked" and booking.phone == "13800001111"
    report = tx.published[-1]["data"]
    assert report["status"] == "in_progress" and "王律师" in report["note"]

    cases.chased(tx, notice(level=1), NOW)
    assert case.chase_level == 1

    cases.resolve_case(tx, C, case.id, {"result": "已出具律师函，公司承诺月底前支付"},
                       ALICE, NOW)
    report = tx.published[-1]["data"]
    assert report == {"case_id": 42, "program_id": "legal_aid", "status": "resolved",
                      "handler": "李", "result": "已出具律师函，公司承诺月底前支付"}
    with pytest.raises(DomainError) as err:
        cases.return_case(tx, C, case.id, "不归我们", ALICE, NOW)
    assert code_of(err) == "case_closed"


def test_a_recalled_case_frees_its_slot_and_can_come_back(tx):
    _, case = receive(tx, dispatched())
    day = day_with_slots(tx, [lawyer(tx)], count=1)
    cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, NOW)
    cases.recalled(tx, notice(note="转办"), NOW)
    assert case.status == "recalled"
    assert bookings.active_bookings(tx.session, day.id) == []
    report, again = receive(tx, dispatched())
    assert again is case and case.status == "accepted" and report["status"] == "accepted"
    # a chase or recall for a case this program never had does nothing
    published, activity = len(tx.published), tx.session.scalar(
        select(func.count()).select_from(Activity))
    cases.chased(tx, notice(7), NOW)
    cases.recalled(tx, notice(7), NOW)
    assert len(tx.published) == published
    assert tx.session.scalar(select(func.count()).select_from(Activity)) == activity


def test_returning_a_case_needs_no_booking_and_reports_the_note(tx):
    _, case = receive(tx, dispatched(service_code="tenancy_dispute", attributes={}))
    assert case.area_of_law == "tenancy"
    cases.return_case(tx, C, case.id, "属于房管部门，请联系区住建委", ALICE, NOW)
    assert tx.published[-1]["data"]["status"] == "returned"
    assert tx.published[-1]["data"]["note"] == "属于房管部门，请联系区住建委"


def test_the_manifest_lists_the_areas_of_law_the_rules_know():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    consultation = next(t for t in manifest["service_types"]
                        if t["code"] == "legal_consultation")
    values = next(a["values"] for a in consultation["attributes"] if a["code"] == "area_of_law")
    # written once for every Open311 client, so in both languages
    assert {v["key"]: v["name"] for v in values} == {
        k: f"{zh} / {en}" for k, (zh, en) in codes.AREAS_OF_LAW.items()}
    assert set(codes.SERVICE_AREAS) <= {t["code"] for t in manifest["service_types"]}


def test_more_seats_move_the_waiting_list_up_and_fewer_than_registered_are_refused(tx):
    item = lecture(tx, capacity=1)
    lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW)
    waiting = lectures.register(tx, item.id, "乙", "13800000002", ALICE, NOW)
    lectures.update_lecture(tx, C, item.id, {"capacity": 2, "place": "大会议室"}, ALICE, NOW)
    assert waiting.status == "registered" and item.place == "大会议室"
    with pytest.raises(DomainError) as err:
        lectures.update_lecture(tx, C, item.id, {"capacity": 1}, ALICE, NOW)
    assert code_of(err) == "capacity_below_registered"
    lectures.cancel_lecture(tx, C, item.id, "讲师临时有事", ALICE, NOW)
    with pytest.raises(DomainError) as err:
        lectures.register(tx, item.id, "丙", "13800000003", ALICE, NOW)
    assert code_of(err) == "lecture_cancelled"
    actions = [h.action for h in views.history(tx.session, C, "lecture", item.id)]
    assert actions == ["planned", "updated", "cancelled"]


@pytest.mark.parametrize("staff, operator, desk, seen_as", [
    (make_staff("program_staff", program_id="legal_aid"), True, True, "operator"),
    (make_staff("handler", program_id="legal_aid"), True, True, "operator"),
    (make_staff("admin"), True, True, "operator"),
    (make_staff("program_staff", program_id="cat_fund"), False, False, "public"),
    (make_staff("handler", program_id="cat_fund"), False, False, "public"),
    (make_staff("receptionist"), False, True, "desk"),
    (make_staff("station_head"), False, True, "desk"),
    (make_staff("resident"), False, False, "public"),
    (None, False, False, "public"),
])
def test_who_may_work_the_records(staff, operator, desk, seen_as):
    """The program's own staff and admins are operators; the station's front desk may book;
    another program's staff and the public may neither. Operators see a booking in full, the
    desk sees it masked, everyone else only that the slot is taken."""
    assert (access.is_operator(staff), access.is_desk(staff)) == (operator, desk)
    assert access.level(staff) == seen_as
    if operator:
        access.require_operator(staff)
    else:
        with pytest.raises(DomainError) as err:
            access.require_operator(staff)
        refused = err.value
        if staff is None:
            assert (refused.status, refused.to_body("zh"), refused.to_body("en")) == (
                401, {"error": {"code": "unauthenticated", "message": "请先登录"}},
                {"error": {"code": "unauthenticated", "message": "Log in first"}})
        else:
            assert (refused.status, refused.to_body("zh"), refused.to_body("en")) == (
                403, {"error": {"code": "not_program_staff",
                                "message": "只有普法互助家园的工作人员可以这样做"}},
                {"error": {"code": "not_program_staff",
                           "message": "Only the legal-aid home's staff may do this"}})
    if desk:
        access.require_desk(staff)
    else:
        with pytest.raises(DomainError) as err:
            access.require_desk(staff)
        refused = err.value
        if staff is None:
            assert (refused.status, refused.to_body("zh"), refused.to_body("en")) == (
                401, {"error": {"code": "unauthenticated", "message": "请先登录"}},
                {"error": {"code": "unauthenticated", "message": "Log in first"}})
        else:
            assert (refused.status, refused.to_body("zh"), refused.to_body("en")) == (
                403, {"error": {"code": "not_desk",
                                "message": "只有服务站前台和普法互助家园的工作人员可以这样做"}},
                {"error": {"code": "not_desk", "message": "Only the station's front desk and "
                           "the legal-aid home's staff may do this"}})


def test_another_communitys_records_are_not_found(tx):
    item = lecture(tx)
    with pytest.raises(DomainError) as err:
        lectures.get_lecture(tx.session, item.id, "sunny-garden")
    assert err.value.status == 404
    with pytest.raises(DomainError) as err:
        consultations.add_slots(tx, "sunny-garden", 1, [], ALICE, NOW)
    assert code_of(err) == "day_not_found"


def test_a_slot_is_booked_until_it_starts_and_a_walk_in_may_take_one_that_has(tx):
    wang = lawyer(tx)
    day = day_with_slots(tx, [wang], count=3)     # 9:00, 10:00, 11:00 on 30 November
    nine, ten, eleven = day.slots
    # at 9:00 sharp the 9:00 slot has begun: named, it is refused; unnamed, 10:00 is taken
    with pytest.raises(DomainError) as err:
        bookings.book(tx, C, day.id, {"slot_id": nine.id, "name": "甲", "phone": "13800000001"},
                      ALICE, at(3, 9))
    assert code_of(err) == "slot_in_past"
    first = bookings.book(tx, C, day.id, {"name": "甲", "phone": "13800000001"}, ALICE, at(3, 9))
    assert first.slot_id == ten.id
    # a resident who walks in at 9:05 may sit in the 9:00 slot nobody took
    walk_in = bookings.record_walk_in(tx, C, day.id, {"slot_id": nine.id, "name": "乙",
                                                      "phone": "13800000002"}, ALICE, at(3, 9, 5))
    assert (walk_in.kind, walk_in.slot_id) == ("walk_in", nine.id)
    assert [(h.action, h.detail) for h in views.history(tx.session, C, "booking", walk_in.id)
            ] == [("walk_in", {"day_id": day.id, "slot_id": nine.id, "phone": "138****0002",
                               "case_id": None})]
    # a slot of another day is not this day's
    other = day_with_slots(tx, [wang], days=4, count=1)
    with pytest.raises(DomainError) as err:
        bookings.book(tx, C, day.id, {"slot_id": other.slots[0].id, "name": "丙",
                                      "phone": "13800000003"}, ALICE, NOW)
    assert code_of(err) == "unknown_slot"
    # residents who leave no phone (an empty one is none) are not told apart
    phoneless = [bookings.record_walk_in(tx, C, day.id, {"name": "丁", "phone": ""}, ALICE,
                                         at(3, 9, 10)),
                 bookings.book(tx, C, day.id, {"name": "戊", "phone": ""}, ALICE, at(3, 9, 10))]
    assert [b.phone for b in phoneless] == [None, None]
    assert [b.slot_id for b in bookings.active_bookings(tx.session, day.id)] == [
        ten.id, nine.id, None, eleven.id]


def test_cancelling_a_cases_booking_puts_the_case_back_to_accepted(tx):
    _, case = receive(tx, dispatched())
    day = day_with_slots(tx, [lawyer(tx)], count=2)
    _, booking = cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, NOW)
    desk = DESK_STAFF
    later = NOW + timedelta(hours=1)
    with pytest.raises(DomainError) as err:   # another community's desk finds no booking
        bookings.cancel_booking(tx, "sunny-garden", booking.id, "有事", desk, later)
    assert code_of(err) == "booking_not_found" and booking.status == "active"
    bookings.cancel_booking(tx, C, booking.id, "居民有事", desk, later)
    assert (case.status, case.updated_at, case.updated_by) == ("accepted", later, "前台小周")
    assert [(h.action, h.actor, h.detail) for h in views.history(tx.session, C, "case", case.id)
            ][-1] == ("booking_cancelled", "前台小周", {"booking_id": booking.id})
    assert [views.activity_view(h) for h in
            views.history(tx.session, C, "booking", booking.id)][-1] == {
        "at": "2026-11-27T03:00:00Z", "actor": "前台小周", "actor_id": "3", "entity": "booking",
        "entity_id": booking.id, "action": "cancelled", "detail": {"reason": "居民有事"}}

    # booked again, then resolved with the booking still held: cancelling it later leaves the
    # case resolved
    _, again = cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, later)
    cases.resolve_case(tx, C, case.id, {"result": "已调解"}, ALICE, later)
    bookings.cancel_booking(tx, C, again.id, "已办结", desk, later + timedelta(hours=1))
    assert (case.status, case.updated_at) == ("resolved", later)
    assert [h.action for h in views.history(tx.session, C, "case", case.id)][-1] == "resolved"


def test_a_case_booked_three_times_holds_only_its_last_booking(tx):
    """Each rebooking cancels the booking the case holds, not those already cancelled."""
    _, case = receive(tx, dispatched())
    day = day_with_slots(tx, [lawyer(tx), lawyer(tx, "赵律师")], count=2)   # four slots
    held = [cases.book_case(tx, C, case.id, {"day_id": day.id}, ALICE, NOW)[1]
            for _ in range(3)]
    assert [b.status for b in held] == ["cancelled", "cancelled", "active"]
    assert [b.id for b in bookings.active_bookings(tx.session, day.id)] == [held[2].id]


def test_slots_at_the_edges_of_the_day_and_of_each_other(tx):
    wang = lawyer(tx)
    day = consultations.open_day(tx, C, {"day": at(3).date(), "place": "服务站"}, ALICE, NOW)

    def refused(specs, now=NOW):
        with pytest.raises(DomainError) as err:
            consultations.add_slots(tx, C, day.id, specs, ALICE, now)
        return code_of(err), err.value.field

    def spec(starts_at, ends_at, **extra):
        return {"lawyer_id": wang.id, "starts_at": starts_at, "ends_at": ends_at, **extra}

    # a slot of no length; one starting the moment it is added; one running past midnight
    assert refused([spec(at(3, 9), at(3, 9))]) == ("ends_before_start", "ends_at")
    assert refused([spec(at(3, 9), at(3, 10))], now=at(3, 9)) == ("slot_in_past", "starts_at")
    assert refused([spec(at(3, 23), at(4, 0, 30))]) == ("slot_not_on_day", "starts_at")
    # the second line of a batch names a lawyer nobody knows
    assert refused([spec(at(3, 9), at(3, 10)), {**spec(at(3, 10), at(3, 11)),
                                                "lawyer_id": 999}]) == (
        "unknown_lawyer", "slots.1.lawyer_id")
    # one ending at midnight, and one right after another, are fine
    late = consultations.add_slots(tx, C, day.id, [spec(at(3, 23), at(4, 0))], ALICE, NOW)
    nine = consultations.add_slots(tx, C, day.id, [spec(at(3, 9), at(3, 10))], ALICE, NOW)
    ten = consultations.add_slots(tx, C, day.id, [spec(at(3, 10), at(3, 11))], DESK_STAFF,
                                  NOW + timedelta(hours=1))
    assert [len(x) for x in (late, nine, ten)] == [1, 1, 1]
    assert (day.updated_at, day.updated_by) == (NOW + timedelta(hours=1), "前台小周")
    assert [(h.action, h.detail) for h in
            views.history(tx.session, C, "consultation_day", day.id)][-1] == (
        "slots_added", {"slots": [ten[0].id]})


def test_a_lecture_at_the_edges_of_its_start(tx):
    start = at(5, 19)
    base = {"topic": "劳动合同法", "speaker": "王律师", "place": "活动室", "capacity": 2}
    for data, now, code in [({"starts_at": NOW}, NOW, "lecture_in_past"),
                            ({"starts_at": start, "ends_at": start}, NOW, "ends_before_start")]:
        with pytest.raises(DomainError) as err:
            lectures.plan_lecture(tx, C, {**base, **data}, ALICE, now)
        assert code_of(err) == code
    # one held from this very moment may be recorded as held
    assert lectures.plan_lecture(tx, C, {**base, "starts_at": NOW, "already_held": True}, ALICE,
                                 NOW).status == "planned"
    item = lectures.plan_lecture(tx, C, {**base, "starts_at": start}, ALICE, NOW)
    seats = [lectures.register(tx, item.id, n, p, ALICE, NOW)
             for n, p in [("甲", "13800000001"), ("乙", "13800000002")]]
    # as many seats as are taken is allowed
    lectures.update_lecture(tx, C, item.id, {"capacity": 2, "place": "大会议室"}, ALICE, NOW)
    # moved an hour later: on the record as a moment in UTC
    lectures.update_lecture(tx, C, item.id, {"starts_at": at(5, 20)}, ALICE, NOW)
    assert [(h.action, h.detail) for h in views.history(tx.session, C, "lecture", item.id)][-1] == (
        "updated", {"starts_at": "2026-12-02T12:00:00Z"})
    # at 20:00 sharp registration is closed, and attendance can be taken
    with pytest.raises(DomainError) as err:
        lectures.register(tx, item.id, "丙", "13800000003", ALICE, at(5, 20))
    assert code_of(err) == "registration_closed"
    # the same phone twice among the walk-ins is one person
    with pytest.raises(DomainError) as err:
        lectures.record_attendance(tx, C, item.id, {"walk_ins": [
            {"name": "丁", "phone": "13800000004"}, {"name": "丁", "phone": "13800000004"}]},
            ALICE, at(5, 20))
    assert code_of(err) == "already_registered"
    lectures.record_attendance(tx, C, item.id, {"present": [seats[0].id]}, ALICE, at(5, 20))
    # attendance taken again later keeps when the lecture was held
    lectures.record_attendance(tx, C, item.id, {"present": [seats[1].id],
                                                "walk_ins": [{"name": "戊"}]},
                               DESK_STAFF, at(5, 21))
    assert (item.held_at, item.held_by, item.updated_by) == (at(5, 20), "李", "前台小周")
    assert views.lecture_counts(item)["attended"] == 3
    assert [(h.action, h.detail) for h in views.history(tx.session, C, "lecture", item.id)][-1] == (
        "attendance_recorded", {"present": [seats[1].id], "absent": [], "walk_ins": 1})


def test_who_moves_up_from_the_waiting_list_is_on_their_record(tx):
    item = lecture(tx, capacity=1)
    seated = lectures.register(tx, item.id, "甲", "13800000001", ALICE, NOW)
    waiting = lectures.register(tx, item.id, "乙", "13800000002", ALICE, NOW)
    with pytest.raises(DomainError) as err:   # staff of another community find no lecture
        lectures.cancel_registration(tx, item.id, seated.id, ALICE, NOW, community="sunny-garden")
    assert code_of(err) == "lecture_not_found" and seated.status == "registered"
    lectures.cancel_registration(tx, item.id, seated.id, ALICE, NOW + timedelta(hours=1),
                                 community=C)
    assert [views.activity_view(h) for h in
            views.history(tx.session, C, "registration", waiting.id)] == [
        {"at": "2026-11-27T02:00:00Z", "actor": "李", "actor_id": "7", "entity": "registration",
         "entity_id": waiting.id, "action": "waitlisted",
         "detail": {"lecture_id": item.id, "phone": "138****0002"}},
        {"at": "2026-11-27T03:00:00Z", "actor": "李", "actor_id": "7", "entity": "registration",
         "entity_id": waiting.id, "action": "promoted", "detail": {"lecture_id": item.id}}]
    assert [(h.action, h.detail) for h in
            views.history(tx.session, C, "registration", seated.id)][-1] == (
        "cancelled", {"lecture_id": item.id, "was": "registered"})
