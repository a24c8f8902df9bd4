"""What the accounts' and cases' records say, as an admin or the station reads them: the ops
account is not a station's to close; revoking one Open311 key leaves the others working; keys are
listed oldest first; the accounts' record shows the latest 200 events; a resolution, a resident's
rating and their reason for asking again are written in the case's history in their words."""
from datetime import timedelta

from intake.domain import accounts, answers, assignment
from intake.models import Staff as StaffRow

from .conftest import ADMIN, LAWYER, NOW, RECEPTIONIST, actor, desk, register_case, said
from .conftest import refused_unchanged as refused


def test_an_admin_cannot_close_the_ops_account(tx):
    ops = StaffRow(username="ops", name="运维", role="ops", community_id="rainbow-city",
                   password_hash=accounts.hash_password("ops-password-1"), active=True)
    tx.session.add(ops)
    tx.session.flush()
    assert said(refused(tx, "unknown_staff", accounts.deactivate, tx.session, ADMIN, ops.id,
                        NOW)) == ("本社区没有这个工作人员", "No such staff member here", None, 404)
    assert ops.active is True


def test_revoking_one_key_leaves_the_others_working(tx):
    first = accounts.create_api_key(tx.session, "rainbow-city", "社区小程序", NOW, ADMIN)
    second = accounts.create_api_key(tx.session, "rainbow-city", "12345 对接",
                                     NOW + timedelta(minutes=1), ADMIN)
    listed = accounts.list_api_keys(tx.session, "rainbow-city")
    assert [key["name"] for key in listed] == ["社区小程序", "12345 对接"]    # oldest first
    accounts.revoke_api_key(tx.session, ADMIN, listed[1]["id"], NOW)
    accounts.check_api_key(tx.session, first, "rainbow-city")              # still good
    refused(tx, "api_key", accounts.check_api_key, tx.session, second, "rainbow-city")


def test_keys_are_listed_oldest_first_and_those_of_one_moment_in_a_fixed_order(tx):
    # made newest first: the list turns them round. Six keys made at one moment come in the order
    # of their ids (the start of each key's hash), whatever order they were made in.
    names = [f"窗口 {n}" for n in range(6)]
    for n, name in enumerate(names):
        accounts.create_api_key(tx.session, "rainbow-city", name, NOW - timedelta(hours=n))
    assert [key["name"] for key in accounts.list_api_keys(tx.session, "rainbow-city")] == \
        list(reversed(names))
    for name in names:
        accounts.create_api_key(tx.session, "maple-court", name, NOW)
    same_moment = accounts.list_api_keys(tx.session, "maple-court")
    assert [key["id"] for key in same_moment] == sorted(key["id"] for key in same_moment)


def test_the_accounts_record_shows_the_latest_200_events(tx):
    for n in range(201):
        accounts.record(tx.session, ADMIN, "api_key_created", f"钥匙 {n}", NOW)
    shown = accounts.account_record(tx.session, "rainbow-city")
    assert len(shown) == 200
    assert (shown[0]["subject"], shown[-1]["subject"]) == ("钥匙 200", "钥匙 1")   # newest first


def resolved_and_replied(tx):
    case = register_case(tx, service_code="labour_dispute", attributes={"employer": "某公司"})
    assignment.accept(desk(tx), case, actor(LAWYER))
    answers.resolve(desk(tx), case, actor(LAWYER), "经调解，公司同意月底前付清")
    answers.reply(desk(tx), case, actor(RECEPTIONIST), "公司同意月底前付清")
    return case


def test_the_resolution_and_the_residents_words_are_in_the_history(tx):
    case = resolved_and_replied(tx)
    resolved = [e for e in case.events if e.action == "resolved"]
    assert [e.note for e in resolved] == ["经调解，公司同意月底前付清"]
    answers.resident_feedback(desk(tx), case, resolved=False, satisfied=False, comment="钱还没到",
                              reopen_wanted=True)
    assert [(e.action, e.note) for e in case.events if e.action in ("followed_up", "reopened")] \
        == [("followed_up", "未解决，不满意；钱还没到"), ("reopened", "钱还没到")]


def test_unsatisfied_without_a_reason_the_case_is_reopened_with_the_stations_words(tx):
    case = resolved_and_replied(tx)
    answers.resident_feedback(desk(tx), case, resolved=False, satisfied=False, reopen_wanted=True)
    assert [e.note for e in case.events if e.action == "reopened"] == ["居民不满意，要求重新办理"]


def test_unsatisfied_and_not_asking_again_the_case_stays_closed(tx):
    case = resolved_and_replied(tx)
    answers.resident_feedback(desk(tx), case, resolved=True, satisfied=False)   # no more asked
    assert (case.status, case.reopened_count) == ("closed", 0)


def test_a_rating_not_expected_is_refused_in_both_languages(tx):
    case = register_case(tx, service_code="labour_dispute", attributes={"employer": "某公司"})
    assert said(refused(tx, "feedback_not_expected", answers.resident_feedback, desk(tx), case,
                        resolved=True, satisfied=True)) == (
        "这件诉求现在不需要评价（尚未答复，或已经评价过）",
        "This case is not awaiting feedback (not answered yet, or rated already)", "status", 409)
