"""The window's preview (``POST /cases/preview``) at its edges: an unknown community, a type
chosen with its details, a repeat found by its address alone, another community's cases, a
building with many open cases, and what the preview shows in English and to the case's owner.
Each preview is checked to have written nothing and sent nothing. Expected values are the story
below, told by hand."""
import pytest

from minzi.testing import snapshot

from intake.domain.preview import preview
from intake.models import Base

from .conftest import (
    MAPLE_RECEPTIONIST,
    NOW,
    RECEPTIONIST,
    SECOND_RECEPTIONIST,
    refused_unchanged,
    register_case,
    said,
)


def walk_in(**data) -> dict:
    """What the receptionist has typed so far (as the body of registering it)."""
    return {"channel": "visit", "description": "楼道灯坏了", "attributes": {}, **data}


@pytest.fixture
def story(tx):
    """Wang (the receptionist) registered Zhang San's unpaid wages (13800001111, at
    "彩虹城A座 2单元", a capital A and a space) with the legal-aid home. In Maple Court, which
    no program serves yet, Zhang San's namesake with the same phone waits for the station head."""
    wages = register_case(tx, description="公司拖欠我三个月工资", resident_name="张三",
                          resident_phone="13800001111", address="彩虹城A座 2单元",
                          attributes={"employer": "某公司"})
    maple = register_case(tx, staff=MAPLE_RECEPTIONIST, description="公司拖欠工资",
                          resident_name="张三", resident_phone="13800001111", address="枫林1号楼")
    tx.session.flush()
    assert (wages.status, maple.status) == ("dispatched", "awaiting_assignment")
    return {"wages": wages, "maple": maple}


def look(tx, data, staff=RECEPTIONIST, lang="zh"):
    """The preview, and that it changed no row and sent nothing."""
    before, sent = snapshot(tx.session, Base.metadata), list(tx.published)
    seen = preview(tx.session, data, staff, lang, NOW)
    assert snapshot(tx.session, Base.metadata) == before and tx.published == sent
    return seen


def shown(seen) -> list[str]:
    return [c["tracking_code"] for c in seen["possible_duplicates"]]


def test_a_community_that_does_not_exist_is_refused_by_name(tx, story):
    error = refused_unchanged(tx, "unknown_community", preview, tx.session,
                              walk_in(community="atlantis"), RECEPTIONIST, "zh", NOW)
    assert said(error) == ("没有「atlantis」这个社区", "No community 'atlantis'", "community", 400)


def test_a_type_chosen_with_its_required_details_is_previewed(tx, story):
    """labour_dispute needs the employer (用人单位); given, the preview goes ahead."""
    seen = look(tx, walk_in(description="想问问", service_code="labour_dispute",
                            resident_phone="13700004444",
                            attributes={"employer": "某某餐馆"}))
    assert (seen["service"]["service_code"], seen["chosen_by"], seen["status"]) == (
        "labour_dispute", "staff", "dispatched")
    assert seen["linked_to"] is None and seen["possible_duplicates"] == []


def test_the_same_address_about_the_same_matter_is_linked_even_from_another_phone(tx, story):
    """Zhang San's wife calls from her own phone, writing the address her way."""
    wages = story["wages"]
    seen = look(tx, walk_in(description="工资拖欠还没解决", resident_phone="13600006666",
                            address="彩虹城a座2单元"))
    assert (seen["status"], seen["status_label"]) == ("duplicate", "重复诉求，已并案")
    assert seen["linked_to"]["tracking_code"] == wages.tracking_code
    assert [(c["tracking_code"], c["same_service"]) for c in seen["possible_duplicates"]] == [
        (wages.tracking_code, True)]


def test_the_same_address_about_another_matter_is_shown_not_linked(tx, story):
    """A broken light at Zhang San's entrance, the address typed with a full-width space."""
    seen = look(tx, walk_in(address="彩虹城a座\u30002单元"))
    assert (seen["status"], seen["linked_to"]) == ("awaiting_assignment", None)
    assert shown(seen) == [story["wages"].tracking_code]


def test_another_communitys_cases_with_the_same_phone_are_not_shown(tx, story):
    rainbow = look(tx, walk_in(resident_phone="13800001111"))
    assert shown(rainbow) == [story["wages"].tracking_code]
    maple = look(tx, walk_in(community="maple-court", resident_phone="13800001111"),
                 staff=MAPLE_RECEPTIONIST)
    assert shown(maple) == [story["maple"].tracking_code]
    assert maple["linked_to"] is None and maple["service"] is None   # no program there


def test_a_building_with_many_open_cases_shows_the_first_twenty_registered(tx, story):
    """21 more open cases at 彩虹城D座, registered one after another: the second a hurt cat,
    the fourth unpaid wages, the sixth a question for a lawyer (each sent to its program), the
    other 18 a broken light (waiting for the station head). The preview shows the first 20 in
    the order they came; the 21st, a broken light, is left out."""
    sent_on = {1: "楼下有只受伤的猫", 3: "公司拖欠工资", 5: "想请律师看看合同"}
    building = [register_case(tx, description=sent_on.get(i, "楼道灯坏了"),
                              resident_phone=f"1370000{i:04d}", address="彩虹城D座")
                for i in range(21)]
    tx.session.flush()
    assert [c.status for c in building].count("dispatched") == 3
    seen = look(tx, walk_in(address="彩虹城 D座"))
    assert shown(seen) == [c.tracking_code for c in building[:20]]


def test_in_english_the_case_joined_and_the_cases_shown_read_in_english(tx, story):
    seen = look(tx, walk_in(description="工资还是没发", resident_phone="13800001111"), lang="en")
    assert seen["status_label"] == "Duplicate, linked"
    assert seen["linked_to"]["status_label"] == "Dispatched"
    assert [c["status_label"] for c in seen["possible_duplicates"]] == ["Dispatched"]


def test_the_cases_owner_reads_the_phone_in_full_among_the_cases_shown(tx, story):
    """Wang registered the wages case and reads Zhang San's phone everywhere; Liu, another
    receptionist, reads it masked."""
    data = walk_in(resident_phone="13800001111")          # a broken light: nothing to link
    mine = look(tx, data)
    assert [c["resident_phone"] for c in mine["possible_duplicates"]] == ["13800001111"]
    theirs = look(tx, data, staff=SECOND_RECEPTIONIST)
    assert [c["resident_phone"] for c in theirs["possible_duplicates"]] == ["138****1111"]


def test_an_urgency_lower_than_the_types_own_is_refused_as_registering_would(tx, story):
    """Labour disputes are due in 48 hours and have no class of their own: "complex" (15 days)
    would lower it, whether the type was chosen or found from the words; an emergency raises it."""
    error = refused_unchanged(tx, "urgency_not_a_raise", preview, tx.session,
                              walk_in(service_code="labour_dispute", urgency="complex",
                                      attributes={"employer": "某某餐馆"}),
                              RECEPTIONIST, "zh", NOW)
    assert said(error) == (
        "紧急程度只能提高：「疑难复杂（15 天）」比「劳动争议」的办理时限 48 小时更长",
        "Urgency can only be raised: 'Complex (15 days)' is longer than the 48 hours of "
        "'劳动争议'", "urgency", 400)
    error = refused_unchanged(tx, "urgency_not_a_raise", preview, tx.session,
                              walk_in(description="老板拖欠工资", urgency="general"),
                              RECEPTIONIST, "zh", NOW)
    assert error.field == "urgency"
    seen = look(tx, walk_in(description="老板拖欠工资", urgency="emergency",
                            resident_phone="13700004444"))
    assert (seen["service"]["service_code"], seen["status"]) == ("labour_dispute", "dispatched")
