"""The program's own list of doctors, and who may touch medical data: only a program_staff or
handler account of doctor whose username is an active doctor of its community."""
import pytest

from minzi.api import Forbidden
from minzi.testing import make_staff

from doctor.domain import access, doctors, views

from .conftest import ADMIN, CLERK, DOCTOR, NOW, C, refused


def test_a_doctor_is_registered_with_the_notice_boards_card(tx, dr):
    assert (dr.username, dr.name, dr.phone, dr.pledge, dr.active, dr.created_by) == (
        "dr-liu", "刘大夫", "13911112222", "随叫随到，小病不出社区门", True, "管理员")
    with refused(tx, "doctor_exists", field="username", status=409):
        doctors.register(tx, C, {"username": "dr-liu", "name": "刘", "phone": "1",
                                 "pledge": "x"}, ADMIN, NOW)
    # the same account may be a doctor of another community's list
    assert doctors.register(tx, "maple-court", {"username": "dr-liu", "name": "刘大夫",
                                                "phone": "1", "pledge": "x"}, ADMIN,
                            NOW).community == "maple-court"


def test_only_a_registered_active_doctor_of_the_program_and_community_is_a_doctor(tx, dr):
    assert access.require_doctor(tx.session, DOCTOR) is dr
    assert access.is_doctor(tx.session, DOCTOR)
    not_doctors = {
        "a clerk of the program": CLERK,
        "the admin": ADMIN,
        "the doctor's username with another program": make_staff(
            "program_staff", program_id="legal_aid", username="dr-liu"),
        "the doctor's username as a receptionist": make_staff("receptionist",
                                                              username="dr-liu"),
        "the doctor's username of another community": {**DOCTOR, "community": "maple-court"},
        "an account without a username": {**DOCTOR, "username": None},
    }
    for who, staff in not_doctors.items():
        with refused(tx, "not_doctor", status=403):
            access.require_doctor(tx.session, staff)
        assert not access.is_doctor(tx.session, staff), who
    with refused(tx, "unauthenticated", status=401):
        access.require_doctor(tx.session, None)


def test_a_doctor_taken_off_the_list_is_a_doctor_no_more_and_may_come_back(tx, dr):
    doctors.update(tx, C, dr.id, {"active": False, "phone": None}, ADMIN, NOW)
    assert (dr.active, dr.phone, dr.updated_by) == (False, "13911112222", "管理员")
    with pytest.raises(Forbidden):
        access.require_doctor(tx.session, DOCTOR)
    doctors.update(tx, C, dr.id, {"active": True, "pledge": "新的承诺", "phone": "13911119999"},
                   CLERK, NOW)
    assert dr.phone == "13911119999"
    assert (access.doctor_of(tx.session, DOCTOR), dr.pledge, dr.updated_by) == (
        dr, "新的承诺", "孙干事")
    with refused(tx, "doctor_not_found", field="doctor_id", status=404) as err:
        doctors.update(tx, "maple-court", dr.id, {"active": False}, ADMIN, NOW)
    assert (err.value.message_zh, err.value.message_en) == (
        f"没有编号为 {dr.id} 的片儿医", f"No doctor {dr.id}")


def test_who_is_program_staff_and_who_manages(tx):
    assert access.is_program_staff(CLERK) and access.is_program_staff(DOCTOR)
    access.require_program_staff(CLERK)
    access.require_manager(CLERK)
    access.require_manager(ADMIN)
    for staff in (ADMIN, make_staff("program_staff", program_id="cat_fund"),
                  make_staff("station_head"), make_staff("ops")):
        with refused(tx, "not_program_staff", status=403):
            access.require_program_staff(staff)
    for staff in (make_staff("program_staff", program_id="cat_fund"),
                  make_staff("receptionist"), make_staff("ops")):
        with refused(tx, "not_program_staff", status=403):
            access.require_manager(staff)
    for rule in (access.require_program_staff, access.require_manager):
        with refused(tx, "unauthenticated", status=401):
            rule(None)


def test_the_list_and_the_public_card_show_active_doctors_only(tx, dr):
    other = doctors.register(tx, C, {"username": "dr-zhou", "name": "周大夫",
                                     "phone": "13911113333", "pledge": "每周二坐诊"}, ADMIN, NOW)
    doctors.update(tx, C, other.id, {"active": False}, ADMIN, NOW)
    assert [d.name for d in doctors.list_doctors(tx.session, C)] == ["刘大夫", "周大夫"]
    assert [d.name for d in doctors.list_doctors(tx.session, C, active_only=True)] == ["刘大夫"]
    card = views.card(tx.session, C, "zh", NOW)
    assert card["doctors"] == [{"name": "刘大夫", "phone": "13911112222",
                                "pledge": "随叫随到，小病不出社区门"}]
    assert "120" in card["notice"]
    assert views.doctor_view(dr)["username"] == "dr-liu"


def test_the_refusals_words(tx, dr):
    said = {}
    for code, rule, staff in (
            ("unauthenticated", access.require_program_staff, None),
            ("not_program_staff", access.require_program_staff, ADMIN),
            ("not_program_staff", access.require_manager, make_staff("receptionist")),
            ("not_doctor", lambda staff: access.require_doctor(tx.session, staff), CLERK)):
        with refused(tx, code) as err:
            rule(staff)
        said[(code, rule.__name__)] = (err.value.message_zh, err.value.message_en)
    assert list(said.values()) == [
        ("请先登录", "Log in first"),
        ("只有片儿医项目的工作人员可以办理", "Only the neighbourhood doctor's staff may do this"),
        ("只有片儿医项目的工作人员和管理员可以办理",
         "Only the neighbourhood doctor's staff and admins may do this"),
        ("只有登记在册的片儿医可以查看或填写健康档案和诊疗记录",
         "Only a registered doctor may read or write health records and medical notes")]


def test_only_the_community_admin_puts_someone_on_the_list_of_doctors(tx, dr):
    """Medical data opens to whoever is on the list, so none of the program's own staff (a
    doctor least of all, for a friend) and no other role may register or take off a doctor."""
    access.require_admin(ADMIN)
    for staff in (DOCTOR, CLERK, make_staff("station_head"), make_staff("receptionist"),
                  make_staff("program_staff", program_id="cat_fund"), make_staff("ops")):
        with refused(tx, "not_admin", status=403) as err:
            access.require_admin(staff)
        assert (err.value.message_zh, err.value.message_en) == (
            "只有社区管理员可以登记或停用片儿医",
            "Only the community's admin may register or take off a doctor")
    with refused(tx, "unauthenticated", status=401):
        access.require_admin(None)
