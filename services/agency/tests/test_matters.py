"""A matter worked end to end by the agent who owns it (the seed's 全程代理制): the old-age card
for a resident of 60 followed to the end, and every rule's refusal, named, changing nothing."""
from datetime import timedelta

import pytest

from minzi.db import as_utc

from agency.domain import cases, matters

from .conftest import ADMIN, LI, NOW, SIXTY_TODAY, SIXTY_TOMORROW, WANG, matter, refused

HOUR = timedelta(hours=1)
# the old-age card's steps and documents, as manifest.yaml lists them
OLD_AGE_STEPS = ["eligibility", "documents", "submit", "wait", "collect", "hand_over"]
OLD_AGE_DOCUMENTS = ["id_card", "hukou", "photo"]


def step(tx, code, who=WANG, now=NOW, **data):
    return matters.complete_step(tx.session, 1, code, data, who, now)


def take(tx, who=WANG, now=NOW):
    return matters.take(tx.session, 1, {}, who, now)


def all_documents(tx, who=WANG):
    for code in OLD_AGE_DOCUMENTS:
        matters.receive_document(tx.session, 1, code, {}, who, NOW)


def test_an_old_age_card_for_a_sixty_year_old_followed_to_the_end(tx):
    accepted = matter(tx)
    assert accepted["status"] == "accepted" and "老年证" in accepted["note"]
    taken = take(tx)
    assert taken == {"case_id": 1, "program_id": "agency", "handler": "王代理员",
                     "status": "in_progress",
                     "note": "办理《老年证》：已有专职代理员接手，全程代办"}
    # born 27 November 1966: 60 on this very day
    reports = [step(tx, "eligibility", now=NOW + HOUR, id_number=SIXTY_TODAY)]
    all_documents(tx)
    for offset, code in enumerate(OLD_AGE_STEPS[1:], start=2):
        reports.append(step(tx, code, now=NOW + offset * HOUR, note=f"{code} 办好"))
    # each step reported to intake as in progress, naming the step (and the next) in Chinese
    assert [r["status"] for r in reports] == ["in_progress"] * 6
    assert reports[0]["note"] == ("办理《老年证》：已完成“核验年龄（年满60周岁）”（社区服务站），"
                                  "下一步：“核对材料”（社区服务站）")
    assert reports[2]["note"] == ("办理《老年证》：已完成“报送街道老龄办”（街道办事处），"
                                  "下一步：“街道审核制证”（街道办事处）")
    assert reports[-1]["note"] == "办理《老年证》：已完成“交给居民”（社区服务站）"

    done = matters.finish(tx.session, 1, {"result": "《老年证》已办好并交给居民",
                                          "reply": "赵大爷您好，您的《老年证》已办好。"},
                          WANG, NOW + 8 * HOUR, resolved=True)
    assert done == {"case_id": 1, "program_id": "agency", "handler": "王代理员",
                    "status": "resolved", "result": "《老年证》已办好并交给居民",
                    "reply": "赵大爷您好，您的《老年证》已办好。"}
    case = cases.get_case(tx.session, 1, WANG)
    assert (case.state, case.id_number, as_utc(case.finished_at)) == \
        ("resolved", SIXTY_TODAY, NOW + 8 * HOUR)
    assert [h["action"] for h in case.history] == [
        "received", "taken", "step", "document", "document", "document",
        "step", "step", "step", "step", "step", "resolved"]
    assert case.history[2]["age"] == 60
    assert [s["code"] for s in case.steps_done] == OLD_AGE_STEPS


def test_a_fifty_nine_year_old_is_refused_naming_the_id_number(tx):
    matter(tx)
    take(tx)
    with refused(tx, "under_60", field="id_number", status=422,
                 zh="申请人今天59周岁，未满60周岁，不能办理《老年证》"):
        step(tx, "eligibility", id_number=SIXTY_TOMORROW)
    # the next day (Beijing) they are 60
    step(tx, "eligibility", now=NOW + 24 * HOUR, id_number=SIXTY_TOMORROW)


def test_the_age_counts_the_beijing_day_not_the_utc_one(tx):
    matter(tx)
    take(tx)
    # 16:30 UTC on 27 November is 00:30 on the 28th in Beijing: the birthday of SIXTY_TOMORROW
    beijing_28th = NOW.replace(hour=16, minute=30)
    step(tx, "eligibility", now=beijing_28th, id_number=SIXTY_TOMORROW)


@pytest.mark.parametrize(("number", "code"), [
    (None, "id_number_required"),
    ("110105196611270028", "id_number_invalid"),     # the check digit should be 7
    ("110105196602300023", "id_number_invalid"),     # 30 February
])
def test_the_age_check_needs_a_valid_id_number(tx, number, code):
    matter(tx)
    take(tx)
    data = {"id_number": number} if number else {}
    with refused(tx, code, field="id_number", status=422):
        step(tx, "eligibility", **data)


def test_no_step_is_skipped_or_done_twice(tx):
    matter(tx)
    take(tx)
    with refused(tx, "step_out_of_order", field="step", status=409,
                 zh="不能跳过步骤：下一步应是“核验年龄（年满60周岁）”"):
        step(tx, "submit")
    step(tx, "eligibility", id_number=SIXTY_TODAY)
    with refused(tx, "step_already_done", field="step", status=409):
        step(tx, "eligibility", id_number=SIXTY_TODAY)
    with refused(tx, "step_not_found", field="step", status=404):
        step(tx, "pay_fee")


def test_a_missing_document_blocks_the_documents_step_and_so_the_submission(tx):
    matter(tx)
    take(tx)
    step(tx, "eligibility", id_number=SIXTY_TODAY)
    matters.receive_document(tx.session, 1, "id_card", {}, WANG, NOW)
    with refused(tx, "documents_missing", field="documents", status=409,
                 zh="材料不齐，还缺：户口簿或居住证、一寸免冠彩色照片一张"):
        step(tx, "documents")
    with refused(tx, "step_out_of_order", field="step"):
        step(tx, "submit")
    with refused(tx, "document_already_received", field="document", status=409):
        matters.receive_document(tx.session, 1, "id_card", {}, WANG, NOW)
    with refused(tx, "document_not_found", field="document", status=404):
        matters.receive_document(tx.session, 1, "marriage_cert", {}, WANG, NOW)


def test_a_matter_cannot_be_resolved_before_its_last_step(tx):
    matter(tx, "temporary_residence")
    take(tx)
    for code in ("id_card", "tenancy", "photo"):
        matters.receive_document(tx.session, 1, code, {}, WANG, NOW)
    for code in ("documents", "submit", "wait", "collect"):
        step(tx, code)
    with refused(tx, "steps_unfinished", field="step", status=409,
                 zh="还有步骤没有完成：下一步是“交给居民”"):
        matters.finish(tx.session, 1, {"result": "办好了"}, WANG, NOW, resolved=True)
    step(tx, "hand_over")
    matters.finish(tx.session, 1, {"result": "办好了"}, WANG, NOW, resolved=True)
    with refused(tx, "matter_closed", status=409):
        step(tx, "hand_over")


def test_only_the_owner_moves_the_matter_and_hands_it_on_the_record(tx):
    matter(tx)
    with refused(tx, "matter_not_taken", status=409):
        step(tx, "eligibility", id_number=SIXTY_TODAY)
    take(tx)
    with refused(tx, "matter_already_taken", status=409):
        take(tx, LI)
    with refused(tx, "not_your_matter", status=403):
        step(tx, "eligibility", LI, id_number=SIXTY_TODAY)
    with refused(tx, "not_your_matter", status=403):
        matters.finish(tx.session, 1, {"note": "不归我们"}, LI, NOW, resolved=False)
    with refused(tx, "same_agent", field="to_username", status=422):
        matters.hand_off(tx.session, 1, {"to_username": "wang", "to_name": "王代理员",
                                         "note": "换班"}, WANG, NOW)
    matters.hand_off(tx.session, 1, {"to_username": "li", "to_name": "李代理员",
                                     "note": "王代理员休假，由李代理员接着办"}, WANG, NOW + HOUR)
    with refused(tx, "not_your_matter", status=403):
        step(tx, "eligibility", id_number=SIXTY_TODAY)
    step(tx, "eligibility", LI, id_number=SIXTY_TODAY)
    case = cases.get_case(tx.session, 1, LI)
    handed = case.history[-2]
    assert (handed["action"], handed["by"], handed["from_agent"], handed["to_agent"],
            handed["note"]) == ("handed_off", "王代理员", "王代理员", "李代理员",
                                "王代理员休假，由李代理员接着办")
    assert case.steps_done[0]["by"] == "李代理员"


def test_a_matter_returned_says_why_and_a_recalled_one_is_no_longer_worked(tx):
    matter(tx)
    take(tx)
    report = matters.finish(tx.session, 1, {"note": "户籍不在本市，请到户籍所在地街道办理"},
                            WANG, NOW, resolved=False)
    assert report == {"case_id": 1, "program_id": "agency", "handler": "王代理员",
                      "status": "returned", "note": "户籍不在本市，请到户籍所在地街道办理"}
    matter(tx, case_id=2)
    cases.chased(tx, {"case_id": 2, "level": 2, "note": "超时"}, NOW)
    cases.recalled(tx, {"case_id": 2, "note": "转给了别的项目"}, NOW)
    recalled = cases.get_case(tx.session, 2, WANG)
    assert (recalled.state, recalled.chases) == ("recalled", 1)
    assert [h["action"] for h in recalled.history] == ["received", "escalated", "recalled"]
    with refused(tx, "matter_closed", status=409):
        matters.take(tx.session, 2, {}, WANG, NOW)


def test_another_community_does_not_find_the_matter(tx):
    matter(tx)
    with refused(tx, "matter_not_found", field="case_id", status=404):
        take(tx, {**WANG, "community": "maple-court"})
    with refused(tx, "matter_not_found", field="case_id", status=404):
        cases.get_case(tx.session, 9, ADMIN)


def test_a_matter_is_due_after_its_items_own_time_limit(tx):
    matter(tx, "temporary_residence", case_id=1)      # general: 168 hours
    matter(tx, "old_age_card", case_id=2)             # complex: 360 hours
    assert as_utc(cases.get_case(tx.session, 1, WANG).due_at) == NOW + 168 * HOUR
    assert as_utc(cases.get_case(tx.session, 2, WANG).due_at) == NOW + 360 * HOUR
    # sent again after a recall, it keeps its first limit and where it was
    cases.recalled(tx, {"case_id": 1, "note": "收回"}, NOW)
    matter(tx, "temporary_residence", case_id=1, now=NOW + 5 * HOUR)
    again = cases.get_case(tx.session, 1, WANG)
    assert (again.state, as_utc(again.due_at)) == ("received", NOW + 168 * HOUR)
