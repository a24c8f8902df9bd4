"""What the fund's staff see on their pages, field by field, with every figure worked out by hand:
a ledger entry of each kind, the ledger filtered and paged, the balance, a cat's record and what
was spent on it, the vaccinations falling due, and the cases from intake."""
from datetime import date, timedelta

from minzi.api import actor
from minzi.contract import CaseDispatched
from minzi.testing import dispatched_case

from cat_fund.domain import cases, cats, ledger, spending, views

from .conftest import HANDLER, NOW, OPERATOR

BY = actor(OPERATOR)
NAMED = "王阿姨"   # how every record names OPERATOR (minzi.api.actor_name)
HOME = "rainbow-city"
LATER = NOW + timedelta(hours=3)        # 13:00 in Beijing, the same day
ALL = {"kind": None, "category": None, "cat_id": None, "month": None, "offset": 0, "limit": 100}


def new_cat(tx, community=HOME, **data):
    return cats.create_cat(tx.session, community, {
        "name": "小花", "found_at": "3号楼后", "found_on": date(2026, 10, 2), **data}, BY, NOW)


def donate(tx, fen, community=HOME, **data):
    entry, _ = ledger.record_donation(tx.session, community, {
        "amount": fen, "channel": "cash", "donor_name": "彩虹城居委会", **data}, BY, NOW)
    return entry


def pay(tx, fen, community=HOME, **data):
    entry, _ = spending.record_expense(tx.session, community, {
        "amount": fen, "category": "vet", "invoice_ref": "FP-1", "approved_by": "张站长",
        **data}, BY, NOW)
    return entry


def reverse(tx, entry, reason="登记错了", now=LATER):
    reversal, _ = ledger.reverse_entry(tx.session, HOME, entry.id, {"reason": reason}, BY, now)
    return reversal


def fresh(tx):
    tx.session.flush()
    tx.session.expire_all()


# -- ledger entries -------------------------------------------------------------------------------

def test_a_donation_shows_its_receipt_its_donor_and_a_contact_only_the_fund_may_dial(tx):
    gift = donate(tx, 50_000, channel="wechat", donor_name="和泓物业", agreed_to_be_named=True,
                  donor_contact="13912345678", description="十一月捐款")
    expected = {
        "id": gift.id, "number": "CF-2026-000001", "kind": "donation", "kind_label": "捐款",
        "amount": "500.00", "change": "500.00", "occurred_on": "2026-11-27",
        "description": "十一月捐款", "recorded_by": NAMED, "recorded_at": "2026-11-27T02:00:00Z",
        "reversed_by": None, "receipt_no": "CF-2026-000001", "donor_name": "和泓物业",
        "anonymous": False, "agreed_to_be_named": True, "public_donor": "和泓物业",
        "donor_contact": "13912345678", "channel": "wechat", "channel_label": "微信"}
    assert views.entry_view(gift, "zh", operator=True) == expected
    assert views.entry_view(gift, "en", operator=False) == {
        **expected, "kind_label": "Donation", "channel_label": "WeChat Pay",
        "donor_contact": "139****5678"}


def test_an_anonymous_donor_is_anonymous_to_the_public_even_with_a_name_on_file(tx):
    gift = donate(tx, 1_000, donor_name="李奶奶", anonymous=True, agreed_to_be_named=True)
    view = views.entry_view(gift, "en", operator=True)
    assert (view["donor_name"], view["anonymous"], view["agreed_to_be_named"],
            view["public_donor"]) == ("李奶奶", True, False, "Anonymous")
    assert views.entry_view(gift, "zh", operator=True)["public_donor"] == "匿名"


def test_a_payment_and_its_reversal_show_what_the_money_was_for_and_each_other(tx):
    donate(tx, 100_000)
    cat = new_cat(tx)
    payment = pay(tx, 12_050, payee="康宠动物医院", cat_id=cat.id, invoice_ref="INV-7",
                  description="看腿伤")
    back = reverse(tx, payment, reason="发票作废")
    fresh(tx)
    paid = {
        "id": payment.id, "number": "CF-2026-000002", "kind": "expense", "kind_label": "支出",
        "amount": "120.50", "change": "-120.50", "occurred_on": "2026-11-27",
        "description": "看腿伤", "recorded_by": NAMED, "recorded_at": "2026-11-27T02:00:00Z",
        "reversed_by": "CF-2026-000003", "category": "vet", "category_label": "看病",
        "cat_id": cat.id, "invoice_ref": "INV-7", "payee": "康宠动物医院",
        "approved_by": "张站长"}
    assert views.one_entry(tx.session, HOME, payment.id, "zh", operator=False) == paid
    assert views.one_entry(tx.session, HOME, back.id, "en", operator=False) == {
        "id": back.id, "number": "CF-2026-000003", "kind": "reversal",
        "kind_label": "Reversal", "amount": "120.50", "change": "120.50",
        "occurred_on": "2026-11-27", "description": None, "recorded_by": NAMED,
        "recorded_at": "2026-11-27T05:00:00Z", "reversed_by": None, "category": "vet",
        "category_label": "Vet care", "cat_id": cat.id,
        "reverses": {"id": payment.id, "number": "CF-2026-000002"}, "reason": "发票作废"}


def test_a_reversed_donation_names_no_category(tx):
    gift = donate(tx, 2_000)
    back = reverse(tx, gift)
    fresh(tx)
    view = views.one_entry(tx.session, HOME, back.id, "zh", operator=True)
    assert (view["kind_label"], view["change"], view["reverses"]) == (
        "冲正", "-20.00", {"id": gift.id, "number": "CF-2026-000001"})
    assert not {"category", "category_label", "cat_id", "channel", "donor_name"} & set(view)
    assert views.one_entry(tx.session, HOME, gift.id, "zh", operator=True)["reversed_by"] == \
        "CF-2026-000002"


def test_the_ledger_filtered_by_kind_category_cat_and_month_and_paged(tx):
    # October: a donation of 300.00 dated 5 October; November: a donation of 1000.00, 80.00 of
    # food, 150.00 at the vet for one cat, and that vet bill reversed.
    cat = new_cat(tx)
    october = donate(tx, 30_000, occurred_on=date(2026, 10, 5))
    november = donate(tx, 100_000)
    food = pay(tx, 8_000, category="food")
    vet = pay(tx, 15_000, cat_id=cat.id)
    back = reverse(tx, vet)
    fresh(tx)

    def numbers(**query):
        listed = views.list_entries(tx.session, HOME, {**ALL, **query}, "zh", operator=True)
        return listed["total"], [item["id"] for item in listed["items"]]

    assert numbers() == (5, [october.id, november.id, food.id, vet.id, back.id])
    assert numbers(kind="expense") == (2, [food.id, vet.id])
    assert numbers(kind="reversal") == (1, [back.id])
    assert numbers(category="vet") == (2, [vet.id, back.id])
    assert numbers(cat_id=cat.id) == (2, [vet.id, back.id])
    assert numbers(month="2026-10") == (1, [october.id])
    assert numbers(month="2026-11") == (4, [november.id, food.id, vet.id, back.id])
    assert numbers(offset=1, limit=2) == (5, [november.id, food.id])
    assert numbers(offset=4, limit=2) == (5, [back.id])
    page = views.list_entries(tx.session, HOME, {**ALL, "kind": "expense"}, "zh", operator=True)
    assert [item["reversed_by"] for item in page["items"]] == [None, "CF-2026-000005"]
    assert views.list_entries(tx.session, "sunny-park", ALL, "zh", operator=True) == {
        "total": 0, "items": []}


def test_the_balance_is_what_came_in_less_what_went_out(tx):
    assert views.fund_view(tx.session, HOME) == {
        "community": HOME, "balance": "0.00", "entry_count": 0, "ledger_sum": "0.00"}
    donate(tx, 100_000)                                    # 1000.00 in
    payment = pay(tx, 12_050)                              # 120.50 out
    reverse(tx, payment)                                   # 120.50 back
    pay(tx, 30_001)                                        # 300.01 out
    donate(tx, 999, community="sunny-park")                # not this community's
    # 1000.00 - 120.50 + 120.50 - 300.01 = 699.99, in four entries
    assert views.fund_view(tx.session, HOME) == {
        "community": HOME, "balance": "699.99", "entry_count": 4, "ledger_sum": "699.99"}


# -- cats -----------------------------------------------------------------------------------------

def test_a_cats_record_shows_its_care_its_history_and_what_was_spent_on_it(tx):
    donate(tx, 100_000)
    cat = new_cat(tx, sex="female", colour="三花", description="左耳有缺口",
                  sterilised_on=date(2026, 10, 5), sterilised_by="康宠动物医院")
    other = new_cat(tx, name="大橘")
    cats.record_vaccination(tx.session, HOME, cat.id, {
        "vaccine": "狂犬疫苗", "given_on": date(2026, 11, 20), "next_due_on": date(2027, 11, 20),
        "vet": "康宠动物医院"}, actor(HANDLER), LATER)
    cats.record_vaccination(tx.session, HOME, cat.id, {
        "vaccine": "猫三联", "given_on": date(2026, 10, 10)}, BY, NOW)
    cats.record_vet_visit(tx.session, HOME, cat.id, {
        "visited_on": date(2026, 11, 1), "vet": "康宠动物医院", "reason": "腿伤",
        "diagnosis": "扭伤", "treatment": "休息一周"}, BY, NOW)
    first = pay(tx, 20_000, cat_id=cat.id)                 # 200.00
    second = pay(tx, 5_050, cat_id=cat.id, category="food")  # 50.50
    reverse(tx, first)                                     # 200.00 back
    pay(tx, 7_000, cat_id=other.id)                        # another cat's
    fresh(tx)
    cat = cats.get_cat(tx.session, HOME, cat.id)
    record = views.cat_with_spending(tx.session, HOME, cat, "en", operator=False)
    assert {key: record[key] for key in record if key not in (
        "vaccinations", "vet_visits", "history", "spending")} == {
        "id": cat.id, "name": "小花", "sex": "female", "sex_label": "Female", "colour": "三花",
        "description": "左耳有缺口", "found_at": "3号楼后", "found_on": "2026-10-02",
        "status": "in_shelter", "status_label": "In the shelter", "sterilised": True,
        "sterilised_on": "2026-10-05", "sterilised_by": "康宠动物医院",
        "cost": "50.50",                                   # 200.00 + 50.50 - 200.00
        "created_by": NAMED, "created_at": "2026-11-27T02:00:00Z",
        "updated_by": NAMED, "updated_at": "2026-11-27T02:00:00Z"}   # the last change was at 10:00
    # doses in the order they were given, whenever they were recorded
    assert [(v["vaccine"], v["given_on"], v["next_due_on"], v["vet"], v["recorded_by"],
             v["recorded_at"], v["cat_id"]) for v in record["vaccinations"]] == [
        ("猫三联", "2026-10-10", None, None, NAMED, "2026-11-27T02:00:00Z", cat.id),
        ("狂犬疫苗", "2026-11-20", "2027-11-20", "康宠动物医院", "赵志愿者",
         "2026-11-27T05:00:00Z", cat.id)]
    assert [{k: v for k, v in visit.items() if k != "id"} for visit in record["vet_visits"]] == [
        {"visited_on": "2026-11-01", "vet": "康宠动物医院", "reason": "腿伤", "diagnosis": "扭伤",
         "treatment": "休息一周", "recorded_by": NAMED, "recorded_at": "2026-11-27T02:00:00Z"}]
    assert [(h["action"], h["by"], h["at"]) for h in record["history"]] == [
        ("created", "王阿姨", "2026-11-27T02:00:00Z"),
        ("vaccinated", "赵志愿者", "2026-11-27T05:00:00Z"),
        ("vaccinated", "王阿姨", "2026-11-27T02:00:00Z"),
        ("vet_visit", "王阿姨", "2026-11-27T02:00:00Z")]
    assert record["history"][1]["detail"] == {
        "vaccine": "狂犬疫苗", "given_on": "2026-11-20", "next_due_on": "2027-11-20",
        "vet": "康宠动物医院"}
    assert [(e["number"], e["change"]) for e in record["spending"]] == [
        (first.number, "-200.00"), (second.number, "-50.50"),
        ("CF-2026-000004", "200.00")]                      # the reversal, 4th of all


def test_the_list_of_cats_shows_each_cats_cost_and_filters_by_status(tx):
    donate(tx, 100_000)
    a = new_cat(tx, name="a")
    b = new_cat(tx, name="b")
    c = new_cat(tx, name="c", sex="male")
    new_cat(tx, community="sunny-park", name="theirs")
    pay(tx, 1_000, cat_id=a.id)
    pay(tx, 2_500, cat_id=a.id)
    pay(tx, 99, cat_id=c.id)
    cats.update_cat(tx.session, HOME, b.id, {"status": "adopted"}, BY, LATER)
    fresh(tx)
    listed = views.list_cats(tx.session, HOME, None, "zh")
    assert listed["total"] == 3
    assert [(i["name"], i["cost"], i["status_label"], i["sex_label"]) for i in listed["items"]] \
        == [("a", "35.00", "在猫舍", "未知"), ("b", "0.00", "已被领养", "未知"),
            ("c", "0.99", "在猫舍", "公")]
    assert "history" not in listed["items"][0]
    adopted = views.list_cats(tx.session, HOME, "adopted", "en")
    assert (adopted["total"], [(i["name"], i["status_label"]) for i in adopted["items"]]) == (
        1, [("b", "Adopted")])


def test_vaccinations_falling_due_within_the_days_asked_and_those_overdue(tx):
    today = date(2026, 11, 27)

    def dose(cat, vaccine, due, given=date(2025, 11, 1)):
        cats.record_vaccination(tx.session, HOME, cat.id, {
            "vaccine": vaccine, "given_on": given, "next_due_on": due}, BY, NOW)

    late = new_cat(tx, name="late")
    edge = new_cat(tx, name="edge", status="returned")
    beyond = new_cat(tx, name="beyond")
    renewed = new_cat(tx, name="renewed")
    dead = new_cat(tx, name="dead")
    theirs = new_cat(tx, community="sunny-park", name="theirs")
    dose(late, "猫三联", date(2026, 11, 20))                  # 7 days overdue
    dose(late, "狂犬疫苗", None)                               # no next dose named
    dose(edge, "猫三联", date(2026, 12, 7))                   # exactly 10 days away
    dose(beyond, "猫三联", date(2026, 12, 8))                 # 11 days away
    dose(renewed, "猫三联", date(2026, 11, 28))               # superseded by a later dose:
    dose(renewed, "猫三联", date(2027, 11, 1), given=date(2026, 11, 1))
    dose(dead, "猫三联", date(2026, 11, 28))
    cats.update_cat(tx.session, HOME, dead.id, {"status": "deceased"}, BY, NOW)
    cats.record_vaccination(tx.session, "sunny-park", theirs.id, {
        "vaccine": "猫三联", "given_on": date(2025, 11, 1), "next_due_on": today}, BY, NOW)
    due = views.vaccinations_due(tx.session, HOME, today, 10)
    assert (due["today"], due["days"]) == ("2026-11-27", 10)
    assert [(d["cat_name"], d["cat_status"], d["vaccine"], d["next_due_on"], d["days_left"],
             d["overdue"], d["found_at"]) for d in due["items"]] == [
        ("late", "in_shelter", "猫三联", "2026-11-20", -7, True, "3号楼后"),
        ("edge", "returned", "猫三联", "2026-12-07", 10, False, "3号楼后")]
    # due today is not yet overdue; the default window is 30 days
    assert [(d["cat_name"], d["overdue"], d["days_left"]) for d in
            views.vaccinations_due(tx.session, HOME, date(2026, 12, 7))["items"]] == [
        ("late", True, -17), ("edge", False, 0), ("beyond", False, 1)]


# -- cases ----------------------------------------------------------------------------------------

def received(tx, case_id, now=NOW, **overrides):
    return cases.receive(tx, CaseDispatched().load(dispatched_case(
        "cat_fund", "sick_or_injured_cat", case_id=case_id, **overrides)), now)


def test_a_case_shows_what_intake_sent_and_what_the_fund_did(tx):
    received(tx, 42, attributes={"cat_count": 2}, note="请尽快", channel="phone")
    cat = new_cat(tx, name="瘸腿黑猫")
    cases.link_cat(tx.session, HOME, 42, {"cat_id": cat.id}, BY, NOW)
    cases.chased(tx, {"case_id": 42, "community": HOME, "level": 1, "note": "快到期了"}, NOW)
    cases.return_case(tx.session, HOME, 42, "不是流浪猫", actor(HANDLER), LATER)
    fresh(tx)
    case = cases.get_case(tx.session, HOME, 42)
    assert views.case_view(case, "en", operator=False, full=True) == {
        "case_id": 42, "tracking_code": "TEST000042", "service_code": "sick_or_injured_cat",
        "channel": "phone", "description": "居民来访求助", "attributes": {"cat_count": 2},
        "address": "彩虹城3号楼", "resident": {"name": "张三", "phone": "138****1111",
                                          "contact": None},
        "due_at": "2026-12-04T02:00:00Z", "dispatch_note": "请尽快", "status": "returned",
        "status_label": "Returned", "chase_level": 1, "result": None, "note": "不是流浪猫",
        "received_at": "2026-11-27T02:00:00Z", "updated_at": "2026-11-27T05:00:00Z",
        "cats": [{"id": cat.id, "name": "瘸腿黑猫", "status": "in_shelter"}],
        "history": [
            {"action": "received", "note": "请尽快", "by": "intake", "at": "2026-11-27T02:00:00Z"},
            {"action": "cat_linked", "note": f"#{cat.id} 瘸腿黑猫", "by": NAMED,
             "at": "2026-11-27T02:00:00Z"},
            {"action": "chased", "note": "快到期了", "by": "intake", "at": "2026-11-27T02:00:00Z"},
            {"action": "returned", "note": "不是流浪猫", "by": "赵志愿者",
             "at": "2026-11-27T05:00:00Z"}]}
    assert views.case_view(case, "zh", operator=True)["resident"]["phone"] == "13800001111"
    assert views.case_view(case, "zh", operator=True)["status_label"] == "已退回"
    assert "history" not in views.case_view(case, "zh", operator=True)


def test_the_list_of_cases_puts_the_newest_first_and_filters_by_status(tx):
    received(tx, 1)
    received(tx, 2)
    received(tx, 3)
    received(tx, 4, community="sunny-park")
    cases.progress_case(tx.session, HOME, 2, "已联系居民", BY, NOW)
    fresh(tx)
    listed = views.list_cases(tx.session, HOME, None, "zh", operator=False)
    assert (listed["total"], [(c["case_id"], c["status_label"]) for c in listed["items"]]) == (
        3, [(3, "已受理"), (2, "办理中"), (1, "已受理")])
    assert listed["items"][0]["resident"]["phone"] == "138****1111"
    assert "history" not in listed["items"][0]
    accepted = views.list_cases(tx.session, HOME, "accepted", "en", operator=True)
    assert [(c["case_id"], c["status_label"]) for c in accepted["items"]] == [
        (3, "Accepted"), (1, "Accepted")]
    assert accepted["items"][0]["resident"]["phone"] == "13800001111"
