"""Intake's test fixtures and the people who use the window. The shared fixtures
(``program_container``, ``bus``) come from ``minzi.pytest_plugin``."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from minzi.api import DomainError
from minzi.contract import ProgramManifest
from minzi.testing import RecordingTransaction, domain_transaction, make_staff, snapshot

from intake.domain.access import Actor
from intake.domain.desk import Desk
from intake.domain.registration import register
from intake.domain.registry import Registry
from intake.models import Base, Case, Community
from intake.models import Staff as StaffRow

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)   # 10:00 on 27 November in Beijing

RECEPTIONIST = make_staff("receptionist", id=1, username="wang", name="王接待")
STATION_HEAD = make_staff("station_head", id=2, username="zhao", name="赵站长")
LAWYER = make_staff("handler", program_id="legal_aid", id=3, username="lawyer", name="李律师")
MAPLE_RECEPTIONIST = make_staff("receptionist", id=4, username="maple", name="枫林接待",
                                community="maple-court")
CAT_VOLUNTEER = make_staff("program_staff", program_id="cat_fund", id=5, username="cat",
                           name="猫志愿者")
ADMIN = make_staff("admin", id=6, username="root", name="管理员")
SECOND_RECEPTIONIST = make_staff("receptionist", id=8, username="liu", name="刘接待")
EVERYONE = (RECEPTIONIST, STATION_HEAD, LAWYER, MAPLE_RECEPTIONIST, CAT_VOLUNTEER, ADMIN,
            SECOND_RECEPTIONIST)

LEGAL_AID = ProgramManifest().load({
    "program_id": "legal_aid", "name": {"zh": "普法互助家园", "en": "Legal-aid home"},
    "communities": ["rainbow-city"], "heartbeat_seconds": 10, "instance_id": "la-1",
    "service_types": [
        {"code": "labour_dispute", "name": {"zh": "劳动争议"}, "keywords": ["工资", "拖欠", "劳动"],
         "time_limit_hours": 48,
         "attributes": [{"code": "employer", "datatype": "string", "required": True,
                         "description": "用人单位"}]},
        {"code": "legal_consultation", "name": {"zh": "法律咨询"}, "keywords": ["法律", "律师"],
         "time_limit_hours": 168}]})
CAT_FUND = ProgramManifest().load({
    "program_id": "cat_fund", "name": {"zh": "流浪猫爱心基金会"},
    "communities": ["rainbow-city"], "instance_id": "cat-1",
    "service_types": [{"code": "sick_cat", "name": {"zh": "病伤流浪猫"}, "keywords": ["猫"],
                       "time_limit_hours": 24}]})


def actor(staff: dict) -> Actor:
    return Actor.of_staff(staff)


def desk(tx: RecordingTransaction, now: datetime = NOW, **kwargs) -> Desk:
    return Desk(tx.session, tx.publish, now, **kwargs)


def register_case(tx: RecordingTransaction, staff: dict = RECEPTIONIST, now: datetime = NOW,
                  **data) -> Case:
    """A resident at the window about unpaid wages, unless ``data`` says otherwise."""
    body = {"community": staff["community"], "channel": "visit",
            "description": "公司拖欠我三个月工资", "resident_phone": "13800001111", **data}
    case, created = register(desk(tx, now), body, actor(staff))
    assert created
    return case


def refused_unchanged(tx: RecordingTransaction, code: str, action, *args, **kwargs):
    """``action`` is refused with ``code`` and leaves every row as it was; the error."""
    before = snapshot(tx.session, Base.metadata)
    with pytest.raises(DomainError) as error:
        action(*args, **kwargs)
    assert error.value.code == code
    assert snapshot(tx.session, Base.metadata) == before
    return error.value


def said(error: DomainError) -> tuple:
    """What the refused reads, in Chinese and English, where, and the HTTP status."""
    zh, en = error.to_body("zh")["error"], error.to_body("en")["error"]
    return zh["message"], en["message"], next(iter(zh.get("fields", {})), None), error.status


# a request looking for the case it repeats (``duplicates._looking_for``'s values)
REPEAT_LOOK = {"request_key": "rainbow-city/k1", "phone": "13900001111",
               "address": "彩虹城8号楼", "community": "rainbow-city",
               "service_code": "water_repair"}


def planned(connection, statement, values: dict, explain: str) -> str:
    """The database's plan of ``statement`` with ``values`` (``explain``: "EXPLAIN" on
    PostgreSQL, "EXPLAIN QUERY PLAN" on SQLite), one line a step."""
    def explained(conn, cursor, sql, parameters, context, executemany):
        return f"{explain} {sql}", parameters
    event.listen(connection, "before_cursor_execute", explained, retval=True)
    try:
        return "\n".join(row[-1] for row in connection.execute(statement, values))
    finally:
        event.remove(connection, "before_cursor_execute", explained)


def published_keys(tx: RecordingTransaction) -> list[str]:
    return [m["routing_key"] for m in tx.published]


@pytest.fixture
def tx(tmp_path):
    """The rules' view of a transaction on a new SQLite database: two communities, their staff,
    and two programs serving Rainbow City (none serves Maple Court yet)."""
    with domain_transaction(Base.metadata, tmp_path) as transaction:
        seed(transaction.session)
        yield transaction


def seed(session) -> None:
    """Two communities, their staff, and two programs serving Rainbow City."""
    session.add_all([Community(id="rainbow-city", name_zh="彩虹城社区"),
                     Community(id="maple-court", name_zh="枫林社区")])
    session.add_all([StaffRow(id=s["id"], username=s["username"], name=s["name"],
                              role=s["role"], community_id=s["community"],
                              program_id=s["program_id"], password_hash="x")
                     for s in EVERYONE])
    Registry(session).announce(LEGAL_AID, NOW)
    Registry(session).announce(CAT_FUND, NOW)
    session.flush()
