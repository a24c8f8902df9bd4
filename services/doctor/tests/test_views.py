"""What the API shows, in Chinese and in English: a record's lines, readings, the clinic and the
card's places, a closed record's bare facts."""
from datetime import date, timedelta

from doctor.domain import clinics, doctors, records, views

from .conftest import ADMIN, CLERK, DOCTOR, NOW, TODAY, C, open_record


def test_a_records_line_and_age_by_the_birthday(tx):
    # 27 November 2026: born 27 November 1946 is 80 today, born 28 November 1946 still 79
    today = open_record(tx, birth_date=date(1946, 11, 27))
    tomorrow = open_record(tx, name="赵大爷", phone="13700002222", sex="male",
                           birth_date=date(1946, 11, 28))
    assert views.record_summary(today, "zh", NOW) == {
        "id": today.id, "name": "王奶奶", "sex_name": "女", "age": 80, "state": "open",
        "state_name": "在档", "consent_on": "2026-11-27"}
    line = views.record_summary(tomorrow, "en", NOW)
    assert (line["age"], line["sex_name"], line["state_name"]) == (79, "Male", "Open")
    # a birthday in an earlier month of the year has passed
    assert views.record_summary(open_record(tx, name="钱阿姨", phone="1", birth_date=date(
        1946, 12, 1)), "zh", NOW)["age"] == 79


def test_a_whole_record_in_english(tx):
    record = open_record(tx, consent_method="verbal_witnessed", consent_form_ref=None,
                         consent_witness="李主任", conditions=["高血压", "糖尿病"],
                         allergies=["青霉素", "磺胺"])
    records.add_reading(tx.session, record, {"kind": "glucose", "glucose_tenths": 105,
                                             "fasting": False, "measured_on": TODAY},
                        DOCTOR, NOW)
    records.add_note(tx.session, record, {"seen_on": TODAY, "text": "血糖偏高"}, DOCTOR, NOW)
    view = views.record_view(tx.session, record, "en", NOW)
    assert (view["birth_date"], view["phone"], view["address"], view["sex"]) == (
        "1946-03-08", "13700001111", "彩虹城3区2号楼1单元", "female")
    assert (view["sex_name"], view["state_name"]) == ("Female", "Open")
    assert (view["conditions_text"], view["allergies_text"]) == ("高血压、糖尿病", "青霉素、磺胺")
    assert [(n["text"], n["source_name"]) for n in view["notes"]] == [("血糖偏高", "Visit")]
    assert view["consent"] == {"by": "王奶奶", "method": "verbal_witnessed",
                               "method_name": "Verbal consent before a witness",
                               "on": "2026-11-27", "form_ref": None, "witness": "李主任",
                               "recorded_by": "刘大夫", "withdrawn_on": None,
                               "withdrawal_recorded_by": None}
    (reading,) = view["readings"]
    assert reading == {"id": 1, "kind": "glucose", "kind_name": "Blood glucose",
                       "systolic": None, "diastolic": None, "glucose": "10.5",
                       "fasting": False, "value": "10.5 mmol/L", "measured_on": "2026-11-27",
                       "source": "visit", "source_name": "Visit", "clinic_id": None,
                       "case_id": None, "recorded_by": "刘大夫"}
    assert view["history"][0]["action_name"] == "Opened, with consent recorded"


def test_a_closed_record_shows_only_that_it_is_closed_and_until_when(tx):
    record = open_record(tx)
    records.withdraw(tx, C, record.id, {"withdrawn_on": TODAY}, DOCTOR, NOW)
    view = views.record_view(tx.session, record, "en", NOW)
    assert (view["state_name"], view["retain_until"], view["consent"]["withdrawn_on"],
            view["consent"]["withdrawal_recorded_by"]) == (
        "Consent withdrawn, closed", "2041-11-27", "2026-11-27", "刘大夫")
    assert "15 years" in view["retention"]
    assert "conditions" not in view and "readings" not in view
    # a withdrawn record read by the records list shows its state
    assert views.record_summary(record, "zh", NOW)["state_name"] == "已撤回同意，封存"


def test_a_clinic_and_its_sign_ups(tx):
    clinic = clinics.plan(tx, C, {"day": TODAY, "hours": "9-11", "place": "广场", "capacity": 1,
                                  "offers": ["consultation", "blood_pressure"]}, CLERK, NOW)
    entry = clinics.sign_up(tx, C, clinic.id, {"name": "王奶奶", "phone": "13700001111"},
                            CLERK, NOW)
    clinics.record_attendance(tx, C, clinic.id, entry.id, {"attended": True}, CLERK, NOW)
    view = views.clinic_view(tx.session, clinic, "en", NOW, with_sign_ups=True)
    assert (view["offers"], view["offer_names"], view["signed_up"], view["places_left"],
            view["attended"], view["created_by"]) == (
        [{"code": "blood_pressure", "name": "Blood pressure"},
         {"code": "consultation", "name": "Health consultation"}],
        "Blood pressure、Health consultation", 1, 0, 1, "孙干事")
    assert view["sign_ups"] == [{"id": entry.id, "clinic_id": clinic.id, "name": "王奶奶",
                                 "phone": "13700001111",
                                 "signed_up_at": "2026-11-27T02:00:00Z",
                                 "signed_up_by": "孙干事", "attended": True,
                                 "attendance_by": "孙干事"}]
    assert "sign_ups" not in views.clinic_view(tx.session, clinic, "zh", NOW)


def test_the_card_shows_the_clinics_from_today_on_with_places_left(tx, dr):
    day = {"hours": "9-11", "place": "广场", "capacity": 2, "offers": ["glucose"]}
    today = clinics.plan(tx, C, {**day, "day": TODAY}, CLERK, NOW)
    clinics.plan(tx, C, {**day, "day": TODAY + timedelta(days=30)}, CLERK, NOW)
    clinics.sign_up(tx, C, today.id, {"name": "王奶奶", "phone": "13700001111"}, CLERK, NOW)
    card = views.card(tx.session, C, "en", NOW)
    assert card["clinics"] == [
        {"day": "2026-11-27", "hours": "9-11", "place": "广场", "offers": "Blood glucose",
         "places_left": 1},
        {"day": "2026-12-27", "hours": "9-11", "place": "广场", "offers": "Blood glucose",
         "places_left": 2}]
    # the next day, today's clinic is over and off the card
    tomorrow = views.card(tx.session, C, "zh", NOW + timedelta(days=1))
    assert [c["day"] for c in tomorrow["clinics"]] == ["2026-12-27"]
    assert tomorrow["clinics"][0]["offers"] == "测血糖"
    assert "call 120" in card["notice"]
    assert views.card(tx.session, "maple-court", "zh", NOW)["doctors"] == []


def test_a_doctor_as_the_list_shows_them(tx, dr):
    doctors.update(tx, C, dr.id, {"name": "刘建国大夫"}, ADMIN, NOW)
    assert views.doctor_view(dr) == {
        "id": dr.id, "username": "dr-liu", "name": "刘建国大夫", "phone": "13911112222",
        "pledge": "随叫随到，小病不出社区门", "active": True, "created_by": "管理员",
        "updated_by": "管理员", "updated_at": "2026-11-27T02:00:00Z"}


def test_the_whole_card_and_a_full_clinic(tx, dr):
    full = clinics.plan(tx, C, {"day": TODAY, "hours": "9-11", "place": "广场", "capacity": 1,
                                "offers": ["blood_pressure", "glucose"]}, CLERK, NOW)
    clinics.sign_up(tx, C, full.id, {"name": "王奶奶", "phone": "13700001111"}, CLERK, NOW)
    assert views.card(tx.session, C, "zh", NOW) == {
        "community": C,
        "doctors": [{"name": "刘大夫", "phone": "13911112222",
                     "pledge": "随叫随到，小病不出社区门"}],
        "clinics": [{"day": "2026-11-27", "hours": "9-11", "place": "广场",
                     "offers": "量血压、测血糖", "places_left": 0}],
        "notice": "小病不出社区门：有事请打片儿医电话；急症请立即拨打120"}
    assert views.card(tx.session, C, "en", NOW)["notice"] == (
        "For minor illness, call the neighbourhood doctor; in an emergency call 120 at once")


def test_a_closed_records_consent_in_the_readers_language(tx):
    record = open_record(tx)
    records.withdraw(tx, C, record.id, {"withdrawn_on": TODAY}, DOCTOR, NOW)
    assert views.closed_view(record, "en")["consent"]["method_name"] == "Signed consent form"
    assert views.closed_view(record, "zh")["consent"]["method_name"] == "书面签字同意"


def test_a_clinic_read_whole(tx):
    clinic = clinics.plan(tx, C, {"day": TODAY + timedelta(days=1), "hours": "14:00-16:00",
                                  "place": "文化活动室", "capacity": 30,
                                  "offers": ["medication"]}, CLERK, NOW)
    assert views.clinic_view(tx.session, clinic, "zh", NOW) == {
        "id": clinic.id, "day": "2026-11-28", "hours": "14:00-16:00", "place": "文化活动室",
        "capacity": 30, "offers": [{"code": "medication", "name": "用药指导"}],
        "offer_names": "用药指导", "signed_up": 0, "places_left": 30, "attended": 0,
        "held": False, "created_by": "孙干事"}
