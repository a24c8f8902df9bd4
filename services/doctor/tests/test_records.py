"""Health records: opened only with consent recorded (who, when, how), readings and notes added
to an open record, consent withdrawn closing it — kept for 15 years from the last visit, never
read or added to again."""
from datetime import date, timedelta

from doctor.domain import records, views

from .conftest import DOCTOR, NOW, TODAY, C, open_record, record_data, refused

BP = {"kind": "blood_pressure", "systolic": 150, "diastolic": 95, "measured_on": TODAY}


def test_a_record_opened_with_a_signed_form_keeps_who_when_and_how(tx):
    record = open_record(tx, consent_by="王奶奶的女儿（监护人）")
    assert (record.state, record.consent_method, record.consent_form_ref, record.consent_by,
            record.consent_on, record.consent_recorded_by) == (
        "open", "signed_form", "TY-2026-001", "王奶奶的女儿（监护人）", TODAY, "刘大夫")
    view = views.record_view(tx.session, record, "zh", NOW)
    # born 8 March 1946: 80 on 27 November 2026
    assert (view["age"], view["sex_name"], view["conditions"], view["allergies"]) == (
        80, "女", ["高血压"], ["青霉素"])
    assert view["consent"]["method_name"] == "书面签字同意"
    assert [(h["by"], h["action"]) for h in view["history"]] == [("刘大夫", "opened")]


def test_consent_by_the_resident_themselves_when_nobody_else_is_named(tx):
    assert open_record(tx).consent_by == "王奶奶"


def test_verbal_consent_is_kept_with_its_witness(tx):
    record = open_record(tx, consent_method="verbal_witnessed", consent_form_ref=None,
                         consent_witness="居委会李主任")
    assert (record.consent_method, record.consent_witness) == ("verbal_witnessed", "居委会李主任")


def test_no_record_without_the_consents_proof(tx):
    with refused(tx, "consent_form_required", field="consent_form_ref", status=422):
        open_record(tx, consent_form_ref=None)
    with refused(tx, "witness_required", field="consent_witness", status=422):
        open_record(tx, consent_method="verbal_witnessed", consent_form_ref=None)


def test_dates_after_today_are_refused(tx):
    with refused(tx, "consent_in_future", field="consent_on", status=422):
        open_record(tx, consent_on=TODAY + timedelta(days=1))
    with refused(tx, "birth_in_future", field="birth_date", status=422):
        open_record(tx, birth_date=TODAY + timedelta(days=1))
    assert open_record(tx, consent_on=TODAY, birth_date=TODAY).birth_date == TODAY


def test_a_resident_has_one_open_record(tx):
    first = open_record(tx)
    with refused(tx, "record_exists", field="name", status=409) as err:
        open_record(tx)
    assert str(first.id) in err.value.message_zh
    # another resident of the same name and phone (a twin born another day) is someone else
    assert open_record(tx, birth_date=date(1950, 1, 1)).id == first.id + 1


def test_readings_and_notes_go_into_an_open_record_latest_first(tx):
    record = open_record(tx)
    records.add_reading(tx.session, record, {**BP, "measured_on": TODAY - timedelta(days=7)},
                        DOCTOR, NOW)
    records.add_reading(tx.session, record, {"kind": "glucose", "glucose_tenths": 61,
                                             "fasting": True, "measured_on": TODAY}, DOCTOR, NOW)
    records.add_note(tx.session, record, {"seen_on": TODAY, "text": "血压偏高，嘱低盐饮食"},
                     DOCTOR, NOW)
    view = views.record_view(tx.session, record, "zh", NOW)
    assert [(r["kind_name"], r["value"], r["measured_on"], r["source"]) for r in
            view["readings"]] == [("血糖", "6.1 mmol/L", "2026-11-27", "visit"),
                                  ("血压", "150/95 mmHg", "2026-11-20", "visit")]
    assert [n["text"] for n in view["notes"]] == ["血压偏高，嘱低盐饮食"]
    # the record's history says what was done, never the values
    assert [h["action"] for h in view["history"]] == ["opened", "reading", "reading", "note"]
    assert "150" not in str(view["history"]) and "低盐" not in str(view["history"])


def test_a_reading_of_a_blood_pressure_must_make_sense(tx):
    record = open_record(tx)
    with refused(tx, "diastolic_not_below_systolic", field="diastolic", status=422):
        records.add_reading(tx.session, record, {**BP, "diastolic": 150}, DOCTOR, NOW)
    with refused(tx, "measured_in_future", field="measured_on", status=422):
        records.add_reading(tx.session, record, {**BP, "measured_on": TODAY + timedelta(1)},
                            DOCTOR, NOW)
    with refused(tx, "seen_in_future", field="seen_on", status=422):
        records.add_note(tx.session, record, {"seen_on": TODAY + timedelta(1), "text": "x"},
                         DOCTOR, NOW)
    assert records.add_reading(tx.session, record, {**BP, "diastolic": 149}, DOCTOR,
                               NOW).diastolic == 149


def test_details_updated_replace_only_what_is_given(tx):
    record = open_record(tx)
    records.update_details(tx, C, record.id, {"conditions": ["高血压", "2型糖尿病"],
                                              "phone": None}, DOCTOR, NOW)
    assert (record.conditions, record.phone, record.allergies) == (
        ["高血压", "2型糖尿病"], "13700001111", ["青霉素"])
    assert record.history[-1]["fields"] == ["conditions"]


def test_withdrawn_consent_closes_the_record_kept_15_years_from_the_last_visit(tx):
    record = open_record(tx, consent_on=date(2026, 1, 5))
    records.add_note(tx.session, record, {"seen_on": date(2026, 6, 1), "text": "复诊"},
                     DOCTOR, NOW)
    records.add_reading(tx.session, record, {**BP, "measured_on": date(2026, 3, 1)},
                        DOCTOR, NOW)   # an older reading does not move the last visit back
    records.withdraw(tx, C, record.id, {"withdrawn_on": TODAY, "note": "本人要求"}, DOCTOR, NOW)
    # the last visit 1 June 2026: kept until 1 June 2041
    assert (record.state, record.withdrawn_on, record.retain_until) == (
        "withdrawn", TODAY, date(2041, 6, 1))
    view = views.record_view(tx.session, record, "zh", NOW)
    assert set(view) == {"id", "name", "state", "state_name", "consent", "retain_until",
                         "retention"}
    assert "15年" in view["retention"]
    with refused(tx, "record_closed", field="record_id", status=409):
        records.add_reading(tx.session, record, BP, DOCTOR, NOW)
    with refused(tx, "record_closed"):
        records.add_note(tx.session, record, {"seen_on": TODAY, "text": "x"}, DOCTOR, NOW)
    with refused(tx, "record_closed"):
        records.update_details(tx, C, record.id, {"address": "别处"}, DOCTOR, NOW)
    with refused(tx, "record_closed"):
        records.withdraw(tx, C, record.id, {"withdrawn_on": TODAY}, DOCTOR, NOW)
    # the same resident may consent again: a new record
    assert open_record(tx).id == record.id + 1


def test_the_retention_of_a_record_last_seen_on_29_february(tx):
    assert records.years_later(date(2028, 2, 29), 15) == date(2043, 2, 28)
    assert records.years_later(date(2028, 3, 1), 15) == date(2043, 3, 1)


def test_consent_cannot_be_withdrawn_before_it_was_given_or_in_the_future(tx):
    record = open_record(tx, consent_on=date(2026, 5, 1))
    with refused(tx, "withdrawn_before_consent", field="withdrawn_on", status=422):
        records.withdraw(tx, C, record.id, {"withdrawn_on": date(2026, 4, 30)}, DOCTOR, NOW)
    with refused(tx, "withdrawn_in_future", field="withdrawn_on", status=422):
        records.withdraw(tx, C, record.id, {"withdrawn_on": TODAY + timedelta(1)}, DOCTOR, NOW)
    assert records.withdraw(tx, C, record.id, {"withdrawn_on": date(2026, 5, 1)}, DOCTOR,
                            NOW).state == "withdrawn"


def test_another_communitys_record_is_not_found(tx):
    record = open_record(tx)
    with refused(tx, "record_not_found", field="record_id", status=404):
        records.get_record(tx.session, record.id, "maple-court")
    with refused(tx, "record_not_found"):
        records.get_record(tx.session, record.id + 1, C)


def test_the_records_list_finds_by_name_and_state(tx):
    wang = open_record(tx)
    open_record(tx, name="赵大爷", phone="13700002222", sex="male")
    records.withdraw(tx, C, wang.id, {"withdrawn_on": TODAY}, DOCTOR, NOW)
    assert [r.name for r in records.list_records(tx.session, C)] == ["王奶奶", "赵大爷"]
    assert [r.name for r in records.list_records(tx.session, C, name="赵")] == ["赵大爷"]
    assert [r.name for r in records.list_records(tx.session, C, state="open")] == ["赵大爷"]
    assert records.list_records(tx.session, "maple-court") == []


def test_details_changed_are_named_in_the_history_and_empty_lists_are_kept_empty(tx):
    record = open_record(tx, conditions=None, allergies=None)
    assert (record.conditions, record.allergies) == ([], [])
    records.update_details(tx, C, record.id, {"phone": "13700009999", "address": "4号楼",
                                              "allergies": None}, DOCTOR, NOW)
    assert record.history[-1] == {"at": "2026-11-27T02:00:00Z", "by": "刘大夫",
                                  "action": "updated", "fields": ["address", "phone"]}
    records.update_details(tx, C, record.id, {"allergies": ["磺胺"]}, DOCTOR, NOW)
    assert (record.allergies, record.history[-1]["fields"]) == (["磺胺"], ["allergies"])
    assert (record.phone, record.address, record.updated_at) == ("13700009999", "4号楼", NOW)


def test_a_visit_note_as_the_record_shows_it(tx):
    record = open_record(tx)
    note = records.add_note(tx.session, record, {"seen_on": TODAY, "text": "血压偏高"}, DOCTOR,
                            NOW, "house_call", case_id=4)
    assert views.note_view(note, "en") == {
        "id": note.id, "seen_on": "2026-11-27", "text": "血压偏高", "source": "house_call",
        "source_name": "House call", "case_id": 4, "recorded_by": "刘大夫"}
    assert views.note_view(note, "zh")["source_name"] == "上门出诊"


def test_one_open_record_is_the_same_name_phone_and_birth_date_in_this_community(tx):
    first = open_record(tx)
    # twins born the same day who share a phone are two residents
    assert open_record(tx, name="王二奶奶").id == first.id + 1
    # the same name and birth date with another phone is someone else
    assert open_record(tx, phone="13700009999").id == first.id + 2
    # the same resident in another community is that community's
    other = records.open_record(tx, "maple-court", record_data(), DOCTOR, NOW)
    assert (other.id, other.community) == (first.id + 3, "maple-court")


def test_a_records_history_says_who_did_what_and_when_never_the_values(tx):
    record = open_record(tx, consent_method="verbal_witnessed", consent_form_ref=None,
                         consent_witness="居委会李主任")
    records.add_reading(tx.session, record, {"kind": "glucose", "glucose_tenths": 72,
                                             "fasting": True, "measured_on": TODAY},
                        DOCTOR, NOW)
    note = records.add_note(tx.session, record, {"seen_on": TODAY, "text": "空腹血糖正常"},
                            DOCTOR, NOW)
    records.withdraw(tx, C, record.id, {"withdrawn_on": TODAY, "note": "本人要求"}, DOCTOR, NOW)
    at = "2026-11-27T02:00:00Z"
    assert record.history == [
        {"at": at, "by": "刘大夫", "action": "opened", "consent_method": "verbal_witnessed"},
        {"at": at, "by": "刘大夫", "action": "reading", "kind": "glucose", "source": "visit"},
        {"at": at, "by": "刘大夫", "action": "note", "source": "visit"},
        {"at": at, "by": "刘大夫", "action": "withdrawn"}]
    # a note written without saying where is a visit's
    assert note.source == "visit"
    # the withdrawal is kept with who recorded it and the resident's reason
    assert (record.withdrawal_recorded_by, record.withdrawal_note) == ("刘大夫", "本人要求")


def test_a_reading_keeps_only_the_values_of_its_kind(tx):
    record = open_record(tx)
    # a form sends every field; a glucose reading keeps no pressure, a pressure no glucose
    glucose = records.add_reading(tx.session, record, {
        "kind": "glucose", "glucose_tenths": 61, "fasting": True, "systolic": 150,
        "diastolic": 95, "measured_on": TODAY}, DOCTOR, NOW)
    pressure = records.add_reading(tx.session, record, {
        **BP, "glucose_tenths": 61, "fasting": True}, DOCTOR, NOW)
    assert (glucose.systolic, glucose.diastolic, glucose.glucose_tenths, glucose.fasting) == (
        None, None, 61, True)
    assert (pressure.systolic, pressure.diastolic, pressure.glucose_tenths,
            pressure.fasting) == (150, 95, None, None)


def test_readings_and_notes_latest_first_by_their_date_then_the_last_written(tx):
    record = open_record(tx)
    day = TODAY - timedelta(days=10)
    # written in this order: today's, then one of ten days ago, then another of today
    for systolic, measured_on in ((150, TODAY), (140, day), (130, TODAY)):
        records.add_reading(tx.session, record, {**BP, "systolic": systolic,
                                                 "measured_on": measured_on}, DOCTOR, NOW)
    for text, seen_on in (("今天一", TODAY), ("十天前", day), ("今天二", TODAY)):
        records.add_note(tx.session, record, {"seen_on": seen_on, "text": text}, DOCTOR, NOW)
    assert [r.systolic for r in records.readings_of(tx.session, record)] == [130, 150, 140]
    assert [n.text for n in records.notes_of(tx.session, record)] == ["今天二", "今天一", "十天前"]
