"""The member unit's contact (共建单位联系人): an account an admin opens with the role
``member_unit`` for a program (co-building gives a member unit's contact their own unit's
records). It is not one of the station's roles: of intake it reaches only the caller's own
account (``/me``, ``/auth/password``); the routes of a program that name the role are its own."""
from marshmallow import ValidationError

from intake.api import router
from intake.domain import accounts, views
from intake.schemas import StaffCreateSchema

from .conftest import ADMIN, NOW

CONTACT = {"id": 40, "username": "egg-contact", "name": "禽蛋公司刘主任", "role": "member_unit",
           "community": "rainbow-city", "program_id": "co_building"}


def staff_api(method, path, body=None, staff=CONTACT, lang="zh"):
    """The staff API as the gateway calls it; what is asked here is answered before any record
    is read."""
    return router.dispatch({"method": method, "path": path, "body": body, "staff": staff,
                            "query": {}, "lang": lang})


def test_an_admin_opens_a_member_units_account_for_its_program(tx):
    row = accounts.create_staff(tx.session, ADMIN, {
        "username": "egg-contact", "name": "禽蛋公司刘主任", "role": "member_unit",
        "program_id": "co_building", "password": "given-by-admin"}, NOW)
    assert {key: views.staff_view(row)[key] for key in ("role", "role_label", "program_id")} \
        == {"role": "member_unit", "role_label": "共建单位联系人", "program_id": "co_building"}
    assert views.staff_view(row, "en")["role_label"] == "Member unit contact"


def test_a_member_units_account_names_its_program():
    asked = {"username": "egg-contact", "name": "刘主任", "role": "member_unit",
             "password": "given-by-admin"}
    for lang, words in (("zh", "共建单位联系人须指明所属项目（如 co_building）"),
                        ("en", "A member unit's contact belongs to a program (e.g. co_building).")):
        answer = staff_api("POST", "/staff", asked, staff=ADMIN, lang=lang)
        assert answer["status"] == 422
        assert answer["body"]["error"]["fields"] == {"program_id": [words]}
    loaded = StaffCreateSchema().load({**asked, "program_id": "co_building"})
    assert (loaded["role"], loaded["program_id"]) == ("member_unit", "co_building")


def test_a_role_nobody_knows_is_still_refused():
    try:
        StaffCreateSchema().load({"username": "x-1", "name": "某人", "role": "member",
                                  "password": "given-by-admin", "program_id": "co_building"})
    except ValidationError as exc:
        assert list(exc.messages) == ["role"]
    else:
        raise AssertionError("an unknown role was accepted")


def test_the_contact_reads_their_own_account_and_no_case_of_the_station():
    me = staff_api("GET", "/me")
    assert (me["status"], me["body"]["role_label"]) == (200, "共建单位联系人")
    for method, path in (("GET", "/cases"), ("GET", "/staff"), ("GET", "/figures"),
                         ("POST", "/api-keys")):
        answer = staff_api(method, path)
        assert (answer["status"], answer["body"]["error"]["code"]) == (403, "forbidden"), path
