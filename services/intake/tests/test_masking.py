"""A resident's phone and contact are shown in full only to staff who need them: the case's owner
(首问责任人), the staff of the program handling it, and the station head. Anyone else (another
receptionist, the admin, another program) sees the phone masked (its first three and last four
digits) and no contact; the resident's tracking page and Open311 show neither."""
import json

import pytest

from minzi.testing import make_staff

from intake import open311
from intake.domain import assignment
from intake.domain.access import Actor
from intake.domain.registration import register
from intake.domain.views import case_view, list_cases, tracking_view

from .conftest import (
    ADMIN,
    CAT_VOLUNTEER,
    LAWYER,
    NOW,
    RECEPTIONIST,
    SECOND_RECEPTIONIST,
    STATION_HEAD,
    actor,
    desk,
    refused_unchanged,
    register_case,
)

PHONE, MASKED, CONTACT = "13800001111", "138****1111", "微信 zhang-san-88"
NO_PROGRAM_HANDLER = make_staff("handler", id=9, username="zhou", name="周")
LIST = {"queue": "all", "status": None, "program_id": None, "limit": 100, "offset": 0}


def shown(case, staff):
    view = case_view(case, staff, "zh", NOW, with_history=True)
    return view["resident_phone"], view["resident_contact"]


def leaks(view):
    text = json.dumps(view, ensure_ascii=False)
    return PHONE in text or CONTACT in text


@pytest.fixture
def wages(tx):
    """Unpaid wages, taken in at the window by the receptionist (its owner), sent to the
    legal-aid home."""
    case = register_case(tx, resident_phone=PHONE, resident_contact=CONTACT)
    assert (case.owner_id, case.program_id) == (RECEPTIONIST["id"], "legal_aid")
    return case


@pytest.mark.parametrize("staff", [RECEPTIONIST, STATION_HEAD, LAWYER],
                         ids=["its owner", "the station head", "its handler"])
def test_the_owner_the_handler_and_the_station_head_see_the_phone(wages, staff):
    assert shown(wages, staff) == (PHONE, CONTACT)


@pytest.mark.parametrize("staff", [SECOND_RECEPTIONIST, ADMIN, CAT_VOLUNTEER, NO_PROGRAM_HANDLER,
                                   None],
                         ids=["another receptionist", "the admin", "other program", "no program",
                              "not logged in"])
def test_everyone_else_sees_it_masked(wages, staff):
    assert shown(wages, staff) == (MASKED, None)
    assert not leaks(case_view(wages, staff, "zh", NOW, with_history=True))


def test_a_case_waiting_for_the_station_head_is_nobodys_program(tx):
    case = register_case(tx, description="小区路灯不亮", resident_phone=PHONE,
                         resident_contact=CONTACT)
    assert case.program_id is None
    assert shown(case, NO_PROGRAM_HANDLER) == (MASKED, None)
    assert shown(case, CAT_VOLUNTEER) == (MASKED, None)
    assert shown(case, STATION_HEAD) == (PHONE, CONTACT)


def test_the_owner_keeps_seeing_it_after_passing_the_case_on(tx):
    case, _ = register(desk(tx), {"community": "rainbow-city", "channel": "open311",
                                  "description": "楼下有只受伤的猫", "service_code": "sick_cat",
                                  "resident_phone": PHONE, "resident_contact": CONTACT},
                       Actor("居民（Open311）"))
    assert case.owner_id is None
    assert shown(case, LAWYER) == (MASKED, None)          # not the legal-aid home's case yet
    assignment.transfer(desk(tx), case, actor(CAT_VOLUNTEER), "legal_consultation", "是法律问题")
    assert case.owner_id == CAT_VOLUNTEER["id"]           # the first to take it up owns it
    assert shown(case, CAT_VOLUNTEER) == (PHONE, CONTACT)
    assert shown(case, LAWYER) == (PHONE, CONTACT)


def test_a_case_nobody_owns_yet_is_masked_at_the_window(tx):
    """An Open311 request waiting for the station head: the head sees the phone; a receptionist
    sees it once they take the case up and so own it."""
    case, _ = register(desk(tx), {"community": "rainbow-city", "channel": "open311",
                                  "description": "小区路灯不亮", "resident_phone": PHONE,
                                  "resident_contact": CONTACT}, Actor("居民（Open311）"))
    assert case.owner_id is None
    assert shown(case, SECOND_RECEPTIONIST) == (MASKED, None)
    assert shown(case, ADMIN) == (MASKED, None)
    assert shown(case, STATION_HEAD) == (PHONE, CONTACT)


def test_accepting_on_a_handlers_behalf_is_the_windows_not_another_programs(tx):
    """As was tried: taking a case "on behalf" unmasked the resident's phone for anyone. Another
    program's volunteer is refused and still sees it masked; the receptionist who takes the case
    up owns it and sees it."""
    case, _ = register(desk(tx), {"community": "rainbow-city", "channel": "open311",
                                  "description": "公司拖欠工资", "service_code": "labour_dispute",
                                  "attributes": {"employer": "某公司"}, "resident_phone": PHONE,
                                  "resident_contact": CONTACT}, Actor("居民（Open311）"))
    assert (case.owner_id, case.status) == (None, "dispatched")
    refused_unchanged(tx, "not_owner", assignment.accept, desk(tx), case, actor(CAT_VOLUNTEER),
                      on_behalf_of="李律师")
    assert shown(case, CAT_VOLUNTEER) == (MASKED, None)
    assignment.accept(desk(tx), case, actor(SECOND_RECEPTIONIST), on_behalf_of="李律师")
    assert case.owner_id == SECOND_RECEPTIONIST["id"]
    assert shown(case, SECOND_RECEPTIONIST) == (PHONE, CONTACT)


def test_a_queue_masks_as_the_case_does(tx, wages):
    cat = register_case(tx, description="楼下有只病猫", resident_phone="13900002222")
    rows = {c["id"]: c["resident_phone"] for c in list_cases(tx.session, CAT_VOLUNTEER, LIST,
                                                             "zh", NOW)}
    assert rows == {wages.id: MASKED, cat.id: "13900002222"}


def test_the_resident_and_open311_never_see_a_phone(tx, wages):
    assert not leaks(tracking_view(wages, tx.session))
    request = open311.request_view(wages, tx.session)
    assert not leaks(request) and MASKED not in json.dumps(request)
