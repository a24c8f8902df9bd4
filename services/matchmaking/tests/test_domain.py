"""The matchmaking studio's rules, without a broker: SQLite in a temporary directory."""
from datetime import date, timedelta

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from matchmaking import schemas
from matchmaking.domain import cases, consultations, identity, introductions, members, views
from matchmaking.domain.figures import figures
from matchmaking.models import Activity, Introduction, Member, OutcomeStep, Verification
from minzi.api import DomainError
from minzi.localtime import local_range

from .conftest import NOW, STAFF, C, id_number, person

POLICE = {"police_station": "朝阳分局彩虹城派出所", "officer": "刘警官"}


def code_of(excinfo):
    return excinfo.value.code


def count(tx, model):
    return tx.session.scalar(select(func.count()).select_from(model))


def register(tx, **kwargs):
    return members.register_member(tx, C, person(**kwargs), STAFF, NOW)


def verify(tx, member, when=NOW):
    return members.record_verification(tx, C, member.id, {"result": "verified", **POLICE},
                                      STAFF, when)[0]


def couple(tx):
    man = verify(tx, register(tx))
    woman = verify(tx, register(tx, name="李娜", gender="female", birth=date(1996, 3, 8),
                                 phone="13900000002", serial=2))
    return man, woman


def introduce(tx, a, b, when=NOW):
    return introductions.introduce(tx, C, {"first_member_id": a.id, "second_member_id": b.id,
                                     "note": "都喜欢爬山"}, STAFF, when)


# -- identity numbers and registration -------------------------------------------------------------

def test_id_numbers_are_checked_by_their_check_digit():
    good = id_number(date(1994, 5, 12), "male")
    assert identity.id_number_problem(good) is None
    assert identity.id_birth_date(good) == date(1994, 5, 12) and identity.id_gender(good) == "male"
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    assert "check digit" in identity.id_number_problem(wrong_check)
    assert identity.id_number_problem("12345") is not None
    assert identity.mask_id_number(good) == good[:6] + "********" + good[-4:]


def test_the_schema_names_a_bad_id_number_in_chinese_terms():
    data = {**person(), "birth_date": "1994-05-12", "id_number": "110105199405120000"}
    with pytest.raises(ValidationError) as err:
        schemas.MemberIn().load(data)
    assert set(err.value.messages) == {"id_number"}
    # a final x is read as X
    with_x = next(n for n in (id_number(date(1994, 5, 12), "male", s) for s in range(200))
                  if n.endswith("X"))
    loaded = schemas.MemberIn().load({**data, "id_number": with_x.lower()})
    assert loaded["id_number"] == with_x


def test_a_member_registers_pending_and_hidden_with_who_and_when(tx):
    member = register(tx)
    assert member.status == "pending" and member.created_by == "王红娘"
    assert member.registered_at == NOW
    (row,) = tx.session.scalars(select(Activity)).all()
    assert (row.entity, row.entity_id, row.action, row.actor, row.actor_id) == (
        "member", member.id, "registered", "王红娘", "7")


def test_the_same_id_number_or_phone_cannot_register_twice(tx):
    first = register(tx)
    with pytest.raises(DomainError) as err:
        register(tx, phone="13700000009")
    assert code_of(err) == "member_exists" and err.value.field == "id_number"
    assert str(first.id) in err.value.message_zh
    with pytest.raises(DomainError) as err:
        register(tx, name="王强", serial=5)          # another person, the same phone
    assert code_of(err) == "phone_in_use" and err.value.field == "phone"
    assert count(tx, Member) == 1
    # a withdrawn member's phone may be used again
    members.withdraw_member(tx, C, first.id, "已找到对象", STAFF, NOW)
    assert register(tx, name="王强", serial=5).status == "pending"


def test_birth_date_and_gender_must_agree_with_the_id_number(tx):
    data = person()
    with pytest.raises(DomainError) as err:
        members.register_member(tx, C, {**data, "birth_date": date(1994, 5, 13)}, STAFF, NOW)
    assert code_of(err) == "birth_date_mismatch" and err.value.status == 422
    with pytest.raises(DomainError) as err:
        members.register_member(tx, C, {**data, "gender": "female"}, STAFF, NOW)
    assert code_of(err) == "gender_mismatch" and err.value.field == "gender"
    assert count(tx, Member) == 0


def test_below_the_legal_age_of_marriage_cannot_register(tx):
    young = date(2005, 1, 1)                             # 21 on NOW: old enough for her, not him
    with pytest.raises(DomainError) as err:
        register(tx, birth=young)
    assert code_of(err) == "under_marriage_age"
    assert "22" in err.value.message_zh and err.value.message_en.startswith("Below")
    assert register(tx, gender="female", birth=young).status == "pending"


# -- the verification gate -------------------------------------------------------------------------

def test_an_unverified_member_cannot_be_introduced_nor_listed(tx):
    man = verify(tx, register(tx))
    woman = register(tx, name="李娜", gender="female", birth=date(1996, 3, 8),
                     phone="13900000002", serial=2)
    with pytest.raises(DomainError) as err:
        introduce(tx, man, woman)
    assert code_of(err) == "member_not_verified" and err.value.field == "second_member_id"
    assert err.value.status == 409 and "派出所" in err.value.message_zh
    assert count(tx, Introduction) == 0
    # nobody sees her, and she is shown nobody
    assert views.candidates(tx.session, C, man.id, NOW) == []
    with pytest.raises(DomainError) as err:
        views.candidates(tx.session, C, woman.id, NOW)
    assert code_of(err) == "member_not_verified"

    members.record_verification(tx, C, woman.id, {"result": "verified", **POLICE}, STAFF, NOW)
    assert [m.id for m in views.candidates(tx.session, C, man.id, NOW)] == [woman.id]
    assert introduce(tx, man, woman).outcome == "pending"


def test_a_rejected_verification_needs_a_reason_and_keeps_the_member_hidden(tx):
    member = register(tx)
    with pytest.raises(DomainError) as err:
        members.record_verification(tx, C, member.id, {"result": "rejected", **POLICE},
                                   STAFF, NOW)
    assert code_of(err) == "reason_required" and err.value.field == "reason"
    assert count(tx, Verification) == 0 and member.status == "pending"

    member, check = members.record_verification(
        tx, C, member.id, {"result": "rejected", "reason": "身份证号与户籍信息不符", **POLICE},
        STAFF, NOW)
    assert member.status == "rejected" and check.recorded_by == "王红娘"
    assert (check.police_station, check.officer) == ("朝阳分局彩虹城派出所", "刘警官")
    other = verify(tx, register(tx, name="李娜", gender="female", birth=date(1996, 3, 8),
                                 phone="13900000002", serial=2))
    assert views.candidates(tx.session, C, other.id, NOW) == []
    # a corrected record can be checked again
    later = NOW + timedelta(days=2)
    member = verify(tx, member, later)
    assert member.status == "verified" and len(member.verifications) == 2
    with pytest.raises(DomainError) as err:
        verify(tx, member, later)
    assert code_of(err) == "already_verified"


def test_a_check_cannot_be_in_the_future(tx):
    member = register(tx)
    with pytest.raises(DomainError) as err:
        members.record_verification(tx, C, member.id, {
            "result": "verified", "checked_at": NOW + timedelta(days=1), **POLICE}, STAFF, NOW)
    assert code_of(err) == "in_future" and err.value.field == "checked_at"


def test_changing_who_a_member_is_sends_them_back_to_the_police(tx):
    man, woman = couple(tx)
    member = members.update_member(tx, C, man.id, {"occupation": "教师"}, STAFF, NOW)
    assert member.status == "verified"                       # a profile change keeps the check
    member = members.update_member(tx, C, man.id, {"name": "张伟民"}, STAFF, NOW)
    assert member.status == "pending" and member.verified_at is None
    actions = [a.action for a in views.history(tx.session, C, "member", man.id)]
    assert actions[-2:] == ["updated", "verification_reset"]
    with pytest.raises(DomainError) as err:
        introduce(tx, woman, man)
    assert code_of(err) == "member_not_verified"


def test_members_of_another_community_are_not_found(tx):
    member = register(tx)
    with pytest.raises(DomainError) as err:
        members.get_member(tx.session, member.id, "maple-court")
    assert err.value.status == 404


# -- introductions and their outcomes --------------------------------------------------------------

def test_an_introduction_moves_forward_to_marriage_with_its_history(tx):
    man, woman = couple(tx)
    intro = introduce(tx, man, woman)
    with pytest.raises(DomainError) as err:
        introduce(tx, woman, man)                           # the same pair, either way round
    assert code_of(err) == "introduction_open"
    for step, days in (("met", 3), ("dating", 10)):
        intro = introductions.set_outcome(tx, C, intro.id, {"outcome": step, "note": step},
                                   STAFF, NOW + timedelta(days=days))
    with pytest.raises(DomainError) as err:
        introductions.set_outcome(tx, C, intro.id, {"outcome": "met"}, STAFF,
                                  NOW + timedelta(days=11))
    assert code_of(err) == "outcome_backwards"
    intro = introductions.set_outcome(tx, C, intro.id, {"outcome": "married"}, STAFF,
                               NOW + timedelta(days=200))
    assert [s.outcome for s in intro.steps] == ["pending", "met", "dating", "married"]
    assert intro.open_pair is None and intro.updated_by == "王红娘"
    with pytest.raises(DomainError) as err:
        introductions.set_outcome(tx, C, intro.id, {"outcome": "ended"}, STAFF,
                           NOW + timedelta(days=201))
    assert code_of(err) == "introduction_closed"
    # married through the studio: not introduced again, not a candidate
    third = verify(tx, register(tx, name="赵敏", gender="female", birth=date(1995, 7, 1),
                                 phone="13900000003", serial=3))
    with pytest.raises(DomainError) as err:
        introduce(tx, man, third, NOW + timedelta(days=202))
    assert code_of(err) == "member_married"
    assert views.candidates(tx.session, C, third.id, NOW) == []


def test_an_ended_introduction_lets_the_pair_be_introduced_again(tx):
    man, woman = couple(tx)
    intro = introduce(tx, man, woman)
    assert views.candidates(tx.session, C, man.id, NOW) == []     # already introduced
    introductions.set_outcome(tx, C, intro.id, {"outcome": "ended", "note": "性格不合"}, STAFF, NOW)
    assert [m.id for m in views.candidates(tx.session, C, man.id, NOW)] == [woman.id]
    assert introduce(tx, man, woman).id != intro.id


def test_introduction_input_mistakes_are_named_and_change_nothing(tx):
    man, woman = couple(tx)
    with pytest.raises(DomainError) as err:
        introduce(tx, man, man)
    assert code_of(err) == "same_member"
    with pytest.raises(DomainError) as err:
        introductions.introduce(tx, C, {"first_member_id": man.id, "second_member_id": 999},
                         STAFF, NOW)
    assert code_of(err) == "unknown_member" and err.value.field == "second_member_id"
    intro = introduce(tx, man, woman)
    with pytest.raises(DomainError) as err:
        introductions.set_outcome(tx, C, intro.id, {"outcome": "met"}, STAFF,
                           NOW - timedelta(days=1))
    assert code_of(err) == "before_last_outcome"
    assert count(tx, Introduction) == 1 and count(tx, OutcomeStep) == 1


def test_a_withdrawn_member_is_hidden_and_cannot_be_introduced(tx):
    man, woman = couple(tx)
    members.withdraw_member(tx, C, woman.id, "不再需要", STAFF, NOW)
    assert views.candidates(tx.session, C, man.id, NOW) == []
    with pytest.raises(DomainError) as err:
        introduce(tx, man, woman)
    assert code_of(err) == "member_withdrawn"


# -- consultations ---------------------------------------------------------------------------------

def test_a_phone_consultation_from_a_member_or_anyone(tx):
    member = register(tx)
    call = consultations.log_consultation(tx, C, {"phone": "13800000001", "member_id": member.id,
                                            "topic": "follow_up"}, STAFF, NOW)
    assert call.caller_name == "张伟" and call.staff_name == "王红娘"
    stranger = consultations.log_consultation(
        tx, C, {"phone": "010-88886666", "topic": "registration", "caller_name": "孙阿姨",
                "notes": "替女儿问登记"}, STAFF, NOW)
    assert stranger.member_id is None
    with pytest.raises(DomainError) as err:
        consultations.log_consultation(tx, C, {"phone": "13800000001", "member_id": 404,
                                         "topic": "other"}, STAFF, NOW)
    assert code_of(err) == "unknown_member" and err.value.field == "member_id"


# -- figures ---------------------------------------------------------------------------------------

def test_figures_count_a_period_by_beijing_month(tx):
    october = NOW - timedelta(days=40)                    # 18 October 2026
    man = verify(tx, members.register_member(tx, C, person(), STAFF, october), october)
    woman = members.register_member(tx, C, person(name="李娜", gender="female",
                                                  birth=date(1996, 3, 8), phone="13900000002",
                                                  serial=2), STAFF, NOW)
    rejected = register(tx, name="赵敏", gender="female", birth=date(1995, 7, 1),
                        phone="13900000003", serial=3)
    members.record_verification(tx, C, rejected.id, {"result": "rejected", "reason": "查无此人",
                                                     **POLICE}, STAFF, NOW)
    verify(tx, woman)
    for topic, when in (("registration", NOW), ("matching", NOW), ("other", october)):
        consultations.log_consultation(tx, C, {"phone": "13600000000", "topic": topic}, STAFF,
                                       when)
    intro = introduce(tx, man, woman)
    # they started dating at once: that counts as having met too
    introductions.set_outcome(tx, C, intro.id, {"outcome": "dating"}, STAFF,
                              NOW + timedelta(hours=1))

    everything = figures(tx.session, C)
    assert everything["totals"] == {"registered": 3, "verified": 2, "rejected": 1,
                                    "consultations": 3, "introductions": 1, "met": 1,
                                    "dating": 1, "married": 0, "ended": 0}
    assert everything["couples"] == {"met": 1, "dating": 1, "married": 0}
    assert [m["month"] for m in everything["by_month"]] == ["2026-10", "2026-11"]
    assert everything["by_month"][0]["registered"] == 1
    assert everything["by_month"][0]["consultations"] == 1
    now_by_status = {row["status"]: row["count"] for row in everything["members_now"]}
    assert now_by_status == {"pending": 0, "verified": 2, "rejected": 1, "withdrawn": 0}

    november = figures(tx.session, C, date(2026, 11, 1), date(2026, 11, 30), lang="en")
    assert november["totals"]["registered"] == 2 and november["totals"]["consultations"] == 2
    assert november["totals"]["verified"] == 1
    assert november["labels"]["married"] == "Married"
    assert figures(tx.session, "maple-court")["totals"]["registered"] == 0


def test_a_day_is_a_beijing_day():
    # 23:30 Beijing on 31 October is still October, though it is 15:30 UTC
    late = local_range(date(2026, 10, 31), date(2026, 10, 31))
    assert late[0].hour == 16 and late[1] - late[0] == timedelta(days=1)


# -- cases from intake -----------------------------------------------------------------------------

def test_a_case_is_received_once_and_reported_with_who_resolved_it(tx):
    data = {"case_id": 5, "tracking_code": "RC12345678", "community": C,
            "service_code": "matchmaking_registration", "description": "想给儿子登记",
            "resident": {"name": "孙阿姨", "phone": "13600000000"}}
    assert cases.receive(tx, data, NOW)["status"] == "accepted"
    case = cases.finish(tx, C, 5, STAFF, NOW, resolved=True, text="已约周六来站登记",
                         reply="请周六带身份证来服务站登记")
    assert case.state == "resolved" and case.handled_by == "王红娘"
    assert tx.published[-1]["data"]["reply"] == "请周六带身份证来服务站登记"
    with pytest.raises(DomainError) as err:
        cases.finish(tx, C, 5, STAFF, NOW, resolved=False, text="不归我们")
    assert code_of(err) == "case_closed"
    assert [a.action for a in views.history(tx.session, C, "case", 5)] == [
        "received", "resolved"]
