"""The verification gate, candidates, introductions and how they went: the rules without a
broker, on SQLite. Every refusal is checked to have changed nothing."""
from datetime import timedelta

from sqlalchemy import func, select

from minzi.api import DomainError

from matchmaking.domain import introductions, members, views
from matchmaking.models import Introduction, OutcomeStep

from .conftest import (
    CHEN_JING,
    LI_NA,
    NOW,
    POLICE,
    STAFF,
    STANDARD_EXAMPLE,
    WANG_QIANG,
    ZHAO_MIN,
    C,
    couple,
    introduce,
    person,
    refused,
    register,
    verify,
)


def count(tx, model):
    return tx.session.scalar(select(func.count()).select_from(model))


def candidate_ids(tx, member, **ages):
    return [m.id for m in views.candidates(tx.session, C, member.id, NOW, **ages)]


def outcome(tx, intro, step, when, **data):
    return introductions.set_outcome(tx, C, intro.id, {"outcome": step, **data}, STAFF, when)


# -- the verification gate -------------------------------------------------------------------------

def test_an_unverified_member_cannot_be_introduced_nor_listed(tx):
    man = verify(tx, register(tx))
    woman = register(tx, LI_NA)
    with refused(tx, "member_not_verified", field="second_member_id", status=409) as err:
        introduce(tx, man, woman)
    assert "派出所" in err.value.message_zh
    with refused(tx, "member_not_verified", field="first_member_id"):
        introduce(tx, woman, man)
    assert count(tx, Introduction) == 0
    # nobody sees her, and she is shown nobody
    assert candidate_ids(tx, man) == []
    with refused(tx, "member_not_verified", field="member_id"):
        views.candidates(tx.session, C, woman.id, NOW)

    members.record_verification(tx, C, woman.id, {"result": "verified", **POLICE}, STAFF, NOW)
    assert candidate_ids(tx, man) == [woman.id]
    assert introduce(tx, man, woman).outcome == "pending"


def test_a_withdrawn_member_is_hidden_and_cannot_be_introduced(tx):
    man, woman = couple(tx)
    members.withdraw_member(tx, C, woman.id, "不再需要", STAFF, NOW)
    assert candidate_ids(tx, man) == []
    with refused(tx, "member_withdrawn", field="second_member_id", status=409):
        introduce(tx, man, woman)
    with refused(tx, "member_withdrawn", field="member_id"):
        views.candidates(tx.session, C, woman.id, NOW)


# -- candidates ------------------------------------------------------------------------------------

def test_a_member_is_shown_candidates_of_the_other_gender_only(tx):
    zhang, li_na = couple(tx)
    wang = verify(tx, register(tx, WANG_QIANG))
    zhao = verify(tx, register(tx, ZHAO_MIN))
    assert candidate_ids(tx, zhang) == [li_na.id, zhao.id]
    assert candidate_ids(tx, wang) == [li_na.id, zhao.id]
    assert candidate_ids(tx, li_na) == [zhang.id, wang.id]
    assert candidate_ids(tx, zhao) == [zhang.id, wang.id]


def test_candidates_are_members_of_the_same_community_only(tx):
    zhang, li_na = couple(tx)
    # 赵敏 verified in another community: she is theirs to introduce, not ours
    elsewhere = members.register_member(tx, "maple-court", person(ZHAO_MIN), STAFF, NOW)
    members.record_verification(tx, "maple-court", elsewhere.id,
                                {"result": "verified", **POLICE}, STAFF, NOW)
    assert candidate_ids(tx, zhang) == [li_na.id]
    # nor is one of ours shown to them, nor theirs looked up from here
    assert views.candidates(tx.session, "maple-court", elsewhere.id, NOW) == []
    with refused(tx, "member_not_found", status=404):
        views.candidates(tx.session, C, elsewhere.id, NOW)


def test_candidates_leave_out_whom_the_member_is_open_with_either_way_round(tx):
    zhang, li_na = couple(tx)
    wang = verify(tx, register(tx, WANG_QIANG))
    zhao = verify(tx, register(tx, ZHAO_MIN))
    chen = verify(tx, register(tx, CHEN_JING))
    introduce(tx, zhang, li_na)             # 张伟 named first
    introduce(tx, zhao, zhang)              # 张伟 named second
    introduce(tx, wang, chen)               # two others: nothing to do with 张伟
    assert candidate_ids(tx, zhang) == [chen.id]
    assert candidate_ids(tx, li_na) == [wang.id]
    assert candidate_ids(tx, zhao) == [wang.id]
    assert candidate_ids(tx, chen) == [zhang.id]


def test_the_age_range_goes_on_past_a_candidate_outside_it(tx):
    # ages on 27 November 2026, counted by hand: 李娜 (8 March 1996) 30, 赵敏 (1 July 1995) 31,
    # 陈静 (9 September 1993) 33, registered in that order, youngest first
    man, li_na = couple(tx)
    zhao, chen = (verify(tx, register(tx, who)) for who in (ZHAO_MIN, CHEN_JING))
    assert candidate_ids(tx, man, age_from=33) == [chen.id]   # after two who are too young
    assert candidate_ids(tx, man, age_from=31) == [zhao.id, chen.id]
    # the oldest is left out, and only she
    assert candidate_ids(tx, man, age_to=31) == [li_na.id, zhao.id]


def test_candidates_within_an_age_range(tx):
    # ages on 27 November 2026, counted by hand: 李娜 (8 March 1996) 30, 赵敏 (1 July 1995) 31,
    # 陈静 (9 September 1993) 33, 孙秀兰 (31 December 1949) 76
    man, li_na = couple(tx)
    zhao, chen, sun = (verify(tx, register(tx, who))
                       for who in (ZHAO_MIN, CHEN_JING, STANDARD_EXAMPLE))
    assert candidate_ids(tx, man) == [li_na.id, zhao.id, chen.id, sun.id]
    assert candidate_ids(tx, man, age_from=31, age_to=33) == [zhao.id, chen.id]
    assert candidate_ids(tx, man, age_from=34) == [sun.id]
    assert candidate_ids(tx, man, age_to=30) == [li_na.id]


# -- introductions and their outcomes --------------------------------------------------------------

def test_an_introduction_moves_forward_to_marriage_with_its_history(tx):
    man, woman = couple(tx)
    intro = introduce(tx, man, woman)
    assert intro.open_pair == f"{man.id}:{woman.id}"
    with refused(tx, "introduction_open", field="second_member_id", status=409):
        introduce(tx, woman, man)                           # the same pair, either way round
    for step, days in (("met", 3), ("dating", 10)):
        intro = outcome(tx, intro, step, NOW + timedelta(days=days), note=step)
    with refused(tx, "outcome_backwards", field="outcome", status=409):
        outcome(tx, intro, "met", NOW + timedelta(days=11))
    with refused(tx, "outcome_backwards"):
        outcome(tx, intro, "dating", NOW + timedelta(days=11))   # not the same stage again
    intro = outcome(tx, intro, "married", NOW + timedelta(days=200))
    assert [s.outcome for s in intro.steps] == ["pending", "met", "dating", "married"]
    assert intro.open_pair is None and intro.updated_by == "王红娘"
    with refused(tx, "introduction_closed", field="outcome", status=409):
        outcome(tx, intro, "ended", NOW + timedelta(days=201))
    # married through the studio: not introduced again, not a candidate
    third = verify(tx, register(tx, ZHAO_MIN))
    with refused(tx, "member_married", field="first_member_id", status=409) as err:
        introduce(tx, man, third, NOW + timedelta(days=202))
    assert (err.value.message_zh, err.value.message_en) == (
        f"会员 {man.id} 已经通过工作室结婚", f"Member {man.id} has married through the studio")
    with refused(tx, "member_married", field="second_member_id"):
        introduce(tx, third, woman, NOW + timedelta(days=202))
    assert candidate_ids(tx, third) == []


def test_an_ended_introduction_is_final_and_lets_the_pair_be_introduced_again(tx):
    man, woman = couple(tx)
    intro = introduce(tx, man, woman)
    assert candidate_ids(tx, man) == []                     # already introduced
    outcome(tx, intro, "ended", NOW, note="性格不合")
    with refused(tx, "introduction_closed"):
        outcome(tx, intro, "met", NOW + timedelta(days=1))
    assert candidate_ids(tx, man) == [woman.id]
    assert introduce(tx, man, woman).id != intro.id


def test_someone_married_through_the_studio_cannot_marry_again(tx):
    man, woman = couple(tx)
    other = verify(tx, register(tx, ZHAO_MIN))
    first = introduce(tx, man, woman)
    second = introduce(tx, man, other)                       # two open introductions at once
    outcome(tx, second, "married", NOW + timedelta(days=30))
    with refused(tx, "member_married", field="outcome", status=409) as err:
        outcome(tx, first, "married", NOW + timedelta(days=31))
    assert (err.value.message_zh, err.value.message_en) == (
        f"会员 {man.id} 已经通过工作室结婚", f"Member {man.id} has married through the studio")
    assert first.outcome == "pending"


def test_introduction_input_mistakes_are_named_and_change_nothing(tx):
    man, woman = couple(tx)
    with refused(tx, "same_member", field="second_member_id", status=422):
        introduce(tx, man, man)
    with refused(tx, "unknown_member", field="second_member_id", status=422):
        introductions.introduce(tx, C, {"first_member_id": man.id, "second_member_id": 999},
                                STAFF, NOW)
    with refused(tx, "unknown_member", field="first_member_id"):
        introductions.introduce(tx, C, {"first_member_id": 998, "second_member_id": man.id},
                                STAFF, NOW)
    with refused(tx, "in_future", field="introduced_at", status=422):
        introductions.introduce(tx, C, {"first_member_id": man.id, "second_member_id": woman.id,
                                        "introduced_at": NOW + timedelta(days=1)}, STAFF, NOW)
    intro = introduce(tx, man, woman)
    with refused(tx, "before_last_outcome", field="at", status=422):
        outcome(tx, intro, "met", NOW, at=NOW - timedelta(days=1))
    with refused(tx, "in_future", field="at"):
        outcome(tx, intro, "met", NOW, at=NOW + timedelta(days=1))
    assert count(tx, Introduction) == 1 and count(tx, OutcomeStep) == 1


def test_an_introduction_of_another_community_is_not_found(tx):
    man, woman = couple(tx)
    intro = introduce(tx, man, woman)
    with refused(tx, "introduction_not_found", status=404):
        introductions.get_introduction(tx.session, intro.id, "maple-court")
    with refused(tx, "introduction_not_found"):
        introductions.set_outcome(tx, "maple-court", intro.id, {"outcome": "met"}, STAFF, NOW)
    with refused(tx, "introduction_not_found"):
        introductions.set_outcome(tx, C, intro.id + 1, {"outcome": "met"}, STAFF, NOW)


def test_an_introductions_history_says_who_moved_it_from_where(tx):
    man, woman = couple(tx)
    intro = introduce(tx, man, woman)
    outcome(tx, intro, "met", NOW + timedelta(days=1), note="在公园见面")
    outcome(tx, intro, "ended", NOW + timedelta(days=2))
    assert [(a.action, a.actor, a.detail, a.at.day) for a in views.history(
        tx.session, C, "introduction", intro.id)] == [
        ("introduced", "王红娘", {"first_member_id": man.id, "second_member_id": woman.id}, 27),
        ("outcome_met", "王红娘", {"previous": "pending", "note": "在公园见面"}, 28),
        ("outcome_ended", "王红娘", {"previous": "met", "note": None}, 29)]


def test_each_refusal_of_an_introduction_says_why_in_both_languages(tx):
    man, woman = couple(tx)
    pending = register(tx, ZHAO_MIN)

    def said(step):
        before = count(tx, OutcomeStep)
        try:
            step()
        except DomainError as err:
            assert count(tx, OutcomeStep) == before
            return err.message_zh, err.message_en
        raise AssertionError("not refused")
    assert said(lambda: introduce(tx, man, man)) == (
        "不能把会员介绍给自己", "A member cannot be introduced to themselves")
    assert said(lambda: introduce(tx, man, pending)) == (
        f"会员 {pending.id} 的身份尚未经派出所核实，不能介绍或展示给其他会员",
        f"Member {pending.id}'s identity has not been verified with the police station: they "
        "cannot be introduced or shown to other members")
    intro = introduce(tx, man, woman)
    assert said(lambda: introduce(tx, woman, man)) == (
        f"这两位会员已经有一次进行中的介绍（编号 {intro.id}）",
        f"These two members already have an open introduction ({intro.id})")
    outcome(tx, intro, "dating", NOW + timedelta(days=1))
    assert said(lambda: outcome(tx, intro, "met", NOW + timedelta(days=2))) == (
        "不能从“交往中”改为“已见面”", "Cannot go from dating to met")
    assert said(lambda: outcome(tx, intro, "married", NOW + timedelta(days=2),
                                at=NOW)) == (
        "时间不能早于上一次进展", "This cannot be earlier than the last change")
    outcome(tx, intro, "ended", NOW + timedelta(days=2))
    assert said(lambda: outcome(tx, intro, "met", NOW + timedelta(days=3))) == (
        "这次介绍已经是“已结束”，不能再改", "This introduction is already ended")
    members.withdraw_member(tx, C, woman.id, "不再需要", STAFF, NOW + timedelta(days=3))
    assert said(lambda: introduce(tx, man, woman, NOW + timedelta(days=3))) == (
        f"会员 {woman.id} 已经退出", f"Member {woman.id} has withdrawn")
    assert said(lambda: introductions.get_introduction(tx.session, intro.id + 9, C)) == (
        f"没有编号为 {intro.id + 9} 的介绍", f"No introduction {intro.id + 9}")


def test_an_introduction_typed_in_later_keeps_when_it_happened_and_when_it_was_typed(tx):
    man, woman = couple(tx)
    two_days_ago, yesterday = NOW - timedelta(days=2), NOW - timedelta(days=1)
    intro = introductions.introduce(tx, C, {"first_member_id": man.id,
                                            "second_member_id": woman.id,
                                            "introduced_at": two_days_ago}, STAFF, NOW)
    shown = views.introduction_view(intro, "zh")
    # NOW is 02:00 UTC on 27 November; two days earlier is the 25th, one day the 26th
    assert (shown["introduced_at"], shown["outcome_at"], shown["updated_at"], shown["note"]) == (
        "2026-11-25T02:00:00Z", "2026-11-25T02:00:00Z", "2026-11-27T02:00:00Z", None)
    later = NOW + timedelta(hours=1)
    intro = outcome(tx, intro, "met", later, at=yesterday, note="在公园见面")
    shown = views.introduction_view(intro, "zh")
    assert (shown["outcome"], shown["outcome_at"], shown["updated_at"]) == (
        "met", "2026-11-26T02:00:00Z", "2026-11-27T03:00:00Z")
    assert [(s["outcome"], s["at"], s["recorded_at"], s["recorded_by"], s["note"])
            for s in shown["history"]] == [
        ("pending", "2026-11-25T02:00:00Z", "2026-11-27T02:00:00Z", "王红娘", None),
        ("met", "2026-11-26T02:00:00Z", "2026-11-27T03:00:00Z", "王红娘", "在公园见面")]
    # the next step may not be earlier than yesterday, when they met
    with refused(tx, "before_last_outcome"):
        outcome(tx, intro, "dating", later, at=yesterday - timedelta(minutes=1))
    assert outcome(tx, intro, "dating", later, at=yesterday).outcome == "dating"
