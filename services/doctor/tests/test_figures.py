"""Figures counted from the records: records open and closed, clinics held with sign-ups and
attendance, house calls by the month they came in and on time. Each expected number is counted
by hand beside it."""
from datetime import date, timedelta

from minzi.testing import dispatched_case

from doctor.domain import cases, clinics, records
from doctor.domain.figures import figures

from .conftest import CLERK, DOCTOR, NOW, TODAY, C, open_record


def test_records_open_and_closed(tx):
    for n in range(5):
        open_record(tx, name=f"居民{n}", phone=f"1370000000{n}")
    records.withdraw(tx, C, 1, {"withdrawn_on": TODAY}, DOCTOR, NOW)
    assert figures(tx.session, C, NOW)["records"] == {"open": 4, "withdrawn": 1}
    assert figures(tx.session, "maple-court", NOW)["records"] == {"open": 0, "withdrawn": 0}


def test_clinics_held_and_their_attendance(tx):
    day = {"hours": "9-11", "place": "服务站", "capacity": 10, "offers": ["blood_pressure"]}
    held = clinics.plan(tx, C, {**day, "day": TODAY}, CLERK, NOW)
    coming = clinics.plan(tx, C, {**day, "day": date(2026, 12, 20)}, CLERK, NOW)
    for n in range(3):
        entry = clinics.sign_up(tx, C, held.id, {"name": f"居民{n}", "phone": f"1{n}"}, CLERK,
                                NOW)
        if n < 2:
            clinics.record_attendance(tx, C, held.id, entry.id, {"attended": True}, CLERK, NOW)
    clinics.sign_up(tx, C, coming.id, {"name": "居民9", "phone": "19"}, CLERK, NOW)
    found = figures(tx.session, C, NOW)["clinics"]
    # held today: 3 signed up, 2 came; the one on 20 December is still to come
    assert (found["held"], found["planned"], found["signed_up"], found["attended"]) == (1, 1, 3, 2)
    assert [(c["day"], c["held"], c["signed_up"], c["attended"]) for c in found["by_clinic"]] == [
        ("2026-11-27", True, 3, 2), ("2026-12-20", False, 1, 0)]


def test_house_calls_by_month_and_on_time(tx):
    october = NOW - timedelta(days=40)          # 18 October
    # October: case 1 resolved on time, case 2 returned late, case 3 recalled
    for case_id in (1, 2, 3):
        cases.receive(tx, dispatched_case("doctor", "house_call", case_id=case_id,
                                          due_at="2026-10-21T02:00:00Z"), october)
    cases.accept(tx.session, 1, DOCTOR, october)
    cases.finish(tx.session, 1, {"result": "x"}, DOCTOR, october + timedelta(days=1),
                 resolved=True)
    cases.finish(tx.session, 2, {"note": "x"}, DOCTOR, october + timedelta(days=5),
                 resolved=False)
    cases.recalled(tx, {"case_id": 3}, october)
    # November: case 4 waiting, case 5 accepted, case 6 resolved on time
    for case_id in (4, 5, 6):
        cases.receive(tx, dispatched_case("doctor", "health_consultation", case_id=case_id),
                      NOW)
    cases.accept(tx.session, 5, DOCTOR, NOW)
    cases.accept(tx.session, 6, DOCTOR, NOW)
    cases.finish(tx.session, 6, {"result": "x"}, DOCTOR, NOW, resolved=True)
    calls = figures(tx.session, C, NOW)["house_calls"]
    assert calls["by_month"] == [
        {"month": "2026-10", "received": 3, "resolved": 1, "returned": 1, "open": 0,
         "recalled": 1, "on_time": 1, "late": 1},
        {"month": "2026-11", "received": 3, "resolved": 1, "returned": 0, "open": 2,
         "recalled": 0, "on_time": 1, "late": 0}]
    # finished 3 (cases 1, 2, 6), on time 2: 66.7%
    assert (calls["received"], calls["finished"], calls["on_time"], calls["on_time_rate"]) == (
        6, 3, 2, "66.7%")
    assert figures(tx.session, "maple-court", NOW)["house_calls"] == {
        "received": 0, "finished": 0, "on_time": 0, "on_time_rate": None, "by_month": []}


def test_each_clinic_by_its_day_with_its_place_and_the_communitys_figures_whole(tx):
    day = {"hours": "9-11", "capacity": 10, "offers": ["blood_pressure"]}
    # planned first, held later: the figures list the clinics by their day
    later = clinics.plan(tx, C, {**day, "day": date(2026, 12, 20), "place": "广场"}, CLERK, NOW)
    today = clinics.plan(tx, C, {**day, "day": TODAY, "place": "服务站"}, CLERK, NOW)
    # two house calls of November, both resolved before their due time
    for case_id in (1, 2):
        cases.receive(tx, dispatched_case("doctor", "house_call", case_id=case_id), NOW)
        cases.accept(tx.session, case_id, DOCTOR, NOW)
        cases.finish(tx.session, case_id, {"result": "x"}, DOCTOR, NOW, resolved=True)
    assert figures(tx.session, C, NOW) == {
        "community": C,
        "records": {"open": 0, "withdrawn": 0},
        "clinics": {"held": 1, "planned": 1, "signed_up": 0, "attended": 0, "by_clinic": [
            {"clinic_id": today.id, "day": "2026-11-27", "place": "服务站", "held": True,
             "signed_up": 0, "attended": 0},
            {"clinic_id": later.id, "day": "2026-12-20", "place": "广场", "held": False,
             "signed_up": 0, "attended": 0}]},
        "house_calls": {"received": 2, "finished": 2, "on_time": 2, "on_time_rate": "100.0%",
                        "by_month": [{"month": "2026-11", "received": 2, "resolved": 2,
                                      "returned": 0, "open": 0, "recalled": 0, "on_time": 2,
                                      "late": 0}]}}
