"""The plainest case a program keeps: received as intake sent it, chased, recalled once open."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Session

from minzi.db import as_utc
from minzi.program_cases import (
    ProgramCaseMixin,
    add,
    count_chase,
    expect,
    find,
    keep,
    recall,
)
from minzi.testing import dispatched_case, statements_sent

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Case(ProgramCaseMixin, Base):
    pass


def session_on(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/cases.db")
    Base.metadata.create_all(engine)
    return Session(engine)


def test_a_case_is_kept_as_intake_sent_it_and_is_open(tmp_path):
    session = session_on(tmp_path)
    data = dispatched_case("probe", "water_repair", case_id=7, attributes={"floor": "3"})
    case = keep(session, Case, data, NOW)
    session.commit()
    session.expire_all()
    case = session.get(Case, 7)
    assert (case.tracking_code, case.community, case.service_code, case.description) == (
        "TEST000007", "rainbow-city", "water_repair", "居民来访求助")
    assert case.resident == {"name": "张三", "phone": "13800001111"}
    assert case.attributes == {"floor": "3"}
    assert (case.state, case.chases) == ("received", 0)
    assert as_utc(case.received_at) == NOW == as_utc(case.updated_at)


def test_a_case_dispatched_again_is_open_again_and_keeps_when_it_first_came(tmp_path):
    session = session_on(tmp_path)
    keep(session, Case, dispatched_case("probe", "water_repair"), NOW)
    recall(session, Case, {"case_id": 1}, NOW)
    later = NOW + timedelta(days=1)
    case = keep(session, Case, dispatched_case("probe", "water_repair", description="又漏水了",
                                               resident=None, attributes=None), later)
    assert (case.state, case.description, case.resident, case.attributes) == (
        "received", "又漏水了", {}, {})
    assert (as_utc(case.received_at), as_utc(case.updated_at)) == (NOW, later)


def test_chases_are_counted_and_a_recall_stops_only_an_open_case(tmp_path):
    session = session_on(tmp_path)
    assert count_chase(session, Case, {"case_id": 1}, NOW) is None     # never received
    assert recall(session, Case, {"case_id": 1}, NOW) is None
    keep(session, Case, dispatched_case("probe", "water_repair"), NOW)
    later = NOW + timedelta(hours=3)
    case = count_chase(session, Case, {"case_id": 1}, later)
    count_chase(session, Case, {"case_id": 1}, later)
    assert (case.chases, as_utc(case.updated_at)) == (2, later)
    recalled_at = later + timedelta(hours=1)
    assert recall(session, Case, {"case_id": 1}, recalled_at) is case
    assert (case.state, as_utc(case.updated_at)) == ("recalled", recalled_at)
    assert recall(session, Case, {"case_id": 1}, later) is None        # already taken back
    case.state = "resolved"
    assert recall(session, Case, {"case_id": 1}, later) is None
    assert case.state == "resolved"


def test_a_new_case_reads_as_new_at_once_before_it_is_written(tmp_path):
    """A program shows or records the case it has just kept in the same transaction (its reply,
    its own record): no chases yet, received now, open."""
    session = session_on(tmp_path)
    with session.no_autoflush:
        case = keep(session, Case, dispatched_case("probe", "water_repair", case_id=3), NOW)
        assert (case.case_id, case.state, case.chases, case.received_at) == (3, "received", 0,
                                                                            NOW)


def test_the_cases_of_a_batch_are_read_in_one_statement_and_a_new_one_is_not_asked_for_again(
        tmp_path):
    """The kit names the cases its messages are about (``expect``); the first ``find`` reads
    them all at once, a case none of them has is known to be new, and one kept since is found."""
    session = session_on(tmp_path)
    for case_id in (1, 2):
        keep(session, Case, dispatched_case("probe", "water_repair", case_id=case_id), NOW)
    session.commit()
    session.close()
    sent = statements_sent(session.get_bind())
    expect(session, [1, 2, 3, 4])
    assert find(session, Case, 2).case_id == 2
    assert [" ".join(s.split())[:27] for s in sent] == ["SELECT program_cases.case_i"]
    assert "IN (?, ?, ?, ?)" in sent[0]
    assert find(session, Case, 1).case_id == 1 and find(session, Case, 3) is None
    new = [keep(session, Case, dispatched_case("probe", "water_repair", case_id=case_id), NOW)
           for case_id in (3, 4)]
    assert find(session, Case, 4) is new[1]
    assert count_chase(session, Case, {"case_id": 4}, NOW) is new[1]
    assert recall(session, Case, {"case_id": 1}, NOW).state == "recalled"
    assert len(sent) == 1                              # nothing more was asked of the database
    session.commit()                                   # the new cases written together
    assert len([s for s in sent if s.startswith("INSERT INTO program_cases")]) == 1
    session.expire_all()
    assert (session.get(Case, 4).chases, session.get(Case, 1).state) == (1, "recalled")
    assert sorted(session.info) == []                  # the next transaction reads afresh


def test_a_case_not_expected_is_read_alone(tmp_path):
    session = session_on(tmp_path)
    keep(session, Case, dispatched_case("probe", "water_repair", case_id=9), NOW)
    session.commit()
    session.close()
    sent = statements_sent(session.get_bind())
    assert find(session, Case, 9).case_id == 9 and find(session, Case, 8) is None
    assert len(sent) == 2 and all("IN (?)" in s for s in sent)
    session.rollback()
    assert find(session, Case, 9).case_id == 9 and len(sent) == 3   # a new transaction


def test_a_case_added_before_any_look_is_found_without_asking(tmp_path):
    session = session_on(tmp_path)
    sent = statements_sent(session.get_bind())
    case = Case(case_id=5, tracking_code="TEST000005", community="rainbow-city",
                service_code="water_repair", state="received", description="漏水", resident={},
                attributes={})
    add(session, case)
    assert find(session, Case, 5) is case and sent == []
