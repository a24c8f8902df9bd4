"""What readers see, field by field, in both languages: an item of the catalogue, a matter's
summary, its steps and documents, the figures; the catalogue read from a manifest file."""
from datetime import timedelta

import pytest

from agency.domain import catalogue, matters, views
from agency.domain.cases import get_case
from agency.domain.catalogue import CatalogueError, _item
from agency.domain.figures import figures

from .conftest import NOW, PHONE, SIXTY_TODAY, WANG, matter

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def test_an_item_as_anyone_reads_it_in_english():
    assert catalogue.item_view(catalogue.ITEMS["housekeeping"], "en") == {
        "code": "housekeeping", "name": "Housekeeping services", "time_limit_hours": 168.0,
        "time_limit_days": 7.0, "urgency": "general", "named_in_seed": True,
        "documents": [{"code": "needs", "name": "What is needed (when, what, where)"}],
        "documents_text": "What is needed (when, what, where)",
        "steps": [
            {"code": "documents", "kind": "documents", "name": "Needs registered",
             "office": "station", "office_name": "The service station", "rule": None},
            {"code": "submit", "kind": "submit", "name": "A contracted housekeeping firm asked",
             "office": "housekeeping_firm", "office_name": "A contracted housekeeping firm",
             "rule": None},
            {"code": "wait", "kind": "wait", "name": "The firm assigns someone",
             "office": "housekeeping_firm", "office_name": "A contracted housekeeping firm",
             "rule": None},
            {"code": "hand_over", "kind": "hand_over",
             "name": "The visit arranged with the resident", "office": "station",
             "office_name": "The service station", "rule": None}],
        "steps_text": "Needs registered（The service station） → A contracted housekeeping firm "
                      "asked（A contracted housekeeping firm） → The firm assigns someone（A "
                      "contracted housekeeping firm） → The visit arranged with the resident（The "
                      "service station）"}
    zh = catalogue.item_view(catalogue.ITEMS["housekeeping"], "zh")
    assert zh["documents"] == [{"code": "needs", "name": "服务需求（时间、内容、地址）"}]
    assert zh["steps_text"] == ("登记服务需求（社区服务站） → 联系签约家政公司（签约家政公司） → "
                                "家政公司安排人员（签约家政公司） → 告知居民上门安排（社区服务站）")
    assert catalogue.ITEMS["old_age_card"].steps[0].rule == "age_60"
    assert catalogue.step_view(catalogue.ITEMS["old_age_card"].steps[0], "zh")["rule"] == \
        "age_60"


def test_the_catalogue_is_read_from_the_manifest_file(tmp_path):
    assert catalogue.load() == catalogue.ITEMS
    small = tmp_path / "manifest.yaml"
    small.write_text("""
service_types:
  - code: x_card
    name: {zh: 某证, en: A card}
    time_limit_hours: 24
    urgency: general
    agency:
      seed: true
      seed_words: 某证
      documents: [{code: id_card, zh: 身份证, en: ID card}]
      steps:
        - {code: check, kind: eligibility, rule: age_60, zh: 核验, en: Check, office: station}
        - {code: hand_over, kind: hand_over, zh: 交给居民, en: Hand over, office: street}
""", encoding="utf-8")
    (item,) = catalogue.load(small).values()
    assert (item.code, item.zh, item.en, item.time_limit_hours, item.urgency, item.seed,
            item.seed_words) == ("x_card", "某证", "A card", 24.0, "general", True, "某证")
    assert [(s.code, s.kind, s.office, s.rule) for s in item.steps] == [
        ("check", "eligibility", "station", "age_60"), ("hand_over", "hand_over", "street", None)]
    assert item.document("id_card").en == "ID card" and item.document("photo") is None
    assert item.step("check").zh == "核验" and item.step("pay") is None


BASE = {"code": "x_card", "name": {"zh": "证", "en": "Card"}, "time_limit_hours": 168,
        "urgency": "general"}


@pytest.mark.parametrize(("agency", "message"), [
    (None, "x_card: no agency part (documents and steps)"),
    ({"steps": []}, "x_card: the last step hands the result to the resident"),
    ({"steps": [{"code": "a", "kind": "submit", "zh": "报", "en": "S", "office": "street"}]},
     "x_card: the last step hands the result to the resident"),
    ({"steps": [{"code": "a", "kind": "hand_over", "zh": "交", "en": "H", "office": "street"},
                {"code": "a", "kind": "hand_over", "zh": "交", "en": "H", "office": "street"}]},
     "x_card: a step or document code is repeated"),
    ({"documents": [{"code": "d", "zh": "甲", "en": "A"}, {"code": "d", "zh": "乙", "en": "B"}],
      "steps": [{"code": "a", "kind": "hand_over", "zh": "交", "en": "H", "office": "street"}]},
     "x_card: a step or document code is repeated"),
    ({"steps": [{"code": "a", "kind": "hand_over", "zh": "交", "en": "H", "office": "bank"}]},
     "x_card: step a has an unknown kind, office or rule"),
    ({"steps": [{"code": "a", "kind": "pay", "zh": "付", "en": "P", "office": "street"},
                {"code": "b", "kind": "hand_over", "zh": "交", "en": "H", "office": "street"}]},
     "x_card: step a has an unknown kind, office or rule"),
    ({"documents": [{"code": "d", "zh": "甲", "en": "A (when", "what": None}],
      "steps": [{"code": "a", "kind": "hand_over", "zh": "交", "en": "H", "office": "street"}]},
     "x_card: d has unknown keys what"),
    ({"steps": [{"code": "a", "kind": "hand_over", "zh": "交", "en": "H (when", "what": None,
                 "where)": None, "office": "street"}]},
     "x_card: a has unknown keys what, where)"),
    ({"steps": [{"code": "a", "kind": "hand_over", "zh": "交", "en": "H", "office": "street",
                 "rule": "age_70"}]},
     "x_card: step a has an unknown kind, office or rule"),
])
def test_each_mistake_in_an_item_is_named(agency, message):
    with pytest.raises(CatalogueError) as err:
        _item({**BASE, "agency": agency})
    assert str(err.value) == message


def test_a_matter_summary_and_its_lists_in_full(tx):
    matter(tx, "old_age_card", case_id=1)
    matters.take(tx.session, 1, {}, WANG, NOW)
    matters.complete_step(tx.session, 1, "eligibility", {"id_number": SIXTY_TODAY,
                                                         "note": "核过"}, WANG, NOW + HOUR)
    matters.receive_document(tx.session, 1, "photo", {}, WANG, NOW + HOUR)
    case = get_case(tx.session, 1, WANG)
    assert views.summary_view(case, "zh", NOW, views.FULL) == {
        "case_id": 1, "tracking_code": "TEST000001", "item": "old_age_card",
        "item_name": "办理《老年证》", "stage": "working", "stage_name": "代理中",
        "state": "received", "agent": "wang", "agent_name": "王代理员", "next_step": "核对材料",
        "resident": {"name": "赵大爷", "phone": PHONE, "id_number": SIXTY_TODAY},
        "received_at": "2026-11-27T02:00:00Z", "due_at": "2026-12-12T02:00:00Z",
        "finished_at": None, "late": False}
    steps = views.steps_view(case, "en")
    assert steps[0] == {"code": "eligibility", "kind": "eligibility",
                        "name": "Age checked (60 or over)", "office": "station",
                        "office_name": "The service station", "rule": "age_60",
                        "state": "done", "state_name": "Done",
                        "done_at": "2026-11-27T03:00:00Z", "done_by": "王代理员", "note": "核过"}
    assert (steps[1]["state"], steps[1]["state_name"], steps[1]["done_at"], steps[1]["done_by"],
            steps[1]["note"]) == ("next", "Next", None, None, None)
    assert (steps[2]["state"], steps[2]["state_name"]) == ("pending", "Not yet")
    assert views.documents_view(case, "en") == [
        {"code": "id_card", "name": "ID card and a copy", "received": False,
         "received_at": None, "received_by": None},
        {"code": "hukou", "name": "Household register or residence permit", "received": False,
         "received_at": None, "received_by": None},
        {"code": "photo", "name": "One one-inch colour photo", "received": True,
         "received_at": "2026-11-27T03:00:00Z", "received_by": "王代理员"}]
    assert [d["name"] for d in views.documents_view(case, "zh")] == [
        "本人身份证原件及复印件", "户口簿或居住证", "一寸免冠彩色照片一张"]
    page_zh = views.matter_view(tx.session, case, "zh", NOW, views.FULL)
    assert [s["name"] for s in page_zh["steps"][:2]] == ["核验年龄（年满60周岁）", "核对材料"]
    assert [d["name"] for d in page_zh["documents"]] == [
        "本人身份证原件及复印件", "户口簿或居住证", "一寸免冠彩色照片一张"]
    page = views.matter_view(tx.session, case, "en", NOW, views.MASKED)
    assert (page["description"], page["attributes"], page["chases"], page["result"],
            page["handled_by"], page["earlier"]) == ("想给我父亲办老年证", {}, 0, None, None, [])
    assert [h["action_name"] for h in page["history"]] == \
        ["Received", "Taken by an agent", "Step done", "Document received"]
    assert page["resident"] == {"name": "赵**", "phone": "139****1111",
                                "id_number": "110105********0027"}


def test_a_resident_without_a_name_or_number_is_shown_without_them(tx):
    from minzi.testing import dispatched_case

    from agency.domain import cases
    cases.receive(tx, dispatched_case("agency", "housekeeping", resident={}), NOW)
    case = get_case(tx.session, 1, WANG)
    assert views.resident_view(case, views.MASKED) == {"name": None, "phone": None,
                                                      "id_number": None}
    matters.take(tx.session, 1, {}, WANG, NOW)
    matters.finish(tx.session, 1, {"note": "不需要了"}, WANG, NOW + 9 * DAY, resolved=False)
    summary = views.summary_view(case, "zh", NOW + 9 * DAY, views.FULL)
    assert (summary["next_step"], summary["stage_name"], summary["finished_at"],
            summary["late"]) == (None, "已退回", "2026-12-06T02:00:00Z", True)
    assert {s["state"] for s in views.steps_view(case, "zh")} == {"pending"}


def test_the_figures_in_english_and_the_rate_to_four_places(tx):
    """Hand count: three housekeeping matters resolved, one within 7 days and two after
    (rate 1/3 = 0.3333)."""
    for case_id, days in ((1, 1), (2, 8), (3, 9)):
        matter(tx, "housekeeping", case_id=case_id)
        matters.take(tx.session, case_id, {}, WANG, NOW)
        matters.receive_document(tx.session, case_id, "needs", {}, WANG, NOW)
        for code in ("documents", "submit", "wait", "hand_over"):
            matters.complete_step(tx.session, case_id, code, {}, WANG, NOW)
        matters.finish(tx.session, case_id, {"result": "好"}, WANG, NOW + days * DAY,
                       resolved=True)
    seen = figures(tx.session, "rainbow-city", NOW + 10 * DAY, "en")
    assert seen["timeliness"] == {"resolved_on_time": 1, "resolved_late": 2,
                                  "open_overdue": 0, "on_time_rate": 0.3333}
    assert seen["by_stage"][2] == {"stage": "resolved", "name": "Resolved", "matters": 3}
    row = seen["by_item"][7]
    assert (row["item"], row["name"], row["named_in_seed"], row["time_limit_hours"]) == \
        ("housekeeping", "Housekeeping services", True, 168.0)
    assert seen["by_item"][8]["named_in_seed"] is False
    assert figures(tx.session, "rainbow-city", NOW, "zh")["by_item"][7]["name"] == "家政服务"
    assert seen["by_month"] == [{"month": "2026-11", "matters": 3, "resolved": 3,
                                 "resolved_on_time": 1, "resolved_late": 2}]

