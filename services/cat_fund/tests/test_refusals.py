"""What each refusal of the fund's rules says to the person refused, in Chinese and in English,
and which field of their form it points at: the words are what staff read on their screens."""
from datetime import date, timedelta

import pytest

from minzi.api import DomainError, actor
from minzi.contract import CaseDispatched
from minzi.testing import dispatched_case, make_staff

from cat_fund.domain import cases, cats, ledger, spending
from cat_fund.domain.access import own_community, require_case_reader, require_operator

from .conftest import NOW, OPERATOR, RECEPTIONIST, STATION_HEAD

BY = actor(OPERATOR)
HOME = "rainbow-city"


def said(operation):
    with pytest.raises(DomainError) as caught:
        operation()
    error = caught.value
    return error.code, error.message_zh, error.message_en, error.field


def test_what_the_ledger_says_when_it_refuses(tx):
    session = tx.session
    gift, _ = ledger.record_donation(session, HOME, {
        "amount": 10_000, "channel": "cash", "donor_name": "居委会",
        "idempotency_key": "k-1"}, BY, NOW)                         # CF-2026-000001, 100.00
    assert said(lambda: ledger.record_donation(session, HOME, {
        "amount": 20_000, "channel": "cash", "donor_name": "居委会", "idempotency_key": "k-1"},
        BY, NOW)) == (
        "idempotency_conflict",
        "幂等键 k-1 已用于另一笔不同的记录（CF-2026-000001），请换一个键",
        "Idempotency key k-1 was already used for a different entry (CF-2026-000001); "
        "use a new key", "idempotency_key")
    assert said(lambda: ledger.record_donation(session, HOME, {
        "amount": 100, "channel": "cash", "donor_name": "x",
        "occurred_on": date(2026, 11, 28)}, BY, NOW)) == (
        "date_in_future", "日期不能晚于今天", "The date cannot be in the future", "occurred_on")
    assert said(lambda: spending.record_expense(session, HOME, {
        "amount": 10_001, "category": "vet", "invoice_ref": "FP", "approved_by": "张站长"},
        BY, NOW)) == (
        "insufficient_funds", "余额不足：当前余额 100.00 元，本次支出 100.01 元",
        "Not enough money: the balance is 100.00 yuan, this payment 100.01 yuan", "amount")
    spending.record_expense(session, HOME, {"amount": 9_000, "category": "vet",
                                            "invoice_ref": "FP", "approved_by": "张站长"},
                            BY, NOW)                                 # CF-2026-000002, 10.00 left
    assert said(lambda: ledger.reverse_entry(session, HOME, gift.id, {"reason": "x"}, BY,
                                             NOW)) == (
        "insufficient_funds",
        "冲正这笔捐款会使余额为负：当前余额 10.00 元，需冲回 100.00 元",
        "Reversing this donation would make the balance negative: the balance is 10.00 yuan, "
        "the donation 100.00 yuan", None)
    back, _ = ledger.reverse_entry(session, HOME, 2, {"reason": "x"}, BY, NOW)   # 000003
    assert said(lambda: ledger.reverse_entry(session, HOME, 2, {"reason": "x"}, BY, NOW)) == (
        "already_reversed", "CF-2026-000002 已于 CF-2026-000003 冲正，不能重复冲正",
        "CF-2026-000002 was already reversed by CF-2026-000003", None)
    assert said(lambda: ledger.reverse_entry(session, HOME, back.id, {"reason": "x"}, BY,
                                             NOW)) == (
        "reversal_of_reversal",
        "CF-2026-000003 本身是一笔冲正，不能再冲正；如需更正请重新登记",
        "CF-2026-000003 is itself a reversal and cannot be reversed; record the entry again "
        "instead", None)
    assert said(lambda: ledger.get_entry(session, HOME, 99)) == (
        "entry_not_found", "没有编号为 99 的账目", "No ledger entry number 99", None)
    assert said(lambda: spending.record_expense(session, HOME, {
        "amount": 100, "category": "vet", "invoice_ref": "FP", "approved_by": "张站长",
        "cat_id": 42}, BY, NOW)) == ("cat_not_found", "没有编号为 42 的猫", "No cat number 42",
                                     "cat_id")


def test_what_the_cats_records_say_when_they_refuse(tx):
    session = tx.session

    def new_cat(**data):
        return cats.create_cat(session, HOME, {"found_at": "3号楼后",
                                               "found_on": date(2026, 10, 2), **data}, BY, NOW)

    assert said(lambda: new_cat(sterilised_on=date(2026, 10, 5))) == (
        "sterilisation_incomplete", "绝育需同时填写日期和兽医",
        "A sterilisation needs both its date and the vet", "sterilised_by")
    cat = new_cat()
    assert said(lambda: cats.get_cat(session, HOME, 77)) == (
        "cat_not_found", "没有编号为 77 的猫", "No cat number 77", None)
    assert said(lambda: cats.record_sterilisation(
        session, HOME, cat.id, {"date": date(2026, 10, 1), "vet": "x"}, BY, NOW)) == (
        "before_found", "绝育日期早于发现日期", "The date is before the cat was found", "date")
    cats.record_sterilisation(session, HOME, cat.id, {"date": date(2026, 10, 5), "vet": "康宠"},
                              BY, NOW)
    assert said(lambda: cats.record_sterilisation(
        session, HOME, cat.id, {"date": date(2026, 10, 6), "vet": "x"}, BY, NOW)) == (
        "already_sterilised", "这只猫已于 2026-10-05 绝育（康宠）",
        "This cat was already sterilised on 2026-10-05 (康宠)", None)
    cats.update_cat(session, HOME, cat.id, {"status": "deceased"}, BY, NOW)
    assert said(lambda: cats.update_cat(session, HOME, cat.id, {"status": "returned"}, BY,
                                        NOW)) == (
        "cat_deceased", "这只猫已登记死亡，状态不能再改",
        "This cat is recorded as deceased; its status cannot change", "status")
    assert said(lambda: cats.record_vaccination(session, HOME, cat.id, {
        "vaccine": "猫三联", "given_on": date(2026, 11, 1)}, BY, NOW)) == (
        "cat_deceased", "这只猫已登记死亡", "This cat is recorded as deceased", None)


def test_what_the_cases_say_when_they_refuse(tx):
    session = tx.session
    for case_id in (1, 2):
        cases.receive(tx, CaseDispatched().load(dispatched_case(
            "cat_fund", "stray_cat", case_id=case_id)), NOW)
    assert said(lambda: cases.get_case(session, HOME, 9)) == (
        "case_not_found", "没有案件 9", "No case 9", None)
    cases.recalled(tx, {"case_id": 1, "community": HOME, "note": None}, NOW)
    assert said(lambda: cases.progress_case(session, HOME, 1, "x", BY, NOW)) == (
        "case_recalled", "该案件已被受理窗口撤回，不能再办理",
        "Intake has taken this case back; it cannot be worked here", None)
    cases.resolve_case(session, HOME, 2, "好了", None, BY, NOW + timedelta(hours=1))
    assert said(lambda: cases.return_case(session, HOME, 2, "x", BY, NOW)) == (
        "case_closed", "该案件已办结或已退回", "This case is already resolved or returned", None)


def test_what_staff_are_told_when_the_fund_is_not_theirs_to_work():
    assert said(lambda: require_operator(RECEPTIONIST)) == (
        "not_fund_operator", "只有流浪猫爱心基金会的工作人员可以进行此操作",
        "Only the stray-cat fund's staff may do this", None)
    assert said(lambda: require_case_reader(RECEPTIONIST))[0] == "not_fund_operator"
    require_case_reader(STATION_HEAD)                    # the station head follows every case
    homeless = make_staff("program_staff", program_id="cat_fund", community=None)
    assert said(lambda: own_community(homeless)) == (
        "no_community", "您的账号未归属任何社区", "Your account belongs to no community", None)
    assert own_community(OPERATOR) == HOME
