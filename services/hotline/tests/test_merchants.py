"""Merchants and their vetting: registered with a valid credit code, the licence checked by
staff, the agreement signed; offered to residents only then and while not suspended. Each
refusal with its code, field and words, and nothing changed."""
from datetime import timedelta

from hotline.domain import merchants
from hotline.domain.activity import history

from .conftest import (
    BAIDU,
    HUAWEI,
    MAPLE_STAFF,
    NOW,
    STAFF,
    TODAY,
    XIAOMI,
    C,
    merchant_data,
    refused,
    signed,
)


def test_a_merchant_is_offered_only_once_vetted_and_signed(tx):
    merchant = merchants.register(tx, C, merchant_data(categories=["domestic_help",
                                                                    "domestic_help",
                                                                    "elderly_care"]), STAFF, NOW)
    assert (merchant.categories, merchant.credit_code, merchant.created_by) == (
        ["domestic_help", "elderly_care"], BAIDU, "王站长")
    assert (merchants.status(merchant), merchants.is_offered(merchant)) == ("registered", False)
    merchants.check_licence(tx, C, merchant.id, {"note": "执照原件已看"}, STAFF, NOW)
    assert (merchants.status(merchant), merchant.licence_checked_by,
            merchant.licence_checked_at) == ("vetted", "王站长", NOW)
    assert not merchants.is_offered(merchant)
    merchants.sign_agreement(tx, C, merchant.id, {"signed_on": TODAY, "agreement_ref": "BM-1"},
                             STAFF, NOW)
    assert (merchants.status(merchant), merchants.is_offered(merchant),
            merchant.agreement_signed_on, merchant.agreement_ref) == ("offered", True, TODAY,
                                                                      "BM-1")
    assert [(h["action"], h["by"], h["detail"]) for h in history(tx.session, C, "merchant",
                                                                 merchant.id)] == [
        ("registered", "王站长", {"categories": ["domestic_help", "elderly_care"]}),
        ("licence_checked", "王站长", {"note": "执照原件已看"}),
        ("agreement_signed", "王站长", {"signed_on": "2026-11-27", "agreement_ref": "BM-1"})]


def test_a_suspended_merchant_is_not_offered_until_reinstated(tx):
    merchant = signed(tx)
    merchants.suspend_by_staff(tx, C, merchant.id, {"reason": "停业整顿"}, STAFF, NOW)
    assert (merchants.status(merchant), merchants.is_offered(merchant),
            merchant.suspended_reason) == ("suspended", False, "停业整顿")
    with refused(tx, "already_suspended", field="merchant_id", status=409,
                 zh="这家商户已经暂停派单了", en="This merchant is already suspended"):
        merchants.suspend_by_staff(tx, C, merchant.id, {"reason": "再停"}, STAFF, NOW)
    merchants.reinstate(tx, C, merchant.id, {"reason": "整顿完毕"}, STAFF, NOW, 2, 3)
    assert (merchants.status(merchant), merchant.suspended_reason) == ("offered", None)
    with refused(tx, "not_suspended", field="merchant_id", status=409,
                 zh="这家商户没有被暂停", en="This merchant is not suspended"):
        merchants.reinstate(tx, C, merchant.id, {"reason": "又恢复"}, STAFF, NOW, 0, 3)
    assert [h["action"] for h in history(tx.session, C, "merchant", merchant.id)][-2:] == [
        "suspended", "reinstated"]
    assert history(tx.session, C, "merchant", merchant.id)[-2] == {
        "action": "suspended", "by": "王站长", "at": "2026-11-27T02:00:00Z",
        "detail": {"reason": "停业整顿"}}


def test_a_merchant_suspended_before_its_licence_is_checked_is_suspended(tx):
    merchant = merchants.register(tx, C, merchant_data(), STAFF, NOW)
    merchants.suspend_by_staff(tx, C, merchant.id, {"reason": "核查中"}, STAFF, NOW)
    assert merchants.status(merchant) == "suspended"


def test_reinstating_is_refused_while_three_complaints_of_the_year_stand(tx):
    merchant = signed(tx)
    merchants.suspend_by_staff(tx, C, merchant.id, {"reason": "投诉多"}, STAFF, NOW)
    with refused(tx, "too_many_complaints", field="merchant_id", status=409,
                 zh="这家商户近12个月有 3 次投诉属实，不能恢复派单",
                 en="This merchant has 3 upheld complaints in the last 12 months and cannot be "
                    "reinstated"):
        merchants.reinstate(tx, C, merchant.id, {"reason": "恢复"}, STAFF, NOW, 3, 3)


def test_an_invalid_or_repeated_credit_code_is_refused(tx):
    with refused(tx, "invalid_credit_code", field="credit_code", status=422,
                 zh="统一社会信用代码无效，请核对营业执照",
                 en="The unified social credit code is not valid: check the licence"):
        merchants.register(tx, C, merchant_data(code="91110000802100433C"), STAFF, NOW)
    first = merchants.register(tx, C, merchant_data(), STAFF, NOW)
    with refused(tx, "merchant_exists", field="credit_code", status=409,
                 zh=f"这个统一社会信用代码已经登记过了（商户 {first.id}）",
                 en=f"This credit code is already registered (merchant {first.id})"):
        merchants.register(tx, C, merchant_data("另一个名字"), STAFF, NOW)
    # another community registers its own merchant with the same licence
    other = merchants.register(tx, "maple-court", merchant_data(), MAPLE_STAFF, NOW)
    assert other.id != first.id


def test_vetting_steps_come_in_their_order_and_once(tx):
    merchant = merchants.register(tx, C, merchant_data(code=XIAOMI), STAFF, NOW)
    agreement = {"signed_on": TODAY, "agreement_ref": "BM-9"}
    with refused(tx, "not_vetted", field="merchant_id", status=409,
                 zh="请先核验商户的营业执照，再签协议",
                 en="Check the merchant's licence before signing the agreement"):
        merchants.sign_agreement(tx, C, merchant.id, agreement, STAFF, NOW)
    merchants.check_licence(tx, C, merchant.id, {}, STAFF, NOW)
    with refused(tx, "already_vetted", field="merchant_id", status=409,
                 zh="这家商户的执照已经核验过了",
                 en="This merchant's licence has already been checked"):
        merchants.check_licence(tx, C, merchant.id, {}, STAFF, NOW)
    with refused(tx, "signed_in_future", field="signed_on", status=422,
                 zh="签订日期不能晚于今天", en="The signing date cannot be in the future"):
        merchants.sign_agreement(tx, C, merchant.id,
                                 {**agreement, "signed_on": TODAY + timedelta(days=1)},
                                 STAFF, NOW)
    merchants.sign_agreement(tx, C, merchant.id, agreement, STAFF, NOW)   # today is fine
    with refused(tx, "already_signed", field="merchant_id", status=409,
                 zh="这家商户已经签过协议了", en="This merchant has already signed the agreement"):
        merchants.sign_agreement(tx, C, merchant.id, agreement, STAFF, NOW)


def test_another_communitys_merchant_is_not_found(tx):
    merchant = merchants.register(tx, C, merchant_data(), STAFF, NOW)
    with refused(tx, "merchant_not_found", field="merchant_id", status=404,
                 zh=f"没有编号为 {merchant.id} 的商户", en=f"No merchant {merchant.id}"):
        merchants.check_licence(tx, "maple-court", merchant.id, {}, MAPLE_STAFF, NOW)
    with refused(tx, "unknown_merchant", field="merchant_id", status=422,
                 zh="没有编号为 99 的商户", en="No merchant 99"):
        merchants.get_merchant(tx.session, 99, C, field="merchant_id")


def test_merchants_are_listed_by_category_and_status(tx):
    home = signed(tx, "好帮手家政", BAIDU, ["domestic_help", "elderly_care"])
    water = merchants.register(tx, C, merchant_data("清泉水站", HUAWEI, ["water_delivery"]),
                               STAFF, NOW)
    merchants.register(tx, "maple-court", merchant_data("枫林家政", XIAOMI), MAPLE_STAFF, NOW)
    assert [m.name for m in merchants.list_merchants(tx.session, C)] == ["好帮手家政", "清泉水站"]
    assert merchants.list_merchants(tx.session, C, category="elderly_care") == [home]
    assert merchants.list_merchants(tx.session, C, merchant_status="registered") == [water]
    assert merchants.list_merchants(tx.session, C, category="water_delivery",
                                    merchant_status="offered") == []
