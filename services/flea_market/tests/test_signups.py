"""Stalls: once per market per resident, never more than the stalls, the lowest number free,
cancelled before the day; each refusal named, nothing changed."""
from datetime import timedelta

from flea_market.domain import markets, signups

from .conftest import NOW, STAFF, TODAY, C, plan, refused, resident, sign


def test_stalls_are_numbered_from_one_and_a_cancelled_number_goes_to_the_next_resident(tx):
    market = plan(tx)                                       # 3 stalls, on 28 November
    wang = sign(tx, market)
    li = sign(tx, market, name="李大爷", phone="13900002222", goods=None)
    assert [(s.stall_no, s.name, s.state, s.created_by) for s in (wang, li)] == [
        (1, "王阿姨", "signed_up", "周站长"), (2, "李大爷", "signed_up", "周站长")]
    signups.cancel(tx, C, wang.id, {"reason": "临时有事"}, STAFF, NOW)
    assert (wang.state, wang.cancel_reason, wang.cancelled_at) == ("cancelled", "临时有事", NOW)
    zhao = sign(tx, market, name="赵奶奶", phone="13900003333")
    assert zhao.stall_no == 1                                # the freed stall
    sun = sign(tx, market, name="孙叔", phone="13900004444")
    assert sun.stall_no == 3
    assert [s.stall_no for s in signups.standing(tx.session, market.id)] == [1, 2, 3]
    assert [s.id for s in signups.list_signups(tx.session, market.id)] == [
        wang.id, li.id, zhao.id, sun.id]
    assert [h["action"] for h in market.history] == [
        "planned", "signup", "signup", "signup_cancelled", "signup", "signup"]


def test_a_resident_signs_up_once_per_market_however_the_phone_is_typed(tx):
    market, other = plan(tx), plan(tx, TODAY + timedelta(days=7))
    sign(tx, market)
    with refused(tx, "already_signed_up", field="phone", status=409,
                 zh="这位居民已报名本次市场，摊位号 1",
                 en="This resident already has stall 1 at this market"):
        sign(tx, market, name="王阿姨（女儿代报）", phone="139-0000-1111")
    # another market is another sign-up
    assert sign(tx, other).stall_no == 1


def test_a_resident_who_cancelled_may_sign_up_again(tx):
    market = plan(tx)
    first = sign(tx, market)
    signups.cancel(tx, C, first.id, {}, STAFF, NOW)
    assert sign(tx, market).stall_no == 1


def test_a_full_market_takes_no_more_stalls(tx):
    market = plan(tx, stall_count=2)
    sign(tx, market)
    sign(tx, market, name="李大爷", phone="13900002222")
    with refused(tx, "market_full", field="market_id", status=409,
                 zh="本次市场的 2 个摊位已报满", en="All 2 stalls of this market are taken"):
        sign(tx, market, name="赵奶奶", phone="13900003333")


def test_sign_ups_close_on_the_day_and_when_the_market_is_held_or_cancelled(tx):
    today = plan(tx, TODAY)
    with refused(tx, "signup_closed", field="market_id", status=409,
                 zh="2026-11-27 的跳蚤市场已停止报名",
                 en="Sign-ups for the market of 2026-11-27 are closed"):
        sign(tx, today)
    called_off = plan(tx)
    markets.cancel(tx, C, called_off.id, {"reason": "下雨"}, STAFF, NOW)
    with refused(tx, "signup_closed"):
        sign(tx, called_off)
    with refused(tx, "market_not_found", field="market_id"):
        signups.sign_up(tx, C, 99, resident(), STAFF, NOW)


def test_a_sign_up_needs_a_phone(tx):
    market = plan(tx)
    with refused(tx, "phone_required", field="phone", zh="报名摊位需要居民的电话",
                 en="A stall needs the resident's phone"):
        signups.sign_up(tx, C, market.id, resident(phone=None), STAFF, NOW)
    with refused(tx, "phone_required"):
        signups.sign_up(tx, C, market.id, resident(phone="无"), STAFF, NOW)


def test_a_stall_is_cancelled_before_the_day_and_once(tx):
    market = plan(tx)                                        # on 28 November
    stall = sign(tx, market)
    the_day = NOW + timedelta(days=1)                        # 10:00 on the 28th
    with refused(tx, "too_late_to_cancel", field="signup_id", status=409,
                 zh="摊位须在市场当天（2026-11-28）之前取消"):
        signups.cancel(tx, C, stall.id, {}, STAFF, the_day)
    # 23:59 on the 27th in Beijing is still before the day
    last_minute = NOW + timedelta(hours=13, minutes=59)
    signups.cancel(tx, C, stall.id, {"reason": None}, STAFF, last_minute)
    with refused(tx, "already_cancelled", field="signup_id", status=409,
                 zh=f"摊位报名 {stall.id} 已经取消"):
        signups.cancel(tx, C, stall.id, {}, STAFF, NOW)


def test_a_held_markets_stalls_are_not_cancelled(tx):
    market = plan(tx)
    stall = sign(tx, market)
    later = NOW + timedelta(days=1)
    markets.hold(tx, C, market.id, {"participants": 500}, STAFF, later)
    with refused(tx, "too_late_to_cancel"):
        signups.cancel(tx, C, stall.id, {}, STAFF, later)


def test_another_communitys_sign_up_is_not_found(tx):
    stall = sign(tx, plan(tx))
    with refused(tx, "signup_not_found", field="signup_id", status=404,
                 zh=f"没有编号为 {stall.id} 的摊位报名"):
        signups.cancel(tx, "maple-court", stall.id, {}, STAFF, NOW)
    with refused(tx, "signup_not_found"):
        signups.cancel(tx, C, 99, {}, STAFF, NOW)


def test_the_resident_key_is_the_phones_digits():
    assert signups.resident_key("+86 139-0000 1111") == "8613900001111"
    assert signups.resident_key(None) == ""


def test_a_cancelled_stall_is_on_the_markets_record_with_who_when_and_why(tx):
    market = plan(tx)
    stall = sign(tx, market, name="孙叔", phone="13900004444")
    later = NOW + timedelta(hours=4)
    signups.cancel(tx, C, stall.id, {"reason": "腰疼来不了"}, STAFF, later)
    assert (stall.cancelled_by, stall.cancelled_at) == ("周站长", later)
    assert market.history[-1] == {"at": "2026-11-27T06:00:00Z", "by": "周站长",
                                  "action": "signup_cancelled", "note": "腰疼来不了",
                                  "stall_no": 1}


def test_the_refusals_to_cancel_a_stall_are_in_english_too(tx):
    market = plan(tx)
    stall = sign(tx, market)
    with refused(tx, "too_late_to_cancel",
                 en="A stall is cancelled before the market's day (2026-11-28)"):
        signups.cancel(tx, C, stall.id, {}, STAFF, NOW + timedelta(days=1))
    signups.cancel(tx, C, stall.id, {}, STAFF, NOW)
    with refused(tx, "already_cancelled",
                 en=f"Stall sign-up {stall.id} is already cancelled"):
        signups.cancel(tx, C, stall.id, {}, STAFF, NOW)


def test_a_sign_up_not_found_is_said_in_english_too(tx):
    with refused(tx, "signup_not_found", en="No stall sign-up number 42"):
        signups.cancel(tx, C, 42, {}, STAFF, NOW)
