"""The fund's rules about cats and cases, without a broker or the API: what each rule does,
and that each refusal names itself and changes nothing."""
from datetime import UTC, date, datetime, timedelta

import pytest

from cat_fund.domain import cases, cats, views
from cat_fund.models import Base
from minzi.api import DomainError, actor
from minzi.contract import CaseDispatched
from minzi.testing import dispatched_case, snapshot

from .conftest import HANDLER, NOW, OPERATOR

BY = actor(OPERATOR)
HOME = "rainbow-city"
LATER = NOW + timedelta(hours=3)


def refused(tx, code, operation):
    """``operation`` is refused with ``code``, and nothing was written or published."""
    before, published = snapshot(tx.session, Base.metadata), list(tx.published)
    with pytest.raises(DomainError) as caught:
        operation()
    assert caught.value.code == code
    assert snapshot(tx.session, Base.metadata) == before and tx.published == published
    return caught.value


def new_cat(tx, community=HOME, **data):
    return cats.create_cat(tx.session, community, {
        "name": "小花", "found_at": "3号楼后", "found_on": date(2026, 10, 2), **data}, BY, NOW)


def dispatched(case_id=1, **overrides):
    """A ``case.dispatched`` body as the kit hands it to ``receive``: loaded by the contract."""
    return CaseDispatched().load(dispatched_case("cat_fund", "sick_or_injured_cat",
                                                 case_id=case_id, **overrides))


def received(tx, case_id=1, **overrides):
    return cases.receive(tx, dispatched(case_id, **overrides), NOW)


# -- cats -----------------------------------------------------------------------------------------

def test_a_new_cat_is_on_record_with_who_and_when(tx):
    cat = new_cat(tx, sex="female")
    view = views.cat_view(cat, "zh", full=True)
    assert (view["status"], view["status_label"], view["sex_label"]) == \
        ("in_shelter", "在猫舍", "母")
    assert [(h["action"], h["by"]["name"], h["at"]) for h in view["history"]] == [
        ("created", "王阿姨", "2026-11-27T02:00:00Z")]


def test_a_sterilisation_needs_both_its_date_and_its_vet(tx):
    refused(tx, "sterilisation_incomplete",
            lambda: new_cat(tx, sterilised_on=date(2026, 10, 5)))
    error = refused(tx, "sterilisation_incomplete",
                    lambda: new_cat(tx, sterilised_by="康宠动物医院"))
    assert error.field == "sterilised_on"
    cat = new_cat(tx, sterilised_on=date(2026, 10, 5), sterilised_by="康宠动物医院")
    assert cat.sterilised_on == date(2026, 10, 5)


def test_another_communitys_cat_or_none_is_not_found(tx):
    theirs = new_cat(tx, community="sunny-park")
    refused(tx, "cat_not_found", lambda: cats.get_cat(tx.session, HOME, theirs.id))
    refused(tx, "cat_not_found",
            lambda: cats.update_cat(tx.session, HOME, theirs.id, {"status": "adopted"}, BY, NOW))
    refused(tx, "cat_not_found", lambda: cats.record_sterilisation(
        tx.session, HOME, 9_999, {"date": date(2026, 10, 5), "vet": "x"}, BY, NOW))
    refused(tx, "cat_not_found", lambda: cats.record_vet_visit(
        tx.session, HOME, 9_999, {"visited_on": date(2026, 10, 5), "vet": "x",
                                  "reason": "y"}, BY, NOW))
    assert theirs.status == "in_shelter"


def test_a_cat_is_sterilised_once_and_not_before_it_was_found(tx):
    cat = new_cat(tx)                                        # found on 2 October
    refused(tx, "before_found", lambda: cats.record_sterilisation(
        tx.session, HOME, cat.id, {"date": date(2026, 10, 1), "vet": "康宠动物医院"}, BY, NOW))
    cats.record_sterilisation(tx.session, HOME, cat.id,
                              {"date": date(2026, 10, 2), "vet": "康宠动物医院"}, BY, LATER)
    error = refused(tx, "already_sterilised", lambda: cats.record_sterilisation(
        tx.session, HOME, cat.id, {"date": date(2026, 10, 6), "vet": "别家医院"}, BY, LATER))
    assert "2026-10-02" in error.message_zh and "康宠动物医院" in error.message_zh
    assert (cat.sterilised_on, cat.sterilised_by) == (date(2026, 10, 2), "康宠动物医院")
    assert views.cat_view(cat, "zh")["updated_at"] == "2026-11-27T05:00:00Z"


def test_a_deceased_cat_keeps_its_record_but_takes_no_new_status_or_vaccination(tx):
    cat = new_cat(tx)
    cats.update_cat(tx.session, HOME, cat.id, {"status": "deceased"}, BY, NOW)
    refused(tx, "cat_deceased",
            lambda: cats.update_cat(tx.session, HOME, cat.id, {"status": "in_shelter"}, BY, LATER))
    refused(tx, "cat_deceased", lambda: cats.record_vaccination(
        tx.session, HOME, cat.id, {"vaccine": "猫三联", "given_on": date(2026, 11, 1)}, BY, LATER))
    # its record may still be corrected
    cats.update_cat(tx.session, HOME, cat.id, {"colour": "三花"}, BY, LATER)
    assert (cat.status, cat.colour) == ("deceased", "三花")
    assert [h.action for h in cat.history] == ["created", "status_changed", "updated"]


def test_vaccinations_due_count_the_latest_dose_of_living_cats(tx):
    soon, gone = new_cat(tx, name="soon"), new_cat(tx, name="gone")
    for cat, due in ((soon, date(2026, 12, 10)), (gone, date(2026, 12, 1))):
        cats.record_vaccination(tx.session, HOME, cat.id, {
            "vaccine": "猫三联", "given_on": date(2025, 12, 10), "next_due_on": due}, BY, NOW)
    cats.update_cat(tx.session, HOME, gone.id, {"status": "adopted"}, BY, NOW)
    due = views.vaccinations_due(tx.session, HOME, date(2026, 11, 27), 30)
    # 27 November to 10 December is 13 days
    assert [(d["cat_name"], d["days_left"], d["overdue"]) for d in due["items"]] == [
        ("soon", 13, False)]


# -- cases from intake ----------------------------------------------------------------------------

def test_a_dispatched_case_is_kept_and_accepted_in_the_funds_name(tx):
    report = received(tx, 42)
    assert report == {"case_id": 42, "program_id": "cat_fund", "status": "accepted",
                      "handler": "流浪猫爱心基金会", "note": cases.ACCEPTED_NOTE}
    case = cases.get_case(tx.session, HOME, 42)
    view = views.case_view(case, "zh", operator=True, full=True)
    assert (view["status"], view["resident"]["phone"]) == ("accepted", "13800001111")
    assert [(h["action"], h["at"]) for h in view["history"]] == [
        ("received", "2026-11-27T02:00:00Z")]
    assert views.case_view(case, "zh", operator=False)["resident"]["phone"] == "138****1111"


def test_a_chase_raises_the_level_and_an_escalation_is_named(tx):
    received(tx)
    notice = {"case_id": 1, "community": HOME, "note": "已超时"}
    cases.chased(tx, {**notice, "level": 1}, NOW)
    cases.chased(tx, {**notice, "level": 2}, LATER)
    cases.chased(tx, {**notice, "level": 1}, LATER)     # a late reminder does not lower it
    case = cases.get_case(tx.session, HOME, 1)
    assert case.chase_level == 2
    assert [h.action for h in case.history] == ["received", "chased", "escalated", "chased"]


def test_a_notice_about_a_case_the_fund_does_not_have_changes_nothing(tx):
    received(tx, 1)
    before = snapshot(tx.session, Base.metadata)
    cases.chased(tx, {"case_id": 2, "community": HOME, "level": 1, "note": None}, NOW)
    cases.recalled(tx, {"case_id": 1, "community": "sunny-park", "note": None}, NOW)
    assert snapshot(tx.session, Base.metadata) == before


def test_a_recalled_case_is_no_longer_worked(tx):
    received(tx)
    cases.recalled(tx, {"case_id": 1, "community": HOME, "note": "已转办"}, NOW)
    for work in (lambda: cases.progress_case(tx.session, HOME, 1, "x", BY, LATER),
                 lambda: cases.resolve_case(tx.session, HOME, 1, "x", None, BY, LATER),
                 lambda: cases.return_case(tx.session, HOME, 1, "x", BY, LATER),
                 lambda: cases.link_cat(tx.session, HOME, 1, {"cat": {
                     "found_at": "x", "found_on": date(2026, 11, 27)}}, BY, LATER)):
        refused(tx, "case_recalled", work)
    assert cases.get_case(tx.session, HOME, 1).status == "recalled"


def test_a_finished_case_is_closed_and_a_recall_does_not_reopen_it(tx):
    received(tx)
    case, report = cases.resolve_case(tx.session, HOME, 1, "已送医", "您好，猫已送医",
                                      actor(HANDLER), LATER)
    assert report == {"case_id": 1, "program_id": "cat_fund", "status": "resolved",
                      "handler": "赵志愿者", "note": None, "result": "已送医",
                      "reply": "您好，猫已送医"}
    refused(tx, "case_closed", lambda: cases.return_case(tx.session, HOME, 1, "x", BY, LATER))
    refused(tx, "case_closed", lambda: cases.progress_case(tx.session, HOME, 1, "x", BY, LATER))
    cases.recalled(tx, {"case_id": 1, "community": HOME, "note": "结案"}, LATER)
    assert case.status == "resolved"


def test_a_case_dispatched_again_after_it_was_returned_is_worked_afresh(tx):
    received(tx)
    cases.chased(tx, {"case_id": 1, "community": HOME, "level": 2, "note": None}, NOW)
    cases.return_case(tx.session, HOME, 1, "不是流浪猫", BY, NOW)
    report = received(tx, description="还是那只猫，又回来了")
    case = cases.get_case(tx.session, HOME, 1)
    assert report["status"] == "accepted"
    assert (case.status, case.chase_level) == ("accepted", 0)
    assert case.description == "还是那只猫，又回来了"
    assert [h.action for h in case.history][-1] == "received_again"


def test_another_communitys_case_or_none_is_not_found(tx):
    received(tx, 1, community="sunny-park")
    refused(tx, "case_not_found", lambda: cases.get_case(tx.session, HOME, 1))
    refused(tx, "case_not_found",
            lambda: cases.resolve_case(tx.session, HOME, 1, "x", None, BY, NOW))
    refused(tx, "case_not_found", lambda: cases.link_cat(tx.session, HOME, 1, {"cat_id": 1},
                                                         BY, NOW))


def test_a_cat_is_linked_to_a_case_once(tx):
    received(tx)
    case, cat = cases.link_cat(tx.session, HOME, 1, {"cat": {
        "name": "瘸腿黑猫", "found_at": "3号楼后", "found_on": date(2026, 11, 27)}}, BY, NOW)
    before = snapshot(tx.session, Base.metadata)
    cases.link_cat(tx.session, HOME, 1, {"cat_id": cat.id}, BY, LATER)
    assert snapshot(tx.session, Base.metadata) == before
    assert [c.id for c in case.cats] == [cat.id]
    assert [h.action for h in cat.history] == ["created", "case_linked"]
    theirs = new_cat(tx, community="sunny-park")
    refused(tx, "cat_not_found",
            lambda: cases.link_cat(tx.session, HOME, 1, {"cat_id": theirs.id}, BY, LATER))


def test_the_clock_is_what_the_caller_says(tx):
    """Nothing here reads the clock: a case received "in 2030" says 2030."""
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    cases.receive(tx, dispatched(), when)
    case = cases.get_case(tx.session, HOME, 1)
    assert views.case_view(case, "zh", operator=True)["received_at"] == "2030-01-02T03:04:05Z"
