"""The fund's rules about cats and cases, without a broker or the API: what each rule does,
and that each refusal names itself and changes nothing."""
from datetime import UTC, date, datetime, timedelta

import pytest

from minzi.api import DomainError, actor
from minzi.contract import CaseDispatched
from minzi.testing import dispatched_case, snapshot

from cat_fund.domain import cases, cats, views
from cat_fund.models import Base

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
    assert [(h["action"], h["by"], h["at"]) for h in view["history"]] == [
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


# -- what intake hears, and what each step leaves on the record -----------------------------------

def test_each_step_tells_intake_who_did_it_and_what_they_said(tx):
    received(tx, 1)
    received(tx, 2)
    _, progress = cases.progress_case(tx.session, HOME, 1, "志愿者已到现场", BY, NOW)
    assert progress == {"case_id": 1, "program_id": "cat_fund", "status": "in_progress",
                        "handler": "王阿姨", "note": "志愿者已到现场"}
    case, done = cases.resolve_case(tx.session, HOME, 1, "已送医", None, actor(HANDLER), LATER)
    assert done == {"case_id": 1, "program_id": "cat_fund", "status": "resolved",
                    "handler": "赵志愿者", "note": None, "result": "已送医"}
    assert (case.status, case.result) == ("resolved", "已送医")
    other, returned = cases.return_case(tx.session, HOME, 2, "是家猫，不归基金会管", BY, LATER)
    assert returned == {"case_id": 2, "program_id": "cat_fund", "status": "returned",
                        "handler": "王阿姨", "note": "是家猫，不归基金会管"}
    assert (other.status, other.note, other.result) == ("returned", "是家猫，不归基金会管", None)
    assert [(h.action, h.note, (h.by or {}).get("name"), h.at.hour) for h in case.history] == [
        ("received", None, None, 2), ("in_progress", "志愿者已到现场", "王阿姨", 2),
        ("resolved", "已送医", "赵志愿者", 5)]
    assert case.updated_at.hour == 5


def test_a_case_is_kept_as_intake_sent_it(tx):
    received(tx, 7)
    view = views.case_view(cases.get_case(tx.session, HOME, 7), "zh", operator=True)
    assert {k: view[k] for k in ("tracking_code", "service_code", "channel", "description",
                                 "attributes", "address", "due_at", "dispatch_note", "status",
                                 "chase_level", "result", "note")} == {
        "tracking_code": "TEST000007", "service_code": "sick_or_injured_cat",
        "channel": "visit", "description": "居民来访求助", "attributes": {},
        "address": "彩虹城3号楼", "due_at": "2026-12-04T02:00:00Z", "dispatch_note": None,
        "status": "accepted", "chase_level": 0, "result": None, "note": None}
    assert view["resident"]["name"] == "张三"


def test_a_case_dispatched_again_while_worked_keeps_its_progress_and_takes_the_new_details(tx):
    received(tx)
    cases.progress_case(tx.session, HOME, 1, "在找", BY, NOW)
    cases.chased(tx, {"case_id": 1, "community": HOME, "level": 1, "note": "催办"}, NOW)
    report = received(tx, description="猫换了位置", address="彩虹城5号楼", note="补充地址")
    case = cases.get_case(tx.session, HOME, 1)
    assert report["status"] == "accepted"
    assert (case.status, case.chase_level, case.description, case.address,
            case.dispatch_note) == ("in_progress", 1, "猫换了位置", "彩虹城5号楼", "补充地址")
    assert [(h.action, h.note) for h in case.history] == [
        ("received", None), ("in_progress", "在找"), ("chased", "催办"),
        ("received_again", "补充地址")]


def test_a_resolved_case_dispatched_again_starts_without_its_old_result(tx):
    received(tx)
    cases.resolve_case(tx.session, HOME, 1, "已送医", None, BY, NOW)
    received(tx)
    case = cases.get_case(tx.session, HOME, 1)
    assert (case.status, case.result) == ("accepted", None)
    cases.progress_case(tx.session, HOME, 1, "再次出动", BY, LATER)    # worked again
    assert case.status == "in_progress"


def test_a_recall_of_a_case_being_worked_stops_it_and_says_why(tx):
    received(tx)
    cases.progress_case(tx.session, HOME, 1, "在找", BY, NOW)
    cases.recalled(tx, {"case_id": 1, "community": HOME, "note": "居民撤诉"}, LATER)
    cases.chased(tx, {"case_id": 1, "community": HOME, "level": 2, "note": "升级"}, LATER)
    case = cases.get_case(tx.session, HOME, 1)
    assert (case.status, case.chase_level, case.updated_at.hour) == ("recalled", 2, 5)
    assert [(h.action, h.note) for h in case.history][-2:] == [
        ("recalled", "居民撤诉"), ("escalated", "升级")]


def test_a_nameless_cat_linked_to_a_case_is_named_by_its_number(tx):
    received(tx)
    case, cat = cases.link_cat(tx.session, HOME, 1, {"cat": {
        "found_at": "车库", "found_on": date(2026, 11, 27)}}, actor(HANDLER), LATER)
    assert [(h.action, h.note, (h.by or {}).get("name")) for h in case.history] == [
        ("received", None, None), ("cat_linked", f"#{cat.id}", "赵志愿者")]
    assert (cat.created_by["name"], cat.sex, cat.status) == ("赵志愿者", "unknown", "in_shelter")
    linked = cat.history[-1]
    assert (linked.action, linked.detail, linked.by["name"]) == (
        "case_linked", {"case_id": 1, "tracking_code": "TEST000001"}, "赵志愿者")
    assert cat.updated_at.hour == case.updated_at.hour == 5


# -- what each change leaves on a cat's record ----------------------------------------------------

def test_a_change_to_a_cat_is_recorded_from_what_to_what_and_no_change_records_nothing(tx):
    cat = new_cat(tx, colour="黑")
    cats.update_cat(tx.session, HOME, cat.id, {"status": "returned"}, actor(HANDLER), LATER)
    cats.update_cat(tx.session, HOME, cat.id, {"colour": "黑白", "name": "小花"}, BY, LATER)
    before = snapshot(tx.session, Base.metadata)
    cats.update_cat(tx.session, HOME, cat.id, {"colour": "黑白", "status": "returned"}, BY,
                    LATER + timedelta(hours=1))
    assert snapshot(tx.session, Base.metadata) == before
    assert [(h.action, h.detail) for h in cat.history] == [
        ("created", {"name": "小花", "found_at": "3号楼后", "found_on": "2026-10-02",
                     "colour": "黑"}),
        ("status_changed", {"status": {"from": "in_shelter", "to": "returned"}}),
        ("updated", {"colour": {"from": "黑", "to": "黑白"}})]
    assert (cat.status, cat.colour, cat.updated_by["name"], cat.updated_at.hour) == (
        "returned", "黑白", "王阿姨", 5)


def test_a_deceased_cat_may_be_recorded_deceased_again(tx):
    cat = new_cat(tx)
    cats.update_cat(tx.session, HOME, cat.id, {"status": "deceased"}, BY, NOW)
    cats.update_cat(tx.session, HOME, cat.id, {"status": "deceased", "description": "老死"},
                    BY, LATER)
    assert (cat.status, cat.description) == ("deceased", "老死")


def test_a_sterilisation_without_its_date_names_the_date(tx):
    error = refused(tx, "sterilisation_incomplete",
                    lambda: new_cat(tx, sterilised_on=date(2026, 10, 5)))
    assert error.field == "sterilised_by"


def test_a_sterilisation_and_a_vaccination_go_on_the_record_with_who_and_when(tx):
    cat = new_cat(tx)
    cats.record_sterilisation(tx.session, HOME, cat.id,
                              {"date": date(2026, 10, 9), "vet": "康宠动物医院"}, actor(HANDLER),
                              LATER)
    dose = cats.record_vaccination(tx.session, HOME, cat.id, {
        "vaccine": "猫三联", "given_on": date(2026, 11, 1), "next_due_on": date(2027, 11, 1),
        "vet": "康宠动物医院"}, BY, LATER)
    assert (dose.cat_id, dose.vaccine, dose.given_on, dose.next_due_on, dose.vet,
            dose.recorded_by["name"]) == (cat.id, "猫三联", date(2026, 11, 1),
                                          date(2027, 11, 1), "康宠动物医院", "王阿姨")
    visit = cats.record_vet_visit(tx.session, HOME, cat.id, {
        "visited_on": date(2026, 11, 2), "vet": "康宠动物医院", "reason": "打喷嚏"}, BY, LATER)
    assert (visit.cat_id, visit.reason, visit.diagnosis, visit.recorded_by["name"]) == (
        cat.id, "打喷嚏", None, "王阿姨")
    assert [(h.action, h.detail, h.by["name"]) for h in cat.history][1:] == [
        ("sterilised", {"date": "2026-10-09", "vet": "康宠动物医院"}, "赵志愿者"),
        ("vaccinated", {"vaccine": "猫三联", "given_on": "2026-11-01",
                        "next_due_on": "2027-11-01", "vet": "康宠动物医院"}, "王阿姨"),
        ("vet_visit", {"visited_on": "2026-11-02", "vet": "康宠动物医院", "reason": "打喷嚏"},
         "王阿姨")]
    assert (cat.sterilised_on, cat.sterilised_by) == (date(2026, 10, 9), "康宠动物医院")
    error = refused(tx, "already_sterilised", lambda: cats.record_sterilisation(
        tx.session, HOME, cat.id, {"date": date(2026, 10, 10), "vet": "x"}, BY, LATER))
    assert error.message_en == "This cat was already sterilised on 2026-10-09 (康宠动物医院)"


def test_a_case_may_have_more_than_one_cat_and_lists_each_as_it_is_linked(tx):
    received(tx)
    mother = new_cat(tx, name="猫妈妈")
    case, _ = cases.link_cat(tx.session, HOME, 1, {"cat_id": mother.id}, BY, NOW)
    assert [c.name for c in case.cats] == ["猫妈妈"]
    case, kitten = cases.link_cat(tx.session, HOME, 1, {"cat": {
        "name": "小猫", "found_at": "3号楼后", "found_on": date(2026, 11, 27)}}, BY, LATER)
    assert [c.name for c in case.cats] == ["猫妈妈", "小猫"]
    assert kitten.found_at == "3号楼后" and kitten.community == HOME
