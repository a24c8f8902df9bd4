"""What the staff API shows: a market with its stalls, a sign-up and a case, in Chinese and
English, a resident's name and phone in full for the flea market's staff and masked for an
admin."""
from minzi.testing import dispatched_case

from flea_market.domain import cases, views

from .conftest import NOW, STAFF, plan, sign


def test_a_market_as_staff_see_it(tx):
    market = plan(tx)
    sign(tx, market)
    view = views.market_view(market, "zh", stalls_taken=1)
    assert view == {
        "id": market.id, "community": "rainbow-city", "day": "2026-11-28",
        "place": "彩虹城文化广场", "theme": "闲置物品置换", "charity": False, "beneficiary": None,
        "stall_count": 3, "stalls_taken": 1, "stalls_free": 2, "state": "planned",
        "state_name": "筹备中", "participants": None, "counted_by": None, "counted_at": None,
        "cancel_reason": None, "created_by": "周站长", "created_at": "2026-11-27T02:00:00Z",
        "history": [{"at": "2026-11-27T02:00:00Z", "by": "周站长", "action": "planned",
                     "note": None, "action_name": "安排市场"},
                    {"at": "2026-11-27T02:00:00Z", "by": "周站长", "action": "signup",
                     "note": None, "stall_no": 1, "action_name": "摊位报名"}]}
    en = views.market_view(market, "en", stalls_taken=4)
    assert (en["state_name"], en["stalls_free"], en["history"][0]["action_name"]) == (
        "Planned", 0, "Planned")


def test_a_sign_up_in_full_for_staff_and_masked_for_an_admin(tx):
    stall = sign(tx, plan(tx))
    full = views.signup_view(stall, "zh", views.FULL)
    assert full == {"id": stall.id, "market_id": stall.market_id, "stall_no": 1,
                    "name": "王阿姨", "phone": "13900001111", "goods": "旧书和玩具",
                    "state": "signed_up", "state_name": "已报名", "case_id": None,
                    "created_by": "周站长", "created_at": "2026-11-27T02:00:00Z",
                    "cancelled_by": None, "cancelled_at": None, "cancel_reason": None}
    masked = views.signup_view(stall, "en", views.MASKED)
    assert (masked["name"], masked["phone"], masked["state_name"]) == (
        "王**", "139****1111", "Signed up")


def test_a_case_in_full_for_staff_and_masked_for_an_admin(tx):
    cases.receive(tx, dispatched_case("flea_market", "flea_market_swap",
                                      resident={"name": "刘女士", "phone": "13700001234"},
                                      attributes={"kind": "swap"}), NOW)
    case = cases.get_case(tx.session, 1, STAFF)
    full = views.case_view(case, "zh", views.FULL)
    assert full == {"case_id": 1, "tracking_code": "TEST000001", "community": "rainbow-city",
                    "service_code": "flea_market_swap", "state": "received",
                    "description": "居民来访求助",
                    "resident": {"name": "刘女士", "phone": "13700001234"},
                    "attributes": {"kind": "swap"}, "chases": 0, "result": None,
                    "handled_by": None, "signup_id": None,
                    "received_at": "2026-11-27T02:00:00Z",
                    "history": [{"at": "2026-11-27T02:00:00Z", "by": "intake",
                                 "action": "received", "note": None,
                                 "action_name": "收到诉求"}]}
    masked = views.case_view(case, "en", views.MASKED)
    assert masked["resident"] == {"name": "刘**", "phone": "137****1234"}
    assert masked["history"][0]["action_name"] == "Received"
    case.resident = {}
    assert views.case_view(case, "zh", views.MASKED)["resident"] == {"name": None,
                                                                      "phone": None}


def test_a_held_market_shows_who_counted_and_when_and_a_cancelled_stall_when(tx):
    from datetime import timedelta

    from flea_market.domain import markets, signups

    market = plan(tx)
    stall = sign(tx, market)
    signups.cancel(tx, "rainbow-city", stall.id, {"reason": "有事"}, STAFF,
                   NOW + timedelta(hours=3))
    cancelled = views.signup_view(stall, "zh", views.FULL)
    assert (cancelled["state_name"], cancelled["cancelled_by"], cancelled["cancelled_at"],
            cancelled["cancel_reason"]) == ("已取消", "周站长", "2026-11-27T05:00:00Z", "有事")
    markets.hold(tx, "rainbow-city", market.id, {"participants": 505}, STAFF,
                 NOW + timedelta(days=1))
    held = views.market_view(market, "zh")          # no stall counted: all free
    assert (held["state_name"], held["participants"], held["counted_by"], held["counted_at"],
            held["stalls_taken"], held["stalls_free"]) == (
        "已举办", 505, "周站长", "2026-11-28T02:00:00Z", 0, 3)
