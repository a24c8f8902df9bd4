"""The legal-aid home's rules, without a broker: SQLite in a temporary directory."""
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import func, select

from legal_aid import domain
from legal_aid.models import Booking, Lecture, Reception, Slot
from legal_aid.service import MANIFEST
from minzi.api import DomainError

from .conftest import ALICE, NOW, at

C = "rainbow-city"


def code_of(excinfo):
    return excinfo.value.code


def lecture(uow, capacity=2, days=5):
    return domain.plan_lecture(uow, C, {"topic": "劳动合同法", "speaker": "王律师",
                                        "starts_at": at(days, 19), "place": "社区活动室",
                                        "capacity": capacity}, ALICE, NOW)


def lawyer(uow, name="王律师"):
    return domain.add_lawyer(uow, C, {"name": name, "firm": "京师律所", "phone": "13900001111"},
                             ALICE, NOW)


def day_with_slots(uow, lawyers, days=3, count=2):
    return domain.open_day(uow, C, {"day": at(days).date(), "place": "服务站二楼", "slots": [
        {"lawyer_id": l.id, "starts_at": at(days, 9), "ends_at": at(days, 9 + count),
         "minutes": 60} for l in lawyers]}, ALICE, NOW)


def test_a_full_lecture_keeps_a_waiting_list_that_moves_up(uow):
    item = lecture(uow, capacity=2)
    a, b, c, d = (domain.register(uow, item.id, n, p, ALICE, NOW) for n, p in [
        ("甲", "13800000001"), ("乙", "13800000002"), ("丙", "13800000003"),
        ("丁", "13800000004")])
    assert [r.status for r in (a, b, c, d)] == ["registered", "registered", "waitlisted",
                                                "waitlisted"]
    assert [domain.waitlist_position(r) for r in (c, d)] == [1, 2]

    _, promoted = domain.cancel_registration(uow, item.id, a.id, ALICE, NOW, code=a.cancel_code)
    assert promoted == [c]
    assert c.status == "registered" and domain.waitlist_position(d) == 1
    assert domain.lecture_counts(item) == {"registered": 2, "waitlisted": 1, "attended": 0,
                                           "seats_left": 0}
    # cancelling someone on the waiting list promotes nobody
    _, promoted = domain.cancel_registration(uow, item.id, d.id, ALICE, NOW)
    assert promoted == []


def test_registration_rules(uow):
    item = lecture(uow)
    first = domain.register(uow, item.id, "甲", "13800000001", ALICE, NOW)
    with pytest.raises(DomainError) as err:
        domain.register(uow, item.id, "甲", "13800000001", ALICE, NOW)
    assert code_of(err) == "already_registered"
    with pytest.raises(DomainError) as err:
        domain.cancel_registration(uow, item.id, first.id, ALICE, NOW, code="guess")
    assert code_of(err) == "wrong_cancel_code"
    domain.cancel_registration(uow, item.id, first.id, ALICE, NOW, code=first.cancel_code)
    # once cancelled, the same phone may register again
    assert domain.register(uow, item.id, "甲", "13800000001", ALICE, NOW).status == "registered"
    with pytest.raises(DomainError) as err:
        domain.register(uow, item.id, "乙", "13800000002", ALICE, at(5, 20))
    assert code_of(err) == "registration_closed"


def test_a_lecture_in_the_past_is_refused_and_nothing_is_written(uow):
    with pytest.raises(DomainError) as err:
        lecture(uow, days=-1)
    assert code_of(err) == "lecture_in_past" and err.value.field == "starts_at"
    assert uow.session.scalar(select(func.count()).select_from(Lecture)) == 0


def test_attendance_marks_the_lecture_held_and_counts(uow):
    item = lecture(uow, capacity=3)
    regs = [domain.register(uow, item.id, f"居民{i}", f"1380000000{i}", ALICE, NOW)
            for i in range(3)]
    with pytest.raises(DomainError) as err:
        domain.record_attendance(uow, C, item.id, {"present": [regs[0].id]}, ALICE, NOW)
    assert code_of(err) == "lecture_not_started"
    with pytest.raises(DomainError) as err:
        domain.record_attendance(uow, C, item.id, {"present": [999]}, ALICE, at(5, 21))
    assert code_of(err) == "not_registered"
    domain.record_attendance(uow, C, item.id, {
        "present": [regs[0].id, regs[1].id], "absent": [regs[2].id],
        "walk_ins": [{"name": "路过的居民", "phone": None}]}, ALICE, at(5, 21))
    assert item.status == "held" and item.held_by == "li"
    assert domain.lecture_counts(item)["attended"] == 3
    figures = domain.figures(uow.session, C)
    assert figures["lectures"] == {"planned": 0, "held": 1, "cancelled": 0, "attendance": 3}


def test_a_lecture_held_before_is_recorded_with_its_attendance(uow):
    base = {"topic": "宪法宣传日讲座", "speaker": "陈律师", "place": "社区活动室", "capacity": 50}
    with pytest.raises(DomainError) as err:
        domain.plan_lecture(uow, C, {**base, "starts_at": NOW + timedelta(days=1),
                                     "already_held": True}, ALICE, NOW)
    assert code_of(err) == "not_yet_held"
    past = domain.plan_lecture(uow, C, {**base, "starts_at": NOW - timedelta(days=30),
                                        "already_held": True}, ALICE, NOW)
    with pytest.raises(DomainError) as err:   # nobody registers for what is over
        domain.register(uow, past.id, "居民", "13800000009", ALICE, NOW)
    assert code_of(err) == "registration_closed"
    domain.record_attendance(uow, C, past.id, {"walk_ins": [
        {"name": f"居民{i}", "phone": None} for i in range(12)]}, ALICE, NOW)
    assert past.status == "held" and domain.lecture_counts(past)["attended"] == 12


def test_slots_for_lawyers(uow):
    wang, zhao = lawyer(uow), lawyer(uow, "赵律师")
    day = day_with_slots(uow, [wang, zhao], count=2)
    assert len(day.slots) == 4  # 9-10 and 10-11 for each
    uow.session.commit()

    def add(**spec):
        base = {"lawyer_id": wang.id, "starts_at": at(3, 14), "ends_at": at(3, 15)}
        return domain.add_slots(uow, C, day.id, [{**base, **spec}], ALICE, NOW)

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
        domain.add_slots(uow, C, day.id, [
            {"lawyer_id": zhao.id, "starts_at": at(3, 14), "ends_at": at(3, 15)},
            {"lawyer_id": zhao.id, "starts_at": at(3, 14, 30), "ends_at": at(3, 15, 30)}],
            ALICE, NOW)
    assert code_of(err) == "slot_overlap" and err.value.field == "slots.1.starts_at"
    uow.session.rollback()
    assert uow.session.scalar(select(func.count()).select_from(Slot)) == 4


def test_a_slot_in_the_past_is_refused(uow):
    wang = lawyer(uow)
    day = domain.open_day(uow, C, {"day": at(0).date(), "place": "服务站"}, ALICE, NOW)
    with pytest.raises(DomainError) as err:
        domain.add_slots(uow, C, day.id, [{"lawyer_id": wang.id, "starts_at": at(0, 9),
                                           "ends_at": at(0, 10)}], ALICE, NOW)
    assert code_of(err) == "slot_in_past"
    with pytest.raises(DomainError) as err:
        domain.open_day(uow, C, {"day": at(-1).date(), "place": "服务站"}, ALICE, NOW)
    assert code_of(err) == "day_in_past"


def test_no_double_booking(uow):
    wang = lawyer(uow)
    day = day_with_slots(uow, [wang], count=2)
    first, second = day.slots
    booking = domain.book(uow, C, day.id, {"slot_id": first.id, "name": "张三",
                                           "phone": "13800001111"}, ALICE, NOW)
    for data, code in [
        ({"slot_id": first.id, "name": "李四", "phone": "13800002222"}, "slot_taken"),
        ({"slot_id": second.id, "name": "张三", "phone": "13800001111"},
         "already_booked_that_day"),
        ({"slot_id": 999, "name": "李四", "phone": "13800002222"}, "unknown_slot"),
    ]:
        with pytest.raises(DomainError) as err:
            domain.book(uow, C, day.id, data, ALICE, NOW)
        assert code_of(err) == code
    # no slot named: the first free one
    other = domain.book(uow, C, day.id, {"name": "李四", "phone": "13800002222"}, ALICE, NOW)
    assert other.slot_id == second.id
    with pytest.raises(DomainError) as err:
        domain.book(uow, C, day.id, {"name": "王五", "phone": "13800003333"}, ALICE, NOW)
    assert code_of(err) == "day_full"
    # a cancellation frees the slot
    domain.cancel_booking(uow, C, booking.id, "有事", ALICE, NOW)
    again = domain.book(uow, C, day.id, {"name": "王五", "phone": "13800003333"}, ALICE, NOW)
    assert again.slot_id == first.id
    # walk-ins are recorded, with or without a slot
    walk_in = domain.record_walk_in(uow, C, day.id, {"name": "赵六"}, ALICE, NOW)
    assert walk_in.kind == "walk_in" and walk_in.slot_id is None
    uow.session.commit()
    assert uow.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.status == "active")) == 3


def test_receptions_and_earlier_visits(uow):
    wang = lawyer(uow)
    first = domain.record_reception(uow, C, {
        "visitor": {"name": "张三", "phone": "13800001111", "migrant": True},
        "area_of_law": "labour", "outcome": "pending", "lawyer_id": wang.id,
        "received_at": NOW - timedelta(days=30)}, ALICE, NOW)
    second = domain.record_reception(uow, C, {
        "visitor": {"name": "张三", "phone": "13800001111"}, "area_of_law": "labour",
        "outcome": "solved"}, ALICE, NOW)
    assert second.visitor_id == first.visitor_id
    assert domain.earlier_visits(uow.session, second) == [first]
    for data, code in [({"area_of_law": "astrology"}, "unknown_area_of_law"),
                       ({"lawyer_id": 999}, "unknown_lawyer"),
                       ({"visitor": None}, "visitor_required"),
                       ({"received_at": NOW + timedelta(days=1)}, "received_in_future")]:
        with pytest.raises(DomainError) as err:
            domain.record_reception(uow, C, {"visitor": {"name": "李四"},
                                             "area_of_law": "tenancy", "outcome": "advised",
                                             **data}, ALICE, NOW)
        assert code_of(err) == code
    domain.update_reception(uow, C, first.id, {"outcome": "solved"}, ALICE, NOW)
    history = domain.history(uow.session, C, "reception", first.id)
    assert [h.action for h in history] == ["recorded", "updated"]
    assert history[-1].actor == "li" and history[-1].detail["outcome"] == {
        "from": "pending", "to": "solved"}


def test_the_seed_figures_are_counted_from_reception_records(uow):
    """The seed: 158 visitors received, 115 problems solved."""
    areas = ["labour", "tenancy", "family", "neighbour"]
    solved = 0
    for i in range(158):
        outcome = "solved" if i % 11 < 8 and solved < 115 else ("advised" if i % 2 else "referred")
        solved += outcome == "solved"
        domain.record_reception(uow, C, {
            "visitor": {"name": f"居民{i}", "phone": f"138{i:08d}"},
            "area_of_law": areas[i % 4], "outcome": outcome,
            "received_at": NOW - timedelta(days=i)}, ALICE, NOW)
    while solved < 115:  # top up so the seed's figure is exact
        row = uow.session.scalar(select(Reception).where(Reception.outcome != "solved"))
        domain.update_reception(uow, C, row.id, {"outcome": "solved"}, ALICE, NOW)
        solved += 1
    uow.session.commit()
    figures = domain.figures(uow.session, C)
    assert figures["receptions"]["received"] == 158
    assert figures["receptions"]["solved"] == 115
    assert sum(a["received"] for a in figures["by_area_of_law"]) == 158
    assert sum(m["solved"] for m in figures["by_month"]) == 115
    # a period: the last 10 Beijing days hold 10 receptions
    recent = domain.figures(uow.session, C, (NOW - timedelta(days=9)).date(), NOW.date())
    assert recent["receptions"]["received"] == 10
    assert domain.figures(uow.session, "other-community")["receptions"]["received"] == 0


def dispatched(case_id=42, **extra):
    return {"case_id": case_id, "tracking_code": "RC7KX2M9QD", "program_id": "legal_aid",
            "service_code": "legal_consultation", "community": C, "channel": "open311",
            "description": "公司拖欠三个月工资", "attributes": {"area_of_law": "labour"},
            "resident": {"name": "张三", "phone": "13800001111"},
            "due_at": "2026-12-04T08:00:00Z", "future_field": "ignored", **extra}


def envelope(type_, data):
    return {"type": type_, "data": data, "community": C}


def test_a_case_from_intake_is_accepted_booked_and_resolved(uow):
    case = domain.on_case_message(uow, envelope("case.dispatched", dispatched()), NOW)
    assert case.status == "accepted" and case.area_of_law == "labour"
    assert uow.published[-1]["data"]["status"] == "accepted"
    assert uow.published[-1]["data"]["case_id"] == 42

    wang = lawyer(uow)
    day = day_with_slots(uow, [wang])
    case, booking = domain.book_case(uow, C, case.id, {"day_id": day.id}, ALICE, NOW)
    assert case.status == "booked" and booking.phone == "13800001111"
    report = uow.published[-1]["data"]
    assert report["status"] == "in_progress" and "王律师" in report["note"]

    domain.on_case_message(uow, envelope("case.chased", {"case_id": 42, "level": 1}), NOW)
    assert case.chase_level == 1

    domain.resolve_case(uow, C, case.id, {"result": "已出具律师函，公司承诺月底前支付"},
                        ALICE, NOW)
    report = uow.published[-1]["data"]
    assert report == {"case_id": 42, "program_id": "legal_aid", "status": "resolved",
                      "handler": "li", "result": "已出具律师函，公司承诺月底前支付"}
    with pytest.raises(DomainError) as err:
        domain.return_case(uow, C, case.id, "不归我们", ALICE, NOW)
    assert code_of(err) == "case_closed"


def test_a_recalled_case_frees_its_slot_and_can_come_back(uow):
    case = domain.on_case_message(uow, envelope("case.dispatched", dispatched()), NOW)
    day = day_with_slots(uow, [lawyer(uow)], count=1)
    domain.book_case(uow, C, case.id, {"day_id": day.id}, ALICE, NOW)
    domain.on_case_message(uow, envelope("case.recalled", {"case_id": 42, "note": "转办"}), NOW)
    assert case.status == "recalled"
    assert domain.active_bookings(uow.session, day.id) == []
    before = len(uow.published)
    domain.on_case_message(uow, envelope("case.dispatched", dispatched()), NOW)
    assert case.status == "accepted" and len(uow.published) == before + 1
    # a chase or recall for a case this program never had does nothing
    assert domain.on_case_message(uow, envelope("case.chased", {"case_id": 7}), NOW) is None


def test_returning_a_case_needs_no_booking_and_reports_the_note(uow):
    case = domain.on_case_message(uow, envelope("case.dispatched", dispatched(
        service_code="tenancy_dispute", attributes={})), NOW)
    assert case.area_of_law == "tenancy"
    domain.return_case(uow, C, case.id, "属于房管部门，请联系区住建委", ALICE, NOW)
    assert uow.published[-1]["data"]["status"] == "returned"
    assert uow.published[-1]["data"]["note"] == "属于房管部门，请联系区住建委"


def test_the_manifest_lists_the_areas_of_law_the_rules_know():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    consultation = next(t for t in manifest["service_types"]
                        if t["code"] == "legal_consultation")
    values = next(a["values"] for a in consultation["attributes"] if a["code"] == "area_of_law")
    assert {v["key"]: v["name"] for v in values} == {
        k: zh for k, (zh, _) in domain.AREAS_OF_LAW.items()}
    assert set(domain.SERVICE_AREAS) <= {t["code"] for t in manifest["service_types"]}


def test_more_seats_move_the_waiting_list_up_and_fewer_than_registered_are_refused(uow):
    item = lecture(uow, capacity=1)
    domain.register(uow, item.id, "甲", "13800000001", ALICE, NOW)
    waiting = domain.register(uow, item.id, "乙", "13800000002", ALICE, NOW)
    domain.update_lecture(uow, C, item.id, {"capacity": 2, "place": "大会议室"}, ALICE, NOW)
    assert waiting.status == "registered" and item.place == "大会议室"
    with pytest.raises(DomainError) as err:
        domain.update_lecture(uow, C, item.id, {"capacity": 1}, ALICE, NOW)
    assert code_of(err) == "capacity_below_registered"
    domain.cancel_lecture(uow, C, item.id, "讲师临时有事", ALICE, NOW)
    with pytest.raises(DomainError) as err:
        domain.register(uow, item.id, "丙", "13800000003", ALICE, NOW)
    assert code_of(err) == "lecture_cancelled"
    actions = [h.action for h in domain.history(uow.session, C, "lecture", item.id)]
    assert actions == ["planned", "updated", "cancelled"]


def test_another_communitys_records_are_not_found(uow):
    item = lecture(uow)
    with pytest.raises(DomainError) as err:
        domain.get_lecture(uow.session, item.id, "sunny-garden")
    assert err.value.status == 404
    with pytest.raises(DomainError) as err:
        domain.add_slots(uow, "sunny-garden", 1, [], ALICE, NOW)
    assert code_of(err) == "day_not_found"
