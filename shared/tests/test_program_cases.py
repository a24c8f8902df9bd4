"""The plainest case a program keeps: received as intake sent it, chased, recalled once open."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Session

from minzi.db import as_utc
from minzi.program_cases import ProgramCaseMixin, count_chase, keep, recall
from minzi.testing import dispatched_case

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
