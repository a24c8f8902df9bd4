"""Finding cases at the edges (``GET /cases``): a phone stored with spaces or a +86, an address
with a full-width space or a capital letter, names and words in any case, wildcards typed as
text, and the first and last moments of a Beijing day. The cases are the story below, told by
hand (registered in UTC; Beijing is eight hours ahead)."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from intake.domain.views import list_cases
from intake.schemas import CaseSearchQuery

from .conftest import MAPLE_RECEPTIONIST, NOW, RECEPTIONIST, register_case

MIDNIGHT_27 = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)           # 27 Nov 00:00 in Beijing
LAST_SECOND_26 = datetime(2026, 11, 26, 15, 59, 59, tzinfo=UTC)   # 26 Nov 23:59:59 in Beijing
MIDNIGHT_28 = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)           # 28 Nov 00:00 in Beijing


@pytest.fixture
def story(tx):
    """Rainbow City:
    - Alice Li, phone written "138 0000 5555", at "彩虹城A座　3单元" (a full-width space),
      registered on the stroke of midnight that begins 27 November in Beijing;
    - Bob Wang, phone written "+86-139-0000-6666", "WiFi 信号差", at "彩虹城B座1单元",
      registered in the last second of 26 November in Beijing;
    - 刘梅, phone 13700007777, "楼道灯坏了", at "彩虹城C座2单元", registered on the stroke of
      midnight that begins 28 November.
    Maple Court: another Alice Li with the same phone, at "枫林A座3单元".

    On PostgreSQL LIKE tells capitals from small letters; SQLite's does not unless told to, so
    it is told to here: a search that finds "alice" in "Alice Li" does it by itself."""
    tx.session.execute(text("PRAGMA case_sensitive_like = ON"))
    alice = register_case(tx, now=MIDNIGHT_27, description="楼上装修噪音", resident_name="Alice Li",
                          resident_phone="138 0000 5555", address="彩虹城A座\u30003单元")
    bob = register_case(tx, now=LAST_SECOND_26, description="WiFi 信号差", resident_name="Bob Wang",
                        resident_phone="+86-139-0000-6666", address="彩虹城B座1单元")
    liu = register_case(tx, now=MIDNIGHT_28, description="楼道灯坏了", resident_name="刘梅",
                        resident_phone="13700007777", address="彩虹城C座2单元")
    register_case(tx, staff=MAPLE_RECEPTIONIST, now=MIDNIGHT_27, description="楼上装修噪音",
                  resident_name="Alice Li", resident_phone="13800005555", address="枫林A座3单元")
    tx.session.flush()
    return {"alice": alice.tracking_code, "bob": bob.tracking_code, "liu": liu.tracking_code}


def found(tx, staff=RECEPTIONIST, **query) -> set[str]:
    """The tracking codes a search finds (order aside: the list's order is not the point)."""
    q = CaseSearchQuery().load(query)
    return {c["tracking_code"] for c in list_cases(tx.session, staff, q, "zh", NOW)}


def test_a_phone_stored_with_spaces_is_found_by_the_whole_number_however_typed(tx, story):
    assert found(tx, phone="13800005555") == {story["alice"]}       # not Maple Court's Alice
    assert found(tx, phone="138-0000-5555") == {story["alice"]}
    assert found(tx, phone="138 0000 555") == set()                 # one digit short


def test_a_phone_stored_with_plus_86_is_found_by_the_number_with_its_86(tx, story):
    assert found(tx, phone="+86 139 0000 6666") == {story["bob"]}
    assert found(tx, phone="8613900006666") == {story["bob"]}


def test_an_address_is_found_whatever_its_spaces_and_capitals(tx, story):
    """"彩虹城A座　3单元" is stored with a full-width space and a capital A."""
    assert found(tx, address="a座3单元") == {story["alice"]}
    assert found(tx, address="A座 3单元") == {story["alice"]}
    assert found(tx, address="彩虹城a座\u30003") == {story["alice"]}
    assert found(tx, q="a座3单元") == {story["alice"]}
    assert found(tx, address="b座") == {story["bob"]}


def test_a_name_or_a_word_is_found_whatever_its_capitals(tx, story):
    assert found(tx, name="alice") == {story["alice"]}                  # Rainbow City's only
    assert found(tx, name="ALICE LI") == {story["alice"]}
    assert found(tx, q="wifi") == {story["bob"]}                        # in the text
    assert found(tx, q="WIFI 信号") == {story["bob"]}


def test_a_word_of_free_text_finds_a_case_by_the_residents_name_alone(tx, story):
    """Neither the text nor the address of any case holds these words; the names do."""
    assert found(tx, q="刘梅") == {story["liu"]}
    assert found(tx, q="bob") == {story["bob"]}
    assert found(tx, q="Alice 噪音") == {story["alice"]}


@pytest.mark.parametrize("typed", ["%", "_", "%座%", "a_3"])
def test_wildcards_typed_into_free_text_are_looked_for_as_text(tx, story, typed):
    """No case holds a % or an _ anywhere: each finds nothing, not everything."""
    assert found(tx, q=typed) == set()


def test_the_first_moment_of_a_beijing_day_belongs_to_that_day(tx, story):
    assert found(tx, **{"from": "2026-11-27"}) == {story["alice"], story["liu"]}
    assert found(tx, **{"from": "2026-11-27", "to": "2026-11-27"}) == {story["alice"]}
    assert found(tx, to="2026-11-26") == {story["bob"]}
    assert found(tx, **{"from": "2026-11-28"}) == {story["liu"]}
    assert found(tx, to="2026-11-27") == {story["alice"], story["bob"]}


def test_another_communitys_staff_find_only_their_own(tx, story):
    maple = found(tx, staff=MAPLE_RECEPTIONIST, phone="13800005555")
    assert len(maple) == 1 and maple.isdisjoint(story.values())
    assert found(tx, staff=MAPLE_RECEPTIONIST, q="wifi") == set()
