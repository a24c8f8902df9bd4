"""Free clinic days: planned, residents signed up once each up to capacity, attendance on the
day, and a reading taken there going only into the record of an attendee who consented."""
from datetime import date, timedelta

from doctor.domain import clinics, records, views

from .conftest import CLERK, DOCTOR, NOW, TODAY, C, open_record, refused

CLINIC = {"day": TODAY, "hours": "8:30-11:30", "place": "社区服务站一楼", "capacity": 2,
          "offers": ["glucose", "blood_pressure"]}
BP = {"kind": "blood_pressure", "systolic": 138, "diastolic": 88}


def plan(tx, **extra):
    return clinics.plan(tx, C, {**CLINIC, **extra}, CLERK, NOW)


def test_a_clinic_is_planned_today_or_later_with_what_it_offers_in_the_lists_order(tx):
    clinic = plan(tx)
    assert (clinic.day, clinic.capacity, clinic.offers, clinic.created_by) == (
        TODAY, 2, ["blood_pressure", "glucose"], "孙干事")
    view = views.clinic_view(tx.session, clinic, "zh", NOW, with_sign_ups=True)
    assert (view["offer_names"], view["places_left"], view["held"], view["sign_ups"]) == (
        "量血压、测血糖", 2, True, [])
    assert views.clinic_view(tx.session, plan(tx, day=TODAY + timedelta(1)), "en",
                             NOW)["held"] is False
    with refused(tx, "clinic_in_past", field="day", status=422):
        plan(tx, day=TODAY - timedelta(days=1))


def test_residents_sign_up_once_each_up_to_capacity(tx):
    clinic = plan(tx)
    first = clinics.sign_up(tx, C, clinic.id, {"name": "王奶奶", "phone": "13700001111"},
                            CLERK, NOW)
    assert (first.name, first.attended, first.signed_up_by) == ("王奶奶", False, "孙干事")
    with refused(tx, "already_signed_up", field="phone", status=409):
        clinics.sign_up(tx, C, clinic.id, {"name": "王奶奶", "phone": "13700001111"}, CLERK, NOW)
    clinics.sign_up(tx, C, clinic.id, {"name": "赵大爷", "phone": "13700002222"}, CLERK, NOW)
    # capacity 2: the third is refused, however new
    with refused(tx, "clinic_full", field="clinic_id", status=409) as err:
        clinics.sign_up(tx, C, clinic.id, {"name": "钱阿姨", "phone": "13700003333"}, CLERK, NOW)
    assert "2" in err.value.message_zh
    view = views.clinic_view(tx.session, clinic, "zh", NOW, with_sign_ups=True)
    assert ([s["name"] for s in view["sign_ups"]], view["places_left"]) == (["王奶奶", "赵大爷"], 0)


def test_a_clinic_that_is_over_takes_no_sign_ups_and_another_communitys_is_not_found(tx):
    clinic = plan(tx)
    later = NOW + timedelta(days=1)
    with refused(tx, "clinic_over", field="clinic_id", status=409):
        clinics.sign_up(tx, C, clinic.id, {"name": "王奶奶", "phone": "13700001111"}, CLERK, later)
    with refused(tx, "clinic_not_found", field="clinic_id", status=404):
        clinics.sign_up(tx, "maple-court", clinic.id, {"name": "王奶奶", "phone": "1370000"},
                        CLERK, NOW)


def test_attendance_is_recorded_on_the_day_or_after_and_can_be_corrected(tx):
    clinic = plan(tx, day=TODAY + timedelta(days=3))
    entry = clinics.sign_up(tx, C, clinic.id, {"name": "王奶奶", "phone": "13700001111"},
                            CLERK, NOW)
    with refused(tx, "clinic_not_yet", field="clinic_id", status=409):
        clinics.record_attendance(tx, C, clinic.id, entry.id, {"attended": True}, CLERK, NOW)
    on_the_day = NOW + timedelta(days=3)
    clinics.record_attendance(tx, C, clinic.id, entry.id, {"attended": True}, CLERK, on_the_day)
    assert (entry.attended, entry.attendance_by, entry.attendance_at) == (
        True, "孙干事", on_the_day)
    clinics.record_attendance(tx, C, clinic.id, entry.id, {"attended": False}, CLERK,
                              on_the_day + timedelta(days=1))
    assert entry.attended is False
    other = plan(tx)
    with refused(tx, "sign_up_not_found", field="sign_up_id", status=404):
        clinics.record_attendance(tx, C, other.id, entry.id, {"attended": True}, CLERK, NOW)


def _attended(tx, clinic, name="王奶奶", phone="13700001111"):
    entry = clinics.sign_up(tx, C, clinic.id, {"name": name, "phone": phone}, CLERK, NOW)
    clinics.record_attendance(tx, C, clinic.id, entry.id, {"attended": True}, CLERK, NOW)
    return entry


def test_a_clinics_reading_goes_into_the_consenting_attendees_record(tx):
    clinic = plan(tx)
    entry = _attended(tx, clinic)
    record = open_record(tx)
    health, reading = clinics.take_reading(tx, C, clinic.id, {
        "sign_up_id": entry.id, "record_id": record.id, **BP, "note": "血压控制尚可"},
        DOCTOR, NOW)
    assert (health.id, reading.source, reading.clinic_id, reading.measured_on,
            reading.systolic, reading.recorded_by) == (
        record.id, "clinic", clinic.id, TODAY, 138, "刘大夫")
    assert [(n.text, n.source, n.recorded_by) for n in records.notes_of(tx.session, record)] == [
        ("血压控制尚可", "clinic", "刘大夫")]
    clinics.take_reading(tx, C, clinic.id, {"sign_up_id": entry.id, "record_id": record.id,
                                            "kind": "glucose", "glucose_tenths": 72}, DOCTOR,
                         NOW)
    assert len(records.readings_of(tx.session, record)) == 2
    assert len(records.notes_of(tx.session, record)) == 1     # no note given the second time


def test_a_clinics_reading_is_refused_for_one_who_did_not_come_or_did_not_consent(tx):
    clinic = plan(tx, offers=["blood_pressure"])
    came = _attended(tx, clinic)
    absent = clinics.sign_up(tx, C, clinic.id, {"name": "赵大爷", "phone": "13700002222"},
                             CLERK, NOW)
    wang = open_record(tx)
    zhao = open_record(tx, name="赵大爷", phone="13700002222")
    with refused(tx, "not_attended", field="sign_up_id", status=409):
        clinics.take_reading(tx, C, clinic.id, {"sign_up_id": absent.id, "record_id": zhao.id,
                                                **BP}, DOCTOR, NOW)
    with refused(tx, "not_same_resident", field="record_id", status=422, words=(
            "报名的居民与这份健康档案不是同一人（电话不同）",
            "The attendee is not this record's resident (another phone)")):
        clinics.take_reading(tx, C, clinic.id, {"sign_up_id": came.id, "record_id": zhao.id,
                                                **BP}, DOCTOR, NOW)
    with refused(tx, "not_offered", field="kind", status=422):
        clinics.take_reading(tx, C, clinic.id, {"sign_up_id": came.id, "record_id": wang.id,
                                                "kind": "glucose", "glucose_tenths": 60},
                             DOCTOR, NOW)
    with refused(tx, "record_not_found", field="record_id", status=404):
        clinics.take_reading(tx, C, clinic.id, {"sign_up_id": came.id, "record_id": 99, **BP},
                             DOCTOR, NOW)
    with refused(tx, "sign_up_not_found", field="sign_up_id", status=404):
        clinics.take_reading(tx, C, clinic.id, {"sign_up_id": 99, "record_id": wang.id, **BP},
                             DOCTOR, NOW)
    records.withdraw(tx, C, wang.id, {"withdrawn_on": TODAY}, DOCTOR, NOW)
    with refused(tx, "record_closed", field="record_id", status=409):
        clinics.take_reading(tx, C, clinic.id, {"sign_up_id": came.id, "record_id": wang.id,
                                                **BP}, DOCTOR, NOW)


def test_the_list_of_clinics_by_day_and_the_upcoming_ones(tx):
    later = plan(tx, day=date(2026, 12, 20), place="广场")
    today = plan(tx)
    assert [c.id for c in clinics.list_clinics(tx.session, C)] == [today.id, later.id]
    assert [c.id for c in clinics.list_clinics(tx.session, C, upcoming_from=date(2026, 11, 28))
            ] == [later.id]
    assert clinics.list_clinics(tx.session, "maple-court") == []


def test_a_resident_signed_up_for_one_clinic_signs_up_for_another(tx):
    first = plan(tx)
    second = plan(tx, day=TODAY + timedelta(days=7))
    resident = {"name": "王奶奶", "phone": "13700001111"}
    clinics.sign_up(tx, C, first.id, resident, CLERK, NOW)
    entry = clinics.sign_up(tx, C, second.id, resident, CLERK, NOW)
    assert (entry.clinic_id, entry.phone, entry.attended) == (second.id, "13700001111", False)
