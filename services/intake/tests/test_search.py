"""Finding cases (``GET /cases`` with ``tracking_code``, ``phone``, ``name``, ``address``,
``q``, ``from``, ``to``): within the reader's community and queue, a page at a time, masked as
the list is, and a bad parameter refused by name. The cases are the story below, told by hand
(registered in UTC; Beijing is eight hours ahead)."""
from datetime import timedelta

import pytest
from marshmallow import ValidationError

from minzi.api import validation_body

from intake.domain import views
from intake.domain.views import list_cases
from intake.models import Case
from intake.schemas import CaseSearchQuery

from .conftest import (
    MAPLE_RECEPTIONIST,
    NOW,
    RECEPTIONIST,
    SECOND_RECEPTIONIST,
    register_case,
)


@pytest.fixture
def story(tx):
    """25 November (Beijing) 10:00: Zhang San's unpaid wages (13800001111, "彩虹城3号楼 2单元",
    with a space). 27 November 10:00: Liu Mei's leak (13900002222, building 8; no program's
    words: it waits for the station head) and a hurt cat at building 3, entrance 2 (phone
    written 139-0000-3333). In Maple Court, another Zhang San with the same phone."""
    wages = register_case(tx, now=NOW - timedelta(days=2), description="公司拖欠我三个月工资",
                          resident_name="张三", resident_phone="13800001111",
                          address="彩虹城3号楼 2单元")
    leak = register_case(tx, description="楼上漏水已经三天", resident_name="刘梅",
                         resident_phone="13900002222", address="彩虹城8号楼1单元")
    cat = register_case(tx, description="楼下有只受伤的猫", resident_name="王五",
                        resident_phone="139-0000-3333", address="彩虹城3号楼2单元")
    register_case(tx, staff=MAPLE_RECEPTIONIST, description="公司拖欠工资", resident_name="张三",
                  resident_phone="13800001111", address="枫林3号楼")
    tx.session.flush()
    return {"wages": wages.tracking_code, "leak": leak.tracking_code, "cat": cat.tracking_code}


def found(tx, staff=RECEPTIONIST, **query):
    """The tracking codes a search finds, in the list's order (soonest due first: the wages
    are due 27 Nov 10:00, the leak and the cat 28 Nov 10:00, then by number)."""
    q = CaseSearchQuery().load({k: str(v) for k, v in query.items()})
    return [c["tracking_code"] for c in list_cases(tx.session, staff, q, "zh", NOW)]


def test_a_phone_finds_its_cases_written_either_way_and_only_the_whole_number(tx, story):
    assert found(tx, phone="13800001111") == [story["wages"]]      # not Maple Court's
    assert found(tx, phone="138 0000 1111") == [story["wages"]]
    assert found(tx, phone="13900003333") == [story["cat"]]        # stored with dashes
    assert found(tx, phone="1380000") == []                         # a part finds nothing


def test_a_name_an_address_or_a_tracking_code_finds_its_cases(tx, story):
    assert found(tx, name="张") == [story["wages"]]
    assert found(tx, name="刘梅") == [story["leak"]]
    # spaces ignored, as the duplicate rule compares addresses
    assert found(tx, address="3号楼2单元") == [story["wages"], story["cat"]]
    assert found(tx, tracking_code=story["cat"].lower()) == [story["cat"]]
    assert found(tx, name="张三", address="3号楼") == [story["wages"]]   # both asked: both hold
    assert found(tx, name="%") == [] and found(tx, address="_") == []   # no wildcards


def test_free_text_finds_cases_with_every_word(tx, story):
    assert found(tx, q="漏水 三天") == [story["leak"]]
    assert found(tx, q="漏水 工资") == []
    assert found(tx, q="彩虹城3号楼") == [story["wages"], story["cat"]]   # in the address
    assert found(tx, q=story["leak"]) == [story["leak"]]


def test_dates_are_beijing_days_of_registration(tx, story):
    assert found(tx, **{"from": "2026-11-27"}) == [story["leak"], story["cat"]]
    assert found(tx, to="2026-11-25") == [story["wages"]]
    assert found(tx, **{"from": "2026-11-26", "to": "2026-11-26"}) == []


def test_a_search_stays_within_the_queue_and_comes_a_page_at_a_time(tx, story):
    assert found(tx, queue="unassigned", address="彩虹城") == [story["leak"]]
    assert found(tx, address="彩虹城", limit=2) == [story["wages"], story["leak"]]
    assert found(tx, address="彩虹城", limit=2, offset=2) == [story["cat"]]
    maple = found(tx, staff=MAPLE_RECEPTIONIST, name="张三")    # their own Zhang San only
    assert len(maple) == 1 and maple != [story["wages"]]


@pytest.mark.parametrize("head", [1, 2, 3, 1000])
def test_a_page_is_the_same_whether_the_head_of_the_queue_holds_it_or_not(tx, story, head,
                                                                          monkeypatch):
    """A search for words reads the first ``QUEUE_HEAD`` cases of the queue first, and looks
    the words up by their index only when those have not a whole page. Whatever that number,
    every page is the queue's own cases with the words, in the queue's order."""
    for i in range(5):
        register_case(tx, now=NOW - timedelta(hours=i), description=f"楼上漏水第{i}次",
                      resident_name="赵六", resident_phone="13700000000",
                      address=f"彩虹城{i}号楼")
    # an emergency, due in 2 hours, comes before a leak due in 1 hour: the class first
    register_case(tx, description="楼上漏水很急", urgency="emergency",
                  resident_phone="13700000001")
    register_case(tx, now=NOW - timedelta(hours=23), description="楼上漏水更早",
                  resident_phone="13700000002")
    tx.session.flush()
    texts = {c.tracking_code: f"{c.description} {c.resident_name} {c.address}"
             for c in tx.session.query(Case)}
    queue = found(tx, limit=100)                 # every case of the queue, in its order
    monkeypatch.setattr(views, "QUEUE_HEAD", head)
    for words in ("漏水", "漏水第3", "楼上 第1", "赵六", "彩虹城3号楼", "没有的词"):
        expected = [code for code in queue if all(w in texts[code] for w in words.split())]
        for offset, limit in ((0, 1), (0, 2), (1, 2), (2, 3), (0, 50), (4, 1)):
            assert found(tx, q=words, offset=offset, limit=limit) == \
                expected[offset:offset + limit], (words, offset, limit)


def test_what_a_search_finds_is_masked_as_the_list_is(tx, story):
    """Wang registered the wages and reads the phone; Liu, another receptionist, finds the case
    by the same number and reads it masked."""
    mine = list_cases(tx.session, RECEPTIONIST, CaseSearchQuery().load({"phone": "13800001111"}),
                      "zh", NOW)
    theirs = list_cases(tx.session, SECOND_RECEPTIONIST,
                        CaseSearchQuery().load({"phone": "13800001111"}), "zh", NOW)
    assert [c["resident_phone"] for c in mine] == ["13800001111"]
    assert [c["resident_phone"] for c in theirs] == ["138****1111"]


def test_empty_boxes_of_a_search_form_search_for_nothing(tx, story):
    assert found(tx, name="", phone=" ", q="") == [story["wages"], story["leak"], story["cat"]]


@pytest.mark.parametrize(("query", "field", "zh", "en"), [
    ({"phone": "138-abc"}, "phone", "请输入完整的电话号码（至少 7 位数字）",
     "Give the whole phone number (7 digits or more)."),
    ({"tracking_code": "AB-12"}, "tracking_code", "查询码只含字母和数字",
     "A tracking code is letters and digits."),
    ({"from": "2026-11-31"}, "from", "应为日期（YYYY-MM-DD）", "Not a valid date."),
    ({"from": "2026-11-27", "to": "2026-11-26"}, "to", "结束日期早于开始日期",
     "The end date is before the start date"),
    ({"name": "张" * 101}, "name", None, None),
])
def test_a_bad_parameter_is_refused_by_name(query, field, zh, en):
    with pytest.raises(ValidationError) as bad:
        CaseSearchQuery().load(query)
    said = {lang: validation_body(bad.value, lang)["error"] for lang in ("zh", "en")}
    assert said["zh"]["code"] == "validation_failed" and list(said["zh"]["fields"]) == [field]
    if zh:
        assert said["zh"]["fields"][field] == [zh] and said["en"]["fields"][field] == [en]
