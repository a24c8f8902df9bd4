"""A case's history: every line recorded is written once, in order, with the transaction that
recorded it, and a case read in that transaction shows it; a line recorded in a transaction
that is rolled back is never written."""
from sqlalchemy import select

from minzi.testing import statements_sent

from intake.domain import views
from intake.domain.access import Actor
from intake.domain.registration import register
from intake.models import Case, CaseEvent
from intake.models import Staff as StaffRow

from .conftest import NOW, RECEPTIONIST, STATION_HEAD, actor, desk, register_case

CLERK = Actor("王接待")


def written(tx, case_id: int) -> list[tuple]:
    return [(e.action, e.note) for e in tx.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))]


def test_a_registration_writes_its_lines_after_its_case_in_one_statement(tx):
    statements = statements_sent(tx.session.bind)
    case = register_case(tx)
    tx.session.commit()
    inserts = [s.split()[2] for s in statements if s.startswith("INSERT")]
    assert inserts.index("cases") < inserts.index("case_events")
    assert inserts.count("case_events") == 1
    assert written(tx, case.id) == [("registered", "渠道：来访"),
                                    ("dispatched", "转交「普法互助家园」办理：劳动争议")]


def test_a_case_whose_history_was_read_shows_a_line_recorded_since(tx):
    case = register_case(tx)
    tx.session.commit()
    assert [e.action for e in case.events] == ["registered", "dispatched"]
    desk(tx).record(case, CLERK, "note", "居民来电补充材料")
    assert [(e.action, e.note) for e in case.events][-1] == ("note", "居民来电补充材料")
    tx.session.commit()
    assert written(tx, case.id)[-1] == ("note", "居民来电补充材料")


def test_a_new_case_whose_history_was_read_before_it_was_written_shows_its_lines(tx):
    case = Case(tracking_code="HISTORY0001", community_id="rainbow-city", channel="visit",
                status="awaiting_assignment", description="楼道灯不亮", created_at=NOW,
                updated_at=NOW)
    tx.session.add(case)
    assert case.events == []
    desk(tx).record(case, CLERK, "registered", "渠道：来访")
    tx.session.flush()
    assert [(e.action, e.note) for e in case.events] == [("registered", "渠道：来访")]


def test_a_line_recorded_in_a_transaction_rolled_back_is_never_written(tx):
    case = register_case(tx)
    tx.session.commit()
    desk(tx).record(case, CLERK, "note", "没有发生的事")
    tx.session.rollback()
    other = register_case(tx, resident_phone="13800002222", description="公司拖欠工资两个月")
    tx.session.commit()
    assert ("note", "没有发生的事") not in written(tx, case.id)
    assert written(tx, case.id) == [("registered", "渠道：来访"),
                                    ("dispatched", "转交「普法互助家园」办理：劳动争议")]
    assert [action for action, _ in written(tx, other.id)] == ["registered", "dispatched"]


def test_a_registration_answers_with_the_case_as_read_back_without_reading_it_back(tx):
    """The staff door answers a registration with the case and its history; for a case made in
    that transaction they are what its desk recorded and whose name the gateway vouched for,
    shown without a statement, and the same as the case read back afterwards."""
    at_window = desk(tx)
    case, created = register(at_window, {
        "community": "rainbow-city", "channel": "visit", "description": "公司拖欠我三个月工资",
        "resident_phone": "13800001111", "urgency": "utilities"}, actor(RECEPTIONIST))
    assert created
    tx.session.flush()
    statements = statements_sent(tx.session.bind)
    answered = views.case_view(case, RECEPTIONIST, "zh", NOW, with_history=True,
                               history=at_window.lines_recorded(case))
    assert statements == []
    assert [line["action"] for line in answered["history"]] == [
        "registered", "urgency_raised", "dispatched"]
    assert answered["owner"] == RECEPTIONIST["name"]
    tx.session.commit()
    tx.session.expunge_all()
    read_back = tx.session.get(Case, case.id)
    assert answered == views.case_view(read_back, RECEPTIONIST, "zh", NOW, with_history=True)
    # anyone else is shown the owner's name from the owner's row
    assert views.case_view(read_back, STATION_HEAD, "zh", NOW)["owner"] == RECEPTIONIST["name"]


def test_a_new_case_goes_in_through_its_table_and_is_then_the_sessions_as_if_read(tx):
    """A registration's case is one INSERT that returns the row (the unit of work's flush of
    one new object cost more than the statement); the case then has its id and the table's
    defaults, its lines follow it, and a change to it later is an UPDATE of that row."""
    statements = statements_sent(tx.session.bind)
    case = register_case(tx)
    assert [s.split()[2] for s in statements if s.startswith("INSERT")] == [
        "cases", "case_events", "notifications"]
    assert "RETURNING" in next(s for s in statements if s.startswith("INSERT INTO cases"))
    assert case in tx.session and case.id is not None and case.public_id
    assert (case.chase_level, case.escalated, case.reopened_count) == (0, False, 0)
    assert not tx.session.dirty and not tx.session.new
    del statements[:]
    case.handler = "李律师"
    tx.session.commit()
    assert [s.split()[0] for s in statements] == ["UPDATE"]
    tx.session.expunge_all()
    read_back = tx.session.get(Case, case.id)
    assert (read_back.handler, read_back.tracking_code, read_back.status) == (
        "李律师", case.tracking_code, "dispatched")
    assert written(tx, case.id) == [("registered", "渠道：来访"),
                                    ("dispatched", "转交「普法互助家园」办理：劳动争议")]


def test_a_line_of_a_case_not_yet_written_waits_for_that_cases_flush(tx):
    waiting = Case(tracking_code="HISTORY0002", community_id="rainbow-city", channel="visit",
                   status="awaiting_assignment", description="楼道灯不亮", created_at=NOW,
                   updated_at=NOW)
    at_window = desk(tx)
    at_window.record(waiting, CLERK, "registered", "渠道：来访")
    case = register_case(tx)
    tx.session.add(waiting)
    tx.session.commit()
    assert written(tx, waiting.id) == [("registered", "渠道：来访")]
    assert [action for action, _ in written(tx, case.id)] == ["registered", "dispatched"]


def test_a_new_case_with_its_owner_given_as_a_row_is_written_by_the_unit_of_work(tx):
    owner = tx.session.get(StaffRow, RECEPTIONIST["id"])
    case = Case(tracking_code="HISTORY0003", community_id="rainbow-city", channel="visit",
                status="awaiting_assignment", description="楼道灯不亮", created_at=NOW,
                updated_at=NOW, owner=owner)
    at_window = desk(tx)
    at_window.record(case, CLERK, "registered", "渠道：来访")
    at_window.write(case)
    tx.session.commit()
    tx.session.expunge_all()
    assert tx.session.get(Case, case.id).owner_id == RECEPTIONIST["id"]
    assert written(tx, case.id) == [("registered", "渠道：来访")]
