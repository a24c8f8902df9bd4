"""doctor's test fixtures; the shared ones (``program_container``, ``bus``) come from
``minzi.pytest_plugin``. The moment of every domain test is 10:00 in Beijing on 27 November
2026 (``NOW``); dates are Beijing dates."""
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest

from minzi.api import DomainError
from minzi.testing import dispatched_case, domain_transaction, make_staff
from minzi.testing import snapshot as rows_of

from doctor.domain import cases, doctors, records
from doctor.models import Base

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
C = "rainbow-city"
# the doctor: a program_staff account of doctor, registered on the list of doctors
DOCTOR = make_staff("program_staff", program_id="doctor", id=1, username="dr-liu", name="刘大夫")
# a clerk of the program who arranges clinic days: not on the list
CLERK = make_staff("handler", program_id="doctor", id=2, username="clerk", name="孙干事")
ADMIN = make_staff("admin", id=3, username="root", name="管理员")


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction, on a new SQLite database."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        yield transaction


@pytest.fixture
def dr(tx):
    """Dr Liu on the list of doctors of rainbow-city (registered by the admin)."""
    return doctors.register(tx, C, {"username": "dr-liu", "name": "刘大夫",
                                    "phone": "13911112222", "pledge": "随叫随到，小病不出社区门"},
                            ADMIN, NOW)


def snapshot(tx) -> dict:
    return {"rows": rows_of(tx.session, Base.metadata), "published": list(tx.published)}


# what a refusal says to the reader, in Chinese and in English, word for word
WORDS = {
    "record_closed": ("居民已撤回同意，这份健康档案已封存，不能查看或添加内容",
                      "The resident withdrew consent: this record is closed to reading and to "
                      "new entries"),
    "consent_form_required": ("书面同意请填写同意书编号",
                              "A signed consent needs the form's reference"),
    "witness_required": ("口头同意须写明见证人", "Verbal consent needs a named witness"),
    "consent_in_future": ("同意日期不能晚于今天", "The consent date cannot be in the future"),
    "birth_in_future": ("出生日期不能晚于今天", "The birth date cannot be in the future"),
    "diastolic_not_below_systolic": ("舒张压（低压）应低于收缩压（高压）",
                                     "The diastolic pressure must be below the systolic"),
    "measured_in_future": ("测量日期不能晚于今天",
                           "The measurement date cannot be in the future"),
    "seen_in_future": ("诊疗日期不能晚于今天", "The visit date cannot be in the future"),
    "withdrawn_in_future": ("撤回日期不能晚于今天",
                            "The withdrawal date cannot be in the future"),
    "withdrawn_before_consent": ("撤回日期不能早于同意日期",
                                 "Consent cannot be withdrawn before it was given"),
    "doctor_exists": ("这个账号已经登记为片儿医",
                      "This account is already registered as a doctor"),
    "clinic_in_past": ("义诊日期不能早于今天", "A free clinic cannot be planned in the past"),
    "clinic_over": ("这次义诊已经结束，不能再报名", "This free clinic is over"),
    "already_signed_up": ("这位居民已经报名了这次义诊",
                          "This resident has already signed up for this clinic"),
    "clinic_not_yet": ("义诊当天或之后才能登记到场",
                       "Attendance is recorded on the clinic's day or after"),
    "not_attended": ("这位居民没有登记到场，不能记录义诊测量结果",
                     "This resident is not recorded as having come"),
    "not_offered": ("这次义诊没有这项检查", "This clinic does not offer this"),
    "case_closed": ("这件诉求已经办完或已被收回", "The case is no longer open"),
    "not_accepted": ("请医生先接诊", "A doctor must accept the case first"),
    "visited_in_future": ("出诊日期不能晚于今天", "The visit date cannot be in the future"),
    "record_required": ("测量结果只记入居民同意建立的健康档案：请选择档案，或只写诊疗情况",
                        "Readings are kept only in a consented health record: name the record, "
                        "or write the note alone"),
}


@contextmanager
def refused(tx, code: str, *, field: str | None = None, status: int | None = None,
            words: tuple[str, str] | None = None):
    """The rule in the block says no with ``code`` (on ``field``, with ``status``), in its
    words (``words``, else ``WORDS[code]`` when there), and nothing changed."""
    before = snapshot(tx)
    with pytest.raises(DomainError) as err:
        yield err
    assert err.value.code == code, err.value.code
    if field is not None:
        assert err.value.field == field
    if status is not None:
        assert err.value.status == status
    # said in Chinese, and in English of its own (not the Chinese again)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message_zh), err.value.message_zh
    assert err.value.message_en not in (None, "", err.value.message_zh), err.value.message_en
    words = words or WORDS.get(code)
    if words is not None:
        assert (err.value.message_zh, err.value.message_en) == words
    assert snapshot(tx) == before


def record_data(name: str = "王奶奶", phone: str = "13700001111", **extra) -> dict:
    return {"name": name, "sex": "female", "birth_date": date(1946, 3, 8), "phone": phone,
            "address": "彩虹城3区2号楼1单元", "conditions": ["高血压"], "allergies": ["青霉素"],
            "consent_method": "signed_form", "consent_on": TODAY,
            "consent_form_ref": "TY-2026-001", **extra}


def open_record(tx, **extra):
    return records.open_record(tx, C, record_data(**extra), DOCTOR, NOW)


def house_call(tx, case_id: int = 1, phone: str = "13700001111", **extra):
    """A house call intake dispatched here (due three days on, unless ``due_at`` says)."""
    return cases.receive(tx, dispatched_case(
        "doctor", "house_call", case_id=case_id, description="老伴卧床，想请医生上门量血压",
        resident={"name": "王奶奶", "phone": phone}, address="彩虹城3区2号楼",
        **{"due_at": "2026-11-30T02:00:00Z", **extra}), NOW)
