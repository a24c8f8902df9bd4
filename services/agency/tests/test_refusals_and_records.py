"""Every named refusal of the matters' rules with its whole answer (code, field, status, the
Chinese and the English words), nothing changed; and the records the rules write, entry by
entry (who, when, what), as a reader of the matter's history sees them."""
from datetime import timedelta

import pytest

from minzi.api import DomainError
from minzi.envelope import isoformat

from agency.domain import cases, matters

from .conftest import NOW, SIXTY_TODAY, SIXTY_TOMORROW, WANG, matter, refused, snapshot

HOUR = timedelta(hours=1)
AT = isoformat(NOW)          # "2026-11-27T02:00:00Z"


@pytest.fixture
def scene(tx):
    """1: an old-age card taken by 王代理员, nothing done; 2: an old-age card nobody has taken;
    3: a temporary residence permit with every step but the last; 4: an old-age card with its
    age checked and the ID card in; 5: a housekeeping matter resolved."""
    for case_id, item in ((1, "old_age_card"), (2, "old_age_card"), (3, "temporary_residence"),
                          (4, "old_age_card"), (5, "housekeeping")):
        matter(tx, item, case_id=case_id)
    for case_id in (1, 3, 4, 5):
        matters.take(tx.session, case_id, {}, WANG, NOW)
    for code in ("id_card", "tenancy", "photo"):
        matters.receive_document(tx.session, 3, code, {}, WANG, NOW)
    for code in ("documents", "submit", "wait", "collect"):
        matters.complete_step(tx.session, 3, code, {}, WANG, NOW)
    matters.complete_step(tx.session, 4, "eligibility", {"id_number": SIXTY_TODAY}, WANG, NOW)
    matters.receive_document(tx.session, 4, "id_card", {}, WANG, NOW)
    matters.receive_document(tx.session, 5, "needs", {}, WANG, NOW)
    for code in ("documents", "submit", "wait", "hand_over"):
        matters.complete_step(tx.session, 5, code, {}, WANG, NOW)
    matters.finish(tx.session, 5, {"result": "已安排"}, WANG, NOW, resolved=True)
    return tx


LI = {**WANG, "username": "li", "name": "李代理员"}


def step(case_id, code, who=WANG, **data):
    return lambda tx: matters.complete_step(tx.session, case_id, code, data, who, NOW)


def document(case_id, code, who=WANG):
    return lambda tx: matters.receive_document(tx.session, case_id, code, {}, who, NOW)


REFUSALS = [
    (step(5, "hand_over"), "matter_closed", "case_id", 409,
     "这件代理事项已经办完或已被收回", "The matter is no longer open"),
    (step(2, "eligibility", id_number=SIXTY_TODAY), "matter_not_taken", "case_id", 409,
     "这件事项还没有代理员接手，请先接手", "No agent has taken this matter yet: take it first"),
    (step(1, "eligibility", LI, id_number=SIXTY_TODAY), "not_your_matter", None, 403,
     "这件事项由代理员王代理员全程负责，只有他/她本人可以办理或转交",
     "This matter is 王代理员's: only they may work or hand it on"),
    (lambda tx: matters.take(tx.session, 1, {}, LI, NOW), "matter_already_taken", "case_id",
     409, "这件事项已由代理员王代理员接手", "王代理员 has already taken this matter"),
    (lambda tx: matters.take(tx.session, 5, {}, LI, NOW), "matter_closed", "case_id", 409,
     "这件代理事项已经办完或已被收回", "The matter is no longer open"),
    (lambda tx: matters.hand_off(tx.session, 1, {"to_username": "wang", "to_name": "王",
                                                 "note": "换班"}, WANG, NOW),
     "same_agent", "to_username", 422, "不能转交给自己", "You cannot hand a matter to yourself"),
    (document(1, "marriage_cert"), "document_not_found", "document", 404,
     "“办理《老年证》”不需要材料 marriage_cert",
     "The old-age card needs no document marriage_cert"),
    (document(4, "id_card"), "document_already_received", "document", 409,
     "本人身份证原件及复印件已经收到过了", "ID card and a copy was already received"),
    (document(2, "id_card"), "matter_not_taken", "case_id", 409,
     "这件事项还没有代理员接手，请先接手", "No agent has taken this matter yet: take it first"),
    (step(1, "pay_fee"), "step_not_found", "step", 404,
     "“办理《老年证》”没有步骤 pay_fee", "The old-age card has no step pay_fee"),
    (step(4, "eligibility", id_number=SIXTY_TODAY), "step_already_done", "step", 409,
     "“核验年龄（年满60周岁）”已经完成了", "“Age checked (60 or over)” is already done"),
    (step(4, "submit"), "step_out_of_order", "step", 409,
     "不能跳过步骤：下一步应是“核对材料”",
     "No step may be skipped: the next is “Documents checked”"),
    (step(4, "documents"), "documents_missing", "documents", 409,
     "材料不齐，还缺：户口簿或居住证、一寸免冠彩色照片一张",
     "Documents missing: Household register or residence permit, One one-inch colour photo"),
    (step(1, "eligibility"), "id_number_required", "id_number", 422,
     "请填写申请人的身份证号，用于核验年龄", "Give the applicant's ID number to check their age"),
    (step(1, "eligibility", id_number="110105196611270028"), "id_number_invalid", "id_number",
     422, "身份证号不正确，请核对",
     "The ID number's check digit does not match: please check it."),
    (step(1, "eligibility", id_number=SIXTY_TOMORROW), "under_60", "id_number", 422,
     "申请人今天59周岁，未满60周岁，不能办理《老年证》",
     "The applicant is 59 today, under 60: no old-age card yet"),
    (lambda tx: matters.finish(tx.session, 3, {"result": "办好了"}, WANG, NOW, resolved=True),
     "steps_unfinished", "step", 409, "还有步骤没有完成：下一步是“交给居民”",
     "Steps remain: the next is “Handed to the resident”"),
    (lambda tx: matters.finish(tx.session, 2, {"note": "退回"}, WANG, NOW, resolved=False),
     "matter_not_taken", "case_id", 409, "这件事项还没有代理员接手，请先接手",
     "No agent has taken this matter yet: take it first"),
    (lambda tx: cases.get_case(tx.session, 9, WANG), "matter_not_found", "case_id", 404,
     "没有编号为 9 的代理事项", "No matter 9"),
]


@pytest.mark.parametrize(("action", "code", "field", "status", "zh", "en"), REFUSALS,
                         ids=[f"{i}-{r[1]}" for i, r in enumerate(REFUSALS)])
def test_each_refusal_in_full_and_nothing_changed(scene, action, code, field, status, zh, en):
    with refused(scene, code, field=field, status=status, zh=zh) as err:
        action(scene)
    assert err.value.message_en == en


def test_what_the_rules_write_on_the_record(tx):
    accepted = matter(tx, phone=None)
    assert accepted == {"status": "accepted",
                        "note": "全程代理已收到（办理《老年证》），将由一名代理员全程代办"}
    case = cases.get_case(tx.session, 1, WANG)
    assert (case.phone, case.steps_done, case.documents, case.owner_username) == \
        (None, [], {}, None)
    later = NOW + HOUR
    matters.take(tx.session, 1, {"note": "窗口接待"}, WANG, later)
    matters.complete_step(tx.session, 1, "eligibility",
                          {"id_number": SIXTY_TODAY, "note": "看过身份证"}, WANG, later)
    matters.receive_document(tx.session, 1, "hukou", {"note": "原件"}, WANG, later)
    cases.chased(tx, {"case_id": 1, "level": 1, "note": "请尽快"}, later)
    at = isoformat(later)
    assert case.history[1:] == [
        {"at": at, "by": "王代理员", "action": "taken", "note": "窗口接待"},
        {"at": at, "by": "王代理员", "action": "step", "note": "看过身份证",
         "step": "核验年龄（年满60周岁）", "age": 60},
        {"at": at, "by": "王代理员", "action": "document", "note": "原件",
         "document": "户口簿或居住证"},
        {"at": at, "by": "intake", "action": "chased", "note": "请尽快"}]
    assert case.history[0] == {"at": AT, "by": "intake", "action": "received", "note": None}
    assert case.steps_done == [{"code": "eligibility", "at": at, "by": "王代理员",
                                "note": "看过身份证"}]
    assert case.documents == {"hukou": {"at": at, "by": "王代理员", "note": "原件"}}
    assert (case.owner_username, case.owner_name, case.chases) == ("wang", "王代理员", 1)
    assert case.updated_at is not None
    # a recall or chase of a case never received changes nothing
    before = snapshot(tx)
    cases.chased(tx, {"case_id": 7, "level": 1, "note": "?"}, later)
    cases.recalled(tx, {"case_id": 7, "note": "?"}, later)
    assert snapshot(tx) == before
    cases.recalled(tx, {"case_id": 1, "note": "居民已自行办理"}, later)
    assert case.history[-1] == {"at": at, "by": "intake", "action": "recalled",
                                "note": "居民已自行办理"}
    # a recall of a matter already recalled is not recorded twice
    cases.recalled(tx, {"case_id": 1, "note": "又一次"}, later)
    assert case.history[-1]["note"] == "居民已自行办理"


def test_a_hand_off_and_the_finishing_reports(tx):
    matter(tx, "housekeeping")
    matters.take(tx.session, 1, {}, WANG, NOW)
    handed = matters.hand_off(tx.session, 1, {"to_username": "li", "to_name": "李代理员",
                                              "note": "休假"}, WANG, NOW)
    assert (handed.owner_username, handed.owner_name) == ("li", "李代理员")
    assert handed.history[-1] == {"at": AT, "by": "王代理员", "action": "handed_off",
                                  "note": "休假", "from_agent": "王代理员",
                                  "to_agent": "李代理员"}
    returned = matters.finish(tx.session, 1, {"note": "请联系便民服务热线"}, LI, NOW,
                              resolved=False)
    assert returned["handler"] == "李代理员"
    assert (handed.state, handed.result, handed.handled_by) == \
        ("returned", "请联系便民服务热线", "李代理员")
    assert handed.history[-1] == {"at": AT, "by": "李代理员", "action": "returned",
                                  "note": "请联系便民服务热线"}


def test_the_escalation_is_recorded_as_such(tx):
    matter(tx)
    cases.chased(tx, {"case_id": 1, "level": 2, "note": "已升级站长"}, NOW)
    assert cases.get_case(tx.session, 1, WANG).history[-1] == {
        "at": AT, "by": "intake", "action": "escalated", "note": "已升级站长"}


def test_the_age_on_a_birthday_and_the_day_before():
    assert matters.age_on(SIXTY_TODAY, NOW.date()) == 60
    assert matters.age_on(SIXTY_TOMORROW, NOW.date()) == 59
    assert matters.birth_date("110105196611280022").isoformat() == "1966-11-28"
    with pytest.raises(DomainError):
        matters.check_age("", NOW)


def test_a_late_matter_and_one_on_time():
    class Matter:
        state, due_at, finished_at = "resolved", NOW, NOW
    on_time = Matter()
    assert matters.is_late(on_time, NOW) is False           # finished at the very limit
    on_time.finished_at = NOW + timedelta(seconds=1)
    assert matters.is_late(on_time, NOW) is True
    on_time.state, on_time.finished_at = "received", None
    assert matters.is_late(on_time, NOW) is False           # open, at the very limit
    assert matters.is_late(on_time, NOW + timedelta(seconds=1)) is True


def test_a_matter_without_a_phone_has_no_earlier_matters(tx):
    matter(tx, case_id=1, phone=None)
    matter(tx, case_id=2, phone=None)
    assert matters.earlier_matters(tx.session, cases.get_case(tx.session, 2, WANG)) == []


def test_intakes_note_is_the_first_entry_of_the_record(tx):
    matter(tx, note="站长分派：请尽快联系")
    assert cases.get_case(tx.session, 1, WANG).history == [
        {"at": AT, "by": "intake", "action": "received", "note": "站长分派：请尽快联系"}]


def test_after_a_hand_off_the_new_agent_is_named_on_the_reports_and_the_record(tx):
    matter(tx, "housekeeping")
    matters.take(tx.session, 1, {}, WANG, NOW)
    matters.hand_off(tx.session, 1, {"to_username": "li", "to_name": "李代理员",
                                     "note": "休假"}, WANG, NOW)
    matters.receive_document(tx.session, 1, "needs", {}, LI, NOW)
    reports = [matters.complete_step(tx.session, 1, code, {}, LI, NOW)
               for code in ("documents", "submit", "wait", "hand_over")]
    assert reports[0] == {"case_id": 1, "program_id": "agency", "handler": "李代理员",
                          "status": "in_progress",
                          "note": "家政服务：已完成“登记服务需求”（社区服务站），"
                                  "下一步：“联系签约家政公司”（签约家政公司）"}
    assert [r["handler"] for r in reports] == ["李代理员"] * 4
    matters.finish(tx.session, 1, {"result": "已安排周三上门"}, LI, NOW + HOUR, resolved=True)
    case = cases.get_case(tx.session, 1, WANG)
    assert case.history[-1] == {"at": isoformat(NOW + HOUR), "by": "李代理员",
                                "action": "resolved", "note": "已安排周三上门"}


def test_the_same_phones_earlier_matters_newest_first_and_of_this_community_only(tx):
    matter(tx, "housekeeping", case_id=1)
    matter(tx, "temporary_residence", case_id=2)
    matter(tx, "housekeeping", case_id=3, community="maple-court")     # same phone, elsewhere
    matter(tx, "old_age_card", case_id=4)
    earlier = matters.earlier_matters(tx.session, cases.get_case(tx.session, 4, WANG))
    assert [c.case_id for c in earlier] == [2, 1]
