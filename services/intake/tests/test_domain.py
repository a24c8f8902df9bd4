"""The one window's rules, on an in-memory database: no broker, no nameko."""
from datetime import timedelta

import pytest
from marshmallow import ValidationError
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from intake.domain import Actor, CaseDesk, Registry, figures
from intake.models import Base, Community, Notification, Staff
from minzi.api import Conflict, DomainError, Forbidden
from minzi.contract import ProgramManifest
from minzi.envelope import utcnow

MANIFEST = ProgramManifest().load({
    "program_id": "legal_aid", "name": {"zh": "普法互助家园", "en": "Legal-aid home"},
    "communities": ["rainbow-city"], "heartbeat_seconds": 10, "instance_id": "la-1",
    "service_types": [
        {"code": "labour_dispute", "name": {"zh": "劳动争议"}, "keywords": ["工资", "拖欠", "劳动"],
         "time_limit_hours": 48,
         "attributes": [{"code": "employer", "datatype": "string", "required": True,
                         "description": "用人单位"}]},
        {"code": "legal_consultation", "name": {"zh": "法律咨询"}, "keywords": ["法律", "律师"],
         "time_limit_hours": 168}]})
CATS = ProgramManifest().load({
    "program_id": "cat_fund", "name": {"zh": "流浪猫爱心基金会"}, "communities": ["rainbow-city"],
    "instance_id": "cat-1", "service_types": [
        {"code": "sick_cat", "name": {"zh": "病伤流浪猫"}, "keywords": ["猫"], "time_limit_hours": 24}]})


class Bus(list):
    def __call__(self, routing_key, data, community=None):
        self.append((routing_key, data))

    def keys(self):
        return [key for key, _ in self]


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Community(id="rainbow-city", name_zh="彩虹城社区"),
                         Community(id="maple-court", name_zh="枫林社区")])
        session.add_all([
            Staff(id=1, username="wang", name="王接待", role="receptionist",
                  community_id="rainbow-city", password_hash="x"),
            Staff(id=2, username="zhao", name="赵站长", role="station_head",
                  community_id="rainbow-city", password_hash="x"),
            Staff(id=3, username="lawyer", name="李律师", role="handler", program_id="legal_aid",
                  community_id="rainbow-city", password_hash="x"),
            Staff(id=4, username="maple", name="枫林接待", role="receptionist",
                  community_id="maple-court", password_hash="x")])
        Registry(session).announce(MANIFEST)
        Registry(session).announce(CATS)
        session.flush()
        yield session


def staff(session, staff_id):
    s = session.get(Staff, staff_id)
    return Actor.of_staff({"id": s.id, "name": s.name, "role": s.role,
                           "community": s.community_id, "program_id": s.program_id})


def desk(session, bus=None, **kwargs):
    return CaseDesk(session, bus if bus is not None else Bus(), **kwargs)


def register(session, bus=None, actor_id=1, **data):
    body = {"community": "rainbow-city", "channel": "visit",
            "description": "公司拖欠我三个月工资", "resident_phone": "13800001111", **data}
    return desk(session, bus).register(body, staff(session, actor_id))


def test_the_first_receiver_owns_the_case_and_it_is_routed_by_its_words(session):
    bus = Bus()
    case, created = register(session, bus, attributes={})
    assert created and case.owner_id == 1
    assert case.service_code == "labour_dispute" and case.status == "dispatched"
    assert bus.keys() == ["case.dispatched.legal_aid"]
    assert bus[0][1]["resident"]["phone"] == "13800001111"
    assert case.due_at - case.dispatched_at == timedelta(hours=48)
    receipt = session.query(Notification).one()
    assert case.tracking_code in receipt.body and receipt.channel == "sms"


def test_a_request_nobody_obviously_handles_goes_to_the_station_head(session):
    bus = Bus()
    case, _ = register(session, bus, description="小区路灯不亮")
    assert case.status == "awaiting_assignment" and bus == []
    with pytest.raises(Forbidden):
        desk(session).assign(case, staff(session, 1), "legal_consultation")
    desk(session, bus).assign(case, staff(session, 2), "legal_consultation", "请律师看看")
    assert case.status == "dispatched" and bus.keys() == ["case.dispatched.legal_aid"]


def test_an_absent_handler_is_covered_by_the_owner(session):
    case, _ = register(session)
    desk(session).accept(case, staff(session, 1), on_behalf_of="李律师")
    assert case.status == "accepted" and case.handler == "李律师"
    assert case.events[-1].action == "accepted_on_behalf"


def test_only_the_programs_staff_accept_for_themselves(session):
    case, _ = register(session)
    with pytest.raises(Forbidden):
        desk(session).accept(case, staff(session, 1))
    desk(session).accept(case, staff(session, 3))
    assert case.handler == "李律师" and case.first_response_at is not None


def test_transfer_recalls_from_one_program_and_dispatches_to_the_other(session):
    bus = Bus()
    case, _ = register(session, bus)
    desk(session, bus).transfer(case, staff(session, 1), "sick_cat", "居民说的是猫的事")
    assert bus.keys() == ["case.dispatched.legal_aid", "case.recalled.legal_aid",
                          "case.dispatched.cat_fund"]
    assert case.program_id == "cat_fund" and case.time_limit_hours == 24


def test_overdue_cases_are_chased_then_escalated(session):
    bus = Bus()
    case, _ = register(session, bus)
    later = case.due_at + timedelta(minutes=1)
    assert desk(session, bus, now=later).chase_overdue() == [(case.id, 1)]
    assert desk(session, bus, now=later).chase_overdue() == []      # once per level
    assert not case.escalated
    much_later = case.due_at + timedelta(hours=24)                   # half the 48 h limit again
    assert desk(session, bus, now=much_later).chase_overdue() == [(case.id, 2)]
    assert case.escalated and bus.keys()[-2:] == ["case.chased.legal_aid", "case.chased.legal_aid"]
    assert [e.action for e in case.events][-2:] == ["chased", "escalated"]


def test_a_program_report_resolves_and_the_owner_replies(session):
    bus = Bus()
    case, _ = register(session, bus)
    d = desk(session, bus)
    assert d.apply_report({"case_id": case.id, "program_id": "cat_fund", "status": "accepted"}) \
        is False   # not its case
    d.apply_report({"case_id": case.id, "program_id": "legal_aid", "status": "accepted",
                    "handler": "李律师"})
    d.apply_report({"case_id": case.id, "program_id": "legal_aid", "status": "resolved",
                    "result": "公司同意月底前支付", "reply": None})
    assert case.status == "resolved"        # the owner answers the resident, not the program
    with pytest.raises(Forbidden):
        d.reply(case, staff(session, 3), "……")
    d.reply(case, staff(session, 1), "您好，公司已同意月底前支付拖欠工资。")
    assert case.status == "replied"
    assert session.query(Notification).filter_by(purpose="reply").one().body.endswith("拖欠工资。")
    d.follow_up(case, staff(session, 1), resolved=True, satisfied=False, note="嫌慢")
    d.reopen(case, staff(session, 1), "居民要求书面材料")
    assert case.status == "dispatched" and case.reopened_count == 1


def test_without_an_owner_the_programs_answer_goes_straight_to_the_resident(session):
    case, _ = desk(session).register({"community": "rainbow-city", "channel": "open311",
                                      "description": "楼下有只受伤的猫", "service_code": "sick_cat",
                                      "resident_phone": "13911112222"},
                                     Actor("resident", "居民"))
    desk(session).apply_report({"case_id": case.id, "program_id": "cat_fund", "status": "resolved",
                                "result": "已送医", "reply": "猫已送到宠物医院，谢谢您。"})
    assert case.status == "replied" and case.reply == "猫已送到宠物医院，谢谢您。"


def test_a_repeat_of_an_open_request_is_linked_not_worked_twice(session):
    bus = Bus()
    first, _ = register(session, bus, attributes={"employer": "某公司"},
                        service_code="labour_dispute")
    second, _ = register(session, bus, attributes={"employer": "某公司"},
                         service_code="labour_dispute", description="还是工资的事")
    assert second.status == "duplicate" and second.duplicate_of_id == first.id
    assert bus.keys() == ["case.dispatched.legal_aid"]
    d = desk(session, bus)
    d.resolve(first, staff(session, 1), "已调解")
    d.reply(first, staff(session, 1), "已调解成功")
    assert second.reply == "已调解成功"      # the resident who asked again hears too


def test_out_of_scope_closes_with_an_explanation_and_a_referral(session):
    case, _ = register(session, description="想办护照")
    desk(session).close_out_of_scope(case, staff(session, 1), "护照不在社区办理范围。",
                                     "丰台区出入境接待大厅")
    assert case.status == "out_of_scope" and "出入境" in case.reply
    with pytest.raises(Conflict):
        desk(session).chase(case, staff(session, 2))


def test_attributes_are_checked_against_the_service_definition(session):
    with pytest.raises(ValidationError) as error:
        register(session, service_code="labour_dispute", attributes={"colour": "red"})
    assert set(error.value.messages["attributes"]) == {"colour", "employer"}


def test_staff_register_only_for_their_own_community(session):
    with pytest.raises(DomainError):
        register(session, actor_id=4)
    case, _ = register(session, actor_id=4, community="maple-court", description="漏水")
    assert case.status == "awaiting_assignment"   # no program serves maple-court yet


def test_when_a_program_goes_its_waiting_cases_return_and_residents_are_told(session):
    case, _ = register(session)
    registry = Registry(session)
    assert registry.withdraw("legal_aid", "la-1") is True
    moved = desk(session).program_gone("legal_aid")
    assert moved == [case.id] and case.status == "awaiting_assignment"
    told = session.query(Notification).filter_by(purpose="program_gone").one()
    assert "暂停服务" in told.body
    assert registry.offer("rainbow-city", "labour_dispute") is None


def test_a_program_that_stops_announcing_expires(session):
    soon = utcnow() + timedelta(seconds=29)      # heartbeats every 10 s: gone after 30 s
    assert Registry(session, now=soon).expire() == []
    later = utcnow() + timedelta(seconds=31)
    assert sorted(Registry(session, now=later).expire()) == ["cat_fund", "legal_aid"]
    assert Registry(session, now=later).live_offers("rainbow-city") == []


def test_figures_count_the_three_rates_and_on_time(session):
    d = desk(session)
    one, _ = register(session)
    two, _ = register(session, resident_phone="13900000000", description="法律咨询：合同问题")
    d.accept(one, staff(session, 3))
    d.resolve(one, staff(session, 3), "已解决")
    d.reply(one, staff(session, 1), "已解决")
    d.follow_up(one, staff(session, 1), resolved=True, satisfied=True)
    rows = figures([one, two], ("program",))
    assert rows == [{"program": "legal_aid", "received": 2, "responded": 1, "resolved": 1,
                     "resolved_on_time": 1, "followed_up": 1, "followup_resolved": 1,
                     "satisfied": 1, "response_rate": 0.5, "resolution_rate": 1.0,
                     "satisfaction_rate": 1.0, "on_time_rate": 1.0}]


def test_a_submission_for_a_service_not_offered_now_still_lands(session):
    case, created = desk(session).submitted({
        "request_key": "r1", "community": "rainbow-city", "channel": "sms",
        "description": "楼道灯坏了", "resident": {"phone": "13800001111"},
        "service_code": "street_lights", "reference": {"program_id": "sms_broadcast",
                                                        "kind": "broadcast", "id": "4"}})
    assert created and case.status == "awaiting_assignment" and case.service_code is None
    again, created = desk(session).submitted({
        "request_key": "r1", "community": "rainbow-city", "channel": "sms",
        "description": "楼道灯坏了", "resident": {"phone": "13800001111"}})
    assert not created and again.id == case.id


def test_the_same_address_written_with_other_spaces_is_the_same_place(session):
    first, _ = register(session, resident_phone=None, address="彩虹城 3号楼　2单元",
                        attributes={"employer": "甲"}, service_code="labour_dispute")
    second, _ = register(session, resident_phone="13900009999", address="彩虹城3号楼2单元",
                         attributes={"employer": "甲"}, service_code="labour_dispute")
    third, _ = register(session, resident_phone="13900008888", address="彩虹城4号楼",
                        attributes={"employer": "甲"}, service_code="labour_dispute")
    assert second.duplicate_of_id == first.id and third.duplicate_of_id is None
