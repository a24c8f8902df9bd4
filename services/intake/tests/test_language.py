"""What a user of intake reads, in the language the request chose (``?lang=en`` or
``Accept-Language: en``; Chinese otherwise): each message once, in that language alone, and a
name in the reader's language with both beside it where a directory lists it."""
import pytest
from marshmallow import ValidationError

from minzi.api import DomainError, validation_body

from intake import open311
from intake.api import router
from intake.domain import accounts, views
from intake.domain.registry import Registry
from intake.models import Community, Program, ServiceOffer
from intake.startup import bootstrap

from .conftest import ADMIN, NOW, RECEPTIONIST, STATION_HEAD, desk


def staff_api(method, path, body=None, staff=ADMIN, lang="zh", query=None):
    """The staff API as the gateway calls it; what is asked here is refused before any record
    is read."""
    return router.dispatch({"method": method, "path": path, "body": body, "staff": staff,
                            "query": query or {}, "lang": lang})


def fields_of(answer):
    assert answer["status"] == 422, answer
    return answer["body"]["error"]["fields"]


NEW_STAFF = {"username": "Wang Fang", "name": "王芳", "role": "handler", "password": "long-enough",
             "phone": "call me", "community": "Maple Court"}


def test_a_new_accounts_mistakes_are_named_in_chinese_by_default():
    assert fields_of(staff_api("POST", "/staff", NEW_STAFF)) == {
        "username": ["用户名只能用小写字母、数字和 _ . -（2 到 60 个）"],
        "phone": ["电话号码格式不对"],
        "community": ["应为 2 到 41 个小写字母、数字或 -，以字母开头"]}
    assert fields_of(staff_api("POST", "/staff", {**NEW_STAFF, "username": "wangfang",
                                                  "phone": None, "community": None})) == {
        "program_id": ["项目工作人员和承办人须指明所属项目"]}


def test_and_in_english_alone_when_asked():
    assert fields_of(staff_api("POST", "/staff", NEW_STAFF, lang="en")) == {
        "username": ["Must be 2 to 60 characters: lowercase letters, digits, _, . or -"],
        "phone": ["Not a phone number."],
        "community": ["Must be 2 to 41 lowercase letters, digits or -, starting with a letter."]}
    assert fields_of(staff_api("POST", "/staff", {**NEW_STAFF, "username": "wangfang",
                                                  "phone": None, "community": None},
                               lang="en")) == {
        "program_id": ["Program staff and handlers belong to a program."]}


@pytest.mark.parametrize(("lang", "phone", "service_code"), [
    ("zh", "电话、短信渠道须留电话", "应为 2 到 61 个小写字母、数字或 _ . -，以字母开头"),
    ("en", "A phone number is needed for this channel.",
     "Must be 2 to 61 lowercase letters, digits or _ . -, starting with a letter."),
])
def test_a_case_at_the_window_is_told_what_is_missing(lang, phone, service_code):
    assert fields_of(staff_api("POST", "/cases", {"channel": "phone", "description": "漏水"},
                               staff=RECEPTIONIST, lang=lang)) == {"resident_phone": [phone]}
    assert fields_of(staff_api("POST", "/cases", {"channel": "visit", "description": "漏水",
                                                  "service_code": "Water Repair"},
                               staff=RECEPTIONIST, lang=lang)) == {
        "service_code": [service_code]}


def test_figures_grouped_by_something_else():
    asked = {"group_by": "street"}
    assert fields_of(staff_api("GET", "/figures", staff=STATION_HEAD, query=asked)) == {
        "group_by": ["只能按 program、month、community 分组"]}
    assert fields_of(staff_api("GET", "/figures", staff=STATION_HEAD, query=asked,
                               lang="en")) == {
        "group_by": ["Group by program, month or community."]}


def test_a_path_intake_does_not_serve_is_an_api_path_not_found():
    assert staff_api("GET", "/casez")["body"] == {"error": {
        "code": "not_found", "message": "没有这个 API 路径"}}
    assert staff_api("GET", "/casez", lang="en")["body"] == {"error": {
        "code": "not_found", "message": "No such API path"}}


# -- Open311 ---------------------------------------------------------------------------------------

def open311_rpc(tx, operation, lang, jurisdiction="rainbow-city", args=None, form=None,
                attributes=None):
    """Intake's ``open311`` RPC, as it answers the gateway: ``(status, body)``."""
    try:
        at = desk(tx)
        return open311.answer(at, operation,
                              open311.community_or_404(at.registry, jurisdiction, "rainbow-city"),
                              args or {}, form or {}, attributes or {}, None, lang)
    except ValidationError as exc:
        return 400, validation_body(exc, lang)
    except DomainError as exc:
        return exc.status, exc.to_body(lang)


@pytest.mark.parametrize(("lang", "jurisdiction", "service", "request_id"), [
    ("zh", "没有「oak-park」这个辖区（jurisdiction_id）", "没有「water」这项服务（service_code）",
     "没有「RC9」这件诉求（service_request_id）"),
    ("en", "No jurisdiction 'oak-park'", "No service 'water'", "No request 'RC9'"),
])
def test_what_open311_does_not_have_is_said_in_the_readers_language(tx, lang, jurisdiction,
                                                                     service, request_id):
    with pytest.raises(DomainError) as error:
        open311.community_or_404(Registry(tx.session), "oak-park", "rainbow-city")
    assert error.value.to_body(lang)["error"]["message"] == jurisdiction
    assert (error.value.code, error.value.field, error.value.status) == (
        "jurisdiction_id", "jurisdiction_id", 404)
    status, body = open311_rpc(tx, "definition", lang, args={"service_code": "water"})
    assert (status, body["error"]["message"]) == (404, service)
    status, body = open311_rpc(tx, "request", lang, args={"service_request_id": "RC9"})
    assert (status, body["error"]["message"]) == (404, request_id)


def test_an_open311_post_with_mistakes_is_told_them_in_chinese_or_in_english(tx):
    key = accounts.create_api_key(tx.session, "rainbow-city", "地图应用", NOW)
    form = {"api_key": key, "service_code": "labour_dispute", "description": "拖欠工资",
            "phone": "call me", "media_url": "photo"}
    status, body = open311_rpc(tx, "create", "zh", form=form)
    assert (status, body["error"]["fields"]) == (400, {
        "phone": ["电话号码格式不对"], "media_url": ["应为网址（URL）"]})
    status, body = open311_rpc(tx, "create", "en", form=form)
    assert (status, body["error"]["fields"]) == (400, {
        "phone": ["Not a phone number."], "media_url": ["Not a valid URL."]})
    form = {**form, "phone": "13800001111", "media_url": None}
    assert open311_rpc(tx, "create", "zh", form=form)[1]["error"]["fields"] == {
        "address_string": ["须提供位置：经纬度（lat 和 long）、address_string 或 address_id"]}
    assert open311_rpc(tx, "create", "en", form=form)[1]["error"]["fields"] == {
        "address_string": ["Give lat and long, address_string or address_id."]}
    # the labour dispute's employer is required
    form = {**form, "address_string": "3号楼"}
    assert open311_rpc(tx, "create", "zh", form=form)[1]["error"]["fields"] == {
        "attributes": {"employer": ["必填"]}}
    assert open311_rpc(tx, "create", "en", form=form)[1]["error"]["fields"] == {
        "attributes": {"employer": ["Missing data for required field."]}}


def test_the_resident_who_posted_reads_the_notice_in_their_language(tx):
    key = accounts.create_api_key(tx.session, "rainbow-city", "地图应用", NOW)
    form = {"api_key": key, "service_code": "sick_cat", "description": "楼下有只受伤的猫",
            "address_string": "3号楼"}
    status, [zh] = open311_rpc(tx, "create", "zh", form=form)
    case = tx.session.query(open311.Case).one()
    assert (status, zh["service_notice"]) == (201, f"已受理，查询码 {case.tracking_code}")
    status, [en] = open311_rpc(tx, "create", "en", form={**form, "address_string": "5号楼",
                                                         "description": "楼下有只病猫"})
    repeat = tx.session.query(open311.Case).filter_by(public_id=en["service_request_id"]).one()
    assert en["service_notice"] == f"Received; tracking code {repeat.tracking_code}"
    # the same cat again: it joins the case already being handled
    status, [zh] = open311_rpc(tx, "create", "zh", form=form)
    again = tx.session.query(open311.Case).filter_by(public_id=zh["service_request_id"]).one()
    assert zh["service_notice"] == f"同一事项已在办理，将一并答复；查询码 {again.tracking_code}"
    status, [en] = open311_rpc(tx, "create", "en", form=form)
    again = tx.session.query(open311.Case).filter_by(public_id=en["service_request_id"]).one()
    assert en["service_notice"] == (f"Already being handled; you will get the same answer; "
                                    f"tracking code {again.tracking_code}")


def test_the_public_list_names_the_agency_in_the_readers_language(tx):
    tx.session.get(Community, "rainbow-city").name_en = "Rainbow City"
    key = accounts.create_api_key(tx.session, "rainbow-city", "地图应用", NOW)
    open311_rpc(tx, "create", "zh", form={"api_key": key, "service_code": "sick_cat",
                                          "description": "楼下有只受伤的猫",
                                          "address_string": "3号楼"})
    [zh] = open311_rpc(tx, "requests", "zh")[1]
    [en] = open311_rpc(tx, "requests", "en")[1]
    assert (zh["agency_responsible"], zh["service_notice"]) == (
        "流浪猫爱心基金会", "社区服务站已受理")
    # the cat fund gave no English name: its Chinese one stands
    assert (en["agency_responsible"], en["service_notice"]) == (
        "流浪猫爱心基金会", "Received by the community service station")
    assert (zh["status_notes"], en["status_notes"]) == ("已转交承办", "Dispatched")
    # once the fund and its service are named in English, the English list says so
    tx.session.get(Program, "cat_fund").name_en = "Stray Cat Fund"
    tx.session.get(ServiceOffer, ("cat_fund", "rainbow-city", "sick_cat")).name_en = "Sick cat"
    tx.session.flush()
    [en] = open311_rpc(tx, "requests", "en")[1]
    [zh] = open311_rpc(tx, "requests", "zh")[1]
    assert (en["agency_responsible"], en["service_name"]) == ("Stray Cat Fund", "Sick cat")
    assert (zh["agency_responsible"], zh["service_name"]) == ("流浪猫爱心基金会", "病伤流浪猫")


def test_a_request_no_program_has_yet_is_with_the_communitys_station(tx):
    tx.session.get(Community, "rainbow-city").name_en = "Rainbow City"
    key = accounts.create_api_key(tx.session, "rainbow-city", "地图应用", NOW)
    case_form = {"api_key": key, "service_code": "sick_cat", "description": "楼下有只受伤的猫",
                 "address_string": "3号楼"}
    open311_rpc(tx, "create", "zh", form=case_form)
    tx.session.query(open311.Case).one().program_id = None
    assert [r["agency_responsible"] for r in open311_rpc(tx, "requests", "zh")[1]] == [
        "彩虹城社区服务站"]
    assert [r["agency_responsible"] for r in open311_rpc(tx, "requests", "en")[1]] == [
        "Rainbow City service station"]


# -- names with both languages ---------------------------------------------------------------------

def test_communities_are_listed_with_both_names_and_take_those_communities_gives(tx):
    bootstrap(tx.session, {"COMMUNITIES": "rainbow-city:彩虹城社区:Rainbow City;"
                                          "maple-court:枫林社区:Maple Court"})
    assert views.list_communities(tx.session, "zh") == [
        {"id": "maple-court", "name": "枫林社区", "name_zh": "枫林社区", "name_en": "Maple Court"},
        {"id": "rainbow-city", "name": "彩虹城社区", "name_zh": "彩虹城社区",
         "name_en": "Rainbow City"}]
    assert [c["name"] for c in views.list_communities(tx.session, "en")] == [
        "Maple Court", "Rainbow City"]


def test_a_staff_member_is_named_on_a_case_as_on_every_other_record(tx):
    from .conftest import register_case
    case = register_case(tx)
    assert {e.actor for e in case.events} == {"王接待"}
    assert views.case_view(case, RECEPTIONIST, "en", NOW, with_history=True)["history"][0][
        "actor"] == "王接待"


def test_a_role_is_labelled_in_the_readers_language(tx):
    from intake.models import Staff as StaffRow
    head = tx.session.get(StaffRow, STATION_HEAD["id"])
    assert (views.staff_view(head)["role_label"], views.staff_view(head, "en")["role_label"]) == (
        "站长", "Station head")
    assert [s["role_label"] for s in views.list_staff(tx.session, "maple-court", "en")] == [
        "Receptionist"]
    me = {**RECEPTIONIST, "role_label": "接待员"}    # as the gateway's statement carries it
    assert staff_api("GET", "/me", staff=me, lang="en")["body"]["role_label"] == "Receptionist"
    assert staff_api("GET", "/me", staff=me)["body"]["role_label"] == "接待员"
