"""Complaints about dogs from intake: a bite accepted with the advice on rabies shots, the owner
identified, talks and warnings counted, answered or returned with where to go; and the figures
counted from the records."""
from datetime import date, timedelta

from minzi.testing import dispatched_case

from dog_owners.domain import cases, dogs, members, officers, reminders
from dog_owners.domain.figures import figures, percent

from .conftest import NOW, STAFF, C, add_dog, complaint, join, publish, refused


def test_a_bite_is_accepted_with_the_advice_to_get_rabies_shots(tx):
    assert complaint(tx, 1, "dog_bite") is None        # it sends its two reports itself
    advice = ("被犬只咬伤、抓伤请立即用肥皂水和清水交替冲洗伤口至少15分钟，并在24小时内到狂犬病"
              "免疫预防门诊接种狂犬疫苗；需要报警请拨打110。")
    assert [(m["routing_key"], m["community"], m["data"]) for m in tx.published] == [
        ("case.reported", C, {"case_id": 1, "program_id": "dog_owners", "status": "accepted",
                              "note": "养犬自律协会已收到，将联系犬主并答复您。" + advice}),
        ("case.reported", C, {"case_id": 1, "program_id": "dog_owners",
                              "status": "in_progress", "note": advice})]
    assert [h["action"] for h in cases.get_case(tx.session, 1, STAFF).history] == [
        "received", "advised"]
    assert complaint(tx, 2) == {"status": "accepted",
                                "note": "养犬自律协会已收到，将联系犬主并答复您"}


def test_a_complaint_is_linked_to_the_owner_talked_over_warned_and_answered(tx):
    publish(tx)
    li = join(tx)
    dog = add_dog(tx, li)
    complaint(tx, 1, "dog_unleashed")
    cases.link(tx.session, 1, {"member_id": li.id, "dog_id": dog.id}, STAFF, NOW)
    cases.talk(tx.session, 1, {"note": "请遛狗时拴好犬链"}, STAFF, NOW)
    case = cases.talk(tx.session, 1, {"note": "第二次发现不拴绳，给予警告", "warning": True},
                      STAFF, NOW + timedelta(hours=1))
    assert (case.talks, case.warnings, li.warnings) == (2, 1, 1)
    answer = {"result": "已约谈犬主并警告", "reply": "您好，已约谈犬主。"}
    report = cases.finish(tx.session, 1, answer,
                          STAFF, NOW + timedelta(hours=2), resolved=True)
    assert report == {"case_id": 1, "program_id": "dog_owners", "handler": "王会长",
                      "status": "resolved", **answer}
    assert [h["action"] for h in case.history] == ["received", "linked", "talked", "warned",
                                                    "resolved"]
    assert cases.on_time(case)      # resolved 2 hours on, due 4 December
    with refused(tx, "case_closed", status=409):
        cases.talk(tx.session, 1, {"note": "再谈"}, STAFF, NOW)


def test_a_complaint_returned_says_where_to_go(tx):
    complaint(tx, 1, "dog_bite")
    report = cases.finish(tx.session, 1, {"note": "犬主不是会员，拒不配合",
                                          "referral": "police"}, STAFF, NOW, resolved=False)
    assert report["status"] == "returned"
    assert report["note"] == "犬主不是会员，拒不配合（请联系：社区民警 / 派出所（报警电话110））"
    complaint(tx, 2)
    assert cases.finish(tx.session, 2, {"note": "请找物业"}, STAFF, NOW,
                        resolved=False)["note"] == "请找物业"


def test_complaint_refusals(tx):
    publish(tx)
    li, wang = join(tx), join(tx, "王先生", "13900000002", household="6号楼101")
    wangs_dog = add_dog(tx, wang)
    complaint(tx, 1)
    with refused(tx, "owner_not_linked", field="member_id", status=409):
        cases.talk(tx.session, 1, {"note": "谈话"}, STAFF, NOW)
    with refused(tx, "not_members_dog", field="dog_id", status=422):
        cases.link(tx.session, 1, {"member_id": li.id, "dog_id": wangs_dog.id}, STAFF, NOW)
    with refused(tx, "unknown_member", field="member_id"):
        cases.link(tx.session, 1, {"member_id": 99}, STAFF, NOW)
    with refused(tx, "case_not_found", status=404):
        cases.get_case(tx.session, 1, {**STAFF, "community": "maple-court"})


def test_intake_chases_and_recalls_are_on_the_record(tx):
    complaint(tx, 1)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "请尽快"}, NOW)
    cases.chased(tx, {"case_id": 1, "level": 2, "note": "已升级"}, NOW)
    cases.recalled(tx, {"case_id": 1, "note": "转交物业"}, NOW)
    cases.chased(tx, {"case_id": 9, "level": 1}, NOW)            # never received: nothing
    case = cases.get_case(tx.session, 1, STAFF)
    assert (case.state, case.chases) == ("recalled", 2)
    assert [h["action"] for h in case.history] == ["received", "chased", "escalated",
                                                    "recalled"]
    with refused(tx, "case_closed"):
        cases.finish(tx.session, 1, {"result": "x"}, STAFF, NOW, resolved=True)


def test_percentages_are_exact_and_rounded_half_up():
    assert (percent(2, 3), percent(1, 8), percent(3, 3), percent(0, 0)) == (
        "66.7", "12.5", "100.0", None)
    assert percent(1, 16) == "6.3"      # 6.25 rounds half up


def test_the_figures_count_the_records(tx):
    publish(tx)
    people = [join(tx, name, f"1390000000{n}", household=f"{n}号楼")
              for n, name in enumerate(["张会长", "王副会长", "刘副会长", "赵大姐"], 1)]
    for n, member in enumerate(people[:3]):
        officers.elect(tx, C, {"member_id": member.id, "elected_on": date(2026, 3, 1),
                               "role": "president" if n == 0 else "vice_president"}, STAFF, NOW)
    # four dogs: two vaccinated now, one out of date, one never (2 of 4 = 50.0%)
    add_dog(tx, people[0], registration_no="A", vaccinated_on=date(2026, 5, 1))
    add_dog(tx, people[1], registration_no="B", vaccinated_on=date(2026, 1, 1))
    add_dog(tx, people[2], registration_no="C", vaccinated_on=date(2025, 1, 1))
    old = add_dog(tx, people[3], registration_no="D", vaccinated_on=None,
                  registration_expires_on=date(2026, 11, 1))
    members.leave(tx, C, people[3].id, {}, STAFF, NOW)
    # complaints: two fouling (one resolved on time, one late), a bite returned, barking open
    complaint(tx, 1)
    complaint(tx, 2, due_at=(NOW + timedelta(hours=1)).isoformat())
    complaint(tx, 3, "dog_bite")
    complaint(tx, 4, "dog_barking")
    cases.link(tx.session, 1, {"member_id": people[0].id}, STAFF, NOW)
    cases.talk(tx.session, 1, {"note": "警告", "warning": True}, STAFF, NOW)
    cases.finish(tx.session, 1, {"result": "已清理"}, STAFF, NOW, resolved=True)
    cases.finish(tx.session, 2, {"result": "已清理"}, STAFF, NOW + timedelta(hours=2),
                 resolved=True)
    cases.finish(tx.session, 3, {"note": "报警", "referral": "police"}, STAFF, NOW,
                 resolved=False)
    reminders.remind_due(tx.session, NOW)
    found = figures(tx.session, C, NOW)
    assert found["members"] == {"active": 3, "left": 1, "warned": 1}
    assert found["dogs"] == {"kept": 4, "vaccination_current": 2,
                             "vaccination_current_percent": "50.0",
                             "registration_current": 3, "registration_current_percent": "75.0",
                             "flagged": 2}
    assert [(o["role"], o["count"]) for o in found["officers"]] == [
        ("president", 1), ("vice_president", 2)]
    complaints = found["complaints"]
    assert [(k["kind"], k["count"]) for k in complaints["by_kind"]] == [
        ("dog_fouling", 2), ("dog_barking", 1), ("dog_unleashed", 0), ("dog_bite", 1)]
    assert complaints["by_month"] == [{"month": "2026-11", "total": 4, "by_kind": {
        "dog_fouling": 2, "dog_barking": 1, "dog_unleashed": 0, "dog_bite": 1}}]
    assert (complaints["open"], complaints["resolved"], complaints["resolved_on_time"],
            complaints["resolved_on_time_percent"], complaints["returned"],
            complaints["talks"], complaints["warnings"]) == (1, 2, 1, "50.0", 1, 1, 1)
    # reminders: dog C (vaccine ran out 1 Jan 2026) and D (never; registration expired)
    assert found["reminders"] == {"to_call": 3, "called": 0}
    assert complaints["total"] == 4
    reminders.called(tx, C, reminders.list_reminders(tx.session, C)[0].id, {"outcome": "已通知"},
                     STAFF, NOW)
    assert figures(tx.session, C, NOW)["reminders"] == {"to_call": 2, "called": 1}
    dogs.no_longer_kept(tx, C, old.id, {"reason": "迁出"}, STAFF, NOW)
    assert figures(tx.session, C, NOW)["dogs"]["kept"] == 3
    assert figures(tx.session, "maple-court", NOW)["dogs"]["vaccination_current_percent"] is None
    assert dispatched_case("dog_owners", "dog_bite")["service_code"] == "dog_bite"


def test_the_outcome_is_written_on_the_history_and_on_time_is_by_the_limit(tx):
    complaint(tx, 1, due_at="2026-11-27T04:00:00Z")
    due = NOW + timedelta(hours=2)                                   # exactly at the limit
    case = cases.get_case(tx.session, 1, STAFF)
    cases.finish(tx.session, 1, {"result": "已清理"}, STAFF, due, resolved=True)
    assert case.history[-1] == {"at": "2026-11-27T04:00:00Z", "by": "王会长",
                                "action": "resolved", "note": "已清理"}
    assert cases.on_time(case)
    complaint(tx, 2, due_at="2026-11-27T04:00:00Z")
    late = cases.get_case(tx.session, 2, STAFF)
    cases.finish(tx.session, 2, {"result": "已清理"}, STAFF, due + timedelta(seconds=1),
                 resolved=True)
    assert not cases.on_time(late)
    complaint(tx, 3, due_at=None)                                    # no limit given
    cases.finish(tx.session, 3, {"result": "已清理"}, STAFF, due, resolved=True)
    assert cases.on_time(cases.get_case(tx.session, 3, STAFF))
    complaint(tx, 4)
    cases.finish(tx.session, 4, {"note": "请报警", "referral": "police"}, STAFF, NOW,
                 resolved=False)
    returned = cases.get_case(tx.session, 4, STAFF)
    assert returned.history[-1] == {
        "at": "2026-11-27T02:00:00Z", "by": "王会长", "action": "returned",
        "note": "请报警（请联系：社区民警 / 派出所（报警电话110））", "referral": "police"}
    assert (returned.referral, cases.on_time(returned)) == ("police", False)
