"""House calls and consultations from intake: received, accepted by a doctor, visited (into the
record only when the resident consented and is its resident), resolved with a reply or returned
with why (an emergency: call 120)."""
from datetime import timedelta

from minzi.envelope import isoformat
from minzi.testing import make_staff

from doctor.domain import cases, records, views

from .conftest import DOCTOR, NOW, TODAY, C, house_call, open_record, refused

BP = {"kind": "blood_pressure", "systolic": 160, "diastolic": 100}
LATER = NOW + timedelta(hours=5)


def accepted(tx, case_id: int = 1, **extra):
    house_call(tx, case_id, **extra)
    return cases.accept(tx.session, case_id, DOCTOR, NOW)


def test_a_received_case_is_accepted_by_intake_and_waits_for_a_doctor(tx):
    report = house_call(tx, note="居民说老伴上午在家")
    assert report == {"status": "accepted",
                      "note": "片儿医已收到，医生接诊后会与您联系；如是急症请立即拨打120"}
    case = cases.get_case(tx.session, 1, DOCTOR)
    assert (case.state, case.address, isoformat(case.due_at)) == (
        "received", "彩虹城3区2号楼", "2026-11-30T02:00:00Z")
    assert case.history == [{"at": "2026-11-27T02:00:00Z", "by": "intake",
                             "action": "received", "note": "居民说老伴上午在家"}]


def test_a_doctor_accepts_once(tx):
    case = accepted(tx)
    assert (case.state, case.accepted_by) == ("accepted", "刘大夫")
    with refused(tx, "already_accepted", field="case_id", status=409) as err:
        cases.accept(tx.session, 1, DOCTOR, NOW)
    assert "刘大夫" in err.value.message_zh


def test_a_visit_goes_into_the_consenting_residents_record(tx):
    record = open_record(tx)
    accepted(tx)
    case = cases.visit(tx.session, 1, {"visited_on": TODAY, "note": "血压160/100，调整用药",
                                       "record_id": record.id, "readings": [BP]}, DOCTOR, LATER)
    assert (case.visited_on, case.visit_note, case.record_id) == (
        TODAY, "血压160/100，调整用药", record.id)
    assert [(r.systolic, r.source, r.case_id, r.recorded_by)
            for r in records.readings_of(tx.session, record)] == [(160, "house_call", 1, "刘大夫")]
    assert [(n.text, n.source, n.case_id, n.recorded_by)
            for n in records.notes_of(tx.session, record)] == [
        ("血压160/100，调整用药", "house_call", 1, "刘大夫")]
    # the case's own history says a visit happened, not what was found
    assert case.history[-1] == {"at": "2026-11-27T07:00:00Z", "by": "刘大夫",
                                "action": "visited", "note": None}


def test_a_visit_without_a_record_keeps_the_note_on_the_case_only(tx):
    accepted(tx)
    case = cases.visit(tx.session, 1, {"visited_on": TODAY, "note": "电话咨询，建议低盐饮食"},
                       DOCTOR, NOW)
    assert (case.visit_note, case.record_id) == ("电话咨询，建议低盐饮食", None)


def test_a_visits_refusals(tx):
    house_call(tx)
    with refused(tx, "not_accepted", field="case_id", status=409):
        cases.visit(tx.session, 1, {"visited_on": TODAY, "note": "x"}, DOCTOR, NOW)
    cases.accept(tx.session, 1, DOCTOR, NOW)
    other = open_record(tx, name="赵大爷", phone="13700002222")
    with refused(tx, "record_required", field="record_id", status=422):
        cases.visit(tx.session, 1, {"visited_on": TODAY, "note": "x", "readings": [BP]},
                    DOCTOR, NOW)
    with refused(tx, "not_same_resident", field="record_id", status=422, words=(
            "提出诉求的居民与这份健康档案不是同一人（电话不同）",
            "The resident who asked is not this record's resident (another phone)")):
        cases.visit(tx.session, 1, {"visited_on": TODAY, "note": "x", "record_id": other.id,
                                    "readings": [BP]}, DOCTOR, NOW)
    with refused(tx, "visited_in_future", field="visited_on", status=422):
        cases.visit(tx.session, 1, {"visited_on": TODAY + timedelta(1), "note": "x"}, DOCTOR,
                    NOW)
    with refused(tx, "record_not_found", field="record_id", status=404):
        cases.visit(tx.session, 1, {"visited_on": TODAY, "note": "x", "record_id": 99},
                    DOCTOR, NOW)
    wang = open_record(tx)
    records.withdraw(tx, C, wang.id, {"withdrawn_on": TODAY}, DOCTOR, NOW)
    with refused(tx, "record_closed", field="record_id", status=409):
        cases.visit(tx.session, 1, {"visited_on": TODAY, "note": "x", "record_id": wang.id,
                                    "readings": [BP]}, DOCTOR, NOW)


def test_resolved_with_the_reply_for_the_resident_on_time(tx):
    accepted(tx)
    report = cases.finish(tx.session, 1, {"result": "已上门，调整降压药", "reply": "刘大夫已上门"},
                          DOCTOR, LATER, resolved=True)
    assert report == {"case_id": 1, "program_id": "doctor", "handler": "刘大夫",
                      "status": "resolved", "result": "已上门，调整降压药", "reply": "刘大夫已上门"}
    case = cases.get_case(tx.session, 1, DOCTOR)
    assert (case.state, case.finished_at, cases.on_time(case)) == ("resolved", LATER, True)
    with refused(tx, "case_closed", field="case_id", status=409):
        cases.finish(tx.session, 1, {"note": "退回"}, DOCTOR, LATER, resolved=False)


def test_a_case_must_be_accepted_before_it_is_resolved(tx):
    house_call(tx)
    with refused(tx, "not_accepted", field="case_id", status=409):
        cases.finish(tx.session, 1, {"result": "x"}, DOCTOR, NOW, resolved=True)


def test_an_emergency_is_returned_with_the_note_to_call_120(tx):
    house_call(tx)
    note = "胸痛属急症，请立即拨打120，不能等片儿医上门"
    report = cases.finish(tx.session, 1, {"note": note}, DOCTOR, NOW, resolved=False)
    assert (report["status"], report["note"]) == ("returned", note)
    case = cases.get_case(tx.session, 1, DOCTOR)
    assert (case.state, case.result, case.handled_by) == ("returned", note, "刘大夫")
    # the case's record says who returned it, and why
    assert case.history[-1] == {"at": "2026-11-27T02:00:00Z", "by": "刘大夫",
                                "action": "returned", "note": note}


def test_finished_after_its_due_time_is_late(tx):
    accepted(tx)
    # due 2026-11-30T02:00Z; finished a second after
    late = cases.finish(tx.session, 1, {"result": "x"}, DOCTOR,
                        NOW + timedelta(days=3, seconds=1), resolved=True)
    assert late["status"] == "resolved"
    assert cases.on_time(cases.get_case(tx.session, 1, DOCTOR)) is False
    accepted(tx, 2)
    cases.finish(tx.session, 2, {"result": "x"}, DOCTOR, NOW + timedelta(days=3), resolved=True)
    assert cases.on_time(cases.get_case(tx.session, 2, DOCTOR)) is True   # at the due time


def test_a_recalled_case_even_accepted_is_no_longer_worked_and_a_chase_is_counted(tx):
    accepted(tx)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "请尽快上门"}, NOW)
    cases.chased(tx, {"case_id": 1, "level": 2, "note": "已超时"}, NOW)
    cases.recalled(tx, {"case_id": 1, "note": "转给了别的项目"}, NOW)
    case = cases.get_case(tx.session, 1, DOCTOR)
    assert (case.state, case.chases) == ("recalled", 2)
    assert [h["action"] for h in case.history] == [
        "received", "accepted", "chased", "escalated", "recalled"]
    assert cases.on_time(case) is None
    with refused(tx, "case_closed"):
        cases.accept(tx.session, 1, DOCTOR, NOW)
    cases.recalled(tx, {"case_id": 1, "note": "again"}, NOW)     # a recall of a closed case
    assert len(case.history) == 5
    cases.recalled(tx, {"case_id": 9, "note": "never here"}, NOW)
    cases.chased(tx, {"case_id": 9, "level": 1}, NOW)
    # sent again after the recall, it waits for a doctor once more
    house_call(tx)
    assert (case.state, case.accepted_by) == ("received", None)


def test_another_communitys_case_is_not_found(tx):
    house_call(tx)
    with refused(tx, "case_not_found", field="case_id", status=404):
        cases.get_case(tx.session, 1, make_staff(program_id="doctor", community="maple-court"))


def test_a_clerk_sees_the_case_without_its_medical_part(tx):
    record = open_record(tx)
    accepted(tx)
    cases.visit(tx.session, 1, {"visited_on": TODAY, "note": "血压偏高", "record_id": record.id},
                DOCTOR, NOW)
    case = cases.get_case(tx.session, 1, DOCTOR)
    clerk = views.case_view(case, "zh", medical=False)
    doctor = views.case_view(case, "zh", medical=True)
    assert "medical" not in clerk and "血压偏高" not in str(clerk)
    assert doctor["medical"] == {"visit_note": "血压偏高", "record_id": record.id}
    assert (clerk["state_name"], clerk["visited_on"], clerk["resident"]) == (
        "已接诊", "2026-11-27", {"name": "王奶奶", "phone": "13700001111",
                                "address": "彩虹城3区2号楼"})


def test_the_list_of_cases_by_state(tx):
    accepted(tx, 2)             # intake's case 2 arrives first: the list is by case number
    house_call(tx, 1)
    assert [c.case_id for c in cases.list_cases(tx.session, C)] == [1, 2]
    assert [c.case_id for c in cases.list_cases(tx.session, C, state="accepted")] == [2]
    assert cases.list_cases(tx.session, "maple-court") == []


def test_the_due_time_as_the_contracts_schema_loads_it_or_as_text(tx):
    from datetime import UTC, datetime
    house_call(tx, 1, due_at=datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    house_call(tx, 2, due_at="2026-11-30T10:00:00+08:00")
    house_call(tx, 3, due_at=None)
    due = [isoformat(cases.get_case(tx.session, n, DOCTOR).due_at) for n in (1, 2, 3)]
    assert due == ["2026-11-30T10:00:00Z", "2026-11-30T02:00:00Z", None]


def test_a_case_as_a_doctor_and_as_the_clerk_reads_it_whole(tx):
    record = open_record(tx)
    accepted(tx)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "请尽快上门"}, NOW)
    cases.visit(tx.session, 1, {"visited_on": TODAY, "note": "血压偏高", "record_id": record.id},
                DOCTOR, NOW)
    cases.finish(tx.session, 1, {"result": "已上门", "reply": "好"}, DOCTOR, LATER, resolved=True)
    case = cases.get_case(tx.session, 1, DOCTOR)
    clerk = {
        "case_id": 1, "tracking_code": "TEST000001", "community": C,
        "service_code": "house_call", "state": "resolved", "state_name": "Resolved",
        "description": "老伴卧床，想请医生上门量血压",
        "resident": {"name": "王奶奶", "phone": "13700001111", "address": "彩虹城3区2号楼"},
        "attributes": {}, "chases": 1, "due_at": "2026-11-30T02:00:00Z",
        "accepted_by": "刘大夫", "visited_on": "2026-11-27", "result": "已上门",
        "handled_by": "刘大夫", "finished_at": "2026-11-27T07:00:00Z", "on_time": True,
        "history": [
            {"at": "2026-11-27T02:00:00Z", "by": "intake", "action": "received", "note": None,
             "action_name": "Received"},
            {"at": "2026-11-27T02:00:00Z", "by": "刘大夫", "action": "accepted", "note": None,
             "action_name": "Accepted"},
            {"at": "2026-11-27T02:00:00Z", "by": "intake", "action": "chased",
             "note": "请尽快上门", "action_name": "Chased by intake"},
            {"at": "2026-11-27T02:00:00Z", "by": "刘大夫", "action": "visited", "note": None,
             "action_name": "Visited"},
            {"at": "2026-11-27T07:00:00Z", "by": "刘大夫", "action": "resolved",
             "note": "已上门", "action_name": "Resolved"}]}
    assert views.case_view(case, "en", medical=False) == clerk
    assert views.case_view(case, "en", medical=True) == {
        **clerk, "medical": {"visit_note": "血压偏高", "record_id": record.id}}


def test_intakes_chases_and_recall_on_the_record_with_their_notes(tx):
    house_call(tx)
    cases.chased(tx, {"case_id": 1, "level": 2, "note": "已超时"}, LATER)
    cases.recalled(tx, {"case_id": 1, "note": "居民已自行就医"}, LATER)
    case = cases.get_case(tx.session, 1, DOCTOR)
    assert case.history[1:] == [
        {"at": "2026-11-27T07:00:00Z", "by": "intake", "action": "escalated", "note": "已超时"},
        {"at": "2026-11-27T07:00:00Z", "by": "intake", "action": "recalled",
         "note": "居民已自行就医"}]
    assert (case.updated_at, case.chases) == (LATER, 1)
    # a returned case is not recalled again
    house_call(tx, 2)
    cases.finish(tx.session, 2, {"note": "请拨打120"}, DOCTOR, NOW, resolved=False)
    cases.recalled(tx, {"case_id": 2, "note": "x"}, LATER)
    assert cases.get_case(tx.session, 2, DOCTOR).state == "returned"


def test_a_case_not_yet_visited_reads_without_a_visit_day(tx):
    house_call(tx)
    view = views.case_view(cases.get_case(tx.session, 1, DOCTOR), "zh", medical=True)
    assert (view["state_name"], view["visited_on"], view["finished_at"], view["on_time"]) == (
        "待接诊", None, None, None)
    assert view["medical"] == {"visit_note": None, "record_id": None}
