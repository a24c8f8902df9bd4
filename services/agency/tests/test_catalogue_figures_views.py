"""The items catalogue (the seed's twelve), the figures counted from matters, and what the
matter page shows: its steps, the documents checklist, the same phone's earlier matters, the
resident masked for anyone but the agents."""
from datetime import timedelta

import pytest

from agency.domain import catalogue, matters, views
from agency.domain.catalogue import CatalogueError, _item
from agency.domain.figures import figures

from .conftest import ADMIN, NOW, PHONE, SIXTY_TODAY, WANG, matter

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def test_the_catalogue_has_the_seeds_twelve_items():
    listed = catalogue.catalogue("zh")
    assert listed["count"] == 12          # "社区全程代理的项目包括12项" (seed, line 23)
    names = {i["code"]: i for i in listed["items"]}
    # the eight the seed names, and the station's four additions
    assert sorted(c for c, i in names.items() if i["named_in_seed"]) == sorted([
        "job_card_renewal", "employment_advice", "reemployment", "self_employed_inspection",
        "old_age_card", "medical_reimbursement", "temporary_residence", "housekeeping"])
    assert sorted(c for c, i in names.items() if not i["named_in_seed"]) == sorted([
        "subsistence_allowance", "disability_card", "only_child_certificate",
        "residence_permit"])
    old_age = names["old_age_card"]
    assert (old_age["name"], old_age["time_limit_days"], old_age["urgency"]) == \
        ("办理《老年证》", 15, "complex")
    assert old_age["documents_text"] == \
        "本人身份证原件及复印件；户口簿或居住证；一寸免冠彩色照片一张"
    assert [(s["name"], s["office_name"]) for s in old_age["steps"]] == [
        ("核验年龄（年满60周岁）", "社区服务站"), ("核对材料", "社区服务站"),
        ("报送街道老龄办", "街道办事处"), ("街道审核制证", "街道办事处"),
        ("领回《老年证》", "社区服务站"), ("交给居民", "社区服务站")]
    assert names["temporary_residence"]["steps"][1]["office_name"] == "派出所"
    assert names["job_card_renewal"]["time_limit_days"] == 7
    english = {i["code"]: i for i in catalogue.catalogue("en")["items"]}["old_age_card"]
    assert (english["name"], english["steps"][2]["office_name"]) == \
        ("The old-age card", "The sub-district office (街道)")


@pytest.mark.parametrize(("change", "problem"), [
    (lambda a: a.pop("steps"), "the last step hands the result to the resident"),
    (lambda a: a["steps"].pop(), "the last step hands the result to the resident"),
    (lambda a: a["steps"][0].update(office="bank"), "unknown kind, office or rule"),
    (lambda a: a["steps"][0].update(kind="pay"), "unknown kind, office or rule"),
    (lambda a: a["steps"][0].update(rule="age_70"), "unknown kind, office or rule"),
    (lambda a: a["steps"][1].update(code="documents"), "repeated"),
    (lambda a: a["documents"].append(dict(a["documents"][0])), "repeated"),
])
def test_a_mistaken_item_stops_the_service_with_the_item_named(change, problem):
    raw = {"code": "x_card", "name": {"zh": "证", "en": "Card"}, "time_limit_hours": 168,
           "urgency": "general", "agency": {
               "documents": [{"code": "id_card", "zh": "身份证", "en": "ID"}],
               "steps": [{"code": "documents", "kind": "documents", "zh": "核对", "en": "Check",
                          "office": "station"},
                         {"code": "hand_over", "kind": "hand_over", "zh": "交给居民",
                          "en": "Hand over", "office": "station"}]}}
    assert _item(raw).steps[-1].kind == "hand_over"
    change(raw["agency"])
    with pytest.raises(CatalogueError, match=problem) as err:
        _item(raw)
    assert str(err.value).startswith("x_card")
    with pytest.raises(CatalogueError, match="no agency part"):
        _item({**raw, "agency": None})


def _walk(tx, case_id, item, documents, steps, now, who=WANG, **first):
    matters.take(tx.session, case_id, {}, who, now)
    for code in documents:
        matters.receive_document(tx.session, case_id, code, {}, who, now)
    for index, code in enumerate(steps):
        matters.complete_step(tx.session, case_id, code, first if index == 0 else {}, who, now)


HOUSEKEEPING = (["needs"], ["documents", "submit", "wait", "hand_over"])


def test_figures_by_item_stage_time_and_month(tx):
    """Hand count: October — 1 housekeeping resolved after 2 days (limit 7: on time);
    November — 2 housekeeping: one resolved after 8 days (late), one waiting since NOW;
    1 old-age card worked, 1 temporary residence returned, 1 recalled. At NOW + 20 days the
    waiting housekeeping matter (due NOW + 7 days) is open and overdue; the old-age card
    (due NOW + 15 days) too."""
    october = NOW - 40 * DAY
    matter(tx, "housekeeping", case_id=1, now=october)
    _walk(tx, 1, "housekeeping", *HOUSEKEEPING, october)
    matters.finish(tx.session, 1, {"result": "已安排"}, WANG, october + 2 * DAY, resolved=True)
    matter(tx, "housekeeping", case_id=2)
    _walk(tx, 2, "housekeeping", *HOUSEKEEPING, NOW)
    matters.finish(tx.session, 2, {"result": "已安排"}, WANG, NOW + 8 * DAY, resolved=True)
    matter(tx, "housekeeping", case_id=3)
    matter(tx, "old_age_card", case_id=4)
    matters.take(tx.session, 4, {}, WANG, NOW)
    matter(tx, "temporary_residence", case_id=5)
    matters.take(tx.session, 5, {}, WANG, NOW)
    matters.finish(tx.session, 5, {"note": "已改办居住证"}, WANG, NOW, resolved=False)
    matter(tx, "residence_permit", case_id=6)
    from agency.domain import cases
    cases.recalled(tx, {"case_id": 6, "note": "重复"}, NOW)

    seen = figures(tx.session, "rainbow-city", NOW + 20 * DAY)
    assert (seen["items_offered"], seen["items_named_in_seed"], seen["matters"]) == (12, 8, 6)
    assert {s["stage"]: s["matters"] for s in seen["by_stage"]} == {
        "waiting": 1, "working": 1, "resolved": 2, "returned": 1, "recalled": 1}
    assert seen["by_stage"][0]["name"] == "待接手"
    assert seen["timeliness"] == {"resolved_on_time": 1, "resolved_late": 1,
                                  "open_overdue": 2, "on_time_rate": 0.5}
    rows = {row["item"]: row for row in seen["by_item"]}
    assert len(rows) == 12
    assert {k: rows["housekeeping"][k] for k in (
        "matters", "waiting", "working", "resolved", "resolved_on_time", "resolved_late",
        "open_overdue")} == {"matters": 3, "waiting": 1, "working": 0, "resolved": 2,
                             "resolved_on_time": 1, "resolved_late": 1, "open_overdue": 1}
    assert (rows["old_age_card"]["working"], rows["old_age_card"]["open_overdue"]) == (1, 1)
    assert rows["temporary_residence"]["returned"] == 1
    assert rows["residence_permit"]["recalled"] == 1
    assert rows["disability_card"]["matters"] == 0
    assert rows["disability_card"]["on_time_rate"] is None
    assert seen["by_month"] == [
        {"month": "2026-10", "matters": 1, "resolved": 1, "resolved_on_time": 1,
         "resolved_late": 0},
        {"month": "2026-11", "matters": 5, "resolved": 1, "resolved_on_time": 0,
         "resolved_late": 1}]
    # on the day: nothing open is yet past its limit
    assert figures(tx.session, "rainbow-city", NOW)["timeliness"]["open_overdue"] == 0
    assert figures(tx.session, "maple-court", NOW)["matters"] == 0


def test_the_matter_page_shows_steps_documents_and_the_same_phones_earlier_matters(tx):
    matter(tx, "housekeeping", case_id=1, now=NOW - 30 * DAY)
    matter(tx, "temporary_residence", case_id=2, phone="13700000000")   # another resident
    matter(tx, "old_age_card", case_id=3)
    matter(tx, "disability_card", case_id=4)                             # later, same phone
    matters.take(tx.session, 3, {}, WANG, NOW)
    matters.complete_step(tx.session, 3, "eligibility", {"id_number": SIXTY_TODAY}, WANG, NOW)
    matters.receive_document(tx.session, 3, "id_card", {"note": "原件已核"}, WANG, NOW)
    from agency.domain.cases import get_case
    case = get_case(tx.session, 3, WANG)

    page = views.matter_view(tx.session, case, "zh", NOW, views.FULL)
    assert [(s["code"], s["state"]) for s in page["steps"]] == [
        ("eligibility", "done"), ("documents", "next"), ("submit", "pending"),
        ("wait", "pending"), ("collect", "pending"), ("hand_over", "pending")]
    assert (page["steps"][0]["done_by"], page["steps"][1]["state_name"]) == ("王代理员", "下一步")
    assert [(d["code"], d["received"]) for d in page["documents"]] == [
        ("id_card", True), ("hukou", False), ("photo", False)]
    assert (page["next_step"], page["stage"], page["agent_name"]) == \
        ("核对材料", "working", "王代理员")
    assert page["resident"] == {"name": "赵大爷", "phone": PHONE, "id_number": SIXTY_TODAY}
    # the same phone's earlier matter (not the other resident's, not the later one)
    assert [(e["case_id"], e["item_name"], e["resident"]["phone"]) for e in page["earlier"]] \
        == [(1, "家政服务", PHONE)]
    assert [h["action_name"] for h in page["history"]] == \
        ["收到", "接手代理", "完成一步", "收到材料"]

    masked = views.matter_view(tx.session, case, "zh", NOW, views.MASKED)
    assert masked["resident"] == {"name": "赵**", "phone": "139****1111",
                                  "id_number": "110105********0027"}
    assert masked["earlier"][0]["resident"]["phone"] == "139****1111"
    assert PHONE not in repr(masked) and SIXTY_TODAY not in repr(masked)
    assert ADMIN["role"] == "admin"


def test_lists_filter_by_item_stage_and_agent(tx):
    for case_id, item in enumerate(["old_age_card", "housekeeping", "old_age_card"], start=1):
        matter(tx, item, case_id=case_id)
    matters.take(tx.session, 1, {}, WANG, NOW)
    ids = lambda **q: [c.case_id for c in matters.list_matters(  # noqa: E731
        tx.session, "rainbow-city", **q)]
    assert ids() == [3, 2, 1]
    assert ids(item="old_age_card") == [3, 1]
    assert ids(stage_is="waiting") == [3, 2]
    assert ids(stage_is="working", agent="wang") == [1]
    assert ids(agent="li") == []
    assert matters.list_matters(tx.session, "maple-court") == []
    summary = views.summary_view(matters.list_matters(tx.session, "rainbow-city")[0], "en",
                                 NOW + 16 * DAY, views.FULL)
    assert (summary["item_name"], summary["stage_name"], summary["next_step"],
            summary["late"]) == ("The old-age card", "Waiting for an agent",
                                 "Age checked (60 or over)", True)
