"""Every named refusal of intake's rules: provoked, with its code, and nothing changed by it
(no row written or altered, no message sent, no resident told)."""
import pytest
from marshmallow import ValidationError

from minzi.api import DomainError
from minzi.testing import snapshot

from intake import open311
from intake.domain import accounts, answers, assignment, chasing, duplicates
from intake.domain.access import RESIDENT, SYSTEM, Actor
from intake.domain.desk import by_tracking_code, get_case
from intake.domain.registration import register
from intake.models import Base, Case, Community

from .conftest import (
    ADMIN,
    CAT_VOLUNTEER,
    LAWYER,
    MAPLE_RECEPTIONIST,
    NOW,
    RECEPTIONIST,
    SECOND_RECEPTIONIST,
    STATION_HEAD,
    actor,
    desk,
    register_case,
)

PROGRAM = Actor("普法互助家园")


def refused(tx, code, action, *args, **kwargs):
    """``action(*args, **kwargs)`` is refused with ``code`` and leaves everything as it was."""
    before, sent = snapshot(tx.session, Base.metadata), list(tx.published)
    with pytest.raises(DomainError) as error:
        action(*args, **kwargs)
    assert error.value.code == code
    assert snapshot(tx.session, Base.metadata) == before
    assert tx.published == sent
    return error.value


def said(error):
    """What the person refused reads, in Chinese and in English, and the field it is shown at."""
    zh, en = error.to_body("zh")["error"], error.to_body("en")["error"]
    return zh["message"], en["message"], next(iter(zh.get("fields", {})), None)


# -- cases at each step -------------------------------------------------------------------------

def another_resident(tx):
    """A phone no earlier case has, so no case here repeats another by accident."""
    return f"139{tx.session.query(Case).count() + 1:08d}"


def awaiting(tx):
    return register_case(tx, description="小区路灯不亮", resident_phone=another_resident(tx))


def dispatched(tx, **data):
    """Unpaid wages: the legal-aid home's labour dispute."""
    return register_case(tx, **{"resident_phone": another_resident(tx), **data})


def accepted(tx):
    case = dispatched(tx)
    assignment.accept(desk(tx), case, actor(LAWYER))
    return case


def resolved(tx):
    case = accepted(tx)
    answers.resolve(desk(tx), case, actor(LAWYER), "已调解")
    return case


def replied(tx):
    case = resolved(tx)
    answers.reply(desk(tx), case, actor(RECEPTIONIST), "已调解成功")
    return case


# -- finding a case -------------------------------------------------------------------------------

def test_case_not_found(tx):
    case = dispatched(tx)
    refused(tx, "case_not_found", get_case, tx.session, case.id + 100)
    refused(tx, "case_not_found", get_case, tx.session, case.id, MAPLE_RECEPTIONIST)
    refused(tx, "case_not_found", by_tracking_code, tx.session, "NOSUCHCODE")
    refused(tx, "case_not_found", by_tracking_code, tx.session, None)


# -- registering ----------------------------------------------------------------------------------

def test_unknown_community(tx):
    error = refused(tx, "unknown_community", register, desk(tx),
                    {"community": "atlantis", "channel": "visit", "description": "漏水"}, RESIDENT)
    assert said(error) == ("没有「atlantis」这个社区", "No community 'atlantis'", "community")


def test_other_community(tx):
    error = refused(tx, "other_community", register, desk(tx),
                    {"community": "rainbow-city", "channel": "visit", "description": "漏水"},
                    actor(MAPLE_RECEPTIONIST))
    assert said(error) == ("只能为本社区登记诉求",
                           "Staff register cases for their own community only", "community")
    assert error.status == 403


def test_unknown_service(tx):
    error = refused(tx, "unknown_service", register, desk(tx),
                    {"community": "rainbow-city", "channel": "visit", "description": "漏水",
                     "service_code": "water_repair"}, actor(RECEPTIONIST))
    assert said(error) == ("本社区目前没有「water_repair」这项服务",
                           "No live program offers 'water_repair' in this community",
                           "service_code")
    assert error.status == 400
    case = awaiting(tx)
    refused(tx, "unknown_service", assignment.assign, desk(tx), case, actor(STATION_HEAD),
            "water_repair")
    refused(tx, "unknown_service", assignment.transfer, desk(tx), case, actor(RECEPTIONIST),
            "water_repair", "转给维修")


def test_attributes_that_do_not_fit_the_service_register_nothing(tx):
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(ValidationError):
        dispatched(tx, service_code="labour_dispute", attributes={"employer": ""})
    assert snapshot(tx.session, Base.metadata) == before and tx.published == []


def test_an_open311_post_for_a_service_not_offered_registers_nothing(tx):
    refused(tx, "service_code", open311.create, desk(tx), "rainbow-city",
            {"service_code": "water_repair", "description": "漏水", "address_string": "3号楼"},
            {}, None)


def test_an_open311_operation_the_standard_does_not_have(tx):
    """GeoReport v2 has five operations; any other name asked of intake's open311 RPC is refused
    as a bad request, even carrying a key and a form that would register a case."""
    key = accounts.create_api_key(tx.session, "rainbow-city", "地图应用", NOW)
    rainbow = tx.session.get(Community, "rainbow-city")
    form = {"api_key": key, "service_code": "sick_cat", "description": "楼下有只受伤的猫",
            "address_string": "3号楼"}
    error = refused(tx, "operation", open311.answer, desk(tx), "update", rainbow, {}, form, {},
                    None, "zh")
    assert error.status == 400
    assert error.to_body("zh") == {"error": {"code": "operation",
                                             "message": "没有「update」这个操作"}}
    assert error.to_body("en")["error"]["message"] == "No operation 'update'"
    status, body = open311.answer(desk(tx), "create", rainbow, {}, form, {}, None, "zh")
    assert status == 201 and len(body) == 1     # the same form, under its own name, registers


# -- assigning, accepting, transferring -----------------------------------------------------------

def test_forbidden(tx):
    case = awaiting(tx)
    error = refused(tx, "forbidden", assignment.assign, desk(tx), case, actor(RECEPTIONIST),
                    "legal_consultation")
    assert said(error) == ("您的角色无权进行此操作", "Your role may not do this", None)
    assert error.status == 403
    refused(tx, "forbidden", assignment.accept, desk(tx), case, PROGRAM)
    refused(tx, "forbidden", assignment.transfer, desk(tx), case, SYSTEM, "sick_cat", "猫")
    refused(tx, "forbidden", duplicates.mark_duplicate, desk(tx), case, PROGRAM, dispatched(tx))
    refused(tx, "forbidden", answers.close_out_of_scope, desk(tx), case, RESIDENT, "不归我们",
            "街道办")
    done = resolved(tx)
    refused(tx, "forbidden", answers.reply, desk(tx), done, RESIDENT, "答复")


def test_already_accepted(tx):
    case = accepted(tx)
    error = refused(tx, "already_accepted", assignment.assign, desk(tx), case,
                    actor(STATION_HEAD), "sick_cat", "改派")
    assert said(error) == ("诉求已有人承办，请用转办", "Already accepted: transfer it", "status")
    assert error.status == 409


def test_not_dispatched(tx):
    error = refused(tx, "not_dispatched", assignment.accept, desk(tx), awaiting(tx),
                    actor(STATION_HEAD))
    assert said(error) == ("只有已转交、未接收的诉求可以接收",
                           "Only a dispatched case can be accepted", "status")
    assert error.status == 409
    refused(tx, "not_dispatched", assignment.accept, desk(tx), accepted(tx), actor(LAWYER))


def test_not_handler(tx):
    case = dispatched(tx)
    error = refused(tx, "not_handler", assignment.accept, desk(tx), case, actor(CAT_VOLUNTEER))
    assert said(error) == ("只有承办项目的工作人员可以接收",
                           "Only the program's staff accept its cases", None)
    assert error.status == 403
    refused(tx, "not_handler", assignment.accept, desk(tx), case, actor(SECOND_RECEPTIONIST))


def test_not_owner(tx):
    case = dispatched(tx)                           # owned by the receptionist who took it in
    error = refused(tx, "not_owner", assignment.accept, desk(tx), case,
                    actor(SECOND_RECEPTIONIST), on_behalf_of="李律师")
    assert said(error) == ("只有首问责任人或站长可以代为接收",
                           "Only the owner or the station head accepts on a handler's behalf",
                           None)
    assert error.status == 403
    done = resolved(tx)
    error = refused(tx, "not_owner", answers.reply, desk(tx), done, actor(SECOND_RECEPTIONIST),
                    "答复")
    assert said(error) == ("应由首问责任人答复居民", "The owner replies to the resident", None)
    assert error.status == 403


def test_same_service(tx):
    case = dispatched(tx)
    error = refused(tx, "same_service", assignment.transfer, desk(tx), case,
                    actor(RECEPTIONIST), "labour_dispute", "再转一次")
    assert said(error) == ("已经是这个服务项目", "The case is already there", "service_code")
    assert error.status == 400


def test_already_resolved(tx):
    case = resolved(tx)
    error = refused(tx, "already_resolved", assignment.transfer, desk(tx), case,
                    actor(RECEPTIONIST), "sick_cat", "转给猫")
    assert said(error) == ("诉求已办结，不能转办", "Already resolved", "status")
    assert error.status == 409
    error = refused(tx, "already_resolved", answers.resolve, desk(tx), case, actor(LAWYER),
                    "再办结")
    assert said(error) == ("诉求已办结", "Already resolved", "status")
    assert error.status == 409


def test_case_closed(tx):
    case = replied(tx)
    error = refused(tx, "case_closed", assignment.assign, desk(tx), case, actor(STATION_HEAD),
                    "sick_cat")
    assert said(error) == ("诉求当前状态为「已答复」，不能这样办理", "The case is replied",
                           "status")
    assert error.status == 409
    refused(tx, "case_closed", assignment.transfer, desk(tx), case, actor(RECEPTIONIST),
            "sick_cat", "转给猫")
    refused(tx, "case_closed", answers.resolve, desk(tx), case, actor(RECEPTIONIST), "再办结")
    refused(tx, "case_closed", answers.close_out_of_scope, desk(tx), case, actor(RECEPTIONIST),
            "不归我们", "街道办")
    refused(tx, "case_closed", duplicates.mark_duplicate, desk(tx), case, actor(RECEPTIONIST),
            dispatched(tx))


# -- chasing, answering ---------------------------------------------------------------------------

def test_not_chaseable(tx):
    error = refused(tx, "not_chaseable", chasing.chase, desk(tx), resolved(tx),
                    actor(STATION_HEAD), "快点")
    assert said(error) == ("只有办理中的诉求可以催办", "Only open cases can be chased", "status")
    assert error.status == 409


def test_not_resolved(tx):
    error = refused(tx, "not_resolved", answers.reply, desk(tx), accepted(tx),
                    actor(RECEPTIONIST), "答复")
    assert said(error) == ("诉求办结后才能答复居民", "Reply once the case is resolved", "status")
    assert error.status == 409


def test_not_replied(tx):
    error = refused(tx, "not_replied", answers.follow_up, desk(tx), resolved(tx), RESIDENT,
                    resolved=True, satisfied=True)
    assert said(error) == ("答复居民后才能回访", "Follow up after the reply", "status")
    assert error.status == 409


def test_not_reopenable(tx):
    error = refused(tx, "not_reopenable", answers.reopen, desk(tx), accepted(tx), RESIDENT,
                    "再办")
    assert said(error) == ("只有已答复或已结案的诉求可以重新办理",
                           "Only a replied or closed case can be reopened", "status")
    assert error.status == 409


# -- duplicates -----------------------------------------------------------------------------------

def test_bad_duplicate_of_itself(tx):
    case = dispatched(tx)
    error = refused(tx, "bad_duplicate", duplicates.mark_duplicate, desk(tx), case,
                    actor(RECEPTIONIST), case)
    assert said(error) == ("只能并入本社区另一件办理中的诉求",
                           "Link to another open case of the same community", "duplicate_of")
    assert error.status == 400


def test_bad_duplicate_of_a_case_already_answered(tx):
    answered = replied(tx)
    case = dispatched(tx, description="工资的事", resident_phone=answered.resident_phone)
    assert case.status == "dispatched"            # a new case: the first one was answered
    refused(tx, "bad_duplicate", duplicates.mark_duplicate, desk(tx), case, actor(RECEPTIONIST),
            answered)


def test_bad_duplicate_of_another_communitys_case(tx):
    theirs = register_case(tx, MAPLE_RECEPTIONIST, description="漏水")
    case = dispatched(tx)
    refused(tx, "bad_duplicate", duplicates.mark_duplicate, desk(tx), case, actor(ADMIN),
            theirs)


# -- accounts -------------------------------------------------------------------------------------

NEW_STAFF = {"username": "sun", "name": "孙接待", "role": "receptionist",
             "password": "pw-87654321"}


def test_bad_credentials(tx):
    accounts.create_staff(tx.session, ADMIN, NEW_STAFF, NOW)
    error = refused(tx, "bad_credentials", accounts.log_in, tx.session, "sun", "wrong-password",
                    NOW)
    assert said(error) == ("用户名或密码不对", "Wrong username or password", None)
    assert error.status == 401
    refused(tx, "bad_credentials", accounts.log_in, tx.session, "nobody", "pw-87654321", NOW)
    token, _, _ = accounts.log_in(tx.session, "sun", "pw-87654321", NOW)
    assert accounts.authenticate(tx.session, token, NOW).username == "sun"


def test_username_taken(tx):
    error = refused(tx, "username_taken", accounts.create_staff, tx.session, ADMIN,
                    {**NEW_STAFF, "username": RECEPTIONIST["username"]}, NOW)
    assert said(error) == ("用户名已被使用", "That username is taken", "username")
    assert error.status == 409


def test_other_community_account(tx):
    error = refused(tx, "other_community", accounts.create_staff, tx.session, ADMIN,
                    {**NEW_STAFF, "community": "maple-court"}, NOW)
    assert said(error) == ("只能为本社区建账号", "Admins create accounts in their own community",
                           "community")
    assert error.status == 400


def test_api_key(tx):
    key = accounts.create_api_key(tx.session, "rainbow-city", "地图应用", NOW)
    refused(tx, "api_key", accounts.check_api_key, tx.session, None, "rainbow-city")
    refused(tx, "api_key", accounts.check_api_key, tx.session, "guessed", "rainbow-city")
    refused(tx, "api_key", accounts.check_api_key, tx.session, key, "maple-court")
    accounts.check_api_key(tx.session, key, "rainbow-city")
