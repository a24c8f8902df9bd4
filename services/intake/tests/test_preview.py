"""The window's preview before a request is saved (``POST /cases/preview``): the service type
intake would give it, where it would go, the open case it would be linked to as a repeat, and
the other open cases of the same phone or address, each as the reader may see it; nothing is
written. Expected values are the story below, told by hand."""
import pytest
from marshmallow import ValidationError

from minzi.testing import snapshot

from intake.domain import answers, assignment
from intake.domain.preview import preview
from intake.models import Base, Case

from .conftest import (
    LAWYER,
    MAPLE_RECEPTIONIST,
    NOW,
    RECEPTIONIST,
    SECOND_RECEPTIONIST,
    actor,
    desk,
    refused_unchanged,
    register_case,
    said,
)


def walk_in(**data) -> dict:
    """What the receptionist has typed so far (as the body of registering it)."""
    return {"channel": "visit", "description": "楼道灯坏了", "attributes": {}, **data}


@pytest.fixture
def story(tx):
    """Wang (the receptionist) registered Zhang San's unpaid wages (13800001111, building 3,
    entrance 2, written with a space) with the legal-aid home, and a hurt cat at the same
    building, phone 13900003333, with the cat fund; Liu Mei's leak (13900002222) was answered
    and is no longer open."""
    wages = register_case(tx, description="公司拖欠我三个月工资", resident_name="张三",
                          resident_phone="13800001111", address="彩虹城3号楼 2单元",
                          attributes={"employer": "某公司"})
    cat = register_case(tx, description="楼下有只受伤的猫", resident_phone="13900003333",
                        address="彩虹城3号楼2单元")
    leak = register_case(tx, description="法律咨询：楼上漏水赔偿", resident_name="刘梅",
                         resident_phone="13900002222", address="彩虹城8号楼1单元")
    assignment.accept(desk(tx), leak, actor(LAWYER))
    answers.resolve(desk(tx), leak, actor(LAWYER), "已解答")
    answers.reply(desk(tx), leak, actor(RECEPTIONIST), "已解答")
    tx.session.flush()
    assert (wages.status, cat.status, leak.status) == ("dispatched", "dispatched", "replied")
    return {"wages": wages, "cat": cat, "leak": leak}


def look(tx, data, staff=RECEPTIONIST, lang="zh"):
    """The preview, and that it changed nothing and sent nothing."""
    before, sent = snapshot(tx.session, Base.metadata), list(tx.published)
    seen = preview(tx.session, data, staff, lang, NOW)
    assert snapshot(tx.session, Base.metadata) == before and tx.published == sent
    return seen


def test_a_new_request_is_classified_by_its_words_and_would_go_to_the_program(tx, story):
    seen = look(tx, walk_in(description="老板拖欠工资两个月", resident_phone="13700004444"))
    assert seen["service"]["service_code"] == "labour_dispute"   # 拖欠, 工资: two keywords
    assert seen["service"]["program"] == "普法互助家园"
    assert (seen["chosen_by"], seen["status"], seen["status_label"]) == (
        "keywords", "dispatched", "已转交承办")
    assert seen["linked_to"] is None and seen["possible_duplicates"] == []


def test_words_that_match_nothing_would_go_to_the_station_head(tx, story):
    seen = look(tx, walk_in(resident_phone="13700004444"), lang="en")
    assert seen["service"] is None and seen["chosen_by"] is None
    assert (seen["status"], seen["status_label"]) == ("awaiting_assignment",
                                                      "Awaiting assignment")


def test_a_type_chosen_by_the_receptionist_is_the_one_shown(tx, story):
    seen = look(tx, walk_in(description="老板拖欠工资", service_code="legal_consultation"))
    assert (seen["service"]["service_code"], seen["chosen_by"]) == ("legal_consultation",
                                                                   "staff")


def test_the_same_phone_about_the_same_matter_would_be_linked_to_the_open_case(tx, story):
    wages = story["wages"]
    seen = look(tx, walk_in(description="工资还是没发", resident_phone="13800001111"))
    assert seen["status"] == "duplicate" and seen["status_label"] == "重复诉求，已并案"
    assert seen["linked_to"]["tracking_code"] == wages.tracking_code
    assert [(c["tracking_code"], c["same_service"]) for c in seen["possible_duplicates"]] == [
        (wages.tracking_code, True)]


def test_the_same_address_written_apart_finds_every_open_case_there(tx, story):
    """No type from the words (a broken light): nothing to link to, but both open cases at
    building 3, entrance 2 are shown; the answered leak elsewhere is not."""
    seen = look(tx, walk_in(address="彩虹城 3号楼2单元"))
    assert seen["status"] == "awaiting_assignment" and seen["linked_to"] is None
    assert [(c["tracking_code"], c["same_service"]) for c in seen["possible_duplicates"]] == [
        (story["wages"].tracking_code, False), (story["cat"].tracking_code, False)]


def test_a_case_no_longer_open_is_not_a_possible_duplicate(tx, story):
    seen = look(tx, walk_in(description="法律咨询：漏水", resident_phone="13900002222"))
    assert seen["linked_to"] is None and seen["possible_duplicates"] == []
    assert seen["status"] == "dispatched"


def test_each_case_shown_is_masked_as_the_reader_sees_it_elsewhere(tx, story):
    """Wang owns the wages case and reads Zhang San's phone; Liu, another receptionist, reads
    it masked, as in the list."""
    data = walk_in(description="工资还是没发", resident_phone="13800001111")
    assert look(tx, data)["linked_to"]["resident_phone"] == "13800001111"
    theirs = look(tx, data, staff=SECOND_RECEPTIONIST)
    assert theirs["linked_to"]["resident_phone"] == "138****1111"
    assert theirs["possible_duplicates"][0]["resident_phone"] == "138****1111"


def test_what_registering_would_refuse_the_preview_refuses_too(tx, story):
    error = refused_unchanged(tx, "unknown_service", preview, tx.session,
                              walk_in(service_code="tree_pruning"), RECEPTIONIST, "zh", NOW)
    assert said(error) == ("本社区目前没有「tree_pruning」这项服务",
                           "No live program offers 'tree_pruning' in this community",
                           "service_code", 400)
    error = refused_unchanged(tx, "other_community", preview, tx.session,
                              walk_in(community="rainbow-city"), MAPLE_RECEPTIONIST, "zh", NOW)
    assert said(error) == ("只能为本社区登记诉求",
                           "Staff register cases for their own community only", "community", 403)
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(ValidationError) as bad:
        preview(tx.session, walk_in(service_code="labour_dispute"), RECEPTIONIST, "zh", NOW)
    assert list(bad.value.messages["attributes"]) == ["employer"]   # the required 用人单位
    assert snapshot(tx.session, Base.metadata) == before


def test_what_the_preview_says_is_what_registering_then_does(tx, story):
    data = walk_in(description="工资还是没发", resident_phone="13800001111")
    seen = look(tx, data)
    case = register_case(tx, **data)
    assert (case.status, case.duplicate_of_id) == (seen["status"], seen["linked_to"]["id"])
    assert tx.session.get(Case, seen["linked_to"]["id"]).id == story["wages"].id
