"""受理 as residents and the window see it: a request is classified by its words (a service's name
counts twice a keyword), Open311 attribute values are checked against the service's definition,
the case keeps what the resident said, and the receipt promises a time in Beijing."""
from datetime import timedelta

import pytest
from marshmallow import ValidationError

from minzi.db import as_utc
from minzi.i18n import field_errors

from intake.domain import answers, chasing
from intake.domain.access import SYSTEM
from intake.domain.registration import check_attributes, classify, register, submitted
from intake.domain.registry import Registry
from intake.models import Notification, ServiceOffer

from .conftest import NOW, RECEPTIONIST, STATION_HEAD, actor, desk, published_keys, register_case

HOUR = timedelta(hours=1)

SURVEY = ServiceOffer(code="survey", name_zh="问卷", attributes=[
    {"code": "floor", "datatype": "number", "required": True, "description": "楼层"},
    {"code": "pet", "datatype": "singlevaluelist", "required": False, "description": "宠物",
     "values": [{"key": "cat", "name": "猫"}, {"key": "dog", "name": "狗"}]},
    {"code": "needs", "datatype": "multivaluelist", "required": False, "description": "需要",
     "values": [{"key": "food", "name": "食物"}, {"key": "vet", "name": "兽医"}]},
    {"code": "note", "datatype": "text", "required": False, "description": "备注"}])


def errors(values, lang="zh"):
    """What the resident's client reads under each attribute, in ``lang``."""
    with pytest.raises(ValidationError) as error:
        check_attributes(SURVEY, values)
    return field_errors(error.value.messages, lang)["attributes"]


def test_attribute_values_are_checked_against_the_definition():
    assert check_attributes(SURVEY, {"floor": "3", "pet": ["cat"], "needs": "vet",
                                     "note": "", "extra": None, "more": "", "rest": []}) == \
        {"floor": "3", "pet": "cat", "needs": ["vet"]}
    assert check_attributes(SURVEY, {"floor": 2.5, "pet": "dog",
                                     "needs": ["food", "vet"], "note": "三楼"}) == \
        {"floor": 2.5, "pet": "dog", "needs": ["food", "vet"], "note": "三楼"}
    assert errors({}) == {"floor": ["必填"]}
    assert errors(None) == {"floor": ["必填"]}
    assert errors({"floor": "三", "pet": "fish", "needs": ["food", "toy", 7],
                   "colour": "red"}) == {
        "floor": ["应为数字"],
        "pet": ["取值应为其中之一：cat, dog"],
        "needs": ["不认识的取值：toy, 7；应为其中之一：food, vet"],
        "colour": ["这个服务没有此项"]}
    assert errors({"floor": 1, "pet": ["cat", "dog"]}) == {"pet": ["取值应为其中之一：cat, dog"]}
    assert errors({"floor": None, "pet": []}) == {"floor": ["必填"]}
    assert errors({"floor": [1]}) == {"floor": ["应为数字"]}
    assert errors({"pet": "fish"}) == {"floor": ["必填"], "pet": ["取值应为其中之一：cat, dog"]}


def test_an_attribute_error_is_in_the_readers_language_alone():
    assert errors({"floor": "三", "pet": "fish", "needs": ["food", "toy", 7],
                   "colour": "red"}, "en") == {
        "floor": ["Not a valid number."],
        "pet": ["Must be one of: cat, dog."],
        "needs": ["Unknown values: toy, 7; must be among food, vet."],
        "colour": ["Not an attribute of this service."]}
    assert errors({}, "en") == {"floor": ["Missing data for required field."]}


def test_a_required_choice_left_out_names_the_keys_it_takes():
    pets = ServiceOffer(code="pets", name_zh="宠物", attributes=[
        {**SURVEY.attributes[1], "required": True}])
    with pytest.raises(ValidationError) as error:
        check_attributes(pets, {})
    assert field_errors(error.value.messages, "zh") == {
        "attributes": {"pet": ["必填，取值为其中之一：cat, dog"]}}
    assert field_errors(error.value.messages, "en") == {
        "attributes": {"pet": ["Required: one of cat, dog."]}}


def test_every_attribute_is_checked_whatever_fails_before_it():
    lists_first = ServiceOffer(code="lists_first", name_zh="先列表", attributes=[
        SURVEY.attributes[2], SURVEY.attributes[1], SURVEY.attributes[0]])  # needs, pet, floor
    with pytest.raises(ValidationError) as error:
        check_attributes(lists_first, {"needs": ["toy"], "pet": "fish"})
    assert field_errors(error.value.messages)["attributes"] == {
        "needs": ["不认识的取值：toy；应为其中之一：food, vet"],
        "pet": ["取值应为其中之一：cat, dog"],
        "floor": ["必填"]}


def test_a_request_goes_to_the_service_its_words_fit_best(tx):
    offers = Registry(tx.session).live_offers("rainbow-city")
    # keywords: 工资 拖欠 劳动 (labour dispute), 法律 律师 (consultation), 猫 (sick cat)
    assert classify("公司拖欠工资", offers)[0].code == "labour_dispute"          # two words
    assert classify("想问律师一个法律问题，和工资有关", offers)[0].code == "legal_consultation"
    assert classify("劳动争议和猫，还有律师", offers)[0].code == "labour_dispute"  # name: +2
    assert classify("律师说猫", offers)[0].code == "legal_consultation"   # a tie: the first
    # 病伤流浪猫 (its name, 2, and 猫, 1) = 3 against 工资 拖欠 = 2
    assert classify("病伤流浪猫，工资拖欠", offers)[0].code == "sick_cat"
    # 法律咨询 (its name, 2, and 法律, 1) = 3 against 劳动 拖欠 工资 = 3: a tie, the first
    assert classify("法律咨询：劳动合同，拖欠工资", offers)[0].code == "labour_dispute"
    assert classify("PASSPORT", offers) is None and classify(None, offers) is None
    offers[0][0].keywords = ["Wage", ""]
    assert classify("unpaid WAGES", offers)[0].code == "labour_dispute"    # case ignored
    assert classify("", offers) is None                                    # "" matches nothing


def test_a_registered_case_keeps_what_the_resident_said(tx):
    case = register_case(tx, channel="phone", resident_name="张三", resident_contact="微信 z",
                         address="3号楼", lat=39.86, long=116.28, reference={"note": "x"},
                         service_code="labour_dispute", attributes={"employer": "某公司"})
    assert (case.channel, case.resident_name, case.resident_phone, case.resident_contact,
            case.address, case.lat, case.long, case.attributes, case.reference,
            case.community_id, case.owner_id, case.created_at, case.updated_at) == \
        ("phone", "张三", "13800001111", "微信 z", "3号楼", 39.86, 116.28, {"employer": "某公司"},
         {"note": "x"}, "rainbow-city", RECEPTIONIST["id"], NOW, NOW)
    assert (case.chase_level, case.reopened_count, case.escalated) == (0, 0, False)
    assert len(case.tracking_code) == 10 and not set(case.tracking_code) & set("01OIL")
    first = case.events[0]
    assert (first.action, first.note, first.actor) == \
        ("registered", "渠道：电话", "王接待")
    assert tx.published == [{
        "routing_key": "case.dispatched.legal_aid", "community": "rainbow-city",
        "data": {"case_id": case.id, "tracking_code": case.tracking_code,
                 "program_id": "legal_aid", "service_code": "labour_dispute",
                 "community": "rainbow-city", "channel": "phone",
                 "description": "公司拖欠我三个月工资", "attributes": {"employer": "某公司"},
                 "address": "3号楼", "lat": 39.86, "long": 116.28,
                 "resident": {"name": "张三", "phone": "13800001111", "contact": "微信 z"},
                 "due_at": "2026-11-29T02:00:00Z", "note": None}}]


def test_the_receipt_promises_a_time_or_a_handler(tx):
    wages = register_case(tx)
    lamp = register_case(tx, description="小区路灯不亮", resident_phone="13900000002",
                         channel="open311")
    receipts = {n.case_id: n for n in tx.session.query(Notification).filter_by(purpose="receipt")}
    assert receipts[wages.id].body == \
        f"您的诉求已受理，查询码 {wages.tracking_code}。预计 2026-11-29 10:00 前办结。"
    assert receipts[lamp.id].body == \
        f"您的诉求已受理，查询码 {lamp.tracking_code}。我们将尽快安排承办人。"
    assert (receipts[wages.id].channel, receipts[wages.id].recipient) == ("sms", "13800001111")
    # the station head has the unassigned time limit to assign it
    assert lamp.due_at == NOW + 24 * HOUR and lamp.time_limit_hours == 24
    assert lamp.events[-1].note == "未能确定承办项目，交站长分派"
    no_phone = register_case(tx, description="小区路灯又不亮", resident_phone=None,
                             resident_contact="邮箱 a@b.c")
    told = tx.session.query(Notification).filter_by(case_id=no_phone.id).one()
    assert (told.channel, told.recipient) == ("tracking", None)


def test_a_station_that_sends_no_texts_keeps_its_messages_at_once(tx):
    """With no SMS gateway (the default sender) a message is kept, for the tracking page and
    staff, in the transaction that decided it; with a gateway it waits for the relay to send it.
    Either way a chase told to staff goes the same way as the resident's receipt."""
    kept = register(desk(tx, messages_only_kept=True), {
        "community": "rainbow-city", "channel": "visit", "description": "公司拖欠我三个月工资",
        "resident_phone": "13800001111"}, actor(RECEPTIONIST))[0]
    chasing.chase(desk(tx, messages_only_kept=True), kept, actor(STATION_HEAD), "今天回电")
    to_send = register_case(tx, resident_phone="13900000002")
    chasing.chase(desk(tx), to_send, actor(STATION_HEAD), "今天回电")
    tx.session.flush()

    def messages(case):
        return [(n.purpose, n.status, n.sent_at and as_utc(n.sent_at))
                for n in tx.session.query(Notification).filter_by(case_id=case.id)
                .order_by(Notification.id)]
    assert messages(kept) == [("receipt", "recorded", NOW), ("staff_chased", "recorded", NOW)]
    assert messages(to_send) == [("receipt", "pending", None), ("staff_chased", "pending", None)]


def test_a_program_took_a_request_in_for_a_resident(tx):
    case, created = submitted(desk(tx), {
        "request_key": "r9", "community": "rainbow-city", "channel": "sms",
        "description": "楼下有只病猫", "service_code": "sick_cat",
        "resident": {"name": "李四", "phone": "13900000001", "contact": "短信"},
        "address": "5号楼", "attributes": {},
        "reference": {"program_id": "legal_aid", "kind": "reply", "id": "7"}})
    assert created and case.request_key == "rainbow-city/submitted-r9" and case.owner_id is None
    assert (case.service_code, case.program_id, case.resident_name, case.resident_phone,
            case.resident_contact, case.address, case.reference["id"]) == \
        ("sick_cat", "cat_fund", "李四", "13900000001", "短信", "5号楼", "7")
    assert case.events[0].actor == "普法互助家园"             # the program that took it in
    # the program's choice of service stands, whatever the words suggest
    question, _ = submitted(desk(tx), {
        "request_key": "r13", "community": "rainbow-city", "channel": "sms",
        "description": "楼下有只病猫", "service_code": "legal_consultation",
        "resident": {"phone": "13900000005"}})
    assert (question.service_code, question.program_id) == ("legal_consultation", "legal_aid")
    wages, _ = submitted(desk(tx), {
        "request_key": "r11", "community": "rainbow-city", "channel": "sms",
        "description": "想问问", "service_code": "labour_dispute",
        "attributes": {"employer": "某公司"}, "resident": {"phone": "13900000004"}})
    assert (wages.service_code, wages.attributes) == ("labour_dispute", {"employer": "某公司"})
    with pytest.raises(ValidationError):          # and its attributes are checked
        submitted(desk(tx), {"request_key": "r12", "community": "rainbow-city",
                             "channel": "sms", "description": "工资", "attributes": {},
                             "service_code": "labour_dispute"})
    anonymous, _ = submitted(desk(tx), {"request_key": "r10", "community": "rainbow-city",
                                        "channel": "sms", "description": "路灯"})
    assert anonymous.events[0].actor == "项目" and anonymous.resident_phone is None


def test_the_unassigned_time_limit_is_the_stations_setting(tx):
    lamp, _ = register(desk(tx, unassigned_time_limit_hours=8),
                       {"community": "rainbow-city", "channel": "visit",
                        "description": "小区路灯不亮"}, actor(STATION_HEAD))
    assert lamp.due_at == NOW + 8 * HOUR and lamp.time_limit_hours == 8
    # waiting for the station head, it is escalated as soon as it is late
    assert chasing.chase_overdue(desk(tx, NOW + 8 * HOUR + timedelta(seconds=90))) == \
        [(lamp.id, 2)]
    assert lamp.events[-1].note == "超过办理时限 1 分钟，升级至站长督办"


def test_chasing_says_by_how_much_and_by_when(tx):
    wages = register_case(tx)                              # 48 hours, due 10:00 on the 29th
    due = NOW + 48 * HOUR
    assert chasing.chase_overdue(desk(tx, due)) == []      # on the minute is not late
    assert chasing.chase_overdue(desk(tx, due + timedelta(seconds=10))) == [(wages.id, 1)]
    assert wages.events[-1].note == "已超过办理时限（应于 2026-11-29 10:00 前办结），请尽快办理"
    assert (wages.events[-1].actor, wages.events[-1].public) == ("系统", False)
    assert tx.published[-1]["data"] == {
        "case_id": wages.id, "tracking_code": wages.tracking_code, "program_id": "legal_aid",
        "level": 1, "note": "已超过办理时限（应于 2026-11-29 10:00 前办结），请尽快办理"}
    assert chasing.chase_overdue(desk(tx, due + 24 * HOUR - timedelta(seconds=1))) == []
    assert chasing.chase_overdue(desk(tx, due + 24 * HOUR + 30 * 60 * timedelta(seconds=1))) \
        == [(wages.id, 2)]
    assert wages.events[-1].note == "超过办理时限 24.5 小时，升级至站长督办"
    assert (wages.chase_level, wages.escalated) == (2, True)
    assert chasing.chase_overdue(desk(tx, due + 100 * HOUR)) == []    # never a third time


def test_staff_chase_by_hand(tx):
    wages = register_case(tx)
    chasing.chase(desk(tx), wages, actor(STATION_HEAD), "请今天内联系居民")
    assert (wages.chase_level, wages.escalated) == (1, False)
    assert published_keys(tx)[-1] == "case.chased.legal_aid"
    chasing.chase(desk(tx), wages, actor(STATION_HEAD), "升级", level=2)
    assert tx.published[-1] == {
        "routing_key": "case.chased.legal_aid", "community": "rainbow-city",
        "data": {"case_id": wages.id, "tracking_code": wages.tracking_code,
                 "program_id": "legal_aid", "level": 2, "note": "升级"}}
    escalated = wages.events[-1]         # for the station, not on the resident's tracking page
    assert (escalated.action, escalated.actor, escalated.note, escalated.public) == \
        ("escalated", "赵站长", "升级", False)
    chasing.chase(desk(tx), wages, actor(STATION_HEAD), "再提醒")
    assert (wages.chase_level, wages.escalated) == (2, True)        # a reminder keeps level 2
    assert [e.action for e in wages.events][-3:] == ["chased", "escalated", "chased"]
    lamp = register_case(tx, description="小区路灯不亮", resident_phone="13900000002")
    sent = len(tx.published)
    chasing.chase(desk(tx), lamp, SYSTEM)
    assert len(tx.published) == sent              # no program holds it: nothing to send
    assert lamp.events[-1].note is None


def test_how_late_a_case_waiting_for_the_station_head_is_said(tx):
    """Escalated at once, with how late in minutes below an hour, in hours from one hour on."""
    said = []
    for late in (timedelta(minutes=3), timedelta(hours=1), timedelta(minutes=90)):
        lamp = register_case(tx, description="小区路灯不亮", resident_phone=None)
        chasing.chase_overdue(desk(tx, lamp.due_at + late))
        said.append(lamp.events[-1].note)
    assert said == ["超过办理时限 3 分钟，升级至站长督办", "超过办理时限 1.0 小时，升级至站长督办",
                    "超过办理时限 1.5 小时，升级至站长督办"]
    wages = register_case(tx, resident_phone="13900000009")
    answers.resolve(desk(tx), wages, actor(RECEPTIONIST), "已调解")      # answered: not chased
    assert chasing.chase_overdue(desk(tx, NOW + 100 * HOUR)) == []
