"""What staff, residents, the gateway and ops read: each view checked field by field against a
story told by hand (times in UTC; Beijing is eight hours ahead)."""
from datetime import timedelta

import pytest

from minzi.contract import ProgramManifest

from intake.domain import answers, assignment, chasing, reports
from intake.domain.registry import Registry
from intake.domain.views import (
    case_counts,
    case_notifications,
    case_view,
    community_notifications,
    event_view,
    list_cases,
    list_communities,
    list_programs,
    list_services,
    list_staff,
    program_directory,
    staff_view,
    tracking_view,
)
from intake.models import Community, Notification
from intake.models import Staff as StaffRow

from .conftest import (
    CAT_VOLUNTEER,
    LAWYER,
    NOW,
    RECEPTIONIST,
    STATION_HEAD,
    actor,
    desk,
    register_case,
)

HOUR = timedelta(hours=1)
QUEUE = {"queue": "all", "status": None, "program_id": None, "limit": 100, "offset": 0}


def queue(tx, staff, now=NOW, **q):
    return [c["id"] for c in list_cases(tx.session, staff, {**QUEUE, **q}, "zh", now)]


@pytest.fixture
def wages(tx):
    """Unpaid wages at the window at 10:00 on 27 November (Beijing), to the legal-aid home with
    48 hours; its lawyer accepts at 11:00, resolves at 12:00, the receptionist replies at 13:00."""
    case = register_case(tx, resident_name="张三", address="3号楼2单元",
                         resident_contact="微信 zhang")
    reports.apply_report(desk(tx, NOW + HOUR), {"case_id": case.id, "program_id": "legal_aid",
                                                "status": "accepted", "handler": "李律师"})
    reports.apply_report(desk(tx, NOW + 2 * HOUR), {
        "case_id": case.id, "program_id": "legal_aid", "status": "resolved",
        "result": "公司同意月底前支付"})
    answers.reply(desk(tx, NOW + 3 * HOUR), case, actor(RECEPTIONIST), "月底前发放")
    return case


def test_a_replied_case_as_staff_see_it(tx, wages):
    view = case_view(wages, RECEPTIONIST, "en", NOW + 4 * HOUR, with_history=True)
    history = view.pop("history")
    assert view == {
        "id": wages.id, "tracking_code": wages.tracking_code, "community": "rainbow-city",
        "channel": "visit", "status": "replied", "status_label": "Replied",
        "description": "公司拖欠我三个月工资", "service_code": "labour_dispute",
        "program_id": "legal_aid", "owner_id": 1, "owner": "王接待", "handler": "李律师",
        "resident_name": "张三", "resident_phone": "13800001111",
        "resident_contact": "微信 zhang", "address": "3号楼2单元", "lat": None, "long": None,
        "attributes": {}, "reference": None, "urgency": None, "urgency_label": None,
        "time_limit_hours": 48, "due_at": "2026-11-29T02:00:00Z",
        "overdue": False, "chase_level": 0, "escalated": False, "last_chase": None,
        "duplicate_of": None,
        "result": "公司同意月底前支付", "reply": "月底前发放", "explanation": None,
        "referral": None, "followup_resolved": None, "followup_satisfied": None,
        "reopened_count": 0, "created_at": "2026-11-27T02:00:00Z",
        "resolved_at": "2026-11-27T04:00:00Z", "replied_at": "2026-11-27T05:00:00Z",
        "closed_at": None}
    assert [(e["action"], e["action_label"], e["from_status"], e["to_status"])
            for e in history] == [
        ("registered", "Registered", None, "awaiting_assignment"),
        ("dispatched", "Dispatched", "awaiting_assignment", "dispatched"),
        ("accepted", "Accepted", "dispatched", "accepted"),
        ("resolved", "Resolved", "accepted", "resolved"),
        ("replied", "Replied to the resident", "resolved", "replied")]
    assert history[-1] == {"at": "2026-11-27T05:00:00Z", "actor": "王接待",
                           "action": "replied", "action_label": "Replied to the resident",
                           "from_status": "resolved", "to_status": "replied",
                           "note": "月底前发放"}
    assert "history" not in case_view(wages, RECEPTIONIST, "zh", NOW)
    assert case_view(wages, RECEPTIONIST, "zh", NOW)["status_label"] == "已答复"
    named = register_case(tx, resident_phone="13900000001", service_code="labour_dispute",
                          attributes={"employer": "某公司"})
    assert case_view(named, RECEPTIONIST, "zh", NOW)["attributes"] == {"employer": "某公司"}


def test_an_event_is_labelled_in_the_readers_language(tx, wages):
    resolved = next(e for e in wages.events if e.action == "resolved")
    assert event_view(resolved, "zh")["action_label"] == "办结"
    assert event_view(resolved, "en")["action_label"] == "Resolved"
    assert event_view(resolved, "zh")["actor"] == "普法互助家园"          # the report named nobody
    accepted = next(e for e in wages.events if e.action == "accepted")
    assert event_view(accepted, "zh")["actor"] == "普法互助家园·李律师"


def test_a_case_is_overdue_once_its_time_limit_has_passed_while_it_is_worked(tx):
    case = register_case(tx)                       # due 48 hours on
    due = NOW + 48 * HOUR
    assert case_view(case, RECEPTIONIST, "zh", due)["overdue"] is False
    assert case_view(case, RECEPTIONIST, "zh", due + timedelta(seconds=1))["overdue"] is True
    answers.resolve(desk(tx), case, actor(RECEPTIONIST), "当场解决")
    assert case_view(case, RECEPTIONIST, "zh", due + HOUR)["overdue"] is False   # answered


def test_the_queues(tx):
    """Rainbow City: A wages (legal aid, due +48 h), B a street lamp (to the station head, due
    +24 h), C a sick cat the station head took in (cat fund, due +24 h), D a cat the
    receptionist resolved at once (cat fund, due +24 h, awaiting its reply); and a street lamp
    in Maple Court, which no Rainbow City queue shows."""
    a = register_case(tx, resident_phone="13900000001")
    b = register_case(tx, description="小区路灯不亮", resident_phone="13900000002")
    c = register_case(tx, STATION_HEAD, description="楼下有只病猫", resident_phone="13900000003")
    d = register_case(tx, description="楼下有只病猫", address="5号楼", resident_phone="13900000004")
    answers.resolve(desk(tx), d, actor(RECEPTIONIST), "已联系志愿者")
    maple = register_case(tx, {**RECEPTIONIST, "community": "maple-court", "id": 4},
                          description="小区路灯不亮", resident_phone="13900000005")
    # in Maple Court too: an escalated case, and one with the cat fund
    chasing.chase(desk(tx), maple, actor(STATION_HEAD), "升级", level=2)
    desk(tx).dispatch(register_case(tx, {**RECEPTIONIST, "community": "maple-court", "id": 4},
                                    description="楼下有只病猫", resident_phone="13900000006"),
                      *Registry(tx.session).offer("rainbow-city", "sick_cat"),
                      actor(STATION_HEAD), None)
    assert (a.program_id, b.status, c.program_id, d.status) == \
        ("legal_aid", "awaiting_assignment", "cat_fund", "resolved")

    # soonest due first: B, C and D (+24 h, by id), then A (+48 h)
    assert queue(tx, RECEPTIONIST) == [b.id, c.id, d.id, a.id]
    assert queue(tx, RECEPTIONIST, queue="mine") == [b.id, d.id, a.id]
    assert queue(tx, STATION_HEAD, queue="mine") == [c.id]
    assert queue(tx, RECEPTIONIST, queue="unassigned") == [b.id]
    assert queue(tx, CAT_VOLUNTEER, queue="program") == [c.id, d.id]   # D awaits its reply
    assert queue(tx, RECEPTIONIST, queue="program", program_id="legal_aid") == [a.id]
    assert queue(tx, RECEPTIONIST, status="dispatched") == [c.id, a.id]
    assert queue(tx, RECEPTIONIST, program_id="cat_fund") == [c.id, d.id]
    assert queue(tx, RECEPTIONIST, limit=2) == [b.id, c.id]
    assert queue(tx, RECEPTIONIST, limit=2, offset=2) == [d.id, a.id]

    assert queue(tx, RECEPTIONIST, queue="overdue", now=NOW + 24 * HOUR) == []
    late = NOW + 24 * HOUR + timedelta(seconds=1)
    assert queue(tx, RECEPTIONIST, queue="overdue", now=late) == [b.id, c.id]   # D answered
    assert queue(tx, RECEPTIONIST, queue="escalated") == []
    chasing.chase(desk(tx), c, actor(STATION_HEAD), "升级", level=2)
    assert queue(tx, RECEPTIONIST, queue="escalated") == [c.id]
    # the receptionist's queue shows the cat fund's case with the phone; the cat volunteer's
    # shows the legal-aid case masked
    shown = {row["id"]: row["resident_phone"]
             for row in list_cases(tx.session, CAT_VOLUNTEER, QUEUE, "zh", NOW)}
    assert shown[a.id] == "139****0001" and shown[c.id] == "13900000003"
    answers.reply(desk(tx), d, actor(RECEPTIONIST), "志愿者已去看过")
    assert queue(tx, RECEPTIONIST, queue="mine") == [b.id, a.id]      # answered: off my queue


def test_what_the_resident_sees_by_tracking_code(tx, wages):
    view = tracking_view(wages, tx.session, "en")
    assert view == {
        "tracking_code": wages.tracking_code, "status": "replied",
        "status_label": "Replied", "description": "公司拖欠我三个月工资",
        "program": "Legal-aid home", "created_at": "2026-11-27T02:00:00Z",
        "expected_at": None, "reply": "月底前发放", "duplicate_of": None,
        "can_give_feedback": True, "progress": None, "history": view["history"]}
    # public steps only, no staff names: registered, sent on, accepted, resolved, replied
    assert [h["action"] for h in view["history"]] == \
        ["Registered", "Dispatched", "Accepted", "Resolved", "Replied to the resident"]
    assert view["history"][0]["at"] == "2026-11-27T02:00:00Z"
    zh = tracking_view(wages, tx.session)
    assert (zh["program"], zh["status_label"], zh["history"][-1]["action"]) == \
        ("普法互助家园", "已答复", "答复居民")

    cat = register_case(tx, description="楼下有只病猫", resident_phone="13900000009")
    open_view = tracking_view(cat, tx.session, "en")
    assert open_view["program"] == "流浪猫爱心基金会"    # no English name: the Chinese one
    assert open_view["expected_at"] == "2026-11-28T02:00:00Z"    # 24 hours on
    assert open_view["can_give_feedback"] is False
    again = register_case(tx, description="楼下有只病猫，还没人来", resident_phone="13900000009")
    joined = tracking_view(again, tx.session)
    assert joined["duplicate_of"] == cat.public_id and cat.tracking_code not in repr(joined)
    lamp = register_case(tx, description="小区路灯不亮", resident_phone="13900000010")
    assert tracking_view(lamp, tx.session)["program"] is None


def test_the_resident_reads_the_programs_latest_progress_note(tx):
    """A program's in_progress reports: the resident sees the latest one's note and time."""
    card = register_case(tx, resident_phone="13900000011")   # unpaid wages: the legal-aid home
    assert tracking_view(card, tx.session)["progress"] is None
    for hours, note in ((1, "已完成“核对材料”"), (2, "已完成“报送街道老龄办”")):
        reports.apply_report(desk(tx, NOW + hours * HOUR), {
            "case_id": card.id, "program_id": "legal_aid", "status": "in_progress",
            "handler": "王代理员", "note": note})
    view = tracking_view(card, tx.session)
    assert view["progress"] == {"at": "2026-11-27T04:00:00Z", "note": "已完成“报送街道老龄办”"}
    assert "王代理员" not in repr(view)


def test_messages_to_residents(tx, wages):
    cat = register_case(tx, description="楼下有只病猫", resident_phone="13900000009",
                        channel="letter")
    listed = case_notifications(tx.session, wages)
    assert [(n["purpose"], n["channel"], n["status"]) for n in listed] == \
        [("receipt", "sms", "pending"), ("reply", "sms", "pending")]
    assert listed[1]["body"] == \
        f"【彩虹城社区服务站】您的诉求（{wages.tracking_code}）答复：月底前发放"
    assert listed[1]["created_at"] == "2026-11-27T05:00:00Z"
    assert (listed[1]["sent_at"], listed[1]["error"]) == (None, None)
    sent = tx.session.get(Notification, listed[0]["id"])
    sent.status, sent.sent_at, sent.error = "failed", NOW + HOUR, "网关超时"
    assert {k: v for k, v in case_notifications(tx.session, wages)[0].items()
            if k in ("status", "sent_at", "error")} == \
        {"status": "failed", "sent_at": "2026-11-27T03:00:00Z", "error": "网关超时"}
    newest = community_notifications(tx.session, "rainbow-city", 2)
    assert [n["id"] for n in newest] == [case_notifications(tx.session, cat)[0]["id"],
                                         listed[1]["id"]]
    assert community_notifications(tx.session, "maple-court", 10) == []


def test_people_and_communities(tx):
    head = tx.session.get(StaffRow, STATION_HEAD["id"])
    assert staff_view(head) == {"id": 2, "username": "zhao", "name": "赵站长",
                                "role": "station_head", "role_label": "站长",
                                "community": "rainbow-city", "program_id": None,
                                "active": True, "must_change_password": False}
    assert [s["id"] for s in list_staff(tx.session, "rainbow-city")] == [1, 2, 3, 5, 6, 8]
    assert [s["username"] for s in list_staff(tx.session, "maple-court")] == ["maple"]
    assert list_communities(tx.session, "zh") == [
        {"id": "maple-court", "name": "枫林社区", "name_zh": "枫林社区", "name_en": None},
        {"id": "rainbow-city", "name": "彩虹城社区", "name_zh": "彩虹城社区", "name_en": None}]
    assert list_communities(tx.session, "en")[0] == {
        "id": "maple-court", "name": "枫林社区", "name_zh": "枫林社区", "name_en": None}
    tx.session.get(Community, "maple-court").name_en = "Maple Court"
    assert list_communities(tx.session, "en")[0] == {
        "id": "maple-court", "name": "Maple Court", "name_zh": "枫林社区", "name_en": "Maple Court"}
    assert [c["name"] for c in list_communities(tx.session, "en")] == ["Maple Court", "彩虹城社区"]
    assert [c["name"] for c in list_communities(tx.session, "zh")] == ["枫林社区", "彩虹城社区"]
    tx.session.add(Community(id="oak-garden", name_zh="橡树园社区"))     # the newest, listed by id
    assert [c["id"] for c in list_communities(tx.session, "zh")] == [
        "maple-court", "oak-garden", "rainbow-city"]


def test_programs_and_their_services(tx):
    Registry(tx.session).announce(ProgramManifest().load({
        "program_id": "sms_broadcast", "name": {"zh": "短信广播", "en": "SMS broadcast"},
        "communities": ["maple-court"], "rpc_service": "sms_broadcast",
        "instance_id": "sms-1", "service_types": [
            {"code": "notice", "name": {"zh": "通知", "en": "Notice"}, "time_limit_hours": 2}]}),
        NOW + HOUR)
    assert list_programs(tx.session, "en") == [
        {"program_id": "cat_fund", "name": "流浪猫爱心基金会", "name_zh": "流浪猫爱心基金会",
         "name_en": None, "live": True,
         "rpc_service": None, "communities": ["rainbow-city"], "service_types": ["sick_cat"],
         "last_seen": "2026-11-27T02:00:00Z"},
        {"program_id": "legal_aid", "name": "Legal-aid home", "name_zh": "普法互助家园",
         "name_en": "Legal-aid home", "live": True,
         "rpc_service": None, "communities": ["rainbow-city"],
         "service_types": ["labour_dispute", "legal_consultation"],
         "last_seen": "2026-11-27T02:00:00Z"},
        {"program_id": "sms_broadcast", "name": "SMS broadcast", "name_zh": "短信广播",
         "name_en": "SMS broadcast", "live": True,
         "rpc_service": "sms_broadcast", "communities": ["maple-court"],
         "service_types": ["notice"],
         "last_seen": "2026-11-27T03:00:00Z"}]
    assert list_programs(tx.session, "zh")[1]["name"] == "普法互助家园"
    assert program_directory(tx.session) == [
        {"program_id": "cat_fund", "rpc_service": None, "live": True, "name": "流浪猫爱心基金会"},
        {"program_id": "legal_aid", "rpc_service": None, "live": True, "name": "普法互助家园"},
        {"program_id": "sms_broadcast", "rpc_service": "sms_broadcast", "live": True,
         "name": "短信广播"}]
    services = list_services(tx.session, "rainbow-city", "zh")
    assert [(s["service_code"], s["name"], s["program_id"], s["program"],
             s["time_limit_hours"]) for s in services] == [
        ("labour_dispute", "劳动争议", "legal_aid", "普法互助家园", 48),
        ("legal_consultation", "法律咨询", "legal_aid", "普法互助家园", 168),
        ("sick_cat", "病伤流浪猫", "cat_fund", "流浪猫爱心基金会", 24)]
    assert services[0]["keywords"] == ["工资", "拖欠", "劳动"]
    assert services[0]["attributes"][0]["code"] == "employer"
    assert services[2]["attributes"] == []
    assert [(s["service_code"], s["name"], s["program"]) for s in
            list_services(tx.session, "maple-court", "en")] == [
        ("notice", "Notice", "SMS broadcast")]
    assert {k: v for k, v in list_services(tx.session, "maple-court", "en")[0].items()
            if k.startswith("name")} == {"name": "Notice", "name_zh": "通知", "name_en": "Notice"}
    assert list_services(tx.session, "maple-court", "zh")[0]["name"] == "通知"
    assert list_services(tx.session, "rainbow-city", "en")[0]["name"] == "劳动争议"   # no English


def test_ops_count_each_program_and_status_apart(tx):
    """Rainbow City: two wages cases (one accepted), a legal question and two cats, all sent on
    at 10:00; the cats (24 h) are overdue a second after 10:00 the next day, the rest are not."""
    wages = register_case(tx, resident_phone="13900000001")
    register_case(tx, resident_phone="13900000002")
    register_case(tx, description="想找律师咨询", resident_phone="13900000003")
    register_case(tx, description="楼下有只病猫", resident_phone="13900000004")
    register_case(tx, description="小区里有只病猫", resident_phone="13900000005")
    assignment.accept(desk(tx), wages, actor(LAWYER))
    counts = case_counts(tx.session, NOW + 24 * HOUR + timedelta(seconds=1))
    assert sorted(counts["open"], key=lambda r: (r["program"], r["status"])) == [
        {"community": "rainbow-city", "program": "cat_fund", "status": "dispatched",
         "count": 2},
        {"community": "rainbow-city", "program": "legal_aid", "status": "accepted", "count": 1},
        {"community": "rainbow-city", "program": "legal_aid", "status": "dispatched",
         "count": 2}]
    assert counts["overdue"] == [{"community": "rainbow-city", "program": "cat_fund",
                                  "count": 2}]
    assert case_counts(tx.session, NOW + 24 * HOUR)["overdue"] == []     # due on the second
    late = case_counts(tx.session, NOW + 48 * HOUR + timedelta(seconds=1))["overdue"]
    assert sorted(late, key=lambda r: r["program"]) == [
        {"community": "rainbow-city", "program": "cat_fund", "count": 2},
        {"community": "rainbow-city", "program": "legal_aid", "count": 2}]   # the question: 168 h


def test_ops_count_open_and_overdue_cases(tx, wages):
    lamp = register_case(tx, description="小区路灯不亮", resident_phone="13900000002")
    cat = register_case(tx, description="楼下有只病猫", resident_phone="13900000003")
    register_case(tx, {**RECEPTIONIST, "community": "maple-court", "id": 4},
                  description="小区路灯不亮", resident_phone="13900000005")
    answers.resolve(desk(tx), cat, actor(RECEPTIONIST), "已送医")
    counts = case_counts(tx.session, NOW + 24 * HOUR + timedelta(seconds=1))
    assert sorted(counts["open"], key=lambda r: (r["community"], r["program"])) == [
        {"community": "maple-court", "program": "", "status": "awaiting_assignment",
         "count": 1},
        {"community": "rainbow-city", "program": "", "status": "awaiting_assignment",
         "count": 1},
        {"community": "rainbow-city", "program": "cat_fund", "status": "resolved", "count": 1}]
    assert sorted(counts["overdue"], key=lambda r: r["community"]) == [
        {"community": "maple-court", "program": "", "count": 1},
        {"community": "rainbow-city", "program": "", "count": 1}]
    assert lamp.status == "awaiting_assignment"
    assert case_counts(tx.session, NOW)["overdue"] == []


def test_the_lawyer_sees_the_case_as_the_programs_staff(tx, wages):
    assert case_view(wages, LAWYER, "zh", NOW)["resident_contact"] == "微信 zhang"


def test_a_queue_puts_repeats_last_and_leaves_out_answered_cases(tx):
    a = register_case(tx, resident_phone="13900000001")
    repeat = register_case(tx, resident_phone="13900000001", description="工资的事")
    c = register_case(tx, description="楼下有只病猫", resident_phone="13900000003")
    assert repeat.due_at is None
    assert queue(tx, RECEPTIONIST) == [c.id, a.id, repeat.id]     # no time limit: last
    chasing.chase(desk(tx), c, actor(STATION_HEAD), "升级", level=2)
    answers.resolve(desk(tx), c, actor(RECEPTIONIST), "已送医")
    answers.reply(desk(tx), c, actor(RECEPTIONIST), "已送医")
    assert queue(tx, RECEPTIONIST, queue="escalated") == []
    assert queue(tx, CAT_VOLUNTEER, queue="program") == []
    rows = list_cases(tx.session, RECEPTIONIST, QUEUE, "en", NOW)
    assert [r["status_label"] for r in rows] == ["Replied", "Dispatched", "Duplicate, linked"]
    answers.follow_up(desk(tx), c, actor(RECEPTIONIST), True, True)
    assert case_view(c, RECEPTIONIST, "zh", NOW)["closed_at"] == "2026-11-27T02:00:00Z"


def test_cases_due_at_the_same_moment_are_listed_by_number_each_with_its_own_chase(tx):
    """Three wages cases registered at 10:00, all due at 10:00 two days on; the first two chased
    by the station head at 11:00 and 12:00, each with a note of its own."""
    first = register_case(tx, resident_phone="13900000001")
    second = register_case(tx, resident_phone="13900000002")
    third = register_case(tx, resident_phone="13900000003")
    assert queue(tx, RECEPTIONIST) == [first.id, second.id, third.id]
    chasing.chase(desk(tx, NOW + HOUR), first, actor(STATION_HEAD), "先办这件")
    chasing.chase(desk(tx, NOW + 2 * HOUR), second, actor(STATION_HEAD), "再办这件")
    shown = list_cases(tx.session, RECEPTIONIST, QUEUE, "zh", NOW + 3 * HOUR)
    assert [(c["id"], (c["last_chase"] or {}).get("note")) for c in shown] == [
        (first.id, "先办这件"), (second.id, "再办这件"), (third.id, None)]
    in_english = list_cases(tx.session, RECEPTIONIST, QUEUE, "en", NOW + 3 * HOUR)
    assert in_english[0]["last_chase"]["action_label"] == "Chased"
    # each resident's receipt is the first message of their own case
    receipts = tx.session.query(Notification).filter_by(purpose="receipt") \
        .order_by(Notification.case_id)
    assert [(n.case_id, n.sequence) for n in receipts] == [
        (first.id, 1), (second.id, 1), (third.id, 1)]
