"""The fund's rules as staff and the public meet them through the API (SQLite, no broker)."""
from sqlalchemy import func, select

from minzi.contract import CaseDispatched
from minzi.testing import dispatched_case, make_staff, snapshot

from cat_fund.domain import cases
from cat_fund.models import Base, Entry, Fund, Outbox

from .conftest import (
    HANDLER,
    LEGAL_STAFF,
    NEIGHBOUR,
    NOW,
    OPERATOR,
    RECEPTIONIST,
    STATION_HEAD,
)


def donate(call, amount="500.00", **extra):
    body = {"amount": amount, "donor_name": "彩虹城居委会", "agreed_to_be_named": True,
            "channel": "cash", **extra}
    return call("POST", "/donations", body)


def spend(call, amount="100.00", **extra):
    body = {"amount": amount, "category": "vet", "invoice_ref": "INV-1", "approved_by": "张站长",
            **extra}
    return call("POST", "/expenses", body)


def balance(call, staff=OPERATOR):
    status, body = call("GET", "/fund", staff=staff)
    assert status == 200
    assert body["balance"] == body["ledger_sum"]
    return body["balance"]


def count_entries(service):
    with service.store.session() as session:
        return session.scalar(select(func.count()).select_from(Entry))


def test_a_donation_gets_a_receipt_number_and_raises_the_balance(call):
    status, body = donate(call, "500.00")
    assert status == 201
    assert body["receipt_no"].startswith("CF-") and len(body["receipt_no"]) == len("CF-2026-000001")
    assert body["amount"] == "500.00" and body["balance"] == "500.00"
    assert body["recorded_by"] == "王阿姨" and body["recorded_at"]
    status, second = donate(call, "0.01", donor_name="业主", agreed_to_be_named=False)
    assert second["receipt_no"] != body["receipt_no"]
    assert int(second["receipt_no"][-6:]) == int(body["receipt_no"][-6:]) + 1
    assert balance(call) == "500.01"


def test_spending_lowers_the_balance_and_more_than_the_balance_is_refused(call, service):
    donate(call, "300.00")
    status, body = spend(call, "120.50", category="sterilisation")
    assert status == 201 and body["balance"] == "179.50"
    assert body["approved_by"] == "张站长" and body["category_label"] == "绝育"
    before = count_entries(service)
    status, body = spend(call, "179.51")
    assert status == 400
    assert body["error"]["code"] == "insufficient_funds"
    assert "余额不足" in body["error"]["message"] and "179.50" in body["error"]["message"]
    assert count_entries(service) == before and balance(call) == "179.50"
    status, body = call("POST", "/expenses", {"amount": "500", "category": "food",
                                              "invoice_ref": "x", "approved_by": "y"}, lang="en")
    assert body["error"]["message"].startswith("Not enough money")
    status, body = spend(call, "179.50")
    assert status == 201 and body["balance"] == "0.00"


def test_bad_amounts_and_categories_get_field_errors_and_change_nothing(call, service):
    donate(call, "100.00")
    cases = [
        ({"amount": "-5"}, "amount", "金额必须大于 0"),
        ({"amount": "0"}, "amount", "金额必须大于 0"),
        ({"amount": "1.005"}, "amount", "金额最多两位小数（精确到分）"),
        ({"amount": "十元"}, "amount", None),
        ({"category": "toys"}, "category", None),
        ({"approved_by": "  "}, "approved_by", "不能为空"),
    ]
    for change, field, message in cases:
        body = {"amount": "10.00", "category": "vet", "invoice_ref": "I", "approved_by": "张",
                **change}
        status, response = call("POST", "/expenses", body)
        assert status == 422, change
        assert response["error"]["code"] == "validation_failed"
        assert field in response["error"]["fields"], response
        if message:
            assert response["error"]["fields"][field] == [message]
    status, response = call("POST", "/expenses", {"amount": "1.005", "category": "vet",
                                                  "invoice_ref": "I", "approved_by": "Z"},
                            lang="en")
    assert response["error"]["fields"]["amount"] == ["At most two decimal places (fen)."]
    assert count_entries(service) == 1 and balance(call) == "100.00"


def test_a_donation_needs_a_donor_unless_anonymous(call):
    status, body = call("POST", "/donations", {"amount": "5", "channel": "wechat"})
    assert status == 422 and body["error"]["fields"]["donor_name"] == ["非匿名捐款须填写捐款人"]
    status, body = call("POST", "/donations", {"amount": "5", "channel": "wechat",
                                               "anonymous": True})
    assert status == 201 and body["public_donor"] == "匿名"
    status, body = call("POST", "/donations", {"amount": "5", "channel": "paypal",
                                               "donor_name": "x"})
    assert status == 422 and "channel" in body["error"]["fields"]


def test_the_same_idempotency_key_records_a_donation_once(call, service):
    body = {"amount": "200.00", "donor_name": "和泓物业", "agreed_to_be_named": True,
            "channel": "bank_transfer", "idempotency_key": "hh-2026-01"}
    status, first = call("POST", "/donations", body)
    status2, again = call("POST", "/donations", body)
    assert (status, status2) == (201, 200)
    assert again["receipt_no"] == first["receipt_no"] and again["id"] == first["id"]
    assert balance(call) == "200.00" and count_entries(service) == 1
    status, clash = call("POST", "/donations", {**body, "amount": "300.00"})
    assert status == 409 and clash["error"]["code"] == "idempotency_conflict"
    assert balance(call) == "200.00"


def test_the_same_idempotency_key_records_a_payment_once(call):
    donate(call, "100.00")
    status, first = spend(call, "60.00", idempotency_key="pay-1")
    status2, again = spend(call, "60.00", idempotency_key="pay-1")
    assert (status, status2) == (201, 200) and again["number"] == first["number"]
    assert balance(call) == "40.00"


def test_reversals_undo_once_and_are_never_reversed(call, service):
    _, gift = donate(call, "100.00")
    _, paid = spend(call, "30.00")
    status, undo = call("POST", f"/entries/{paid['id']}/reversal", {"reason": "发票开错"})
    assert status == 201 and undo["kind"] == "reversal"
    assert undo["reverses"]["number"] == paid["number"]
    assert undo["change"] == "30.00" and undo["balance"] == "100.00"
    status, body = call("POST", f"/entries/{paid['id']}/reversal", {"reason": "again"})
    assert status == 400 and body["error"]["code"] == "already_reversed"
    status, body = call("POST", f"/entries/{undo['id']}/reversal", {"reason": "undo the undo"})
    assert status == 400 and body["error"]["code"] == "reversal_of_reversal"
    assert "不能再冲正" in body["error"]["message"]
    status, body = call("POST", f"/entries/{undo['id']}/reversal", {"reason": "x"}, lang="en")
    assert "cannot be reversed" in body["error"]["message"]
    status, shown = call("GET", f"/entries/{paid['id']}")
    assert shown["reversed_by"] == undo["number"] and shown["amount"] == "30.00"
    status, body = call("POST", "/entries/9999/reversal", {"reason": "x"})
    assert status == 404 and body["error"]["code"] == "entry_not_found"
    status, body = call("POST", f"/entries/{gift['id']}/reversal", {})
    assert status == 422 and "reason" in body["error"]["fields"]
    assert count_entries(service) == 3 and balance(call) == "100.00"


def test_reversing_a_donation_may_not_make_the_balance_negative(call):
    _, gift = donate(call, "100.00")
    spend(call, "80.00")
    status, body = call("POST", f"/entries/{gift['id']}/reversal", {"reason": "退回捐款人"})
    assert status == 400 and body["error"]["code"] == "insufficient_funds"
    assert balance(call) == "20.00"


def test_only_fund_operators_move_money(call):
    body = {"amount": "5", "donor_name": "x", "channel": "cash"}
    for staff in (RECEPTIONIST, LEGAL_STAFF, STATION_HEAD):
        status, response = call("POST", "/donations", body, staff=staff)
        assert status == 403 and response["error"]["code"] == "not_fund_operator"
    assert call("POST", "/donations", body, staff=None)[0] == 401
    assert call("POST", "/donations", body, staff=HANDLER)[0] == 201
    admin = {"id": 99, "username": "root", "name": "管理员", "role": "admin",
             "community": "rainbow-city"}
    assert call("POST", "/donations", body, staff=admin)[0] == 201
    assert balance(call, staff=STATION_HEAD) == "10.00"


def test_who_may_not_write_is_refused_by_name_and_nothing_changes(call, service):
    donate(call, "100.00")
    _, cat = call("POST", "/cats", {"found_at": "3号楼后", "found_on": "2026-10-02"})
    _, paid = spend(call, "10.00")
    with service.store.transaction() as tx:
        cases.receive(tx, CaseDispatched().load(
            dispatched_case("cat_fund", "sick_or_injured_cat")), NOW)
    writes = [
        ("POST", "/donations", {"amount": "5", "donor_name": "x", "channel": "cash"}),
        ("POST", "/expenses", {"amount": "5", "category": "vet", "invoice_ref": "I",
                               "approved_by": "张"}),
        ("POST", f"/entries/{paid['id']}/reversal", {"reason": "x"}),
        ("POST", "/cats", {"found_at": "x", "found_on": "2026-10-02"}),
        ("PATCH", f"/cats/{cat['id']}", {"status": "adopted"}),
        ("POST", f"/cats/{cat['id']}/sterilisation", {"date": "2026-10-05", "vet": "x"}),
        ("POST", f"/cats/{cat['id']}/vaccinations", {"vaccine": "x", "given_on": "2026-10-05"}),
        ("POST", f"/cats/{cat['id']}/vet-visits", {"visited_on": "2026-10-05", "vet": "x",
                                                   "reason": "y"}),
        ("POST", "/cases/1/cats", {"cat_id": cat["id"]}),
        ("POST", "/cases/1/progress", {"note": "x"}),
        ("POST", "/cases/1/resolve", {"result": "x"}),
        ("POST", "/cases/1/return", {"note": "x"}),
    ]
    homeless = make_staff("program_staff", program_id="cat_fund", community=None)
    with service.store.session() as session:
        before = snapshot(session, Base.metadata)
    for method, path, body in writes:
        for staff in (RECEPTIONIST, STATION_HEAD, LEGAL_STAFF):
            status, response = call(method, path, body, staff=staff)
            assert (status, response["error"]["code"]) == (403, "not_fund_operator"), path
        status, response = call(method, path, body, staff=homeless)
        assert (status, response["error"]["code"]) == (403, "no_community"), path
    assert call("GET", "/fund", staff=homeless)[1]["error"]["code"] == "no_community"
    with service.store.session() as session:
        assert snapshot(session, Base.metadata) == before


def test_each_community_has_its_own_fund(call):
    donate(call, "100.00")
    assert balance(call, staff=NEIGHBOUR) == "0.00"
    status, body = call("POST", "/expenses", {"amount": "1", "category": "food",
                                              "invoice_ref": "a", "approved_by": "b"},
                        staff=NEIGHBOUR)
    assert status == 400 and body["error"]["code"] == "insufficient_funds"
    status, body = call("GET", "/report", staff=None, query={"community": "sunny-park"})
    assert status == 200 and body["balance"] == "0.00" and body["donations"] == []


def test_donor_contact_is_for_the_fund_staff_only(call):
    donate(call, "10.00", donor_contact="13800001111")
    _, mine = call("GET", "/entries")
    assert mine["items"][0]["donor_contact"] == "13800001111"
    _, theirs = call("GET", "/entries", staff=STATION_HEAD)
    assert theirs["items"][0]["donor_contact"] == "138****1111"


def test_the_public_report_names_only_donors_who_agreed(call, monkeypatch):
    from cat_fund import api
    monkeypatch.setattr(api, "utcnow", lambda: NOW)   # 27 November in Beijing
    donate(call, "600.00", donor_name="彩虹城居委会", agreed_to_be_named=True,
           occurred_on="2026-03-01")
    donate(call, "400.00", donor_name="和泓物业", agreed_to_be_named=True,
           occurred_on="2026-03-01", channel="bank_transfer")
    donate(call, "50.00", donor_name="刘女士", donor_contact="13911112222",
           agreed_to_be_named=False, occurred_on="2026-04-02")
    donate(call, "20.00", anonymous=True, donor_name=None, agreed_to_be_named=False,
           occurred_on="2026-04-03")
    spend(call, "150.00", category="sterilisation", occurred_on="2026-03-15")
    _, vet = spend(call, "80.00", category="vet", occurred_on="2026-04-10")
    call("POST", f"/entries/{vet['id']}/reversal", {"reason": "重复登记，联系人13911112222"})
    status, report = call("GET", "/report", staff=None)
    assert status == 200
    assert report["balance"] == "920.00"
    assert report["total_income"] == "1070.00" and report["total_spending"] == "150.00"
    donors = [d["donor"] for d in report["donations"]]
    assert donors == ["彩虹城居委会", "和泓物业", "匿名", "匿名"]
    text = str(report)
    assert "刘女士" not in text and "13911112222" not in text
    march, april, reversal_month = report["by_month"]  # a reversal is booked when it is made
    assert march == {"month": "2026-03", "income": "1000.00", "spending": "150.00",
                     "spending_by_category": [{"category": "sterilisation", "label": "绝育",
                                               "amount": "150.00"}],
                     "balance_at_month_end": "850.00"}
    assert april["income"] == "70.00" and april["spending"] == "80.00"
    assert april["balance_at_month_end"] == "840.00"
    assert reversal_month["spending"] == "-80.00"
    assert reversal_month["balance_at_month_end"] == "920.00"
    assert report["spending_by_category"] == [{"category": "sterilisation", "label": "绝育",
                                               "amount": "150.00"}]
    assert report["reversals"][0]["reverses"] == vet["number"]
    _, english = call("GET", "/report", staff=None, lang="en")
    assert [d["donor"] for d in english["donations"]][2:] == ["Anonymous", "Anonymous"]
    status, body = call("GET", "/report", staff=None, query={"community": "Bad Place!"})
    assert status == 422 and "community" in body["error"]["fields"]


def test_cats_have_records_costs_and_history(call):
    donate(call, "1000.00")
    status, cat = call("POST", "/cats", {"name": "小花", "sex": "female", "colour": "三花",
                                         "found_at": "3号楼后", "found_on": "2026-10-02"})
    assert status == 201 and cat["status"] == "in_shelter" and cat["status_label"] == "在猫舍"
    cat_id = cat["id"]
    status, body = call("POST", f"/cats/{cat_id}/sterilisation",
                        {"date": "2026-10-05", "vet": "康宠动物医院"})
    assert status == 201 and body["sterilised"] and body["sterilised_by"] == "康宠动物医院"
    status, body = call("POST", f"/cats/{cat_id}/sterilisation",
                        {"date": "2026-10-06", "vet": "x"})
    assert status == 400 and body["error"]["code"] == "already_sterilised"
    call("POST", f"/cats/{cat_id}/vet-visits", {"visited_on": "2026-10-05", "vet": "康宠动物医院",
                                               "reason": "术前检查", "diagnosis": "健康"})
    call("POST", f"/cats/{cat_id}/vaccinations", {"vaccine": "猫三联", "given_on": "2026-10-05",
                                                 "next_due_on": "2026-11-05"})
    spend(call, "200.00", category="sterilisation", cat_id=cat_id)
    spend(call, "55.50", category="vaccination", cat_id=cat_id)
    _, wrong = spend(call, "10.00", category="vet", cat_id=cat_id)
    call("POST", f"/entries/{wrong['id']}/reversal", {"reason": "记错猫"})
    status, body = spend(call, "1.00", cat_id=4242)
    assert status == 404 and body["error"]["code"] == "cat_not_found"
    status, body = call("PATCH", f"/cats/{cat_id}", {"status": "returned"})
    assert status == 200 and body["status"] == "returned"
    status, shown = call("GET", f"/cats/{cat_id}", staff=RECEPTIONIST)
    assert status == 200
    assert shown["cost"] == "255.50"
    assert [v["vaccine"] for v in shown["vaccinations"]] == ["猫三联"]
    assert shown["vet_visits"][0]["diagnosis"] == "健康"
    actions = [h["action"] for h in shown["history"]]
    assert actions == ["created", "sterilised", "vet_visit", "vaccinated", "status_changed"]
    assert all(h["by"] == "王阿姨" and h["at"] for h in shown["history"])
    assert len(shown["spending"]) == 4
    status, body = call("PATCH", f"/cats/{cat_id}", {"status": "flying"})
    assert status == 422 and "status" in body["error"]["fields"]
    _, listing = call("GET", "/cats", query={"status": "returned"})
    assert listing["total"] == 1 and listing["items"][0]["cost"] == "255.50"
    assert call("POST", "/cats", {"found_at": "x", "found_on": "2026-10-02"},
                staff=RECEPTIONIST)[0] == 403


def test_vaccinations_due_in_the_next_30_days(call, monkeypatch):
    from cat_fund import api
    monkeypatch.setattr(api, "utcnow", lambda: NOW)   # 27 November in Beijing

    def cat(name, status="in_shelter"):
        return call("POST", "/cats", {"name": name, "found_at": "广场", "found_on": "2026-01-01",
                                      "status": status})[1]["id"]

    soon, later, boosted, gone, overdue = (cat("soon"), cat("later"), cat("boosted"),
                                           cat("gone", "adopted"), cat("overdue"))

    def vaccinate(cat_id, given, due, vaccine="猫三联"):
        status, _ = call("POST", f"/cats/{cat_id}/vaccinations",
                         {"vaccine": vaccine, "given_on": given, "next_due_on": due})
        assert status == 201

    vaccinate(soon, "2025-12-10", "2026-12-10")
    vaccinate(later, "2026-01-01", "2027-01-01")
    vaccinate(boosted, "2025-12-01", "2026-12-01")
    vaccinate(boosted, "2026-11-20", "2027-11-20")  # the booster replaces the old due date
    vaccinate(gone, "2025-12-01", "2026-12-01")
    vaccinate(overdue, "2025-11-01", "2026-11-01", vaccine="狂犬疫苗")
    status, due = call("GET", "/vaccinations/due", staff=RECEPTIONIST)
    assert status == 200
    assert [(d["cat_name"], d["overdue"]) for d in due["items"]] == [("overdue", True),
                                                                     ("soon", False)]
    assert due["items"][1]["days_left"] == 13
    _, wider = call("GET", "/vaccinations/due", query={"days": "40"})
    assert [d["cat_name"] for d in wider["items"]] == ["overdue", "soon", "later"]
    status, body = call("POST", f"/cats/{soon}/vaccinations",
                        {"vaccine": "x", "given_on": "2026-11-01", "next_due_on": "2026-10-01"})
    assert status == 422 and body["error"]["fields"]["next_due_on"] == ["不能早于接种日期"]


def test_unknown_paths_and_methods(call):
    assert call("GET", "/nothing")[0] == 404
    assert call("DELETE", "/donations")[0] == 405
    assert call("GET", "/entries/abc")[0] == 404


def test_a_case_is_worked_and_reported_through_the_outbox(call, service):
    dispatched = {"case_id": 42, "tracking_code": "RC7KX2M9QD", "program_id": "cat_fund",
                  "service_code": "sick_or_injured_cat", "community": "rainbow-city",
                  "channel": "walk_in", "description": "3号楼后有只猫腿受伤了",
                  "attributes": {"number_of_cats": 1}, "address": "彩虹城3号楼",
                  "resident": {"name": "张三", "phone": "13800001111"}, "due_at": None,
                  "note": None}
    with service.store.transaction() as tx:
        report = cases.receive(tx, dispatched, NOW)
        assert report["status"] == "accepted"
    status, body = call("GET", "/cases/42")
    assert status == 200 and body["resident"]["phone"] == "13800001111"
    _, body = call("GET", "/cases/42", staff=STATION_HEAD)
    assert body["resident"]["phone"] == "138****1111"
    assert call("GET", "/cases/42", staff=RECEPTIONIST)[0] == 403
    status, body = call("POST", "/cases/42/cats", {"cat": {
        "name": "瘸腿黑猫", "found_at": "3号楼后", "found_on": "2026-11-27"}})
    assert status == 200 and body["cats"][0]["name"] == "瘸腿黑猫"
    status, body = call("POST", "/cases/42/resolve", {"result": "已送医治疗，现在猫舍休养"})
    assert status == 200 and body["status"] == "resolved"
    status, body = call("POST", "/cases/42/return", {"note": "x"})
    assert status == 400 and body["error"]["code"] == "case_closed"
    status, body = call("POST", "/cases/42/resolve", {})
    assert status == 422 and "result" in body["error"]["fields"]
    with service.store.session() as session:
        sent = [row.body for row in session.scalars(select(Outbox).order_by(Outbox.id))]
        assert session.get(Fund, "rainbow-city") is None
    assert [(e["type"], e["data"]["status"]) for e in sent] == [("case.reported", "resolved")]
    assert sent[0]["data"]["result"] == "已送医治疗，现在猫舍休养"
    assert sent[0]["data"]["handler"] == "王阿姨" and sent[0]["community"] == "rainbow-city"


def test_money_cannot_be_dated_in_the_future(call, monkeypatch):
    from cat_fund import api
    monkeypatch.setattr(api, "utcnow", lambda: NOW)   # 27 November in Beijing
    status, body = donate(call, "10.00", occurred_on="2026-11-28")
    assert status == 400 and body["error"]["code"] == "date_in_future"
    assert body["error"]["fields"] == {"occurred_on": ["日期不能晚于今天"]}
    assert donate(call, "10.00", occurred_on="2026-11-27")[0] == 201
