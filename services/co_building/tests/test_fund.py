"""The co-building fund as staff and the public see it: every entry's fields in both languages,
the ledger, the public report worked out by hand, each refusal with its words and nothing
changed, and the record of who moved what money."""
from datetime import UTC, date, datetime, timedelta

from co_building.domain import fund
from co_building.domain.views import history

from .conftest import NOW, STAFF, C, egg_and_hospital, refused

AT_NOW = "2026-11-27T02:00:00Z"
LATER = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)      # 09:30 on 28 November in Beijing
AT_LATER = "2026-11-28T01:30:00Z"


def contribution(amount_fen, **extra) -> dict:
    return {"amount": amount_fen, "channel": "bank_transfer", "unit_id": None,
            "donor_name": None, "donor_contact": None, "anonymous": False,
            "agreed_to_be_named": False, "occurred_on": None, "description": None,
            "idempotency_key": None, **extra}


def payment(amount_fen, **extra) -> dict:
    return {"amount": amount_fen, "category": "culture", "invoice_ref": "FP-001",
            "approved_by": "社区党委书记", "payee": "彩虹城文化站", "occurred_on": None,
            "description": "重阳节联欢会", "idempotency_key": None, **extra}


def _books(tx):
    """The egg company's 8000.00 (15 October, asking to stay anonymous: a unit is named all the
    same), 王大妈's 200.00 (not agreed to be named), a payment of 450.50 for culture on
    20 November, one of 100.00 for safety, and that one reversed the next day."""
    egg, _ = egg_and_hospital(tx)
    fund.contribute(tx, C, contribution(800_000, unit_id=egg.id, anonymous=True,
                                        donor_name="某人", occurred_on=date(2026, 10, 15),
                                        description="年度共建资金"), STAFF, NOW)
    fund.contribute(tx, C, contribution(20_000, donor_name="王大妈", donor_contact="13911112222",
                                        channel="wechat"), STAFF, NOW)
    fund.spend(tx, C, payment(45_050, occurred_on=date(2026, 11, 20),
                              description="重阳节联欢会 联系人13800005555"), STAFF, NOW)
    wrong, _ = fund.spend(tx, C, payment(10_000, category="security", invoice_ref="FP-002",
                                         payee=None, description=None, unit_id=egg.id),
                          STAFF, NOW)
    fund.reverse(tx, C, wrong.id, {"reason": "发票有误，经办人13800005555"}, STAFF, LATER)
    return egg


def test_the_ledger_shows_every_entry_as_staff_see_it(tx):
    egg = _books(tx)
    ledger = fund.ledger_view(tx.session, C, "en")
    # 8000.00 + 200.00 - 450.50 - 100.00 + 100.00 = 7749.50
    assert (ledger["community"], ledger["balance"], ledger["ledger_sum"]) == (
        "rainbow-city", "7749.50", "7749.50")
    common = {"recorded_by": "王书记", "recorded_at": AT_NOW, "reversed_by": None,
              "unit_id": None}
    # by date, then as recorded: 15 October, 20 November, then the 27th's, the reversal (28th)
    assert ledger["items"] == [
        {**common, "id": 1, "number": "CB-2026-000001", "kind": "donation", "amount": "8000.00",
         "change": "8000.00", "occurred_on": "2026-10-15", "description": "年度共建资金",
         "unit_id": egg.id, "donor_name": "禽蛋公司", "public_donor": "禽蛋公司",
         "channel": "bank_transfer", "channel_label": "Bank transfer"},
        {**common, "id": 3, "number": "CB-2026-000003", "kind": "expense", "amount": "450.50",
         "change": "-450.50", "occurred_on": "2026-11-20",
         "description": "重阳节联欢会 联系人13800005555", "category": "culture",
         "category_label": "Community culture", "invoice_ref": "FP-001",
         "payee": "彩虹城文化站", "approved_by": "社区党委书记"},
        {**common, "id": 2, "number": "CB-2026-000002", "kind": "donation", "amount": "200.00",
         "change": "200.00", "occurred_on": "2026-11-27", "description": None,
         "donor_name": "王大妈", "public_donor": "Anonymous", "channel": "wechat",
         "channel_label": "WeChat Pay"},
        {**common, "id": 4, "number": "CB-2026-000004", "kind": "expense", "amount": "100.00",
         "change": "-100.00", "occurred_on": "2026-11-27", "description": None,
         "reversed_by": "CB-2026-000005", "category": "security",
         "category_label": "Community safety", "invoice_ref": "FP-002", "payee": None,
         "approved_by": "社区党委书记"},
        {**common, "id": 5, "number": "CB-2026-000005", "kind": "reversal", "amount": "100.00",
         "change": "100.00", "occurred_on": "2026-11-28", "description": None,
         "recorded_at": AT_LATER, "reverses": "CB-2026-000004",
         "reason": "发票有误，经办人13800005555"}]
    zh = fund.ledger_view(tx.session, C, "zh")["items"]
    assert [(e.get("channel_label"), e.get("category_label"), e.get("public_donor"))
            for e in zh] == [("银行转账", None, "禽蛋公司"), (None, "社区文化活动", None),
                             ("微信", None, "匿名"), (None, "社区治安", None), (None, None, None)]
    assert fund.ledger_view(tx.session, "maple-court", "zh") == {
        "community": "maple-court", "balance": "0.00", "ledger_sum": "0.00", "items": []}


def test_the_public_report_worked_out_by_hand(tx):
    _books(tx)
    report = fund.public_report(tx.session, C, "zh", LATER)
    # income 8000.00 + 200.00 = 8200.00; spending 450.50 + 100.00 - 100.00 (reversed) = 450.50;
    # balance 7749.50; October: +8000.00 (8000.00 at its end); November: +200.00 - 450.50
    # (7749.50); safety's 100.00 is netted to nothing and not listed
    assert report == {
        "community": "rainbow-city", "fund": "共驻共建基金", "currency": "CNY",
        "as_of": AT_LATER, "balance": "7749.50", "total_income": "8200.00",
        "total_spending": "450.50", "entry_count": 5,
        "spending_by_category": [{"category": "culture", "label": "社区文化活动",
                                  "amount": "450.50"}],
        "by_month": [{"month": "2026-10", "income": "8000.00", "spending": "0.00",
                      "balance_at_month_end": "8000.00"},
                     {"month": "2026-11", "income": "200.00", "spending": "450.50",
                      "balance_at_month_end": "7749.50"}],
        "income": [{"number": "CB-2026-000001", "date": "2026-10-15", "amount": "8000.00",
                    "reversed_by": None, "from": "禽蛋公司"},
                   {"number": "CB-2026-000002", "date": "2026-11-27", "amount": "200.00",
                    "reversed_by": None, "from": "匿名"}],
        "spending": [{"number": "CB-2026-000003", "date": "2026-11-20", "amount": "450.50",
                      "reversed_by": None, "category": "culture",
                      "category_label": "社区文化活动",
                      "description": "重阳节联欢会 联系人138****5555", "payee": "彩虹城文化站",
                      "invoice_ref": "FP-001", "approved_by": "社区党委书记"},
                     {"number": "CB-2026-000004", "date": "2026-11-27", "amount": "100.00",
                      "reversed_by": "CB-2026-000005", "category": "security",
                      "category_label": "社区治安", "description": None, "payee": None,
                      "invoice_ref": "FP-002", "approved_by": "社区党委书记"}],
        "reversals": [{"number": "CB-2026-000005", "date": "2026-11-28", "amount": "100.00",
                       "reversed_by": None, "reverses": "CB-2026-000004",
                       "reason": "发票有误，经办人138****5555"}],
        "notes": "金额单位为元；共建单位的出资署单位名称，个人仅在本人同意时署名，"
                 "其余显示为“匿名”。更正以冲正记录体现，原记录不删改。"}
    # read a week later, the report is as of the last movement of money
    assert fund.public_report(tx.session, C, "zh", LATER + timedelta(days=7))["as_of"] == AT_LATER
    english = fund.public_report(tx.session, C, "en", LATER)
    assert (english["fund"], english["income"][1]["from"], english["spending_by_category"],
            english["spending"][1]["category_label"], english["notes"]) == (
        "Co-building fund", "Anonymous",
        [{"category": "culture", "label": "Community culture", "amount": "450.50"}],
        "Community safety",
        "Amounts in yuan. Member units' contributions are in their names; others are named "
        "only with their consent, otherwise \"Anonymous\". Corrections appear as reversals; "
        "no entry is ever edited.")


def test_a_fund_with_no_money_yet_reports_nothing_as_of_now(tx):
    assert fund.public_report(tx.session, C, "en", NOW) == {
        "community": "rainbow-city", "fund": "Co-building fund", "currency": "CNY",
        "as_of": AT_NOW, "balance": "0.00", "total_income": "0.00", "total_spending": "0.00",
        "entry_count": 0, "spending_by_category": [], "by_month": [], "income": [],
        "spending": [], "reversals": [],
        "notes": "Amounts in yuan. Member units' contributions are in their names; others are "
                 "named only with their consent, otherwise \"Anonymous\". Corrections appear "
                 "as reversals; no entry is ever edited."}


def test_the_fund_refuses_in_both_languages_and_changes_nothing(tx):
    egg, _ = egg_and_hospital(tx)
    fund.contribute(tx, C, contribution(50_000, unit_id=egg.id), STAFF, NOW)
    with refused(tx, "insufficient_funds", field="amount", status=400,
                 zh="余额不足：当前余额 500.00 元，本次支出 500.01 元",
                 en="Not enough money: the balance is 500.00 yuan, this payment 500.01 yuan"):
        fund.spend(tx, C, payment(50_001), STAFF, NOW)
    with refused(tx, "unknown_unit", field="unit_id", status=422,
                 zh="没有编号为 42 的共建单位", en="No member unit 42"):
        fund.contribute(tx, C, contribution(100, unit_id=42), STAFF, NOW)
    with refused(tx, "unknown_unit", field="unit_id", status=422):
        fund.contribute(tx, "maple-court", contribution(100, unit_id=egg.id), STAFF, NOW)
    with refused(tx, "date_in_future", field="occurred_on", zh="日期不能晚于今天",
                 en="The date cannot be in the future"):
        fund.contribute(tx, C, contribution(100, occurred_on=date(2026, 11, 28)), STAFF, NOW)
    paid, _ = fund.spend(tx, C, payment(50_000), STAFF, NOW)     # all of it: 500.00 of 500.00
    undo, _ = fund.reverse(tx, C, paid.id, {"reason": "重复报销"}, STAFF, NOW)
    with refused(tx, "reversal_of_reversal",
                 zh="CB-2026-000003 本身是一笔冲正，不能再冲正；如需更正请重新登记",
                 en="CB-2026-000003 is itself a reversal and cannot be reversed; record the "
                    "entry again instead"):
        fund.reverse(tx, C, undo.id, {"reason": "x"}, STAFF, NOW)
    with refused(tx, "already_reversed", zh="CB-2026-000002 已于 CB-2026-000003 冲正，不能重复冲正",
                 en="CB-2026-000002 was already reversed by CB-2026-000003"):
        fund.reverse(tx, C, paid.id, {"reason": "再冲一次"}, STAFF, NOW)
    # another community's fund (already open, so looking does not open it) finds no such entry
    fund.contribute(tx, "maple-court", contribution(100), STAFF, NOW)
    with refused(tx, "entry_not_found", status=404, zh=f"没有编号为 {paid.id} 的账目"):
        fund.reverse(tx, "maple-court", paid.id, {"reason": "x"}, STAFF, NOW)


def test_each_movement_of_money_is_on_the_record_once(tx):
    egg, _ = egg_and_hospital(tx)
    given, created = fund.contribute(tx, C, contribution(800_000, unit_id=egg.id,
                                                         idempotency_key="egg-1"), STAFF, NOW)
    again, created_again = fund.contribute(tx, C, contribution(800_000, unit_id=egg.id,
                                                               idempotency_key="egg-1"),
                                           STAFF, LATER)
    assert (created, created_again, again.id) == (True, False, given.id)
    paid, _ = fund.spend(tx, C, payment(12_345, idempotency_key="fp-1"), STAFF, NOW)
    fund.spend(tx, C, payment(12_345, idempotency_key="fp-1"), STAFF, LATER)
    undo, _ = fund.reverse(tx, C, paid.id, {"reason": "发票抬头有误", "idempotency_key": "r-1"},
                           STAFF, LATER)
    undo_again, created_undo = fund.reverse(tx, C, paid.id, {"reason": "发票抬头有误",
                                                             "idempotency_key": "r-1"},
                                            STAFF, LATER)
    assert (created_undo, undo_again.id) == (False, undo.id)
    assert history(tx.session, C, "fund", given.id) == [
        {"action": "contribution", "by": "王书记", "at": AT_NOW,
         "detail": {"number": "CB-2026-000001", "amount": "8000.00"}}]
    assert history(tx.session, C, "fund", paid.id) == [
        {"action": "payment", "by": "王书记", "at": AT_NOW,
         "detail": {"number": "CB-2026-000002", "amount": "123.45"}}]
    assert history(tx.session, C, "fund", undo.id) == [
        {"action": "reversal", "by": "王书记", "at": AT_LATER,
         "detail": {"number": "CB-2026-000003", "reverses": "CB-2026-000002",
                    "reason": "发票抬头有误"}}]
    # 8000.00 - 123.45 + 123.45
    assert fund.ledger_view(tx.session, C, "zh")["balance"] == "8000.00"
