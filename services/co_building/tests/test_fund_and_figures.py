"""The co-building fund (exact money on minzi.ledger: no overspending, a reversal instead of an
edit, a repeated request recorded once, who and when), its public report, and the figures; every
expected amount is worked out by hand beside it."""
from datetime import date, timedelta

from co_building.domain import commitments, fund, issues, meetings
from co_building.domain.figures import figures
from co_building.domain.views import history

from .conftest import (
    EGG_CONTACT,
    NOW,
    SIX_PARTIES,
    STAFF,
    C,
    egg_and_hospital,
    noise_case,
    refused,
)


def contribution(amount_fen, **extra) -> dict:
    return {"amount": amount_fen, "channel": "bank_transfer", "unit_id": None,
            "donor_name": None, "anonymous": False, "agreed_to_be_named": False,
            "occurred_on": None, "description": None, "idempotency_key": None, **extra}


def payment(amount_fen, **extra) -> dict:
    return {"amount": amount_fen, "category": "culture", "invoice_ref": "FP-001",
            "approved_by": "社区党委书记", "payee": "彩虹城文化站", "occurred_on": None,
            "description": "重阳节联欢会", "idempotency_key": None, **extra}


def test_the_fund_is_exact_never_overspent_and_corrected_by_reversal(tx):
    egg, hospital = egg_and_hospital(tx)
    # 8000.00 + 5012.50 = 13012.50 yuan (the seed's 共建基金1万3千余元)
    fund.contribute(tx, C, contribution(800_000, unit_id=egg.id), STAFF, NOW)
    fund.contribute(tx, C, contribution(501_250, unit_id=hospital.id), STAFF, NOW)
    with refused(tx, "insufficient_funds", field="amount", status=400,
                 zh="余额不足：当前余额 13012.50 元，本次支出 13012.51 元"):
        fund.spend(tx, C, payment(1_301_251), STAFF, NOW)
    with refused(tx, "unknown_unit", field="unit_id", status=422):
        fund.contribute(tx, C, contribution(100, unit_id=42), STAFF, NOW)
    paid, created = fund.spend(tx, C, payment(120_000, idempotency_key="fp-001"), STAFF, NOW)
    again, created_again = fund.spend(tx, C, payment(120_000, idempotency_key="fp-001"), STAFF,
                                      NOW)
    assert (created, created_again, again.id) == (True, False, paid.id)
    with refused(tx, "idempotency_conflict", field="idempotency_key", status=409):
        fund.spend(tx, C, payment(130_000, idempotency_key="fp-001"), STAFF, NOW)
    reversal, _ = fund.reverse(tx, C, paid.id, {"reason": "发票抬头有误，重新报销"}, STAFF, NOW)
    with refused(tx, "already_reversed"):
        fund.reverse(tx, C, paid.id, {"reason": "再冲一次"}, STAFF, NOW)
    # 13012.50 - 1200.00 + 1200.00 = 13012.50
    ledger = fund.ledger_view(tx.session, C, "zh")
    assert (ledger["balance"], ledger["ledger_sum"]) == ("13012.50", "13012.50")
    assert [(e["number"], e["kind"], e["change"], e["recorded_by"], e["reversed_by"])
            for e in ledger["items"]] == [
        ("CB-2026-000001", "donation", "8000.00", "王书记", None),
        ("CB-2026-000002", "donation", "5012.50", "王书记", None),
        ("CB-2026-000003", "expense", "-1200.00", "王书记", "CB-2026-000004"),
        ("CB-2026-000004", "reversal", "1200.00", "王书记", None)]
    assert (reversal.reverses_id, ledger["items"][3]["recorded_at"]) == (paid.id,
                                                                       "2026-11-27T02:00:00Z")
    assert [h["action"] for h in _history(tx, paid.id)] == ["payment"]


def _history(tx, entry_id):
    return history(tx.session, C, "fund", entry_id)


def test_the_public_report_names_units_and_consenting_people_only(tx):
    egg, _ = egg_and_hospital(tx)
    fund.contribute(tx, C, contribution(800_000, unit_id=egg.id), STAFF, NOW)
    fund.contribute(tx, C, contribution(20_000, donor_name="王大妈", donor_contact="13911112222"),
                    STAFF, NOW)
    fund.contribute(tx, C, contribution(30_000, donor_name="李先生", agreed_to_be_named=True),
                    STAFF, NOW)
    fund.spend(tx, C, payment(50_000, category="care", payee="困难户张某 13800005555",
                              occurred_on=date(2026, 11, 20)), STAFF, NOW)
    report = fund.public_report(tx.session, C, "zh", NOW)
    # in: 8000 + 200 + 300 = 8500.00; out: 500.00; balance 8000.00
    assert (report["balance"], report["total_income"], report["total_spending"],
            report["entry_count"]) == ("8000.00", "8500.00", "500.00", 4)
    assert [line["from"] for line in report["income"]] == ["禽蛋公司", "匿名", "李先生"]
    assert report["spending"][0]["payee"] == "困难户张某 138****5555"
    assert report["spending_by_category"] == [{"category": "care", "label": "慰问困难群众",
                                               "amount": "500.00"}]
    assert "13911112222" not in str(report)
    assert fund.public_report(tx.session, C, "en", NOW)["income"][1]["from"] == "Anonymous"


def test_the_figures_count_the_issues_deeds_and_fund(tx):
    egg, hospital = egg_and_hospital(tx)
    # issues: 1 coordination resolved (after a meeting, the egg company invests 700万),
    # 2 solvable open and overdue by 2 December, 3 unsorted
    noise_case(tx, 1)
    noise_case(tx, 2, "public_facilities")
    noise_case(tx, 3, "road_access")
    issues.sort_issue(tx.session, 1, {"kind": "coordination"}, STAFF, NOW)
    issues.sort_issue(tx.session, 2, {"kind": "solvable"}, STAFF, NOW)
    issues.assign(tx.session, 2, {"unit_id": hospital.id, "deadline": date(2026, 11, 30)},
                  STAFF, NOW)
    meetings.record_meeting(tx, C, {"day": date(2026, 11, 27), "place": "会议室", "topic": "噪音",
                                    "attendees": SIX_PARTIES, "case_ids": [1],
                                    "decisions": "改造冷库"}, STAFF, NOW)
    issues.finish(tx.session, 1, {"result": "改造冷库", "investment_fen": 700_000_000,
                                  "investment_unit_id": egg.id}, STAFF, NOW, resolved=True)
    # deeds: the egg company 2 (1 verified), the hospital 1 (due 28 November, not done)
    done = commitments.commit(tx, C, {"year": 2026, "direction": "unit", "unit_id": egg.id,
                                      "title": "巡逻车", "due_on": date(2026, 12, 10)}, STAFF, NOW)
    commitments.commit(tx, C, {"year": 2026, "direction": "unit", "unit_id": egg.id,
                               "title": "慰问", "due_on": date(2026, 12, 20)}, STAFF, NOW)
    commitments.commit(tx, C, {"year": 2026, "direction": "unit", "unit_id": hospital.id,
                               "title": "座椅", "due_on": date(2026, 11, 28)}, STAFF, NOW)
    commitments.commit(tx, C, {"year": 2026, "direction": "community", "unit_id": None,
                               "title": "联欢会", "due_on": date(2026, 12, 31)}, STAFF, NOW)
    commitments.report_done(tx, C, done.id, {"evidence": "6辆电动巡逻车已交付"}, EGG_CONTACT, NOW)
    commitments.verify(tx, C, done.id, {}, STAFF, NOW)
    fund.contribute(tx, C, contribution(1_300_000, unit_id=egg.id), STAFF, NOW)
    fund.spend(tx, C, payment(45_050), STAFF, NOW)
    found = figures(tx.session, C, None, NOW + timedelta(days=5))     # 2 December
    assert found["issues"]["total"] == 3
    assert [(k["kind"], k["total"], [(s["state"], s["count"]) for s in k["by_state"]])
            for k in found["issues"]["by_kind"]] == [
        ("unsorted", 1, [("unsorted", 1)]),
        ("solvable", 1, [("open", 1)]), ("coordination", 1, [("resolved", 1)])]
    assert {key: found["issues"][key] for key in ("overdue", "reminders", "taken_to_meetings",
                                                  "invested_by_units")} == {
        "overdue": 1, "reminders": 0, "taken_to_meetings": 1, "invested_by_units": "7000000.00"}
    assert found["meetings"] == 1
    assert found["deeds"] == {"committed": 3, "done": 1, "behind": 1, "by_unit": [
        {"unit_id": egg.id, "unit": "禽蛋公司", "committed": 2, "done": 1, "behind": 0},
        {"unit_id": hospital.id, "unit": "东方建都医院", "committed": 1, "done": 0,
         "behind": 1}]}
    assert found["community_commitments"] == {"committed": 1, "done": 0}
    # 13000.00 in, 450.50 out: 12549.50 left
    assert found["fund"] == {"balance": "12549.50", "income": "13000.00", "spending": "450.50",
                             "entry_count": 2}
    assert figures(tx.session, C, 2027, NOW)["deeds"]["committed"] == 0
