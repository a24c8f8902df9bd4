"""Members and the police station's verification, and phone consultations: the rules without a
broker, on SQLite. Every refusal is checked to have changed nothing."""
from datetime import date, timedelta

from sqlalchemy import select

from minzi.api import DomainError

from matchmaking.domain import consultations, members, views
from matchmaking.models import Activity

from .conftest import (
    LI_NA,
    MAN_22_TOMORROW,
    NOW,
    POLICE,
    STAFF,
    WANG_QIANG,
    ZHANG_WEI,
    C,
    couple,
    introduce,
    refused,
    register,
    snapshot,
    verify,
)


def verification(tx, member, when=NOW, **data):
    return members.record_verification(tx, C, member.id, {"result": "verified", **POLICE,
                                                          **data}, STAFF, when)


# -- registering -----------------------------------------------------------------------------------

def test_a_member_registers_pending_and_hidden_with_who_and_when(tx):
    member = register(tx)
    assert member.status == "pending" and member.created_by == "王红娘"
    assert member.registered_at == NOW
    (row,) = tx.session.scalars(select(Activity)).all()
    assert (row.entity, row.entity_id, row.action, row.actor, row.actor_id) == (
        "member", member.id, "registered", "王红娘", "7")


def test_the_same_id_number_or_phone_cannot_register_twice(tx):
    first = register(tx)
    with refused(tx, "member_exists", field="id_number", status=409) as err:
        register(tx, phone="13700000009")                    # the same person, another phone
    assert f"会员编号 {first.id}" in err.value.message_zh
    with refused(tx, "phone_in_use", field="phone", status=409):
        register(tx, WANG_QIANG, phone=ZHANG_WEI["phone"])  # another person, the same phone
    # a withdrawn member's phone may be used again; their ID number stays theirs
    members.withdraw_member(tx, C, first.id, "已找到对象", STAFF, NOW)
    assert register(tx, WANG_QIANG, phone=ZHANG_WEI["phone"]).status == "pending"
    with refused(tx, "member_exists"):
        register(tx, phone="13700000008")


# -- the police station's verification -------------------------------------------------------------

def test_a_rejected_verification_needs_a_reason_and_keeps_the_member_hidden(tx):
    member = register(tx)
    with refused(tx, "reason_required", field="reason", status=422):
        verification(tx, member, result="rejected")
    with refused(tx, "reason_required"):
        verification(tx, member, result="rejected", reason="   ")
    assert member.status == "pending"

    member, check = verification(tx, member, result="rejected", reason="身份证号与户籍信息不符")
    assert member.status == "rejected" and check.recorded_by == "王红娘"
    assert (check.police_station, check.officer) == ("朝阳分局彩虹城派出所", "刘警官")
    other = verify(tx, register(tx, LI_NA))
    assert views.candidates(tx.session, C, other.id, NOW) == []
    # a corrected record can be checked again
    later = NOW + timedelta(days=2)
    member = verify(tx, member, later)
    assert member.status == "verified" and len(member.verifications) == 2


def test_a_verified_member_is_not_verified_again(tx):
    member = verify(tx, register(tx))
    with refused(tx, "already_verified", status=409):
        verify(tx, member, NOW + timedelta(days=1))
    with refused(tx, "already_verified"):
        verification(tx, member, result="rejected", reason="再查一次")
    assert len(member.verifications) == 1


def test_a_check_cannot_be_in_the_future(tx):
    member = register(tx)
    with refused(tx, "in_future", field="checked_at", status=422):
        verification(tx, member, checked_at=NOW + timedelta(days=1))
    # a clock a few minutes fast is tolerated, more than five minutes is not
    with refused(tx, "in_future"):
        verification(tx, member, checked_at=NOW + timedelta(minutes=6))
    assert verification(tx, member, checked_at=NOW + timedelta(minutes=4))[0].status == "verified"


def test_a_time_five_minutes_ahead_is_a_fast_clock_and_a_moment_more_is_the_future(tx):
    member = register(tx)
    with refused(tx, "in_future") as err:
        verification(tx, member, checked_at=NOW + timedelta(minutes=5, microseconds=1))
    assert (err.value.message_zh, err.value.message_en) == (
        "时间不能在将来", "This time cannot be in the future")
    member, check = verification(tx, member, checked_at=NOW + timedelta(minutes=5))
    assert check.checked_at == NOW + timedelta(minutes=5)


def test_a_check_more_than_a_year_before_the_registration_is_refused(tx):
    member = register(tx)
    with refused(tx, "check_too_old", field="checked_at", status=422):
        verification(tx, member, checked_at=NOW - timedelta(days=366, minutes=1))
    member, check = verification(tx, member, checked_at=NOW - timedelta(days=366))
    assert member.status == "verified" and check.checked_at == NOW - timedelta(days=366)


# -- changing and withdrawing ----------------------------------------------------------------------

def test_changing_who_a_member_is_sends_them_back_to_the_police(tx):
    man, woman = couple(tx)
    member = members.update_member(tx, C, man.id, {"occupation": "教师"}, STAFF, NOW)
    assert member.status == "verified"                       # a profile change keeps the check
    member = members.update_member(tx, C, man.id, {"name": "张伟民"}, STAFF, NOW)
    assert member.status == "pending" and member.verified_at is None
    actions = [a.action for a in views.history(tx.session, C, "member", man.id)]
    assert actions[-2:] == ["updated", "verification_reset"]
    with refused(tx, "member_not_verified"):
        introduce(tx, woman, man)


def test_a_change_to_the_same_values_writes_nothing(tx):
    member = register(tx)
    before = snapshot(tx)
    same = {"name": "张伟", "phone": ZHANG_WEI["phone"], "occupation": "工程师"}
    assert members.update_member(tx, C, member.id, same, STAFF, NOW) is member
    assert snapshot(tx) == before


def test_a_change_is_checked_as_a_registration_is(tx):
    member = register(tx)
    other = register(tx, LI_NA)
    with refused(tx, "member_not_found", status=404):
        members.update_member(tx, C, 999, {"occupation": "教师"}, STAFF, NOW)
    with refused(tx, "birth_date_mismatch", field="birth_date"):
        members.update_member(tx, C, member.id, {"birth_date": date(1994, 5, 13)}, STAFF, NOW)
    with refused(tx, "gender_mismatch", field="gender"):
        members.update_member(tx, C, member.id, {"gender": "female"}, STAFF, NOW)
    too_young = {key: MAN_22_TOMORROW[key] for key in ("birth_date", "id_number")}
    with refused(tx, "under_marriage_age", field="birth_date"):
        members.update_member(tx, C, member.id, too_young, STAFF, NOW)
    her_identity = {key: LI_NA[key] for key in ("gender", "birth_date", "id_number")}
    with refused(tx, "member_exists", field="id_number") as err:
        members.update_member(tx, C, member.id, her_identity, STAFF, NOW)
    assert f"会员编号 {other.id}" in err.value.message_zh
    with refused(tx, "phone_in_use", field="phone"):
        members.update_member(tx, C, member.id, {"phone": LI_NA["phone"]}, STAFF, NOW)


def test_a_member_withdraws_once_and_is_then_left_alone(tx):
    member = verify(tx, register(tx))
    members.withdraw_member(tx, C, member.id, "已找到对象", STAFF, NOW)
    assert (member.status, member.withdrawn_reason) == ("withdrawn", "已找到对象")
    with refused(tx, "member_withdrawn", status=409):
        members.withdraw_member(tx, C, member.id, "再退一次", STAFF, NOW)
    with refused(tx, "member_withdrawn"):
        members.update_member(tx, C, member.id, {"occupation": "教师"}, STAFF, NOW)
    with refused(tx, "member_withdrawn"):
        verification(tx, member, result="rejected", reason="已退出")


def test_members_of_another_community_are_not_found(tx):
    member = register(tx)
    with refused(tx, "member_not_found", status=404):
        members.get_member(tx.session, member.id, "maple-court")
    with refused(tx, "member_not_found"):
        members.withdraw_member(tx, "maple-court", member.id, "不是本社区的", STAFF, NOW)
    with refused(tx, "member_not_found"):
        members.record_verification(tx, "maple-court", member.id,
                                    {"result": "verified", **POLICE}, STAFF, NOW)


# -- phone consultations ---------------------------------------------------------------------------

def test_a_phone_consultation_from_a_member_or_anyone(tx):
    member = register(tx)
    call = consultations.log_consultation(tx, C, {"phone": "13800000001", "member_id": member.id,
                                                  "topic": "follow_up"}, STAFF, NOW)
    assert call.caller_name == "张伟" and call.staff_name == "王红娘"
    stranger = consultations.log_consultation(
        tx, C, {"phone": "010-88886666", "topic": "registration", "caller_name": "孙阿姨",
                "notes": "替女儿问登记"}, STAFF, NOW)
    assert stranger.member_id is None and stranger.called_at == NOW
    with refused(tx, "unknown_member", field="member_id", status=422):
        consultations.log_consultation(tx, C, {"phone": "13800000001", "member_id": 404,
                                               "topic": "other"}, STAFF, NOW)
    with refused(tx, "unknown_member", field="member_id"):      # another community's member
        consultations.log_consultation(tx, "maple-court", {
            "phone": "13800000001", "member_id": member.id, "topic": "other"}, STAFF, NOW)
    with refused(tx, "in_future", field="called_at"):
        consultations.log_consultation(tx, C, {"phone": "13800000001", "topic": "other",
                                               "called_at": NOW + timedelta(hours=1)},
                                       STAFF, NOW)


def test_a_consultation_keeps_what_staff_typed_and_is_on_the_record(tx):
    member = register(tx)
    later = NOW + timedelta(hours=2)
    call = consultations.log_consultation(
        tx, C, {"phone": "13800000001", "member_id": member.id, "topic": "relationship",
                "caller_name": "张伟的母亲", "staff_name": "李老师", "notes": "问见面安排"},
        STAFF, later)
    assert (call.caller_name, call.staff_name, call.notes, call.member_id) == (
        "张伟的母亲", "李老师", "问见面安排", member.id)
    assert call.created_by == "王红娘"                       # who typed it in
    unnamed = consultations.log_consultation(tx, C, {"phone": "010-88886666", "topic": "other"},
                                             STAFF, later)
    assert (unnamed.caller_name, unnamed.member_id, unnamed.notes) == (None, None, None)
    assert [(a.action, a.actor, a.at.hour) for a in views.history(
        tx.session, C, "consultation", call.id)] == [("logged", "王红娘", 4)]


def test_a_change_and_a_withdrawal_name_who_made_them(tx):
    member = register(tx)
    clerk = {**STAFF, "id": 8, "name": "李红娘"}
    later = NOW + timedelta(hours=1)
    members.update_member(tx, C, member.id, {"occupation": "教师"}, clerk, later)
    assert (member.updated_by, member.updated_at, member.created_by) == ("李红娘", later, "王红娘")
    members.withdraw_member(tx, C, member.id, "已找到对象", {**STAFF, "name": "赵红娘"}, later)
    assert member.updated_by == "赵红娘"
    refusals = {}
    for step in (lambda: members.withdraw_member(tx, C, member.id, "再退", STAFF, later),
                 lambda: members.get_member(tx.session, 999, C),
                 lambda: members.get_member(tx.session, 999, C, field="member_id")):
        try:
            step()
        except DomainError as err:
            refusals[err.code] = (err.message_zh, err.message_en)
    assert refusals == {"member_withdrawn": ("这位会员已经退出", "This member has withdrawn"),
                        "member_not_found": ("没有编号为 999 的会员", "No member 999"),
                        "unknown_member": ("没有编号为 999 的会员", "No member 999")}


def test_a_verification_names_who_recorded_it_and_is_on_the_record_with_the_station(tx):
    member = register(tx)
    clerk = {**STAFF, "id": 8, "name": "李红娘"}
    later = NOW + timedelta(hours=1)
    member, check = members.record_verification(
        tx, C, member.id, {"result": "rejected", "reason": " 照片不清 ", **POLICE}, clerk, later)
    assert (check.recorded_by, check.recorded_by_id, check.reason, check.recorded_at) == (
        "李红娘", "8", "照片不清", later)
    assert (member.updated_by, member.updated_at, member.verified_at) == ("李红娘", later, None)
    last = views.history(tx.session, C, "member", member.id)[-1]
    assert (last.action, last.actor, last.actor_id, last.detail) == (
        "rejected", "李红娘", "8", {"verification_id": check.id,
                                   "police_station": "朝阳分局彩虹城派出所",
                                   "officer": "刘警官", "reason": "照片不清"})
    # a verification needs no reason; one given is kept
    member, check = verification(tx, member, later, reason="已当面核对")
    assert (member.status, check.reason) == ("verified", "已当面核对")


def test_a_new_id_number_alone_sends_a_verified_member_back_to_the_police(tx):
    member = verify(tx, register(tx))
    # 张伟's birth date and a man's 17th digit, another sequence number:
    # 7+9+0+5+0+20+2+9+54+12+0+45+10+10+16+4+10 = 213 = 19*11 + 4 -> 8
    member = members.update_member(tx, C, member.id, {"id_number": "110105199405122158"},
                                   STAFF, NOW)
    assert (member.status, member.id_number) == ("pending", "110105199405122158")
    assert [(a.action, a.detail) for a in views.history(tx.session, C, "member", member.id)][
        -2:] == [("updated", {"fields": ["id_number"]}),
                 ("verification_reset", {"fields": ["id_number"]})]


def test_a_member_becoming_another_person_lists_every_identity_field_changed(tx):
    member = verify(tx, register(tx))
    her = {key: LI_NA[key] for key in ("name", "gender", "birth_date", "id_number")}
    member = members.update_member(tx, C, member.id, {**her, "occupation": "教师"}, STAFF, NOW)
    assert member.status == "pending"
    assert [(a.action, a.detail) for a in views.history(tx.session, C, "member", member.id)][
        -2:] == [("updated", {"fields": ["birth_date", "gender", "id_number", "name",
                                         "occupation"]}),
                 ("verification_reset", {"fields": ["birth_date", "gender", "id_number",
                                                    "name"]})]


def test_a_phone_in_use_names_the_member_it_belongs_to(tx):
    first = register(tx)
    with refused(tx, "phone_in_use") as err:
        register(tx, WANG_QIANG, phone=ZHANG_WEI["phone"])
    assert (err.value.message_zh, err.value.message_en) == (
        f"这个电话号码已经是另一位会员的（会员编号 {first.id}）",
        f"This phone number belongs to another member (member {first.id})")
    with refused(tx, "member_exists") as err:
        register(tx, phone="13700000008")
    assert err.value.message_en == f"This ID number is already registered (member {first.id})"


def test_each_refusal_of_a_verification_says_why_in_both_languages(tx):
    member = register(tx)

    def said(**data):
        with refused(tx, data.pop("code")) as err:
            verification(tx, member, **data)
        return err.value.message_zh, err.value.message_en
    assert said(code="reason_required", result="rejected") == (
        "核实未通过时请写明原因", "Say why the verification failed")
    assert said(code="check_too_old", checked_at=NOW - timedelta(days=367)) == (
        "核实时间早于登记一年以上，请重新核实",
        "The check is more than a year older than the registration")
    verify(tx, member)
    assert said(code="already_verified") == (
        "这位会员的身份已经核实过了", "This member's identity is already verified")
